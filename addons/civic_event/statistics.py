# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Statistics of grid events: per month, category, level and source, in the
period and area of the context (civic.event.statistics.context) and always
inside the user's scope"""
import datetime as dt

from sql import Cast, Column, Literal, Null, Union
from sql.aggregate import Avg, Count, Sum
from sql.conditionals import Case, Coalesce, NullIf
from sql.functions import DateTrunc, Extract, Function, ToChar

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from civic_grid.scope import AGGREGATE, AREA_IN_SCOPE, ScopeMixin, is_id
from civic_grid.xlsx import XLSXReport, labels, workbook_bytes

from .category import LEVEL_ORDER, LEVELS
from .event import SOURCES
from .exceptions import StatisticsError

RESOLVED_STATES = ('resolved', 'feedback', 'closed')
# Duplicates are merged into the event they repeat: they are not counted
UNCOUNTED_STATES = ('duplicate',)
MEASURES = [
    'events', 'resolved', 'on_time', 'on_time_rate', 'handling_hours',
    'rated', 'satisfied', 'satisfaction_rate', 'complaints',
    ]


class JulianDay(Function):
    __slots__ = ()
    _function = 'JULIANDAY'


def hours_between(start, end):
    """The SQL expression of the hours from start to end (DateTime columns):
    SQLite stores them as text, which julianday reads"""
    if backend.name == 'sqlite':
        return (JulianDay(end) - JulianDay(start)) * 24
    return (Extract('EPOCH', end) - Extract('EPOCH', start)) / 3600


def year_before(date):
    "The same day one year before (28 February for a 29th)"
    try:
        return date.replace(year=date.year - 1)
    except ValueError:
        return date.replace(year=date.year - 1, day=28)


def period():
    "(from_date, to_date) of the context; None for no bound"
    Context = Pool().get('civic.event.statistics.context')
    context = Transaction().context
    if 'from_date' in context:
        from_date = context['from_date']
    else:
        from_date = Context.default_from_date()
    if 'to_date' in context:
        to_date = context['to_date']
    else:
        to_date = Context.default_to_date()
    for date in (from_date, to_date):
        if date is not None and (not isinstance(date, dt.date)
                or isinstance(date, dt.datetime)):
            raise StatisticsError(gettext(
                    'civic_event.msg_statistics_date', date=str(date)[:50]))
    return from_date, to_date


def reported_between(event, from_date, to_date):
    "The condition on event.reported_at for the days from_date to to_date"
    condition = Literal(True)
    if from_date:
        condition &= event.reported_at >= dt.datetime.combine(
            from_date, dt.time())
    if to_date:
        condition &= event.reported_at < dt.datetime.combine(
            to_date + dt.timedelta(days=1), dt.time())
    return condition


def area_condition(event):
    """The condition on event.area: inside the user's scope (except for the
    civic administrator and root) and inside the area of the context"""
    pool = Pool()
    User = pool.get('res.user')
    Area = pool.get('civic.area')
    ModelData = pool.get('ir.model.data')
    transaction = Transaction()
    condition = Literal(True)
    roots = []
    if transaction.user != 0:
        admin = ModelData.get_id('civic_grid', 'group_civic_admin')
        if admin not in User.get_groups():
            roots.append(list(User.get_civic_areas()))
    area = transaction.context.get('area')
    if area is not None:
        # the area of a statistics window or of a report's data
        roots.append([area] if is_id(area) else [])
    for ids in roots:
        if not ids:
            return Literal(False)
        with without_check_access():
            areas = Area.search([
                    ('parent', 'child_of', ids),
                    ], order=[], query=True)
        condition &= event.area.in_(areas)
    return condition


def unsatisfied_below():
    Configuration = Pool().get('civic.event.configuration')
    with without_check_access():
        below = Configuration(1).unsatisfied_below
    return below if below is not None else 3


def counted_events(event):
    "The condition of the events counted in the context"
    from_date, to_date = period()
    return (reported_between(event, from_date, to_date)
        & ~event.state.in_(list(UNCOUNTED_STATES))
        & area_condition(event))


