# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Chinese demo data of volunteers (civic_volunteer): the configuration
(points per confirmed hour by the rule volunteer_hour), skills, a team per
community with its sub-teams, leaders and members, volunteers among each
community's residents (some of them reported Party members, made volunteers
with the report's button), activities of the last months published, signed
up for (one full, with its waiting list), checked in and out, their hours
confirmed into service records with points and finished, two upcoming
activities open for sign-up, a service certificate of this year,
micro-wishes posted, claimed, fulfilled with a photo and confirmed, service
orders ordered, dispatched, taken, done and rated, and emergency squads: a
past emergency of the home street activated, reported in and ended, and an
active one of the home community with half of its squad members reported.

The demo login `volunteer` (users.py) is one volunteer of 和平社区: signed
up for the coming activity there, with the year's certificate, a service
order dispatched to them and the active emergency's task still to report
in.  The organisers of the activities are the community officers' users
(the demo login `community` for 和平社区; the others without a password,
which the administrator gives).  Every step is taken with the clock
(civic_grid.clock) at its moment, so the steps date themselves; at the seed
size the steps of a day share a few moments (rounds), as the property demo
does, which keeps the server's caches (per context) useful."""
import datetime as dt
import itertools
import struct
import zlib
from decimal import Decimal

from points_demo import at, in_new_transaction
from users import USERS, VOLUNTEER_LOGIN

HOME = 'D01S01C01'
HOUR_RULE = 'volunteer_hour'
SKILLS = ['医疗护理', '法律咨询', '心理疏导', '文艺表演', '家电维修', '驾驶',
    '摄影', '电脑维护', '理发', '外语翻译', '垃圾分类指导', '课业辅导']
# sub-teams and the kinds of activity each organises
SUB_TEAMS = [
    ('环境整治分队', {'cleaning'}),
    ('关爱帮扶分队', {'visit', 'vulnerable'}),
    ('文明实践分队', {'civilisation', 'policy'}),
    ('平安巡逻分队', {'safety'}),
    ('文体活动分队', {'culture'}),
    ]
# kind, title, place ({community}, {compound}), hours
ACTIVITIES = [
    ('policy', '惠民政策宣讲进小区', '{community}党群服务中心', 2),
    ('policy', '防范电信诈骗宣传', '{compound}中心广场', 2),
    ('visit', '走访慰问独居老人', '{community}辖区', 3),
    ('visit', '困难家庭入户走访', '{community}辖区', 2),
    ('cleaning', '小区环境卫生大扫除', '{compound}', 3),
    ('cleaning', '清理楼道杂物和小广告', '{compound}各楼栋', 2),
    ('vulnerable', '为老人义务理发', '{community}党群服务中心', 3),
    ('vulnerable', '关爱留守儿童课业辅导', '{community}四点半课堂', 2),
    ('civilisation', '文明交通劝导', '人民路与沂蒙路路口', 2),
    ('civilisation', '垃圾分类宣传督导', '{compound}垃圾分类投放点', 2),
    ('safety', '夜间平安巡逻', '{community}辖区', 3),
    ('culture', '社区文艺汇演', '{community}文化广场', 3),
    ]
CONTENT = {
    'policy': '宣讲养老、医保、就业等惠民政策，解答居民咨询。',
    'visit': '入户了解老人和困难家庭的生活情况，登记需求。',
    'cleaning': '清理卫生死角、楼道杂物和乱贴的小广告。',
    'vulnerable': '为老人、残疾人和留守儿童提供上门服务。',
    'civilisation': '劝导文明出行，宣传垃圾分类和文明新风。',
    'safety': '夜间巡查小区和周边道路，排查安全隐患。',
    'culture': '组织居民文艺演出和体育活动。',
    }
# the rounds at which the community's officers dispatch service orders
ORDER_ROUNDS = [(10, 0), (16, 0)]
# the starts of the activities (hour, minute)
SLOTS = [(9, 0), (14, 30), (19, 0)]
# name, description of a micro-wish
WISHES = [
    ('一台收音机', '独居老人，想听戏曲广播。'),
    ('一副老花镜', '老人视力下降，看不清药品说明书。'),
    ('一套课外书', '留守儿童，喜欢读书。'),
    ('一个新书包', '孩子的书包破了，家里困难。'),
    ('一床厚棉被', '老人家中被褥单薄，冬天怕冷。'),
    ('一台电风扇', '老人家中没有降温设备。'),
    ('陪同就医一次', '行动不便，子女在外地，需要陪同去医院复查。'),
    ('一双棉鞋', '孤寡老人，想要一双暖和的棉鞋。'),
    ('一套学习用品', '困难家庭孩子上学需要文具。'),
    ('一个助行器', '老人腿脚不便，出门需要助行器。'),
    ('一个电子血压计', '患高血压，想在家自己量血压。'),
    ('一次上门理发', '卧床老人，出不了门。'),
    ]
CONFIRMATIONS = ['谢谢志愿者，东西很好用！', '收到了，感谢党和政府的关心！',
    '孩子特别喜欢，谢谢你们！', '很实用，谢谢社区和志愿者！',
    '志愿者很热心，非常感谢！']
# service, description
SERVICES = [
    ('上门理发', '行动不便，希望上门理发。'),
    ('代买药品', '老人独居，需要代买常用药。'),
    ('陪同就医', '需要陪同去医院复诊。'),
    ('家电维修', '家里的电视机没有信号。'),
    ('助餐送餐', '希望每天送一份午餐到家。'),
    ('代缴水电费', '不会用手机缴费，请帮忙代缴。'),
    ('上门保洁', '卧床老人家中需要打扫。'),
    ('政策咨询', '咨询高龄津贴申领办法。'),
    ('更换灯泡水龙头', '厨房水龙头漏水，灯泡坏了。'),
    ('心理陪伴', '老伴去世后情绪低落，希望有人聊聊天。'),
    ]
RESULTS = ['已按约上门完成服务，居民满意。', '已办理完毕，并留下联系电话。',
    '服务完成，约定下次回访时间。']
