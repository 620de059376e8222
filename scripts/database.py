#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Create, test or drop a Civic Grid database on the configured backend
(TRYTOND_CONFIG and TRYTOND_DATABASE__* say which)."""
import argparse
import os
import subprocess
import sys
import tempfile

MODULES = ['civic_grid']
ADMIN_PASSWORD = 'admin'


def exists(name):
    from trytond import backend
    Database = backend.Database
    return name in Database().connect().list()


def create(name, language='zh_CN'):
    from trytond import backend
    Database = backend.Database
    database = Database().connect()
    connection = database.get_connection(autocommit=True)
    try:
        database.create(connection, name)
    finally:
        database.put_connection(connection)
    with tempfile.NamedTemporaryFile('w', suffix='.pw') as password:
        password.write(ADMIN_PASSWORD)
        password.flush()
        env = dict(os.environ, TRYTONPASSFILE=password.name)
        admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
        subprocess.run([admin, '-d', name, '-u', *MODULES,
                '--activate-dependencies', '-l', language,
                '--email', 'admin@example.com'], check=True, env=env)


def update(name, language='zh_CN'):
    admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
    subprocess.run([admin, '-d', name, '-u', *MODULES,
            '--activate-dependencies', '-l', language], check=True)


def drop(name):
    from trytond import backend
    if not exists(name):
        return
    Database = backend.Database
    database = Database().connect()
    connection = database.get_connection(autocommit=True)
    try:
        database.drop(connection, name)
    finally:
        database.put_connection(connection)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('action', choices=['exists', 'create', 'update', 'drop'])
    parser.add_argument('name')
    args = parser.parse_args()
    if args.action == 'exists':
        return 0 if exists(args.name) else 1
    globals()[args.action](args.name)


if __name__ == '__main__':
    sys.exit(main())
