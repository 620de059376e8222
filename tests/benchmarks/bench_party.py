#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Timings of civic_party on a database filled with `generate.py --size
seed`, each printed beside its target.  Run by scripts/benchmark-party, one
step per sub-command:

  create    a new database with every Civic Grid module but civic_party
            (generate.py then makes the district without its Party part)
  activate  civic_party and its dependencies, unless it is active
  build     the Party part of the district (party_demo.PartyDemo, committed
            step by step as generate.py does), timed; skipped with a note
            when the database has Party data already
  measure   the district's Party statistics (every figure of the county
            row, rolled up) as the civic administrator, then the first page
            of a community's reported members as its community officer
            (server-side, in a fresh read-only transaction per run, with
            access checks on)
  summary   every figure printed again in one block

With BENCH_DIR set, each figure is also appended to BENCH_DIR/results.txt
and the figures the later steps need to BENCH_DIR/state.json."""
import argparse
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
from bench_points import (  # noqa: E402
    info, note, print_summary, report, save_state, start_pool)

# generate.py's seed
SEED = 20261123
LANGUAGE = 'zh_CN'
CONTEXT = {'language': LANGUAGE}
# sao's page size and the columns of view/member_report_list.xml
PAGE = 80
REPORT_FIELDS = ['member.rec_name', 'community.rec_name',
    'work_unit.rec_name', 'date', 'state']
RUNS = 5
# The tables the Party part fills (and civic_household, whose party_kind
# it sets): analysed before the measurements, as autovacuum would have them
PARTY_TABLES = ['civic_party_organisation',
    'civic_party_organisation-civic_area', 'civic_party_member',
    'civic_household', 'civic_appointment', 'civic_party_unit_report',
    'civic_party_member_report', 'civic_party_committee',
    'civic_party_project', 'civic_party_meeting']


# --- create and activate -------------------------------------------------
def create(args):
    """The database with every module but civic_party and those built on
    it (civic_property), as database.py creates it otherwise (same
    administrator password and language)"""
    import database

    modules = [m for m in database.MODULES
        if m not in {'civic_party', 'civic_property'}]
    database.on_server('create', args.database)
    admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
    with tempfile.NamedTemporaryFile('w', suffix='.pw') as password:
        password.write(database.ADMIN_PASSWORD)
        password.flush()
        subprocess.run([admin, '-d', args.database, '-u', *modules,
                '--activate-dependencies', '-l', LANGUAGE,
                '--email', 'admin@example.com'], check=True,
            env=dict(os.environ, TRYTONPASSFILE=password.name))


def party_active(database_name):
    from trytond import backend
    database = backend.Database(database_name).connect()
    connection = database.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        cursor.execute('SELECT state FROM ir_module WHERE name = %s',
            ('civic_party',))
        row = cursor.fetchone()
    finally:
        database.put_connection(connection)
    return bool(row) and row[0] == 'activated'


def activate(args):
    if party_active(args.database):
        return
    print('  activating civic_party and its dependencies', flush=True)
    admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
    subprocess.run([admin, '-d', args.database, '-u', 'civic_party',
            '--activate-dependencies'], check=True)


# --- build ----------------------------------------------------------------
def party_counts(cursor):
    "What the Party part holds, read in SQL"
    counts = {}
    for label, query in [
            ('organisations', 'SELECT count(*) FROM civic_party_organisation'),
            ('members', 'SELECT count(*) FROM civic_party_member'),
            ('Party-member households', 'SELECT count(*) FROM civic_household '
                'WHERE party_kind IS NOT NULL'),
            ('members reported', 'SELECT count(*) FROM '
                'civic_party_member_report'),
            ('units reported', 'SELECT count(*) FROM '
                'civic_party_unit_report'),
            ]:
        cursor.execute(query)
        counts[label], = cursor.fetchone()
    return counts


def build(args):
    """The Party part of the district, timed as generate.py's party step
    runs it: PartyDemo committing batch by batch"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from party_demo import PartyDemo
    start_pool(args.database)
    Organisation = Pool(args.database).get('civic.party.organisation')
    with Transaction().start(args.database, 0,
            context=CONTEXT) as transaction:
        if Organisation.search([('active', 'in', [True, False])], limit=1):
            counts = party_counts(transaction.connection.cursor())
            note(f'build of the Party part not timed: {args.database} has '
                'Party data already (' + ', '.join(
                    f'{c:,} {w}' for w, c in counts.items()) + ')')
            return

        def commit():
            Transaction().commit()
        began = time.perf_counter()
        summary = PartyDemo(random.Random(args.seed), commit,
            args.size).run()
        elapsed = time.perf_counter() - began
    report(f'build the Party part of the {args.size} district', elapsed, 180,
        's')
    note('  ' + ', '.join(f'{c:,} {w}' for w, c in summary.items()))
    save_state(party_build_seconds=elapsed)


# --- measure --------------------------------------------------------------
def analyse(database_name):
    from trytond import backend
    database = backend.Database(database_name).connect()
    connection = database.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        for table in PARTY_TABLES:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    finally:
        database.put_connection(connection)


def timed_runs(database_name, login, function, runs=RUNS):
    """function() timed in runs + 1 fresh read-only transactions as login
    with access checks on: (the first run's time, the median of the
    others, the last result)"""
    from trytond.transaction import Transaction, check_access
    times = []
    for _ in range(runs + 1):
        with Transaction().start(database_name, 0, readonly=True,
                context=CONTEXT):
            with as_user(login), check_access():
                began = time.perf_counter()
                result = function()
                times.append(time.perf_counter() - began)
    return times[0], statistics.median(times[1:]), result


def measure_statistics(args):
    "Every figure of the county row of civic.party.statistics"
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from civic_party.statistics import FIGURES
    pool = Pool(args.database)
    Area = pool.get('civic.area')
    Statistics = pool.get('civic.party.statistics')
    with Transaction().start(args.database, 0, readonly=True):
        county, = Area.search([('parent', '=', None)])
        county_id = county.id

    def district():
        return Statistics.read([county_id], ['area.rec_name'] + FIGURES)
    cold, median, (row,) = timed_runs(args.database, 'civic_admin', district)
    info('  cold: the first read in this process', cold * 1000, 'ms')
    report(f'district Party statistics ({len(FIGURES)} figures, '
        f'median of {RUNS})', median * 1000, 1000, 'ms')
    note('  ' + ', '.join(f'{n} {row[n]:,}' for n in FIGURES[:7]))

    def whole_list():
        return Statistics.search_read([], fields_names=['area.rec_name',
                'level.rec_name'] + FIGURES)
    _, median, rows = timed_runs(args.database, 'civic_admin', whole_list)
    info(f'  the whole statistics list ({len(rows)} rows, all figures)',
        median * 1000, 'ms')


def community_officer(database_name):
    """The community with the most member reports, and the login of a
    community officer of it and only it (made when there is none)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database_name)
    User = pool.get('res.user')
    Area = pool.get('civic.area')
    Lang = pool.get('ir.lang')
    ModelData = pool.get('ir.model.data')
    with Transaction().start(database_name, 0,
            context=CONTEXT) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT community, count(*) FROM '
            'civic_party_member_report GROUP BY community '
            'ORDER BY count(*) DESC, community LIMIT 1')
        community_id, reports = cursor.fetchone()
        community = Area(community_id)
        group = ModelData.get_id('civic_grid', 'group_civic_community')
        for user in User.search([('groups', '=', group)],
                order=[('id', 'ASC')]):
            if [a.id for a in user.civic_areas] == [community_id]:
                login = user.login
                break
        else:
            login = f'bench_community_{community.code.lower()}'
            zh_cn, = Lang.search([('code', '=', LANGUAGE)])
            User.create([{
                        'login': login,
                        'name': f'社区工作人员（{community.name}）',
                        'language': zh_cn.id,
                        'groups': [('add', [group])],
                        'civic_areas': [('add', [community_id])],
                        }])
            transaction.commit()
        return community.code, community.name, reports, login


def measure_member_reports(args):
    "sao's first page of the member reports, as the community officer"
    from trytond.pool import Pool
    MemberReport = Pool(args.database).get('civic.party.member_report')
    code, name, reports, login = community_officer(args.database)

    def first_page():
        return MemberReport.search_read([], limit=PAGE,
            fields_names=REPORT_FIELDS)
    cold, median, rows = timed_runs(args.database, login, first_page)
    info('  cold: the first page in this process', cold * 1000, 'ms')
    report(f"community's reported members, first page ({len(rows)} rows)",
        median * 1000, 150, 'ms')
    note(f'  {code} {name}: {reports:,} member reports, officer {login}; '
        f'median of {RUNS}')


def measure(args):
    start_pool(args.database)
    analyse(args.database)
    measure_statistics(args)
    measure_member_reports(args)


def summary(args):
    print_summary('civic_party', args.size, lambda state: '')


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