SQUADS = [
    ('应急巡查分队', '巡查易涝点、危旧房和地下空间，发现险情立即上报。'),
    ('应急转运分队', '协助转移老弱病残和低洼地带居民，维护安置点秩序。'),
    ('应急值守分队', '在社区和安置点值班值守，登记人员、发放物资。'),
    ('应急宣传分队', '通知到户，宣传避险常识，稳定居民情绪。'),
    ]
UNITS = ['临沂市税务局兰山分局', '兰山区人民医院', '临沂银行兰山支行',
    '国网临沂供电公司兰山供电中心']
# The demo per community: volunteers, sub-teams (2 or 3), activities in
# the last months, micro-wishes, service orders, squads and their members.
# The seed: ~15,000 volunteers (of which the street with the most
# communities holds enough for ~3,000 squad members), ~130 sub-teams, 1,200
# activities of the last year (the home community's ten times as many as
# another's: its core volunteers have many records), 1,800 wishes (98 %
# fulfilled), 2,000 service orders, squads elsewhere of ~10 % of the
# volunteers.
DEMO = dict(volunteers=15, sub_teams=None, activities=8, months=6,
    wishes=20, orders=10, order_days=90, squads=2, squad_members=6,
    capacity=(6, 12), from_reports=1.0)
SEED = dict(volunteers=15000, squad_street_volunteers=3300, sub_teams=130,
    activities=1200, home_activities=120, months=12, wishes=1800,
    orders=2000, order_days=365, squad_members=3000, squad_share=.1,
    capacity=(10, 30), from_reports=1 / 3)
BATCH = 1000


def tiny_png(rgb=(200, 40, 40)):
    "A PNG of one pixel: the photo of a fulfilled wish"
    def chunk(tag, data):
        return (struct.pack('>I', len(data)) + tag + data
            + struct.pack('>I', zlib.crc32(tag + data) & 0xffffffff))
    return (b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 2, 0, 0, 0))
        + chunk(b'IDAT', zlib.compress(b'\x00' + bytes(rgb)))
        + chunk(b'IEND', b''))


def next_round(moment, rounds):
    "The first of the daily rounds (hour, minute) at or after moment"
    day = moment.date()
    while True:
        for hour, minute in rounds:
            candidate = dt.datetime.combine(day, dt.time(hour, minute))
            if candidate >= moment:
                return candidate
        day += dt.timedelta(days=1)


def as_date(value):
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


class Caps:
    """The daily and monthly caps of the hour rule: the demo plans no
    service whose points would take a volunteer over them (the
    confirmation would be refused, every sign-up of it with it)"""

    def __init__(self, points=0, daily=None, monthly=None, earned=None):
        self.points = points
        self.daily, self.monthly = daily, monthly
        self.earned = earned or {}

    @classmethod
    def read(cls, rule):
        "The caps of rule (None: no points, no caps) and what was earned"
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        if not rule:
            return cls()
        earned = {}
        if rule.daily_cap or rule.monthly_cap:
            line = Pool().get('civic.points.line').__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*line.select(line.party, line.date,
                    line.points, where=(line.rule == rule.id)
                    & line.state.in_(['pending', 'posted'])))
            for party, date, points in cursor:
                date = as_date(date)
                for key in ((party, date), (party, date.replace(day=1))):
                    earned[key] = earned.get(key, 0) + points
        return cls(rule.points, rule.daily_cap, rule.monthly_cap, earned)

    def keys(self, party, date):
        return [(k, cap) for k, cap in [
                ((party, date), self.daily),
                ((party, date.replace(day=1)), self.monthly)]
            if cap]

    def room(self, party, date, hours):
        points = int(hours) * self.points
        return all(self.earned.get(k, 0) + points <= cap
            for k, cap in self.keys(party, date))

    def take(self, party, date, hours):
        points = int(hours) * self.points
        for key, _ in self.keys(party, date):
            self.earned[key] = self.earned.get(key, 0) + points