def event_query(dimensions, complaints_only=False, level_on_time=False):
    """The events counted in the context with the dimension columns that
    dimensions(event table) gives as (name, expression) and one column per
    measure to add up.  An event is on time when it was resolved on time
    and no time limit passed before, or with level_on_time, when the level
    that resolved it did so on time."""
    Event = Pool().get('civic.event')
    event = Event.__table__()
    resolved = event.state.in_(list(RESOLVED_STATES))
    rated = event.satisfaction != Null
    true = Literal(True)
    on_time = resolved & (event.on_time == true)
    if not level_on_time:
        on_time &= (Coalesce(event.timed_out, Literal(False)) != true)

    def flag(condition):
        return Case((condition, 1), else_=0)
    return event.select(
        *(expression.as_(name) for name, expression in dimensions(event)),
        flag(resolved).as_('resolved'),
        flag(on_time).as_('on_time'),
        Case(
            (resolved & (event.resolved_at != Null),
                hours_between(event.reported_at, event.resolved_at)),
            else_=Null).as_('hours'),
        flag(rated).as_('rated'),
        flag(rated & (event.satisfaction >= unsatisfied_below())
            ).as_('satisfied'),
        flag(event.complaint == true).as_('complaint'),
        where=counted_events(event)
        & ((event.complaint == true) if complaints_only else true))


def rate(part, whole):
    return Cast(part, 'FLOAT') * 100 / NullIf(whole, 0)


def grouped_measures(events):
    "The measure columns of the subquery events grouped"
    return [
        Count(events.resolved).as_('events'),
        Sum(events.resolved).as_('resolved'),
        Sum(events.on_time).as_('on_time'),
        Cast(Avg(events.hours), 'FLOAT').as_('handling_hours'),
        Sum(events.rated).as_('rated'),
        Sum(events.satisfied).as_('satisfied'),
        Sum(events.complaint).as_('complaints'),
        ]


def rated_measures(grouped):
    "The measure columns of the grouped subquery with the rates"
    return [
        grouped.events.as_('events'),
        grouped.resolved.as_('resolved'),
        grouped.on_time.as_('on_time'),
        rate(grouped.on_time, grouped.resolved).as_('on_time_rate'),
        grouped.handling_hours.as_('handling_hours'),
        grouped.rated.as_('rated'),
        grouped.satisfied.as_('satisfied'),
        rate(grouped.satisfied, grouped.rated).as_('satisfaction_rate'),
        grouped.complaints.as_('complaints'),
        ]


def selection_index(column, selection):
    "The 1-based position of column's value in selection, as a stable id"
    return Case(*((column == value, index)
            for index, (value, _) in enumerate(selection, 1)), else_=0)


class StatisticsContext(ModelView):
    __string__ = "Grid Event Statistics Context"
    __name__ = 'civic.event.statistics.context'
    from_date = fields.Date(
        "From Date",
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')), ()),
            ],
        help="Count the events reported from this day.")
    to_date = fields.Date(
        "To Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')), ()),
            ],
        help="Count the events reported until this day included.")
    area = fields.Many2One(
        'civic.area', "Area", domain=AREA_IN_SCOPE,
        help="Count only the events of this area and of the areas below "
        "it; leave empty for the whole scope.")

    @classmethod
    def default_from_date(cls):
        return Pool().get('ir.date').today().replace(month=1, day=1)

    @classmethod
    def default_to_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_area(cls):
        User = Pool().get('res.user')
        if Transaction().user == 0:
            return None
        areas = User.get_civic_areas()
        return areas[0] if areas else None


