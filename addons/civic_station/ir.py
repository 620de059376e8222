# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from urllib.parse import quote

from trytond.pool import PoolMeta
from trytond.transaction import Transaction


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.owned_records(
            'civic_stations', 'civic.station', 'of_user',
            "the care stations the user manages")


class Action(metaclass=PoolMeta):
    __name__ = 'ir.action'

    @classmethod
    def get_action_values(cls, type_, action_ids, columns=None):
        actions = super().get_action_values(type_, action_ids,
            columns=columns)
        if type_ == 'ir.action.url':
            # {database} in a URL action is the database of the client
            database = quote(Transaction().database.name)
            for values in actions:
                if values.get('url'):
                    values['url'] = values['url'].replace(
                        '{database}', database)
        return actions
