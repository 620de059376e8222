# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.pool import Pool, PoolMeta


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
        cls.domain.help += (
            '\n- "civic_merchants" as the list of ids of the merchants '
            'the user redeems for')

    @classmethod
    def _get_cache_key(cls, model_names):
        Merchant = Pool().get('civic.points.merchant')
        key = super()._get_cache_key(model_names)
        return (*key, tuple(sorted(Merchant.of_user())))

    @classmethod
    def _get_context(cls, model_name):
        Merchant = Pool().get('civic.points.merchant')
        context = super()._get_context(model_name)
        context['civic_merchants'] = sorted(Merchant.of_user())
        return context
