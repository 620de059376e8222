# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Chinese demo data of red property (civic_property): property companies,
one with a Party branch of its own, the compounds they manage, a compound
of over 1,000 households whose company has none (flagged on the two
coverages list), red stewards, and the joint-building work logs, some
acknowledged by the community; the property complaints of the last 15
months taken through the event loop (accepted by the grid, answered by the
company's staff, rated by the reporter, closed), the last quarter's
evaluation of the home street's companies rated by the community and
confirmed, and the first company's property-fee deduction with points (its
merchant, its offer, two residents' vouchers redeemed and settled).

The demo login `property` (users.py) is the staff of the first company; the
other companies' staff users have no password (the administrator gives
one).  Every step is taken with the clock (civic_grid.clock) at its moment,
so the steps date themselves."""
import datetime as dt
import itertools
import math
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from demo_names import chinese_name
from points_demo import at, in_new_transaction
from users import PROPERTY_LOGIN

HOME = 'D01S01C01'
COMPANIES = ['红心物业服务有限公司', '安居物业管理有限公司', '鑫城物业管理有限公司',
    '华宇物业服务有限公司', '康居物业管理有限公司', '佳和物业服务有限公司']
COMPOUND_WORDS = ['锦绣', '幸福', '阳光', '和谐', '翠苑', '金鼎', '书香', '滨河',
    '御景', '丽水', '紫薇', '龙泉']
LOGS = [
    ('inspection', '巡查消防通道和楼道杂物，清理堆放物{n}处'),
    ('visit', '走访{n}户居民，听取对物业服务的意见'),
    ('repair', '维修单元门禁和楼道照明{n}处'),
    ('service', '开展“红色物业”便民服务：义务理发、磨刀、家电维修，服务居民{n}人次'),
    ('meeting', '参加社区、业委会三方联动会议，研究停车难问题'),
    ]
STEWARDS = ['王红', '李建国', '张秀英', '刘洋']
# the monthly log of the months before the weekly ones
MONTHLY_LOG = ('inspection', '月度安全巡查：消防设施、电梯、二次供水，发现问题{n}处已整改')
# The property matters (civic_event's demo categories, events_demo.py) a
# resident complains of, how often, and what a resident says, each with the
# company's answer ({place}: where in the compound)
MATTERS = {
    'property_service': (5, [
            ('{place}楼道长期无人保洁，垃圾堆放发臭。',
                '已安排保洁员每日清扫两次，增加楼道巡查，业主确认已整改。'),
            ('{place}单元门禁损坏一个月未修，陌生人随意进出。',
                '已更换门禁控制器和电磁锁，单元门恢复正常。'),
            ('{place}绿化无人修剪，健身器材损坏无人管理。',
                '已修剪绿化带，损坏的健身器材已报厂家维修，维修期间设置警示。'),
            ('{place}楼道照明坏了半个月，晚上上下楼看不见。',
                '已更换楼道声控灯12盏，并建立每周照明巡检制度。'),
            ]),
    'property_parking': (3, [
            ('{place}外来车辆随意进入，业主车位被占。',
                '已启用车牌识别道闸，外来车辆登记入内，保安夜间加强巡查。'),
            ('{place}道闸损坏，车辆乱停堵塞消防通道。',
                '道闸已修复，消防通道施划禁停标线并安装隔离桩。'),
            ]),
    'property_lift': (2, [
            ('{place}电梯频繁故障停运，高层老人上下楼困难。',
                '已联系电梯维保单位更换控制板，电梯恢复运行，维保改为每周一次。'),
            ('{place}电梯运行时异响抖动，居民担心安全。',
                '维保单位已检修导轨和曳引机，经检测合格后恢复使用。'),
            ]),
    }
SPOTS = ['东门', '南门', '地下车库', '单元门口', '楼道', '小区广场', '车棚']
FEEDBACK = {
    5: ['物业处理很及时，非常满意！', '维修师傅态度好，问题解决得很彻底。', None],
    4: ['问题已解决，总体满意。', '处理还可以，就是时间稍长。', None],
    3: ['基本解决了，希望物业以后多巡查。', '一般，问题可能还会反复。'],
    2: ['处理不彻底，问题还在。', '物业回复太慢，不太满意。'],
    1: ['问题根本没解决，很不满意。', '物业只打了个电话，没人来现场处理。'],
    }
# the residents' satisfaction with a good company's answers, and a poor one's
SATISFACTION = {'good': [55, 30, 10, 3, 2], 'poor': [25, 30, 25, 12, 8]}
REJECTION = '经核实，该问题属于业主之间的邻里纠纷，不属于物业服务事项，已转社区调解。'
# The grid, the companies and the community work through their lists at
# noon and in the evening (hour, minute): the grid accepts at the next
# round, the company answers at the round after, the community calls the
# reporter back a day or two later in the evening and closes at noon the
# next day.  Few distinct moments keep the seed's build quick: the caches
# of the server are per context, and the clock is in the context.
ROUNDS = [(12, 0), (20, 0)]
COMPLAINT_MONTHS = 15
# compounds per community, companies and of them with a branch of their
# own, weekly logs, complaints per compound and month (the home community's
# and the others')
SEED = dict(compounds=12, companies=150, branches=35, logs=6,
    home_complaints=1.0, complaints=0.2)
DEMO = dict(compounds=1, companies=0, branches=0, logs=4,
    home_complaints=2.0, complaints=0.3)


def last_quarter(today):
    "The first day, the year and the code of the last quarter over"
    start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1
        ) - relativedelta(months=3)
    return start, start.year, 'q%d' % ((start.month - 1) // 3 + 1)


def next_round(moment, rounds):
    "The first of the daily rounds (hour, minute) at or after moment"
    day = moment.date()
    while True:
        for hour, minute in rounds:
            candidate = dt.datetime.combine(day, dt.time(hour, minute))
            if candidate >= moment:
                return candidate
        day += dt.timedelta(days=1)


def poisson(random, mean):
    "A count drawn from the Poisson law of mean"
    limit, count, product = math.exp(-mean), 0, random.random()
    while product > limit:
        count += 1
        product *= random.random()
    return count


class PropertyDemo:

    def __init__(self, random, commit, size_name):
        self.random = random
        self.commit = commit
        self.figures = SEED if size_name == 'seed' else DEMO
        self.summary = {}

    def run(self):
        for step in (self.make_compounds, self.make_companies,
                self.make_managements, self.make_stewards, self.make_logs,
                self.make_owners_committees, self.make_tripartite,
                self.make_projects, self.make_staff,
                self.make_property_matters, self.make_complaints,
                self.make_evaluation, self.make_fee_deduction):
            in_new_transaction(step)
        return self.summary

    def today(self):
        from civic_grid import clock
        return clock.today()

    # --- compounds ------------------------------------------------------
    def make_compounds(self):
        "More compounds in each community, beside generate.py's one"
        from trytond.pool import Pool
        pool = Pool()
        Area = pool.get('civic.area')
        Compound = pool.get('civic.compound')
        communities = Area.search([('level.code', '=', 'community')],
            order=[('code', 'ASC')])
        vlist = []
        for community in communities:
            for i in range(self.figures['compounds']):
                word = COMPOUND_WORDS[(i + len(vlist)) % len(COMPOUND_WORDS)]
                vlist.append({'name': f'{word}小区', 'area': community.id,
                        'address': f'{community.name}{i + 1}号院'})
        for i in range(0, len(vlist), 1000):
            Compound.create(vlist[i:i + 1000])
            self.commit()
        self.summary['compounds'] = Compound.search_count([])

    # --- companies ------------------------------------------------------
    def make_companies(self):
        """Two named companies in the home community's street (the first
        with a branch), then companies spread over the streets"""
        from trytond.pool import Pool
        pool = Pool()
        Area = pool.get('civic.area')
        Party = pool.get('party.party')
        Company = pool.get('civic.property.company')
        Organisation = pool.get('civic.party.organisation')
        streets = Area.search([('level.code', '=', 'street')],
            order=[('code', 'ASC')])
        home, = Area.search([('code', '=', HOME)])
        total = max(self.figures['companies'], len(streets) + 2)
        names = [COMPANIES[i] if i < len(COMPANIES)
            else f'{COMPOUND_WORDS[i % len(COMPOUND_WORDS)]}物业{i + 1:03d}'
            '有限公司' for i in range(total)]
        parties = Party.create([{'name': n} for n in names])
        placed = [home.parent if i < 2 else streets[i % len(streets)]
            for i in range(total)]
        # the second company has no branch: its big compound is flagged
        with_branch = [i for i in range(total) if i != 1][
            :max(self.figures['branches'], 1)]
        committees = {o.area.parent.id: o for o in Organisation.search([
                    ('kind', '=', 'community_committee')],
                order=[('area.code', 'DESC')])}
        committees[home.parent.id], = Organisation.search([
                ('area', '=', home.id),
                ('kind', '=', 'community_committee')])
        branches = dict(zip(with_branch, Organisation.create([{
                        'code': f'PWY{i + 1:03d}',
                        'kind': 'functional_branch',
                        'name': f'{names[i]}党支部',
                        'area': committees[placed[i].id].area.id,
                        'parent': committees[placed[i].id].id,
                        'founding_date': self.today() - dt.timedelta(
                            days=self.random.randrange(200, 3000)),
                        } for i in with_branch])))
        vlist = []
        for i, party in enumerate(parties):
            vlist.append({
                    'party': party.id, 'code': f'WY{i + 1:03d}',
                    'area': placed[i].id,
                    'licence': f'91371302MA{self.random.randrange(10**7):07d}',
                    'contact': self.random.choice('王李张刘陈杨赵黄') + '经理',
                    'phone': f'0539-{self.random.randrange(10**7):07d}',
                    'party_organisation': (branches[i].id
                        if i in branches else None),
                    })
        self.companies = Company.create(vlist)
        self.employ_members(self.companies[0])
        self.summary['companies'] = len(self.companies)
        self.summary['with a branch'] = sum(
            bool(c.party_organisation) for c in self.companies)

    def employ_members(self, company):
        "A few in-service members of the home community work for it"
        from trytond.pool import Pool
        Member = Pool().get('civic.party.member')
        members = Member.search([('kind', '=', 'in_service'),
                ('party.household.area.code', 'like', f'{HOME}%')],
            order=[('id', 'ASC')], limit=3)
        Member.write(members, {'work_unit': company.party.id})

    def make_managements(self):
        """Each community's compounds to the companies of its street; the
        home community's first compound (with the buildings) to the first
        company, the second, of 1,260 households, to the second (flagged)"""
        from trytond.pool import Pool
        pool = Pool()
        Company = pool.get('civic.property.company')
        Compound = pool.get('civic.compound')
        Management = pool.get('civic.property.management')
        Organisation = pool.get('civic.party.organisation')
        companies = Company.search([], order=[('code', 'ASC')])
        by_street = {}
        for company in companies[2:]:
            by_street.setdefault(company.area.id, []).append(company)
        start = self.today() - dt.timedelta(days=900)
        vlist = []
        for compound in Compound.search([], order=[('id', 'ASC')]):
            community = compound.area
            if community.code == HOME:
                home = [c for c in vlist if c['home']]
                if len(home) < 2:
                    company = companies[len(home)]
                    households = 860 if not home else 1260
                    vlist.append({'company': company.id,
                            'compound': compound.id, 'start_date': start,
                            'households': households, 'home': True})
                    continue
            choices = by_street.get(community.parent.id) or companies[:2]
            vlist.append({
                    'company': self.random.choice(choices).id,
                    'compound': compound.id, 'start_date': start,
                    'households': self.random.randrange(*(
                            (200, 1800) if self.figures is SEED
                            else (200, 960))),
                    'home': False})
        for values in vlist:
            del values['home']
        for i in range(0, len(vlist), 1000):
            Management.create(vlist[i:i + 1000])
            self.commit()
        # the community's property functional branch covers the second
        covering = Organisation.search([('area.code', '=', HOME),
                ('kind', '=', 'functional_branch'),
                ('name', 'like', '%物业功能型党支部')], limit=1)
        if covering:
            Company.write([companies[1]],
                {'covering_organisation': covering[0].id})
        self.summary['compounds managed'] = len(vlist)

    def make_stewards(self):
        "Red stewards of the first company on its compound's buildings"
        from trytond.pool import Pool
        pool = Pool()
        Company = pool.get('civic.property.company')
        Building = pool.get('civic.building')
        Steward = pool.get('civic.property.steward')
        first, = Company.search([('code', '=', 'WY001')])
        buildings = Building.search([
                ('compound.property_company', '=', first.id)],
            order=[('id', 'ASC')])
        size = max(1, len(buildings) // len(STEWARDS))
        Steward.create([{
                    'company': first.id, 'name': name,
                    'phone': f'1380539{i:04d}', 'party_member': i % 2 == 0,
                    'buildings': [('add', [b.id for b in
                                buildings[i * size:(i + 1) * size]])],
                    } for i, name in enumerate(STEWARDS)])
        self.summary['red stewards'] = len(STEWARDS)

    def make_logs(self):
        """Logs of the last weeks in every compound managed, and a monthly
        inspection in most of the months before them back to the start of
        the last quarter (the evaluation counts the months logged); the
        older ones acknowledged by the community"""
        from trytond.pool import Pool
        pool = Pool()
        Management = pool.get('civic.property.management')
        Log = pool.get('civic.property.log')
        today = self.today()
        weeks_start = today - dt.timedelta(days=self.figures['logs'] * 7)
        months = []
        month = last_quarter(today)[0]
        while month < weeks_start.replace(day=1):
            months.append(month)
            month += relativedelta(months=1)
        vlist = []
        for management in Management.search([('current', '=', True)],
                order=[('id', 'ASC')]):
            regularity = self.random.uniform(.6, 1)
            for month in months:
                if self.random.random() > regularity:
                    continue
                kind, text = MONTHLY_LOG
                vlist.append({
                        'company': management.company.id,
                        'compound': management.compound.id,
                        'kind': kind,
                        'date': month + dt.timedelta(
                            days=self.random.randrange(2, 25)),
                        'description': text.format(
                            n=self.random.randrange(1, 6)),
                        'households_reached': 0,
                        })
            for i in range(self.figures['logs']):
                kind, text = LOGS[(i + management.id) % len(LOGS)]
                reached = self.random.randrange(5, 60)
                vlist.append({
                        'company': management.company.id,
                        'compound': management.compound.id,
                        'kind': kind, 'date': today - dt.timedelta(
                            days=i * 7 + self.random.randrange(0, 5)),
                        'description': text.format(n=reached),
                        'households_reached': reached,
                        })
        logs = []
        for i in range(0, len(vlist), 2000):
            logs.extend(Log.create(vlist[i:i + 2000]))
            self.commit()
        older = [g for g in logs if (today - g.date).days > 10]
        Log.acknowledge(older)
        self.summary['work logs'] = len(logs)
        self.summary['acknowledged'] = len(older)

    def make_owners_committees(self):
        "An owners' committee of five residents per managed compound"
        from trytond.pool import Pool
        pool = Pool()
        Management = pool.get('civic.property.management')
        Party = pool.get('party.party')
        Committee = pool.get('civic.property.owners_committee')
        today = self.today()
        managements = Management.search([('current', '=', True)],
            order=[('id', 'ASC')])
        # one search per community, not per compound (960 at the seed size)
        residents = {}
        for community in {m.compound.area for m in managements}:
            residents[community.id] = [p.id for p in Party.search([
                        ('household.area', 'child_of', [community.id],
                            'parent'),
                        ], order=[('id', 'ASC')], limit=400)]
        vlist = []
        for management in managements:
            compound = management.compound
            owners = residents[compound.area.id]
            chosen = self.random.sample(owners, min(5, len(owners)))
            kind = 'owners' if management.households >= 300 else 'management'
            vlist.append({
                    'name': compound.name + (
                        '业主委员会' if kind == 'owners' else '物业管理委员会'),
                    'kind': kind, 'compound': compound.id,
                    'start_date': today - dt.timedelta(
                        days=self.random.randrange(100, 1000)),
                    'members': [('create', [{
                                    'party': p,
                                    'role': 'director' if i == 0 else 'member',
                                    } for i, p in enumerate(chosen)])],
                    })
        for i in range(0, len(vlist), 500):
            Committee.create(vlist[i:i + 500])
            self.commit()
        self.summary["owners' committees"] = len(vlist)

    def make_tripartite(self):
        """A tripartite meeting held in the home community on parking, one
        of its decisions overdue, and one planned in the other street"""
        from trytond.pool import Pool
        pool = Pool()
        Committee = pool.get('civic.property.owners_committee')
        Meeting = pool.get('civic.party.meeting')
        Organisation = pool.get('civic.party.organisation')
        Party = pool.get('party.party')
        today = self.today()
        made = []
        for code in (HOME, 'D01S02C01'):
            owners = Committee.search([('compound.area.code', '=', code),
                    ('compound.property_company', '!=', None)],
                order=[('id', 'ASC')], limit=1)
            convener = Organisation.search([('area.code', '=', code),
                    ('kind', '=', 'community_committee')], limit=1)
            if not owners or not convener:
                continue
            owners, = owners
            compound = owners.compound
            community = compound.area
            secretary, = Party.create([{'name': f'{community.name}党委书记'}])
            held = code == HOME
            made.extend(Meeting.create([{
                        'name': f'{compound.name}停车难问题三方联动会议',
                        'kind': 'tripartite', 'organisation': convener[0].id,
                        'area': community.id, 'compound': compound.id,
                        'property_company': compound.property_company.id,
                        'owners_committee': owners.id,
                        'date': today - dt.timedelta(days=20 if held else -7),
                        'topics': '小区停车位不足、车辆乱停放、消防通道堵塞',
                        'attendees': [('create', [
                                    {'kind': 'community',
                                        'party': secretary.id},
                                    {'kind': 'property', 'party':
                                        compound.property_company.party.id},
                                    {'kind': 'owners',
                                        'party': owners.members[0].party.id},
                                    ])],
                        'decisions': [('create', [
                                    {'description': '施划临时停车位40个',
                                        'owner': compound.property_company
                                        .party.id,
                                        'due_date': today - dt.timedelta(
                                            days=5)},
                                    {'description': '清理消防通道杂物，设置禁停标识',
                                        'owner': compound.property_company
                                        .party.id,
                                        'due_date': today + dt.timedelta(
                                            days=10)},
                                    ])],
                        }]))
            if held:
                Meeting.hold(made[-1:])
        self.summary['tripartite meetings'] = len(made)

    def make_projects(self):
        """Service projects each community posts; in the home community one
        claimed by the first company with its progress logged, one closed,
        one open; elsewhere one claimed by the managing company"""
        from trytond.pool import Pool
        pool = Pool()
        Area = pool.get('civic.area')
        Management = pool.get('civic.property.management')
        Project = pool.get('civic.property.project')
        Log = pool.get('civic.property.log')
        today = self.today()
        communities = Area.search([('level.code', '=', 'community')],
            order=[('code', 'ASC')])
        titles = ['楼道照明改造', '口袋公园认养', '老旧小区加装电梯协调',
            '垃圾分类督导']
        projects = Project.create([{
                    'name': title, 'community': c.id,
                    'posted_date': today - dt.timedelta(days=40 - 5 * i),
                    'description': f'{c.name}{title}',
                    } for c in communities for i, title in enumerate(
                    titles if c.code == HOME else titles[:1])])
        for project in projects:
            if project.name == titles[2]:
                continue  # still open to every company
            management = Management.search([
                    ('compound.area', '=', project.community.id),
                    ('current', '=', True)], order=[('id', 'ASC')], limit=1)
            if not management:
                continue
            company = management[0].company
            Project.claim_for([project], company,
                date=project.posted_date + dt.timedelta(days=3))
            Log.create([{
                    'company': company.id,
                    'compound': management[0].compound.id,
                    'kind': 'service', 'project': project.id,
                    'date': today - dt.timedelta(days=2),
                    'description': f'{project.name}：已完成第一阶段',
                    'households_reached': self.random.randrange(20, 120),
                    }])
            if project.name == titles[1]:
                Project.write([project], {'result': '已完成，居民满意'})
                Project.close([project])
        self.summary['service projects'] = len(projects)

    def make_staff(self):
        """The demo login is the first company's staff; every other company
        has a staff user too, without a password (the administrator gives
        one), who answers its complaints"""
        from trytond.pool import Pool
        pool = Pool()
        User = pool.get('res.user')
        Lang = pool.get('ir.lang')
        ModelData = pool.get('ir.model.data')
        Company = pool.get('civic.property.company')
        group = ModelData.get_id('civic_property', 'group_civic_property')
        zh_cn = Lang.search([('code', '=', 'zh_CN')], limit=1)
        language = zh_cn[0].id if zh_cn and zh_cn[0].translatable else None
        companies = Company.search([], order=[('code', 'ASC')])
        logins = {c.id: PROPERTY_LOGIN if c.code == 'WY001'
            else f'{PROPERTY_LOGIN}_{c.code.lower()}' for c in companies}
        users = {u.login: u.id for u in User.search(
                [('login', 'in', list(logins.values()))])}
        for user in User.create([{
                        'login': logins[c.id],
                        'name': f'{c.party.name}工作人员',
                        'language': language,
                        'groups': [('add', [group])],
                        } for c in companies
                    if logins[c.id] not in users]):
            users[user.login] = user.id
        Company.write(*[a for c in companies for a in (
                    [c], {'users': [('add', [users[logins[c.id]]])]})])
        self.summary['company staff users'] = len(companies)

    # --- complaints -----------------------------------------------------
    def make_property_matters(self):
        """The property class of the demo categories (events_demo.py) and
        its matters are property matters; the class is made as that demo
        makes it when there is none (the seed district has no grid
        events)"""
        from trytond.pool import Pool
        Category = Pool().get('civic.event.category')

        from events_demo import CATEGORIES, LEVELS, LIMITS
        if not Category.search([('code', '=', 'property')]):
            (code, name, department, anonymous, limit, _, matters), = [
                c for c in CATEGORIES if c[0] == 'property']

            def limits(key):
                return [('create', [{
                                'level': level,
                                'accept_hours': Decimal(accept),
                                'resolve_hours': Decimal(resolve),
                                } for level, (accept, resolve) in zip(
                                LEVELS, LIMITS[key])])]
            Category.create([{
                        'code': code, 'name': name,
                        'department': department, 'anonymous': anonymous,
                        'limits': limits(limit),
                        'description': f'网格事项准入清单：{name}类事项，'
                        f'由{department}牵头处置。',
                        'children': [('create', [{
                                        'code': m_code, 'name': m_name,
                                        'keywords': keywords,
                                        'department': (m_department
                                            or department),
                                        'anonymous': anonymous,
                                        'limits': (limits(m_limit)
                                            if m_limit else []),
                                        } for (m_code, m_name, keywords,
                                            m_department, m_limit, _)
                                    in matters])],
                        }])
        matters = Category.search([('code', 'in', ['property', *MATTERS])])
        Category.write(matters, {'property_matter': True})
        self.summary['property matters'] = len(matters)

    def make_complaints(self):
        """Complaints of the last 15 months in every compound managed, more
        in the home community, taken through the event loop at their
        moments: the grid accepts them at its next round (a few rejected),
        the company's staff answer them at the round after (some a day
        late; in the seed, root answers for the companies outside the home
        community, once per round), the community calls the reporter back
        and closes them; the steps still to come are not taken.  In the
        demo, the home community's two companies have one of each step
        open today."""
        from trytond.pool import Pool
        from trytond.transaction import Transaction

        from civic_grid import clock
        pool = Pool()
        Event = pool.get('civic.event')
        Category = pool.get('civic.event.category')
        Management = pool.get('civic.property.management')
        Building = pool.get('civic.building')
        Area = pool.get('civic.area')
        now = clock.now()
        today = now.date()
        categories = {c.code: c.id for c in Category.search(
                [('code', 'in', list(MATTERS))])}
        managements = Management.search([('current', '=', True)],
            order=[('id', 'ASC')])
        staff = {}
        for management in managements:
            company = management.company
            staff[company.id] = company.users[0].id if company.users else 0
        # where in the compound: its buildings' grids, or its community's
        buildings = {}
        for building in Building.search([('compound', 'in',
                        [m.compound.id for m in managements])],
                order=[('id', 'ASC')]):
            buildings.setdefault(building.compound.id, []).append(
                (building.area.id, building.name))
        grids = {}
        for row in Area.search_read([('level.code', '=', 'micro_grid')],
                fields_names=['path'], order=[('id', 'ASC')]):
            community = int(row['path'].split('/')[2])
            grids.setdefault(community, []).append((row['id'], ''))
        quality = {}
        for management in managements:
            quality.setdefault(management.company.id, self.random.choices(
                    [('poor', 2.0), ('fair', 1.0), ('good', .5)],
                    weights=[2, 6, 2])[0])
        this_month = today.replace(day=1)
        plans = []
        for management in managements:
            compound = management.compound
            home = compound.area.code == HOME
            places = (buildings.get(compound.id)
                or grids.get(compound.area.id) or [(compound.area.id, '')])
            kind, factor = quality[management.company.id]
            mean = factor * self.figures[
                'home_complaints' if home else 'complaints']
            for back in range(COMPLAINT_MONTHS):
                month = this_month - relativedelta(months=back)
                length = (month + relativedelta(months=1) - month).days
                days = (today - month).days + 1 if back == 0 else length
                for _ in range(poisson(self.random, mean * days / length)):
                    reported_at = dt.datetime.combine(
                        month + dt.timedelta(
                            days=self.random.randrange(days)),
                        dt.time(self.random.randrange(7, 21),
                            self.random.randrange(60),
                            self.random.randrange(60)))
                    if reported_at >= now - dt.timedelta(minutes=30):
                        continue
                    plans.append(self.complaint(management, places, kind,
                            reported_at, categories))
        if self.figures is DEMO:
            plans.extend(self.open_complaints(managements, buildings, grids,
                    categories, now))
        plans.sort(key=lambda p: p['values']['reported_at'])
        # reported batch by batch with the clock at the batch's last report
        # (the numbers carry the year of their report)
        events = []
        for _, year in itertools.groupby(plans,
                key=lambda p: p['values']['reported_at'].year):
            year = list(year)
            for i in range(0, len(year), 500):
                vlist = [p['values'] for p in year[i:i + 500]]
                with at(vlist[-1]['reported_at']):
                    events.extend(Event.create(vlist))
                self.commit()
        steps, answers = [], {}
        for plan, event in zip(plans, events):
            for order, (moment, action, argument) in enumerate(
                    plan['steps']):
                if moment > now:
                    break  # still to come, and what follows it
                user = 0
                if action == 'answer':
                    if plan['home'] or self.figures is DEMO:
                        user = staff[plan['company']]
                    else:
                        # the seed's other companies: root answers in their
                        # name, every answer of a round at once
                        answers[event.id], argument = argument, None
                steps.append((moment, order, action, user, repr(argument),
                        argument, event.id))
        steps.sort(key=lambda s: s[:5])
        taken = 0
        for (moment, _, action, user, _), group in itertools.groupby(
                steps, key=lambda s: s[:5]):
            group = list(group)
            argument = group[0][5]
            with at(moment), Transaction().set_user(user):
                records = Event.browse([s[-1] for s in group])
                if action == 'accept':
                    Event.accept(records)
                elif action == 'reject':
                    Event.write(records, {'rejection_reason': REJECTION})
                    Event.reject(records)
                elif action == 'answer' and argument is not None:
                    Event.answer_as_company(records, argument)
                elif action == 'answer':
                    Event.write(*[a for r in records for a in (
                                [r], {'resolution': answers[r.id]})])
                    Event.resolve_by_company(records)
                elif action == 'feedback':
                    Event.record_feedback(records, *argument)
                elif action == 'close':
                    Event.close(records)
            taken += 1
            if taken % 200 == 0:
                self.commit()
        states = {}
        for event in Event.browse([e.id for e in events]):
            states[event.state] = states.get(event.state, 0) + 1
        self.summary['property complaints'] = len(events)
        self.summary.update({f'complaints {s}': c
                for s, c in sorted(states.items())})

    def complaint(self, management, places, kind, reported_at, categories,
            delays=None):
        """The plan of a complaint reported at reported_at: the values of
        its event and its steps (moment, action, argument), as the rounds
        take them, or after delays (hours from the report) in the demo's
        open ones"""
        r = self.random
        compound = management.compound
        codes = [c for c in MATTERS if c in categories]
        code = r.choices(codes, weights=[MATTERS[c][0] for c in codes])[0]
        description, answer = r.choice(MATTERS[code][1])
        area, building = r.choice(places)
        spot = r.choice(SPOTS)
        source = r.choices(['hotline', 'resident', 'app'],
            weights=[4, 3, 3])[0]
        name = chinese_name(r)
        values = {
            'reported_at': reported_at,
            'source': source,
            'complaint': True,
            'category': categories[code],
            'compound': compound.id,
            'area': area,
            'description': description.format(
                place=f'{compound.name}{building}{spot}'),
            'address': f'{compound.address or ""}{compound.name}'
            f'{building}{spot}',
            'priority': 'high' if code == 'property_lift' else 'normal',
            'reporter_name': (name[0] + r.choice(['先生', '女士'])
                if source == 'hotline' else name),
            'reporter_phone': r.choice(['138', '139', '150', '158', '186',
                    '187']) + '%08d' % r.randrange(10 ** 8),
            }
        satisfaction = r.choices([5, 4, 3, 2, 1], weights=SATISFACTION[
                'poor' if kind == 'poor' else 'good'])[0]
        if delays is not None:
            feedback = (satisfaction, r.choice(FEEDBACK[satisfaction]))
            steps = [(reported_at + dt.timedelta(hours=h), action, argument)
                for h, (action, argument) in zip(delays, [
                        ('accept', None), ('answer', answer),
                        ('feedback', feedback)])]
            return {'values': values, 'company': management.company.id,
                'home': compound.area.code == HOME, 'steps': steps}
        fate = r.choices(['rated', 'unrated', 'rejected'],
            weights=[82, 14, 4])[0]
        (noon, evening), day = ROUNDS, dt.timedelta(days=1)
        accepted = next_round(reported_at + dt.timedelta(minutes=20),
            ROUNDS)
        if fate == 'rejected':
            steps = [(accepted, 'reject', None)]
        else:
            # a lift is seen to at once (its time limit is hours), the rest
            # at the next round
            answered = accepted if code == 'property_lift' else next_round(
                accepted + dt.timedelta(hours=3), ROUNDS)
            if r.random() < (.3 if kind == 'poor' else .1):
                answered += day  # late
            steps = [(accepted, 'accept', None), (answered, 'answer', answer)]
            if fate == 'rated':
                called = dt.datetime.combine(answered.date()
                    + r.choice([day, day, 2 * day]), dt.time(*evening))
                # one comment per evening and satisfaction: the call-backs
                # of a round are recorded together
                comments = FEEDBACK[satisfaction]
                steps.append((called, 'feedback', (satisfaction,
                            comments[called.toordinal() % len(comments)])))
                closing = called.date() + day
            else:
                closing = answered.date() + 3 * day
            steps.append((dt.datetime.combine(closing, dt.time(*noon)),
                    'close', None))
        return {'values': values, 'company': management.company.id,
            'home': compound.area.code == HOME, 'steps': steps}

    def open_complaints(self, managements, buildings, grids, categories,
            now):
        """The home community's two companies' complaints open today: the
        first company's just reported, accepted, answered, answered and
        rated; the second's accepted, answered late and rated"""
        home = {m.company.code: m for m in managements
            if m.compound.area.code == HOME}
        plans = []
        for code, hours_ago, delays in [
                ('WY001', .6, []),
                ('WY001', 3.2, [.7]),
                ('WY001', 26, [.7, 6.5]),
                ('WY001', 74, [1, 5, 24]),
                ('WY002', 2, [1]),
                ('WY002', 98, [1.2, 30, 48]),
                ]:
            management = home.get(code)
            if not management:
                continue
            compound = management.compound
            places = (buildings.get(compound.id)
                or grids.get(compound.area.id) or [(compound.area.id, '')])
            plans.append(self.complaint(management, places,
                    'good' if code == 'WY001' else 'poor',
                    now - dt.timedelta(hours=hours_ago), categories,
                    delays=delays))
        return plans

    # --- evaluation -----------------------------------------------------
    def make_evaluation(self):
        """The last quarter's evaluation of the home street's companies,
        computed, rated by the community (70 to 95) and confirmed"""
        from trytond.pool import Pool
        pool = Pool()
        Area = pool.get('civic.area')
        Evaluation = pool.get('civic.property.evaluation')
        Line = pool.get('civic.property.evaluation.line')
        home, = Area.search([('code', '=', HOME)])
        _, year, quarter = last_quarter(self.today())
        evaluation, = Evaluation.create([{'area': home.parent.id,
                    'year': year, 'quarter': quarter}])
        Evaluation.compute([evaluation])
        to_write = []
        for line in Evaluation(evaluation.id).lines:
            rating = self.random.randint(70, 95)
            note = ('服务规范，居民评价好' if rating >= 90
                else '总体良好，问题整改及时' if rating >= 80
                else '整改不够及时，需加强楼道保洁和设施维护')
            to_write.extend([[line], {
                        'community_rating': Decimal(rating),
                        'rating_note': note}])
        if to_write:
            Line.write(*to_write)
            Evaluation.confirm([evaluation])
        evaluation = Evaluation(evaluation.id)
        self.summary[f'companies evaluated ({evaluation.rec_name}, '
            f'{evaluation.state})'] = len(evaluation.lines)

    # --- property-fee deduction ---------------------------------------
    def make_fee_deduction(self):
        """The first company redeems property-fee deductions as a merchant
        (its staff the merchant's users); two residents of its compound,
        awarded points for volunteering, pay 10 yuan of their fee with 100
        points, one last month, one this month, each month settled"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction

        from civic_grid import clock
        pool = Pool()
        Company = pool.get('civic.property.company')
        Merchant = pool.get('civic.points.merchant')
        Rule = pool.get('civic.points.rule')
        Line = pool.get('civic.points.line')
        Redemption = pool.get('civic.points.redemption')
        Settlement = pool.get('civic.points.settlement')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        first, = Company.search([('code', '=', 'WY001')])
        users = [u.id for u in first.users]
        merchant, = Merchant.create([{
                    'code': first.code, 'name': first.party.name,
                    'party': first.party.id, 'area': first.area.id,
                    'phone': first.phone,
                    'users': [('add', users)],
                    'offers': [('create', [{
                                    'name': '物业费抵扣10元',
                                    'kind': 'property_fee', 'points': 100,
                                    'value': Decimal('10.00'),
                                    'limit_per_month': 1,
                                    'description': '本公司在管小区住户，'
                                    '每月可用100积分抵扣物业费10元。',
                                    }])],
                    }])
        Company.write([first], {'merchant': merchant.id})
        # its staff redeem at the counter (积分超市 › 核销兑换券)
        User.write(User.browse(users), {'groups': [('add', [
                            ModelData.get_id('civic_points',
                                'group_civic_merchant')])]})
        offer, = merchant.offers
        self.summary['property-fee merchants'] = 1
        if not Rule.search([('code', '=', 'volunteer_hour')]):
            return  # no points rules (the seed district): no voucher
        holders = self.fee_payers(first)
        today = self.today()
        # volunteering before the ledger's three months, under its cap
        Line.award_many([{
                    'rule': 'volunteer_hour', 'party': party.id,
                    'quantity': 12, 'date': today - dt.timedelta(days=days),
                    'origin': None, 'description': '小区志愿服务（12小时）',
                    } for party in holders for days in (150, 110)])
        redeemed = clock.now() - dt.timedelta(hours=1)
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        moments = [dt.datetime.combine(last_month - dt.timedelta(days=3),
                dt.time(10, 20)), redeemed]
        vouchers = Redemption.create([{'party': p.id, 'offer': offer.id}
                for p in holders])
        for voucher, moment in zip(vouchers, moments):
            with at(moment - dt.timedelta(days=1)):
                Redemption.issue([voucher])
            with at(moment), Transaction().set_user(users[0] if users
                    else 0):
                Redemption.redeem_code(Redemption(voucher.id).code)
        this_month = today.replace(day=1)
        for month in sorted({m.date().replace(day=1)
                    for m in moments[:len(vouchers)]}):
            settlements = Settlement.prepare(month)
            if month < this_month:
                Settlement.confirm([s for s in settlements
                        if s.merchant == merchant and s.state == 'draft'])
        self.summary['property-fee deductions'] = len(vouchers)

    def fee_payers(self, company):
        """Two heads of households living in a compound the company manages
        (in a building unit of it), given a unit when none does"""
        from trytond.pool import Pool
        pool = Pool()
        Party = pool.get('party.party')
        Household = pool.get('civic.household')
        Building = pool.get('civic.building')
        Management = pool.get('civic.property.management')
        compounds = [m.compound for m in Management.search([
                    ('company', '=', company.id), ('current', '=', True)],
                order=[('id', 'ASC')])]
        domain = [('relation_to_head', '=', 'head'),
            ('household.unit.building.compound', 'in',
                [c.id for c in compounds])]
        holders = Party.search(domain, order=[('id', 'ASC')], limit=2)
        if len(holders) < 2 and compounds:
            compound = compounds[0]
            households = Household.search([
                    ('area', 'child_of', [compound.area.id], 'parent'),
                    ('unit', '=', None)], order=[('id', 'ASC')], limit=2)
            if households:
                building, = Building.create([{
                            'name': f'{len(compound.buildings) + 1}号楼',
                            'compound': compound.id,
                            'area': households[0].area.id, 'floors': 6,
                            'units': [('create', [{'name': '1单元'}])],
                            }])
                unit, = building.units
                Household.write(*[a for i, h in enumerate(households)
                        for a in ([h], {
                                'unit': unit.id, 'room': f'{i + 3}01',
                                'address': f'{unit.rec_name}{i + 3}01室'})])
            holders = Party.search(domain, order=[('id', 'ASC')], limit=2)
        return holders
