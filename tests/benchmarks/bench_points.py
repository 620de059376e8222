#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Timings of civic_points on a database filled with `generate.py --size
seed` and a ledger history of about 5 million lines, each printed beside its
target.  Run by scripts/benchmark-points, one step per sub-command:

  fill      fixture: rules through the ORM, then the ledger history with bulk
            SQL (not measured)
  measure   bulk awards through the ORM, balance reads, monthly publicity and
            its XLSX, quarterly ranking (server-side, in trytond
            transactions, as bench_grid.py does)
  prepare   merchants, their users and offers, vouchers issued through the
            ORM for the JSON-RPC run
  redeem    16 JSON-RPC clients redeeming their vouchers against a running
            trytond, then the count of redeemed vouchers in SQL
  pgbench   pgbench on the same PostgreSQL server, for comparison
  summary   every figure printed again in one block

With BENCH_DIR set, each figure is also appended to BENCH_DIR/results.txt
and the figures the later steps need to BENCH_DIR/state.json."""
import argparse
import cProfile
import datetime as dt
import json
import os
import pstats
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))

from bench_grid import as_user, best_of  # noqa: E402

RESULTS = []
BENCH_DIR = os.environ.get('BENCH_DIR')
MERCHANT_PASSWORD = 'benchpass2026'
MERCHANTS = 16
# code, name, category, action, points, share of the holders whose usual
# rule it is
RULES = [
    ('BENCH_RESIDENT', '居民随手拍', 'resident', 'reported_issue', 2, 0.60),
    ('BENCH_VOLUNTEER', '志愿服务（小时）', 'volunteer', 'volunteer_hour', 10,
        0.20),
    ('BENCH_PARTY', '党员活动', 'party_member', 'activity', 5, 0.10),
    ('BENCH_LEADER', '楼长议事会', 'building_leader', 'meeting', 3, 0.05),
    ('BENCH_RIDER', '骑手隐患上报', 'rider', 'reported_issue', 3, 0.04),
    ('BENCH_VISIT', '网格员走访', 'grid_worker', 'visit', 1, 0.01),
    ]
AWARD_RULE = 'BENCH_RESIDENT'


# --- printing -----------------------------------------------------------
def _keep(line):
    RESULTS.append(line)
    print(line, flush=True)
    if BENCH_DIR:
        with open(os.path.join(BENCH_DIR, 'results.txt'), 'a') as output:
            output.write(line + '\n')


def report(label, value, target, unit, better='low'):
    """Print value beside its target (value already in unit), as
    bench_grid.report does, with better='high' for rates"""
    ok = value <= target if better == 'low' else value >= target
    sign = '<=' if better == 'low' else '>='
    _keep(f"{'ok  ' if ok else 'MISS'} {label:<58} {value:>10.1f} {unit}"
        f"   (target {sign} {target} {unit})")


def info(label, value, unit):
    "A figure without a target"
    _keep(f"{'':4} {label:<58} {value:>10.1f} {unit}")


def note(text):
    _keep(f"{'':4} {text}")


def save_state(**values):
    if not BENCH_DIR:
        return
    path = os.path.join(BENCH_DIR, 'state.json')
    state = {}
    if os.path.exists(path):
        with open(path) as state_file:
            state = json.load(state_file)
    state.update(values)
    with open(path, 'w') as state_file:
        json.dump(state, state_file)


def load_state():
    path = os.path.join(BENCH_DIR or '', 'state.json')
    if BENCH_DIR and os.path.exists(path):
        with open(path) as state_file:
            return json.load(state_file)
    return {}


def start_pool(database):
    from trytond.pool import Pool
    Pool.start()
    Pool(database).init()


def user_id(login):
    from trytond.pool import Pool
    User = Pool().get('res.user')
    user, = User.search([('login', '=', login)])
    return user.id


def periods(today):
    """The last full month and the last full quarter before today: both
    inside the 12 months of history"""
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last_day = quarter_start - dt.timedelta(days=1)
    return month, last_day.year, 'q%d' % ((last_day.month - 1) // 3 + 1)


def run_restarting(database, user, function, context=None):
    """Call function() in a transaction committed at the end, as
    trytond.protocols.dispatcher does: restarted with the records to lock
    when Model.lock asks for it (TransactionError), retried on an
    operational error (a serialization failure).  Return (result,
    attempts)."""
    from trytond import backend, config
    from trytond.transaction import Transaction, TransactionError
    retry = config.getint('database', 'retry')
    extras = {}
    attempts = failures = 0
    while True:
        attempts += 1
        if failures:
            time.sleep(0.02 * failures)
        with Transaction().start(database, user, context=context or {},
                **extras) as transaction:
            try:
                result = function()
            except TransactionError as error:
                transaction.rollback()
                transaction.tasks.clear()
                error.fix(extras)
                continue
            except backend.DatabaseOperationalError:
                if failures >= retry:
                    raise
                transaction.rollback()
                transaction.tasks.clear()
                failures += 1
                continue
            return result, attempts


# --- fill ---------------------------------------------------------------
def ensure_rules():
    from trytond.pool import Pool
    Rule = Pool().get('civic.points.rule')
    existing = {r.code for r in Rule.search([
                ('code', 'in', [r[0] for r in RULES]),
                ('active', 'in', [True, False])])}
    Rule.create([{
                'code': code, 'name': name, 'category': category,
                'action': action, 'points': points, 'daily_cap': None,
                'monthly_cap': None, 'needs_approval': False,
                } for code, name, category, action, points, _ in RULES
            if code not in existing])
    rules = {r.code: r for r in Rule.search([
                ('code', 'in', [r[0] for r in RULES])])}
    return [rules[r[0]] for r in RULES]


def fill(args):
    """Fixture, not measured: the ledger history of the last 12 months in
    bulk SQL, then every balance from its lines in one UPDATE"""
    from trytond import backend
    from trytond.transaction import Transaction
    started = time.perf_counter()
    start_pool(args.database)
    with Transaction().start(args.database, 0) as transaction:
        rules = ensure_rules()
        admin = user_id('admin')
        transaction.commit()
        cursor = transaction.connection.cursor()
        today = dt.date.today()
        cursor.execute('SELECT rolsuper FROM pg_roles '
            'WHERE rolname = current_user')
        superuser, = cursor.fetchone()
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute('SELECT setseed(0.2026)')
        # The holders: residents in random order, each with the rule they
        # usually earn points by
        cursor.execute('DROP TABLE IF EXISTS bench_rule')
        cursor.execute('CREATE TEMPORARY TABLE bench_rule (n integer, '
            'id integer, category varchar, points integer, '
            'low float, high float)')
        low = 0
        for n, (rule, spec) in enumerate(zip(rules, RULES), 1):
            cursor.execute('INSERT INTO bench_rule VALUES '
                '(%s, %s, %s, %s, %s, %s)',
                (n, rule.id, rule.category, rule.points, low, low + spec[5]))
            low += spec[5]
        cursor.execute('UPDATE bench_rule SET high = 2 WHERE n = %s',
            (len(rules),))
        cursor.execute('DROP TABLE IF EXISTS bench_holder')
        cursor.execute(
            'CREATE TEMPORARY TABLE bench_holder AS '
            'SELECT row_number() OVER () AS n, s.party, s.area, r.n AS rule_n '
            'FROM (SELECT p.id AS party, h.area, random() AS usual '
                'FROM party_party p '
                'JOIN civic_household h ON h.id = p.household '
                'ORDER BY random() LIMIT %s) s '
            'JOIN bench_rule r ON s.usual >= r.low AND s.usual < r.high',
            (args.holders,))
        # Accounts keep their holder's grid when the model has the column
        cursor.execute('SELECT 1 FROM information_schema.columns '
            "WHERE table_name = 'civic_points_account' "
            "AND column_name = 'area'")
        area = ', area' if cursor.fetchone() else ''
        cursor.execute(
            'INSERT INTO civic_points_account '
                f'(party, balance, create_uid, create_date{area}) '
            "SELECT h.party, 0, 0, now() - interval '1 year'"
                f"{area.replace('area', 'h.area')} "
            'FROM bench_holder h WHERE NOT EXISTS (SELECT 1 '
                'FROM civic_points_account a WHERE a.party = h.party)')
        cursor.execute('ALTER TABLE bench_holder ADD COLUMN account integer')
        cursor.execute('UPDATE bench_holder h SET account = a.id '
            'FROM civic_points_account a WHERE a.party = h.party')
        cursor.execute('CREATE UNIQUE INDEX ON bench_holder (n)')
        cursor.execute('ANALYZE bench_holder')
        cursor.execute('ANALYZE bench_rule')
        cursor.execute('SELECT count(*) FROM bench_holder')
        holders, = cursor.fetchone()
        transaction.commit()
        print(f'  {holders:,} holders, {len(rules)} rules', flush=True)
        # The lines, month by month in date order as they would have been
        # posted: 80 % by the holder's usual rule, 20 % by any rule.  The
        # foreign keys hold by construction: as superuser their triggers
        # are skipped for the fill (session_replication_role).
        if superuser:
            cursor.execute("SET session_replication_role = 'replica'")
        chunks = 12
        done = 0
        for chunk in range(chunks):
            low_day = 365 * chunk // chunks
            high_day = 365 * (chunk + 1) // chunks
            count = (args.lines * (chunk + 1) // chunks
                - args.lines * chunk // chunks)
            cursor.execute(
                'INSERT INTO civic_points_line (account, party, date, kind, '
                    'rule, category, quantity, points, origin, area, '
                    'description, posted_by, approved_by, reversal_of, '
                    'state, create_uid, create_date) '
                "SELECT h.account, h.party, g.day, 'award', r.id, "
                    'r.category, 1, r.points, NULL, h.area, NULL, %(user)s, '
                    "NULL, NULL, 'posted', %(user)s, "
                    "g.day + g.second * interval '1 second' "
                'FROM (SELECT %(today)s::date - (%(low)s + floor(random() '
                        '* %(span)s))::integer AS day, '
                    '1 + floor(random() * %(holders)s)::integer AS holder, '
                    'random() AS pick, '
                    '1 + floor(random() * %(rules)s)::integer AS other, '
                    '28800 + floor(random() * 39600)::integer AS second '
                    'FROM generate_series(1, %(count)s)) g '
                'JOIN bench_holder h ON h.n = g.holder '
                'JOIN bench_rule r ON r.n = CASE WHEN g.pick < 0.8 '
                    'THEN h.rule_n ELSE g.other END '
                'ORDER BY g.day, g.second',
                {'user': admin, 'today': today, 'low': low_day,
                    'span': high_day - low_day, 'holders': holders,
                    'rules': len(rules), 'count': count})
            transaction.commit()
            done += count
            print(f'  ledger lines: {done:,}/{args.lines:,} '
                f'({time.perf_counter() - started:.0f} s)', flush=True)
        if superuser:
            cursor.execute("SET session_replication_role = 'origin'")
        # Invariant: each balance is the sum of its posted lines
        cursor.execute(
            'UPDATE civic_points_account a SET balance = s.total '
            'FROM (SELECT account, SUM(points) AS total '
                'FROM civic_points_line '
                "WHERE state = 'posted' GROUP BY account) s "
            'WHERE s.account = a.id AND a.balance IS DISTINCT FROM s.total')
        cursor.execute('SELECT count(*), min(balance), sum(balance) '
            'FROM civic_points_account')
        accounts, lowest, total = cursor.fetchone()
        transaction.commit()
    # The vacuum autovacuum would run after such an insert, done now so
    # that it does not run during the measurements; ANALYZE for the plans
    database = backend.Database(args.database).connect()
    connection = database.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        for table in ('civic_points_line', 'civic_points_account',
                'party_party', 'civic_household'):
            cursor.execute(f'VACUUM (ANALYZE) {table}')
        cursor.execute('SELECT count(*), '
            "pg_size_pretty(pg_total_relation_size('civic_points_line')) "
            'FROM civic_points_line')
        lines, size = cursor.fetchone()
    finally:
        database.put_connection(connection)
    elapsed = time.perf_counter() - started
    print(f'  {lines:,} ledger lines ({size} with indexes), {accounts:,} '
        f'accounts, lowest balance {lowest}, {total:,} points held; '
        f'{elapsed:.0f} s', flush=True)
    save_state(fill_seconds=elapsed, ledger_lines=lines, holders=holders)


# --- measure ------------------------------------------------------------
def sample_residents(database, count, seed=2026):
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT id FROM party_party '
            'WHERE household IS NOT NULL ORDER BY id')
        ids = [i for i, in cursor]
    random.Random(seed).shuffle(ids)
    return ids[:count]


def award_requests(parties):
    return [{'rule': AWARD_RULE, 'party': p, 'quantity': 1, 'origin': None,
            'date': None, 'description': None} for p in parties]


def measure_awards(args):
    "Bulk awards through Line.award_many, committed batch by batch"
    from trytond.pool import Pool
    Line = Pool(args.database).get('civic.points.line')
    parties = sample_residents(args.database, args.award_parties)
    from trytond.transaction import Transaction
    with Transaction().start(args.database, 0, readonly=True):
        admin = user_id('admin')
    batches = [parties[i:i + args.award_batch]
        for i in range(0, len(parties), args.award_batch)]
    attempts = []
    started = time.perf_counter()
    for batch in batches:
        requests = award_requests(batch)
        _, tries = run_restarting(args.database, admin,
            lambda: Line.award_many(requests))
        attempts.append(tries)
    elapsed = time.perf_counter() - started
    rate = len(parties) / elapsed
    report(f'award_many, batches of {args.award_batch:,}, '
        f'{len(parties):,} residents (lines/s)', rate, 5000, '/s',
        better='high')
    note(f'  {len(batches)} batches in {elapsed:.1f} s, '
        f'{statistics.mean(attempts):.1f} transaction starts per batch '
        '(restarts for locks)')
    save_state(award_rate=rate)


def profile_awards(args):
    "cProfile of one award_many batch (fresh residents), committed"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Line = Pool(args.database).get('civic.points.line')
    parties = sample_residents(args.database, args.award_batch,
        seed=int(time.time()))
    with Transaction().start(args.database, 0, readonly=True):
        admin = user_id('admin')
    requests = award_requests(parties)
    profiler = cProfile.Profile()
    profiler.enable()
    _, tries = run_restarting(args.database, admin,
        lambda: Line.award_many(requests))
    profiler.disable()
    print(f'{tries} transaction starts')
    if args.profile_out:
        profiler.dump_stats(args.profile_out)
    pstats.Stats(profiler).sort_stats('cumulative').print_stats(45)
    stats = pstats.Stats(profiler)
    stats.sort_stats('tottime').print_stats(25)
    stats.sort_stats('cumulative').print_callers(
        r'postgresql/database.py:\d+\(execute\)')


def measure_balance(args):
    "One balance read, as an office user with the access checks on"
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access
    Account = Pool(args.database).get('civic.points.account')
    with Transaction().start(args.database, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        # Holders in the community user's scope (D01S01C01)
        cursor.execute(
            'SELECT a.party FROM civic_points_account a '
            'JOIN party_party p ON p.id = a.party '
            'JOIN civic_household h ON h.id = p.household '
            'JOIN civic_area g ON g.id = h.area '
            "WHERE g.path LIKE (SELECT path FROM civic_area "
                "WHERE code = 'D01S01C01') || '%' "
            'ORDER BY a.id LIMIT 200')
        parties = [p for p, in cursor]
        random.Random(7).shuffle(parties)
        for login, who in (('community', 'community officer'),
                ('civic_admin', 'administrator')):
            with as_user(login), check_access():
                times = []
                for party in parties[:51]:
                    transaction.cache.clear()
                    begin = time.perf_counter()
                    account, = Account.search([('party', '=', party)])
                    account.balance
                    times.append(time.perf_counter() - begin)
            report(f'balance of one holder, {who} '
                f'(median of {len(times) - 1})',
                statistics.median(times[1:]) * 1000, 5, 'ms')


def back_to_draft(Model, record):
    """Put a snapshot the demo data may have published back in draft, in
    the measuring transaction that is rolled back"""
    from trytond.transaction import Transaction
    if record.state != 'draft':
        table = Model.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.state], ['draft'], where=table.id == record.id))
        Transaction().cache.clear()
    return Model(record.id)


def measure_publicity(args):
    "Monthly publicity of one community and its XLSX, as its officer"
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access
    pool = Pool(args.database)
    Area = pool.get('civic.area')
    Publicity = pool.get('civic.points.publicity')
    Report = pool.get('civic.points.publicity.xlsx', type='report')
    month, _, _ = periods(dt.date.today())
    with Transaction().start(args.database, 0) as transaction:
        community, = Area.search([('code', '=', 'D01S01C01')])
        with as_user('community'), check_access():
            publicity = Publicity.search([
                    ('area', '=', community.id), ('month', '=', month)])
            if not publicity:
                publicity = Publicity.create([{
                            'area': community.id, 'month': month}])
            publicity, = publicity
            publicity = back_to_draft(Publicity, publicity)

            def compute():
                transaction.cache.clear()
                Publicity.compute([publicity])
            _, compute_time = best_of(compute, repeat=6)
            people = Publicity(publicity.id).people

            def export():
                transaction.cache.clear()
                return Report.execute([publicity.id], {})
            extension, data, _, name = export()
            _, export_time = best_of(export, repeat=6)
        transaction.rollback()
    report(f'publicity {community.code} {month:%Y-%m}, compute '
        f'({people:,} people)', compute_time * 1000, 300, 'ms')
    info(f'  its XLSX export ({people:,} rows, {len(data):,} bytes)',
        export_time * 1000, 'ms')
    report('  publicity + XLSX (the issue\'s 0.3 s counts both)',
        (compute_time + export_time) * 1000, 300, 'ms')


def measure_ranking(args):
    "Quarterly ranking of the whole district, as the administrator"
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access
    pool = Pool(args.database)
    Area = pool.get('civic.area')
    Ranking = pool.get('civic.points.ranking')
    RankingLine = pool.get('civic.points.ranking.line')
    _, year, period = periods(dt.date.today())
    with Transaction().start(args.database, 0) as transaction:
        county, = Area.search([('code', '=', 'D01')])
        with as_user('civic_admin'), check_access():
            ranking = Ranking.search([('area', '=', county.id),
                    ('year', '=', year), ('period', '=', period)])
            if not ranking:
                ranking = Ranking.create([{'area': county.id, 'year': year,
                            'period': period}])
            ranking, = ranking
            ranking = back_to_draft(Ranking, ranking)

            def compute():
                transaction.cache.clear()
                Ranking.compute([ranking])
            _, median = best_of(compute, repeat=4)
            lines = RankingLine.search_count(
                [('ranking', '=', ranking.id)])
        transaction.rollback()
    report(f'quarterly ranking D01 {year} {period} ({lines} lines)',
        median, 2, 's')


def measure(args):
    start_pool(args.database)
    if args.profile:
        profile_awards(args)
        return
    measure_awards(args)
    measure_balance(args)
    measure_publicity(args)
    measure_ranking(args)


# --- prepare the JSON-RPC run -------------------------------------------
def ensure_merchants():
    "16 merchants, each with its user and one free-service offer"
    from trytond.pool import Pool
    pool = Pool()
    User = pool.get('res.user')
    Party = pool.get('party.party')
    Merchant = pool.get('civic.points.merchant')
    Offer = pool.get('civic.points.offer')
    ModelData = pool.get('ir.model.data')
    group = ModelData.get_id('civic_points', 'group_civic_merchant')
    offers = {}
    for number in range(1, MERCHANTS + 1):
        login = f'bench_m{number:02d}'
        code = f'BENCH-M{number:02d}'
        users = User.search([('login', '=', login)])
        values = {'name': f'基准商户收银员{number:02d}',
            'groups': [('add', [group])], 'password': MERCHANT_PASSWORD}
        if users:
            User.write(users, values)
        else:
            users = User.create([{'login': login, **values}])
        merchant = Merchant.search([('code', '=', code)])
        if not merchant:
            party, = Party.create([{'name': f'基准商户{number:02d}'}])
            merchant = Merchant.create([{
                        'name': f'基准商户{number:02d}', 'code': code,
                        'party': party.id,
                        'users': [('add', [u.id for u in users])],
                        }])
        merchant, = merchant
        offer = Offer.search([('merchant', '=', merchant.id)], limit=1)
        if not offer:
            offer = Offer.create([{'merchant': merchant.id,
                        'name': f'免费理发{number:02d}', 'kind': 'service',
                        'points': 10, 'value': Decimal('5.00'),
                        'stock': None}])
        offers[login] = offer[0].id
    return offers


def prepare(args):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    start_pool(args.database)
    Redemption = Pool(args.database).get('civic.points.redemption')
    with Transaction().start(args.database, 0) as transaction:
        offers = ensure_merchants()
        transaction.commit()
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT a.party, a.balance FROM civic_points_account a '
            'JOIN party_party p ON p.id = a.party '
            'WHERE p.household IS NOT NULL AND a.balance >= 10 '
            'ORDER BY a.id')
        holders = list(cursor)
    random.Random(11).shuffle(holders)
    wanted = MERCHANTS * args.vouchers
    # One voucher per holder when there are enough of them (seed); several
    # while their balance allows otherwise (demo)
    requests = []
    while len(requests) < wanted and holders:
        left = []
        for party, balance in holders:
            if len(requests) == wanted:
                break
            requests.append(party)
            if balance - 10 >= 10:
                left.append((party, balance - 10))
        holders = left
    logins = sorted(offers)
    plan = [(party, offers[logins[i % MERCHANTS]])
        for i, party in enumerate(requests)]
    started = time.perf_counter()
    ids = []
    for i in range(0, len(plan), args.issue_batch):
        batch = plan[i:i + args.issue_batch]

        def issue():
            vouchers = Redemption.create([{'party': p, 'offer': o}
                    for p, o in batch])
            Redemption.issue(vouchers)
            return [v.id for v in vouchers]
        batch_ids, _ = run_restarting(args.database, 0, issue)
        ids.extend(batch_ids)
    elapsed = time.perf_counter() - started
    codes = {login: [] for login in logins}
    with Transaction().start(args.database, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT u.login, r.code FROM civic_points_redemption r '
            'JOIN "civic_points_merchant-res_user" m '
                'ON m.merchant = r.merchant '
            'JOIN res_user u ON u.id = m."user" '
            "WHERE r.id = ANY(%s) AND r.state = 'issued' ORDER BY r.id",
            (ids,))
        for login, code in cursor:
            codes[login].append(code)
    with open(args.codes, 'w') as output:
        json.dump(codes, output)
    info(f'vouchers issued through the ORM ({len(ids):,}, batches of '
        f'{args.issue_batch})', len(ids) / elapsed, '/s')


# --- redeem over JSON-RPC -----------------------------------------------
def percentile(values, share):
    values = sorted(values)
    if not values:
        return float('nan')
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def redeem(args):
    from tests.rpc import Session
    with open(args.codes) as codes_file:
        codes = json.load(codes_file)
    logins = sorted(codes)
    sessions = {}
    contexts = {}
    for login in logins:
        session = Session(args.url, args.database, login, MERCHANT_PASSWORD)
        sessions[login] = session
        contexts[login] = session.model('res.user', 'get_preferences', True)
    latencies = {login: [] for login in logins}
    errors = {login: [] for login in logins}
    redeemed = {login: [] for login in logins}
    barrier = threading.Barrier(len(logins) + 1)
    ended = {}

    def client(login):
        session = sessions[login]
        barrier.wait()
        deadline = start + args.seconds
        for code in codes[login]:
            if time.perf_counter() >= deadline:
                break
            begin = time.perf_counter()
            try:
                session.model('civic.points.redemption', 'redeem_code',
                    code, context=contexts[login])
            except Exception as error:
                errors[login].append(repr(error)[:300])
            else:
                redeemed[login].append(code)
            latencies[login].append(time.perf_counter() - begin)
        ended[login] = time.perf_counter()

    threads = [threading.Thread(target=client, args=(login,))
        for login in logins]
    cpu_before = time.process_time()
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = max(ended.values()) - start
    client_cpu = time.process_time() - cpu_before
    calls = [t for values in latencies.values() for t in values]
    done = sum(len(v) for v in redeemed.values())
    failed = sum(len(v) for v in errors.values())
    rate = done / elapsed
    workers = f'{args.workers} trytond worker' + (
        's' if args.workers > 1 else '')
    heading = (f'JSON-RPC redeem_code, {len(logins)} clients, {workers} '
        f'({done:,} in {elapsed:.0f} s)')
    if args.target:
        report(heading, rate, 250, '/s', better='high')
        report('  latency of one redeem_code call, p50',
            percentile(calls, .5) * 1000, 150, 'ms')
        report('  latency of one redeem_code call, p99',
            percentile(calls, .99) * 1000, 150, 'ms')
        report(f'  calls given up ({failed} of {len(calls):,})',
            failed, 0, '')
    else:
        info(heading, rate, '/s')
        info('  latency of one redeem_code call, p50',
            percentile(calls, .5) * 1000, 'ms')
        info('  latency of one redeem_code call, p99',
            percentile(calls, .99) * 1000, 'ms')
        info(f'  calls given up (of {len(calls):,})', failed, '')
    note(f'  the clients (threads of one process on the same machine) '
        f'used {client_cpu:.0f} s of CPU in {elapsed:.0f} s')
    for login in logins:
        for error in errors[login][:2]:
            print(f'     {login}: {error}', flush=True)
    # No double redemption: the redeemed vouchers are those the calls
    # redeemed, each once
    from trytond.transaction import Transaction
    start_pool(args.database)
    used = [c for values in redeemed.values() for c in values]
    tried = [c for values in codes.values() for c in values]
    with Transaction().start(args.database, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT count(*), count(DISTINCT debit_line), '
            'count(redeemed_by) FROM civic_points_redemption '
            "WHERE code = ANY(%s) AND state = 'redeemed'", (tried,))
        in_sql, debits, by_user = cursor.fetchone()
        cursor.execute('SELECT count(*) FROM civic_points_account '
            'WHERE balance < 0')
        negative, = cursor.fetchone()
    same = in_sql == done == len(set(used)) and debits == in_sql
    label = '  vouchers redeemed in SQL = successful calls'
    _keep(f"{'ok  ' if same else 'MISS'} {label:<58} {in_sql:>10,}      "
        f"(calls: {done:,}; negative balances: {negative})")
    save_state(**{f'redeem_rate_{args.workers}': rate})


# --- pgbench ------------------------------------------------------------
def with_database(uri, name):
    parts = urllib.parse.urlsplit(uri)
    return urllib.parse.urlunsplit(parts._replace(path='/' + name))


def run_pgbench(args):
    import psycopg
    uri = os.environ['TRYTOND_DATABASE__URI']
    target = with_database(uri, 'pgbench_bench')
    connection = psycopg.connect(with_database(uri, 'postgres'),
        autocommit=True)
    cursor = connection.cursor()
    cursor.execute('DROP DATABASE IF EXISTS pgbench_bench')
    cursor.execute('CREATE DATABASE pgbench_bench')
    pgbench = os.path.join(args.pg_bin, 'pgbench')
    try:
        subprocess.run([pgbench, '-i', '-q', '-s', '10', target], check=True,
            capture_output=True, text=True)
        output = subprocess.run(
            [pgbench, '-c', '8', '-j', '2', '-T', str(args.seconds),
                target], check=True, capture_output=True, text=True).stdout
    finally:
        cursor.execute('DROP DATABASE IF EXISTS pgbench_bench')
        connection.close()
    tps = float(re.search(r'tps = ([\d.]+)', output).group(1))
    info(f'pgbench TPC-B-like, scale 10, 8 clients, 2 threads, '
        f'{args.seconds} s (tps)', tps, '/s')
    state = load_state()
    for key, rate in sorted(state.items()):
        if not key.startswith('redeem_rate_'):
            continue
        workers = int(key.rsplit('_', 1)[1])
        label = (f'  JSON-RPC redemptions ({workers} worker'
            + ('s' if workers > 1 else '') + ') as a share of pgbench tps')
        if workers == os.cpu_count():
            report(label, 100 * rate / tps, 20, '%', better='high')
        else:
            info(label, 100 * rate / tps, '%')
    save_state(pgbench_tps=tps)


def server_settings():
    "The PostgreSQL version and the settings that make writes durable"
    import psycopg
    names = ['fsync', 'synchronous_commit', 'full_page_writes',
        'shared_buffers']
    uri = with_database(os.environ['TRYTOND_DATABASE__URI'], 'postgres')
    with psycopg.connect(uri) as connection:
        cursor = connection.cursor()
        cursor.execute('SHOW server_version')
        version, = cursor.fetchone()
        values = []
        for name in names:
            cursor.execute(f'SHOW {name}')
            values.append(f'{name}={cursor.fetchone()[0]}')
    return f'PostgreSQL {version}, ' + ', '.join(values) + (
        f', {os.cpu_count()} cores')


def print_summary(module, size, fill_label):
    """Print the benchmark's heading, its fixtures (fill_label(state) names
    the SQL fill) and the results"""
    print()
    print(f'== {module} benchmark (PostgreSQL, {size}, PYTHONOPTIMIZE=1) ==')
    print(f"{'':4} server: {server_settings()}")
    state = load_state()
    if state.get('generate_seconds'):
        print(f"{'':4} {'(fixture) generate.py --size ' + size:<58} "
            f"{state['generate_seconds']:>10.1f} s")
    if state.get('fill_seconds'):
        label = '(fixture) SQL fill: ' + fill_label(state)
        print(f"{'':4} {label:<58} {state['fill_seconds']:>10.1f} s")
    path = os.path.join(BENCH_DIR or '', 'results.txt')
    if BENCH_DIR and os.path.exists(path):
        with open(path) as results:
            print(results.read(), end='')


def summary(args):
    print_summary('civic_points', args.size, lambda state: (
            f"{state['ledger_lines']:,} lines, {state['holders']:,} holders"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest='command', required=True)
    fill_parser = commands.add_parser('fill')
    fill_parser.add_argument('-d', '--database', required=True)
    fill_parser.add_argument('--lines', type=int, default=5_000_000)
    fill_parser.add_argument('--holders', type=int, default=300_000)
    measure_parser = commands.add_parser('measure')
    measure_parser.add_argument('-d', '--database', required=True)
    measure_parser.add_argument('--award-parties', type=int, default=50_000)
    measure_parser.add_argument('--award-batch', type=int, default=5_000)
    measure_parser.add_argument('--profile', action='store_true',
        help="profile one award_many batch instead of measuring")
    measure_parser.add_argument('--profile-out',
        help="file for the profile's statistics (pstats)")
    prepare_parser = commands.add_parser('prepare')
    prepare_parser.add_argument('-d', '--database', required=True)
    prepare_parser.add_argument('--vouchers', type=int, default=600,
        help="vouchers per merchant")
    prepare_parser.add_argument('--issue-batch', type=int, default=500)
    prepare_parser.add_argument('--codes', required=True)
    redeem_parser = commands.add_parser('redeem')
    redeem_parser.add_argument('-d', '--database', required=True)
    redeem_parser.add_argument('--url', required=True)
    redeem_parser.add_argument('--codes', required=True)
    redeem_parser.add_argument('--seconds', type=float, default=60)
    redeem_parser.add_argument('--workers', type=int, default=1)
    redeem_parser.add_argument('--target', type=int, default=1,
        help="1: the run whose figures are held to the targets")
    pgbench_parser = commands.add_parser('pgbench')
    pgbench_parser.add_argument('--pg-bin', required=True)
    pgbench_parser.add_argument('--seconds', type=int, default=30)
    summary_parser = commands.add_parser('summary')
    summary_parser.add_argument('--size', default='seed')
    state_parser = commands.add_parser('state')
    state_parser.add_argument('values', nargs='+', help="NAME=SECONDS")
    args = parser.parse_args()
    if args.command == 'state':
        save_state(**{k: float(v) for k, v in
                (value.split('=', 1) for value in args.values)})
        return
    {'fill': fill, 'measure': measure, 'prepare': prepare, 'redeem': redeem,
        'pgbench': run_pgbench, 'summary': summary}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
