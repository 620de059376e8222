#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""A worker of the points concurrency tests: against one shared database it
awards, issues vouchers, redeems them and reverses awards on a few accounts
for a bounded time, and journals each operation once it is committed.

    points_worker.py -d DB --setup            create the residents and shop
    points_worker.py -d DB --worker N --seconds S --journal FILE
    points_worker.py -d DB --check JOURNAL... print the facts as JSON
"""
import argparse
import json
import os
import random
import sys
import time

RESIDENTS = 6
MERCHANT_LOGIN = 'conc_merchant'


def transact(database, user, function, retries=30):
    """Run function in its own transaction like trytond's dispatcher does:
    restart it to take the locks it asks for, retry concurrent updates.
    Return ('ok', result), ('refused', error class name) or ('gave_up', '')"""
    from trytond import backend
    from trytond.exceptions import UserError
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    for attempt in range(retries):
        try:
            with Transaction().start(database, user, **extras) as transaction:
                try:
                    result = function()
                except TransactionError as error:
                    transaction.rollback()
                    error.fix(extras)
                    continue
                except UserError as error:
                    transaction.rollback()
                    return 'refused', type(error).__name__
                transaction.commit()
                return 'ok', result
        except backend.DatabaseOperationalError:
            time.sleep(random.uniform(0.001, 0.02 * (attempt + 1)))
    return 'gave_up', ''


def setup(database):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        pool = Pool()
        Area = pool.get('civic.area')
        Level = pool.get('civic.area.level')
        Household = pool.get('civic.household')
        Party = pool.get('party.party')
        Rule = pool.get('civic.points.rule')
        Merchant = pool.get('civic.points.merchant')
        Offer = pool.get('civic.points.offer')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        levels = {l.code: l for l in Level.search([])}
        parent = None
        for code, level in (('CC', 'county'), ('CCS', 'street'),
                ('CCC', 'community'), ('CCB', 'big_grid'),
                ('CCM', 'medium_grid'), ('CCW', 'micro_grid')):
            parent, = Area.create([{'name': code, 'code': code,
                        'level': levels[level].id,
                        'parent': parent.id if parent else None}])
        household, = Household.create([{'name': '并发', 'area': parent.id}])
        Party.create([{'name': f'居民{i}', 'household': household.id}
                for i in range(RESIDENTS)])
        Rule.create([{'code': 'conc', 'name': 'conc', 'points': 5,
                    'category': 'resident', 'action': 'other'}])
        user, = User.create([{'login': MERCHANT_LOGIN, 'name': '商户',
                    'groups': [('add', [ModelData.get_id(
                                    'civic_grid', 'group_civic_merchant')])]}])
        shop_party, = Party.create([{'name': '并发超市'}])
        merchant, = Merchant.create([{'name': '并发超市', 'code': 'CONC',
                    'party': shop_party.id, 'users': [('add', [user.id])]}])
        Offer.create([{'merchant': merchant.id, 'name': '毛巾',
                    'kind': 'goods', 'points': 20, 'value': 3}])
        transaction.commit()


def residents(database):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0):
        Party = Pool().get('party.party')
        return [p.id for p in Party.search([('name', 'like', '居民%')])]


class Worker:

    def __init__(self, database, number, journal):
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        self.database = database
        self.number = number
        self.journal = journal
        self.name = os.path.basename(journal.name).split('.')[0]
        self.sequence = 0
        self.random = random.Random(number)
        self.parties = residents(database)
        with Transaction().start(database, 0):
            pool = Pool()
            self.admin = pool.get('res.user').search(
                [('login', '=', 'admin')])[0].id
            self.merchant_user = pool.get('res.user').search(
                [('login', '=', MERCHANT_LOGIN)])[0].id
            self.offer = pool.get('civic.points.offer').search([])[0].id

    def write(self, *entry):
        self.journal.write(json.dumps(entry) + '\n')
        self.journal.flush()

    def award(self):
        from trytond.pool import Pool
        self.sequence += 1
        op = f'op:{self.name}:{self.sequence}'
        party = self.random.choice(self.parties)

        def run():
            Line = Pool().get('civic.points.line')
            return Line.award('conc', party, self.random.randint(1, 3),
                description=op).id
        status, _ = transact(self.database, self.admin, run)
        return status, op

    def issue(self):
        from trytond.pool import Pool
        party = self.random.choice(self.parties)

        def run():
            Redemption = Pool().get('civic.points.redemption')
            voucher, = Redemption.create(
                [{'party': party, 'offer': self.offer}])
            Redemption.issue([voucher])
            return voucher.id
        return transact(self.database, self.admin, run)

    def redeem(self):
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        with Transaction().start(self.database, 0):
            Redemption = Pool().get('civic.points.redemption')
            issued = Redemption.search([('state', '=', 'issued')],
                order=[('id', 'DESC')], limit=10)
            codes = [(v.id, v.code) for v in issued]
        if not codes:
            return 'refused', None
        voucher_id, code = self.random.choice(codes)

        def run():
            Redemption = Pool().get('civic.points.redemption')
            return Redemption.redeem_code(code)['id']
        status, _ = transact(self.database, self.merchant_user, run)
        return status, voucher_id

    def reverse(self):
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        with Transaction().start(self.database, 0):
            Line = Pool().get('civic.points.line')
            awards = Line.search([('kind', '=', 'award'),
                    ('description', 'like', 'op:%')],
                order=[('id', 'DESC')], limit=20)
            candidates = [l.id for l in awards if not l.reversed]
        if not candidates:
            return 'refused', None
        line_id = self.random.choice(candidates)

        def run():
            Line = Pool().get('civic.points.line')
            return [l.id for l in Line.reverse([Line(line_id)])]
        status, _ = transact(self.database, self.admin, run)
        return status, line_id

    def run(self, seconds):
        operations = [self.award] * 5 + [self.issue] * 3 + [
            self.redeem] * 3 + [self.reverse]
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            operation = self.random.choice(operations)
            status, key = operation()
            self.write(operation.__name__, status, key)


def check(database, journals):
    "Return the facts the tests assert, from the database and the journals"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    done = {'award': [], 'issue': [], 'redeem': [], 'reverse': []}
    statuses = {}
    for path in journals:
        with open(path) as journal:
            for line in journal:
                try:
                    name, status, key = json.loads(line)
                except ValueError:
                    continue  # the last line of a killed worker
                statuses[status] = statuses.get(status, 0) + 1
                if status == 'ok':
                    done[name].append(key)
    with Transaction().start(database, 0):
        pool = Pool()
        Account = pool.get('civic.points.account')
        Line = pool.get('civic.points.line')
        Redemption = pool.get('civic.points.redemption')
        cursor = Transaction().connection.cursor()
        account = Account.__table__()
        line = Line.__table__()
        cursor.execute(*account.select(account.id, account.balance))
        balances = dict(cursor)
        sums = {}
        for l in Line.search([('state', '=', 'posted')]):
            sums[l.account.id] = sums.get(l.account.id, 0) + l.points
        award_ops = [l.description for l in Line.search(
                [('kind', '=', 'award'), ('description', 'like', 'op:%')])]
        reversed_ = [l.reversal_of.id for l in Line.search(
                [('kind', '=', 'reversal')])]
        debits = [l.origin.id for l in Line.search([('kind', '=', 'voucher')])]
        redeemed = [v.id for v in Redemption.search(
                [('state', '=', 'redeemed')])]
        cursor.execute(*line.select(line.id))
        all_lines = len(cursor.fetchall())
    return {
        'statuses': statuses,
        'balances_equal_sums': all(
            balances[a] == sums.get(a, 0) for a in balances),
        'negative_balances': [a for a, b in balances.items() if b < 0],
        'accounts': len(balances),
        'lines': all_lines,
        'journal': {k: len(v) for k, v in done.items()},
        'award_ops_db': sorted(award_ops),
        'award_ops_journal': sorted(done['award']),
        'reversed_db': sorted(reversed_),
        'reversed_journal': sorted(done['reverse']),
        'debits_db': sorted(debits),
        'issued_journal': sorted(done['issue']),
        'redeemed_db': sorted(redeemed),
        'redeemed_journal': sorted(done['redeem']),
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--setup', action='store_true')
    parser.add_argument('--worker', type=int)
    parser.add_argument('--seconds', type=float, default=10)
    parser.add_argument('--journal')
    parser.add_argument('--check', nargs='*')
    args = parser.parse_args()
    from trytond.pool import Pool
    Pool.start()
    Pool(args.database).init()
    if args.setup:
        setup(args.database)
    elif args.check is not None:
        json.dump(check(args.database, args.check), sys.stdout)
    else:
        with open(args.journal, 'a') as journal:
            Worker(args.database, args.worker, journal).run(args.seconds)


if __name__ == '__main__':
    os.environ.setdefault('TRYTOND_DATABASE__RETRY', '0')
    sys.exit(main())
