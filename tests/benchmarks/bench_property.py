#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Timings of civic_property on a database filled with `generate.py --size
seed`, each printed beside its target.  Run by scripts/benchmark-property,
one step per sub-command:

  create    a new database with every Civic Grid module but civic_property
            (generate.py then makes the district and its Party part)
  activate  civic_property, unless it is active
  build     the red-property part of the district (property_demo), timed;
            skipped with a note when the database has companies already
  measure   the two-coverages list of the street with the most compounds
            as its street officer (sao's first page and the flagged tab)
  summary   every figure printed again in one block

The company user's complaints list and the quarter's evaluation of every
company are printed as not measured until their features exist."""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, 'scripts'))
sys.path.insert(0, ROOT)

from bench_party import LANGUAGE, PAGE, SEED, timed_runs  # noqa: E402
from bench_points import (  # noqa: E402
    note, print_summary, report, save_state, start_pool)

CONTEXT = {'language': LANGUAGE}
# the columns of view/coverage_list.xml
COVERAGE_FIELDS = ['compound.rec_name', 'area.rec_name', 'company.rec_name',
    'households', 'party_organisation.rec_name',
    'covering_organisation.rec_name', 'organisation_coverage',
    'work_coverage', 'flagged']
PROPERTY_TABLES = ['civic_property_company', 'civic_property_management',
    'civic_property_log', 'civic_compound', 'civic_property_project',
    'civic_property_owners_committee']


def create(args):
    "The database with every module but civic_property"
    import database
    modules = [m for m in database.MODULES if m != 'civic_property']
    database.on_server('create', args.database)
    admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
    with tempfile.NamedTemporaryFile('w', suffix='.pw') as password:
        password.write(database.ADMIN_PASSWORD)
        password.flush()
        subprocess.run([admin, '-d', args.database, '-u', *modules,
                '--activate-dependencies', '-l', LANGUAGE,
                '--email', 'admin@example.com'], check=True,
            env=dict(os.environ, TRYTONPASSFILE=password.name))


def activate(args):
    admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
    subprocess.run([admin, '-d', args.database, '-u', 'civic_property',
            '--activate-dependencies'], check=True)


def build(args):
    "The red-property part, timed as generate.py's property step runs it"
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from property_demo import PropertyDemo
    start_pool(args.database)
    Company = Pool(args.database).get('civic.property.company')
    with Transaction().start(args.database, 0, context=CONTEXT):
        if Company.search([('active', 'in', [True, False])], limit=1):
            note('build of the red-property part not timed: '
                f'{args.database} has property companies already')
            return

        def commit():
            Transaction().commit()
        began = time.perf_counter()
        summary = PropertyDemo(random.Random(args.seed), commit,
            args.size).run()
        elapsed = time.perf_counter() - began
    note(f'(fixture) build the red-property part: {elapsed:.1f} s; '
        + ', '.join(f'{c:,} {w}' for w, c in summary.items()))
    save_state(property_build_seconds=elapsed)


def analyse(database_name):
    from trytond import backend
    database = backend.Database(database_name).connect()
    connection = database.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        for table in PROPERTY_TABLES:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    finally:
        database.put_connection(connection)


def street_officer(database_name):
    """The street with the most managed compounds, and the login of an
    officer of that street only (made when there is none)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database_name)
    User = pool.get('res.user')
    Area = pool.get('civic.area')
    ModelData = pool.get('ir.model.data')
    Coverage = pool.get('civic.property.coverage')
    with Transaction().start(database_name, 0,
            context=CONTEXT) as transaction:
        counts = {}
        for row in Coverage.search_read([], fields_names=['area']):
            street_id = int(Area(row['area']).path.split('/')[1])
            counts[street_id] = counts.get(street_id, 0) + 1
        street_id = max(counts, key=lambda i: (counts[i], -i))
        street = Area(street_id)
        login = f'bench_street_{street.code.lower()}'
        if not User.search([('login', '=', login)]):
            User.create([{
                        'login': login, 'name': f'街道工作人员（{street.name}）',
                        'groups': [('add', [ModelData.get_id(
                                        'civic_grid', 'group_civic_street')])],
                        'civic_areas': [('add', [street_id])],
                        }])
            transaction.commit()
        return street.code, street.name, counts[street_id], login


def measure(args):
    from trytond.pool import Pool
    start_pool(args.database)
    analyse(args.database)
    Coverage = Pool(args.database).get('civic.property.coverage')
    code, name, compounds, login = street_officer(args.database)

    def first_page():
        return Coverage.search_read([], limit=PAGE,
            fields_names=COVERAGE_FIELDS)

    def flagged():
        return Coverage.search_read([('flagged', '=', True)], limit=PAGE,
            fields_names=COVERAGE_FIELDS)
    _, median, rows = timed_runs(args.database, login, first_page)
    report(f"street's two-coverages list, first page ({len(rows)} rows)",
        median * 1000, 500, 'ms')
    _, median, rows = timed_runs(args.database, login, flagged)
    report(f"street's flagged compounds ({len(rows)} rows)",
        median * 1000, 500, 'ms')
    note(f'  {code} {name}: {compounds:,} managed compounds, officer '
        f'{login}; median of 5')
    note("not measured: a company user's complaints list (target 150 ms) "
        "and the quarter's evaluation of every company (target 2 s): "
        'civic_property has neither yet')


def summary(args):
    print_summary('civic_property', args.size, lambda state: '')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest='command', required=True)
    for name in ('create', 'activate', 'measure'):
        command = commands.add_parser(name)
        command.add_argument('-d', '--database', required=True)
    build_parser = commands.add_parser('build')
    build_parser.add_argument('-d', '--database', required=True)
    build_parser.add_argument('--size', default='seed')
    build_parser.add_argument('--seed', type=int, default=SEED)
    summary_parser = commands.add_parser('summary')
    summary_parser.add_argument('--size', default='seed')
    state_parser = commands.add_parser('state')
    state_parser.add_argument('values', nargs='+', help="NAME=SECONDS")
    args = parser.parse_args()
    if args.command == 'state':
        save_state(**{k: float(v) for k, v in
                (value.split('=', 1) for value in args.values)})
        return
    return {'create': create, 'activate': activate, 'build': build,
        'measure': measure, 'summary': summary}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
