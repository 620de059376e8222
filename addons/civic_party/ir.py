# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.pool import Pool, PoolMeta


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "civic_units" as the list of ids of the work units whose '
            'reports the user is a contact of')

    @classmethod
    def _get_cache_key(cls, model_names):
        UnitReport = Pool().get('civic.party.unit_report')
        key = super()._get_cache_key(model_names)
        return (*key, tuple(sorted(UnitReport.units_of_user())))

    @classmethod
    def _get_context(cls, model_name):
        UnitReport = Pool().get('civic.party.unit_report')
        context = super()._get_context(model_name)
        context['civic_units'] = sorted(UnitReport.units_of_user())
        return context
