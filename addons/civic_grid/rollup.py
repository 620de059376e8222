# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""SQL for the statistics of every module that count a record in its area
and in each area above it, month by month"""
from sql import Cast
from sql.functions import (
    CharLength, DateTrunc, Extract, Function, Substring, ToChar, Trim)

from trytond import backend
from trytond.pool import Pool


class StringToArray(Function):
    __slots__ = ()
    _function = 'STRING_TO_ARRAY'


class Any(Function):
    __slots__ = ()
    _function = 'ANY'


def rolled_up(table, area_column):
    """(join, area table): table's rows joined with their area and each area
    above it, the ids of the path (1/5/20/)"""
    Area = Pool().get('civic.area')
    own = Area.__table__()
    area = Area.__table__()
    if backend.name == 'postgresql':
        # a primary-key lookup per ancestor, not a scan of the areas
        ancestors = Cast(StringToArray(
                Trim(own.path, 'TRAILING', '/'), '/'), 'INTEGER[]')
        condition = area.id == Any(ancestors)
    else:
        condition = Substring(own.path, 1, CharLength(area.path)) == area.path
    join = table.join(own, condition=area_column == own.id).join(area,
        condition=condition)
    return join, area


def month_columns(column):
    "The 'YYYY-MM' of a date column, and a number for the month"
    return (ToChar(DateTrunc('month', column), 'YYYY-MM'),
        Cast(Extract('YEAR', column), 'INTEGER') * 12
        + Cast(Extract('MONTH', column), 'INTEGER'))
