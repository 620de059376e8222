#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Create, test, update or drop a Civic Grid database on the configured backend
(TRYTOND_CONFIG and TRYTOND_DATABASE__* say which)."""
import argparse
import os
import subprocess
import sys
import tempfile

MODULES = ['civic_grid', 'civic_points', 'civic_event', 'civic_party',
    'civic_property', 'civic_volunteer', 'civic_station',
    'civic_assessment']
ADMIN_PASSWORD = 'admin'


def exists(name):
    from trytond import backend
    return name in backend.Database().connect().list()


def on_server(action, name):
    "Run the back-end's create or drop of database name"
    from trytond import backend
    database = backend.Database().connect()
    connection = database.get_connection(autocommit=True)
    try:
        getattr(database, action)(connection, name)
    finally:
        database.put_connection(connection)


def update(name, language='zh_CN', options=(), env=None):
    "Activate or update the modules (and load their translations)"
    admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
    subprocess.run([admin, '-d', name, '-u', *MODULES,
            '--activate-dependencies', '-l', language, *options],
        check=True, env=env)


def create(name, language='zh_CN'):
    on_server('create', name)
    with tempfile.NamedTemporaryFile('w', suffix='.pw') as password:
        password.write(ADMIN_PASSWORD)
        password.flush()
        update(name, language, ['--email', 'admin@example.com'],
            env=dict(os.environ, TRYTONPASSFILE=password.name))


def drop(name):
    if exists(name):
        on_server('drop', name)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        'action', choices=['exists', 'create', 'update', 'drop'])
    parser.add_argument('name')
    args = parser.parse_args()
    if args.action == 'exists':
        return 0 if exists(args.name) else 1
    globals()[args.action](args.name)


if __name__ == '__main__':
    sys.exit(main())
