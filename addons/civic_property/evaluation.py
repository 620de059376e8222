# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The quarterly evaluation of the property companies: residents'
satisfaction with their answered complaints, the community's rating and the
regularity of their work logs, weighted by the administrator and ranked per
street"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sql import Cast, Null
from sql.aggregate import Avg, Count

from trytond.backend import MAX_QUERY_PARAMS
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from civic_event.statistics import UNCOUNTED_STATES
from civic_grid import clock
from civic_grid.report import HTMLReport
from civic_grid.scope import ScopeMixin
from civic_points.redemption import as_date

from .exceptions import EvaluationError

QUARTERS = [
    ('q1', "First Quarter"),
    ('q2', "Second Quarter"),
    ('q3', "Third Quarter"),
    ('q4', "Fourth Quarter"),
    ]
WEIGHTS = ['satisfaction_weight', 'rating_weight', 'regularity_weight']
STATES = [
    ('draft', "Draft"),
    ('confirmed', "Confirmed"),
    ]


def quarter_dates(year, quarter):
    "The first day of the quarter and the first day after it"
    start = dt.date(year, 3 * int(quarter[1]) - 2, 1)
    return start, start + relativedelta(months=3)


def months_of(start, end):
    "The first days of the months from start to end excluded"
    month = start.replace(day=1)
    while month < end:
        yield month
        month += relativedelta(months=1)


def weighted_score(weights, satisfaction, rating, regularity):
    "The score out of 100 of the three parts out of 100"
    parts = [satisfaction, rating or 0, regularity]
    total = sum(Decimal(w) * Decimal(str(p)) for w, p in zip(weights, parts))
    return (total / 100).quantize(Decimal('0.01'))


