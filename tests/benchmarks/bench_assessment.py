#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Timings of civic_assessment on a database filled with `generate.py
--size seed` (another benchmark's, with its modules), each printed beside
its target.  Run by scripts/benchmark-assessment:

  activate   civic_assessment (and the default plans), unless it is active
  measure    the last quarter's assessment of every grid worker of the
             district (a sheet per appointment, with each indicator's
             evidence), computed and rolled back; the one-click work report
             of the district for the last 12 months and of its busiest
             street, as ODT (and the district's as PDF through LibreOffice,
             an extra figure)"""
import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'addons'))
LANGUAGE = 'zh_CN'
CONTEXT = {'language': LANGUAGE}
TARGETS = {'run': 30.0, 'district': 10.0, 'street': 3.0}


def report(label, seconds, target=None):
    verdict = ''
    if target is not None:
        verdict = f'  (target ≤ {target:.0f} s: ' + (
            'ok)' if seconds <= target else 'MISS)')
    print(f'{label}: {seconds:.2f} s{verdict}', flush=True)


def active(database_name):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database_name)
    pool.init()
    with Transaction().start(database_name, 0, readonly=True):
        Module = pool.get('ir.module')
        return bool(Module.search([('name', '=', 'civic_assessment'),
                    ('state', '=', 'activated')]))


def activate(args):
    from trytond.pool import Pool
    Pool.start()
    if not active(args.database):
        admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
        subprocess.run([admin, '-d', args.database, '-u', 'civic_assessment',
                '--activate-dependencies', '-l', LANGUAGE], check=True)


def last_quarter(today):
    start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    previous = (start - dt.timedelta(days=1)).replace(day=1)
    previous = previous.replace(month=3 * ((previous.month - 1) // 3) + 1)
    return previous.year, 'q%d' % ((previous.month - 1) // 3 + 1)


def measure(args):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(args.database)
    pool.init()
    with Transaction().start(args.database, 0, context=CONTEXT) as tx:
        Area = pool.get('civic.area')
        Plan = pool.get('civic.assessment.plan')
        Run = pool.get('civic.assessment.run')
        ModelData = pool.get('ir.model.data')
        county, = Area.search([('parent', '=', None)])
        plan = Plan(ModelData.get_id('civic_assessment', 'plan_grid_worker'))
        if plan.state != 'active':
            Plan.activate([plan])
        year, quarter = last_quarter(pool.get('ir.date').today())
        times = []
        for _ in range(args.runs):
            run, = Run.create([{'plan': plan.id, 'area': county.id,
                        'year': year, 'quarter': quarter}])
            began = time.perf_counter()
            Run.compute([run])
            times.append(time.perf_counter() - began)
            sheets = len(run.sheets)
            lines = sum(len(s.lines) for s in run.sheets)
            evidence = sum(l.evidence_count or 0 for s in run.sheets
                for l in s.lines)
            Run.delete([run])
        name = county.name
        tx.rollback()
    print(f'grid-worker assessment of {name}, {year} {quarter}: '
        f'{sheets} sheets, {lines} indicator lines, {evidence} evidence '
        'records', flush=True)
    report(f'  compute, median of {args.runs}', statistics.median(times),
        TARGETS['run'])
    measure_reports(args, pool)


def measure_reports(args, pool):
    from trytond.transaction import Transaction
    with Transaction().start(args.database, 0, readonly=True,
            context=CONTEXT):
        Area = pool.get('civic.area')
        county, = Area.search([('parent', '=', None)])
        streets = Area.search([('parent', '=', county.id)])
        street = max(streets, key=lambda s: Area.search(
                [('parent', 'child_of', [s.id])], count=True))
        today = pool.get('ir.date').today()
        start = today - dt.timedelta(days=364)
        county_id, street_id = county.id, street.id
        names = county.name, street.name
    for key, area, name, report_name in [
            ('district', county_id, names[0], 'civic.assessment.work_report'),
            ('street', street_id, names[1], 'civic.assessment.work_report'),
            (None, county_id, names[0],
                'civic.assessment.work_report_pdf')]:
        Report = pool.get(report_name, type='report')
        times = []
        for _ in range(args.runs):
            with Transaction().start(args.database, 0, readonly=True,
                    context=CONTEXT):
                began = time.perf_counter()
                ext, content, _, _ = Report.execute([], {
                        'area': area, 'start_date': start.isoformat(),
                        'end_date': today.isoformat()})
                times.append(time.perf_counter() - began)
            if key is None:
                break  # LibreOffice's conversion: one is enough
        report(f'work report of {name} ({start} to {today}), {ext}, '
            f'{len(content):,} bytes, median of {len(times)}',
            statistics.median(times), TARGETS.get(key))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('step', choices=['activate', 'measure'])
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--runs', type=int, default=3)
    args = parser.parse_args()
    {'activate': activate, 'measure': measure}[args.step](args)


if __name__ == '__main__':
    main()
