# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from sql import Literal
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Extract, ToChar

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from civic_grid.scope import AGGREGATE, ScopeMixin

from .rule import CATEGORIES


class MonthlyPoints(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Points per Month"
    __name__ = 'civic.points.monthly'
    _scope_area = AGGREGATE
    period = fields.Char("Month")
    year = fields.Integer("Year")
    category = fields.Selection(
        [(None, "")] + CATEGORIES, "Participant Category")
    earned = fields.Integer("Points Earned")
    spent = fields.Integer("Points Spent")
    expired = fields.Integer("Points Expired")
    lines = fields.Integer("Records")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('period', 'ASC'), ('category', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Line = pool.get('civic.points.line')
        line = Line.__table__()
        category_index = Case(*((line.category == c, i + 1)
                for i, (c, _) in enumerate(CATEGORIES)), else_=0)
        # The month is computed in a subquery: PostgreSQL does not match a
        # GROUP BY expression with parameters to the same expression in
        # the SELECT
        posted = line.select(
            Extract('YEAR', line.date).as_('year'),
            Extract('MONTH', line.date).as_('month'),
            ToChar(line.date, 'YYYY-MM').as_('period'),
            line.category.as_('category'),
            category_index.as_('category_index'),
            line.kind.as_('kind'),
            line.points.as_('points'),
            line.id.as_('line'),
            where=(line.state == 'posted') & cls._scope_condition(line))

        def total(kinds, sign=1):
            return Coalesce(Sum(Case((posted.kind.in_(kinds), posted.points),
                        else_=Literal(0))), 0) * sign
        return posted.select(
            (posted.year * 1000 + posted.month * 10
                + posted.category_index).as_('id'),
            posted.period.as_('period'),
            posted.year.as_('year'),
            posted.category.as_('category'),
            total(['award', 'reversal']).as_('earned'),
            total(['voucher', 'refund'], -1).as_('spent'),
            total(['expiry'], -1).as_('expired'),
            Count(posted.line).as_('lines'),
            group_by=[posted.year, posted.month, posted.period,
                posted.category, posted.category_index])

    @classmethod
    def _scope_condition(cls, line):
        "Officers count only the lines of their own areas"
        pool = Pool()
        User = pool.get('res.user')
        Area = pool.get('civic.area')
        ModelData = pool.get('ir.model.data')
        user_id = Transaction().user
        if user_id == 0:
            return Literal(True)
        admin = ModelData.get_id('civic_grid', 'group_civic_admin')
        if admin in User.get_groups():
            return Literal(True)
        with without_check_access():
            areas = Area.search([
                    ('parent', 'child_of', list(User.get_civic_areas())),
                    ], order=[], query=True)
        return line.area.in_(areas)
