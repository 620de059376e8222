# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Chinese demo data of the points mall: rules, merchants and their offers,
three months of ledger, vouchers (some redeemed), a settlement, a published
monthly publicity and a quarterly ranking."""
import datetime as dt
from decimal import Decimal

RULES = [
    # code, name, category, action, points, unit, daily cap, monthly cap,
    # needs approval
    ('visit_household', '入户走访', 'building_leader', 'visit', 2, '户',
        10, None, False),
    ('grid_patrol', '网格巡查', 'grid_worker', 'visit', 2, '次', 10, None,
        False),
    ('volunteer_hour', '志愿服务时长', 'volunteer', 'volunteer_hour', 5, '小时',
        None, 100, False),
    ('reported_issue', '上报问题线索', 'rider', 'reported_issue', 3, '条', 15,
        None, False),
    ('party_meeting', '参加组织生活', 'party_member', 'meeting', 5, '次',
        None, None, True),
    ('resident_activity', '参加社区活动', 'resident', 'activity', 3, '次',
        None, 30, False),
    ('annual_honour', '年度评优表彰', 'resident', 'award', 100, '次', None,
        None, False),
    ]
MERCHANTS = [
    # code, name, offers: name, kind, points, value, stock, per month
    ('SHOP01', '和平社区积分超市', [
            ('大米5公斤', 'goods', 300, '25.00', 50, None),
            ('食用油1.8升', 'goods', 200, '18.00', 40, None),
            ('洗衣液2公斤', 'goods', 150, '15.00', 60, None),
            ]),
    ('CANTEEN01', '幸福长者食堂', [
            ('午餐一份', 'service', 50, '12.00', None, 8),
            ]),
    ('BARBER01', '红星理发店', [
            ('理发八折', 'discount', 30, '5.00', None, 2),
            ]),
    ('PROPERTY01', '和平物业服务中心', [
            ('物业费抵扣10元', 'property_fee', 100, '10.00', None, 1),
            ]),
    ]


def at(moment):
    "Take the steps inside with the clock at moment"
    from trytond.transaction import Transaction

    from civic_grid.clock import CLOCK_KEY
    return Transaction().set_context({CLOCK_KEY: moment})


def in_new_transaction(function):
    """Run function in a transaction of its own, restarted with the locks it
    asks for, as trytond's dispatcher does"""
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    while True:
        with Transaction().new_transaction(**extras) as transaction:
            try:
                result = function()
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.commit()
            return result


