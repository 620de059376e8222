# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('civic.points.account|expire_points', "Expire Old Points"),
                ('civic.points.redemption|expire_vouchers',
                    "Expire Vouchers"),
                ])


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.owned_records(
            'civic_merchants', 'civic.points.merchant', 'of_user',
            "the merchants the user redeems for")