class StatisticsMixin(ScopeMixin, ModelSQL, ModelView):
    __slots__ = ()
    _scope_area = AGGREGATE
    events = fields.Integer("Events")
    resolved = fields.Integer(
        "Resolved", help="Events resolved, with feedback or closed.")
    on_time = fields.Integer(
        "Resolved on Time",
        help="Resolved events resolved within the time limit of their "
        "level.")
    on_time_rate = fields.Float(
        "On-Time Rate (%)", digits=(16, 1),
        help="Resolved on time out of the resolved events.")
    handling_hours = fields.Float(
        "Average Handling Hours", digits=(16, 1),
        help="The average hours from report to resolution of the resolved "
        "events.")
    rated = fields.Integer(
        "Rated", help="Events whose reporter gave a satisfaction rating.")
    satisfied = fields.Integer(
        "Satisfied", help="Rated events not rated as unsatisfied.")
    satisfaction_rate = fields.Float(
        "Satisfaction Rate (%)", digits=(16, 1),
        help="Satisfied out of the rated events.")
    complaints = fields.Integer("Complaints")

    # The SQL expression on civic.event of the dimension of the rows
    @classmethod
    def _dimension(cls, event):
        raise NotImplementedError

    # The id of a grouped row from its dimension columns
    @classmethod
    def _row_id(cls, grouped):
        raise NotImplementedError

    # The dimension column of the grouped rows as fields: (name, expression)
    @classmethod
    def _dimension_columns(cls, grouped):
        return [(cls._xlsx_dimension(), grouped.dimension)]

    @classmethod
    def grouped_query(cls, complaints_only=False):
        """The events of the context grouped on the one dimension column
        that _dimension gives (a plain column: PostgreSQL does not match a
        GROUP BY expression with parameters to the SELECT's)"""
        events = event_query(
            lambda event: [('dimension', cls._dimension(event))],
            complaints_only=complaints_only)
        return events.select(
            events.dimension.as_('dimension'),
            *grouped_measures(events),
            group_by=[events.dimension])

    @classmethod
    def table_query(cls):
        grouped = cls.grouped_query()
        return grouped.select(
            Cast(cls._row_id(grouped), cls.id.sql_type().base).as_('id'),
            *(c.as_(n) for n, c in cls._dimension_columns(grouped)),
            *rated_measures(grouped))

    @classmethod
    def xlsx_sheet(cls):
        """(title, header, rows) of the rows in the context, read in one
        query (search and read would compute them twice)"""
        pool = Pool()
        IrModel = pool.get('ir.model')
        names = cls._xlsx_fields()
        header = labels(cls, names)
        query = cls.table_query()
        order_by = []
        for name, direction in cls._order:
            column = Column(query, name)
            order_by.append(
                column.desc if direction.upper() == 'DESC' else column.asc)
        cursor = Transaction().connection.cursor()
        cursor.execute(*query.select(
                *(Column(query, n) for n in names), order_by=order_by))
        rows = [list(r) for r in cursor]
        for index, name in enumerate(names):
            format_ = cls._xlsx_format(name, [r[index] for r in rows])
            for row in rows:
                row[index] = format_(row[index])
        return IrModel.get_name(cls.__name__), header, rows

    @classmethod
    def _xlsx_fields(cls):
        return [cls._xlsx_dimension()] + MEASURES

    @classmethod
    def _xlsx_dimension(cls):
        raise NotImplementedError

    @classmethod
    def _xlsx_format(cls, name, values):
        "The function writing the values of the field name in the sheet"
        pool = Pool()
        field = cls._fields[name]
        if field._type == 'many2one':
            Target = pool.get(field.model_name)
            names = {r.id: r.rec_name
                for r in Target.browse([v for v in values if v])}
            return lambda v: names.get(v, '')
        elif field._type == 'selection':
            strings = dict(cls.fields_get([name])[name]['selection'])
            return lambda v: strings.get(v, v or '')
        elif field._type == 'float':
            digits = field.digits[1]
            return lambda v: round(float(v), digits) if v is not None else None
        elif field._type == 'integer':
            return lambda v: int(v) if v is not None else None
        return lambda v: v