class VolunteerDemo:

    def __init__(self, random, commit, size_name):
        self.random = random
        self.commit = commit
        self.seed = size_name == 'seed'
        self.figures = SEED if self.seed else DEMO
        self.summary = {}

    def run(self):
        from civic_grid import clock
        self.now = clock.now()
        self.today = self.now.date()
        for step in (self.make_configuration, self.make_organisers,
                self.make_volunteers, self.make_teams, self.make_squads,
                self.make_past_emergency, self.make_activities,
                self.make_upcoming, self.make_certificate, self.make_wishes,
                self.make_orders, self.make_active_emergency):
            in_new_transaction(step)
        in_new_transaction(self.count)
        return self.summary

    # --- helpers ------------------------------------------------------
    def moment(self, day, hour, minute=0):
        return dt.datetime.combine(day, dt.time(hour, minute))

    def jitter(self, low, high):
        "Minutes between low and high in the demo, none at the seed size"
        if self.seed:
            return dt.timedelta(0)
        return dt.timedelta(minutes=self.random.randint(low, high))

    def run_steps(self, steps, handlers):
        """Take the steps (moment, order, action, payload) in time order,
        those of the same moment and action together, with the clock at
        their moment; none after now"""
        steps = sorted((s for s in steps if s[0] <= self.now),
            key=lambda s: s[:3])
        taken = 0
        for (moment, _, action), group in itertools.groupby(
                steps, key=lambda s: s[:3]):
            with at(moment):
                handlers[action]([s[3] for s in group])
            taken += 1
            if taken % 100 == 0:
                self.commit()
        return taken

    # --- configuration, organisers ----------------------------------------
    def make_configuration(self):
        from trytond.pool import Pool
        pool = Pool()
        Configuration = pool.get('civic.volunteer.configuration')
        Rule = pool.get('civic.points.rule')
        Skill = pool.get('civic.volunteer.skill')
        configuration = Configuration(1)
        rules = Rule.search([('code', '=', HOUR_RULE)], limit=1)
        configuration.hour_rule = rules[0] if rules else None
        configuration.save()
        self.caps = Caps.read(configuration.hour_rule)
        self.skills = [s.id for s in Skill.create([{'name': n}
                    for n in SKILLS])]
        self.summary['skills'] = len(self.skills)
        self.summary['points per hour'] = rules[0].points if rules else 0

    def make_organisers(self):
        """The communities, and a user of each one's officers who organises
        its activities and dispatches its orders (the demo login
        `community` for the home community)"""
        from trytond.pool import Pool
        pool = Pool()
        Area = pool.get('civic.area')
        User = pool.get('res.user')
        Lang = pool.get('ir.lang')
        ModelData = pool.get('ir.model.data')
        Compound = pool.get('civic.compound')
        communities = Area.search([('level.code', '=', 'community')],
            order=[('code', 'ASC')])
        compounds = {}
        for compound in Compound.search([], order=[('id', 'ASC')]):
            compounds.setdefault(compound.area.id, compound.name)
        self.communities = [{
                'id': c.id, 'code': c.code, 'name': c.name,
                'street': c.parent.id,
                'compound': compounds.get(c.id, c.name.replace('社区', '')
                    + '小区'),
                } for c in communities]
        self.home = next((c for c in self.communities if c['code'] == HOME),
            self.communities[0])
        group = ModelData.get_id('civic_grid', 'group_civic_community')
        zh_cn = Lang.search([('code', '=', 'zh_CN')], limit=1)
        language = zh_cn[0].id if zh_cn and zh_cn[0].translatable else None
        home_login, home_name = next((u[0], u[1]) for u in USERS
            if u[0] == 'community')
        logins = {c['id']: home_login if c is self.home
            else f'community_{c["code"].lower()}' for c in self.communities}
        users = {u.login: u.id for u in User.search(
                [('login', 'in', list(logins.values()))])}
        for user in User.create([{
                        'login': logins[c['id']],
                        'name': home_name if c is self.home
                        else f'社区工作人员（{c["name"]}）',
                        'language': language,
                        'groups': [('add', [group])],
                        'civic_areas': [('add', [c['id']])],
                        } for c in self.communities
                    if logins[c['id']] not in users]):
            users[user.login] = user.id
        self.organisers = {c: users[login] for c, login in logins.items()}

    # --- volunteers ---------------------------------------------------
    def residents(self):
        """{community id: [(party id, grid id, birth date)]} of every
        resident, in one query (the seed has 400,000)"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        pool = Pool()
        party = pool.get('party.party').__table__()
        household = pool.get('civic.household').__table__()
        area = pool.get('civic.area').__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*party.join(household,
                condition=party.household == household.id).join(area,
                condition=household.area == area.id).select(
                party.id, area.id, area.path, party.birth_date,
                order_by=[party.id]))
        result = {c['id']: [] for c in self.communities}
        for party_id, grid, path, birth_date in cursor:
            ids = path.strip('/').split('/')
            if len(ids) > 2 and int(ids[2]) in result:
                result[int(ids[2])].append(
                    (party_id, grid, as_date(birth_date)))
        return result

    def quotas(self):
        "{community id: volunteers wanted}"
        if not self.seed:
            return {c['id']: self.figures['volunteers']
                for c in self.communities}
        street = self.squad_street()
        in_street = [c for c in self.communities if c['street'] == street]
        others = [c for c in self.communities if c['street'] != street]
        quotas = {}
        for group, total in [
                (in_street, self.figures['squad_street_volunteers']),
                (others, self.figures['volunteers']
                    - self.figures['squad_street_volunteers'])]:
            for i, community in enumerate(group):
                quotas[community['id']] = (total // len(group)
                    + (1 if i < total % len(group) else 0))
        return quotas

    def squad_street(self):
        "The street with the most communities (the first of them on a tie)"
        counts = {}
        for community in self.communities:
            counts[community['street']] = counts.get(
                community['street'], 0) + 1
        return max(sorted(counts), key=lambda s: counts[s])

    def make_volunteers(self):
        """Reported Party members made volunteers by their report's button,
        then residents of 18 to 70 up to each community's quota; the demo
        login is the home community's first volunteer"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        pool = Pool()
        Volunteer = pool.get('civic.volunteer')
        MemberReport = pool.get('civic.party.member_report')
        quotas = self.quotas()
        by_path = {c['id']: c for c in self.communities}
        # the reports' volunteers registered on the day of their report or
        # a few days after, up to the share of the quota they may fill
        reports = MemberReport.search([('state', '!=', 'ended')],
            order=[('date', 'ASC'), ('id', 'ASC')])
        taken, chosen = {}, {}
        for report in reports:
            community = report.community.id
            party = report.member.party.id
            limit = int(quotas.get(community, 0)
                * self.figures['from_reports'])
            if (community not in by_path or party in chosen
                    or taken.get(community, 0) >= limit):
                continue
            taken[community] = taken.get(community, 0) + 1
            registered = min(self.today, report.date + dt.timedelta(
                    days=self.random.randint(0, 20)))
            chosen[party] = (registered, report.id)
        days = {}
        for party, (day, report) in chosen.items():
            days.setdefault(day, []).append(report)
        for day, ids in sorted(days.items()):
            with at(self.moment(day, 10) if day < self.today
                    else self.now):
                MemberReport.make_volunteer(MemberReport.browse(ids))
        self.commit()
        from_reports = len(chosen)
        residents = self.residents()
        vlist = []
        for community in self.communities:
            people = [r for r in residents[community['id']]
                if r[0] not in chosen and r[2]
                and 18 <= (self.today - r[2]).days / 365.25 <= 70]
            wanted = max(0, quotas[community['id']]
                - taken.get(community['id'], 0))
            for party, _, _ in self.random.sample(
                    people, min(wanted, len(people))):
                vlist.append({
                        'party': party, 'area': community['id'],
                        'registration_date': self.today - dt.timedelta(
                            days=self.random.randint(190, 1500)),
                        'availability': self.random.choice(
                            ['any', 'any', 'weekdays', 'evenings',
                                'weekends']),
                        'skills': [('add', self.random.sample(self.skills,
                                    self.random.choice([0, 1, 1, 2])))],
                        })
        # the home community's first volunteer is the demo login's
        vlist.sort(key=lambda v: v['area'] != self.home['id'])
        for i in range(0, len(vlist), BATCH):
            Volunteer.create(vlist[i:i + BATCH])
            self.commit()
        self.volunteers = {c['id']: [] for c in self.communities}
        self.party_of = {}
        table = Volunteer.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, table.area, table.party,
                order_by=[table.id]))
        for volunteer, area, party in cursor:
            if area in self.volunteers:
                self.volunteers[area].append(volunteer)
                self.party_of[volunteer] = party
        home = self.volunteers[self.home['id']]
        # not a reported member: the first of the residents registered
        first = next((v for v in home if self.party_of[v] not in chosen),
            home[0] if home else None)
        self.demo_volunteer = first
        if first:
            self.link_login(first)
        self.summary['volunteers'] = sum(map(len, self.volunteers.values()))
        self.summary['of them reported Party members'] = from_reports

    def link_login(self, volunteer_id):
        "The demo login `volunteer` is this volunteer's"
        from trytond.pool import Pool
        pool = Pool()
        User = pool.get('res.user')
        Lang = pool.get('ir.lang')
        ModelData = pool.get('ir.model.data')
        Volunteer = pool.get('civic.volunteer')
        login, name, groups = next(u[:3] for u in USERS
            if u[0] == VOLUNTEER_LOGIN)
        users = User.search([('login', '=', login)])
        if not users:
            zh_cn = Lang.search([('code', '=', 'zh_CN')], limit=1)
            users = User.create([{'login': login, 'name': name,
                        'language': (zh_cn[0].id
                            if zh_cn and zh_cn[0].translatable else None),
                        'groups': [('add', [ModelData.get_id(
                                        *g.split('.')) for g in groups])],
                        }])
        user, = users
        Volunteer.write(Volunteer.search([('user', '=', user.id),
                    ('active', 'in', [True, False])]), {'user': None})
        Volunteer.write([Volunteer(volunteer_id)], {'user': user.id})
        self.volunteer_user = user.id

    # --- teams ----------------------------------------------------------
    def sub_team_counts(self):
        if not self.seed:
            return {c['id']: self.random.choice([2, 3])
                for c in self.communities}
        total = self.figures['sub_teams']
        counts = {}
        for i, community in enumerate(self.communities):
            counts[community['id']] = min(len(SUB_TEAMS), total // len(
                    self.communities) + (1 if i < total % len(
                        self.communities) else 0))
        return counts

    def make_teams(self):
        """A team of every volunteer of each community, its sub-teams
        sharing them out, each led by one of its members"""
        from trytond.pool import Pool
        pool = Pool()
        Team = pool.get('civic.volunteer.team')
        counts = self.sub_team_counts()
        self.teams = {}
        plans = []
        for community in self.communities:
            members = list(self.volunteers[community['id']])
            names = [n for n, _ in SUB_TEAMS[:counts[community['id']]]]
            plans.append((community, members, names))
        parents = []
        for i in range(0, len(plans), 100):
            parents.extend(Team.create([{
                            'name': f'{c["name"]}志愿服务队',
                            'area': c['id'],
                            'members': [('add', m)],
                            } for c, m, _ in plans[i:i + 100]]))
            self.commit()
        vlist, owners = [], []
        for (community, members, names), parent in zip(plans, parents):
            shuffled = self.random.sample(members, len(members))
            if community is self.home and self.demo_volunteer:
                shuffled.remove(self.demo_volunteer)
                shuffled.insert(0, self.demo_volunteer)
            for index, name in enumerate(names):
                share = shuffled[index::len(names)]
                vlist.append({
                        'name': name, 'area': community['id'],
                        'parent': parent.id,
                        'members': [('add', share)],
                        })
                owners.append((community['id'], name, share))
        sub_teams = []
        for i in range(0, len(vlist), 100):
            sub_teams.extend(Team.create(vlist[i:i + 100]))
            self.commit()
        # the leaders, once they are members
        to_write = []
        for (community, _, _), parent in zip(plans, parents):
            members = self.volunteers[community['id']]
            if members:
                to_write.extend([[parent], {'leader': members[-1]}])
            self.teams[community['id']] = {'': parent.id}
        for team, (community, name, share) in zip(sub_teams, owners):
            if share:
                to_write.extend([[team], {'leader': share[0]}])
            self.teams[community][name] = team.id
        if to_write:
            Team.write(*to_write)
        self.summary['teams'] = len(parents)
        self.summary['sub-teams'] = len(sub_teams)

    def team_for(self, community, kind):
        "The sub-team of the community that organises kind (else its team)"
        teams = self.teams[community]
        for name, kinds in SUB_TEAMS:
            if kind in kinds and name in teams:
                return teams[name]
        return teams['']

    # --- squads and emergencies -----------------------------------------
    def make_squads(self):
        """Two squads per community (the demo) or, at the seed size, squads
        of ~3,000 members in the street with the most communities and of
        ~10 % of the volunteers elsewhere"""
        from trytond.pool import Pool
        Squad = Pool().get('civic.volunteer.squad')
        vlist = []
        street = self.squad_street() if self.seed else None
        in_street = [c for c in self.communities if c['street'] == street]
        for community in self.communities:
            volunteers = list(self.volunteers[community['id']])
            if not volunteers:
                continue
            if community in in_street:
                share = self.figures['squad_members'] // len(in_street)
                members = self.random.sample(volunteers,
                    min(share, len(volunteers)))
                count = 4
            elif self.seed:
                members = self.random.sample(volunteers, max(2, round(
                            len(volunteers) * self.figures['squad_share'])))
                count = 2
            else:
                members = self.random.sample(volunteers, min(len(volunteers),
                        self.figures['squads']
                        * self.figures['squad_members']))
                count = self.figures['squads']
            if community is self.home and self.demo_volunteer:
                if self.demo_volunteer in members:
                    members.remove(self.demo_volunteer)
                members.insert(0, self.demo_volunteer)
            for index, (name, duties) in enumerate(SQUADS[:count]):
                share = members[index::count]
                if not share:
                    continue
                vlist.append({
                        'name': f'{community["name"]}{name}',
                        'area': community['id'], 'leader': share[0],
                        'duties': duties,
                        'members': [('add', share)],
                        })
        squads = []
        for i in range(0, len(vlist), 100):
            squads.extend(Squad.create(vlist[i:i + 100]))
            self.commit()
        self.summary['squads'] = len(squads)
        self.summary['squad members'] = sum(len(v['members'][0][1])
            for v in vlist)

    def make_past_emergency(self):
        """The demo's home street activated for a flood seven weeks ago:
        most squad members reported in within the hour, the end six hours
        after turned their time into service records"""
        from trytond.pool import Pool
        pool = Pool()
        Emergency = pool.get('civic.volunteer.emergency')
        Task = pool.get('civic.volunteer.emergency.task')
        if self.seed:
            return
        street = self.home['street']
        activated = self.moment(self.today - dt.timedelta(days=50), 15, 0)
        ended = activated + dt.timedelta(hours=6)
        emergency, = Emergency.create([{
                    'name': '防汛应急：强降雨转移低洼地带居民',
                    'area': street,
                    'description': '全体应急编队到岗：巡查易涝点，'
                    '转移低洼地带和危旧房居民，值守安置点。',
                    }])
        with at(activated):
            Emergency.activate([emergency])
        tasks = Task.search([('emergency', '=', emergency.id)],
            order=[('id', 'ASC')])
        reports = {}
        for task in tasks:
            if self.random.random() > .85:
                continue  # did not report
            delay = self.random.choice([10, 20, 35, 55])
            reported = activated + dt.timedelta(minutes=delay)
            party = self.party_of.get(task.volunteer.id)
            hours = (ended - reported).total_seconds() / 3600
            if party and not self.caps.room(party, reported.date(), hours):
                continue
            if party:
                self.caps.take(party, reported.date(), hours)
            reports.setdefault(reported, []).append(task.id)
        for moment, ids in sorted(reports.items()):
            with at(moment):
                Task.report_in(Task.browse(ids))
        with at(ended):
            Emergency.deactivate([emergency])
        self.summary['past emergency tasks'] = len(tasks)
        self.summary['past emergency reported'] = sum(map(len,
                reports.values()))

    def make_active_emergency(self):
        """The home community activated an hour ago by its officer: half of
        its squad members have reported in, not the demo login"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        pool = Pool()
        Emergency = pool.get('civic.volunteer.emergency')
        Task = pool.get('civic.volunteer.emergency.task')
        if self.seed:
            return
        activated = self.now - dt.timedelta(hours=1)
        emergency, = Emergency.create([{
                    'name': '寒潮应急：走访独居老人、排查供暖',
                    'area': self.home['id'],
                    'description': '寒潮橙色预警：各编队走访独居和高龄老人，'
                    '排查供暖和燃气安全，值守社区服务站。',
                    }])
        with at(activated), Transaction().set_user(
                self.organisers[self.home['id']]):
            Emergency.activate([emergency])
        tasks = [t for t in Task.search([('emergency', '=', emergency.id)],
                order=[('id', 'ASC')])
            if t.volunteer.id != self.demo_volunteer]
        reporting = tasks[::2]
        for index, task in enumerate(reporting):
            with at(activated + dt.timedelta(minutes=8 + 7 * index)):
                Task.report_in([task])
        self.summary['active emergency tasks'] = len(tasks) + 1
        self.summary['active emergency reported'] = len(reporting)

    # --- activities -----------------------------------------------------
    def activity_counts(self):
        if not self.seed:
            return {c['id']: self.figures['activities']
                for c in self.communities}
        home = self.figures['home_activities']
        others = [c for c in self.communities if c is not self.home]
        rest = self.figures['activities'] - home
        counts = {self.home['id']: home}
        for i, community in enumerate(others):
            counts[community['id']] = (rest // len(others)
                + (1 if i < rest % len(others) else 0))
        return counts

    def make_activities(self):
        """Activities of the last months in every community, each taken
        from publication to the end: sign-ups (one activity full, its
        waiting list moving up when a volunteer cancels), check-in and
        check-out at their times, the hours confirmed and the activity
        finished the next morning"""
        from trytond.pool import Pool
        pool = Pool()
        Activity = pool.get('civic.volunteer.activity')
        Signup = pool.get('civic.volunteer.signup')
        counts = self.activity_counts()
        days = self.figures['months'] * 30
        low, high = self.figures['capacity']
        plans = []
        for community in self.communities:
            volunteers = self.volunteers[community['id']]
            if not volunteers:
                continue
            # a few core volunteers come to most activities
            weights = {v: self.random.paretovariate(1.3) for v in volunteers}
            if community is self.home and self.demo_volunteer:
                weights[self.demo_volunteer] = max(weights.values()) * 2
            count = counts[community['id']]
            # one full activity in the demo, its waiting list moving up
            full = (self.random.randrange(count)
                if count and community is self.home else None)
            for index in range(count):
                day = self.today - dt.timedelta(
                    days=self.random.randint(3, days))
                plans.append(self.activity_plan(community, day, weights,
                        index == full or (self.seed
                            and self.random.random() < .05),
                        low, high))
        vlist = [p['values'] for p in plans]
        activities = []
        for i in range(0, len(vlist), BATCH):
            activities.extend(Activity.create(vlist[i:i + BATCH]))
            self.commit()
        steps = []
        for plan, activity in zip(plans, activities):
            for moment, order, action, payload in plan['steps']:
                steps.append((moment, order, action,
                        (activity.id, payload)))
        signups = {}

        def browse_signups(payloads):
            return Signup.browse([signups[p] for p in payloads])

        def sign_up(payloads):
            for signup in Signup.create([{'activity': a, 'volunteer': v}
                        for a, v in payloads]):
                signups[signup.activity.id, signup.volunteer.id] = signup.id

        handlers = {
            'publish': lambda p: Activity.publish(
                Activity.browse(sorted({a for a, _ in p}))),
            'sign_up': sign_up,
            'cancel': lambda p: Signup.cancel(browse_signups(p)),
            'check_in': lambda p: Signup.do_check_in(browse_signups(p)),
            'check_out': lambda p: Signup.do_check_out(browse_signups(p)),
            'confirm': lambda p: Signup.confirm(browse_signups(p)),
            'finish': lambda p: Activity.finish(
                Activity.browse(sorted({a for a, _ in p}))),
            }
        self.run_steps(steps, handlers)
        self.summary['activities done'] = len(activities)

    def activity_plan(self, community, day, weights, full, low, high):
        """The values and the steps (moment, order, action, payload) of an
        activity of community on day: payload (volunteer) or None"""
        r = self.random
        kind, name, place, hours = r.choice(ACTIVITIES)
        if kind == 'safety':
            hour, minute = SLOTS[2]
        else:
            hour, minute = r.choice(SLOTS[:2] if kind != 'culture'
                else SLOTS)
        start = self.moment(day, hour, minute)
        end = start + dt.timedelta(hours=hours)
        capacity = r.randint(low, high)
        values = {
            'name': name, 'kind': kind,
            'team': self.team_for(community['id'], kind),
            'area': community['id'],
            'place': place.format(community=community['name'],
                compound=community['compound']),
            'start': start, 'end': end, 'capacity': capacity,
            'organiser': self.organisers[community['id']],
            'content': CONTENT[kind],
            }
        # who signs up: drawn by weight, within their caps of points
        wanted = capacity + r.randint(1, 3) if full else max(1, round(
                capacity * r.uniform(.6, 1)))
        pool = list(weights)
        chosen = []
        while pool and len(chosen) < wanted:
            volunteer, = r.choices(pool, weights=[weights[v] for v in pool])
            pool.remove(volunteer)
            party = self.party_of[volunteer]
            if not self.caps.room(party, day, hours):
                continue
            chosen.append(volunteer)
        if full:
            # the most eager one signs up first
            home = self.demo_volunteer
            if home in chosen:
                chosen.remove(home)
                chosen.insert(0, home)
        # the community publishes its next month's activities on the 25th
        # (the seed: a week ahead); volunteers sign up in the last days
        if self.seed:
            published = self.moment(day - dt.timedelta(days=7), 9, 30)
        else:
            published = self.moment((day.replace(day=1)
                    - dt.timedelta(days=1)).replace(day=25), 9, 30)
        steps = [(published, 0, 'publish', None)]
        if self.seed:
            groups = [(self.moment(day - dt.timedelta(days=2), 20), chosen)]
        elif full:
            half = max(1, len(chosen) // 2)
            groups = [
                (self.moment(day - dt.timedelta(days=5), 20)
                    + self.jitter(0, 50), chosen[:half]),
                (self.moment(day - dt.timedelta(days=3), 12)
                    + self.jitter(0, 50), chosen[half:]),
                ]
        else:
            groups = [(self.moment(day - dt.timedelta(days=3), 20)
                    + self.jitter(0, 50), chosen)]
        for moment, volunteers in groups:
            for volunteer in volunteers:
                steps.append((moment, 1, 'sign_up', volunteer))
        registered = chosen[:capacity]
        if full and len(chosen) > capacity:
            # one cancels the day before: the first waiting takes the place
            leaving = registered[-1]
            steps.append((self.moment(day - dt.timedelta(days=1), 18), 2,
                    'cancel', leaving))
            registered = registered[:-1] + chosen[capacity:capacity + 1]
        confirmed = self.moment(day + dt.timedelta(days=1), 10)
        # the demo: some come late to one activity in three, some leave
        # early from one in four, a few do not come
        late_ones = not self.seed and r.random() < 1 / 3
        early_ones = not self.seed and r.random() < 1 / 4
        for volunteer in registered:
            if not self.seed and r.random() < .08:
                continue  # did not come
            late = late_ones and r.random() < .3
            early = early_ones and r.random() < .3
            check_in = start + dt.timedelta(minutes=15 if late else -10)
            check_out = end + dt.timedelta(minutes=-50 if early
                else 0 if self.seed else 5)
            steps.append((check_in, 3, 'check_in', volunteer))
            steps.append((check_out, 4, 'check_out', volunteer))
            steps.append((confirmed, 5, 'confirm', volunteer))
            self.caps.take(self.party_of[volunteer], day, hours)
        steps.append((confirmed, 6, 'finish', None))
        return {'values': values, 'steps': steps}

    def make_upcoming(self):
        """Two activities of the coming days open for sign-up: one in the
        home community, which the demo login signed up for from their own
        login, one in another community"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        pool = Pool()
        Activity = pool.get('civic.volunteer.activity')
        Signup = pool.get('civic.volunteer.signup')
        others = [c for c in self.communities if c is not self.home]
        plans = [(self.home, 3, '关爱高龄老人上门服务', 'vulnerable', 9, 3, 20),
            ((others or [self.home])[0], 5, '小区环境卫生大扫除', 'cleaning',
                14, 3, 15)]
        made = 0
        for community, days, name, kind, hour, hours, capacity in plans:
            volunteers = self.volunteers[community['id']]
            if not volunteers:
                continue
            start = self.moment(self.today + dt.timedelta(days=days), hour,
                30 if hour == 14 else 0)
            activity, = Activity.create([{
                        'name': name, 'kind': kind,
                        'team': self.team_for(community['id'], kind),
                        'area': community['id'],
                        'place': (f'{community["name"]}党群服务中心'
                            if kind == 'vulnerable'
                            else community['compound']),
                        'start': start,
                        'end': start + dt.timedelta(hours=hours),
                        'capacity': capacity,
                        'organiser': self.organisers[community['id']],
                        'content': CONTENT[kind],
                        }])
            with at(self.now - dt.timedelta(days=2, hours=3)):
                Activity.publish([activity])
            others_ = [v for v in volunteers if v != self.demo_volunteer]
            signed = self.random.sample(others_, min(len(others_),
                    capacity // 2))
            with at(self.now - dt.timedelta(days=1, hours=5)):
                Signup.create([{'activity': activity.id, 'volunteer': v}
                        for v in signed[:len(signed) // 2]])
            with at(self.now - dt.timedelta(hours=2)):
                Signup.create([{'activity': activity.id, 'volunteer': v}
                        for v in signed[len(signed) // 2:]])
            if community is self.home and self.demo_volunteer:
                with at(self.now - dt.timedelta(minutes=40)), \
                        Transaction().set_user(self.volunteer_user):
                    Activity.sign_up([activity])
            made += 1
        self.summary['upcoming activities'] = made

    def make_certificate(self):
        "The year's service certificate of the demo login's volunteer"
        from trytond.pool import Pool
        pool = Pool()
        Certificate = pool.get('civic.volunteer.certificate')
        Record = pool.get('civic.volunteer.record')
        if not self.demo_volunteer:
            return
        start = self.today.replace(month=1, day=1)
        if not Record.search([('volunteer', '=', self.demo_volunteer),
                    ('date', '>=', start)], limit=1):
            start = start.replace(year=start.year - 1)  # early January
        certificate, = Certificate.create([{
                    'volunteer': self.demo_volunteer, 'start': start,
                    'end': self.today}])
        with at(self.now - dt.timedelta(minutes=30)):
            Certificate.issue([certificate])
        certificate = Certificate(certificate.id)
        self.summary[f'hours on the certificate {certificate.number}'] = (
            float(certificate.hours))

    # --- micro-wishes -----------------------------------------------------
    def wish_counts(self):
        total = self.figures['wishes'] if self.seed else (
            self.figures['wishes'] * len(self.communities))
        return {c['id']: total // len(self.communities) + (
                1 if i < total % len(self.communities) else 0)
            for i, c in enumerate(self.communities)}

    def wish_days(self):
        """The district's micro-wish days: the wishes collected are
        published together, claimed at the claiming evening two days after
        (the units the next morning), fulfilled a week or ten days after
        and confirmed the day after.  The demo: every five weeks, then one
        three days ago; the seed: the 1st and the 15th of every month."""
        if not self.seed:
            return [self.today - dt.timedelta(days=d)
                for d in (165, 130, 95, 60, 25, 3)]
        days, month = [], self.today.replace(day=1)
        for _ in range(self.figures['months'] + 1):
            days += [month, month.replace(day=15)]
            month = (month - dt.timedelta(days=1)).replace(day=1)
        return sorted(d for d in days
            if self.today - dt.timedelta(days=365) <= d < self.today)

    def make_wishes(self):
        """Micro-wishes of the residents (the elderly first) in their grids:
        published by the community's officer on the wish days, claimed by a
        volunteer of the community or a member unit, fulfilled with a photo
        and confirmed by the resident; the latest still open, one
        withdrawn"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        pool = Pool()
        Wish = pool.get('civic.volunteer.wish')
        Party = pool.get('party.party')
        units = [p.id for p in Party.search([('name', 'in', UNITS),
                    ('household', '=', None)], order=[('id', 'ASC')])]
        residents = self.residents()
        counts = self.wish_counts()
        wish_days = self.wish_days()
        # the wishes fulfilled were published twelve days ago at least
        past = [d for d in wish_days if d <= self.today - dt.timedelta(
                days=12)] or wish_days[:1]
        photo = tiny_png()
        plans = []
        r = self.random
        for community in self.communities:
            people = sorted(residents[community['id']],
                key=lambda p: p[2] or self.today)
            volunteers = self.volunteers[community['id']]
            if not people or not volunteers:
                continue
            elderly = people[:max(1, len(people) // 3)]
            count = counts[community['id']]
            for index in range(count):
                if self.seed:
                    fate = r.choices(['done', 'open', 'withdrawn'],
                        weights=[98, 1.5, .5])[0]
                else:
                    fate = ('withdrawn' if community is self.home
                        and index == count - 3 else 'open'
                        if index >= count - 2 else 'done')
                party, grid, _ = r.choice(elderly)
                name, description = r.choice(WISHES)
                day = (past[index * len(past) // count]
                    if fate == 'done' and not self.seed
                    else r.choice(past) if fate == 'done'
                    else wish_days[-1] if not self.seed
                    else r.choice(wish_days))
                values = {
                    'name': name, 'description': description,
                    'beneficiary': party, 'area': grid,
                    'due_date': day + dt.timedelta(
                        days=r.choice([15, 20, 30])),
                    }
                by_unit = units and r.random() < .2
                claimant = ((None, r.choice(units)) if by_unit
                    else (r.choice(volunteers), None))
                steps = [(self.moment(day, 9, 30), 0, 'publish', None)]
                claimed = (self.moment(day + dt.timedelta(days=3), 10)
                    if by_unit else self.moment(
                        day + dt.timedelta(days=2), 19, 30))
                if fate == 'withdrawn':
                    steps.append((self.moment(day + dt.timedelta(days=1),
                                10), 4, 'withdraw', None))
                elif fate == 'open' and index % 2:
                    pass  # still waiting for a claim
                else:
                    steps.append((claimed, 1, 'claim', claimant))
                    if fate == 'done':
                        fulfilled = self.moment(day + dt.timedelta(
                                days=r.choice([7, 7, 7, 10])), 15)
                        steps.append((fulfilled, 2, 'fulfil', None))
                        steps.append((fulfilled + dt.timedelta(hours=19),
                                3, 'confirm', r.choice(CONFIRMATIONS)))
                plans.append((values, steps, community))
        wishes = []
        vlist = [v for v, _, _ in plans]
        for i in range(0, len(vlist), BATCH):
            wishes.extend(Wish.create(vlist[i:i + BATCH]))
            self.commit()
        steps = []
        organiser = {}
        for wish, (_, wish_steps, community) in zip(wishes, plans):
            organiser[wish.id] = self.organisers[community['id']]
            for moment, order, action, payload in wish_steps:
                steps.append((moment, order, action, (wish.id, payload)))

        def publish(payloads):
            # by the community's officer, who posts the wish
            by_user = {}
            for wish, _ in payloads:
                by_user.setdefault(organiser[wish], []).append(wish)
            for user, ids in by_user.items():
                with Transaction().set_user(user):
                    Wish.publish(Wish.browse(ids))

        def claim(payloads):
            Wish.write(*[a for wish, (volunteer, unit) in payloads
                    for a in ([Wish(wish)], {'claimed_volunteer': volunteer,
                            'claimed_unit': unit})])
            Wish.claim(Wish.browse([w for w, _ in payloads]))

        def fulfil(payloads):
            records = Wish.browse([w for w, _ in payloads])
            Wish.write(records, {'photo': photo})
            Wish.fulfil(records)

        def confirm(payloads):
            Wish.write(*[a for wish, words in payloads
                    for a in ([Wish(wish)], {'confirmation': words})])
            Wish.confirm(Wish.browse([w for w, _ in payloads]))

        handlers = {
            'publish': publish, 'claim': claim, 'fulfil': fulfil,
            'confirm': confirm,
            'withdraw': lambda p: Wish.withdraw(
                Wish.browse([w for w, _ in p])),
            }
        self.run_steps(steps, handlers)

    # --- service orders ---------------------------------------------------
    def order_counts(self):
        total = self.figures['orders'] if self.seed else (
            self.figures['orders'] * len(self.communities))
        return {c['id']: total // len(self.communities) + (
                1 if i < total % len(self.communities) else 0)
            for i, c in enumerate(self.communities)}

    def make_orders(self):
        """Residents' service orders: dispatched by the community's officer
        to a volunteer of the community, taken, done and rated 3 to 5
        stars; the two latest of each community open, and in the home
        community one overdue (not taken two days and more after it was
        ordered) and one dispatched to the demo login"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        pool = Pool()
        Order = pool.get('civic.service.order')
        residents = self.residents()
        counts = self.order_counts()
        days = self.figures['order_days']
        r = self.random
        plans = []
        for community in self.communities:
            people = sorted(residents[community['id']],
                key=lambda p: p[2] or self.today)
            volunteers = self.volunteers[community['id']]
            if not people or not volunteers:
                continue
            elderly = people[:max(1, len(people) // 3)]
            count = counts[community['id']]
            home = community is self.home
            for index in range(count):
                if self.seed:
                    fate = r.choices(['closed', 'ordered', 'dispatched'],
                        weights=[99, .5, .5])[0]
                else:
                    fate = ('closed' if index < count - 2 else 'ordered'
                        if index == count - 2 else 'dispatched')
                party, grid, _ = r.choice(elderly)
                service, description = r.choice(SERVICES)
                assignee = r.choice(volunteers)
                if fate == 'closed':
                    ordered = self.moment(self.today - dt.timedelta(
                            days=r.randint(12, days)), 8) + dt.timedelta(
                        minutes=r.randrange(0, 10 * 60, 5))
                elif home and fate == 'ordered':
                    # overdue: ordered 56 hours ago, dispatched, not taken
                    ordered = self.now - dt.timedelta(hours=56)
                    fate = 'dispatched'
                elif home:
                    ordered = self.now - dt.timedelta(hours=5)
                    assignee = self.demo_volunteer or assignee
                else:
                    ordered = self.now - dt.timedelta(
                        hours=r.randint(3, 30))
                values = {'resident': party, 'area': grid,
                    'service': service, 'description': description}
                steps = [(ordered, 0, 'order', values)]
                if fate == 'dispatched':
                    steps.append((ordered + dt.timedelta(minutes=40), 1,
                            'dispatch', assignee))
                elif fate == 'closed':
                    # the officer dispatches at the day's rounds, the
                    # volunteer takes it that evening and does it the next
                    # day (or the day after), the residents are called back
                    # on Friday evenings
                    dispatched = next_round(
                        ordered + dt.timedelta(minutes=30), ORDER_ROUNDS)
                    taken = self.moment(dispatched.date(), 20)
                    done = self.moment(taken.date() + dt.timedelta(
                            days=r.choice([1, 1, 2])), 15)
                    called = done.date() + dt.timedelta(days=1)
                    called += dt.timedelta(days=(4 - called.weekday()) % 7)
                    rating = r.choices(['3', '4', '5'], weights=[1, 3, 6])[0]
                    steps += [
                        (dispatched, 1, 'dispatch', assignee),
                        (taken, 2, 'take', None),
                        (done, 3, 'do', r.choice(RESULTS)),
                        (self.moment(called, 19), 4, 'close', rating),
                        ]
                plans.append((steps, community))
        orders = {}
        steps = []
        for key, (plan_steps, community) in enumerate(plans):
            for moment, order, action, payload in plan_steps:
                steps.append((moment, order, action,
                        (key, payload, community['id'])))

        def order(payloads):
            created = Order.create([values for _, values, _ in payloads])
            for (key, _, _), record in zip(payloads, created):
                orders[key] = record.id

        def dispatch(payloads):
            Order.write(*[a for key, assignee, _ in payloads
                    for a in ([Order(orders[key])], {'assignee': assignee})])
            by_user = {}
            for key, _, community in payloads:
                by_user.setdefault(self.organisers[community], []).append(
                    orders[key])
            for user, ids in by_user.items():
                with Transaction().set_user(user):
                    Order.dispatch(Order.browse(ids))

        def do(payloads):
            Order.write(*[a for key, result, _ in payloads
                    for a in ([Order(orders[key])], {'result': result})])
            Order.do(Order.browse([orders[k] for k, _, _ in payloads]))

        def close(payloads):
            Order.write(*[a for key, rating, _ in payloads
                    for a in ([Order(orders[key])], {'rating': rating})])
            Order.close(Order.browse([orders[k] for k, _, _ in payloads]))

        handlers = {
            'order': order, 'dispatch': dispatch, 'do': do, 'close': close,
            'take': lambda p: Order.take(
                Order.browse([orders[k] for k, _, _ in p])),
            }
        self.run_steps(steps, handlers)

    # --- the summary ------------------------------------------------------
    def count(self):
        from trytond.pool import Pool
        pool = Pool()
        for label, model in [
                ('sign-ups', 'civic.volunteer.signup'),
                ('wishes', 'civic.volunteer.wish'),
                ('service orders', 'civic.service.order'),
                ]:
            Model = pool.get(model)
            states = {}
            for row in Model.search_read([], fields_names=['state']):
                states[row['state']] = states.get(row['state'], 0) + 1
            self.summary[label] = sum(states.values())
            self.summary.update({f'{label} {s}': c
                    for s, c in sorted(states.items())})
        Record = pool.get('civic.volunteer.record')
        records = Record.search_read([], fields_names=['hours'])
        self.summary['service records'] = len(records)
        self.summary['service hours'] = float(sum(
                (r['hours'] for r in records), Decimal(0)))
        Order = pool.get('civic.service.order')
        self.summary['orders overdue'] = Order.search_count(
            [('overdue', '=', True)])
