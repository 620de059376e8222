#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""A worker of the points concurrency tests: against one shared database it
awards, issues vouchers, redeems them and reverses awards on a few accounts
for a bounded time, and journals each operation once it is committed.

    points_worker.py -d DB --setup            create the residents and shop
    points_worker.py -d DB --worker N --seconds S --journal FILE
    points_worker.py -d DB --check JOURNAL... print the facts as JSON
    points_worker.py -d DB --drafts N         create N draft vouchers
    points_worker.py -d DB --race ROUNDS --journal FILE
        for each round of the JSON file ROUNDS ({"voucher": id, "step":
        "issue" or "cancel", "ready": path, "go": path}): create the ready
        file, wait for the go file, then take the step at once
"""
import argparse
import collections
import json
import os
import random
import sys
import time

RESIDENTS = 6
MERCHANT_LOGIN = 'conc_merchant'


def transact(database, user, model, method, *args):
    """Call model.method over the in-process dispatcher (tests/dispatch.py).
    Return ('ok', result), ('refused', error class name) when the rules
    refuse it, or ('gave_up', error) when the server would answer a client
    with an error after its retries"""
    from trytond import backend
    from trytond.exceptions import UserError

    from tests.dispatch import dispatch
    try:
        return 'ok', dispatch(database, user, model, method, *args)
    except UserError as error:
        return 'refused', type(error).__name__
    except backend.DatabaseOperationalError as error:
        import traceback
        print(f'{model}.{method} gave up: {type(error).__name__}: '
            f'{str(error).splitlines()[0]}', file=sys.stderr, flush=True)
        if os.environ.get('CIVIC_TRACE_GAVE_UP'):
            traceback.print_exc()
        return 'gave_up', str(error).splitlines()[0]


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
        merchants = ModelData.get_id('civic_points', 'group_civic_merchant')
        user, = User.create([{'login': MERCHANT_LOGIN, 'name': '商户',
                    'groups': [('add', [merchants])]}])
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
        self.sequence += 1
        op = f'op:{self.name}:{self.sequence}'
        party = self.random.choice(self.parties)
        status, _ = transact(self.database, self.admin, 'civic.points.line',
            'award', 'conc', party, self.random.randint(1, 3), None, None, op)
        return status, op

    def issue(self):
        "Create a voucher and issue it"
        party = self.random.choice(self.parties)
        status, ids = transact(self.database, self.admin,
            'civic.points.redemption', 'create',
            [{'party': party, 'offer': self.offer}])
        if status != 'ok':
            return status, None
        status, _ = transact(self.database, self.admin,
            'civic.points.redemption', 'issue', ids)
        return status, ids[0]

    def draft(self):
        "Create a draft voucher that the workers then race to issue or cancel"
        party = self.random.choice(self.parties)
        return transact(self.database, self.admin, 'civic.points.redemption',
            'create', [{'party': party, 'offer': self.offer}])

    def issue_or_cancel(self, step):
        """Issue or cancel one of the latest draft or issued vouchers, which
        other workers may be issuing or cancelling at the same time"""
        voucher_id = self.pick_voucher(['draft', 'issued'])
        if not voucher_id:
            return 'refused', None
        status, _ = transact(self.database, self.admin,
            'civic.points.redemption', step, [voucher_id])
        return status, voucher_id

    def issue_draft(self):
        return self.issue_or_cancel('issue')

    def cancel(self):
        return self.issue_or_cancel('cancel')

    def pick_voucher(self, states):
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        with Transaction().start(self.database, 0):
            Redemption = Pool().get('civic.points.redemption')
            vouchers = Redemption.search([('state', 'in', states)],
                order=[('id', 'DESC')], limit=4)
            ids = [v.id for v in vouchers]
        return self.random.choice(ids) if ids else None

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
        status, _ = transact(self.database, self.merchant_user,
            'civic.points.redemption', 'redeem_code', code)
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
        status, _ = transact(self.database, self.admin, 'civic.points.line',
            'reverse', [line_id])
        return status, line_id

    def run(self, seconds):
        operations = [self.award] * 5 + [self.issue] * 2 + [
            self.redeem] * 3 + [self.reverse] + [self.draft] + [
            self.issue_draft] * 2 + [self.cancel] * 2
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            operation = self.random.choice(operations)
            status, key = operation()
            self.write(operation.__name__, status, key)
            if status == 'gave_up':
                print(f'{self.name}: {operation.__name__} gave up: {key}',
                    file=sys.stderr, flush=True)


def drafts(database, count):
    """Create count draft vouchers, each of a holder given the points it
    costs (whatever the other tests spent); return their ids"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    parties = residents(database)
    with Transaction().start(database, 0) as transaction:
        pool = Pool()
        Line = pool.get('civic.points.line')
        Redemption = pool.get('civic.points.redemption')
        Rule = pool.get('civic.points.rule')
        offer, = pool.get('civic.points.offer').search([])
        rule, = Rule.search([('code', '=', 'conc')])
        holders = [parties[i % len(parties)] for i in range(count)]
        Line.award_many([{
                    'rule': rule.code, 'party': party,
                    'quantity': -(-offer.points // rule.points),
                    'description': 'drafts',
                    } for party in holders])
        vouchers = Redemption.create([
                {'party': party, 'offer': offer.id} for party in holders])
        transaction.commit()
        return [v.id for v in vouchers]


def race(database, rounds, journal):
    "Take each round's step on its voucher as soon as the test says go"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0):
        admin, = Pool().get('res.user').search([('login', '=', 'admin')])
        admin = admin.id
    for round_ in rounds:
        open(round_['ready'], 'w').close()
        while not os.path.exists(round_['go']):
            time.sleep(0.005)
        status, result = transact(database, admin,
            'civic.points.redemption', round_['step'], [round_['voucher']])
        journal.write(json.dumps(
                [round_['step'], status, round_['voucher']]) + '\n')
        journal.flush()


