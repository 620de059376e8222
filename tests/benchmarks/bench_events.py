#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Timings of civic_event on a database filled with `generate.py --size
seed` and about 40,000 grid events over the last 12 months, each printed
beside its target.  Run by scripts/benchmark-events, one step per
sub-command:

  fill      fixture: the demo category tree through the ORM, the areas'
            centres and the events with bulk SQL (not measured); a second
            fill replaces the events of the first
  measure   the escalation task Event.escalate_overdue() over every open
            event, then the four statistics read by the civic administrator
            (server-side, in trytond transactions rolled back at the end)
  open311   GET requests.json of one community for the last 90 days over
            HTTP, against a running trytond
  summary   every figure printed again in one block

With BENCH_DIR set, each figure is also appended to BENCH_DIR/results.txt
and the figures the later steps need to BENCH_DIR/state.json."""
import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, 'scripts'))
sys.path.insert(0, ROOT)

from bench_grid import as_user, best_of  # noqa: E402
from bench_points import (  # noqa: E402
    info, note, print_summary, report, save_state, start_pool)

NUMBER_PREFIX = 'BE'
OPEN_STATES = ('reported', 'accepted', 'in_progress')
LEVELS = ['grid', 'community', 'street', 'district']
# The handling area of each level (as in civic_event.event.LEVEL_AREA)
LEVEL_AREA = {'grid': 'area', 'community': 'community', 'street': 'street',
    'district': 'county'}
STATISTICS = ['month', 'category', 'level', 'source']
COMMUNITY = 'D01S01C01'


# --- fill ---------------------------------------------------------------
def ensure_categories():
    "The demo category tree (events_demo.py), unless there is one"
    from trytond.pool import Pool

    from events_demo import EventsDemo
    Category = Pool().get('civic.event.category')
    if not Category.search([('active', 'in', [True, False])], limit=1):
        EventsDemo(random.Random(1), lambda: None).make_categories()


def leaf_categories():
    """{top code: [(leaf id, {level: (accept, resolve) hours})]} of the
    active categories"""
    from trytond.pool import Pool
    Category = Pool().get('civic.event.category')
    result = {}
    for category in Category.search([('parent', '!=', None)],
            order=[('code', 'ASC')]):
        limits = {}
        for level in LEVELS:
            accept, resolve = category.limit(level)
            limits[level] = (float(accept) if accept else None,
                float(resolve) if resolve else None)
        top = category.parent
        while top.parent:
            top = top.parent
        result.setdefault(top.code, []).append(
            (category.id, category.code, limits))
    return result


def set_centres(cursor):
    """A centre on every area without one (grids around their community's),
    in SQL"""
    from events_demo import CENTRE
    cursor.execute('SELECT setseed(0.311)')
    cursor.execute(
        'UPDATE civic_area SET latitude = %s + (random() - 0.5) * 0.12, '
        'longitude = %s + (random() - 0.5) * 0.15 '
        'WHERE latitude IS NULL',
        CENTRE)


class EventRows:
    "The fixture's events: realistic states from the category limits"

    def __init__(self, categories, grids, now, random_):
        from events_demo import (
            FEEDBACK, REJECTIONS, SOURCE_CATEGORIES, SOURCES)
        self.categories = categories
        self.grids = grids
        self.now = now
        self.random = random_
        self.sources = SOURCES
        self.source_categories = SOURCE_CATEGORIES
        self.feedback = FEEDBACK
        self.rejections = REJECTIONS
        from events_demo import CATEGORIES
        self.descriptions = {m[0]: m[5] for *_, matters in CATEGORIES
            for m in matters}
        self.resolutions = {c[0]: c[5] for c in CATEGORIES}

    def name(self):
        from demo_names import chinese_name
        return chinese_name(self.random)

    def hours(self, value):
        return dt.timedelta(hours=value)

    def row(self, number, admin):
        r = self.random
        now = self.now
        source = r.choices(list(self.sources),
            weights=self.sources.values())[0]
        weights = self.source_categories[source]
        top = r.choices(list(weights), weights=weights.values())[0]
        if top not in self.categories:
            top = r.choice(list(self.categories))
        category, code, limits = r.choice(self.categories[top])
        grid = r.choice(self.grids)
        area, community, street, county, latitude, longitude = grid
        age = r.random() * 365
        reported_at = (now - dt.timedelta(days=age)).replace(microsecond=0)
        if age < 2:
            open_share = .7
        elif age < 30:
            open_share = .25
        else:
            open_share = .04
        templates = self.descriptions.get(code) or ['{place}发现问题，请尽快处理。']
        values = {
            'number': f'{NUMBER_PREFIX}{number:08d}',
            'reported_at': reported_at,
            'source': source,
            'complaint': source in {'hotline', 'property'},
            'reporter_name': None if source == 'hotline' and r.random() < .2
            else self.name(),
            'reporter_phone_full': None,
            'anonymous': False,
            'category': category,
            'description': r.choice(templates).format(place=f'{number}号楼'),
            'area': area, 'community': community, 'street': street,
            'county': county,
            'address': f'沂州区{number % 400 + 1}号',
            'latitude': (latitude + r.uniform(-.0004, .0004)
                if latitude is not None else None),
            'longitude': (longitude + r.uniform(-.0005, .0005)
                if longitude is not None else None),
            'priority': r.choices(['low', 'normal', 'high', 'urgent'],
                weights=[10, 65, 18, 7])[0],
            'reopened': False,
            }
        if values['reporter_name'] is None:
            values['anonymous'] = True
        if r.random() < open_share:
            self.open_row(values, limits, age)
        else:
            self.closed_row(values, limits, top, admin, age)
        handling = LEVEL_AREA[values['level']]
        values['handling_area'] = values[handling] or area
        return values

    def open_row(self, values, limits, age):
        "Still to handle: its level from its age, some past a time limit"
        r = self.random
        if age < 2:
            weights = [80, 15, 4, 1]
        elif age < 30:
            weights = [50, 30, 14, 6]
        else:
            weights = [10, 20, 30, 40]
        level = r.choices(LEVELS, weights=weights)[0]
        state = r.choices(list(OPEN_STATES), weights=[35, 25, 40])[0]
        accept, resolve = limits[level]
        limit = (accept if state == 'reported' else resolve) or 24
        # about a third past the limit of their level
        if r.random() < .35:
            since = limit * r.uniform(1.05, 3)
        else:
            since = limit * r.uniform(0, .95)
        started = max(values['reported_at'],
            self.now - self.hours(since)).replace(microsecond=0)
        values.update(self.level_values(level, started, limits))
        values['state'] = state
        if state != 'reported':
            values['accepted_at'] = min(self.now,
                started + self.hours((accept or 2) * r.uniform(.1, .9)))

    def level_values(self, level, started, limits):
        accept, resolve = limits[level]
        return {
            'level': level,
            'level_started': started,
            'accept_deadline': (started + self.hours(accept)
                if accept else None),
            'resolve_deadline': (started + self.hours(resolve)
                if resolve else None),
            }

    def closed_row(self, values, limits, top, admin, age):
        r = self.random
        state = r.choices(['closed', 'rejected', 'duplicate', 'resolved',
                'feedback'], weights=[88, 5, 3, 2, 2])[0]
        if age > 10 and state in {'resolved', 'feedback'}:
            state = 'closed'  # the reporters were called back long ago
        level = r.choices(LEVELS, weights=[75, 16, 6, 3])[0]
        # the levels below were left at their limits
        started = values['reported_at']
        for below in LEVELS[:LEVELS.index(level)]:
            accept, resolve = limits[below]
            started += self.hours((resolve or 24) * r.uniform(.3, 1))
        started = min(started, self.now).replace(microsecond=0)
        values.update(self.level_values(level, started, limits))
        accept, resolve = limits[level]
        accepted = started + self.hours((accept or 2) * r.uniform(.05, .9))
        values['state'] = state
        if state in {'rejected', 'duplicate'}:
            values['closed_at'] = min(accepted, self.now)
            values['closed_by'] = admin
            if state == 'rejected':
                values['rejection_reason'] = r.choice(self.rejections)
            return
        on_time = r.random() < .93
        share = r.uniform(.1, .9) if on_time else r.uniform(1.05, 1.8)
        resolved = accepted + self.hours((resolve or 24) * share)
        resolved = min(resolved, self.now).replace(microsecond=0)
        values.update({
                'accepted_at': min(accepted, resolved).replace(
                    microsecond=0),
                'accepted_by': admin,
                'resolved_at': resolved,
                'resolved_by': admin,
                'resolution': r.choice(self.resolutions.get(top)
                    or ['已处置完毕。']),
                'on_time': (values['resolve_deadline'] is None
                    or resolved <= values['resolve_deadline']),
                })
        if state == 'resolved':
            return
        if state == 'feedback' or r.random() < .8:
            satisfaction = r.choices([5, 4, 3, 2, 1],
                weights=[56, 30, 9, 3, 2])[0]
            values.update({
                    'satisfaction': satisfaction,
                    'feedback_comment': r.choice(self.feedback[satisfaction]),
                    'feedback_at': min(self.now,
                        resolved + self.hours(r.uniform(1, 48))),
                    'feedback_by': admin,
                    })
        if state == 'closed':
            values['closed_at'] = min(self.now,
                (values.get('feedback_at') or resolved)
                + self.hours(r.uniform(1, 48)))
            values['closed_by'] = admin


COLUMNS = ['number', 'reported_at', 'source', 'complaint', 'reporter_name',
    'reporter_phone_full', 'anonymous', 'category', 'description', 'area',
    'community', 'street', 'county', 'address', 'latitude', 'longitude',
    'priority', 'state', 'level', 'handling_area', 'level_started',
    'accept_deadline', 'resolve_deadline', 'accepted_at', 'accepted_by',
    'resolved_at', 'resolved_by', 'closed_at', 'closed_by', 'resolution',
    'rejection_reason', 'on_time', 'satisfaction', 'feedback_comment',
    'feedback_at', 'feedback_by', 'reopened']


def fill(args):
    """Fixture, not measured: the events of the last 12 months written in
    bulk (batched INSERTs), their report and last steps in the history"""
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    started = time.perf_counter()
    start_pool(args.database)
    Area = Pool(args.database).get('civic.area')
    with Transaction().start(args.database, 0,
            context={'language': 'zh_CN'}) as transaction:
        ensure_categories()
        transaction.commit()
        cursor = transaction.connection.cursor()
        set_centres(cursor)
        transaction.commit()
        categories = leaf_categories()
        cursor.execute("SELECT id FROM res_user WHERE login = 'admin'")
        admin, = cursor.fetchone()
        cursor.execute(
            'SELECT a.id, a.latitude, a.longitude FROM civic_area a '
            'JOIN civic_area_level l ON l.id = a.level '
            "WHERE l.code = 'micro_grid' AND a.active ORDER BY a.id")
        rows = cursor.fetchall()
        ancestors = Area.ancestors_by_level([r[0] for r in rows])
        grids = [(i, ancestors[i].get('community'),
                ancestors[i].get('street'), ancestors[i].get('county'),
                latitude, longitude) for i, latitude, longitude in rows]
        # A second fill replaces the first one's events
        cursor.execute('DELETE FROM civic_event_history WHERE event IN '
            '(SELECT id FROM civic_event WHERE number LIKE %s)',
            (NUMBER_PREFIX + '%',))
        cursor.execute('UPDATE civic_event SET duplicate_of = NULL '
            'WHERE number LIKE %s', (NUMBER_PREFIX + '%',))
        cursor.execute('DELETE FROM civic_event WHERE number LIKE %s',
            (NUMBER_PREFIX + '%',))
        transaction.commit()
        now = dt.datetime.now().replace(microsecond=0)
        maker = EventRows(categories, grids, now, random.Random(2026))
        values = [maker.row(n, admin) for n in range(1, args.events + 1)]
        values.sort(key=lambda v: v['reported_at'])
        for n, v in enumerate(values, 1):
            v['number'] = f'{NUMBER_PREFIX}{n:08d}'
        query = ('INSERT INTO civic_event (%s, create_uid, create_date) '
            'VALUES (%s, %%s, %%s)' % (', '.join(COLUMNS),
                ', '.join(['%s'] * len(COLUMNS))))
        for start in range(0, len(values), args.batch):
            cursor.executemany(query, [
                    [v.get(c) for c in COLUMNS] + [admin, v['reported_at']]
                    for v in values[start:start + args.batch]])
            transaction.commit()
        print(f'  {len(values):,} events ({time.perf_counter() - started:.0f}'
            ' s)', flush=True)
        # Duplicates point at the last earlier report of the same matter
        cursor.execute(
            'UPDATE civic_event e SET duplicate_of = p.master FROM ('
                'SELECT d.id, (SELECT m.id FROM civic_event m '
                    'WHERE m.category = d.category '
                    "AND m.state != 'duplicate' "
                    'AND m.reported_at < d.reported_at '
                    'ORDER BY m.reported_at DESC LIMIT 1) AS master '
                'FROM civic_event d '
                "WHERE d.state = 'duplicate' AND d.number LIKE %s) p "
            'WHERE e.id = p.id', (NUMBER_PREFIX + '%',))
        # The history: each report, and the last step of each event
        like = (NUMBER_PREFIX + '%',)
        cursor.execute(
            'INSERT INTO civic_event_history (event, date, "user", action, '
                'level, state, create_uid, create_date) '
            "SELECT id, reported_at, NULL, 'report', 'grid', 'reported', "
                '0, reported_at FROM civic_event WHERE number LIKE %s', like)
        cursor.execute(
            'INSERT INTO civic_event_history (event, date, "user", action, '
                'level, state, note, create_uid, create_date) '
            'SELECT id, COALESCE(closed_at, feedback_at, resolved_at, '
                'accepted_at, level_started), accepted_by, '
                "CASE state WHEN 'closed' THEN 'close' "
                "WHEN 'rejected' THEN 'reject' "
                "WHEN 'duplicate' THEN 'duplicate' "
                "WHEN 'resolved' THEN 'resolve' "
                "WHEN 'feedback' THEN 'feedback' "
                "WHEN 'in_progress' THEN 'start' "
                "WHEN 'accepted' THEN 'accept' "
                "ELSE 'auto_escalate' END, level, state, NULL, 0, "
                'reported_at FROM civic_event WHERE number LIKE %s '
                "AND (state != 'reported' OR level != 'grid')", like)
        transaction.commit()
        cursor.execute('SELECT state, count(*) FROM civic_event '
            'WHERE number LIKE %s GROUP BY state ORDER BY state', like)
        states = dict(cursor.fetchall())
        cursor.execute(
            'SELECT count(*) FROM civic_event WHERE state = ANY(%s) '
            "AND level != 'district' AND ((state = 'reported' "
                'AND accept_deadline < %s) OR resolve_deadline < %s)',
            (list(OPEN_STATES), now, now))
        overdue, = cursor.fetchone()
    database = backend.Database(args.database).connect()
    connection = database.get_connection(autocommit=True)
    try:
        cursor = connection.cursor()
        for table in ('civic_event', 'civic_event_history', 'civic_area'):
            cursor.execute(f'VACUUM (ANALYZE) {table}')
    finally:
        database.put_connection(connection)
    elapsed = time.perf_counter() - started
    opened = sum(states.get(s, 0) for s in OPEN_STATES)
    print('  ' + ', '.join(f'{s} {c:,}' for s, c in states.items())
        + f'; {opened:,} open ({100 * opened / len(values):.1f} %), '
        f'{overdue:,} of them past a time limit below the district; '
        f'{elapsed:.0f} s', flush=True)
    save_state(fill_seconds=elapsed, events=len(values), open_events=opened)


# --- measure ------------------------------------------------------------
def measure_escalation(args):
    """The scheduled task over every open event, as trytond-cron runs it
    (user root), rolled back so that the fixture stays as it is"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Event = Pool(args.database).get('civic.event')
    with Transaction().start(args.database, 0) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute(
            'SELECT count(*) FROM civic_event WHERE state = ANY(%s)',
            (list(OPEN_STATES),))
        opened, = cursor.fetchone()
        begin = time.perf_counter()
        escalated = Event.escalate_overdue()
        elapsed = time.perf_counter() - begin
        transaction.rollback()
    report(f'escalate_overdue: {escalated:,} escalated of {opened:,} open',
        elapsed, 5, 's')
    save_state(escalated=escalated)


def statistics_fields(Model):
    "Every stored-like field of a statistics model but the id"
    names = []
    for name, field in Model._fields.items():
        if name in {'id', 'create_uid', 'create_date', 'write_uid',
                'write_date', 'rec_name'}:
            continue
        if field._type in {'one2many', 'many2many'}:
            continue
        names.append(name)
    return names


def measure_statistics(args):
    """Every row of the four statistics of the last 12 months, read by the
    civic administrator as the client would (search_read, all fields)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access
    pool = Pool(args.database)
    today = dt.date.today()
    context = {'from_date': today - dt.timedelta(days=365),
        'to_date': today, 'language': 'zh_CN'}
    total = 0
    missing = []
    with Transaction().start(args.database, 0, readonly=True,
            context=context) as transaction:
        for name in STATISTICS:
            model = f'civic.event.statistics.{name}'
            try:
                Model = pool.get(model)
            except KeyError:
                missing.append(model)
                continue
            names = statistics_fields(Model)
            with as_user('civic_admin'), check_access():
                def read():
                    transaction.cache.clear()
                    return Model.search_read([], fields_names=names)
                rows = read()
                _, median = best_of(read, repeat=5)
            total += median
            info(f'  {model} ({len(rows):,} rows)', median * 1000, 'ms')
    if missing:
        note('statistics models missing: ' + ', '.join(missing))
    report('the four statistics of 12 months, civic administrator',
        total * 1000, 1000, 'ms')


def measure(args):
    start_pool(args.database)
    measure_escalation(args)
    measure_statistics(args)


# --- Open311 over HTTP ----------------------------------------------------
def open311(args):
    start = (dt.date.today() - dt.timedelta(days=90)).isoformat()
    query = urllib.parse.urlencode({'area': args.area, 'start_date': start})
    url = (f'{args.url.rstrip("/")}/{urllib.parse.quote(args.database)}'
        f'/open311/v2/requests.json?{query}')

    def call():
        request = urllib.request.Request(url,
            headers={'Accept-Language': 'zh-CN'})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    try:
        requests = call()  # warm-up
    except urllib.error.HTTPError as error:
        body = error.read()[:300].decode('utf-8', 'replace')
        note(f'GET {url} answered {error.code}: {body}')
        return 1
    times = []
    for _ in range(args.calls):
        begin = time.perf_counter()
        requests = call()
        times.append(time.perf_counter() - begin)
    report(f'Open311 GET requests.json {args.area}, 90 days '
        f'({len(requests):,} requests)',
        statistics.median(times) * 1000, 300, 'ms')
    note(f'  median of {args.calls} calls after a warm-up, over HTTP to one '
        f'trytond; slowest {max(times) * 1000:.0f} ms')


def summary(args):
    print_summary('civic_event', args.size, lambda state: (
            f"{state['events']:,} events, {state['open_events']:,} open"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest='command', required=True)
    fill_parser = commands.add_parser('fill')
    fill_parser.add_argument('-d', '--database', required=True)
    fill_parser.add_argument('--events', type=int, default=40_000)
    fill_parser.add_argument('--batch', type=int, default=5_000)
    measure_parser = commands.add_parser('measure')
    measure_parser.add_argument('-d', '--database', required=True)
    open311_parser = commands.add_parser('open311')
    open311_parser.add_argument('-d', '--database', required=True)
    open311_parser.add_argument('--url', required=True)
    open311_parser.add_argument('--area', default=COMMUNITY)
    open311_parser.add_argument('--calls', type=int, default=20)
    summary_parser = commands.add_parser('summary')
    summary_parser.add_argument('--size', default='seed')
    state_parser = commands.add_parser('state')
    state_parser.add_argument('values', nargs='+', help="NAME=SECONDS")
    args = parser.parse_args()
    if args.command == 'state':
        save_state(**{k: float(v) for k, v in
                (value.split('=', 1) for value in args.values)})
        return
    return {'fill': fill, 'measure': measure, 'open311': open311,
        'summary': summary}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
