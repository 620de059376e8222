# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from sql import Literal
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Extract, ToChar

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .rule import CATEGORIES


class MonthlyPoints(ModelSQL, ModelView):
    __string__ = "Points per Month"
    __name__ = 'civic.points.monthly'
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
        year = Extract('YEAR', line.date)
        month = Extract('MONTH', line.date)
        category_index = Case(*((line.category == c, i + 1)
                for i, (c, _) in enumerate(CATEGORIES)), else_=0)

        def total(kinds, sign=1):
            return Coalesce(Sum(Case((line.kind.in_(kinds), line.points),
                        else_=Literal(0))), 0) * sign
        return line.select(
            (year * 1000 + month * 10 + category_index).as_('id'),
            ToChar(line.date, 'YYYY-MM').as_('period'),
            year.as_('year'),
            line.category.as_('category'),
            total(['award', 'reversal']).as_('earned'),
            total(['voucher', 'refund'], -1).as_('spent'),
            total(['expiry'], -1).as_('expired'),
            Count(line.id).as_('lines'),
            where=(line.state == 'posted') & cls._scope_condition(line),
            group_by=[year, month, ToChar(line.date, 'YYYY-MM'),
                line.category, category_index])

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
