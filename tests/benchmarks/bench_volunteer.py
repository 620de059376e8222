#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Timings of civic_volunteer on a database filled with `generate.py --size
seed`, each printed beside its target.  Run by scripts/benchmark-volunteer,
one step per sub-command:

  create     a new database with every Civic Grid module but
             civic_volunteer and civic_property (generate.py then makes the
             district and its Party part; red property is not needed here
             and its seed part is long to build)
  activate   civic_volunteer, unless it is active
  build      the volunteer part of the district (volunteer_demo), timed;
             skipped with a note when the database has volunteers already
  measure    the one-click activation of the street with the most squad
             members as its street officer (in transactions rolled back),
             the year's certificate of the volunteer with the most records
             issued and printed as PDF by their community's officer, and the
             district's micro-wish completion of the last 12 months read by
             the civic administrator (server-side, access checks on)
  prepare    the volunteer logins of the JSON-RPC run (200 squad members of
             that street, each with a password, linked to their volunteer)
             and the activation committed, timed: their tasks to report in
  report-in  16 JSON-RPC clients reporting in on their own tasks through a
             running trytond, then the count of tasks reported in SQL
  summary    every figure printed again in one block

With BENCH_DIR set, each figure is also appended to BENCH_DIR/results.txt
and the figures the later steps need to BENCH_DIR/state.json."""
import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, 'scripts'))
sys.path.insert(0, ROOT)

from bench_grid import as_user  # noqa: E402
from bench_party import LANGUAGE, RUNS, SEED, timed_runs  # noqa: E402
from bench_points import (  # noqa: E402
    _keep, info, note, percentile, print_summary, report, save_state,
    start_pool)

CONTEXT = {'language': LANGUAGE}
VOLUNTEER_PASSWORD = 'benchpass2026'
# the volunteer logins of the JSON-RPC run: bench_v001 …
VOLUNTEER_LOGINS = 'bench_v{:03d}'
# the columns of view/wish_statistics_list.xml
STATISTICS_FIELDS = ['area', 'area.rec_name', 'month', 'posted', 'fulfilled',
    'withdrawn', 'rate']
VOLUNTEER_TABLES = ['civic_volunteer', 'civic_volunteer_team',
    'civic_volunteer_team-civic_volunteer', 'civic_volunteer_activity',
    'civic_volunteer_signup', 'civic_volunteer_record',
    'civic_volunteer_squad', 'civic_volunteer_squad-civic_volunteer',
    'civic_volunteer_emergency', 'civic_volunteer_emergency_task',
    'civic_volunteer_wish', 'civic_service_order',
    'civic_volunteer_certificate', 'res_notification', 'civic_area']


def create(args):
    "The database with every module but civic_volunteer and civic_property"
    import database
    modules = [m for m in database.MODULES
        if m not in {'civic_volunteer', 'civic_property'}]
    database.on_server('create', args.database)
    admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
    with tempfile.NamedTemporaryFile('w', suffix='.pw') as password:
        password.write(database.ADMIN_PASSWORD)
        password.flush()
        subprocess.run([admin, '-d', args.database, '-u', *modules,
                '--activate-dependencies', '-l', LANGUAGE,
                '--email', 'admin@example.com'], check=True,
            env=dict(os.environ, TRYTONPASSFILE=password.name))


def volunteer_active(database_name):
    from trytond import backend
    database = backend.Database(database_name).connect()
    connection = database.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        cursor.execute('SELECT state FROM ir_module WHERE name = %s',
            ('civic_volunteer',))
        row = cursor.fetchone()
    finally:
        database.put_connection(connection)
    return bool(row) and row[0] == 'activated'


def activate(args):
    if volunteer_active(args.database):
        return
    admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
    subprocess.run([admin, '-d', args.database, '-u', 'civic_volunteer',
            '--activate-dependencies', '-l', LANGUAGE], check=True)


def build(args):
    "The volunteer part, timed as generate.py's volunteer step runs it"
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from volunteer_demo import VolunteerDemo
    start_pool(args.database)
    Volunteer = Pool(args.database).get('civic.volunteer')
    with Transaction().start(args.database, 0, context=CONTEXT):
        if Volunteer.search([('active', 'in', [True, False])], limit=1):
            note('build of the volunteer part not timed: '
                f'{args.database} has volunteers already')
            return

        def commit():
            Transaction().commit()
        began = time.perf_counter()
        summary = VolunteerDemo(random.Random(args.seed), commit,
            args.size).run()
        elapsed = time.perf_counter() - began
    report(f'build the volunteer part of the {args.size} district',
        elapsed, 900, 's')
    note('  ' + ', '.join(f'{c:,} {w}' for w, c in summary.items()))
    save_state(volunteer_build_seconds=elapsed)


def analyse(database_name):
    from trytond import backend
    database = backend.Database(database_name).connect()
    connection = database.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        for table in VOLUNTEER_TABLES:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    finally:
        database.put_connection(connection)


# --- the street and its officer -------------------------------------------
def squad_street(database_name):
    """The street with the most squad members (each volunteer once), and
    the login of an officer of that street only (made when there is none)"""
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
        cursor.execute('SELECT split_part(a.path, \'/\', 2)::integer, '
            'count(DISTINCT m.volunteer) '
            'FROM "civic_volunteer_squad-civic_volunteer" m '
            'JOIN civic_volunteer_squad s ON s.id = m.squad '
            'JOIN civic_area a ON a.id = s.area '
            'GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1')
        street_id, members = cursor.fetchone()
        street = Area(street_id)
        group = ModelData.get_id('civic_grid', 'group_civic_street')
        for user in User.search([('groups', '=', group)],
                order=[('id', 'ASC')]):
            if [a.id for a in user.civic_areas] == [street_id]:
                login = user.login
                break
        else:
            login = f'bench_street_{street.code.lower()}'
            zh_cn, = Lang.search([('code', '=', LANGUAGE)])
            User.create([{
                        'login': login, 'name': f'街道工作人员（{street.name}）',
                        'language': zh_cn.id,
                        'groups': [('add', [group])],
                        'civic_areas': [('add', [street_id])],
                        }])
            transaction.commit()
        return street_id, street.code, street.name, members, login


def end_active(street_id):
    """End the emergencies active in the street or above or below it (those
    a previous run committed): a new one may be activated"""
    from trytond.pool import Pool
    Emergency = Pool().get('civic.volunteer.emergency')
    active = Emergency.search([('state', '=', 'active'), ['OR',
                ('area', 'child_of', [street_id], 'parent'),
                ('area', 'parent_of', [street_id], 'parent')]])
    if active:
        Emergency.deactivate(active)
    return len(active)


def ensure_volunteer_users(database_name, street_id, count):
    """count squad members of the street, each with a login of the
    Volunteer group and a password, linked to their volunteer: {login:
    volunteer id}"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database_name)
    User = pool.get('res.user')
    Volunteer = pool.get('civic.volunteer')
    Lang = pool.get('ir.lang')
    ModelData = pool.get('ir.model.data')
    logins = [VOLUNTEER_LOGINS.format(n) for n in range(1, count + 1)]
    with Transaction().start(database_name, 0,
            context=CONTEXT) as transaction:
        group = ModelData.get_id('civic_volunteer', 'group_civic_volunteer')
        linked = {v.user.login: v.id for v in Volunteer.search([
                    ('user.login', 'in', logins)])}
        if len(linked) == count:
            return linked
        street_path = pool.get('civic.area')(street_id).path
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT DISTINCT m.volunteer '
            'FROM "civic_volunteer_squad-civic_volunteer" m '
            'JOIN civic_volunteer_squad s ON s.id = m.squad '
            'JOIN civic_area a ON a.id = s.area '
            'JOIN civic_volunteer v ON v.id = m.volunteer '
            'WHERE a.path LIKE %s AND v.active AND v."user" IS NULL '
            'ORDER BY m.volunteer', (street_path + '%',))
        free = [v for v, in cursor]
        # as many as there are (the demo district has a few dozen)
        chosen = random.Random(SEED).sample(free,
            min(len(free), count - len(linked)))
        zh_cn, = Lang.search([('code', '=', LANGUAGE)])
        missing = [l for l in logins if l not in linked][:len(chosen)]
        existing = {u.login: u for u in User.search(
                [('login', 'in', missing)])}
        if existing:
            User.write(list(existing.values()),
                {'password': VOLUNTEER_PASSWORD})
        users = list(existing.values()) + User.create([{
                    'login': login, 'name': f'基准志愿者{login[-3:]}',
                    'password': VOLUNTEER_PASSWORD, 'language': zh_cn.id,
                    'groups': [('add', [group])],
                    } for login in missing if login not in existing])
        users.sort(key=lambda u: u.login)
        if chosen:
            Volunteer.write(*[a for user, volunteer in zip(users, chosen)
                    for a in ([Volunteer(volunteer)], {'user': user.id})])
        transaction.commit()
        linked.update({u.login: v for u, v in zip(users, chosen)})
        return linked


# --- measure ----------------------------------------------------------------
def measure(args):
    start_pool(args.database)
    analyse(args.database)
    measure_activation(args)
    measure_certificate(args)
    measure_statistics(args)


def measure_activation(args):
    """The street officer's one click on a new emergency of the street:
    every squad member a task, those with a login a notification; each run
    in a transaction rolled back"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access
    pool = Pool(args.database)
    Emergency = pool.get('civic.volunteer.emergency')
    Task = pool.get('civic.volunteer.emergency.task')
    street_id, code, name, members, login = squad_street(args.database)
    ensure_volunteer_users(args.database, street_id, args.volunteers)
    with Transaction().start(args.database, 0,
            context=CONTEXT) as transaction:
        if end_active(street_id):
            transaction.commit()
    times = []
    for _ in range(RUNS + 1):
        with Transaction().start(args.database, 0,
                context=CONTEXT) as transaction:
            emergency, = Emergency.create([{'name': '基准应急', 'area': street_id,
                        'description': '一键启动基准测试'}])
            cursor = transaction.connection.cursor()
            cursor.execute('SELECT coalesce(max(id), 0) FROM '
                'res_notification')
            last, = cursor.fetchone()
            with as_user(login), check_access():
                emergency = Emergency(emergency.id)
                began = time.perf_counter()
                Emergency.activate([emergency])
                times.append(time.perf_counter() - began)
            tasks = Task.search_count([('emergency', '=', emergency.id)])
            cursor.execute('SELECT count(*) FROM res_notification '
                'WHERE id > %s', (last,))
            notifications, = cursor.fetchone()
            transaction.rollback()
    info('  cold: the first activation in this process', times[0] * 1000,
        'ms')
    report(f'one-click activation of the street ({tasks:,} tasks)',
        statistics.median(times[1:]) * 1000, 2000, 'ms')
    note(f'  {code} {name}: {members:,} squad members, {notifications} '
        f'notifications (squad members with a login), activated by '
        f'{login}; median of {RUNS}, each rolled back')


def measure_certificate(args):
    """The year's certificate of the volunteer with the most records this
    year, issued and printed (PDF) by the officer of their community"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access
    pool = Pool(args.database)
    Certificate = pool.get('civic.volunteer.certificate')
    Volunteer = pool.get('civic.volunteer')
    User = pool.get('res.user')
    Report = pool.get('civic.volunteer.certificate.report', type='report')
    ModelData = pool.get('ir.model.data')
    start = dt.date.today().replace(month=1, day=1)
    with Transaction().start(args.database, 0, readonly=True,
            context=CONTEXT) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT volunteer, count(*) FROM '
            'civic_volunteer_record WHERE date >= %s GROUP BY volunteer '
            'ORDER BY count(*) DESC, volunteer LIMIT 1', (start,))
        volunteer_id, records = cursor.fetchone()
        volunteer = Volunteer(volunteer_id)
        name = volunteer.rec_name
        community = volunteer.area.path.split('/')[2]
        group = ModelData.get_id('civic_grid', 'group_civic_community')
        login = next((u.login for u in User.search(
                    [('groups', '=', group)], order=[('id', 'ASC')])
                if [str(a.id) for a in u.civic_areas] == [community]),
            'civic_admin')
    times = []
    for _ in range(RUNS + 1):
        with Transaction().start(args.database, 0,
                context=CONTEXT) as transaction:
            with as_user(login), check_access():
                certificate, = Certificate.create([{
                            'volunteer': volunteer_id, 'start': start,
                            'end': start.replace(month=12, day=31)}])
                began = time.perf_counter()
                Certificate.issue([certificate])
                extension, content, _, _ = Report.execute(
                    [certificate.id], {})
                times.append(time.perf_counter() - began)
                hours = Certificate(certificate.id).hours
            transaction.rollback()
    info('  cold: the first certificate in this process', times[0] * 1000,
        'ms')
    report(f"a volunteer's certificate of the year, issued and printed "
        f'({records} records)', statistics.median(times[1:]) * 1000, 1000,
        'ms')
    note(f'  {name}: {hours} hours, {extension} of {len(content):,} bytes, '
        f'by {login}; median of {RUNS}, each rolled back')


def measure_statistics(args):
    """The micro-wish completion of the district, its streets and its
    communities month by month over the last 12 months (the list and graph
    the civic administrator reads, as the seeds report it), then of every
    area down to the grids (an extra figure, no target)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(args.database)
    Statistics = pool.get('civic.volunteer.wish.statistics')
    Area = pool.get('civic.area')
    with Transaction().start(args.database, 0, readonly=True):
        county, = Area.search([('parent', '=', None)])
        county_id = county.id
        # the district, its streets and communities: the areas not below
        # a community
        upper = [a.id for a in Area.search([
                    ('level.is_grid', '=', False)])]
    today = dt.date.today()
    first = (today.replace(day=1) - dt.timedelta(days=335)).strftime('%Y-%m')
    last = today.strftime('%Y-%m')
    period = [('month', '>=', first), ('month', '<=', last)]

    def district():
        return Statistics.search_read(period + [('area', 'in', upper)],
            fields_names=STATISTICS_FIELDS)

    def every_area():
        return Statistics.search_read(period, fields_names=STATISTICS_FIELDS)
    cold, median, rows = timed_runs(args.database, 'civic_admin', district)
    info('  cold: the first read in this process', cold * 1000, 'ms')
    report(f"district's micro-wish completion, {first} to {last}, the "
        f'district, its streets and communities ({len(upper):,} areas, '
        f'{len(rows):,} rows)', median * 1000, 1000, 'ms')
    county = [r for r in rows if r['area'] == county_id]
    posted = sum(r['posted'] for r in county)
    fulfilled = sum(r['fulfilled'] for r in county)
    withdrawn = sum(r['withdrawn'] for r in county)
    note(f'  the district: {posted:,} posted, {fulfilled:,} fulfilled, '
        f'{withdrawn:,} withdrawn ('
        f'{100 * fulfilled / max(1, posted - withdrawn):.1f} %); '
        f'median of {RUNS}')
    _, median, rows = timed_runs(args.database, 'civic_admin', every_area)
    info(f'  every area down to the grids ({len(rows):,} rows, no target)',
        median * 1000, 'ms')


# --- the JSON-RPC run -------------------------------------------------------
def prepare(args):
    """The volunteer logins, then the activation of the street committed
    (timed, the commit included): the logins' tasks to report in"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access
    start_pool(args.database)
    pool = Pool(args.database)
    Emergency = pool.get('civic.volunteer.emergency')
    Task = pool.get('civic.volunteer.emergency.task')
    street_id, code, name, members, login = squad_street(args.database)
    linked = ensure_volunteer_users(args.database, street_id,
        args.volunteers)
    with Transaction().start(args.database, 0,
            context=CONTEXT) as transaction:
        if end_active(street_id):
            transaction.commit()
        emergency, = Emergency.create([{'name': '防汛应急（基准）',
                    'area': street_id,
                    'description': '全体应急编队到岗报到'}])
        transaction.commit()
        with as_user(login), check_access():
            began = time.perf_counter()
            Emergency.activate([Emergency(emergency.id)])
            transaction.commit()
            elapsed = time.perf_counter() - began
        tasks = {t.volunteer.id: t.id for t in Task.search([
                    ('emergency', '=', emergency.id),
                    ('volunteer', 'in', list(linked.values()))])}
        called = Task.search_count([('emergency', '=', emergency.id)])
    report(f'one-click activation, committed ({called:,} tasks)',
        elapsed * 1000, 2000, 'ms')
    note(f'  the first activation of this process (cold), its commit '
        f'included; {len(tasks)} of the tasks are the logins\' to report in')
    with open(args.tasks, 'w') as output:
        json.dump({login: tasks[v] for login, v in linked.items()}, output)


def report_in(args):
    "The clients, each reporting in for its volunteers, one call each"
    from tests.rpc import Session
    with open(args.tasks) as tasks_file:
        tasks = json.load(tasks_file)
    logins = sorted(tasks)
    clients = [logins[i::args.clients] for i in range(args.clients)]
    sessions, contexts = {}, {}
    lock = threading.Lock()

    def log_in(mine):
        for login in mine:
            session = Session(args.url, args.database, login,
                VOLUNTEER_PASSWORD)
            context = session.model('res.user', 'get_preferences', True)
            with lock:
                sessions[login], contexts[login] = session, context
    threads = [threading.Thread(target=log_in, args=(mine,))
        for mine in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies, errors, done = [], [], []
    barrier = threading.Barrier(len(clients) + 1)
    ended = {}

    def client(index, mine):
        barrier.wait()
        for login in mine:
            begin = time.perf_counter()
            try:
                sessions[login].model('civic.volunteer.emergency.task',
                    'report_in', [tasks[login]], context=contexts[login])
            except Exception as error:
                with lock:
                    errors.append(f'{login}: {error!r}'[:300])
            else:
                with lock:
                    done.append(tasks[login])
            with lock:
                latencies.append(time.perf_counter() - begin)
        ended[index] = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i, mine))
        for i, mine in enumerate(clients)]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = max(ended.values()) - start
    workers = f'{args.workers} trytond worker' + (
        's' if args.workers > 1 else '')
    info(f'JSON-RPC report_in, {len(clients)} clients, {workers} '
        f'({len(done)} in {elapsed:.1f} s)', len(done) / elapsed, '/s')
    info('  latency of one report_in call, p50',
        percentile(latencies, .5) * 1000, 'ms')
    info('  latency of one report_in call, p99',
        percentile(latencies, .99) * 1000, 'ms')
    report(f'  calls given up (of {len(latencies)})', len(errors), 0, '')
    for error in errors[:3]:
        print(f'     {error}', flush=True)
    from trytond.transaction import Transaction
    start_pool(args.database)
    ids = list(tasks.values())
    with Transaction().start(args.database, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT count(*), count(reported_at) FROM '
            'civic_volunteer_emergency_task WHERE id = ANY(%s) '
            "AND state = 'reported'", (ids,))
        reported, stamped = cursor.fetchone()
    same = reported == stamped == len(ids)
    label = '  tasks reported in SQL (none lost)'
    line = (f"{'ok  ' if same else 'MISS'} {label:<58} {reported:>10,}"
        f'      (target = {len(ids)})')
    _keep(line)


def summary(args):
    print_summary('civic_volunteer', args.size, lambda state: '')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest='command', required=True)
    for name in ('create', 'activate'):
        command = commands.add_parser(name)
        command.add_argument('-d', '--database', required=True)
    for name in ('measure', 'prepare'):
        command = commands.add_parser(name)
        command.add_argument('-d', '--database', required=True)
        command.add_argument('--volunteers', type=int, default=200)
        if name == 'prepare':
            command.add_argument('--tasks', required=True)
    build_parser = commands.add_parser('build')
    build_parser.add_argument('-d', '--database', required=True)
    build_parser.add_argument('--size', default='seed')
    build_parser.add_argument('--seed', type=int, default=SEED)
    report_parser = commands.add_parser('report-in')
    report_parser.add_argument('-d', '--database', required=True)
    report_parser.add_argument('--url', required=True)
    report_parser.add_argument('--tasks', required=True)
    report_parser.add_argument('--clients', type=int, default=16)
    report_parser.add_argument('--workers', type=int, default=1)
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
        'measure': measure, 'prepare': prepare, 'report-in': report_in,
        'summary': summary}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