class Evaluation(ScopeMixin, Workflow, ModelSQL, ModelView):
    "The evaluation of the companies of an area for a quarter"
    __string__ = "Property Company Evaluation"
    __name__ = 'civic.property.evaluation'
    _scope_area = 'area'
    _draft = {'readonly': Eval('state') != 'draft'}
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT',
        states=_draft,
        help="The street (or the district) whose companies are evaluated; "
        "they are ranked per street.")
    year = fields.Integer("Year", required=True, states=_draft)
    quarter = fields.Selection(
        QUARTERS, "Quarter", required=True, sort=False, states=_draft)
    quarter_string = quarter.translated('quarter')
    satisfaction_weight = fields.Integer(
        "Satisfaction Weight", readonly=True)
    rating_weight = fields.Integer("Community Rating Weight", readonly=True)
    regularity_weight = fields.Integer(
        "Log Regularity Weight", readonly=True)
    lines = fields.One2Many(
        'civic.property.evaluation.line', 'evaluation', "Companies",
        states=_draft,
        order=[('street', 'ASC'), ('rank', 'ASC'), ('company', 'ASC')])
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    confirmed_by = fields.Many2One(
        'res.user', "Confirmed by", readonly=True, ondelete='RESTRICT')
    confirmed_date = fields.Date("Confirmed on", readonly=True)
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('area_quarter_unique', Unique(t, t.area, t.year, t.quarter),
                'civic_property.msg_evaluation_unique'),
            ]
        cls._order = [
            ('year', 'DESC'), ('quarter', 'DESC'), ('area', 'ASC'),
            ('id', 'DESC')]
        cls._transitions |= {('draft', 'confirmed')}
        cls._buttons.update({
                'compute': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_year(cls):
        return clock.today().year

    @classmethod
    def default_quarter(cls):
        return 'q%d' % ((clock.today().month - 1) // 3 + 1)

    def get_rec_name(self, name):
        return f'{self.area.name} {self.year} {self.quarter_string}'

    @property
    def dates(self):
        return quarter_dates(self.year, self.quarter)

    @property
    def weights(self):
        return [getattr(self, n) or 0 for n in WEIGHTS]

    @classmethod
    def check_modification(cls, mode, evaluations, values=None,
            external=False):
        super().check_modification(
            mode, evaluations, values=values, external=external)
        if mode in {'write', 'delete'} and external:
            for evaluation in evaluations:
                if evaluation.state != 'draft':
                    raise AccessError(gettext(
                            'civic_property.msg_evaluation_confirmed',
                            evaluation=evaluation.rec_name))

    @classmethod
    def copy(cls, evaluations, default=None):
        default = dict(default or {})
        for name in ['lines', 'confirmed_by', 'confirmed_date'] + WEIGHTS:
            default.setdefault(name, None)
        return super().copy(evaluations, default=default)

    @classmethod
    @ModelView.button
    def compute(cls, evaluations):
        """Evaluate every active company overseen inside the area, keeping
        the community ratings already given"""
        Configuration = Pool().get('civic.property.configuration')
        config = Configuration(1)
        for evaluation in evaluations:
            if evaluation.state != 'draft':
                raise EvaluationError(gettext(
                        'civic_property.msg_evaluation_not_draft',
                        evaluation=evaluation.rec_name))
            start, _ = evaluation.dates
            if start > clock.today():
                raise EvaluationError(gettext(
                        'civic_property.msg_evaluation_future',
                        evaluation=evaluation.rec_name))
        with without_check_access():
            for evaluation in evaluations:
                for name in WEIGHTS:
                    setattr(evaluation, name, getattr(config, name))
                evaluation.save()
                evaluation.replace_lines()
            cls.rank(evaluations)

    def replace_lines(self):
        pool = Pool()
        Line = pool.get('civic.property.evaluation.line')
        Company = pool.get('civic.property.company')
        Area = pool.get('civic.area')
        ratings = {(line.company.id): (line.community_rating,
                line.rating_note) for line in self.lines}
        companies = Company.search([
                ('area', 'child_of', [self.area.id], 'parent'),
                ], order=[('code', 'ASC')])
        ancestors = Area.ancestors_by_level([c.area.id for c in companies])
        ids = [c.id for c in companies]
        complaints = complaint_figures(ids, *self.dates)
        logged, expected = log_months(ids, *self.dates)
        Line.delete(self.lines)
        vlist = []
        for company in companies:
            rated, average, count = complaints.get(company.id, (0, None, 0))
            rating, note = ratings.get(company.id, (None, None))
            vlist.append({
                    'evaluation': self.id,
                    'company': company.id,
                    'street': (ancestors.get(company.area.id, {}).get(
                            'street') or company.area.id),
                    'complaints': count,
                    'rated': rated,
                    'satisfaction': (round(average, 2)
                        if average is not None else None),
                    'community_rating': rating,
                    'rating_note': note,
                    'log_months': logged.get(company.id, 0),
                    'expected_log_months': expected.get(company.id, 0),
                    })
        Line.create(vlist)

    @classmethod
    def rank(cls, evaluations):
        "Score the lines and rank them per street"
        Line = Pool().get('civic.property.evaluation.line')
        lines = []
        for evaluation in cls.browse(evaluations):
            by_street = defaultdict(list)
            for line in evaluation.lines:
                line.score = weighted_score(evaluation.weights,
                    line.satisfaction_score, line.community_rating,
                    line.regularity_score)
                by_street[line.street].append(line)
            for street_lines in by_street.values():
                street_lines.sort(key=lambda l: (-l.score, l.company.code))
                previous = None
                for position, line in enumerate(street_lines, 1):
                    if previous is None or line.score != previous.score:
                        line.rank = position
                    else:
                        line.rank = previous.rank
                    previous = line
                lines.extend(street_lines)
        with without_check_access():
            Line.save(lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, evaluations):
        "Freeze the evaluations once every company has its rating"
        for evaluation in evaluations:
            if evaluation.dates[1] > clock.today():
                raise EvaluationError(gettext(
                        'civic_property.msg_evaluation_not_over',
                        evaluation=evaluation.rec_name))
            if not evaluation.lines:
                raise EvaluationError(gettext(
                        'civic_property.msg_evaluation_empty',
                        evaluation=evaluation.rec_name))
            for line in evaluation.lines:
                if line.community_rating is None:
                    raise EvaluationError(gettext(
                            'civic_property.msg_evaluation_unrated',
                            evaluation=evaluation.rec_name,
                            company=line.company.rec_name))
        cls.rank(evaluations)
        with without_check_access():
            cls.write(list(evaluations), {
                    'confirmed_by': Transaction().user or None,
                    'confirmed_date': clock.today(),
                    })


def complaint_figures(company_ids, start, end):
    """{company: (rated, average satisfaction, complaints)} of the
    complaints reported from start to end excluded"""
    Event = Pool().get('civic.event')
    event = Event.__table__()
    cursor = Transaction().connection.cursor()
    result = {}
    for sub_ids in grouped_slice(company_ids, MAX_QUERY_PARAMS):
        cursor.execute(*event.select(
                event.property_company,
                Count(event.satisfaction),
                Cast(Avg(event.satisfaction), 'FLOAT'),
                Count(event.id),
                where=event.property_company.in_(list(sub_ids))
                & (event.reported_at >= dt.datetime.combine(start, dt.time()))
                & (event.reported_at < dt.datetime.combine(end, dt.time()))
                & ~event.state.in_(list(UNCOUNTED_STATES)),
                group_by=[event.property_company]))
        for company, rated, average, count in cursor:
            result[company] = (rated, average, count)
    return result


def log_months(company_ids, start, end):
    """({company: months with a log}, {company: months under contract}),
    counted per compound managed"""
    pool = Pool()
    Log = pool.get('civic.property.log')
    Management = pool.get('civic.property.management')
    log = Log.__table__()
    management = Management.__table__()
    cursor = Transaction().connection.cursor()
    months = list(months_of(start, end))
    expected = defaultdict(set)
    logged = defaultdict(int)
    for sub_ids in grouped_slice(company_ids, MAX_QUERY_PARAMS):
        sub_ids = list(sub_ids)
        cursor.execute(*management.select(
                management.company, management.compound,
                management.start_date, management.end_date,
                where=management.company.in_(sub_ids)
                & (management.start_date < end)
                & ((management.end_date == Null)
                    | (management.end_date >= start))))
        for company, compound, begin, finish in cursor:
            begin, finish = as_date(begin), as_date(finish)
            for month in months:
                after = month + relativedelta(months=1)
                if begin < after and (not finish or finish >= month):
                    expected[company].add((compound, month))
        cursor.execute(*log.select(
                log.company, log.compound, log.date,
                where=log.company.in_(sub_ids)
                & (log.date >= start) & (log.date < end)))
        seen = set()
        for company, compound, date in cursor:
            key = (company, compound, as_date(date).replace(day=1))
            if key not in seen and key[1:] in expected[company]:
                seen.add(key)
                logged[company] += 1
    return logged, {c: len(m) for c, m in expected.items()}


class EvaluationLine(ScopeMixin, ModelSQL, ModelView):
    "A company's evaluation for the quarter"
    __string__ = "Property Company Evaluation Line"
    __name__ = 'civic.property.evaluation.line'
    _scope_area = 'company.area'
    _draft = {'readonly': Eval('evaluation_state') != 'draft'}
    evaluation = fields.Many2One(
        'civic.property.evaluation', "Evaluation", required=True,
        ondelete='CASCADE', readonly=True)
    evaluation_state = fields.Function(
        fields.Selection(STATES, "Evaluation State"),
        'on_change_with_evaluation_state')
    company = fields.Many2One(
        'civic.property.company', "Property Company", required=True,
        readonly=True, ondelete='RESTRICT')
    street = fields.Many2One(
        'civic.area', "Street", readonly=True, ondelete='RESTRICT')
    rank = fields.Integer(
        "Rank", readonly=True, help="The company's rank in its street.")
    complaints = fields.Integer("Complaints", readonly=True)
    rated = fields.Integer(
        "Rated Complaints", readonly=True,
        help="Complaints whose reporter rated the answer.")
    satisfaction = fields.Float(
        "Average Satisfaction (1-5)", digits=(16, 2), readonly=True)
    satisfaction_score = fields.Function(
        fields.Numeric("Satisfaction Score", digits=(16, 2),
            help="The average satisfaction × 20; 100 when no complaint "
            "was rated."),
        'get_scores')
    community_rating = fields.Numeric(
        "Community Rating", digits=(16, 2), states=_draft,
        domain=['OR', ('community_rating', '=', None),
            [('community_rating', '>=', 0),
                ('community_rating', '<=', 100)]],
        help="The community office's rating of the company's work, "
        "0 to 100.")
    rating_note = fields.Char("Rating Note", states=_draft)
    log_months = fields.Integer(
        "Months Logged", readonly=True,
        help="Compound-months of the quarter with at least one work log.")
    expected_log_months = fields.Integer(
        "Months Managed", readonly=True,
        help="Compound-months of the quarter under the company's "
        "management.")
    regularity_score = fields.Function(
        fields.Numeric("Log Regularity Score", digits=(16, 2),
            help="Months logged out of months managed, × 100."),
        'get_scores')
    score = fields.Numeric("Score", digits=(16, 2), readonly=True)
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.evaluation, Index.Range())))
        cls._order = [('street', 'ASC'), ('rank', 'ASC'), ('id', 'ASC')]

    @fields.depends('evaluation', '_parent_evaluation.state')
    def on_change_with_evaluation_state(self, name=None):
        return self.evaluation.state if self.evaluation else None

    def get_rec_name(self, name):
        return f'{self.evaluation.rec_name} · {self.company.rec_name}'

    def get_scores(self, name):
        if name == 'satisfaction_score':
            if not self.rated:
                return Decimal('100.00')
            return (Decimal(str(self.satisfaction)) * 20).quantize(
                Decimal('0.01'))
        if not self.expected_log_months:
            return Decimal(0)
        return (Decimal(100) * self.log_months
            / self.expected_log_months).quantize(Decimal('0.01'))

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if external and mode != 'create':
            if mode == 'delete' or set(values) - {
                    'community_rating', 'rating_note'}:
                raise AccessError(gettext(
                        'civic_property.msg_evaluation_line_computed'))
            for line in lines:
                if line.evaluation.state != 'draft':
                    raise AccessError(gettext(
                            'civic_property.msg_evaluation_confirmed',
                            evaluation=line.evaluation.rec_name))
        elif external and mode == 'create':
            raise AccessError(gettext(
                    'civic_property.msg_evaluation_line_computed'))

    @classmethod
    def write(cls, *args):
        Evaluation = Pool().get('civic.property.evaluation')
        super().write(*args)
        actions = iter(args)
        rated = set()
        for lines, values in zip(actions, actions):
            if 'community_rating' in values:
                rated.update(l.evaluation.id for l in lines)
        if rated:
            Evaluation.rank(Evaluation.browse(list(rated)))


class EvaluationReport(HTMLReport):
    __string__ = "Property company evaluation, ranked per street"
    __name__ = 'civic.property.evaluation.report'
