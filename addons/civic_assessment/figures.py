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

from .measure import execute, in_tree, moment

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


def installed(model):
    try:
        Pool().get(model)
    except KeyError:
        return False
    return True


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
        visit, household, area = self.tables(
            'civic.visit', 'civic.household', 'civic.area')
        join = visit.join(household,
            condition=visit.household == household.id).join(area,
            condition=household.area == area.id)
        where = (in_tree(area, self.path) & (visit.date >= self.start)
            & (visit.date < self.end))
        self.add('grids', 'visits', join.select(Count(visit.id),
                where=where))
        self.add('grids', 'households_visited', join.select(
                Count(visit.household, distinct=True), where=where))

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
            self.add('forces', 'reported_members', report.join(area,
                    condition=report.community == area.id).select(
                    Count(report.member, distinct=True),
                    where=in_tree(area, self.path)
                    & (report.date < self.end)))
        if installed('civic.volunteer'):
            volunteer, = self.tables('civic.volunteer')
            self.add('forces', 'volunteers', volunteer.join(area,
                    condition=volunteer.area == area.id).select(
                    Count(volunteer.id), where=in_tree(area, self.path)
                    & (volunteer.registration_date < self.end)
                    & (volunteer.active == Literal(True))))

    def read_party(self):
        organisation, member, meeting, area = self.tables(
            'civic.party.organisation', 'civic.party.member',
            'civic.party.meeting', 'civic.area')
        join = organisation.join(area,
            condition=organisation.area == area.id)
        active = in_tree(area, self.path) & (
            organisation.active == Literal(True))
        self.add('party', 'organisations', join.select(
                Count(organisation.id), where=active))
        self.add('party', 'grid_branches', join.select(
                Count(organisation.id), where=active
                & (organisation.kind.in_(['grid_branch', 'grid_group']))))
        self.add('party', 'members', member.join(organisation,
                condition=member.organisation == organisation.id).join(area,
                condition=organisation.area == area.id).select(
                Count(member.id), where=in_tree(area, self.path)
                & (member.active == Literal(True))))
        self.add('party', 'meetings', meeting.join(area,
                condition=meeting.area == area.id).select(
                Count(meeting.id), where=in_tree(area, self.path)
                & (meeting.state == 'held') & (meeting.date >= self.start)
                & (meeting.date < self.end)))

    def read_services(self):
        wish, activity, record, area = self.tables(
            'civic.volunteer.wish', 'civic.volunteer.activity',
            'civic.volunteer.record', 'civic.area')
        wishes = wish.join(area, condition=wish.area == area.id)
        self.add('services', 'wishes_posted', wishes.select(
                Count(wish.id), where=in_tree(area, self.path)
                & (wish.published_on >= self.start)
                & (wish.published_on < self.end)))
        self.add('services', 'wishes_fulfilled', wishes.select(
                Count(wish.id), where=in_tree(area, self.path)
                & (wish.fulfilled_on >= self.start)
                & (wish.fulfilled_on < self.end)))
        self.add('services', 'activities', activity.join(area,
                condition=activity.area == area.id).select(
                Count(activity.id), where=in_tree(area, self.path)
                & (activity.state == 'done')
                & (activity.start >= moment(self.start))
                & (activity.start < moment(self.end))))
        self.add('services', 'volunteer_hours', record.join(area,
                condition=record.area == area.id).select(
                Coalesce(Sum(record.hours), 0),
                where=in_tree(area, self.path)
                & (record.date >= self.start) & (record.date < self.end)))

    def read_property(self):
        company, management, compound, log, event, area = self.tables(
            'civic.property.company', 'civic.property.management',
            'civic.compound', 'civic.property.log', 'civic.event',
            'civic.area')
        companies = company.join(area, condition=company.area == area.id)
        active = in_tree(area, self.path) & (company.active == Literal(True))
        self.add('property', 'companies', companies.select(
                Count(company.id), where=active))
        self.add('property', 'companies_with_branch', companies.select(
                Count(company.id), where=active & (
                    (company.party_organisation != Null)
                    | (company.covering_organisation != Null))))
        last = self.end - dt.timedelta(days=1)
        self.add('property', 'compounds_managed', management.join(compound,
                condition=management.compound == compound.id).join(area,
                condition=compound.area == area.id).select(
                Count(management.compound, distinct=True),
                where=in_tree(area, self.path)
                & (management.start_date <= last)
                & ((management.end_date == Null)
                    | (management.end_date >= last))))
        self.add('property', 'property_logs', log.join(compound,
                condition=log.compound == compound.id).join(area,
                condition=compound.area == area.id).select(
                Count(log.id), where=in_tree(area, self.path)
                & (log.date >= self.start) & (log.date < self.end)))
        self.add('property', 'property_complaints', event.join(area,
                condition=event.area == area.id).select(
                Count(event.id), where=in_tree(area, self.path)
                & (event.property_company != Null)
                & (event.reported_at >= moment(self.start))
                & (event.reported_at < moment(self.end))
                & ~event.state.in_(list(UNCOUNTED_STATES))))

    def read_station(self):
        station, rider, visit, event, area = self.tables(
            'civic.station', 'civic.station.rider', 'civic.station.visit',
            'civic.event', 'civic.area')
        self.add('station', 'stations', station.join(area,
                condition=station.area == area.id).select(
                Count(station.id), where=in_tree(area, self.path)
                & (station.state != 'closed')))
        self.add('station', 'riders', rider.join(area,
                condition=rider.grid == area.id).select(
                Count(rider.id), where=in_tree(area, self.path)
                & (rider.active == Literal(True))))
        self.add('station', 'station_visits', visit.join(station,
                condition=visit.station == station.id).join(area,
                condition=station.area == area.id).select(
                Count(visit.id), where=in_tree(area, self.path)
                & (visit.visited_at >= moment(self.start))
                & (visit.visited_at < moment(self.end))))
        self.add('station', 'rider_reports', event.join(area,
                condition=event.area == area.id).select(
                Count(event.id), where=in_tree(area, self.path)
                & (event.source == 'rider')
                & (event.reported_at >= moment(self.start))
                & (event.reported_at < moment(self.end))
                & ~event.state.in_(list(UNCOUNTED_STATES))))

    def read_events(self):
        event, area = self.tables('civic.event', 'civic.area')
        join = event.join(area, condition=event.area == area.id)
        counted = in_tree(area, self.path) & ~event.state.in_(
            list(UNCOUNTED_STATES))

        def reported(start, end):
            return (counted & (event.reported_at >= moment(start))
                & (event.reported_at < moment(end)))
        resolved = (counted & (event.resolved_at >= moment(self.start))
            & (event.resolved_at < moment(self.end)))
        self.add('events', 'events', join.select(Count(event.id),
                where=reported(self.start, self.end)))
        self.add('events', 'events_resolved', join.select(Count(event.id),
                where=resolved))
        self.add('events', 'events_on_time', join.select(Count(event.id),
                where=resolved & (event.on_time == Literal(True))))
        self.add('events', 'complaints', join.select(Count(event.id),
                where=reported(self.start, self.end)
                & (event.complaint == Literal(True))))
        year = relativedelta(years=1)
        self.add('events', 'complaints_year_before', join.select(
                Count(event.id),
                where=reported(self.start - year, self.end - year)
                & (event.complaint == Literal(True))))
        self.add('events', 'satisfaction', join.select(
                Avg(event.satisfaction), where=counted
                & (event.feedback_at >= moment(self.start))
                & (event.feedback_at < moment(self.end))
                & (event.satisfaction != Null)))

    def read_points(self):
        line, redemption, merchant, area = self.tables(
            'civic.points.line', 'civic.points.redemption',
            'civic.points.merchant', 'civic.area')
        self.add('points', 'points_earned', line.join(area,
                condition=line.area == area.id).select(
                Coalesce(Sum(line.points), 0),
                where=in_tree(area, self.path) & (line.state == 'posted')
                & (line.points > 0) & (line.reversal_of == Null)
                & (line.date >= self.start) & (line.date < self.end)))
        redeemed = redemption.join(area,
            condition=redemption.area == area.id)
        where = (in_tree(area, self.path)
            & (redemption.state == 'redeemed')
            & (redemption.redeemed_at >= moment(self.start))
            & (redemption.redeemed_at < moment(self.end)))
        self.add('points', 'points_redeemed', redeemed.select(
                Coalesce(Sum(redemption.points), 0), where=where))
        self.add('points', 'vouchers_redeemed', redeemed.select(
                Count(redemption.id), where=where))
        self.add('points', 'merchants', merchant.join(area,
                condition=merchant.area == area.id).select(
                Count(merchant.id), where=in_tree(area, self.path)
                & (merchant.active == Literal(True))))
