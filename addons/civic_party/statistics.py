# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The Party-building figures of each street and community (and of the
district), rolled up the area tree, as a list, a graph and an XLSX file"""
from sql import Literal, Null
from sql.aggregate import Count

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView

from civic_grid.area import SubtreeTotals, statistics_areas_query
from civic_grid.scope import AREA_IN_SCOPE, ScopedWizard, ScopeMixin
from civic_grid.xlsx import workbook_bytes

from .member import MEMBER_KINDS
from .organisation import BRANCHES, GROUPS

FIGURES = [
    'members', 'in_service_members', 'resident_members', 'retired_members',
    'mobile_members', 'reported_members', 'reported_units',
    'party_households', 'central_households', 'bastion_households',
    'vanguard_households', 'branches', 'functional_branches',
    'cadre_secretaries', 'groups', 'meetings_held', 'projects_done',
    ]


class PartyFigures:
    "The figures of a set of areas, each by one grouped query"

    def __init__(self, area_ids):
        self.area_ids = list(area_ids)
        self.totals = SubtreeTotals(self.area_ids)

    def compute(self):
        values = {}
        values.update(self.members())
        values.update(self.reports())
        values.update(self.households())
        values.update(self.organisations())
        values.update(self.activities())
        return {i: {n: values.get(n, {}).get(i, 0) for n in FIGURES}
            for i in self.area_ids}

    def members(self):
        pool = Pool()
        member = pool.get('civic.party.member').__table__()
        organisation = pool.get('civic.party.organisation').__table__()
        by_kind = self.totals.of_keyed_query(member.join(organisation,
                condition=member.organisation == organisation.id).select(
                organisation.area, member.kind, Count(member.id),
                where=member.active == Literal(True),
                group_by=[organisation.area, member.kind]))
        result = {f'{k}_members': by_kind.get(k, {}) for k, _ in MEMBER_KINDS}
        result['members'] = {i: sum(by_kind.get(k, {}).get(i, 0)
                for k, _ in MEMBER_KINDS) for i in self.area_ids}
        return result

    def reports(self):
        pool = Pool()
        member_report = pool.get('civic.party.member_report').__table__()
        unit_report = pool.get('civic.party.unit_report').__table__()
        return {
            'reported_members': self.totals.of_query(member_report.select(
                    member_report.community,
                    Count(member_report.member, distinct=True),
                    where=member_report.state != 'ended',
                    group_by=[member_report.community])),
            'reported_units': self.totals.of_query(unit_report.select(
                    unit_report.community,
                    Count(unit_report.unit, distinct=True),
                    where=unit_report.state != 'ended',
                    group_by=[unit_report.community])),
            }

    def households(self):
        household = Pool().get('civic.household').__table__()
        by_kind = self.totals.of_keyed_query(household.select(
                household.area, household.party_kind, Count(household.id),
                where=(household.party_kind != Null)
                & (household.active == Literal(True)),
                group_by=[household.area, household.party_kind]))
        result = {f'{k}_households': by_kind.get(k, {})
            for k in ('central', 'bastion', 'vanguard')}
        result['party_households'] = {i: sum(by_kind.get(k, {}).get(i, 0)
                for k in by_kind) for i in self.area_ids}
        return result

    def organisations(self):
        pool = Pool()
        Appointment = pool.get('civic.appointment')
        organisation = pool.get('civic.party.organisation').__table__()
        appointment = Appointment.__table__()
        role = pool.get('civic.role').__table__()
        member = pool.get('civic.party.member').__table__()
        by_kind = self.totals.of_keyed_query(organisation.select(
                organisation.area, organisation.kind, Count(organisation.id),
                where=organisation.active == Literal(True),
                group_by=[organisation.area, organisation.kind]))
        # functional branches whose secretary is an in-service member
        cadres = self.totals.of_query(organisation.join(appointment,
                condition=appointment.party_organisation == organisation.id
                ).join(role, condition=appointment.role == role.id
                ).join(member, condition=member.party == appointment.party
                ).select(organisation.area,
                Count(organisation.id, distinct=True),
                where=(organisation.kind == 'functional_branch')
                & (organisation.active == Literal(True))
                & (appointment.state == 'active')
                & (role.category == 'secretary')
                & (member.kind == 'in_service'),
                group_by=[organisation.area]))

        def total(kinds):
            return {i: sum(by_kind.get(k, {}).get(i, 0) for k in kinds)
                for i in self.area_ids}
        return {
            'branches': total(BRANCHES),
            'functional_branches': total({'functional_branch'}),
            'groups': total(GROUPS),
            'cadre_secretaries': cadres,
            }

    def activities(self):
        pool = Pool()
        meeting = pool.get('civic.party.meeting').__table__()
        project = pool.get('civic.party.project').__table__()
        committee = pool.get('civic.party.committee').__table__()
        return {
            'meetings_held': self.totals.of_query(meeting.select(
                    meeting.area, Count(meeting.id),
                    where=meeting.state == 'held',
                    group_by=[meeting.area])),
            'projects_done': self.totals.of_query(project.join(committee,
                    condition=project.committee == committee.id).select(
                    committee.community, Count(project.id),
                    where=project.state == 'done',
                    group_by=[committee.community])),
            }


def figure_field(string):
    return fields.Function(fields.Integer(string), 'get_figures')


class Statistics(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Party Building Statistics"
    __name__ = 'civic.party.statistics'
    _scope_area = 'area'
    area = fields.Many2One('civic.area', "Area")
    level = fields.Many2One('civic.area.level', "Level")
    path = fields.Char("Path")
    members = figure_field("Party Members")
    in_service_members = figure_field("In-service")
    resident_members = figure_field("Resident")
    retired_members = figure_field("Retired")
    mobile_members = figure_field("Mobile")
    reported_members = figure_field("Members Reported")
    reported_units = figure_field("Units Reported")
    party_households = figure_field("Party-member Households")
    central_households = figure_field("Central Households")
    bastion_households = figure_field("Bastion Households")
    vanguard_households = figure_field("Vanguard Households")
    branches = figure_field("Party Branches")
    functional_branches = figure_field("Functional Branches")
    cadre_secretaries = figure_field("In-service Cadres as Secretaries")
    groups = figure_field("Party Groups")
    meetings_held = figure_field("Meetings Held")
    projects_done = figure_field("Projects Done")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # the district, then each street followed by its communities
        cls._order = [('path', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        return statistics_areas_query()

    def get_rec_name(self, name):
        return self.area.rec_name

    @classmethod
    def get_figures(cls, records, names):
        figures = PartyFigures([r.id for r in records]).compute()
        return {n: {i: f[n] for i, f in figures.items()} for n in names}


class ExportStart(ModelView):
    __string__ = "Export Party Building Statistics"
    __name__ = 'civic.party.statistics.export.start'
    area = fields.Many2One(
        'civic.area', "Area", required=True,
        domain=[('level.is_grid', '=', False), AREA_IN_SCOPE[0]],
        help="The figures of this area and of every street and community "
        "below it are exported.")


class ExportResult(ModelView):
    __string__ = "Export Party Building Statistics"
    __name__ = 'civic.party.statistics.export.result'
    file = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)


class Export(ScopedWizard):
    __string__ = "Export Party Building Statistics"
    __name__ = 'civic.party.statistics.export'
    start = StateView(
        'civic.party.statistics.export.start',
        'civic_party.statistics_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView(
        'civic.party.statistics.export.result',
        'civic_party.statistics_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        context = Transaction().context
        if context.get('active_model') == 'civic.party.statistics':
            return {'area': context.get('active_id')}
        return {}

    def transition_export(self):
        self.result.file = statistics_workbook(self.start.area)
        self.result.filename = f'{self.start.area.code}-party.xlsx'
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'filename': self.result.filename,
            }


def statistics_workbook(root):
    "The XLSX of the figures of root and the streets and communities below"
    pool = Pool()
    Area = pool.get('civic.area')
    Statistics = pool.get('civic.party.statistics')
    areas = Area.search([
            ('parent', 'child_of', [root.id]),
            ('level.is_grid', '=', False),
            ], order=[('path', 'ASC')])
    figures = PartyFigures([a.id for a in areas]).compute()
    strings = {n: f['string']
        for n, f in Statistics.fields_get(FIGURES).items()}
    area_strings = {n: f['string']
        for n, f in Area.fields_get(['code', 'name', 'level']).items()}
    return workbook_bytes([(Statistics.__names__()['model'],
                [area_strings['code'], area_strings['name'],
                    area_strings['level']] + [strings[n] for n in FIGURES],
                [[a.code, a.name, a.level.name]
                    + [figures[a.id][n] for n in FIGURES] for a in areas])],
        width=14)
