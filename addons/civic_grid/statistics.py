# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
import datetime as dt

from sql import Cast, Literal, Union
from sql.aggregate import Count

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView

from .area import (
    SubtreeTotals, areas_with_levels, grid_targets_query,
    household_counts_query, percent, resident_counts_query,
    statistics_areas_query)
from .scope import AREA_IN_SCOPE, ScopedWizard, ScopeMixin
from .xlsx import workbook_bytes

FIGURES = [
    'grid_count', 'target_households', 'households', 'household_coverage',
    'residents', 'key_group_residents', 'leaders', 'visited_households',
    'visit_coverage',
    ]
DIMENSIONS = [
    ('level', "Grids per Level"),
    ('role', "Appointments per Role"),
    ('key_group', "Residents per Key Group"),
    ]
VISIT_DAYS = 365


class AreaFigures:
    "All figures of a set of areas, each computed by one grouped query"

    def __init__(self, area_ids):
        self.area_ids = list(area_ids)
        self.totals = SubtreeTotals(self.area_ids)

    def compute(self):
        pool = Pool()
        Area = pool.get('civic.area')
        Household = pool.get('civic.household')
        Party = pool.get('party.party')
        PartyKeyGroup = pool.get('party.party-civic.key.group')
        Appointment = pool.get('civic.appointment')
        Visit = pool.get('civic.visit')
        area, level, areas = areas_with_levels()
        household = Household.__table__()
        party = Party.__table__()
        party_key_group = PartyKeyGroup.__table__()
        appointment = Appointment.__table__()
        visit = Visit.__table__()
        true = Literal(True)

        per_level = self.totals.of_keyed_query(
            areas.select(
                area.id, area.level, Count(area.id),
                where=(level.is_grid == true) & (area.active == true),
                group_by=[area.id, area.level]))
        households = self.totals.of_query(household_counts_query())
        residents = self.totals.of_query(resident_counts_query())
        key_group_join = party_key_group.join(party,
            condition=party_key_group.party == party.id
            ).join(household, condition=party.household == household.id)
        per_key_group = self.totals.of_keyed_query(key_group_join.select(
                household.area, party_key_group.key_group,
                Count(party_key_group.id),
                where=(party.active == true) & (household.active == true),
                group_by=[household.area, party_key_group.key_group]))
        key_group_residents = self.totals.of_query(key_group_join.select(
                household.area, Count(party.id, distinct=True),
                where=(party.active == true) & (household.active == true),
                group_by=[household.area]))
        per_role = self.totals.of_keyed_query(appointment.select(
                appointment.area, appointment.role, Count(appointment.id),
                where=appointment.state == 'active',
                group_by=[appointment.area, appointment.role]))
        since = pool.get('ir.date').today() - dt.timedelta(days=VISIT_DAYS)
        visited = self.totals.of_query(visit.join(household,
                condition=visit.household == household.id).select(
                household.area, Count(visit.household, distinct=True),
                where=visit.date >= since,
                group_by=[household.area]))

        grid_targets = self.totals.of_query(grid_targets_query())
        targets = {a.id: a.target_households or grid_targets[a.id]
            for a in Area.browse(self.area_ids)}
        figures = {}
        for area_id in self.area_ids:
            figures[area_id] = {
                'grid_count': sum(v[area_id] for v in per_level.values()),
                'target_households': targets[area_id],
                'households': households[area_id],
                'household_coverage': percent(
                    households[area_id], targets[area_id]),
                'residents': residents[area_id],
                'key_group_residents': key_group_residents[area_id],
                'leaders': sum(v[area_id] for v in per_role.values()),
                'visited_households': visited[area_id],
                'visit_coverage': percent(
                    visited[area_id], households[area_id]),
                'level': {k: v[area_id] for k, v in per_level.items()},
                'role': {k: v[area_id] for k, v in per_role.items()},
                'key_group': {
                    k: v[area_id] for k, v in per_key_group.items()},
                }
        return figures


