# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The red-property figures of each street and community (and of the
district): the two coverages of the companies managing compounds there"""
import datetime as dt
from collections import defaultdict

from sql.aggregate import Count

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from civic_grid import clock
from civic_grid.area import SubtreeTotals, percent, statistics_areas_query
from civic_grid.scope import ScopeMixin

from .coverage import branch_threshold, coverage_of

FIGURES = [
    'companies', 'organisation_covered', 'work_covered',
    'organisation_rate', 'work_rate', 'compounds', 'households',
    'flagged_compounds', 'logs_30_days',
    ]


class PropertyFigures:
    "The figures of a set of areas, from the current management contracts"

    def __init__(self, area_ids):
        self.area_ids = list(area_ids)
        self.totals = SubtreeTotals(self.area_ids)

    def compute(self):
        values = self.managements()
        values['logs_30_days'] = self.logs()
        return {i: {n: values[n].get(i, 0) if n not in {
                        'organisation_rate', 'work_rate'}
                    else values[n].get(i) for n in FIGURES}
            for i in self.area_ids}

    def managements(self):
        """Companies are counted once per area however many of its compounds
        they manage there"""
        pool = Pool()
        Coverage = pool.get('civic.property.coverage')
        coverage = Coverage.table_query()
        cursor = Transaction().connection.cursor()
        cursor.execute(*coverage.select(coverage.area, coverage.company,
                coverage.households, coverage.party_organisation,
                coverage.covering_organisation))
        threshold = branch_threshold()
        rows = []
        for area, company, households, own, covering in cursor:
            figures = coverage_of(own, covering, households, threshold)
            rows.append((area, company, households,
                    figures['organisation_coverage'],
                    figures['work_coverage'], figures['flagged']))
        self.totals._load_ancestors({r[0] for r in rows})
        companies = defaultdict(dict)
        counts = {n: defaultdict(int) for n in [
                'compounds', 'households', 'flagged_compounds']}
        for area, company, households, own, work, flagged in rows:
            for ancestor in self.totals._ancestors.get(area, ()):
                companies[ancestor][company] = (own, work)
                counts['compounds'][ancestor] += 1
                counts['households'][ancestor] += households or 0
                counts['flagged_compounds'][ancestor] += bool(flagged)
        values = dict(counts)
        values['companies'] = {a: len(c) for a, c in companies.items()}
        values['organisation_covered'] = {
            a: sum(bool(o) for o, _ in c.values())
            for a, c in companies.items()}
        values['work_covered'] = {
            a: sum(bool(w) for _, w in c.values())
            for a, c in companies.items()}
        for name, covered in [('organisation_rate', 'organisation_covered'),
                ('work_rate', 'work_covered')]:
            values[name] = {a: percent(values[covered][a], n)
                for a, n in values['companies'].items()}
        return values

    def logs(self):
        pool = Pool()
        log = pool.get('civic.property.log').__table__()
        compound = pool.get('civic.compound').__table__()
        since = clock.today() - dt.timedelta(days=30)
        return self.totals.of_query(log.join(compound,
                condition=log.compound == compound.id).select(
                compound.area, Count(log.id),
                where=log.date > since,
                group_by=[compound.area]))


def figure_field(string):
    return fields.Function(fields.Integer(string), 'get_figures')


def rate_field(string):
    return fields.Function(
        fields.Float(string, digits=(5, 1)), 'get_figures')


class Statistics(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Red Property Statistics"
    __name__ = 'civic.property.statistics'
    _scope_area = 'area'
    area = fields.Many2One('civic.area', "Area")
    level = fields.Many2One('civic.area.level', "Level")
    path = fields.Char("Path")
    companies = figure_field("Property Companies")
    organisation_covered = figure_field("With Organisation Coverage")
    work_covered = figure_field("With Work Coverage")
    organisation_rate = rate_field("Organisation Coverage (%)")
    work_rate = rate_field("Work Coverage (%)")
    compounds = figure_field("Compounds Managed")
    households = figure_field("Households Served")
    flagged_compounds = figure_field("Flagged Compounds")
    logs_30_days = figure_field("Work Logs (30 days)")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('path', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        return statistics_areas_query()

    def get_rec_name(self, name):
        return self.area.rec_name

    @classmethod
    def get_figures(cls, records, names):
        figures = PropertyFigures([r.id for r in records]).compute()
        return {n: {i: f[n] for i, f in figures.items()} for n in names}
