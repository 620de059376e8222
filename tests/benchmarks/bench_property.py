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
            as its street officer (sao's first page and the flagged tab),
            the complaints list of the company with the most complaints as
            its staff user (sao's first page of the All and To Answer
            tabs), and the last quarter's evaluation of every company of
            the district computed as the civic administrator
  summary   every figure printed again in one block"""
import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, 'scripts'))
sys.path.insert(0, ROOT)

from bench_grid import as_user  # noqa: E402
from bench_party import LANGUAGE, PAGE, RUNS, SEED, timed_runs  # noqa: E402
from bench_points import (  # noqa: E402
    info, note, periods, print_summary, report, save_state, start_pool)

CONTEXT = {'language': LANGUAGE}
# the columns of view/coverage_list.xml
COVERAGE_FIELDS = ['compound.rec_name', 'area.rec_name', 'company.rec_name',
    'households', 'party_organisation.rec_name',
    'covering_organisation.rec_name', 'organisation_coverage',
    'work_coverage', 'flagged']
# the columns of view/complaint_list.xml, as sao reads them (the
# Many2One's id and rec_name)
COMPLAINT_FIELDS = ['number', 'reported_at', 'company', 'company.rec_name',
    'compound', 'compound.rec_name', 'category', 'category.rec_name',
    'reporter', 'resolve_deadline', 'state', 'satisfaction']
# the first tab of the complaints' action (To Answer; the All tab has none)
TO_ANSWER = [('state', 'in', ['accepted', 'in_progress'])]
PROPERTY_TABLES = ['civic_property_company', 'civic_property_management',
    'civic_property_log', 'civic_compound', 'civic_property_project',
    'civic_property_owners_committee', 'civic_property_company-res_user',
    'civic_event', 'civic_event_category']


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
        f'{login}; median of {RUNS}')
    measure_complaints(args)
    measure_evaluation(args)


def company_user(database_name):
    """The company with the most complaints, and the login of a staff user
    of it (made when it has none)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database_name)
    User = pool.get('res.user')
    Company = pool.get('civic.property.company')
    ModelData = pool.get('ir.model.data')
    with Transaction().start(database_name, 0,
            context=CONTEXT) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT property_company, count(*) FROM civic_event '
            'WHERE property_company IS NOT NULL '
            'GROUP BY property_company ORDER BY count(*) DESC, '
            'property_company LIMIT 1')
        row = cursor.fetchone()
        if not row:
            return None
        company_id, complaints = row
        company = Company(company_id)
        if company.users:
            login = company.users[0].login
        else:
            login = f'bench_property_{company.code.lower()}'
            user, = User.create([{
                        'login': login,
                        'name': f'{company.party.name}工作人员',
                        'groups': [('add', [ModelData.get_id(
                                        'civic_property',
                                        'group_civic_property')])],
                        }])
            Company.write([company], {'users': [('add', [user.id])]})
            transaction.commit()
        return company.rec_name, complaints, login


def measure_complaints(args):
    """sao's first page of the complaints list as the staff of the company
    with the most complaints: the search, then the read of the list's
    columns"""
    from trytond.pool import Pool
    Complaint = Pool(args.database).get('civic.property.complaint')
    found = company_user(args.database)
    if not found:
        note("not measured: a company user's complaints list (target "
            f'150 ms): {args.database} has no property complaint')
        return
    company, complaints, login = found

    def page(domain):
        def first_page():
            complaints = Complaint.search(domain, limit=PAGE)
            return Complaint.read([c.id for c in complaints],
                COMPLAINT_FIELDS)
        return first_page
    cold, median, rows = timed_runs(args.database, login, page([]))
    info('  cold: the first page in this process', cold * 1000, 'ms')
    report(f"company's complaints list, first page ({len(rows)} rows)",
        median * 1000, 150, 'ms')
    _, median, rows = timed_runs(args.database, login, page(TO_ANSWER))
    report(f"company's complaints to answer ({len(rows)} rows)",
        median * 1000, 150, 'ms')
    note(f'  {company}: {complaints:,} complaints, staff {login}; '
        f'median of {RUNS}')


def measure_evaluation(args):
    """The last quarter's evaluation of the district (every company) as
    the civic administrator: compute timed on a new evaluation, in a
    transaction rolled back after each run"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access
    pool = Pool(args.database)
    Area = pool.get('civic.area')
    Evaluation = pool.get('civic.property.evaluation')
    User = pool.get('res.user')
    _, year, quarter = periods(dt.date.today())
    with Transaction().start(args.database, 0, readonly=True,
            context=CONTEXT):
        county, = Area.search([('parent', '=', None)])
        county_id, county_name = county.id, county.name
        login = 'civic_admin' if User.search(
            [('login', '=', 'civic_admin')]) else 'admin'
        if Evaluation.search([('area', '=', county_id), ('year', '=', year),
                    ('quarter', '=', quarter)]):
            note("not measured: the quarter's evaluation of every company "
                f'(target 2 s): {county_name} has its {year} {quarter} '
                'evaluation already')
            return
    times = []
    for _ in range(RUNS + 1):
        with Transaction().start(args.database, 0,
                context=CONTEXT) as transaction:
            evaluation, = Evaluation.create([{'area': county_id,
                        'year': year, 'quarter': quarter}])
            with as_user(login), check_access():
                evaluation = Evaluation(evaluation.id)
                began = time.perf_counter()
                Evaluation.compute([evaluation])
                times.append(time.perf_counter() - began)
            lines = Evaluation(evaluation.id).lines
            companies = len(lines)
            complaints = sum(l.complaints for l in lines)
            transaction.rollback()
    info('  cold: the first computation in this process', times[0] * 1000,
        'ms')
    report(f"quarter's evaluation of every company ({companies} lines)",
        statistics.median(times[1:]) * 1000, 2000, 'ms')
    note(f'  {county_name} {year} {quarter}: {complaints:,} complaints in '
        f'the quarter, computed as {login}; median of {RUNS}')


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