class MonthStatistics(StatisticsMixin):
    __string__ = "Grid Events per Month"
    __name__ = 'civic.event.statistics.month'
    _rec_name = 'month'
    month = fields.Char("Month")
    year = fields.Integer("Year")
    complaints_last_year = fields.Integer(
        "Complaints a Year Before",
        help="The complaints of the same days one year before.")
    complaints_change = fields.Float(
        "Complaints Year on Year (%)", digits=(16, 1),
        help="The change of the complaints from one year before; empty "
        "when there was none.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _dimension(cls, event):
        return DateTrunc('month', event.reported_at)

    @classmethod
    def _dimension_columns(cls, grouped):
        return [
            ('year', Cast(Extract('YEAR', grouped.dimension), 'INTEGER')),
            ('month_number',
                Cast(Extract('MONTH', grouped.dimension), 'INTEGER')),
            ('month', ToChar(grouped.dimension, 'YYYY-MM')),
            ]

    @classmethod
    def _row_id(cls, grouped):
        columns = dict(cls._dimension_columns(grouped))
        return columns['year'] * 100 + columns['month_number']

    @classmethod
    def table_query(cls):
        current = super().table_query()
        from_date, to_date = period()
        # the complaints of the same days one year before, in the same scope
        # and area
        with Transaction().set_context(
                from_date=from_date and year_before(from_date),
                to_date=to_date and year_before(to_date)):
            grouped = cls.grouped_query(complaints_only=True)
        columns = dict(cls._dimension_columns(grouped))
        previous = grouped.select(
            columns['year'].as_('year'),
            columns['month_number'].as_('month_number'),
            grouped.complaints.as_('complaints'))
        query = current.join(previous, 'LEFT', condition=(
                (previous.year == current.year - 1)
                & (previous.month_number == current.month_number)))
        return query.select(
            current.id.as_('id'),
            current.year.as_('year'),
            current.month.as_('month'),
            *(getattr(current, n).as_(n) for n in MEASURES),
            Coalesce(previous.complaints, 0).as_('complaints_last_year'),
            rate(current.complaints - previous.complaints,
                previous.complaints).as_('complaints_change'))

    @classmethod
    def _xlsx_dimension(cls):
        return 'month'

    @classmethod
    def _xlsx_fields(cls):
        return super()._xlsx_fields() + [
            'complaints_last_year', 'complaints_change']


class CategoryStatistics(StatisticsMixin):
    __string__ = "Grid Events per Category"
    __name__ = 'civic.event.statistics.category'
    category = fields.Many2One('civic.event.category', "Category")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('events', 'DESC'), ('id', 'ASC')]

    @classmethod
    def _dimension(cls, event):
        return event.category

    @classmethod
    def _row_id(cls, grouped):
        return grouped.dimension

    def get_rec_name(self, name):
        return self.category.rec_name if self.category else ''

    @classmethod
    def _xlsx_dimension(cls):
        return 'category'


