# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.pool import PoolMeta


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.owned_records(
            'civic_property_companies', 'civic.property.company', 'of_user',
            "the property companies whose staff the user is")
