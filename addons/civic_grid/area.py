# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from collections import defaultdict
from decimal import Decimal

from sql import Literal, Null
from sql.aggregate import Count
from sql.conditionals import Coalesce

from trytond.backend import MAX_QUERY_PARAMS
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields, tree)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import LevelError
from .scope import CONFIGURATION, ScopeMixin, user_scope_areas
from .sensitive import PhoneFieldsMixin

AREA_KINDS = [
    ('residential', "Residential"),
    ('commercial', "Commercial"),
    ('enterprise', "Enterprise"),
    ('school', "School"),
    ('market', "Market"),
    ('hospital', "Hospital"),
    ('institution', "Institution"),
    ('bungalow', "Bungalow Area"),
    ]


class AreaLevel(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Area Level"
    __name__ = 'civic.area.level'
    _scope_area = CONFIGURATION
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    sequence = fields.Integer(
        "Depth", required=True,
        help="Lower numbers are higher in the tree: "
        "a child's depth must be greater than its parent's.")
    is_grid = fields.Boolean(
        "Grid", help="Check for the grid levels below a community.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'civic_grid.msg_level_code_unique'),
            ]
        cls._order = [('sequence', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_is_grid(cls):
        return False


class Area(
        PhoneFieldsMixin, ScopeMixin, DeactivableMixin, tree(), ModelSQL,
        ModelView):
    "Area"
    __name__ = 'civic.area'
    _phone_fields = ('phone',)
    _scope_area = 'id'
    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True)
    level = fields.Many2One(
        'civic.area.level', "Level", required=True, ondelete='RESTRICT')
    parent = fields.Many2One(
        'civic.area', "Parent", path='path', ondelete='RESTRICT',
        domain=[('id', '!=', Eval('id', -1))])
    path = fields.Char("Path", readonly=True)
    in_my_scope = fields.Function(
        fields.Boolean("In My Scope"), 'get_in_my_scope',
        searcher='search_in_my_scope')
    children = fields.One2Many('civic.area', 'parent', "Children")
    kind = fields.Selection(AREA_KINDS, "Kind", required=True)
    is_grid = fields.Function(fields.Boolean("Grid"), 'get_is_grid')
    target_households = fields.Integer(
        "Target Households",
        help="The households the area is meant to serve.")
    households = fields.Function(
        fields.Integer("Households"), 'get_figures')
    residents = fields.Function(fields.Integer("Residents"), 'get_figures')
    coverage = fields.Function(
        fields.Numeric("Coverage (%)", digits=(5, 1),
            help="Registered households as a share of the target."),
        'get_figures')
    phone = fields.Char("Service Phone")
    notes = fields.Text("Notes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'civic_grid.msg_area_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (Coalesce(t.path, ''),
                        Index.Similarity(begin=True))),
                Index(t, (t.parent, Index.Range())),
                Index(t, (t.level, Index.Equality(cardinality='low'))),
                })
        cls._order = [('path', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_kind(cls):
        return 'residential'

    @classmethod
    def get_in_my_scope(cls, areas, name):
        ids = [a.id for a in areas]
        with Transaction().set_context(active_test=False):
            mine = {a.id for a in cls.search(
                    [('id', 'in', ids), ('in_my_scope', '=', True)],
                    order=[])}
        return {i: i in mine for i in ids}

    @classmethod
    def search_in_my_scope(cls, name, clause):
        _, operator, value = clause[:3]
        areas = user_scope_areas()
        if areas is None:
            domain = [('id', '!=', None)]
        else:
            above = {i for a in cls.browse(areas)
                for i in path_ids(a.id, a.path)}
            domain = ['OR',
                ('id', 'in', list(above)),
                ('parent', 'child_of', areas, 'parent'),
                ]
        if (operator == '=') == bool(value):
            return domain
        return [('id', 'not in', cls.search(domain, order=[], query=True))]

    def get_rec_name(self, name):
        # Grid names repeat from one parent to the next: the code tells them
        # apart
        return f'{self.name} [{self.code}]'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]

    def get_is_grid(self, name):
        return bool(self.level and self.level.is_grid)

    @classmethod
    def validate_fields(cls, areas, field_names):
        super().validate_fields(areas, field_names)
        if field_names & {'level', 'parent'}:
            cls.check_levels(areas)

    @classmethod
    def check_levels(cls, areas):
        for area in areas:
            parent = area.parent
            if parent and area.level.sequence <= parent.level.sequence:
                raise LevelError(gettext(
                        'civic_grid.msg_area_level_above_parent',
                        area=area.rec_name, level=area.level.rec_name,
                        parent=parent.rec_name,
                        parent_level=parent.level.rec_name))
            for child in area.children:
                if child.level.sequence <= area.level.sequence:
                    raise LevelError(gettext(
                            'civic_grid.msg_area_level_above_parent',
                            area=child.rec_name, level=child.level.rec_name,
                            parent=area.rec_name,
                            parent_level=area.level.rec_name))

    @classmethod
    def get_figures(cls, areas, names):
        ids = [a.id for a in areas]
        totals = SubtreeTotals(ids)
        result = {}
        households = totals.of_query(household_counts_query())
        if 'households' in names:
            result['households'] = {i: households[i] for i in ids}
        if 'residents' in names:
            residents = totals.of_query(resident_counts_query())
            result['residents'] = {i: residents[i] for i in ids}
        if 'coverage' in names:
            targets = totals.of_query(grid_targets_query())
            result['coverage'] = {
                a.id: percent(households[a.id],
                    a.target_households or targets[a.id])
                for a in areas}
        return result


def path_ids(area_id, path):
    "The ids of the area and of the areas above it, from its materialized path"
    return [int(a) for a in (path or '').split('/') if a] or [area_id]


def household_counts_query():
    "(grid id, active households) rows"
    household = Pool().get('civic.household').__table__()
    return household.select(household.area, Count(household.id),
        where=household.active == Literal(True),
        group_by=[household.area])


def resident_counts_query():
    "(grid id, active residents of active households) rows"
    pool = Pool()
    household = pool.get('civic.household').__table__()
    party = pool.get('party.party').__table__()
    return party.join(household,
        condition=party.household == household.id).select(
        household.area, Count(party.id),
        where=(party.active == Literal(True))
        & (household.active == Literal(True)),
        group_by=[household.area])


def areas_with_levels():
    "Return the area and level tables and their join"
    pool = Pool()
    area = pool.get('civic.area').__table__()
    level = pool.get('civic.area.level').__table__()
    return area, level, area.join(level, condition=area.level == level.id)


def statistics_areas_query():
    """The rows of a statistics model: the active areas above the grids
    (the district, its streets and communities), id and area the area's"""
    area, level, query = areas_with_levels()
    return query.select(
        area.id.as_('id'),
        area.create_uid.as_('create_uid'),
        area.create_date.as_('create_date'),
        area.write_uid.as_('write_uid'),
        area.write_date.as_('write_date'),
        area.id.as_('area'),
        area.parent.as_('parent'),
        area.level.as_('level'),
        area.path.as_('path'),
        where=(level.is_grid == Literal(False))
        & (area.active == Literal(True)))


def grid_targets_query():
    "(area id, target households) of the grids that have a target"
    area, level, query = areas_with_levels()
    return query.select(
        area.id, area.target_households,
        where=(level.is_grid == Literal(True))
        & (area.target_households != Null)
        & (area.active == Literal(True)))


def percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal('0.1'))


