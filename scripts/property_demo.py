# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Chinese demo data of red property (civic_property): property companies,
one with a Party branch of its own, the compounds they manage, a compound
of over 1,000 households whose company has none (flagged on the two
coverages list), red stewards, and the joint-building work logs, some
acknowledged by the community.

The demo login `property` (users.py) is the staff of the first company."""
import datetime as dt

from points_demo import in_new_transaction
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
# compounds per community, companies and of them with a branch of their own
SEED = dict(compounds=12, companies=150, branches=35, logs=6)
DEMO = dict(compounds=1, companies=0, branches=0, logs=4)


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
                self.make_projects, self.make_staff):
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
        """Logs of the last weeks in every compound managed; the older ones
        acknowledged by the community"""
        from trytond.pool import Pool
        pool = Pool()
        Management = pool.get('civic.property.management')
        Log = pool.get('civic.property.log')
        today = self.today()
        vlist = []
        for management in Management.search([('current', '=', True)],
                order=[('id', 'ASC')]):
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
        "The demo login is the first company's staff"
        from trytond.pool import Pool
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Company = pool.get('civic.property.company')
        group = ModelData.get_id('civic_property', 'group_civic_property')
        first, = Company.search([('code', '=', 'WY001')])
        user = User.search([('login', '=', PROPERTY_LOGIN)])
        if not user:
            user = User.create([{'login': PROPERTY_LOGIN,
                        'name': f'{first.party.name}工作人员',
                        'groups': [('add', [group])]}])
        Company.write([first], {'users': [('add', [u.id for u in user])]})