class AreaStatistics(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Area Statistics"
    __name__ = 'civic.area.statistics'
    _scope_area = 'area'
    area = fields.Many2One('civic.area', "Area")
    parent = fields.Many2One('civic.area', "Parent Area")
    level = fields.Many2One('civic.area.level', "Level")
    grid_count = fields.Function(fields.Integer("Grids"), 'get_figures')
    target_households = fields.Function(
        fields.Integer("Target Households"), 'get_figures')
    households = fields.Function(
        fields.Integer("Households"), 'get_figures')
    household_coverage = fields.Function(
        fields.Numeric("Household Coverage (%)", digits=(5, 1)),
        'get_figures')
    residents = fields.Function(fields.Integer("Residents"), 'get_figures')
    key_group_residents = fields.Function(
        fields.Integer("Key-group Residents"), 'get_figures')
    leaders = fields.Function(
        fields.Integer("Active Appointments"), 'get_figures')
    visited_households = fields.Function(
        fields.Integer("Households Visited (12 months)"), 'get_figures')
    visit_coverage = fields.Function(
        fields.Numeric("Visit Coverage (%)", digits=(5, 1)), 'get_figures')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('area.path', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        return statistics_areas_query()

    def get_rec_name(self, name):
        return self.area.rec_name

    @classmethod
    def get_figures(cls, records, names):
        figures = AreaFigures([r.id for r in records]).compute()
        return {n: {i: f[n] for i, f in figures.items()} for n in names}


# The items of each dimension of the breakdown
BREAKDOWN_MODELS = {
    'level': 'civic.area.level',
    'role': 'civic.role',
    'key_group': 'civic.key.group',
    }


class AreaBreakdown(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Area Breakdown"
    __name__ = 'civic.area.breakdown'
    _scope_area = 'area'
    area = fields.Many2One('civic.area', "Area")
    dimension = fields.Selection(DIMENSIONS, "Dimension")
    item = fields.Function(
        fields.Char("Item"), 'get_item', searcher='search_item')
    item_id = fields.Integer("Item ID")
    value = fields.Function(fields.Integer("Value"), 'get_value')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('area', 'ASC'), ('dimension', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        area, level, query = areas_with_levels()
        where = ((level.is_grid == Literal(False))
            & (area.active == Literal(True)))
        selects = []
        for index, (dimension, model) in enumerate(
                BREAKDOWN_MODELS.items()):
            item = pool.get(model).__table__()
            item_where = where & (item.active == Literal(True))
            if dimension == 'level':
                item_where &= item.is_grid == Literal(True)
            # One id per (area, dimension, item); items stay below 10,000.
            selects.append(query.join(item, condition=Literal(True)).select(
                    (Cast(area.id, 'BIGINT') * 100000 + index * 10000
                        + item.id).as_('id'),
                    area.create_uid.as_('create_uid'),
                    area.create_date.as_('create_date'),
                    area.write_uid.as_('write_uid'),
                    area.write_date.as_('write_date'),
                    area.id.as_('area'),
                    Literal(dimension).as_('dimension'),
                    item.id.as_('item_id'),
                    where=item_where))
        return Union(*selects, all_=True)

    @classmethod
    def get_item(cls, records, name):
        "The item's name in the user's language (the column holds English)"
        pool = Pool()
        names = {}
        for dimension, model in BREAKDOWN_MODELS.items():
            ids = {r.item_id for r in records if r.dimension == dimension}
            Model = pool.get(model)
            with Transaction().set_context(active_test=False):
                names[dimension] = {
                    i.id: i.name for i in Model.browse(list(ids))}
        return {r.id: names[r.dimension].get(r.item_id) for r in records}

    @classmethod
    def search_item(cls, name, clause):
        pool = Pool()
        _, operator, operand, *extra = clause
        domain = ['OR']
        for dimension, model in BREAKDOWN_MODELS.items():
            with Transaction().set_context(active_test=False):
                items = pool.get(model).search(
                    [('name', operator, operand, *extra)], order=[])
            domain.append([('dimension', '=', dimension),
                    ('item_id', 'in', [i.id for i in items])])
        return domain

    @classmethod
    def get_value(cls, records, name):
        figures = AreaFigures({r.area.id for r in records}).compute()
        return {r.id: figures[r.area.id][r.dimension].get(r.item_id, 0)
            for r in records}


class ExportStart(ModelView):
    __string__ = "Export Area Statistics"
    __name__ = 'civic.area.statistics.export.start'
    area = fields.Many2One(
        'civic.area', "Area", required=True,
        domain=[('level.is_grid', '=', False), AREA_IN_SCOPE[0]],
        help="The figures of this area and of every street and community "
        "below it are exported.")


class ExportResult(ModelView):
    __string__ = "Export Area Statistics"
    __name__ = 'civic.area.statistics.export.result'
    file = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)


class Export(ScopedWizard):
    __string__ = "Export Area Statistics"
    __name__ = 'civic.area.statistics.export'
    start = StateView(
        'civic.area.statistics.export.start',
        'civic_grid.statistics_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView(
        'civic.area.statistics.export.result',
        'civic_grid.statistics_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        context = Transaction().context
        if context.get('active_model') == 'civic.area.statistics':
            return {'area': context.get('active_id')}
        return {}

    def transition_export(self):
        self.result.file = statistics_workbook(self.start.area)
        self.result.filename = f'{self.start.area.code}-statistics.xlsx'
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'filename': self.result.filename,
            }


def statistics_workbook(root):
    "Return the XLSX of the figures of root and the areas below it"
    pool = Pool()
    Area = pool.get('civic.area')
    Statistics = pool.get('civic.area.statistics')
    Level = pool.get('civic.area.level')
    Role = pool.get('civic.role')
    KeyGroup = pool.get('civic.key.group')
    areas = Area.search([
            ('parent', 'child_of', [root.id]),
            ('level.is_grid', '=', False),
            ], order=[('path', 'ASC')])
    figures = AreaFigures([a.id for a in areas]).compute()

    # fields_get gives the labels in the user's language
    strings = {n: f['string']
        for n, f in Statistics.fields_get(FIGURES).items()}
    area_strings = {n: f['string']
        for n, f in Area.fields_get(['code', 'name', 'level']).items()}
    figure_names = [(n, strings[n]) for n in FIGURES]
    sheets = [(Statistics.__names__()['model'],
            [area_strings['code'], area_strings['name'], area_strings['level']]
            + [s for _, s in figure_names],
            [[a.code, a.name, a.level.name]
                + [as_number(figures[a.id][n]) for n, _ in figure_names]
                for a in areas])]
    for dimension, title in DIMENSIONS:
        Model = {'level': Level, 'role': Role, 'key_group': KeyGroup}[
            dimension]
        domain = [('is_grid', '=', True)] if dimension == 'level' else []
        items = Model.search(domain)
        sheets.append((dict(dimension_labels())[dimension],
                [area_strings['code'], area_strings['name']]
                + [i.name for i in items],
                [[a.code, a.name]
                    + [figures[a.id][dimension].get(i.id, 0) for i in items]
                    for a in areas]))
    return workbook_bytes(sheets, width=14)


def dimension_labels():
    "The dimension labels in the user's language"
    Breakdown = Pool().get('civic.area.breakdown')
    return Breakdown.fields_get(['dimension'])['dimension']['selection']


def as_number(value):
    return float(value) if value is not None else None
