# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    points_balance = fields.Function(
        fields.Integer("Points Balance"), 'get_points_balance')

    @classmethod
    def get_points_balance(cls, parties, name):
        Account = Pool().get('civic.points.account')
        account = Account.__table__()
        cursor = Transaction().connection.cursor()
        ids = [p.id for p in parties]
        balances = dict.fromkeys(ids, 0)
        cursor.execute(*account.select(account.party, account.balance,
                where=account.party.in_(ids)))
        balances.update(cursor)
        return balances

    @classmethod
    def write(cls, *args):
        super().write(*args)
        actions = iter(args)
        moved = []
        for parties, values in zip(actions, actions):
            if 'household' in values:
                moved.extend(parties)
        if moved:
            Pool().get('civic.points.account').follow_holders(moved)