class SubtreeTotals:
    """Add up values known per area to the totals of chosen areas' subtrees.

    Values are counted per area in SQL, then added up the tree along each
    area's materialized path, so one grouped query serves any number of
    areas."""

    def __init__(self, area_ids):
        self.wanted = set(area_ids)
        self._ancestors = {}

    def of_query(self, query):
        "Totals of a query selecting (area id, value) rows"
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        return self.of_values(dict(cursor))

    def of_keyed_query(self, query):
        "Totals per key of a query selecting (area id, key, value) rows"
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        by_key = defaultdict(dict)
        for area_id, key, value in cursor:
            by_key[key][area_id] = value
        return {k: self.of_values(v) for k, v in by_key.items()}

    def of_values(self, values):
        self._load_ancestors(values.keys())
        totals = defaultdict(int)
        for area_id, value in values.items():
            for ancestor in self._ancestors.get(area_id, ()):
                totals[ancestor] += value or 0
        return totals

    def _load_ancestors(self, area_ids):
        Area = Pool().get('civic.area')
        table = Area.__table__()
        cursor = Transaction().connection.cursor()
        missing = [i for i in area_ids
            if i is not None and i not in self._ancestors]
        for sub_ids in grouped_slice(missing, MAX_QUERY_PARAMS):
            cursor.execute(*table.select(table.id, table.path,
                    where=table.id.in_(list(sub_ids))))
            for area_id, path in cursor:
                self._ancestors[area_id] = [a for a in path_ids(area_id, path)
                    if a in self.wanted]
