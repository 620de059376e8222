# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('civic.event|escalate_overdue', "Escalate Overdue Events"))
