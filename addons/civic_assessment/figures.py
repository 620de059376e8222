# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The figures of the one-click work report: each read from the live data
of an area (and the areas below it) and a period by one SQL query, kept
with the query so that the report's appendix says how it was counted.

A section whose module is not activated is left out."""
import datetime as dt
from collections import namedtuple
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sql import Flavor, Literal, Null
from sql.aggregate import Avg, Count, Sum
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.pool import Pool

from civic_event.statistics import UNCOUNTED_STATES

from .measure import execute, in_tree, installed, moment

Figure = namedtuple('Figure', ['section', 'key', 'label', 'value', 'query'])
# The sections in the report's order, with the model their module brings
SECTIONS = [
    ('grids', 'civic.area'),
    ('forces', 'civic.appointment'),
    ('party', 'civic.party.organisation'),
    ('services', 'civic.volunteer.wish'),
    ('property', 'civic.property.company'),
    ('station', 'civic.station'),
    ('events', 'civic.event'),
    ('points', 'civic.points.line'),
    ]
# The figures that count what happened in the period: all zero, nothing
# happened and there is nothing to report
PERIOD_FIGURES = {
    'visits', 'wishes_posted', 'wishes_fulfilled', 'activities',
    'volunteer_hours', 'meetings', 'property_logs', 'property_complaints',
    'station_visits', 'rider_reports', 'events', 'events_resolved',
    'points_earned', 'points_redeemed'}


def sql_text(query):
    "The query with its parameters written in, for people to read"
    text, params = tuple(query)
    literals = []
    for param in params:
        if isinstance(param, (str, dt.date)):
            literals.append("'%s'" % str(param).replace("'", "''"))
        elif param is None:
            literals.append('NULL')
        else:
            literals.append(str(param))
    if not literals:
        return text
    placeholder = Flavor.get().param
    parts = text.split(placeholder)
    if len(parts) != len(literals) + 1:
        return text
    return ''.join(p + l for p, l in zip(parts, literals + [''])).replace(
        '%%', '%')


class Figures:
    "The figures of area from start to end (excluded)"

    def __init__(self, area, start, end):
        self.area = area
        self.path = area.path
        self.start, self.end = start, end
        self.items = {}

    def add(self, section, key, query):
        rows = execute(query)
        value = rows[0][0] if rows else None
        if value is None:
            value = 0
        if isinstance(value, float):
            value = Decimal(str(value))
        self.items[key] = Figure(section, key,
            gettext(f'civic_assessment.msg_figure_{key}'), value,
            sql_text(query))

    def __getitem__(self, key):
        return self.items[key].value

    def get(self, key, default=0):
        item = self.items.get(key)
        return item.value if item else default

    @property
    def sections(self):
        return [s for s, model in SECTIONS if installed(model)]

    def compute(self):
        for section in self.sections:
            getattr(self, f'read_{section}')()
        return self

    @property
    def empty(self):
        return not any(f.value for f in self.items.values()
            if f.key in PERIOD_FIGURES)

    def in_tree(self, table, area_column, aggregate, where):
        """The query of aggregate over table's rows (or a join's) whose
        area (area_column) is in the report's area and which pass where"""
        area = Pool().get('civic.area').__table__()
        return table.join(area, condition=area_column == area.id).select(
            aggregate, where=in_tree(area, self.path) & where)

    def tables(self, *names):
        pool = Pool()
        return [pool.get(n).__table__() for n in names]

    def level_id(self, code):
        return Pool().get('ir.model.data').get_id(
            'civic_grid', f'level_{code}')

    def read_grids(self):
        area, level = self.tables('civic.area', 'civic.area.level')
        join = area.join(level, condition=area.level == level.id)
        active = in_tree(area, self.path) & (area.active == Literal(True))
        self.add('grids', 'communities', join.select(Count(area.id),
                where=active & (level.code == 'community')))
        grid = active & (level.is_grid == Literal(True)) & (
            level.code != 'micro_grid')
        self.add('grids', 'grids_before', join.select(Count(area.id),
                where=grid & (area.create_date < moment(self.start))))
        self.add('grids', 'grids', join.select(Count(area.id),
                where=grid & (area.create_date < moment(self.end))))
        self.add('grids', 'micro_grids', join.select(Count(area.id),
                where=active & (level.code == 'micro_grid')
                & (area.create_date < moment(self.end))))
        self.read_visits()

    def read_visits(self):
        visit, household = self.tables('civic.visit', 'civic.household')
        visits = visit.join(household,
            condition=visit.household == household.id)
        period = (visit.date >= self.start) & (visit.date < self.end)
        self.add('grids', 'visits', self.in_tree(
                visits, household.area, Count(visit.id), period))
        self.add('grids', 'households_visited', self.in_tree(
                visits, household.area,
                Count(visit.household, distinct=True), period))

    def read_forces(self):
        appointment, role, area = self.tables(
            'civic.appointment', 'civic.role', 'civic.area')
        last = self.end - dt.timedelta(days=1)
        join = appointment.join(role,
            condition=appointment.role == role.id).join(area,
            condition=appointment.area == area.id)
        serving = (in_tree(area, self.path)
            & (appointment.start_date <= last)
            & ((appointment.end_date == Null)
                | (appointment.end_date >= last)))
        for key, category in [('grid_workers', 'grid_worker'),
                ('grid_leaders', 'grid_leader'),
                ('building_leaders', 'building_leader'),
                ('central_households', 'household')]:
            self.add('forces', key, join.select(
                    Count(appointment.party, distinct=True),
                    where=serving & (role.category == category)))
        if installed('civic.party.member_report'):
            report, = self.tables('civic.party.member_report')
            self.add('forces', 'reported_members', self.in_tree(
                    report, report.community,
                    Count(report.member, distinct=True),
                    report.date < self.end))
        if installed('civic.volunteer'):
            volunteer, = self.tables('civic.volunteer')
            self.add('forces', 'volunteers', self.in_tree(
                    volunteer, volunteer.area, Count(volunteer.id),
                    (volunteer.registration_date < self.end)
                    & (volunteer.active == Literal(True))))

    def read_party(self):
        organisation, member, meeting = self.tables(
            'civic.party.organisation', 'civic.party.member',
            'civic.party.meeting')
        active = organisation.active == Literal(True)
        self.add('party', 'organisations', self.in_tree(
                organisation, organisation.area, Count(organisation.id),
                active))
        self.add('party', 'grid_branches', self.in_tree(
                organisation, organisation.area, Count(organisation.id),
                active & organisation.kind.in_(['grid_branch', 'grid_group'])))
        self.add('party', 'members', self.in_tree(member.join(organisation,
                    condition=member.organisation == organisation.id),
                organisation.area, Count(member.id),
                member.active == Literal(True)))
        self.add('party', 'meetings', self.in_tree(
                meeting, meeting.area, Count(meeting.id),
                (meeting.state == 'held') & (meeting.date >= self.start)
                & (meeting.date < self.end)))

    def read_services(self):
        wish, activity, record = self.tables(
            'civic.volunteer.wish', 'civic.volunteer.activity',
            'civic.volunteer.record')
        self.add('services', 'wishes_posted', self.in_tree(
                wish, wish.area, Count(wish.id),
                (wish.published_on >= self.start)
                & (wish.published_on < self.end)))
        self.add('services', 'wishes_fulfilled', self.in_tree(
                wish, wish.area, Count(wish.id),
                (wish.fulfilled_on >= self.start)
                & (wish.fulfilled_on < self.end)))
        self.add('services', 'activities', self.in_tree(
                activity, activity.area, Count(activity.id),
                (activity.state == 'done')
                & (activity.start >= moment(self.start))
                & (activity.start < moment(self.end))))
        self.add('services', 'volunteer_hours', self.in_tree(
                record, record.area, Coalesce(Sum(record.hours), 0),
                (record.date >= self.start) & (record.date < self.end)))

    def read_property(self):
        company, management, compound, log, event = self.tables(
            'civic.property.company', 'civic.property.management',
            'civic.compound', 'civic.property.log', 'civic.event')
        active = company.active == Literal(True)
        self.add('property', 'companies', self.in_tree(
                company, company.area, Count(company.id), active))
        self.add('property', 'companies_with_branch', self.in_tree(
                company, company.area, Count(company.id), active & (
                    (company.party_organisation != Null)
                    | (company.covering_organisation != Null))))
        last = self.end - dt.timedelta(days=1)
        self.add('property', 'compounds_managed', self.in_tree(
                management.join(compound,
                    condition=management.compound == compound.id),
                compound.area, Count(management.compound, distinct=True),
                (management.start_date <= last)
                & ((management.end_date == Null)
                    | (management.end_date >= last))))
        self.add('property', 'property_logs', self.in_tree(
                log.join(compound, condition=log.compound == compound.id),
                compound.area, Count(log.id),
                (log.date >= self.start) & (log.date < self.end)))
        self.add('property', 'property_complaints', self.in_tree(
                event, event.area, Count(event.id),
                (event.property_company != Null)
                & (event.reported_at >= moment(self.start))
                & (event.reported_at < moment(self.end))
                & ~event.state.in_(list(UNCOUNTED_STATES))))

    def read_station(self):
        station, rider, visit, event = self.tables(
            'civic.station', 'civic.station.rider', 'civic.station.visit',
            'civic.event')
        self.add('station', 'stations', self.in_tree(
                station, station.area, Count(station.id),
                station.state != 'closed'))
        self.add('station', 'riders', self.in_tree(
                rider, rider.grid, Count(rider.id),
                rider.active == Literal(True)))
        self.add('station', 'station_visits', self.in_tree(
                visit.join(station, condition=visit.station == station.id),
                station.area, Count(visit.id),
                (visit.visited_at >= moment(self.start))
                & (visit.visited_at < moment(self.end))))
        self.add('station', 'rider_reports', self.in_tree(
                event, event.area, Count(event.id),
                (event.source == 'rider')
                & (event.reported_at >= moment(self.start))
                & (event.reported_at < moment(self.end))
                & ~event.state.in_(list(UNCOUNTED_STATES))))

    def read_events(self):
        event, = self.tables('civic.event')
        counted = ~event.state.in_(list(UNCOUNTED_STATES))

        def count(where):
            return self.in_tree(event, event.area, Count(event.id),
                counted & where)

        def reported(start, end):
            return ((event.reported_at >= moment(start))
                & (event.reported_at < moment(end)))
        resolved = ((event.resolved_at >= moment(self.start))
            & (event.resolved_at < moment(self.end)))
        complaint = event.complaint == Literal(True)
        year = relativedelta(years=1)
        self.add('events', 'events', count(reported(self.start, self.end)))
        self.add('events', 'events_resolved', count(resolved))
        self.add('events', 'events_on_time', count(
                resolved & (event.on_time == Literal(True))))
        self.add('events', 'complaints', count(
                reported(self.start, self.end) & complaint))
        self.add('events', 'complaints_year_before', count(
                reported(self.start - year, self.end - year) & complaint))
        self.add('events', 'satisfaction', self.in_tree(
                event, event.area, Avg(event.satisfaction), counted
                & (event.feedback_at >= moment(self.start))
                & (event.feedback_at < moment(self.end))
                & (event.satisfaction != Null)))

    def read_points(self):
        line, redemption, merchant = self.tables(
            'civic.points.line', 'civic.points.redemption',
            'civic.points.merchant')
        self.add('points', 'points_earned', self.in_tree(
                line, line.area, Coalesce(Sum(line.points), 0),
                (line.state == 'posted') & (line.points > 0)
                & (line.reversal_of == Null)
                & (line.date >= self.start) & (line.date < self.end)))
        redeemed = ((redemption.state == 'redeemed')
            & (redemption.redeemed_at >= moment(self.start))
            & (redemption.redeemed_at < moment(self.end)))
        self.add('points', 'points_redeemed', self.in_tree(
                redemption, redemption.area,
                Coalesce(Sum(redemption.points), 0), redeemed))
        self.add('points', 'vouchers_redeemed', self.in_tree(
                redemption, redemption.area, Count(redemption.id), redeemed))
        self.add('points', 'merchants', self.in_tree(
                merchant, merchant.area, Count(merchant.id),
                merchant.active == Literal(True)))
