# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, tree)

from civic_grid.scope import CONFIGURATION, ScopeMixin

LEVELS = [
    ('grid', "Grid (Micro Loop)"),
    ('community', "Community (Small Loop)"),
    ('street', "Street (Middle Loop)"),
    ('district', "District (Big Loop)"),
    ]
LEVEL_ORDER = [code for code, _ in LEVELS]


def next_level(level):
    "The level above level, None at the top"
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


class Category(
        ScopeMixin, DeactivableMixin, tree(separator=' / '), ModelSQL,
        ModelView):
    __string__ = "Grid Event Category"
    __name__ = 'civic.event.category'
    _scope_area = CONFIGURATION
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char(
        "Code", required=True,
        help="Also the service code of the Open311 API.")
    parent = fields.Many2One(
        'civic.event.category', "Parent", ondelete='RESTRICT')
    children = fields.One2Many(
        'civic.event.category', 'parent', "Children")
    description = fields.Text("Description", translate=True)
    keywords = fields.Char("Keywords")
    department = fields.Char(
        "Handling Department", help="The department that handles "
        "these matters (from the admitted-matters list).")
    role = fields.Many2One(
        'civic.role', "Handling Role", ondelete='RESTRICT',
        help="The role that handles these matters in the grid.")
    anonymous = fields.Boolean(
        "Anonymous Reports", help="Check if these matters may be reported "
        "without a name or a phone number.")
    points_rule = fields.Many2One(
        'civic.points.rule', "Points Rule", ondelete='RESTRICT',
        help="The rule by which a verified report awards points; "
        "leave empty for the configuration's.")
    limits = fields.One2Many(
        'civic.event.category.limit', 'category', "Time Limits",
        help="Hours to accept and to resolve at each level; "
        "a category without limits takes its parent's.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'civic_event.msg_category_code_unique'),
            ]
        cls._order = [('code', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_anonymous(cls):
        return True

    def limit(self, level):
        "(hours to accept, hours to resolve) at level, from the nearest set"
        category = self
        while category:
            for limit in category.limits:
                if limit.level == level:
                    return limit.accept_hours, limit.resolve_hours
            category = category.parent
        return None, None

    def get_points_rule(self):
        category = self
        while category:
            if category.points_rule:
                return category.points_rule
            category = category.parent


class CategoryLimit(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Grid Event Time Limit"
    __name__ = 'civic.event.category.limit'
    _scope_area = CONFIGURATION
    category = fields.Many2One(
        'civic.event.category', "Category", required=True,
        ondelete='CASCADE')
    level = fields.Selection(LEVELS, "Level", required=True, sort=False)
    accept_hours = fields.Numeric(
        "Hours to Accept", digits=(6, 1),
        domain=['OR', ('accept_hours', '=', None),
            ('accept_hours', '>', 0)])
    resolve_hours = fields.Numeric(
        "Hours to Resolve", digits=(6, 1),
        domain=['OR', ('resolve_hours', '=', None),
            ('resolve_hours', '>', 0)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('category')
        cls._sql_constraints = [
            ('level_unique', Unique(t, t.category, t.level),
                'civic_event.msg_limit_level_unique'),
            ]
        cls._order = [('category', 'ASC'), ('id', 'ASC')]