class LevelStatistics(StatisticsMixin):
    __string__ = "Grid Events per Level"
    __name__ = 'civic.event.statistics.level'
    level = fields.Selection(LEVELS, "Level", sort=False)
    level_string = level.translated('level')
    timed_out = fields.Integer(
        "Time Limits Passed",
        help="How often a time limit passed at this level and the event "
        "was escalated for it.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'ASC')]

    @classmethod
    def _dimension(cls, event):
        return event.level

    @classmethod
    def grouped_query(cls, complaints_only=False):
        """The events grouped on the level that resolved or holds them,
        with the time limits passed at each level: an event resolved on
        time at the community after its grid's time limit passed counts on
        time for the community and late for the grid"""
        events = event_query(
            lambda event: [('dimension', cls._dimension(event))],
            complaints_only=complaints_only, level_on_time=True)
        rows = Union(
            events.select(events.dimension, events.resolved,
                events.on_time, events.hours, events.rated,
                events.satisfied, events.complaint,
                Literal(1).as_('counted'), Literal(0).as_('timed_out')),
            cls.timeout_query(complaints_only), all_=True)
        return rows.select(
            rows.dimension.as_('dimension'),
            Sum(rows.counted).as_('events'),
            Sum(rows.resolved).as_('resolved'),
            Sum(rows.on_time).as_('on_time'),
            Cast(Avg(rows.hours), 'FLOAT').as_('handling_hours'),
            Sum(rows.rated).as_('rated'),
            Sum(rows.satisfied).as_('satisfied'),
            Sum(rows.complaint).as_('complaints'),
            Sum(rows.timed_out).as_('timed_out'),
            group_by=[rows.dimension])

    @classmethod
    def timeout_query(cls, complaints_only=False):
        "One row per time limit passed, on the level it passed at"
        pool = Pool()
        Event = pool.get('civic.event')
        History = pool.get('civic.event.history')
        event = Event.__table__()
        history = History.__table__()
        where = ((history.action == 'auto_escalate')
            & counted_events(event))
        if complaints_only:
            where &= event.complaint == Literal(True)
        # The history row has the level the event moved up to
        left = Case(*((history.level == above, below)
                for below, above in zip(LEVEL_ORDER, LEVEL_ORDER[1:])),
            else_=Null)
        zero = Literal(0)
        return history.join(event,
            condition=history.event == event.id).select(
            left.as_('dimension'), zero.as_('resolved'),
            zero.as_('on_time'), Cast(Null, 'FLOAT').as_('hours'),
            zero.as_('rated'), zero.as_('satisfied'),
            zero.as_('complaint'), zero.as_('counted'),
            Literal(1).as_('timed_out'),
            where=where)

    @classmethod
    def table_query(cls):
        grouped = cls.grouped_query()
        measures = rated_measures(grouped)
        # Late at a level: resolved late there, or a time limit passed
        on_time_rate = rate(grouped.on_time,
            grouped.resolved + grouped.timed_out).as_('on_time_rate')
        measures = [on_time_rate if getattr(m, 'output_name', None)
            == 'on_time_rate' else m for m in measures]
        return grouped.select(
            Cast(cls._row_id(grouped), cls.id.sql_type().base).as_('id'),
            *(c.as_(n) for n, c in cls._dimension_columns(grouped)),
            *measures, grouped.timed_out.as_('timed_out'))

    @classmethod
    def _xlsx_fields(cls):
        return super()._xlsx_fields() + ['timed_out']

    @classmethod
    def _row_id(cls, grouped):
        return selection_index(grouped.dimension, LEVELS)

    def get_rec_name(self, name):
        return self.level_string

    @classmethod
    def _xlsx_dimension(cls):
        return 'level'


class SourceStatistics(StatisticsMixin):
    __string__ = "Grid Events per Source"
    __name__ = 'civic.event.statistics.source'
    source = fields.Selection(SOURCES, "Source", sort=False)
    source_string = source.translated('source')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'ASC')]

    @classmethod
    def _dimension(cls, event):
        return event.source

    @classmethod
    def _row_id(cls, grouped):
        return selection_index(grouped.dimension, SOURCES)

    def get_rec_name(self, name):
        return self.source_string

    @classmethod
    def _xlsx_dimension(cls):
        return 'source'


class StatisticsXLSX(XLSXReport):
    __string__ = "Grid event statistics in Excel"
    __name__ = 'civic.event.statistics.xlsx'

    @classmethod
    def execute(cls, ids, data):
        """One workbook of every statistic in the context (the period and
        area of the statistics window); data may also give from_date,
        to_date and area"""
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        action, = ActionReport.search([('report_name', '=', cls.__name__)])
        cls.check_access(action, action.model, ids)
        context = {k: v for k, v in (data or {}).items()
            if k in {'from_date', 'to_date', 'area'}}
        with Transaction().set_context(context):
            from_date, to_date = period()
            content = cls.render_xlsx(None)
        name = '-'.join([action.name]
            + [d.isoformat() for d in (from_date, to_date) if d])
        return ('xlsx', content, False, name)

    @classmethod
    def render_xlsx(cls, records):
        pool = Pool()
        return workbook_bytes([pool.get(n).xlsx_sheet() for n in [
                    'civic.event.statistics.month',
                    'civic.event.statistics.category',
                    'civic.event.statistics.level',
                    'civic.event.statistics.source',
                    ]])
