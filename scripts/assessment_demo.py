# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Chinese demo data of the assessment (civic_assessment, 考核评估): the
default plans put to use, with a yearly copy of the grid workers' plan;
the grid workers' assessment of the district for the last quarter that is
over, a few officer's scores adjusted with their reason, confirmed (its red
flags); the same for last year (its funding tiers) and the county's
community ranking of last year, confirmed.  The one-click work report of
the district is written from the other modules' data, nothing is made for
it here."""
from decimal import Decimal

from points_demo import in_new_transaction

# the officer's deductions on a few sheets: (score, reason)
ADJUSTMENTS = [
    (Decimal(85), '政策宣传入户不够全面，两户未签收告知书'),
    (Decimal(90), '居民议事会宣讲缺一次记录'),
    (Decimal(95), '宣传栏更新不及时'),
    ]


def last_quarter(today):
    "(year, quarter) of the last quarter that is over"
    month = 3 * ((today.month - 1) // 3) + 1
    if month == 1:
        return today.year - 1, 'q4'
    return today.year, 'q%d' % ((month - 4) // 3 + 1)


class AssessmentDemo:

    def __init__(self, random, commit, size_name):
        self.random = random
        self.commit = commit
        self.size_name = size_name
        self.summary = {}

    def run(self):
        for step in (self.activate_plans, self.assess_quarter,
                self.assess_year, self.rank_communities):
            in_new_transaction(step)
        return self.summary

    def plan(self, xml_id):
        from trytond.pool import Pool
        pool = Pool()
        return pool.get('civic.assessment.plan')(pool.get(
                'ir.model.data').get_id('civic_assessment', xml_id))

    def activate_plans(self):
        from trytond.pool import Pool
        Plan = Pool().get('civic.assessment.plan')
        quarterly = self.plan('plan_grid_worker')
        yearly, = Plan.copy([quarterly], default={
                'name': '网格员年度考核', 'period': 'year'})
        Plan.activate([quarterly, yearly, self.plan('plan_community')])
        self.summary['plans'] = 3

    def district(self):
        from trytond.pool import Pool
        Area = Pool().get('civic.area')
        county, = Area.search([('parent', '=', None)], limit=1)
        return county

    def run_of(self, plan, area, year, quarter=None):
        "A run computed, with the officer's adjustments, and confirmed"
        from trytond.pool import Pool
        pool = Pool()
        Run = pool.get('civic.assessment.run')
        Line = pool.get('civic.assessment.line')
        run, = Run.create([{'plan': plan.id, 'area': area.id,
                    'year': year, 'quarter': quarter}])
        Run.compute([run])
        manual = [l for s in run.sheets for l in s.lines
            if l.indicator.measure == 'manual']
        for line, (score, reason) in zip(
                self.random.sample(manual, min(len(manual), 3)),
                ADJUSTMENTS):
            Line.write([line], {'manual_score': score, 'reason': reason})
        Run.confirm([run])
        return Run(run.id)

    def assess_quarter(self):
        from civic_grid import clock
        year, quarter = last_quarter(clock.today())
        run = self.run_of(self.plan('plan_grid_worker'), self.district(),
            year, quarter)
        self.summary['quarterly sheets'] = len(run.sheets)
        self.summary['red flags'] = sum(s.red_flag for s in run.sheets)

    def assess_year(self):
        from trytond.pool import Pool

        from civic_grid import clock
        Plan = Pool().get('civic.assessment.plan')
        yearly, = Plan.search([('participant', '=', 'grid_worker'),
                ('period', '=', 'year')], limit=1)
        run = self.run_of(yearly, self.district(), clock.today().year - 1)
        self.summary['yearly sheets'] = len(run.sheets)

    def rank_communities(self):
        from civic_grid import clock
        run = self.run_of(self.plan('plan_community'), self.district(),
            clock.today().year - 1)
        self.summary['communities ranked'] = len(run.sheets)
