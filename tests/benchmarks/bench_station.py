#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Timings of civic_station on a database filled with `generate.py --size
seed`, each printed beside its target.  Run by scripts/benchmark-station,
one step per sub-command:

  create     a new database with civic_station and the modules it needs
             (civic_grid, civic_points, civic_event): generate.py then
             makes the district and its care stations
  activate   civic_station, unless it is active (REUSE=1 on another
             benchmark's database)
  build      the station part of the district (station_demo), timed, when
             the database has no station yet; otherwise the time of
             generate.py's station step (from its log), when it made them
  measure    the visit list of the manager of the busiest station: the
             first page the web client loads (search_read with the list
             view's fields, as that user, access checks on), server-side
  prepare    the rider logins of the HTTP run (distinct riders, each with a
             key of the user application civic_station) and the station
             each checks in at, spread over the open stations
  geojson    the map's stations of the district over HTTP from the running
             server (GET /<db>/civic/station/stations.geojson), median of
             several runs
  check-in   16 clients posting the riders' QR check-ins over HTTP
             (POST /<db>/civic/station/scan/<token> with the rider's key),
             then the visits counted in SQL: every accepted check-in there
             once, none twice
  double-tap riders' phones posting the same check-in twice at once
             (two server workers at a time): one visit each
  summary    every figure printed again in one block

With BENCH_DIR set, each figure is also appended to BENCH_DIR/results.txt
and the figures the later steps need to BENCH_DIR/state.json."""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, 'scripts'))
sys.path.insert(0, ROOT)

from bench_party import LANGUAGE, PAGE, RUNS, SEED, timed_runs  # noqa: E402
from bench_points import (  # noqa: E402
    _keep, info, load_state, note, percentile, print_summary, report,
    save_state, start_pool)

CONTEXT = {'language': LANGUAGE}
MODULES = ['civic_grid', 'civic_points', 'civic_event', 'civic_station']
# the rider logins of the HTTP run and their phones' keys
RIDER_LOGINS = 'bench_r{:03d}'
RIDER_KEYS = 'bench-rider-{:03d}'
# the columns of view/visit_list.xml, as sao reads them
VISIT_FIELDS = ['visited_at', 'station', 'station.rec_name', 'rider',
    'rider.rec_name', 'services', 'source']
STATION_TABLES = ['civic_station', 'civic_station_visit',
    'civic_station_visit-civic_station_facility', 'civic_station_rider',
    'civic_station-res_user', 'civic_station-civic_station_facility',
    'civic_station_hours', 'civic_station_suggestion', 'party_party',
    'res_user_application']
# the geojson's runs (after one per server worker to warm it)
GEOJSON_RUNS = 20


def load():
    "The machine's load average over the last minute, and the cores"
    return f'load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores'


def create(args):
    "The database with civic_station and the modules it needs"
    import database
    database.on_server('create', args.database)
    admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
    with tempfile.NamedTemporaryFile('w', suffix='.pw') as password:
        password.write(database.ADMIN_PASSWORD)
        password.flush()
        subprocess.run([admin, '-d', args.database, '-u', *MODULES,
                '--activate-dependencies', '-l', LANGUAGE,
                '--email', 'admin@example.com'], check=True,
            env=dict(os.environ, TRYTONPASSFILE=password.name))


def station_active(database_name):
    from trytond import backend
    database = backend.Database(database_name).connect()
    connection = database.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        cursor.execute('SELECT state FROM ir_module WHERE name = %s',
            ('civic_station',))
        row = cursor.fetchone()
    finally:
        database.put_connection(connection)
    return bool(row) and row[0] == 'activated'


def activate(args):
    if station_active(args.database):
        return
    admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
    subprocess.run([admin, '-d', args.database, '-u', 'civic_station',
            '--activate-dependencies', '-l', LANGUAGE], check=True)


def counts(database_name):
    "The station part's figures, in SQL"
    from trytond.transaction import Transaction
    queries = [
        ('stations', 'SELECT count(*) FROM civic_station'),
        ('open', "SELECT count(*) FROM civic_station WHERE state = 'open'"),
        ('riders', 'SELECT count(*) FROM civic_station_rider'),
        ('part-time grid workers', 'SELECT count(*) FROM civic_appointment a '
            'JOIN civic_role r ON r.id = a.role '
            "WHERE r.code = 'part_time_grid_worker' AND a.state = 'active'"),
        ('visits of the last 12 months', 'SELECT count(*) FROM '
            "civic_station_visit WHERE visited_at >= now() - interval "
            "'12 months'"),
        ('rider reports', "SELECT count(*) FROM civic_event "
            "WHERE source = 'rider'"),
        ('suggestions', 'SELECT count(*) FROM civic_station_suggestion'),
        ('alliance members', 'SELECT count(*) FROM civic_station_alliance'),
        ]
    result = {}
    with Transaction().start(database_name, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        for label, query in queries:
            cursor.execute(query)
            result[label], = cursor.fetchone()
        cursor.execute('SELECT extract(month FROM visited_at)::integer, '
            'count(*) FROM civic_station_visit '
            "WHERE visited_at >= now() - interval '12 months' GROUP BY 1")
        result['months'] = dict(cursor)
    return result


def note_counts(database_name):
    figures = counts(database_name)
    months = figures.pop('months')
    note('  ' + ', '.join(f'{c:,} {w}' for w, c in figures.items()))
    seasons = [('winter', [12, 1, 2]), ('spring', [3, 4, 5]),
        ('summer', [6, 7, 8]), ('autumn', [9, 10, 11])]
    note('  visits per season: ' + ', '.join(
            f'{name} {sum(months.get(m, 0) for m in ms):,}'
            for name, ms in seasons))


def build(args):
    """The station part, timed as generate.py's station step runs it;
    the step's time from generate.py's log when it made the stations"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from station_demo import StationDemo
    start_pool(args.database)
    Station = Pool(args.database).get('civic.station')
    with Transaction().start(args.database, 0, context=CONTEXT):
        built = bool(Station.search([], limit=1))
    if built:
        seconds = load_state().get('station_seconds')
        if seconds:
            report(f'build the station part of the {args.size} district '
                '(generate.py)', seconds, 300, 's')
        else:
            note('build of the station part not timed: '
                f'{args.database} has stations already')
        note_counts(args.database)
        return
    with Transaction().start(args.database, 0, context=CONTEXT):

        def commit():
            Transaction().commit()
        began = time.perf_counter()
        StationDemo(random.Random(args.seed), commit, args.size).run()
        elapsed = time.perf_counter() - began
    report(f'build the station part of the {args.size} district', elapsed,
        300, 's')
    note_counts(args.database)
    save_state(station_seconds=elapsed)


def analyse(database_name):
    from trytond import backend
    database = backend.Database(database_name).connect()
    connection = database.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        for table in STATION_TABLES:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    finally:
        database.put_connection(connection)


# --- measure ----------------------------------------------------------------
def busiest_manager(database_name):
    """The station with the most visits, its visits and the login of its
    first manager"""
    from trytond.transaction import Transaction
    with Transaction().start(database_name, 0,
            readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT v.station, s.code, s.name, count(*) '
            'FROM civic_station_visit v '
            'JOIN civic_station s ON s.id = v.station '
            'WHERE EXISTS (SELECT 1 FROM "civic_station-res_user" m '
                'WHERE m.station = v.station) '
            'GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1 LIMIT 1')
        station_id, code, name, visits = cursor.fetchone()
        cursor.execute('SELECT u.login FROM "civic_station-res_user" m '
            'JOIN res_user u ON u.id = m."user" WHERE m.station = %s '
            'ORDER BY m.id LIMIT 1', (station_id,))
        login, = cursor.fetchone()
        cursor.execute('SELECT count(*) FROM "civic_station-res_user" m '
            'WHERE m."user" = (SELECT id FROM res_user WHERE login = %s)',
            (login,))
        managed, = cursor.fetchone()
    return code, name, visits, login, managed


def measure(args):
    """The first page of the visit list of the busiest station's manager,
    as sao loads it (Station Visits: search_read of the list view's
    fields, 80 rows), server-side with access checks on"""
    from trytond.pool import Pool
    start_pool(args.database)
    analyse(args.database)
    Visit = Pool(args.database).get('civic.station.visit')
    code, name, visits, login, managed = busiest_manager(args.database)

    def first_page():
        return Visit.search_read([], limit=PAGE, fields_names=VISIT_FIELDS)
    cold, median, rows = timed_runs(args.database, login, first_page)
    info('  cold: the first page in this process', cold * 1000, 'ms')
    report(f"station manager's visit list, first page ({len(rows)} rows)",
        median * 1000, 150, 'ms')
    note(f'  {code} {name}: {visits:,} visits, manager {login} '
        f'({managed} station{"s" if managed > 1 else ""}); median of {RUNS}')


# --- the HTTP runs ----------------------------------------------------------
def ensure_rider_users(database_name, count):
    """count riders, each with a login (no group) and a validated key of
    the user application civic_station: {login: (rider id, key)}"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database_name)
    User = pool.get('res.user')
    Rider = pool.get('civic.station.rider')
    Application = pool.get('res.user.application')
    Lang = pool.get('ir.lang')
    logins = [RIDER_LOGINS.format(n) for n in range(1, count + 1)]
    keys = {login: RIDER_KEYS.format(n)
        for n, login in enumerate(logins, 1)}
    with Transaction().start(database_name, 0,
            context=CONTEXT) as transaction:
        linked = {r.user.login: r.id for r in Rider.search([
                    ('user.login', 'in', logins)])}
        missing = [login for login in logins if login not in linked]
        if missing:
            cursor = transaction.connection.cursor()
            cursor.execute('SELECT id FROM civic_station_rider '
                'WHERE active AND "user" IS NULL ORDER BY id')
            free = [r for r, in cursor]
            chosen = random.Random(SEED).sample(free,
                min(len(free), len(missing)))
            missing = missing[:len(chosen)]
            zh_cn, = Lang.search([('code', '=', LANGUAGE)])
            existing = {u.login: u for u in User.search(
                    [('login', 'in', missing)])}
            users = list(existing.values()) + User.create([{
                        'login': login, 'name': f'基准骑手{login[-3:]}',
                        'language': zh_cn.id,
                        } for login in missing if login not in existing])
            users.sort(key=lambda u: u.login)
            Rider.write(*[a for user, rider in zip(users, chosen)
                    for a in ([Rider(rider)], {'user': user.id})])
            linked.update({u.login: r for u, r in zip(users, chosen)})
        users = {u.login: u.id for u in User.search(
                [('login', 'in', list(linked))])}
        applications = {a.key: a for a in Application.search(
                [('key', 'in', [keys[l] for l in linked])])}
        to_write, to_create = [], []
        for login, user in users.items():
            values = {'user': user, 'application': 'civic_station',
                'state': 'validated'}
            application = applications.get(keys[login])
            if application:
                to_write.extend([[application], values])
            else:
                to_create.append({'key': keys[login], **values})
        if to_write:
            Application.write(*to_write)
        Application.create(to_create)
        transaction.commit()
    return {login: (rider, keys[login]) for login, rider in linked.items()}


def prepare(args):
    """The riders and where each checks in: the open stations in turn
    (shuffled), never one the rider checked in at within the interval,
    with one or two of its services"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    start_pool(args.database)
    riders = ensure_rider_users(args.database, args.checkins)
    pool = Pool(args.database)
    Station = pool.get('civic.station')
    r = random.Random(SEED + int(time.time()))
    with Transaction().start(args.database, 0, readonly=True,
            context=CONTEXT) as transaction:
        stations = [(s.id, s.qr_token, [f.code for f in s.facilities])
            for s in Station.search([('state', '=', 'open')])]
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT rider, station FROM civic_station_visit '
            "WHERE visited_at >= now() - interval '30 minutes'")
        recent = set(cursor)
        cursor.execute('SELECT coalesce(max(id), 0) FROM '
            'civic_station_visit')
        last, = cursor.fetchone()
    r.shuffle(stations)
    plan = []
    for index, (login, (rider, key)) in enumerate(sorted(riders.items())):
        for offset in range(len(stations)):
            station, token, facilities = stations[
                (index + offset) % len(stations)]
            if (rider, station) not in recent:
                break
        services = r.sample(facilities, min(len(facilities),
                r.choice([1, 1, 2])))
        plan.append({'login': login, 'rider': rider, 'key': key,
                'station': station, 'token': token, 'services': services})
    with open(args.plan, 'w') as output:
        json.dump({'last_visit': last, 'checkins': plan}, output)
    note(f'  {len(plan)} riders with a login and a key, over '
        f'{len({p["station"] for p in plan})} of {len(stations)} open '
        'stations')


def get(url, timeout=60):
    began = time.perf_counter()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body = response.read()
    return time.perf_counter() - began, body


def geojson(args):
    "The map's stations of the district over HTTP, as the map loads them"
    url = f'{args.url}/{args.database}/civic/station/stations.geojson'
    before = load()
    warm = [get(url)[0] for _ in range(args.workers)]
    times = []
    for _ in range(GEOJSON_RUNS):
        elapsed, body = get(url)
        times.append(elapsed)
    features = json.loads(body)['features']
    info('  cold: the first request of each server worker',
        max(warm) * 1000, 'ms')
    report(f"map's stations of the district, GeoJSON over HTTP "
        f'({len(features)} stations)', statistics.median(times) * 1000,
        100, 'ms')
    note(f'  {len(body):,} bytes; median of {GEOJSON_RUNS}, p90 '
        f'{percentile(times, .9) * 1000:.1f} ms; {before} before, '
        f'{load()} after')


def check_in(args):
    "The clients, each posting its riders' check-ins, one call each"
    with open(args.plan) as plan_file:
        plan = json.load(plan_file)
    checkins = plan['checkins']
    clients = [checkins[i::args.clients] for i in range(args.clients)]
    lock = threading.Lock()
    latencies, errors, accepted = [], [], []
    barrier = threading.Barrier(len(clients) + 1)
    ended = {}

    def post(checkin):
        request = urllib.request.Request(
            f'{args.url}/{args.database}/civic/station/scan/'
            f'{checkin["token"]}',
            data=json.dumps({'services': checkin['services']}).encode(),
            headers={'Content-Type': 'application/json',
                'Authorization': f'bearer {checkin["key"]}'})
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.load(response)

    def client(index, mine):
        barrier.wait()
        for checkin in mine:
            begin = time.perf_counter()
            try:
                answer = post(checkin)
            except urllib.error.HTTPError as error:
                body = error.read().decode('utf-8', 'replace')
                with lock:
                    errors.append(f'{checkin["login"]}: {error.code} '
                        f'{body}'[:300])
            except Exception as error:
                with lock:
                    errors.append(f'{checkin["login"]}: {error!r}'[:300])
            else:
                with lock:
                    accepted.append((checkin['rider'], checkin['station'],
                            answer.get('visited_at')))
            with lock:
                latencies.append(time.perf_counter() - begin)
        ended[index] = time.perf_counter()
    before = load()
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
    info(f'QR check-ins over HTTP, {len(clients)} clients, {workers} '
        f'({len(accepted)} in {elapsed:.1f} s)', len(accepted) / elapsed,
        '/s')
    info('  latency of one check-in, p50', percentile(latencies, .5) * 1000,
        'ms')
    info('  latency of one check-in, p99', percentile(latencies, .99) * 1000,
        'ms')
    note(f'  {before} before, {load()} after')
    report(f'  check-ins given up (of {len(latencies)})', len(errors), 0,
        '')
    for error in errors[:3]:
        print(f'     {error}', flush=True)
    counted(args, plan, accepted)


def counted(args, plan, accepted):
    """The visits the run made, in SQL: one per accepted check-in (its
    rider at its station), none twice, none lost"""
    from trytond.transaction import Transaction
    start_pool(args.database)
    with Transaction().start(args.database, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT rider, station, count(*), '
            "bool_and(source = 'qr') FROM civic_station_visit "
            'WHERE id > %s GROUP BY rider, station',
            (plan['last_visit'],))
        made = {(rider, station): (count, qr)
            for rider, station, count, qr in cursor}
    wanted = {(rider, station) for rider, station, _ in accepted}
    lost = len(wanted - set(made))
    twice = sum(1 for count, _ in made.values() if count > 1)
    extra = len(set(made) - wanted)
    total = sum(count for count, _ in made.values())
    for label, value, target in [
            ('  accepted check-ins in SQL (none lost)', len(wanted) - lost,
                len(wanted)),
            ('  visits made by the run (one per check-in)', total,
                len(wanted)),
            ]:
        line = (f"{'ok  ' if value == target else 'MISS'} {label:<58} "
            f'{value:>10,}      (target = {target})')
        _keep(line)
    report('  riders checked in twice at a station', twice, 0, '')
    if extra or not all(qr for _, qr in made.values()):
        note(f'  {extra} visits of riders the run did not accept, or not '
            'by QR code')


def double_tap(args):
    """Riders' phones posting the same check-in twice at once (a double
    tap, a retry): each pair's two requests reach two server workers
    together; one visit each, the other refused as within the interval"""
    with open(args.plan) as plan_file:
        plan = json.load(plan_file)
    stations = sorted({(c['station'], c['token']) for c in plan['checkins']})
    pairs = []
    for index, checkin in enumerate(plan['checkins'][:args.pairs]):
        # another station than the rider's check-in of the main run
        others = [s for s in stations if s[0] != checkin['station']]
        if not others:
            break
        station, token = others[index % len(others)]
        pairs.append({**checkin, 'station': station, 'token': token,
                'services': []})
    from trytond.transaction import Transaction
    start_pool(args.database)
    with Transaction().start(args.database, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT coalesce(max(id), 0) FROM '
            'civic_station_visit')
        last, = cursor.fetchone()
    outcomes = []

    def post(checkin, barrier, results):
        request = urllib.request.Request(
            f'{args.url}/{args.database}/civic/station/scan/'
            f'{checkin["token"]}', data=b'{"services": []}',
            headers={'Content-Type': 'application/json',
                'Authorization': f'bearer {checkin["key"]}'})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=120):
                results.append(200)
        except urllib.error.HTTPError as error:
            results.append(error.code)
        except Exception as error:
            results.append(repr(error))
    for checkin in pairs:
        barrier = threading.Barrier(2)
        results = []
        threads = [threading.Thread(target=post,
                args=(checkin, barrier, results)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        outcomes.append(sorted(results, key=str))
    once = sum(1 for o in outcomes if o == [200, 400])
    with Transaction().start(args.database, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT count(*) FROM (SELECT rider, station '
            'FROM civic_station_visit WHERE id > %s '
            'GROUP BY rider, station HAVING count(*) > 1) t', (last,))
        twice, = cursor.fetchone()
    others = [o for o in outcomes if o != [200, 400]]
    line = (f"{'ok  ' if once == len(pairs) else 'MISS'} "
        f"{'double taps answered once (checked in, then refused)':<58} "
        f'{once:>10,}      (target = {len(pairs)})')
    _keep(line)
    report('  riders checked in twice by a double tap (in SQL)', twice, 0,
        '')
    if others:
        note(f'  other answers: {others[:3]}')


def summary(args):
    print_summary('civic_station', args.size, lambda state: '')


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
    prepare_parser = commands.add_parser('prepare')
    prepare_parser.add_argument('-d', '--database', required=True)
    prepare_parser.add_argument('--checkins', type=int, default=240)
    prepare_parser.add_argument('--plan', required=True)
    geojson_parser = commands.add_parser('geojson')
    geojson_parser.add_argument('-d', '--database', required=True)
    geojson_parser.add_argument('--url', required=True)
    geojson_parser.add_argument('--workers', type=int, default=1)
    check_parser = commands.add_parser('check-in')
    check_parser.add_argument('-d', '--database', required=True)
    check_parser.add_argument('--url', required=True)
    check_parser.add_argument('--plan', required=True)
    check_parser.add_argument('--clients', type=int, default=16)
    check_parser.add_argument('--workers', type=int, default=1)
    double_parser = commands.add_parser('double-tap')
    double_parser.add_argument('-d', '--database', required=True)
    double_parser.add_argument('--url', required=True)
    double_parser.add_argument('--plan', required=True)
    double_parser.add_argument('--pairs', type=int, default=20)
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
        'measure': measure, 'prepare': prepare, 'geojson': geojson,
        'check-in': check_in, 'double-tap': double_tap,
        'summary': summary}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
