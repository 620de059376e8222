#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Fill a Civic Grid database with Chinese demo or scale data.

Sizes: tiny (tests), demo (README command 1), seed (the largest district of
the seeds: 10 streets, 80 communities, 16,178 grids, ~150,000 households,
~400,000 residents, 14,906 appointments).  Everything goes through the ORM in
batches, committed batch by batch, with progress printed."""
import argparse
import datetime as dt
import math
import os
import random
import subprocess
import sys
import time

from stdnum.cn import ric

from demo_names import chinese_name
from users import GRID_WORKER_LOGIN, USERS

SIZES = {
    # streets, communities, big, medium, small, micro grids, households,
    # residents, appointments
    'tiny': dict(streets=2, communities=2, big=2, medium=2, small=4, micro=8,
        households=40, residents=100, appointments=14),
    'demo': dict(streets=3, communities=6, big=6, medium=12, small=24,
        micro=48, households=150, residents=400, appointments=90),
    'seed': dict(streets=10, communities=80, big=502, medium=1237,
        small=3786, micro=10653, households=150000, residents=400000,
        appointments=14906),
    }
BATCH = 2000

STREET_NAMES = ['兰山', '银雀山', '金雀山', '柳青', '向阳', '沂河', '朝阳',
    '解放路', '东城', '南坊', '北园', '西城']
COMMUNITY_WORDS = ['和平', '幸福', '光明', '育才', '友谊', '新华', '民主', '团结',
    '振兴', '文化', '康乐', '春晖', '惠民', '锦绣', '翠苑', '滨河']
ROAD_WORDS = ['人民路', '沂蒙路', '解放路', '通达路', '金雀山路', '银雀山路',
    '北京路', '上海路', '临西路', '平安路']
# Region codes valid for every birth year (stdnum checks the years too)
REGION_CODES = ['370100', '370200', '370300', '370400']
PHONE_PREFIXES = ['130', '133', '135', '137', '138', '139', '150', '151',
    '152', '158', '159', '177', '180', '186', '187', '189']


def log(message):
    print(time.strftime('%H:%M:%S'), message, flush=True)


class Generator:

    def __init__(self, size, seed=20261123, commit=True, part=0, parts=1):
        self.size = SIZES[size]
        self.commit_batches = commit
        self.size_name = size
        # Parts run in parallel processes: each draws ID numbers, phone
        # numbers and resident numbers from its own range, so none collide
        self.part, self.parts = part, parts
        self.region_codes = REGION_CODES[part::parts]
        self.phone_prefixes = PHONE_PREFIXES[part::parts]
        self.random = random.Random(seed + part)
        self.id_numbers = set()
        self.phones = set()
        self.resident_number = part * 10 ** 7

    @property
    def part_label(self):
        if self.parts == 1:
            return ''
        return f' (part {self.part + 1}/{self.parts})'

    # --- helpers -----------------------------------------------------
    def name(self):
        return chinese_name(self.random, two_characters=.7)

    def id_number(self, birth_date, male):
        while True:
            sequence = self.random.randrange(0, 999)
            if (sequence % 2 == 1) != male:
                sequence += 1 if sequence < 998 else -1
            body = (self.random.choice(self.region_codes)
                + birth_date.strftime('%Y%m%d') + '%03d' % sequence)
            number = body + ric.calc_check_digit(body + '0')
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def phone(self):
        while True:
            number = self.random.choice(self.phone_prefixes) + '%08d' % (
                self.random.randrange(10 ** 8))
            if number not in self.phones:
                self.phones.add(number)
                return number

    def birth_date(self, head):
        today = dt.date.today()
        low, high = (25, 90) if head else (0, 95)
        age_days = self.random.randrange(low * 365, high * 365)
        return today - dt.timedelta(days=age_days)

    @staticmethod
    def spread(total, parents):
        "Split total children as evenly as possible over parents"
        base, extra = divmod(total, len(parents))
        for index, parent in enumerate(parents):
            yield parent, base + (1 if index < extra else 0)

    def commit(self):
        from trytond.transaction import Transaction
        if self.commit_batches:
            Transaction().commit()

    def create_batched(self, Model, vlist, what):
        records = []
        started = time.perf_counter()
        for i in range(0, len(vlist), BATCH):
            records.extend(Model.create(vlist[i:i + BATCH]))
            self.commit()
            if len(vlist) > BATCH:
                rate = len(records) / (time.perf_counter() - started)
                log(f'  {what}: {len(records):,}/{len(vlist):,} '
                    f'({rate:,.0f}/s)')
        return records

    # --- the district --------------------------------------------------
    def run(self, jobs=1, command=()):
        from trytond.pool import Pool
        pool = Pool()
        Area = pool.get('civic.area')
        started = time.perf_counter()
        timings = {}
        steps = ['areas', 'households', 'residents', 'appointments', 'visits']
        if Area.search([('code', '=', 'D01')], limit=1):
            log('the district is already there')
            steps = []
            self.micro_grids = Area.search(
                [('level.code', '=', 'micro_grid')], order=[('id', 'ASC')])
            self.communities = Area.search(
                [('level.code', '=', 'community')], order=[('id', 'ASC')])
        if self.wants_points():
            steps.append('points')
        if self.wants_events():
            steps.append('events')
        if self.wants_party():
            steps.append('party')
        if self.wants_property():
            steps.append('property')
        if self.wants_volunteer():
            steps.append('volunteer')
        if self.wants_station():
            steps.append('station')
        if self.wants_assessment():
            steps.append('assessment')
        for step in steps:
            step_started = time.perf_counter()
            if step == 'residents' and jobs > 1:
                self.make_residents_in_parallel(jobs, command)
            else:
                getattr(self, 'make_' + step)()
            timings[step] = time.perf_counter() - step_started
            log(f'{step} done in {timings[step]:.1f} s')
        total = time.perf_counter() - started
        log(f'district generated in {total:.1f} s')
        self.timings = timings
        self.total = total
        return timings

    def wants_points(self):
        "Points demo data, when civic_points is active and has none yet"
        from trytond.pool import Pool
        pool = Pool()
        try:
            Rule = pool.get('civic.points.rule')
        except KeyError:
            return False
        if self.size_name == 'seed':
            log('points: the seed ledger is filled by the benchmark')
            return False
        return not Rule.search([], limit=1)

    def make_points(self):
        from points_demo import PointsDemo
        PointsDemo(self.random, self.commit).run()

    def wants_events(self):
        "Grid-event demo data, when civic_event is active and has none yet"
        from trytond.pool import Pool
        pool = Pool()
        try:
            Category = pool.get('civic.event.category')
        except KeyError:
            return False
        if self.size_name == 'seed':
            log('events: the seed events are filled by the benchmark')
            return False
        return not Category.search([('active', 'in', [True, False])],
            limit=1)

    def wants_party(self):
        "Party-building data, when civic_party is active and has none yet"
        from trytond.pool import Pool
        try:
            Organisation = Pool().get('civic.party.organisation')
        except KeyError:
            return False
        return not Organisation.search(
            [('active', 'in', [True, False])], limit=1)

    def make_party(self):
        from party_demo import PartyDemo
        summary = PartyDemo(self.random, self.commit, self.size_name).run()
        log('  party: ' + ', '.join(
                f'{count:,} {what}' for what, count in summary.items()))

    def wants_property(self):
        "Red-property data, when civic_property is active and has none yet"
        from trytond.pool import Pool
        try:
            Company = Pool().get('civic.property.company')
        except KeyError:
            return False
        return not Company.search([('active', 'in', [True, False])], limit=1)

    def make_property(self):
        from property_demo import PropertyDemo
        summary = PropertyDemo(self.random, self.commit, self.size_name).run()
        log('  property: ' + ', '.join(
                f'{count:,} {what}' for what, count in summary.items()))

    def wants_volunteer(self):
        "Volunteer data, when civic_volunteer is active and has none yet"
        from trytond.pool import Pool
        try:
            Volunteer = Pool().get('civic.volunteer')
        except KeyError:
            return False
        return not Volunteer.search([('active', 'in', [True, False])],
            limit=1)

    def make_volunteer(self):
        from volunteer_demo import VolunteerDemo
        summary = VolunteerDemo(self.random, self.commit,
            self.size_name).run()
        log('  volunteer: ' + ', '.join(
                f'{count:,} {what}' for what, count in summary.items()))

    def wants_station(self):
        "Care-station data, when civic_station is active and has none yet"
        from trytond.pool import Pool
        try:
            Station = Pool().get('civic.station')
        except KeyError:
            return False
        return not Station.search([], limit=1)

    def make_station(self):
        from station_demo import StationDemo
        summary = StationDemo(self.random, self.commit, self.size_name).run()
        log('  station: ' + ', '.join(
                f'{count:,} {what}' for what, count in summary.items()))

    def wants_assessment(self):
        """Assessment runs, when civic_assessment is active and has none yet
        (at the demo size: the benchmark times the seed's own)"""
        from trytond.pool import Pool
        try:
            Run = Pool().get('civic.assessment.run')
        except KeyError:
            return False
        return self.size_name == 'demo' and not Run.search([], limit=1)

    def make_assessment(self):
        from assessment_demo import AssessmentDemo
        summary = AssessmentDemo(self.random, self.commit,
            self.size_name).run()
        log('  assessment: ' + ', '.join(
                f'{count:,} {what}' for what, count in summary.items()))

    def make_events(self):
        from events_demo import EventsDemo
        summary = EventsDemo(self.random, self.commit, self.size_name).run()
        states = ', '.join(f'{state} {count}'
            for state, count in sorted(summary['states'].items()))
        log(f'  events: {summary["events"]} ({states}); '
            f'{summary["auto_escalations"]} automatic escalations, '
            f'{summary["awards"]} reports awarded points')

    def make_areas(self):
        from trytond.pool import Pool
        pool = Pool()
        Area = pool.get('civic.area')
        ModelData = pool.get('ir.model.data')

        def level(code):
            return ModelData.get_id('civic_grid', 'level_' + code)
        size = self.size
        county, = Area.create([{
                    'name': '沂州区', 'code': 'D01', 'level': level('county'),
                    'phone': '0539-12345'}])
        self.commit()
        streets = Area.create([{
                    'name': STREET_NAMES[i % len(STREET_NAMES)] + '街道'
                    + ('' if i < len(STREET_NAMES) else str(i)),
                    'code': 'D01S%02d' % (i + 1),
                    'level': level('street'), 'parent': county.id,
                    } for i in range(size['streets'])])
        self.commit()
        vlist = []
        for street, count in self.spread(size['communities'], streets):
            for i in range(count):
                word = COMMUNITY_WORDS[(len(vlist)) % len(COMMUNITY_WORDS)]
                vlist.append({
                        'name': word + ('社区' if len(vlist) < 16
                            else f'{len(vlist) // 16 + 1}社区'),
                        'code': '%sC%02d' % (street.code, i + 1),
                        'level': level('community'), 'parent': street.id,
                        'phone': '0539-8%06d' % len(vlist),
                        })
        communities = self.create_batched(Area, vlist, 'communities')
        households_per_micro = size['households'] / size['micro']
        parents = communities
        for code, label, suffix in (('big', '大网格', 'B'),
                ('medium', '中网格', 'M'), ('small', '小网格', 'S'),
                ('micro', '微网格', 'W')):
            vlist = []
            for parent, count in self.spread(size[code], parents):
                for i in range(count):
                    values = {
                        'name': f'第{i + 1}{label}',
                        'code': '%s%s%02d' % (parent.code, suffix, i + 1),
                        'level': level(code + '_grid'), 'parent': parent.id,
                        }
                    if code == 'micro':
                        # Grids are drawn for a little more than they hold
                        values['target_households'] = math.ceil(
                            households_per_micro * 1.15)
                    vlist.append(values)
            parents = self.create_batched(Area, vlist, code + ' grids')
        self.micro_grids = parents
        self.communities = communities
        if self.size_name != 'seed':
            self.make_buildings()

    def make_buildings(self):
        "A compound per community, a building per micro grid, two units each"
        from trytond.pool import Pool
        pool = Pool()
        Compound = pool.get('civic.compound')
        Building = pool.get('civic.building')
        compounds = Compound.create([{
                    'name': c.name.replace('社区', '') + '花园',
                    'area': c.id,
                    'address': self.random.choice(ROAD_WORDS)
                    + f'{self.random.randrange(1, 300)}号',
                    } for c in self.communities])
        by_community = {c.area.id: c for c in compounds}
        vlist = []
        for i, micro in enumerate(self.micro_grids):
            community = micro.parent.parent.parent.parent
            vlist.append({
                    'name': f'{i % 20 + 1}号楼',
                    'compound': by_community[community.id].id,
                    'area': micro.id, 'floors': 6,
                    'units': [('create', [
                                {'name': '1单元'}, {'name': '2单元'}])],
                    })
        Building.create(vlist)
        self.commit()

    def make_households(self):
        "Plan the households (they are created with their members)"
        from trytond.pool import Pool
        Building = Pool().get('civic.building')
        size = self.size
        buildings = {b.area.id: b for b in Building.search([])}
        vlist = []
        number = 0
        for micro, count in self.spread(size['households'], self.micro_grids):
            building = buildings.get(micro.id)
            units = list(building.units) if building else []
            road = ROAD_WORDS[number % len(ROAD_WORDS)]
            for i in range(count):
                number += 1
                unit = units[i % len(units)] if units else None
                room = f'{i // 4 + 1}0{i % 4 + 1}'
                vlist.append({
                        'name': '',
                        'code': 'H%07d' % number,
                        'area': micro.id,
                        'unit': unit.id if unit else None,
                        'room': room,
                        'address': (f'{building.rec_name}{unit.name}{room}室'
                            if unit else f'{road}{number % 500 + 1}号{room}室'),
                        })
        self.household_values = vlist
        self.households = []

    def run_part(self):
        "Create this part's slice of the households and their members"
        from trytond.pool import Pool
        Area = Pool().get('civic.area')
        self.micro_grids = Area.search(
            [('level.code', '=', 'micro_grid')], order=[('id', 'ASC')])
        self.communities = Area.search(
            [('level.code', '=', 'community')], order=[('id', 'ASC')])
        self.make_households()
        total = len(self.household_values)
        start = total * self.part // self.parts
        end = total * (self.part + 1) // self.parts
        self.household_values = self.household_values[start:end]
        residents = self.size['residents']
        self.part_residents = (residents * end // total
            - residents * start // total)
        self.make_residents()

    def make_residents_in_parallel(self, jobs, command):
        from trytond.pool import Pool
        Household = Pool().get('civic.household')
        started = time.perf_counter()
        processes = [subprocess.Popen([*command, '--part', str(part),
                    '--parts', str(jobs)]) for part in range(jobs)]
        if any(p.wait() for p in processes):
            raise RuntimeError('a generator part failed')
        self.commit()  # a new snapshot, which sees what the parts created
        self.households = Household.search([], order=[('id', 'ASC')])
        rate = self.size['residents'] / (time.perf_counter() - started)
        log(f'  residents: {self.size["residents"]:,}/'
            f'{self.size["residents"]:,} ({rate:,.0f}/s, {jobs} processes)')

    def make_residents(self):
        from trytond.pool import Pool
        pool = Pool()
        Household = pool.get('civic.household')
        Party = pool.get('party.party')
        KeyGroup = pool.get('civic.key.group')
        key_groups = KeyGroup.search([])
        size = self.size
        wanted = getattr(self, 'part_residents', size['residents'])
        members = [1] * len(self.household_values)
        for index in range(wanted - len(members)):
            members[self.random.randrange(len(members))] += 1
        started = time.perf_counter()
        created = 0
        # Households and their members go in together, batch by batch, so
        # a household is named after its head.
        for start in range(0, len(self.household_values), BATCH // 3):
            household_vlist = self.household_values[start:start + BATCH // 3]
            heads = []
            for values in household_vlist:
                heads.append(self.name())
                values['name'] = heads[-1]
            households = Household.create(household_vlist)
            resident_vlist = []
            for offset, household in enumerate(households):
                for member in range(members[start + offset]):
                    resident_vlist.append(self.resident(
                            household, heads[offset] if member == 0 else None,
                            member, key_groups))
            Party.create(resident_vlist)
            self.commit()
            self.households.extend(households)
            created += len(resident_vlist)
            if created and (created % 20000 < len(resident_vlist)
                    or start + BATCH // 3 >= len(self.household_values)):
                rate = created / (time.perf_counter() - started)
                log(f'  residents{self.part_label}: {created:,}/{wanted:,} '
                    f'({rate:,.0f}/s)')
        self.resident_count = created
        self.resident_rate = created / (time.perf_counter() - started)

    def resident(self, household, name, member, key_groups):
        head = member == 0
        relation = 'head' if head else self.random.choice(
            ['spouse', 'child', 'child', 'parent', 'other'])
        male = self.random.random() < .5
        birth_date = self.birth_date(head or relation in {'spouse', 'parent'})
        self.resident_number += 1
        values = {
            # Resident numbers given here spare a sequence call per person
            'code': 'R%08d' % self.resident_number,
            'lang': None,
            'name': name or self.name(),
            'household': household.id,
            'relation_to_head': relation,
            'gender': 'male' if male else 'female',
            'birth_date': birth_date,
            'id_number': self.id_number(birth_date, male),
            }
        if birth_date.year < 2008:
            values['resident_phone'] = self.phone()
        if key_groups and self.random.random() < .06:
            values['key_groups'] = [(
                    'add', [self.random.choice(key_groups).id])]
        return values

    def make_appointments(self):
        from trytond.pool import Pool
        pool = Pool()
        Area = pool.get('civic.area')
        Appointment = pool.get('civic.appointment')
        Party = pool.get('party.party')
        ModelData = pool.get('ir.model.data')

        def role(code):
            return ModelData.get_id('civic_grid', 'role_' + code)
        today = pool.get('ir.date').today()
        # One resident per micro grid is enough to staff every level above
        first_resident = {}
        for party in Party.search([('relation_to_head', '=', 'head')],
                order=[('id', 'ASC')]):
            first_resident.setdefault(party.household.area.id, party.id)
        plan = []
        for micro in self.micro_grids:
            plan.append((micro, role('micro_grid_leader')))
        for small in Area.search([('level.code', '=', 'small_grid')]):
            plan.append((small, role('grid_worker')))
        for community in self.communities:
            plan.append((community, role('chief_grid_leader')))
        for medium in Area.search([('level.code', '=', 'medium_grid')]):
            plan.append((medium, role('grid_leader')))
        plan = plan[:self.size['appointments']]
        micro_below = {}
        for micro in self.micro_grids:
            for ancestor in micro.path.strip('/').split('/'):
                micro_below.setdefault(int(ancestor), micro.id)
        vlist = []
        for index, (area, role_id) in enumerate(plan):
            party_id = first_resident.get(micro_below.get(area.id))
            if party_id is None:
                continue
            start = today - dt.timedelta(days=self.random.randrange(0, 330))
            vlist.append({
                    'party': party_id, 'role': role_id, 'area': area.id,
                    'start_date': start,
                    'end_date': Appointment.term_end(start, 12),
                    'nomination': ('self', 'residents', 'organisation')[
                        index % 3],
                    'phone': self.phone(),
                    })
        self.create_batched(Appointment, vlist, 'appointments')

    @staticmethod
    def area_paths(households):
        """{household id: the path of its area}, in two queries: reading
        household.area.path record by record re-reads whole batches once
        the records outnumber the transaction's cache"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        pool = Pool()
        household = pool.get('civic.household').__table__()
        area = pool.get('civic.area').__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*household.join(area,
                condition=household.area == area.id).select(
                household.id, area.path))
        paths = dict(cursor)
        return {h.id: paths[h.id] for h in households}

    def grid_worker_users(self, households):
        """{household id: the user of the grid worker of its small grid}:
        a visit carries who made it. The users are created without a
        password (the administrator gives one), except the demo login of
        its grid, which users.py completes."""
        from trytond.pool import Pool
        pool = Pool()
        Area = pool.get('civic.area')
        Appointment = pool.get('civic.appointment')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Lang = pool.get('ir.lang')
        role = ModelData.get_id('civic_grid', 'role_grid_worker')
        group = ModelData.get_id('civic_grid', 'group_civic_grid_worker')
        zh_cn, = Lang.search([('code', '=', 'zh_CN')])
        smalls = {a.id: a for a in Area.search(
                [('level.code', '=', 'small_grid')])}
        small_of = {}
        paths = self.area_paths(households)
        for household in households:
            ids = [int(i) for i in paths[household.id].split('/') if i]
            small_of[household.id] = next(
                (i for i in ids if i in smalls), ids[-1])
        workers = {a.area.id: a.party.name for a in Appointment.search(
                [('role', '=', role),
                    ('area', 'in', list(set(small_of.values())))])}
        demo_scope = next(u[3] for u in USERS if u[0] == GRID_WORKER_LOGIN)
        logins = {}
        for area_id in set(small_of.values()):
            area = smalls.get(area_id) or Area(area_id)
            if area.code == demo_scope:
                logins[area_id] = GRID_WORKER_LOGIN
            else:
                logins[area_id] = f'{GRID_WORKER_LOGIN}_{area.code.lower()}'
        existing = {u.login: u.id for u in User.search(
                [('login', 'in', list(logins.values()))])}
        vlist = [{
                'login': login,
                'name': f'{workers.get(area_id, "")}（网格员）'
                if area_id in workers else f'网格员（{Area(area_id).name}）',
                'language': zh_cn.id if zh_cn.translatable else None,
                'groups': [('add', [group])],
                'civic_areas': [('add', [area_id])],
                } for area_id, login in logins.items()
            if login not in existing]
        for user in User.create(vlist):
            existing[user.login] = user.id
        log(f'{len(vlist)} grid workers\' users')
        return {h: existing[logins[a]] for h, a in small_of.items()}

    def make_visits(self):
        from trytond.pool import Pool
        pool = Pool()
        Campaign = pool.get('civic.visit.campaign')
        Visit = pool.get('civic.visit')
        today = pool.get('ir.date').today()
        community = self.communities[0]
        campaign, = Campaign.create([{
                    'name': f'{community.name}敲门行动',
                    'area': community.id,
                    'start_date': today - dt.timedelta(days=30),
                    'end_date': today + dt.timedelta(days=30),
                    'description': '遍访辖区住户，了解困难和诉求。',
                    }])
        Campaign.open([campaign])
        paths = self.area_paths(self.households)
        in_campaign = [h for h in self.households
            if paths[h.id].startswith(community.path)]
        visited = in_campaign[:len(in_campaign) * 2 // 3]
        others = self.random.sample(self.households,
            min(len(self.households), len(self.households) // 10))
        findings = ['家中老人身体健康，无特殊需求。', '反映楼道照明损坏，需要维修。',
            '希望社区组织更多文化活动。', '低保政策咨询，已解答。',
            '反映小区停车难。']
        visitors = self.grid_worker_users(visited + others)
        vlist = []
        for i, household in enumerate(visited + others):
            follow = self.random.random() < .2
            vlist.append({
                    'campaign': campaign.id if i < len(visited) else None,
                    'household': household.id,
                    'visitor': visitors[household.id],
                    'date': today - dt.timedelta(
                        days=self.random.randrange(0, 30 if i < len(visited)
                            else 300)),
                    'findings': self.random.choice(findings),
                    'needs_follow_up': follow,
                    'follow_up': '转社区工作人员跟进。' if follow else None,
                    })
        self.create_batched(Visit, vlist, 'visits')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-c', '--config', default=None)
    parser.add_argument('--size', choices=SIZES, default='demo')
    parser.add_argument('-j', '--jobs', type=int,
        default=min(os.cpu_count() or 1, len(REGION_CODES)),
        help="processes creating residents in parallel (at most %d)"
        % len(REGION_CODES))
    parser.add_argument('--part', type=int, help=argparse.SUPPRESS)
    parser.add_argument('--parts', type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    jobs = max(1, min(args.jobs, len(REGION_CODES)))
    if args.config:
        os.environ['TRYTOND_CONFIG'] = args.config
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    if backend.name == 'sqlite':
        jobs = 1  # one writer at a time
    Pool.start()
    pool = Pool(args.database)
    pool.init()
    with Transaction().start(args.database, 0, context={'language': 'zh_CN'}):
        if args.part is not None:
            Generator(args.size, part=args.part, parts=args.parts).run_part()
            return
        command = [sys.executable, os.path.abspath(__file__),
            '-d', args.database, '--size', args.size]
        if args.config:
            command += ['-c', args.config]
        Generator(args.size).run(jobs=jobs, command=command)


if __name__ == '__main__':
    sys.exit(main())
