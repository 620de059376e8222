# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Chinese demo data of Party building (civic_party): the organisation tree
on the areas (a working committee per street, a Party committee per
community, a grid branch per big grid, functional branches, building Party
groups), members among the residents with their work units, the three
households, dual reporting by units and in-service members, a grand Party
committee with its three lists, and joint meetings, one of them held (its
attendees earn points).

At the seed size it builds the seed district's figures: about 10,000
members, 7,844 Party-member households, 120 functional branches, 1,057
building Party groups, 2,933 members reported to their residence and 67
in-service cadres as functional-branch secretaries."""
import datetime as dt

from points_demo import in_new_transaction
from users import UNIT_LOGIN

UNITS = ['临沂市税务局兰山分局', '兰山区人民医院', '国网临沂供电公司兰山供电中心',
    '临沂银行兰山支行', '沂州区实验中学', '兰山区城市管理局', '临沂市公安局兰山分局',
    '中国移动临沂分公司', '兰山区市场监督管理局', '临沂市第一人民医院']
FUNCTIONS = ['物业', '退役军人', '流动党员', '非公企业', '社会组织', '离退休干部']
# (resources, needs, projects) of the demo grand committee
RESOURCES = [
    ('义诊服务', '兰山区人民医院'), ('政策宣讲', '临沂市税务局兰山分局'),
    ('用电安全检查', '国网临沂供电公司兰山供电中心'),
    ('金融知识讲座', '临沂银行兰山支行'),
    ]
NEEDS = [
    ('老年人健康体检', 10), ('老旧小区线路检修', 20), ('青少年课后托管', 45),
    ('防范电信诈骗宣传', 5),
    ]
PROJECTS = [
    # project, need, resource, state
    ('和平社区老年人义诊', '老年人健康体检', '义诊服务', 'done'),
    ('老旧小区用电安全行动', '老旧小区线路检修', '用电安全检查', 'in_progress'),
    ]
MEETING_RULE = 'party_meeting'
SEED = dict(members=10000, households=7844, functional=120, building=1057,
    reported=2933, cadres=67)
DEMO = dict(members=60, households=20, functional=6, building=12,
    reported=12, cadres=3)
HOME = 'D01S01C01'
OUTSIDE = 'D01S02C01'


class PartyDemo:

    def __init__(self, random, commit, size_name):
        self.random = random
        self.commit = commit
        self.figures = SEED if size_name == 'seed' else DEMO
        self.summary = {}

    def run(self):
        for step in (self.make_tree, self.make_members, self.make_households,
                self.make_secretaries, self.make_reports,
                self.make_committees, self.make_meetings):
            in_new_transaction(step)
        return self.summary

    # --- the organisation tree ---------------------------------------
    def make_tree(self):
        from trytond.pool import Pool
        pool = Pool()
        Area = pool.get('civic.area')
        Organisation = pool.get('civic.party.organisation')
        today = dt.date.today()

        def founded():
            return today - dt.timedelta(days=self.random.randrange(
                    365, 365 * 30))
        streets = Area.search([('level.code', '=', 'street')],
            order=[('code', 'ASC')])
        top = Organisation.create([{
                    'code': f'P{a.code}', 'kind': 'working_committee',
                    'name': f'中共{a.name}工作委员会', 'area': a.id,
                    'founding_date': founded(),
                    } for a in streets])
        by_area = {o.area.id: o for o in top}
        communities = Area.search([('level.code', '=', 'community')],
            order=[('code', 'ASC')])
        middle = Organisation.create([{
                    'code': f'P{a.code}', 'kind': 'community_committee',
                    'name': f'中共{a.name}委员会', 'area': a.id,
                    'parent': by_area[a.parent.id].id,
                    'founding_date': founded(),
                    } for a in communities])
        by_area.update({o.area.id: o for o in middle})
        bigs = Area.search([('level.code', '=', 'big_grid')],
            order=[('code', 'ASC')])
        branches = Organisation.create([{
                    'code': f'P{a.code}', 'kind': 'grid_branch',
                    'name': f'{a.parent.name}{a.name}党支部', 'area': a.id,
                    'parent': by_area[a.parent.id].id,
                    'founding_date': founded(),
                    } for a in bigs if a.parent.id in by_area])
        by_area.update({o.area.id: o for o in branches})
        self.commit()
        functional = Organisation.create([{
                    'code': f'P{c.code}F{i:02d}', 'kind': 'functional_branch',
                    'name': f'{c.name}{FUNCTIONS[i % len(FUNCTIONS)]}'
                    '功能型党支部',
                    'area': c.id, 'parent': by_area[c.id].id,
                    'areas': [('add', [b.id for b in bigs
                                if b.parent.id == c.id][:3])],
                    'founding_date': founded(),
                    } for i, c in self.spread(self.figures['functional'],
                    communities)])
        # ids only: reading 1,057 areas sampled from 10,653 loaded records
        # reads their neighbours again and again
        micros = [a.id for a in Area.search(
                [('level.code', '=', 'micro_grid')], order=[('code', 'ASC')])]
        chosen = Area.browse(sorted(self.random.sample(micros,
                    min(len(micros), self.figures['building']))))
        big_of = self.ancestor_of(chosen, 'big_grid')
        groups = []
        vlist = [{
                'code': f'P{a.code}', 'kind': 'building_group',
                'name': f'{a.name}楼栋党小组', 'area': a.id,
                'parent': by_area[big_of[a.id]].id,
                'founding_date': founded(),
                } for a in chosen if big_of.get(a.id) in by_area]
        for i in range(0, len(vlist), 1000):
            groups.extend(Organisation.create(vlist[i:i + 1000]))
            self.commit()
        self.summary['organisations'] = (len(top) + len(middle)
            + len(branches) + len(functional) + len(groups))
        self.summary['functional branches'] = len(functional)
        self.summary['building groups'] = len(groups)

    def spread(self, total, parents):
        "total (index, parent) pairs, the parents taken in turn"
        return [(i, parents[i % len(parents)]) for i in range(total)]

    @staticmethod
    def ancestor_of(areas, level_code):
        "{area id: id of its ancestor at level_code}"
        from trytond.pool import Pool
        Area = Pool().get('civic.area')
        ids = {int(i) for a in areas for i in a.path.split('/') if i}
        level = {a.id: a.level.code for a in Area.browse(list(ids))}
        result = {}
        for area in areas:
            for i in area.path.split('/'):
                if i and level[int(i)] == level_code:
                    result[area.id] = int(i)
        return result

    # --- members and households --------------------------------------
    def make_members(self):
        from trytond.pool import Pool
        pool = Pool()
        Party = pool.get('party.party')
        Organisation = pool.get('civic.party.organisation')
        Member = pool.get('civic.party.member')
        units = Party.create([{'name': n} for n in UNITS])
        today = dt.date.today()
        # ids only: the seed district has 300,000 adults, of whom the
        # members are read
        adults = [p.id for p in Party.search([
                    ('household', '!=', None),
                    ('birth_date', '<', today - dt.timedelta(days=20 * 365)),
                    ], order=[('id', 'ASC')])]
        chosen = Party.browse(sorted(self.random.sample(adults,
                    min(len(adults), self.figures['members']))))
        # the home community first: its officers see members in the demo
        chosen.sort(key=lambda p: not p.household.area.path.startswith(
                self.home_path()))
        organisations = Organisation.search([
                ('kind', 'in', ['building_group', 'grid_branch'])])
        by_area = {o.area.id: o.id for o in organisations}
        kinds = ['in_service'] * 3 + ['resident'] * 3 + ['retired'] * 3 + [
            'mobile']
        vlist = []
        for index, party in enumerate(chosen):
            path = [int(i) for i in party.household.area.path.split('/')
                if i]
            holder = next((by_area[i] for i in reversed(path)
                    if i in by_area), None)
            if holder is None:
                continue
            kind = kinds[index % len(kinds)]
            vlist.append({
                    'party': party.id, 'kind': kind, 'organisation': holder,
                    'joining_date': today - dt.timedelta(
                        days=self.random.randrange(365, 365 * 40)),
                    'work_unit': (self.random.choice(units).id
                        if kind == 'in_service' else None),
                    })
        members = []
        for i in range(0, len(vlist), 2000):
            members.extend(Member.create(vlist[i:i + 2000]))
            self.commit()
        self.summary['members'] = len(members)

    def home_path(self):
        from trytond.pool import Pool
        Area = Pool().get('civic.area')
        areas = Area.search([('code', '=', HOME)])
        return areas[0].path if areas else '-'

    def make_households(self):
        from trytond.pool import Pool
        pool = Pool()
        Member = pool.get('civic.party.member')
        Household = pool.get('civic.household')
        households = list(dict.fromkeys(
                m.party.household.id for m in Member.search(
                    [], order=[('id', 'ASC')])))
        households = households[:self.figures['households']]
        for index, kind in enumerate(['central', 'bastion', 'vanguard']):
            ids = households[index::3]
            for i in range(0, len(ids), 2000):
                Household.write(Household.browse(ids[i:i + 2000]),
                    {'party_kind': kind})
                self.commit()
        self.summary['Party-member households'] = len(households)

    def make_secretaries(self):
        "Secretaries: in-service cadres for some functional branches"
        from trytond.pool import Pool
        pool = Pool()
        Organisation = pool.get('civic.party.organisation')
        Member = pool.get('civic.party.member')
        Appointment = pool.get('civic.appointment')
        ModelData = pool.get('ir.model.data')
        role = ModelData.get_id('civic_party', 'role_party_secretary')
        today = dt.date.today()
        start = today - dt.timedelta(days=400)
        in_service = Member.search([('kind', '=', 'in_service')],
            order=[('id', 'ASC')])
        others = Member.search([('kind', '!=', 'in_service')],
            order=[('id', 'ASC')])
        functional = Organisation.search(
            [('kind', '=', 'functional_branch')], order=[('id', 'ASC')])
        committees = Organisation.search(
            [('kind', 'in', ['working_committee', 'community_committee'])],
            order=[('id', 'ASC')])
        cadres = self.figures['cadres']
        homes = {id(p): [(m, m.party.household.area.path) for m in p]
            for p in (in_service, others)}
        vlist = []
        for index, organisation in enumerate(functional + committees):
            # a member who lives in the organisation's area when there is one
            pool_ = in_service if index < cadres else others
            local = [m for m, path in homes[id(pool_)]
                if path.startswith(organisation.area.path)]
            pool_ = local or pool_
            if not pool_:
                continue
            member = pool_[index % len(pool_)]
            vlist.append({
                    'party': member.party.id, 'role': role,
                    'area': organisation.area.id,
                    'party_organisation': organisation.id,
                    'start_date': start,
                    'end_date': start + dt.timedelta(days=5 * 365),
                    'nomination': 'organisation',
                    })
        Appointment.create(vlist)
        self.summary['secretaries'] = len(vlist)

    # --- dual reporting ----------------------------------------------
    def make_reports(self):
        from trytond.pool import Pool
        pool = Pool()
        Party = pool.get('party.party')
        Area = pool.get('civic.area')
        Member = pool.get('civic.party.member')
        UnitReport = pool.get('civic.party.unit_report')
        MemberReport = pool.get('civic.party.member_report')
        today = dt.date.today()
        units = Party.search([('name', 'in', UNITS)], order=[('id', 'ASC')])
        communities = Area.search([('level.code', '=', 'community')],
            order=[('code', 'ASC')])
        home = [c for c in communities if c.code == HOME]
        outside = [c for c in communities if c.code == OUTSIDE]
        pairs = [(u, home[0]) for u in units[:3]] if home else []
        pairs += [(units[3], outside[0])] if outside else []
        pairs += [(u, communities[i % len(communities)])
            for i, u in enumerate(units[4:])]
        reports = UnitReport.create([{
                    'unit': unit.id, 'community': community.id,
                    'date': today - dt.timedelta(days=200 + i),
                    'agreement_date': today - dt.timedelta(days=200 + i),
                    'start_date': today - dt.timedelta(days=200 + i),
                    'end_date': today + dt.timedelta(days=165 + i),
                    'undertakings': '结对共建：每季度开展一次志愿服务，'
                    '认领社区微心愿，参与社区治理议事。',
                    } for i, (unit, community) in enumerate(pairs)])
        UnitReport.confirm(reports[:-1])
        self.make_contacts(reports)
        by_unit_community = {(r.unit.id, r.community.id): r.id
            for r in reports}
        community_of = self.ancestor_of(
            [m.party.household.area for m in Member.search(
                    [('kind', '=', 'in_service')])], 'community')
        vlist = []
        for member in Member.search([('kind', '=', 'in_service')],
                order=[('id', 'ASC')]):
            if len(vlist) >= self.figures['reported']:
                break
            community = community_of.get(member.party.household.area.id)
            if not community:
                continue
            vlist.append({
                    'member': member.id, 'community': community,
                    'unit_report': by_unit_community.get(
                        (member.work_unit.id, community)),
                    'date': today - dt.timedelta(
                        days=self.random.randrange(10, 300)),
                    'normal_duties': '参加社区志愿服务\n认领微心愿\n'
                    '参与楼栋议事',
                    'emergency_duties': '服从社区统一调度\n参与应急值守',
                    })
        member_reports = []
        for i in range(0, len(vlist), 2000):
            member_reports.extend(MemberReport.create(vlist[i:i + 2000]))
            self.commit()
        MemberReport.confirm(member_reports[::2])
        self.summary['units reported'] = len(reports)
        self.summary['members reported'] = len(member_reports)

    def make_contacts(self, reports):
        """A contact user per unit (without a password: the administrator
        gives one), who sees the unit's reports; the demo login is the
        first unit's"""
        from trytond.pool import Pool
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        group = ModelData.get_id('civic_party', 'group_civic_member_unit')
        units = list(dict.fromkeys(r.unit for r in reports))
        logins = {u.id: UNIT_LOGIN if i == 0 else f'{UNIT_LOGIN}_{i:02d}'
            for i, u in enumerate(units)}
        existing = {u.login: u for u in User.search(
                [('login', 'in', list(logins.values()))])}
        users = {u.login: u for u in User.create([{
                        'login': logins[u.id], 'name': f'{u.name}联络员',
                        'groups': [('add', [group])],
                        } for u in units if logins[u.id] not in existing])}
        users.update(existing)
        for report in reports:
            report.contacts = [users[logins[report.unit.id]]]
        reports[0].__class__.save(reports)

    # --- the grand committee and its three lists ---------------------
    def make_committees(self):
        from trytond.pool import Pool
        pool = Pool()
        Area = pool.get('civic.area')
        Party = pool.get('party.party')
        Organisation = pool.get('civic.party.organisation')
        Committee = pool.get('civic.party.committee')
        Project = pool.get('civic.party.project')
        today = dt.date.today()
        units = {u.name: u for u in Party.search([('name', 'in', UNITS)])}
        made = 0
        for code in (HOME, OUTSIDE):
            communities = Area.search([('code', '=', code)])
            if not communities:
                continue
            community, = communities
            organisation = Organisation.search([('area', '=', community.id),
                    ('kind', '=', 'community_committee')], limit=1)
            committee, = Committee.create([{
                        'name': f'{community.name}“大党委”',
                        'community': community.id,
                        'organisation': (organisation[0].id
                            if organisation else None),
                        'members': [('create', [{
                                        'person': units[n].id,
                                        'unit': units[n].id,
                                        'position': '兼职委员',
                                        'start_date': today - dt.timedelta(
                                            days=300),
                                        } for _, n in RESOURCES])],
                        'offered_resources': [('create', [{
                                        'name': name, 'unit': units[n].id,
                                        'date': today - dt.timedelta(
                                            days=60),
                                        } for name, n in RESOURCES])],
                        'needs': [('create', [{
                                        'name': name,
                                        'date': today - dt.timedelta(
                                            days=days),
                                        } for name, days in NEEDS])],
                        }])
            resources = {r.name: r for r in committee.offered_resources}
            needs = {n.name: n for n in committee.needs}
            projects = Project.create([{
                        'committee': committee.id, 'name': name,
                        'need': needs[need].id,
                        'resource': resources[resource].id,
                        'unit': resources[resource].unit.id,
                        'start_date': today - dt.timedelta(days=30),
                        'end_date': today + dt.timedelta(days=30),
                        } for name, need, resource, _ in PROJECTS])
            Project.start(projects)
            Project.do([p for p, (*_, state) in zip(projects, PROJECTS)
                    if state == 'done'])
            made += 1
        self.summary['grand committees'] = made

    # --- meetings ----------------------------------------------------
    def make_meetings(self):
        from trytond.pool import Pool
        pool = Pool()
        Organisation = pool.get('civic.party.organisation')
        Member = pool.get('civic.party.member')
        Meeting = pool.get('civic.party.meeting')
        Rule = pool.get('civic.points.rule')
        Configuration = pool.get('civic.party.configuration')
        today = dt.date.today()
        rules = Rule.search([('code', '=', MEETING_RULE)])
        if rules:
            configuration = Configuration(1)
            configuration.meeting_rule = rules[0]
            configuration.save()
        held = []
        for code in (HOME, OUTSIDE):
            organisation = Organisation.search([('area.code', '=', code),
                    ('kind', '=', 'community_committee')], limit=1)
            if not organisation:
                continue
            organisation, = organisation
            community = organisation.area
            members = Member.search([
                    ('party.household.area', 'child_of', [community.id],
                        'parent')], limit=6, order=[('id', 'ASC')])
            attendees = [{'kind': 'member', 'party': m.party.id,
                    'attended': i != 0} for i, m in enumerate(members)]
            meetings = Meeting.create([{
                        'name': f'{community.name}党建联席会议（第三季度）',
                        'kind': 'joint', 'organisation': organisation.id,
                        'area': community.id,
                        'date': today - dt.timedelta(days=20),
                        'topics': '老旧小区改造进度\n共驻共建单位认领项目\n'
                        '冬季安全隐患排查',
                        'attendees': [('create', attendees)],
                        'decisions': [('create', [{
                                        'description': '十二月底前完成3号楼'
                                        '线路检修',
                                        'due_date': today + dt.timedelta(
                                            days=20),
                                        }, {
                                        'description': '组织一次防范电信诈骗'
                                        '宣传',
                                        'due_date': today - dt.timedelta(
                                            days=5),
                                        }])],
                        }, {
                        'name': f'{community.name}党群议事会',
                        'kind': 'council', 'organisation': organisation.id,
                        'area': community.id,
                        'date': today + dt.timedelta(days=7),
                        'topics': '小区停车位规划',
                        }])
            held.append(meetings[0])
        Meeting.hold(held)
        self.summary['meetings'] = len(held) * 2
