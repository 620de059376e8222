# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Service hours per area and month, activities per area and kind (each
counted in its area and every area above), and the XLSX of the hours per
volunteer over a period"""
import datetime as dt
from decimal import Decimal

from sql import Cast, Literal
from sql.aggregate import Count, Sum
from sql.functions import Extract

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView

from civic_grid.rollup import month_columns, rolled_up
from civic_grid.scope import AREA_IN_SCOPE, ScopedWizard, ScopeMixin
from civic_grid.xlsx import labels, workbook_bytes

from .activity import ACTIVITY_KINDS


class HoursMonth(ScopeMixin, ModelSQL, ModelView):
    "Service hours per area (at every level) and month"
    __string__ = "Service Hours per Month"
    __name__ = 'civic.volunteer.hours.month'
    _scope_area = 'area'
    area = fields.Many2One('civic.area', "Area")
    month = fields.Char("Month")
    records = fields.Integer("Service Records")
    volunteers = fields.Integer("Volunteers")
    hours = fields.Numeric("Hours", digits=(16, 1))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # oldest first: the months run from left to right on the graph
        cls._order = [('month', 'ASC'), ('area', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        Record = Pool().get('civic.volunteer.record')
        record = Record.__table__()
        join, area = rolled_up(record, record.area)
        month, key = month_columns(record.date)
        counted = join.select(area.id.as_('area'), month.as_('month'),
            key.as_('month_key'), record.id.as_('record'),
            record.volunteer.as_('volunteer'), record.hours.as_('hours'))
        return counted.select(
            (counted.area * 100000 + counted.month_key).as_('id'),
            counted.area.as_('area'),
            counted.month.as_('month'),
            Count(counted.record).as_('records'),
            Count(counted.volunteer, distinct=True).as_('volunteers'),
            Sum(counted.hours).as_('hours'),
            group_by=[counted.area, counted.month, counted.month_key])


class ActivityKind(ScopeMixin, ModelSQL, ModelView):
    "Activities per area (at every level), year and kind"
    __string__ = "Activities per Kind"
    __name__ = 'civic.volunteer.activity.kind'
    _scope_area = 'area'
    area = fields.Many2One('civic.area', "Area")
    year = fields.Integer("Year")
    kind = fields.Selection(ACTIVITY_KINDS, "Kind")
    activities = fields.Integer("Activities")
    signups = fields.Integer("Sign-ups")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('area', 'ASC'), ('kind', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Activity = pool.get('civic.volunteer.activity')
        Signup = pool.get('civic.volunteer.signup')
        activity = Activity.__table__()
        signup = Signup.__table__()
        held = activity.select(activity.id, activity.area, activity.kind,
            Cast(Extract('YEAR', activity.start), 'INTEGER').as_('year'),
            where=activity.state.in_(['published', 'done']))
        join, area = rolled_up(held, held.area)
        join = join.join(signup, 'LEFT',
            condition=(signup.activity == held.id)
            & signup.state.in_(['registered', 'checked_in', 'checked_out',
                    'confirmed']))
        kinds = [k for k, _ in ACTIVITY_KINDS]
        # one row per area, year and kind: the id combines the three
        kind_number = Literal(0)
        for number, kind in enumerate(kinds, 1):
            kind_number = kind_number + Cast(held.kind == kind,
                'INTEGER') * number
        counted = join.select(area.id.as_('area'), held.year.as_('year'),
            held.kind.as_('kind'), kind_number.as_('kind_number'),
            held.id.as_('activity'), signup.id.as_('signup'))
        return counted.select(
            ((counted.area * 10000 + counted.year) * 100
                + counted.kind_number).as_('id'),
            counted.area.as_('area'),
            counted.year.as_('year'),
            counted.kind.as_('kind'),
            Count(counted.activity, distinct=True).as_('activities'),
            Count(counted.signup).as_('signups'),
            group_by=[counted.area, counted.year, counted.kind,
                counted.kind_number])


class HoursExportStart(ModelView):
    __string__ = "Export Service Hours"
    __name__ = 'civic.volunteer.hours.export.start'
    area = fields.Many2One(
        'civic.area', "Area", required=True, domain=[AREA_IN_SCOPE[0]],
        help="The volunteers serving in this area and below.")
    start = fields.Date("From", required=True)
    end = fields.Date(
        "To", required=True,
        domain=[('end', '>=', Eval('start', None))])


class HoursExportResult(ModelView):
    __string__ = "Export Service Hours"
    __name__ = 'civic.volunteer.hours.export.result'
    file = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)


class HoursExport(ScopedWizard):
    "The hours of each volunteer of an area over a period, as XLSX"
    __string__ = "Export Service Hours"
    __name__ = 'civic.volunteer.hours.export'
    start = StateView(
        'civic.volunteer.hours.export.start',
        'civic_volunteer.hours_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView(
        'civic.volunteer.hours.export.result',
        'civic_volunteer.hours_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        today = dt.date.today()
        context = Transaction().context
        values = {'start': today.replace(month=1, day=1), 'end': today}
        if context.get('active_model') == 'civic.area':
            values['area'] = context.get('active_id')
        return values

    def transition_export(self):
        start = self.start
        self.result.file = hours_workbook(start.area, start.start, start.end)
        self.result.filename = (
            f'{start.area.code}-hours-{start.start}-{start.end}.xlsx')
        return 'result'

    def default_result(self, fields):
        return {'file': self.result.file, 'filename': self.result.filename}


def hours_workbook(area, start, end):
    """One row per volunteer serving in area or below: the records and
    hours of the period, the total hours and the stars"""
    pool = Pool()
    Volunteer = pool.get('civic.volunteer')
    Record = pool.get('civic.volunteer.record')
    Month = pool.get('civic.volunteer.hours.month')
    record = Record.__table__()
    volunteers = Volunteer.search([('area', 'child_of', [area.id], 'parent')],
        order=[('area', 'ASC'), ('id', 'ASC')])
    period = {}
    cursor = Transaction().connection.cursor()
    for sub_ids in (volunteers[i:i + 1000]
            for i in range(0, len(volunteers), 1000)):
        cursor.execute(*record.select(record.volunteer, Count(record.id),
                Sum(record.hours),
                where=record.volunteer.in_([v.id for v in sub_ids])
                & (record.date >= start) & (record.date <= end),
                group_by=[record.volunteer]))
        period.update({v: (c, h) for v, c, h in cursor})
    header = [Volunteer.__names__()['model']] + labels(
        Volunteer, ['area']) + labels(
        Month, ['records', 'hours']) + labels(
        Volunteer, ['hours', 'stars'])
    rows = []
    for volunteer in volunteers:
        count, hours = period.get(volunteer.id, (0, 0))
        rows.append([volunteer.rec_name, volunteer.area.rec_name, count,
                float(Decimal(str(hours or 0))), float(volunteer.hours or 0),
                volunteer.stars])
    return workbook_bytes([(f'{start} - {end}', header, rows)],
        width=[16, 24, 12, 12, 12, 8])