class PointsDemo:

    def __init__(self, random, commit):
        self.random = random
        self.commit = commit

    def run(self):
        from trytond.pool import Pool
        pool = Pool()
        self.today = pool.get('ir.date').today()
        self.commit()
        for step in (self.make_rules, self.make_merchants, self.make_ledger,
                self.make_vouchers, self.make_reports):
            in_new_transaction(step)

    def make_rules(self):
        from trytond.pool import Pool
        pool = Pool()
        Rule = pool.get('civic.points.rule')
        Configuration = pool.get('civic.points.configuration')
        rules = Rule.create([{
                    'code': code, 'name': name, 'category': category,
                    'action': action, 'points': points, 'unit': unit,
                    'daily_cap': daily, 'monthly_cap': monthly,
                    'needs_approval': approval,
                    } for (code, name, category, action, points, unit, daily,
                    monthly, approval) in RULES])
        configuration = Configuration(1)
        configuration.honour_rule = rules[-1]
        configuration.save()

    def make_merchants(self):
        from trytond.pool import Pool
        pool = Pool()
        Merchant = pool.get('civic.points.merchant')
        Party = pool.get('party.party')
        Area = pool.get('civic.area')
        community, = Area.search([('code', '=', 'D01S01C01')])
        for code, name, offers in MERCHANTS:
            party, = Party.create([{'name': name}])
            Merchant.create([{
                        'code': code, 'name': name, 'party': party.id,
                        'area': community.id,
                        'phone': '0539-6%06d' % self.random.randrange(10 ** 6),
                        'address': '和平路%d号' % self.random.randrange(1, 300),
                        'offers': [('create', [{
                                        'name': offer, 'kind': kind,
                                        'points': points,
                                        'value': Decimal(value),
                                        'stock': stock,
                                        'limit_per_month': per_month,
                                        } for offer, kind, points, value,
                                    stock, per_month in offers])],
                        }])

    def residents(self):
        from trytond.pool import Pool
        Party = Pool().get('party.party')
        return [p.id for p in Party.search(
                [('household', '!=', None)], order=[('id', 'ASC')])]

    def make_ledger(self):
        "About three months of awards for a third of the residents"
        from trytond.pool import Pool
        Line = Pool().get('civic.points.line')
        residents = self.residents()
        active = self.random.sample(residents, max(1, len(residents) // 3))
        rules = {r[0]: r for r in RULES if r[0] != 'annual_honour'}
        earned = {}
        requests = []
        for day in range(90, -1, -1):
            date = self.today - dt.timedelta(days=day)
            for party in self.random.sample(active, min(len(active), 30)):
                code = self.random.choice(list(rules))
                _, _, _, _, points, _, daily, monthly, _ = rules[code]
                quantity = 1 if daily else self.random.randint(1, 4)
                for period, cap in ((date, daily),
                        (date.replace(day=1), monthly)):
                    key = party, code, period
                    if cap and earned.get(key, 0) + quantity * points > cap:
                        break
                else:
                    for period in (date, date.replace(day=1)):
                        key = party, code, period
                        earned[key] = earned.get(key, 0) + quantity * points
                    requests.append({
                            'rule': code, 'party': party, 'date': date,
                            'quantity': quantity,
                            'description': None, 'origin': None,
                            })
        Line.award_many(requests)
        pending = Line.search([('state', '=', 'pending')])
        approved = pending[:len(pending) * 3 // 4]
        Line.approve(approved)

    def make_vouchers(self):
        "Vouchers for the richest, two thirds redeemed, one cancelled"
        from trytond.pool import Pool
        pool = Pool()
        Account = pool.get('civic.points.account')
        Offer = pool.get('civic.points.offer')
        Redemption = pool.get('civic.points.redemption')
        offers = Offer.search([], order=[('points', 'ASC')])
        vouchers = []
        for account in Account.search([], order=[('balance', 'DESC')],
                limit=80):
            affordable = [o for o in offers if o.points <= account.balance]
            if affordable:
                vouchers.append({'party': account.party.id,
                        'offer': self.random.choice(affordable).id})
        vouchers = Redemption.create(vouchers)
        redeemed = vouchers[:len(vouchers) * 2 // 3]
        Redemption.issue(vouchers[len(redeemed):])
        # Issued and redeemed at the counter over the last weeks, by the
        # clock: a few days between the two
        for voucher in redeemed:
            days = self.random.randrange(0, 45)
            redeemed_at = dt.datetime.combine(
                self.today - dt.timedelta(days=days), dt.time(10, days % 60))
            with at(redeemed_at - dt.timedelta(days=days % 4, hours=1)):
                Redemption.issue([voucher])
            with at(redeemed_at):
                Redemption.redeem_code(voucher.code)
        Redemption.cancel(vouchers[-1:])

    def make_reports(self):
        from trytond.pool import Pool
        pool = Pool()
        Area = pool.get('civic.area')
        Publicity = pool.get('civic.points.publicity')
        Ranking = pool.get('civic.points.ranking')
        Settlement = pool.get('civic.points.settlement')
        last_month = (self.today.replace(day=1) - dt.timedelta(days=1)
            ).replace(day=1)
        community, = Area.search([('code', '=', 'D01S01C01')])
        street, = Area.search([('code', '=', 'D01S01')])
        publicities = Publicity.create([
                {'area': community.id, 'month': last_month},
                {'area': community.id, 'month': self.today},
                ])
        Publicity.publish(publicities[:1])
        Publicity.compute(publicities[1:])
        ranking, = Ranking.create([{'area': street.id,
                    'year': self.today.year,
                    'period': 'q%d' % ((self.today.month - 1) // 3 + 1)}])
        Ranking.compute([ranking])
        settlements = Settlement.prepare(last_month)
        Settlement.confirm(settlements)
        Settlement.prepare(self.today)