def check(database, journals):
    "Return the facts the tests assert, from the database and the journals"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    done = collections.defaultdict(list)
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
        refunds = [l.origin.id for l in Line.search([('kind', '=', 'refund')])]
        vouchers = {v.id: v.state for v in Redemption.search([])}
        redeemed = [i for i, state in vouchers.items() if state == 'redeemed']
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
        'issued_journal': sorted(done['issue'] + done['issue_draft']),
        'refunds_db': sorted(refunds),
        'vouchers_out_of_step': vouchers_out_of_step(
            vouchers, debits, refunds),
        'vouchers': collections.Counter(vouchers.values()),
        'redeemed_db': sorted(redeemed),
        'redeemed_journal': sorted(done['redeem']),
        }


def vouchers_out_of_step(states, debits, refunds):
    """The vouchers whose debits and refunds do not match their state: one
    debit once issued, one refund too once cancelled after issuing"""
    debits = collections.Counter(debits)
    refunds = collections.Counter(refunds)
    expected = {
        'draft': {(0, 0)},
        'issued': {(1, 0)},
        'redeemed': {(1, 0)},
        'expired': {(1, 1)},
        'cancelled': {(0, 0), (1, 1)},
        }
    return sorted(i for i, state in states.items()
        if (debits[i], refunds[i]) not in expected[state])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--setup', action='store_true')
    parser.add_argument('--worker', type=int)
    parser.add_argument('--seconds', type=float, default=10)
    parser.add_argument('--journal')
    parser.add_argument('--check', nargs='*')
    parser.add_argument('--drafts', type=int)
    parser.add_argument('--race')
    args = parser.parse_args()
    from trytond.pool import Pool
    Pool.start()
    Pool(args.database).init()
    if args.setup:
        setup(args.database)
    elif args.check is not None:
        json.dump(check(args.database, args.check), sys.stdout)
    elif args.drafts:
        json.dump(drafts(args.database, args.drafts), sys.stdout)
    elif args.race:
        with open(args.race) as rounds, open(args.journal, 'a') as journal:
            race(args.database, json.load(rounds), journal)
    else:
        with open(args.journal, 'a') as journal:
            Worker(args.database, args.worker, journal).run(args.seconds)


if __name__ == '__main__':
    sys.path.insert(0, os.path.dirname(os.path.dirname(
                os.path.abspath(__file__))))
    sys.exit(main())
