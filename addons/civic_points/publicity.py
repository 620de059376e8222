# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Monthly publicity (一月一公示) and quarterly ranking (一季一评比): frozen
snapshots of the ledger once published"""
import datetime as dt

from dateutil.relativedelta import relativedelta
from sql import Column, Literal, Null, Window
from sql.aggregate import Count, Sum
from sql.functions import CurrentTimestamp, Rank

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from civic_grid.report import HTMLReport
from civic_grid.scope import ScopeMixin
from civic_grid.xlsx import XLSXReport, labels, workbook_bytes

from .rule import CATEGORIES

PERIODS = [
    ('q1', "First Quarter"),
    ('q2', "Second Quarter"),
    ('q3', "Third Quarter"),
    ('q4', "Fourth Quarter"),
    ('year', "Whole Year"),
    ]


def earned_query(area, start, end):
    """Return the query of the points earned (awards net of their reversals,
    posted) by the holders of the grids below area from start to end
    excluded: columns party, category, points, lines"""
    pool = Pool()
    Line = pool.get('civic.points.line')
    Area = pool.get('civic.area')
    line = Line.__table__()
    if area.parent:
        # a list of ids lets PostgreSQL use the (area, date) index, where a
        # subquery made it read the whole month of the district
        with without_check_access():
            in_area = line.area.in_([a.id for a in Area.search(
                        [('parent', 'child_of', [area.id])], order=[])])
    else:
        # the whole tree: no need to list its areas
        in_area = line.area != Null
    return line.select(
        line.party, line.category, Sum(line.points).as_('points'),
        Count(line.id).as_('lines'),
        where=in_area
        & (line.date >= start) & (line.date < end)
        & line.kind.in_(['award', 'reversal'])
        & (line.state == 'posted'),
        group_by=[line.party, line.category])


class DraftOnlyMixin:
    "Records changed by users only while in draft"
    __slots__ = ()

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode in {'write', 'delete'} and external:
            for record in records:
                if record.state != 'draft':
                    raise AccessError(gettext(
                            'civic_points.msg_published_frozen',
                            record=record.rec_name))


class FrozenMixin(DraftOnlyMixin):
    "Snapshots computed in draft and frozen once published"
    __slots__ = ()
    published_by = fields.Many2One(
        'res.user', "Published by", readonly=True, ondelete='RESTRICT')
    published_date = fields.Date("Published on", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('published', "Published"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {('draft', 'published')}
        cls._buttons.update({
                'compute': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, records):
        cls.compute(records)
        for record in records:
            record.published_by = Transaction().user
            record.published_date = Pool().get('ir.date').today()
        with without_check_access():
            cls.save(records)

    @classmethod
    def copy(cls, records, default=None):
        default = dict(default or {})
        default.setdefault('lines', None)
        default.setdefault('published_by', None)
        default.setdefault('published_date', None)
        return super().copy(records, default=default)

    @classmethod
    def _replace_lines(cls, record, query, columns):
        "Store the rows of query as the lines of record in one statement"
        Line = Pool().get(cls.lines.model_name)
        table = Line.__table__()
        parent = Column(table, cls.lines.field)
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete(where=parent == record.id))
        cursor.execute(*table.insert(
                [parent] + [getattr(table, c) for c in columns]
                + [table.create_uid, table.create_date],
                query))


class Publicity(ScopeMixin, FrozenMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Monthly Points Publicity"
    __name__ = 'civic.points.publicity'
    _scope_area = 'area'
    _draft = {'readonly': Eval('state') != 'draft'}
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT',
        states=_draft)
    month = fields.Date(
        "Month", required=True, states=_draft,
        help="Any day of the month: the first day is kept.")
    lines = fields.One2Many(
        'civic.points.publicity.line', 'publicity', "Lines", readonly=True,
        order=[('points', 'DESC'), ('party', 'ASC')])
    people = fields.Function(fields.Integer("People"), 'get_totals')
    points = fields.Function(fields.Integer("Points"), 'get_totals')
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('area_month_unique', Unique(t, t.area, t.month),
                'civic_points.msg_publicity_unique'),
            ]
        cls._order = [('month', 'DESC'), ('area', 'ASC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.area.name} {self.month:%Y-%m}'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if isinstance(values.get('month'), dt.date):
            values['month'] = values['month'].replace(day=1)
        return values

    @classmethod
    def get_totals(cls, publicities, names):
        Line = Pool().get('civic.points.publicity.line')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*line.select(line.publicity,
                Count(line.id), Sum(line.points),
                where=line.publicity.in_([p.id for p in publicities]),
                group_by=[line.publicity]))
        totals = {i: (c, s) for i, c, s in cursor}
        return {
            'people': {p.id: totals.get(p.id, (0, 0))[0]
                for p in publicities},
            'points': {p.id: totals.get(p.id, (0, 0))[1] or 0
                for p in publicities},
            }

    @classmethod
    @ModelView.button
    def compute(cls, publicities):
        for publicity in publicities:
            if publicity.state != 'draft':
                continue
            query = earned_query(publicity.area, publicity.month,
                publicity.month + relativedelta(months=1))
            query.columns = (Literal(publicity.id),) + tuple(
                query.columns) + (Literal(Transaction().user),
                CurrentTimestamp())
            cls._replace_lines(publicity, query,
                ['party', 'category', 'points', 'lines'])


class ComputedLinesMixin:
    "The lines of a publicity or a ranking: computed, never changed by hand"
    __slots__ = ()
    # the name of the lines' Many2One to their publicity or ranking
    _parent = None

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add(cls._parent)
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (Column(t, cls._parent), Index.Range())))

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        # the column was origin_id until 8.0.1
        if (table_h.column_exist('origin_id')
                and not table_h.column_exist(cls._parent)):
            table_h.column_rename('origin_id', cls._parent)
        super().__register__(module)

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if external:
            raise AccessError(gettext('civic_points.msg_lines_computed'))


class PublicityLine(ComputedLinesMixin, ScopeMixin, ModelSQL, ModelView):
    __string__ = "Monthly Points Publicity Line"
    __name__ = 'civic.points.publicity.line'
    _scope_area = 'publicity.area'
    _parent = 'publicity'
    publicity = fields.Many2One(
        'civic.points.publicity', "Publicity", required=True,
        ondelete='CASCADE')
    party = fields.Many2One('party.party', "Name", readonly=True)
    category = fields.Selection(
        [(None, "")] + CATEGORIES, "Participant Category", readonly=True)
    category_string = category.translated('category')
    points = fields.Integer("Points", readonly=True)
    lines = fields.Integer("Records", readonly=True)


class Ranking(ScopeMixin, FrozenMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Points Ranking"
    __name__ = 'civic.points.ranking'
    _scope_area = 'area'
    _draft = {'readonly': Eval('state') != 'draft'}
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT',
        states=_draft)
    year = fields.Integer("Year", required=True, states=_draft)
    period = fields.Selection(
        PERIODS, "Period", required=True, sort=False, states=_draft)
    period_string = period.translated('period')
    lines = fields.One2Many(
        'civic.points.ranking.line', 'ranking', "Lines", readonly=True,
        order=[('category', 'ASC'), ('rank', 'ASC'), ('party', 'ASC')])
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('area_period_unique', Unique(t, t.area, t.year, t.period),
                'civic_points.msg_ranking_unique'),
            ]
        cls._order = [
            ('year', 'DESC'), ('period', 'DESC'), ('area', 'ASC'),
            ('id', 'DESC')]

    @classmethod
    def default_year(cls):
        return Pool().get('ir.date').today().year

    @classmethod
    def default_period(cls):
        month = Pool().get('ir.date').today().month
        return 'q%d' % ((month - 1) // 3 + 1)

    def get_rec_name(self, name):
        return f'{self.area.name} {self.year} {self.period_string}'

    @property
    def dates(self):
        "First day and the day after the last of the period"
        if self.period == 'year':
            start = dt.date(self.year, 1, 1)
            return start, start + relativedelta(years=1)
        start = dt.date(self.year, 3 * int(self.period[1]) - 2, 1)
        return start, start + relativedelta(months=3)

    @classmethod
    @ModelView.button
    def compute(cls, rankings):
        size = Pool().get('civic.points.configuration')(1).ranking_size
        if backend.name == 'postgresql':
            # a district's quarter groups ~500,000 holders: keep the
            # aggregate and the sort in memory
            Transaction().connection.cursor().execute(
                "SET LOCAL work_mem = '64MB'")
        for ranking in rankings:
            if ranking.state != 'draft':
                continue
            earned = earned_query(ranking.area, *ranking.dates)
            ranked = earned.select(
                earned.party, earned.category, earned.points,
                Rank(window=Window([earned.category],
                        order_by=[earned.points.desc])).as_('rank'))
            query = ranked.select(
                Literal(ranking.id), ranked.category, ranked.rank,
                ranked.party, ranked.points,
                Literal(Transaction().user), CurrentTimestamp(),
                where=ranked.rank <= size)
            cls._replace_lines(ranking, query,
                ['category', 'rank', 'party', 'points'])


class RankingLine(ComputedLinesMixin, ScopeMixin, ModelSQL, ModelView):
    __string__ = "Points Ranking Line"
    __name__ = 'civic.points.ranking.line'
    _scope_area = 'ranking.area'
    _parent = 'ranking'
    ranking = fields.Many2One(
        'civic.points.ranking', "Ranking", required=True,
        ondelete='CASCADE')
    category = fields.Selection(
        [(None, "")] + CATEGORIES, "Participant Category", readonly=True)
    category_string = category.translated('category')
    rank = fields.Integer("Rank", readonly=True)
    party = fields.Many2One('party.party', "Name", readonly=True)
    points = fields.Integer("Points", readonly=True)

    def get_rec_name(self, name):
        return f'{self.rank}. {self.party.rec_name} ({self.points})'


class PublicityReport(HTMLReport):
    __string__ = "Monthly publicity notice"
    __name__ = 'civic.points.publicity.notice'


class PublicityXLSX(XLSXReport):
    __string__ = "Monthly publicity in Excel"
    __name__ = 'civic.points.publicity.xlsx'

    @classmethod
    def render_xlsx(cls, publicities):
        pool = Pool()
        Line = pool.get('civic.points.publicity.line')
        Party = pool.get('party.party')
        line = Line.__table__()
        party = Party.__table__()
        cursor = Transaction().connection.cursor()
        header = labels(Line, ['party', 'category', 'points', 'lines'])
        categories = dict(Line.fields_get(['category'])['category'][
                'selection'])
        sheets = []
        for publicity in publicities:
            # one query: the list of a whole community runs to thousands
            cursor.execute(*line.join(party,
                    condition=line.party == party.id).select(
                    party.name, line.category, line.points, line.lines,
                    where=line.publicity == publicity.id,
                    order_by=[line.points.desc, party.name]))
            sheets.append((publicity.rec_name, header,
                    [[name, categories.get(category) or '', points, lines]
                        for name, category, points, lines in cursor]))
        return workbook_bytes(sheets)


class RankingReport(HTMLReport):
    __string__ = "Points ranking notice"
    __name__ = 'civic.points.ranking.notice'
