# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.pool import PoolMeta

from . import clock


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('civic.appointment|expire_appointments',
                "Expire Appointments"))


class Date(metaclass=PoolMeta):
    "Today is the clock's: the dates of every module follow it"
    __name__ = 'ir.date'

    @classmethod
    def today(cls, timezone=None):
        moment = clock.moment()
        if moment is not None:
            return moment.date()
        return super().today(timezone=timezone)
