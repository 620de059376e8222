# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.pool import PoolMeta


class Line(metaclass=PoolMeta):
    __name__ = 'civic.points.line'

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['civic.event']
