# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.pool import Pool, PoolMeta


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "civic_property_companies" as the list of ids of the '
            'property companies whose staff the user is')

    @classmethod
    def _get_cache_key(cls, model_names):
        Company = Pool().get('civic.property.company')
        key = super()._get_cache_key(model_names)
        return (*key, tuple(sorted(Company.of_user())))

    @classmethod
    def _get_context(cls, model_name):
        Company = Pool().get('civic.property.company')
        context = super()._get_context(model_name)
        context['civic_property_companies'] = sorted(Company.of_user())
        return context
