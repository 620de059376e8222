# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The stations' figures month by month: visits, services used and riders
per station; and per area (each counted in its area and every area above)
with the riders' reports and the points they earned; the XLSX of a period"""
import datetime as dt

from sql import Cast, Literal, Null, Union
from sql.aggregate import Count, Sum
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView

from civic_grid import clock
from civic_grid.rollup import month_columns, rolled_up
from civic_grid.scope import AREA_IN_SCOPE, ScopedWizard, ScopeMixin
from civic_grid.xlsx import labels, workbook_bytes

from .exceptions import StationError


class StationMonth(ScopeMixin, ModelSQL, ModelView):
    "Visits, services and riders per station and month"
    __string__ = "Station Visits per Month"
    __name__ = 'civic.station.month'
    _scope_area = 'station.area'
    station = fields.Many2One('civic.station', "Station")
    area = fields.Many2One('civic.area', "Area")
    month = fields.Char("Month")
    visits = fields.Integer("Visits")
    services = fields.Integer("Services Used")
    riders = fields.Integer("Riders")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # oldest first: the months run from left to right on the graph
        cls._order = [('month', 'ASC'), ('station', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        visit = pool.get('civic.station.visit').__table__()
        service = pool.get(
            'civic.station.visit-civic.station.facility').__table__()
        station = pool.get('civic.station').__table__()
        month, key = month_columns(visit.visited_at)
        used = service.select(service.visit, Count(Literal(1)).as_('used'),
            group_by=[service.visit])
        rows = visit.join(station, condition=visit.station == station.id
            ).join(used, 'LEFT', condition=used.visit == visit.id
            ).select(visit.station.as_('station'),
                station.area.as_('area'), month.as_('month'),
                key.as_('month_key'), visit.rider.as_('rider'),
                Coalesce(used.used, 0).as_('used'))
        return rows.select(
            (rows.station * 100000 + rows.month_key).as_('id'),
            rows.station.as_('station'),
            rows.area.as_('area'),
            rows.month.as_('month'),
            Count(Literal(1)).as_('visits'),
            # PostgreSQL sums the counts (BIGINT) as NUMERIC: a Decimal
            Cast(Sum(rows.used), 'INTEGER').as_('services'),
            Count(rows.rider, distinct=True).as_('riders'),
            group_by=[rows.station, rows.area, rows.month, rows.month_key])


class AreaMonth(ScopeMixin, ModelSQL, ModelView):
    "The stations' figures and the riders' reports per area and month"
    __string__ = "Care Stations per Area and Month"
    __name__ = 'civic.station.area.month'
    _scope_area = 'area'
    area = fields.Many2One('civic.area', "Area")
    month = fields.Char("Month")
    stations = fields.Integer("Stations Visited")
    visits = fields.Integer("Visits")
    services = fields.Integer("Services Used")
    riders = fields.Integer("Riders")
    reports = fields.Integer("Rider Reports")
    points = fields.Integer("Points Earned")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'ASC'), ('area', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        visit = pool.get('civic.station.visit').__table__()
        service = pool.get(
            'civic.station.visit-civic.station.facility').__table__()
        station = pool.get('civic.station').__table__()
        event = pool.get('civic.event').__table__()
        line = pool.get('civic.points.line').__table__()
        none = Literal(None)
        zero = Literal(0)

        visits = visit.join(station, condition=visit.station == station.id)
        join, area = rolled_up(visits, station.area)
        month, key = month_columns(visit.visited_at)
        visit_rows = join.select(area.id.as_('area'), month.as_('month'),
            key.as_('month_key'), visit.station.as_('station'),
            visit.id.as_('visit'), visit.rider.as_('rider'),
            zero.as_('service'), zero.as_('report'), zero.as_('points'))

        used = service.join(visit, condition=service.visit == visit.id
            ).join(station, condition=visit.station == station.id)
        join, area = rolled_up(used, station.area)
        service_rows = join.select(area.id, month, key, none, none, none,
            Literal(1), zero, zero)

        reports = event.join(line, 'LEFT',
            condition=event.points_line == line.id)
        join, area = rolled_up(reports, event.area)
        month, key = month_columns(event.reported_at)
        report_rows = join.select(area.id, month, key, none, none, none,
            zero, Literal(1), Coalesce(line.points, 0),
            where=(event.source == 'rider') & (event.state != 'duplicate'))

        rows = Union(visit_rows, service_rows, report_rows, all_=True)
        return rows.select(
            (rows.area * 100000 + rows.month_key).as_('id'),
            rows.area.as_('area'),
            rows.month.as_('month'),
            Count(rows.station, distinct=True).as_('stations'),
            Count(rows.visit).as_('visits'),
            Sum(rows.service).as_('services'),
            Count(rows.rider, distinct=True).as_('riders'),
            Sum(rows.report).as_('reports'),
            Sum(rows.points).as_('points'),
            group_by=[rows.area, rows.month, rows.month_key])


class ExportStart(ModelView):
    __string__ = "Export Station Statistics"
    __name__ = 'civic.station.export.start'
    area = fields.Many2One(
        'civic.area', "Area", required=True, domain=[AREA_IN_SCOPE[0]],
        help="The stations of this area and below.")
    start = fields.Date("From", required=True)
    end = fields.Date(
        "To", required=True,
        domain=[('end', '>=', Eval('start', None))])


class ExportResult(ModelView):
    __string__ = "Export Station Statistics"
    __name__ = 'civic.station.export.result'
    file = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)


class Export(ScopedWizard):
    "Each station of an area over a period, and the area's months, as XLSX"
    __string__ = "Export Station Statistics"
    __name__ = 'civic.station.export'
    start = StateView(
        'civic.station.export.start',
        'civic_station.export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView(
        'civic.station.export.result',
        'civic_station.export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        today = clock.today()
        context = Transaction().context
        values = {'start': today.replace(month=1, day=1), 'end': today}
        if context.get('active_model') == 'civic.area':
            values['area'] = context.get('active_id')
        return values

    def transition_export(self):
        start = self.start
        if start.end < start.start:
            raise StationError(gettext('civic_station.msg_export_period'))
        self.result.file = statistics_workbook(
            start.area, start.start, start.end)
        self.result.filename = (
            f'{start.area.code}-stations-{start.start}-{start.end}.xlsx')
        return 'result'

    def default_result(self, fields):
        return {'file': self.result.file, 'filename': self.result.filename}


def statistics_workbook(area, start, end):
    """Two sheets: one row per station of area and below with the visits,
    services and riders of the period; one row per month with the area's
    figures"""
    pool = Pool()
    Station = pool.get('civic.station')
    StationMonth = pool.get('civic.station.month')
    AreaMonth = pool.get('civic.station.area.month')
    first, last = f'{start:%Y-%m}', f'{end:%Y-%m}'
    stations = Station.search([('area', 'child_of', [area.id], 'parent')],
        order=[('code', 'ASC'), ('id', 'ASC')])
    figures = {}
    visit = pool.get('civic.station.visit').__table__()
    cursor = Transaction().connection.cursor()
    begin = dt.datetime.combine(start, dt.time())
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    for i in range(0, len(stations), 1000):
        ids = [s.id for s in stations[i:i + 1000]]
        cursor.execute(*visit.select(visit.station, Count(Literal(1)),
                Count(visit.rider, distinct=True),
                where=visit.station.in_(ids) & (visit.visited_at >= begin)
                & (visit.visited_at < finish),
                group_by=[visit.station]))
        figures.update({s: (v, r) for s, v, r in cursor})
    services = services_per_station(stations, begin, finish)
    station_header = labels(Station, ['code', 'name', 'area', 'state']) + (
        labels(StationMonth, ['visits', 'services', 'riders']))
    station_rows = [[s.code, s.name, s.area.rec_name, s.state_string,
            figures.get(s.id, (0, 0))[0], services.get(s.id, 0),
            figures.get(s.id, (0, 0))[1]] for s in stations]
    months = AreaMonth.search([('area', '=', area.id),
            ('month', '>=', first), ('month', '<=', last)])
    names = ['month', 'stations', 'visits', 'services', 'riders',
        'reports', 'points']
    month_rows = [[getattr(m, n) for n in names] for m in months]
    return workbook_bytes([
            (Station.__names__()['model'], station_header, station_rows),
            (area.rec_name, labels(AreaMonth, names), month_rows),
            ])


def services_per_station(stations, begin, finish):
    pool = Pool()
    visit = pool.get('civic.station.visit').__table__()
    service = pool.get(
        'civic.station.visit-civic.station.facility').__table__()
    cursor = Transaction().connection.cursor()
    result = {}
    for i in range(0, len(stations), 1000):
        ids = [s.id for s in stations[i:i + 1000]]
        cursor.execute(*service.join(visit,
                condition=service.visit == visit.id
                ).select(visit.station, Count(Literal(1)),
                where=visit.station.in_(ids) & (visit.visited_at >= begin)
                & (visit.visited_at < finish) & (service.facility != Null),
                group_by=[visit.station]))
        result.update(dict(cursor))
    return result
