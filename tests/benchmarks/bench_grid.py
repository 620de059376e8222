#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Timings of civic_grid on a database filled with `generate.py --size seed`,
measured server-side (in the trytond process, with access checks on, as the
users themselves), each printed beside its target."""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

RESULTS = []


def report(label, seconds, target, unit='ms'):
    value = seconds * 1000 if unit == 'ms' else seconds
    ok = 'ok  ' if value <= target else 'MISS'
    line = (f'{ok} {label:<58} {value:>10.1f} {unit}   '
        f'(target <= {target} {unit})')
    RESULTS.append(line)
    print(line, flush=True)


def best_of(function, repeat=7):
    "Best and median wall time of function over repeat runs (first warms)"
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times[1:]), statistics.median(times[1:])


def as_user(login):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    User = Pool().get('res.user')
    user, = User.search([('login', '=', login)])
    return Transaction().set_user(user.id)


def measure(database):
    from trytond.pool import Pool
    from trytond.transaction import Transaction, check_access
    pool = Pool()
    Party = pool.get('party.party')
    Area = pool.get('civic.area')
    Statistics = pool.get('civic.area.statistics')
    transaction = Transaction()
    list_fields = ['name', 'gender', 'birth_date', 'id_number',
        'resident_phone', 'household.rec_name', 'civic_area.rec_name',
        'relation_to_head']

    with as_user('gridworker'), check_access():
        def first_page():
            transaction.cache.clear()
            return Party.search_read(
                [('household', '!=', None)], limit=80,
                fields_names=list_fields)
        rows = first_page()
        best, median = best_of(first_page)
        report(f'grid worker: first page of residents ({len(rows)} rows)',
            median, 150)

    with as_user('community'), check_access():
        def community_count():
            transaction.cache.clear()
            return Party.search_count([('household', '!=', None)])
        count = community_count()
        best, median = best_of(community_count)
        report(f'community officer: count residents in scope ({count:,})',
            median, 200)

    worst = 0
    for code in ('county', 'street', 'community', 'big_grid', 'small_grid',
            'micro_grid'):
        node, = Area.search([('level.code', '=', code)], limit=1,
            order=[('id', 'ASC')])

        def child_of():
            return Area.search(
                [('parent', 'child_of', [node.id])], count=True)
        count = child_of()
        best, median = best_of(child_of)
        worst = max(worst, median)
        print(f'     child_of {code:<12} {count:>8,} areas '
            f'{median * 1000:8.2f} ms')
    report('child_of on any node (worst level, count of the subtree)',
        worst, 6)

    with as_user('civic_admin'), check_access():
        def district_statistics():
            transaction.cache.clear()
            records = Statistics.search([])
            return Statistics.read([r.id for r in records], [
                    'area.rec_name', 'grid_count', 'households', 'residents',
                    'key_group_residents', 'leaders', 'visited_households',
                    'visit_coverage', 'household_coverage'])
        rows = district_statistics()
        best, median = best_of(district_statistics, repeat=4)
        report(f'district statistics ({len(rows)} areas, all figures)',
            median, 2000)

        from civic_grid.statistics import statistics_workbook
        county, = Area.search([('parent', '=', None)])
        started = time.perf_counter()
        data = statistics_workbook(county)
        report(f'district statistics XLSX ({len(data):,} bytes)',
            time.perf_counter() - started, 2000)


def export_roster(database, rows_wanted):
    "Run in its own process so that its peak memory can be read"
    from trytond.pool import Pool

    from civic_grid.roster import roster_workbook
    pool = Pool()
    Area = pool.get('civic.area')
    Party = pool.get('party.party')
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    streets = Area.search([('level.code', '=', 'street')],
        order=[('code', 'ASC')])
    chosen, rows = [], 0
    for street in streets:
        chosen.append(street)
        rows += Party.search_count(
            [('household.area', 'child_of', [street.id], 'parent')])
        if rows >= rows_wanted:
            break
    started = time.perf_counter()
    data = roster_workbook(chosen)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f'EXPORT {rows} {elapsed} {peak / 1024} {(peak - before) / 1024} '
        f'{len(data)}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--export-rows', type=int, default=0)
    args = parser.parse_args()
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    Pool(args.database).init()
    with Transaction().start(args.database, 0, readonly=True):
        if args.export_rows:
            export_roster(args.database, args.export_rows)
            return
        measure(args.database)
    output = subprocess.run([sys.executable, __file__, '-d', args.database,
            '--export-rows', '100000'], capture_output=True, text=True,
        env=os.environ, check=True).stdout
    _, rows, elapsed, peak, grown, size = next(
        line for line in output.splitlines()
        if line.startswith('EXPORT')).split()
    report(f'roster XLSX export of {int(rows):,} rows', float(elapsed), 10,
        unit='s')
    report(
        f'  its peak memory (process, {float(grown):.0f} MB for the export)',
        float(peak), 300, unit='MB')


if __name__ == '__main__':
    sys.exit(main())
