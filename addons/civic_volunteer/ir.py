# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.pool import PoolMeta


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.owned_records(
            'civic_volunteers', 'civic.volunteer', 'of_user',
            "the volunteers whose login the user is")
