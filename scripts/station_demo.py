# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Chinese demo data of the care stations for new employment groups
(civic_station, 暖"新"驿站): the platforms, stations near the communities'
centres (hosted by a Party-masses service centre, a delivery station, a
courier outlet, a filling station's shop, a bank branch…) with their
opening hours, facilities, a photo and a manager each (one suspended),
riders of the platforms with a mobile phone (some Party members, a few
appointed part-time grid workers of their grid), their visits of the last
months at the desk and by the station's QR code, their reports of problems
found on the street as grid events (the verified ones earning points by
the event configuration's report rule), the suggestion box (some
anonymous, some answered by the manager, some overdue), the micro
Party-building alliance of the streets and, with civic_party, a joint
meeting of the home street's alliance.

The demo login `station` (users.py) manages the station of 和平社区; the
demo login `rider` is one rider of 和平社区 who checks in there with the
phone (Visit.scan from the login, as the phone's route does).  The other
stations' managers are users without a password (the administrator gives
one).  Every dated step is taken with the clock (civic_grid.clock) at its
moment, so the steps date themselves.

The seed size: 48 stations over the district's streets, 5,000 riders (51
of them part-time grid workers), ~2,400 visits over the last 12 months
(more in winter and summer), ~300 rider reports, ~120 suggestions and
four alliance members per street."""
import datetime as dt
import itertools
import math
import struct
import zlib

from demo_names import chinese_name
from points_demo import at, in_new_transaction
from users import RIDER_LOGIN, STATION_LOGIN, USERS

HOME = 'D01S01C01'
HOME_STREET = 'D01S01'
# Linyi (临沂), where events_demo centres the district
CENTRE = (35.06, 118.35)
ROADS = ['人民路', '沂蒙路', '解放路', '通达路', '金雀山路', '银雀山路', '北京路',
    '上海路', '临西路', '平安路', '兰山路', '涑河街']
# code, name, company, kinds, weight among the seed's riders
PLATFORMS = [
    ('meituan', '美团', '北京三快在线科技有限公司', ['delivery'], 40),
    ('eleme', '饿了么', '上海拉扎斯信息科技有限公司', ['delivery'], 25),
    ('sf', '顺丰速运', '顺丰速运有限公司', ['courier'], 12),
    ('jd', '京东物流', '京东物流股份有限公司', ['courier'], 12),
    ('didi', '滴滴出行', '北京小桔科技有限公司', ['ride_hailing'], 7),
    ('huolala', '货拉拉', '深圳依时货拉拉科技有限公司', ['truck'], 4),
    ]
# the platforms of the demo's riders, and how many each
DEMO_RIDERS = [('meituan', 24), ('eleme', 16), ('sf', 10), ('jd', 10)]
# the station a rider's company is ({short}: the community, {street}: the
# street, without 社区 and 街道)
COMPANIES = {
    'meituan': '美团外卖{short}配送站',
    'eleme': '饿了么蜂鸟即配{street}站',
    'sf': '顺丰速运临沂{street}营业部',
    'jd': '京东物流临沂{street}营业部',
    'didi': None,
    'huolala': None,
    }
# the hosts: key, station name, host, host kind, hours, facilities
HOSTS = {
    'centre': ('{short}社区暖"新"驿站', '{short}社区党群服务中心', 'service_centre',
        'centre', ['charging_shed', 'drinking_water', 'rest', 'phone_charging',
            'microwave', 'toilet', 'medicine_box', 'wifi']),
    'meituan': ('美团骑手之家（{short}站）', '美团外卖{short}配送站', 'company',
        'long', ['battery_swap', 'charging_shed', 'drinking_water', 'rest',
            'phone_charging', 'microwave']),
    'sf': ('顺丰速运{short}营业点暖"新"驿站', '顺丰速运临沂{short}营业点', 'company',
        'business', ['drinking_water', 'rest', 'phone_charging', 'toilet',
            'umbrella']),
    'sinopec': ('中国石化易捷便利店（{short}加油站）暖"新"驿站',
        '中国石化易捷便利店（{short}加油站）', 'shop', 'allday',
        ['drinking_water', 'rest', 'phone_charging', 'microwave', 'toilet',
            'wifi', 'umbrella']),
    'bank': ('临沂银行{short}支行暖"新"驿站', '临沂银行{short}支行', 'company',
        'bank', ['drinking_water', 'rest', 'phone_charging', 'toilet', 'wifi',
            'medicine_box']),
    'small_centre': ('{short}社区暖"新"驿站', '{short}社区党群服务中心',
        'service_centre', 'centre', ['drinking_water', 'rest', 'toilet',
            'medicine_box']),
    'eleme': ('饿了么骑士驿站（{short}站）', '饿了么蜂鸟即配{short}站', 'company',
        'long', ['battery_swap', 'drinking_water', 'rest', 'phone_charging',
            'microwave', 'umbrella']),
    'post': ('中国邮政{short}支局暖"新"驿站', '中国邮政临沂{short}支局', 'company',
        'business', ['drinking_water', 'rest', 'phone_charging', 'toilet',
            'umbrella', 'medicine_box']),
    'library': ('{short}城市书房暖"新"驿站', '{street}街道{short}城市书房', 'public',
        'library', ['drinking_water', 'rest', 'phone_charging', 'toilet',
            'wifi', 'umbrella', 'charging_shed']),
    'jd': ('京东物流{short}营业部暖"新"驿站', '京东物流临沂{short}营业部', 'company',
        'long', ['charging_shed', 'drinking_water', 'rest', 'phone_charging',
            'toilet']),
    }
# the demo's six stations, one per community in code order (the fifth…
# suspended); the seed's draw from SEED_HOSTS
DEMO_HOSTS = ['centre', 'meituan', 'sf', 'sinopec', 'bank', 'small_centre']
SEED_HOSTS = ['centre', 'meituan', 'sf', 'sinopec', 'bank', 'eleme', 'post',
    'library', 'jd', 'centre']
# opening hours: per weekday ('1' Monday … '7' Sunday) the (opens, closes)
# ranges; a day missing is closed
HOURS = {
    'centre': {**{d: [('08:30', '20:00')] for d in '123456'},
        '7': [('09:00', '17:00')]},
    'long': {d: [('07:00', '22:00')] for d in '1234567'},
    'business': {d: [('08:00', '20:00')] for d in '123456'},
    'allday': {d: [('00:00', '23:59')] for d in '1234567'},
    'bank': {**{d: [('08:30', '17:30')] for d in '12345'},
        '6': [('09:00', '16:00')]},
    'library': {d: [('09:00', '21:00')] for d in '234567'},
    }
# how likely a rider checks in at each hour (they rest after the meal
# peaks and at night)
HOUR_WEIGHTS = [1, 1, .5, .5, .5, 1, 2, 3, 4, 6, 8, 5, 3, 6, 10, 10, 8, 5,
    3, 4, 6, 5, 3, 2]
# the services riders use, by how often
SERVICE_WEIGHTS = {
    'drinking_water': 10, 'phone_charging': 9, 'rest': 8, 'microwave': 5,
    'charging_shed': 5, 'battery_swap': 4, 'toilet': 6, 'wifi': 3,
    'umbrella': 2, 'medicine_box': 1,
    }
# the seed's visits per month of the year (more in winter and summer)
SEASON = [1.35, 1.25, .8, .7, .8, 1.1, 1.4, 1.4, .8, .7, .85, 1.3]
# category code (events_demo's admitted matters), what a rider reports
REPORTS = [
    ('facility_manhole', '送餐途中发现{place}一处雨水井盖缺失，晚上电动车经过很危险，'
        '已在旁边放了个纸箱提醒。'),
    ('facility_light', '{place}一段路灯连续好几天不亮，晚上送餐看不清路面。'),
    ('facility_road', '{place}路面有个大坑，下雨就积水，今天有骑手在这里摔倒了。'),
    ('traffic_signal', '{place}路口红绿灯坏了，早高峰车辆抢行，差点撞上。'),
    ('traffic_parking', '{place}小区门口机动车乱停，把通道堵死了，送货进不去。'),
    ('traffic_bike', '{place}共享单车堆满了人行道和盲道，电动车过不去。'),
    ('safety_ebike', '送件时看到{place}楼道里有电动车在充电，楼上还拉了飞线。'),
    ('safety_exit', '{place}消防通道被杂物和废旧家具堵住了。'),
    ('safety_fall', '{place}沿街店铺的广告牌一角脱落，挂在半空，下面是人行道。'),
    ('env_garbage', '{place}垃圾桶满了两天没人清运，味道很大。'),
    ('greening_tree', '{place}大风把一棵行道树刮倒了，挡住了半条路。'),
    ('security_suspicious', '{place}车棚最近总有人撬电动车电瓶，好几个骑手的电瓶被偷了。'),
    ('security_homeless', '{place}有一位老人迷路了，说不清家在哪，我先陪着他等社区来人。'),
    ]
RESOLUTIONS = [
    '已通知责任单位到场处置，问题已解决，感谢骑手随手拍。',
    '网格员到现场核实后协调相关部门处理完毕，现场已恢复正常。',
    '已转交职能部门处置，处理结果已电话告知反映的骑手。',
    ]
REJECTIONS = [
    '经网格员现场核实，未发现所反映的问题。',
    '该问题此前已有居民反映并处理完毕。',
    ]
FEEDBACK = ['处理很快，点赞！', '问题解决了，谢谢网格员。', '满意，以后看到问题还会随手拍。']
SUGGESTIONS = [
    '希望驿站增加几个电动车充电插座，晚上排队充电的人太多。',
    '夏天能不能准备一些防暑降温的药品和绿豆汤？',
    '饮水机的热水不够热，冬天想喝口热水。',
    '希望晚上开放时间能延长到十点，夜班骑手也有地方歇脚。',
    '微波炉只有一台，中午热饭要排很久，能否再添一台？',
    '建议组织一次骑手交通安全培训，最近路口事故多。',
    '能不能请社区医生每月来驿站给骑手量量血压？',
    '驿站门口没有停车的地方，电动车只能停在马路边。',
    '希望驿站能提供免费的手机贴膜和小家电维修。',
    '想咨询灵活就业人员怎么参加医保和养老保险。',
    '暑假孩子没人带，希望社区能办骑手子女托管班。',
    '下雨天希望驿站多备一些雨衣借给骑手。',
    '驿站的无线网络信号太弱，连不上。',
    '建议在驿站放一个意见箱的二维码，方便没时间进门的骑手。',
    '小区门禁不让外卖电动车进，送餐要走很远，希望社区协调。',
    ]
ANSWERS = [
    '感谢您的建议！已向社区反映，下月在驿站门口增设充电插座。',
    '已采纳，驿站本周起每天备好防暑药品和绿豆汤，欢迎来歇脚。',
    '饮水机已请厂家检修，现在热水温度正常了。',
    '经与承办单位协商，夏季开放时间延长到晚上十点。',
    '已添置一台微波炉，午间高峰不用再排长队。',
    '已联系交警大队，下月第一个周三下午在驿站开展交通安全培训。',
    '社区卫生服务站每月15日上午来驿站义诊，欢迎参加。',
    '已协调物业在驿站旁划出电动车临时停放区。',
    ]
# the micro alliance: platform code (or None), company ({street}),
# position of the Party contact
ALLIANCE = [
    ('meituan', '美团外卖临沂{street}区域配送站', '党支部书记'),
    ('eleme', '饿了么蜂鸟即配临沂{street}站点', '党建联络员'),
    ('sf', '顺丰速运临沂{street}营业部', '党支部书记'),
    ('jd', '京东物流临沂{street}营业部', '党建指导员'),
    ]
# The demo: six stations over 90 days; the seed: 48 over a year
DEMO = dict(stations=6, suspended=1, closed=0, riders=None, members=.18,
    grid_workers=4, visits=360, days=90, reports=20, suggestions=15,
    registered_days=(120, 900))
SEED = dict(stations=48, suspended=2, closed=1, riders=5000, members=.08,
    grid_workers=51, visits=2400, days=365, reports=300, suggestions=120,
    registered_days=(380, 1500))
BATCH = 1000


def station_photo(rgb):
    """A small PNG of a station: the sky, the street and the shop front in
    the host's colour with its door and windows"""
    width, height = 96, 64
    rows = []
    for y in range(height):
        row = bytearray(b'\x00')
        for x in range(width):
            if 18 <= x < 78 and 16 <= y < 52:
                if 40 <= x < 54 and y >= 32:
                    pixel = (70, 45, 30)  # the door
                elif (24 <= x < 36 or 58 <= x < 70) and 24 <= y < 36:
                    pixel = (235, 240, 250)  # the windows
                elif y < 22:
                    pixel = (200, 30, 30)  # the red banner
                else:
                    pixel = rgb
            elif y < 52:
                shade = 200 + y
                pixel = (150, min(255, shade), 255)
            else:
                pixel = (120, 120, 125)
            row.extend(pixel)
        rows.append(bytes(row))

    def chunk(tag, data):
        return (struct.pack('>I', len(data)) + tag + data
            + struct.pack('>I', zlib.crc32(tag + data) & 0xffffffff))
    return (b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0,
                0))
        + chunk(b'IDAT', zlib.compress(b''.join(rows), 9))
        + chunk(b'IEND', b''))


def short_name(name, suffix):
    return name[:-len(suffix)] if name.endswith(suffix) else name


def as_time(text):
    hour, minute = text.split(':')
    return dt.time(int(hour), int(minute))


class StationDemo:

    def __init__(self, random, commit, size_name):
        self.random = random
        self.commit = commit
        self.seed = size_name == 'seed'
        self.figures = SEED if self.seed else DEMO
        self.summary = {}
        self.phones = set()

    def run(self):
        from civic_grid import clock
        self.now = clock.now()
        self.today = self.now.date()
        for step in (self.make_configuration, self.make_platforms,
                self.make_stations, self.make_riders,
                self.make_grid_workers, self.make_visits, self.make_reports,
                self.make_suggestions, self.make_alliance,
                self.make_meeting):
            in_new_transaction(step)
        in_new_transaction(self.count)
        order = ['platforms', 'stations', 'station ', 'riders', 'part-time',
            'visits', 'rider reports', 'suggestions', 'alliance']

        def group(item):
            return next((i for i, prefix in enumerate(order)
                    if item[0].startswith(prefix)), len(order))
        return dict(sorted(self.summary.items(), key=group))

    # --- helpers ------------------------------------------------------
    def moment(self, day, hour, minute=0):
        return dt.datetime.combine(day, dt.time(hour, minute))

    def phone(self):
        while True:
            number = self.random.choice(['130', '131', '132', '135', '136',
                    '137', '138', '139', '150', '151', '155', '156', '176',
                    '177', '178', '185', '186', '188', '199']) + '%08d' % (
                self.random.randrange(10 ** 8))
            if number not in self.phones:
                self.phones.add(number)
                return number

    @staticmethod
    def mobile(number):
        "The contact mechanism of a mobile number, as the client stores it"
        return {'type': 'mobile',
            'value': f'+86 {number[:3]} {number[3:7]} {number[7:]}',
            'value_compact': f'+86{number}'}

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

    def areas(self):
        """The streets and communities (with a centre each: the area's, else
        one drawn around Linyi as events_demo draws them) and every micro
        grid with its street, community and centre, read in one query"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        pool = Pool()
        area = pool.get('civic.area').__table__()
        level = pool.get('civic.area.level').__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*area.join(level, condition=area.level == level.id
                ).select(area.id, area.code, area.name, area.path,
                level.code, area.latitude, area.longitude,
                where=level.code.in_(['street', 'community', 'micro_grid']),
                order_by=[area.code]))
        self.streets, self.communities, grids = {}, {}, []
        for id_, code, name, path, level_code, latitude, longitude in cursor:
            ids = [int(i) for i in path.strip('/').split('/')]
            record = {'id': id_, 'code': code, 'name': name, 'ids': ids,
                'position': ((latitude, longitude)
                    if latitude is not None and longitude is not None
                    else None)}
            if level_code == 'street':
                record['short'] = short_name(name, '街道')
                self.streets[id_] = record
            elif level_code == 'community':
                record['short'] = short_name(name, '社区')
                record['street'] = ids[1]
                self.communities[id_] = record
            else:
                grids.append(record)
        # centres where the district has none (the seed: events_demo does
        # not run there)
        turn = self.random.random() * 2 * math.pi
        streets = sorted(self.streets.values(), key=lambda s: s['code'])
        for index, street in enumerate(streets):
            if street['position'] is None:
                street['position'] = self.around(CENTRE, .035,
                    turn + 2 * math.pi * index / len(streets))
            communities = sorted((c for c in self.communities.values()
                    if c['street'] == street['id']), key=lambda c: c['code'])
            for number, community in enumerate(communities):
                if community['position'] is None:
                    community['position'] = self.around(street['position'],
                        .012, turn + 2 * math.pi * number / len(communities))
        for grid in grids:
            grid['street'] = grid['ids'][1]
            grid['community'] = grid['ids'][2]
        self.grids = [g for g in grids if g['community'] in self.communities]
        self.home = next((c for c in self.communities.values()
                if c['code'] == HOME), min(self.communities.values(),
                key=lambda c: c['code']))

    def around(self, centre, spread, angle):
        latitude, longitude = centre
        distance = spread * (.6 + .4 * self.random.random())
        return (latitude + distance * math.sin(angle),
            longitude + distance * math.cos(angle)
            / math.cos(math.radians(latitude)))

    @staticmethod
    def party_codes(prefix, count):
        """count party codes of prefix after those taken (codes given here
        spare a sequence call per person, as generate.py's residents do)"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        party = Pool().get('party.party').__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*party.select(party.code,
                where=party.code.like(prefix + '%')))
        taken = [int(c[len(prefix):]) for c, in cursor
            if c[len(prefix):].isdigit()]
        first = max(taken, default=0) + 1
        return (f'{prefix}{n:07d}' for n in range(first, first + count))

    def language(self):
        from trytond.pool import Pool
        Lang = Pool().get('ir.lang')
        zh_cn = Lang.search([('code', '=', 'zh_CN')], limit=1)
        return zh_cn[0].id if zh_cn and zh_cn[0].translatable else None

    # --- configuration and platforms -------------------------------------
    def make_configuration(self):
        """The event categories riders report in (the seed has none: the
        events demo does not run there)"""
        from trytond.pool import Pool
        Category = Pool().get('civic.event.category')
        if not Category.search([('active', 'in', [True, False])], limit=1):
            from events_demo import EventsDemo
            EventsDemo(self.random, self.commit).make_categories()
        self.categories = {c.code for c in Category.search([
                    ('code', 'in', [r[0] for r in REPORTS]),
                    ('children', '=', None)])}

    def make_platforms(self):
        from trytond.pool import Pool
        Platform = Pool().get('civic.station.platform')
        existing = {p.code: p.id for p in Platform.search(
                [('active', 'in', [True, False])])}
        for platform in Platform.create([{
                        'code': code, 'name': name, 'company': company,
                        'kinds': kinds,
                        } for code, name, company, kinds, _ in PLATFORMS
                    if code not in existing]):
            existing[platform.code] = platform.id
        self.platforms = existing
        self.summary['platforms'] = len(existing)

    # --- stations ---------------------------------------------------------
    def station_plan(self):
        """[(community, host key)]: the demo's six stations one per
        community, the home community's first; the seed's spread over the
        streets, the same number in each (give or take one)"""
        communities = sorted(self.communities.values(),
            key=lambda c: (c is not self.home, c['code']))
        if not self.seed:
            return [(communities[i % len(communities)], host)
                for i, host in enumerate(DEMO_HOSTS)]
        by_street = {}
        for community in communities:
            by_street.setdefault(community['street'], []).append(community)
        streets = sorted(by_street, key=lambda s: self.streets[s]['code'])
        total = self.figures['stations']
        plan = []
        for index, street in enumerate(streets):
            count = total // len(streets) + (
                1 if index < total % len(streets) else 0)
            members = by_street[street]
            for number in range(count):
                plan.append(members[number % len(members)])
        plan.sort(key=lambda c: (c is not self.home, c['code']))
        return [(c, SEED_HOSTS[i % len(SEED_HOSTS)])
            for i, c in enumerate(plan)]

    def make_stations(self):
        """The stations with their hours, facilities, photo and manager
        (the demo login `station` for the home community's)"""
        from trytond.pool import Pool
        pool = Pool()
        Station = pool.get('civic.station')
        Facility = pool.get('civic.station.facility')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        self.areas()
        facilities = {f.code: f.id for f in Facility.search([])}
        group = ModelData.get_id('civic_station', 'group_civic_station')
        language = self.language()
        r = self.random
        plans = self.station_plan()
        vlist, logins = [], []
        colours = [(230, 120, 40), (250, 200, 60), (40, 90, 170),
            (200, 60, 50), (60, 150, 90), (150, 90, 160)]
        used_names = set()
        for number, (community, host) in enumerate(plans, 1):
            name, host_name, kind, hours, offered = HOSTS[host]
            street = self.streets[community['street']]
            values = {'short': community['short'], 'street': street['short']}
            name, host_name = name.format(**values), host_name.format(**values)
            if name in used_names:
                name = name.replace('驿站', f'驿站（{number}号）', 1)
            used_names.add(name)
            angle = r.random() * 2 * math.pi
            # a few hundred metres from the community's centre
            latitude, longitude = self.around(community['position'], .004,
                angle)
            if self.seed:
                offered = sorted(set(offered[:3]) | set(r.sample(
                            offered[3:], min(len(offered) - 3,
                                r.randint(1, 5)))))
            code = f'ST{number:04d}'
            vlist.append({
                    'code': code, 'name': name, 'host': host_name,
                    'host_kind': kind, 'area': community['id'],
                    'address': (f'{r.choice(ROADS)}{r.randrange(1, 400)}号'
                        f'（{host_name}）'),
                    'latitude': round(latitude, 6),
                    'longitude': round(longitude, 6),
                    'phone': '0539-%d%06d' % (r.choice([5, 7, 8]),
                        r.randrange(10 ** 6)),
                    'description': ('为快递员、外卖送餐员、网约车司机等新就业群体'
                        '提供歇脚、饮水、充电、热饭等服务，骑手扫码即可登记。'),
                    'hours': [('create', [{
                                    'weekday': day, 'opens': as_time(opens),
                                    'closes': as_time(closes),
                                    } for day, ranges in sorted(
                                    HOURS[hours].items())
                                for opens, closes in ranges])],
                    'facilities': [('add', [facilities[f] for f in offered
                                if f in facilities])],
                    'photos': [('create', [{
                                    'image': station_photo(
                                        colours[number % len(colours)]),
                                    'caption': f'{name}外景',
                                    }])],
                    })
            logins.append(STATION_LOGIN if community is self.home
                and number == 1 else f'station_{code.lower()}')
        users = {u.login: u.id for u in User.search(
                [('login', 'in', logins)])}
        home_name = next(u[1] for u in USERS if u[0] == STATION_LOGIN)
        for user in User.create([{
                        'login': login,
                        'name': home_name if login == STATION_LOGIN
                        else f'驿站管理员（{values["name"]}）',
                        'language': language,
                        'groups': [('add', [group])],
                        } for login, values in zip(logins, vlist)
                    if login not in users]):
            users[user.login] = user.id
        for login, values in zip(logins, vlist):
            values['managers'] = [('add', [users[login]])]
        stations = []
        for i in range(0, len(vlist), 100):
            stations.extend(Station.create(vlist[i:i + 100]))
            self.commit()
        self.stations = [{
                'id': s.id, 'code': s.code, 'name': s.name,
                'token': s.qr_token, 'community': plan[0]['id'],
                'street': plan[0]['street'],
                'hours': HOURS[HOSTS[plan[1]][3]],
                'facilities': [f.code for f in s.facilities],
                'manager': users[login],
                } for s, plan, login in zip(stations, plans, logins)]
        # the busiest: the home station, then a few others
        for index, station in enumerate(self.stations):
            station['weight'] = (3 if index == 0 else r.choice(
                    [.5, 1, 1, 1.5, 2]))
        self.summary['stations'] = len(stations)
        self.summary['station facilities'] = sum(
            len(s['facilities']) for s in self.stations)
        self.summary['station managers'] = len(set(logins))

    # --- riders -----------------------------------------------------------
    def rider_platforms(self):
        if not self.seed:
            return [code for code, count in DEMO_RIDERS
                for _ in range(count)]
        codes = [p[0] for p in PLATFORMS]
        weights = [p[4] for p in PLATFORMS]
        return self.random.choices(codes, weights=weights,
            k=self.figures['riders'])

    def make_riders(self):
        """Riders of the platforms (people without a household, a mobile
        phone each) working in grids near the stations; the first of 和平社区
        is the demo login `rider`'s"""
        from trytond.pool import Pool
        pool = Pool()
        Party = pool.get('party.party')
        Rider = pool.get('civic.station.rider')
        r = self.random
        platforms = self.rider_platforms()
        home_grids = [g for g in self.grids
            if g['community'] == self.home['id']] or self.grids
        station_communities = {s['community'] for s in self.stations}
        near = [g for g in self.grids
            if g['community'] in station_communities] or self.grids
        plans = []
        for index, platform in enumerate(platforms):
            if index == 0:
                platform, grid = 'meituan', r.choice(home_grids)
            else:
                grid = r.choice(near if r.random() < .7 else self.grids)
            community = self.communities[grid['community']]
            street = self.streets[grid['street']]
            company = COMPANIES[platform]
            plans.append({
                    'platform': platform, 'grid': grid,
                    'company': company.format(short=community['short'],
                        street=street['short']) if company else None,
                    'member': r.random() < self.figures['members'],
                    'name': chinese_name(r, two_characters=.75),
                    'phone': self.phone(),
                    })
        low, high = self.figures['registered_days']
        codes = self.party_codes('QS', len(plans))
        riders = []
        for start in range(0, len(plans), BATCH):
            batch = plans[start:start + BATCH]
            parties = Party.create([{
                        'code': next(codes), 'name': p['name'], 'lang': None,
                        'contact_mechanisms': [('create', [
                                    self.mobile(p['phone'])])],
                        } for p in batch])
            riders.extend(Rider.create([{
                            'party': party.id,
                            'kind': next(k for c, _, _, k, _ in PLATFORMS
                                if c == p['platform'])[0],
                            'platform': self.platforms[p['platform']],
                            'company': p['company'],
                            'party_member': p['member'],
                            'grid': p['grid']['id'],
                            'registered_on': self.today - dt.timedelta(
                                days=r.randint(low, high)),
                            } for party, p in zip(parties, batch)]))
            self.commit()
        self.riders = [{
                'id': rider.id, 'party': rider.party.id,
                'grid': p['grid'], 'street': p['grid']['street'],
                'community': p['grid']['community'],
                'platform': p['platform'], 'member': p['member'],
                } for rider, p in zip(riders, plans)]
        self.riders_by_street = {}
        for rider in self.riders:
            self.riders_by_street.setdefault(rider['street'], []).append(
                rider)
        self.demo_rider = self.riders[0]
        self.rider_user = self.link_login(self.demo_rider['id'])
        self.summary['riders'] = len(self.riders)
        self.summary['riders Party members'] = sum(
            1 for p in plans if p['member'])
        counts = {}
        for p in plans:
            counts[p['platform']] = counts.get(p['platform'], 0) + 1
        names = {c: n for c, n, *_ in PLATFORMS}
        self.summary.update({f'riders of {names[c]}': n
                for c, n in sorted(counts.items(), key=lambda i: -i[1])})

    def link_login(self, rider_id):
        "The demo login `rider` is this rider's (its phone's key: users.py)"
        from trytond.pool import Pool
        pool = Pool()
        User = pool.get('res.user')
        Rider = pool.get('civic.station.rider')
        name = next(u[1] for u in USERS if u[0] == RIDER_LOGIN)
        users = User.search([('login', '=', RIDER_LOGIN)])
        if not users:
            users = User.create([{'login': RIDER_LOGIN, 'name': name,
                        'language': self.language()}])
        user, = users
        Rider.write(Rider.search([('user', '=', user.id),
                    ('active', 'in', [True, False])]), {'user': None})
        Rider.write([Rider(rider_id)], {'user': user.id})
        return user.id

    def make_grid_workers(self):
        """Party members among the riders appointed part-time grid workers
        of their grid, a few at a time over the last months"""
        from trytond.pool import Pool
        Rider = Pool().get('civic.station.rider')
        r = self.random
        wanted = self.figures['grid_workers']
        members = [x for x in self.riders[1:] if x['member']]
        others = [x for x in self.riders[1:] if not x['member']]
        chosen = r.sample(members, min(wanted, len(members)))
        chosen += r.sample(others, min(len(others), wanted - len(chosen)))
        steps = []
        for rider in chosen:
            day = self.today - dt.timedelta(
                days=r.randint(10, self.figures['days'] - 20))
            steps.append((self.moment(day, 10), 0, 'appoint', rider['id']))
        self.run_steps(steps, {'appoint': lambda ids: (
                    Rider.appoint_grid_worker(Rider.browse(ids)))})
        self.grid_workers = {x['id'] for x in chosen}
        self.summary['part-time grid workers'] = len(chosen)

    # --- visits -----------------------------------------------------------
    def visit_days(self):
        "The days of the visits, the seed's weighted by the season"
        days = self.figures['days']
        first = self.today - dt.timedelta(days=days - 1)
        candidates = [first + dt.timedelta(days=d) for d in range(days)]
        # the demo: a few more lately (more riders know the stations)
        weights = [SEASON[d.month - 1] if self.seed else 1 + i / days
            for i, d in enumerate(candidates)]
        return candidates, weights

    def visit_moment(self, station, day):
        "A moment the station is open on day, when riders rest; or None"
        ranges = station['hours'].get(str(day.isoweekday()))
        if not ranges:
            return None
        slots = []
        for opens, closes in ranges:
            start = as_time(opens)
            end = as_time(closes)
            for hour in range(start.hour, end.hour + 1):
                low = start.minute if hour == start.hour else 0
                high = (end.minute - 10 if hour == end.hour else 59)
                if high >= low:
                    slots.append((hour, low, high))
        if not slots:
            return None
        hour, low, high = self.random.choices(slots,
            weights=[HOUR_WEIGHTS[s[0]] for s in slots])[0]
        return self.moment(day, hour, self.random.randint(low, high)
            ) + dt.timedelta(seconds=self.random.randrange(60))

    def services(self, station, rider):
        offered = [f for f in station['facilities'] if f in SERVICE_WEIGHTS]
        if not offered:
            return []
        weights = [SERVICE_WEIGHTS[f] * (2 if f in {'battery_swap',
                        'charging_shed'} and rider['platform'] in {
                        'meituan', 'eleme'} else 1) for f in offered]
        count = self.random.choices([0, 1, 2, 3], weights=[1, 5, 4, 2])[0]
        chosen = set()
        for _ in range(count):
            chosen.add(self.random.choices(offered, weights=weights)[0])
        return sorted(chosen)

    def make_visits(self):
        """Riders checking in at the stations over the last months: at the
        desk by the station's manager or by scanning the station's QR code
        (the demo rider from their login), never twice within the hour;
        the suspended stations suspended after their last visit, the
        closed one closed"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        pool = Pool()
        Station = pool.get('civic.station')
        Visit = pool.get('civic.station.visit')
        Facility = pool.get('civic.station.facility')
        r = self.random
        facility_ids = {f.code: f.id for f in Facility.search([])}
        stations = self.stations
        # the stations that stop: the last ones (never the home station)
        stopping = stations[-(self.figures['suspended']
                + self.figures['closed']):] if len(stations) > 1 else []
        until = {}
        steps = []
        for index, station in enumerate(stopping):
            closed = index < self.figures['closed']
            moment = self.moment(self.today - dt.timedelta(
                    days=r.randint(8, 40)), 17, 30)
            until[station['id']] = moment
            station['state'] = 'closed' if closed else 'suspended'
            steps.append((moment, 9, 'close' if closed else 'suspend',
                    station['id']))
        days, weights = self.visit_days()
        taken = {}  # rider id: moments of their visits
        self.visitors = {}  # station id: riders who checked in there
        wanted = self.figures['visits']
        made = attempts = 0
        demo_visits = 0
        while made < wanted and attempts < wanted * 20:
            attempts += 1
            station = r.choices(stations,
                weights=[s['weight'] for s in stations])[0]
            day = r.choices(days, weights=weights)[0]
            moment = self.visit_moment(station, day)
            if (moment is None or moment > self.now
                    or moment >= until.get(station['id'], self.now)):
                continue
            demo = (station is stations[0] and demo_visits < 14
                and r.random() < .15)
            if demo:
                rider = self.demo_rider
            else:
                local = self.riders_by_street.get(station['street'])
                rider = r.choice(local if local and r.random() < .85
                    else self.riders)
            moments = taken.setdefault(rider['id'], [])
            if any(abs((moment - m).total_seconds()) < 3600
                    for m in moments):
                continue
            moments.append(moment)
            demo_visits += demo
            services = self.services(station, rider)
            if demo:
                source = 'scan'
            else:
                source = r.choices(['desk', 'qr'], weights=[4, 6])[0]
            steps.append((moment, 0, source,
                    (station, rider['id'], services)))
            self.visitors.setdefault(station['id'], []).append(rider['id'])
            made += 1

        def desk(payloads):
            by_manager = {}
            for station, rider, services in payloads:
                by_manager.setdefault(station['manager'], []).append({
                        'station': station['id'], 'rider': rider,
                        'source': 'desk',
                        'services': [('add', [facility_ids[s]
                                    for s in services])],
                        })
            for manager, vlist in by_manager.items():
                with Transaction().set_user(manager):
                    Visit.create(vlist)

        def qr(payloads):
            # the phones of riders without a login in the demo
            Visit.create([{
                        'station': station['id'], 'rider': rider,
                        'source': 'qr',
                        'services': [('add', [facility_ids[s]
                                    for s in services])],
                        } for station, rider, services in payloads])

        def scan(payloads):
            for station, _, services in payloads:
                with Transaction().set_user(self.rider_user):
                    Visit.scan(station['token'], services)

        handlers = {
            'desk': desk, 'qr': qr, 'scan': scan,
            'suspend': lambda ids: Station.suspend(Station.browse(ids)),
            'close': lambda ids: Station.close(Station.browse(ids)),
            }
        self.run_steps(steps, handlers)
        self.summary['stations suspended'] = sum(
            1 for s in stations if s.get('state') == 'suspended')
        self.summary['stations closed'] = sum(
            1 for s in stations if s.get('state') == 'closed')
        self.summary['visits of the demo rider'] = demo_visits
        self.until = until

    # --- reports ----------------------------------------------------------
    def make_reports(self):
        """Riders' reports of what they find on the street, as grid events
        of their grid: most accepted by the grid (the report rule's points)
        and taken to the end, a few rejected, the latest still reported"""
        from trytond.pool import Pool
        pool = Pool()
        Event = pool.get('civic.event')
        Rider = pool.get('civic.station.rider')
        r = self.random
        reports = [x for x in REPORTS if x[0] in self.categories]
        if not reports:
            return
        count = self.figures['reports']
        days = self.figures['days']
        # part-time grid workers report more
        weights = [4 if x['id'] in self.grid_workers else 1
            for x in self.riders]
        used = set()  # (rider, day): one report a day at most
        plans = []
        while len(plans) < count:
            rider = r.choices(self.riders, weights=weights)[0]
            index = len(plans)
            if index >= count - 2:
                # the latest: minutes ago, not yet accepted
                moment = self.now - dt.timedelta(minutes=r.randint(10, 40)
                    + 30 * (count - index))
            else:
                ago = r.randint(2, days - 1)
                moment = self.moment(self.today - dt.timedelta(days=ago),
                    r.choices(range(24), weights=HOUR_WEIGHTS)[0],
                    r.randrange(60))
            if (rider['id'], moment.date()) in used:
                continue
            used.add((rider['id'], moment.date()))
            code, text = r.choice(reports)
            place = (f'{r.choice(ROADS)}{r.randrange(1, 400)}号附近'
                if r.random() < .6 else
                f'{r.choice(ROADS)}与{r.choice(ROADS)}交叉口')
            position = rider['grid']['position'] or self.communities[
                rider['community']]['position']
            fate = ('reported' if index >= count - 2
                else r.choices(['closed', 'resolved', 'accepted', 'rejected'],
                    weights=[55, 20, 15, 10])[0])
            plans.append((moment, rider, code, text.format(place=place),
                    (round(position[0] + r.uniform(-.0006, .0006), 6),
                        round(position[1] + r.uniform(-.0008, .0008), 6)),
                    fate))
        plans.sort(key=lambda p: p[0])
        steps = []
        for key, (moment, rider, code, text, position, fate) in enumerate(
                plans):
            steps.append((moment, 0, 'report',
                    (key, rider['id'], code, text, position)))
            if fate == 'reported':
                continue
            decided = moment + dt.timedelta(minutes=r.randint(15, 100))
            if fate == 'rejected':
                steps.append((decided, 1, 'reject',
                        (key, r.choice(REJECTIONS))))
                continue
            steps.append((decided, 1, 'accept', (key, None)))
            if fate == 'accepted':
                continue
            resolved = decided + dt.timedelta(hours=r.uniform(2, 20))
            steps.append((decided + dt.timedelta(minutes=20), 2, 'start',
                    (key, None)))
            steps.append((resolved, 3, 'resolve',
                    (key, r.choice(RESOLUTIONS))))
            if fate == 'closed':
                steps.append((resolved + dt.timedelta(hours=r.uniform(3, 30)),
                        4, 'feedback', (key, r.choice([5, 5, 5, 4, 4, 3]))))
                steps.append((resolved + dt.timedelta(hours=r.uniform(31, 60)),
                        5, 'close', (key, None)))
        events = {}

        def report(payloads):
            for key, rider, code, text, (latitude, longitude) in payloads:
                events[key] = Rider(rider).report_problem(text, code,
                    latitude, longitude).id

        def browse(payloads):
            return Event.browse([events[k] for k, _ in payloads])

        def reject(payloads):
            Event.write(*[a for key, reason in payloads
                    for a in ([Event(events[key])],
                        {'rejection_reason': reason})])
            Event.reject(browse(payloads))

        def resolve(payloads):
            Event.write(*[a for key, text in payloads
                    for a in ([Event(events[key])], {'resolution': text})])
            Event.resolve(browse(payloads))

        def feedback(payloads):
            for key, satisfaction in payloads:
                Event.record_feedback([Event(events[key])], satisfaction,
                    r.choice(FEEDBACK) if satisfaction > 3 else None)

        handlers = {
            'report': report, 'reject': reject, 'resolve': resolve,
            'feedback': feedback,
            'accept': lambda p: Event.accept(browse(p)),
            'start': lambda p: Event.start(browse(p)),
            'close': lambda p: Event.close(browse(p)),
            }
        self.run_steps(steps, handlers)
        self.report_ids = list(events.values())

    # --- suggestions ------------------------------------------------------
    def make_suggestions(self):
        """Suggestions left at the stations, some anonymous: most answered
        by the station's manager a few days after, some still open past the
        days to answer (overdue), the latest open; the demo rider's from
        their login, as the phone's route does"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        pool = Pool()
        Suggestion = pool.get('civic.station.suggestion')
        r = self.random
        count = self.figures['suggestions']
        stations = self.stations
        steps = []
        for index in range(count):
            if not self.seed and index % 3 == 0:
                station = stations[0]  # the demo login's station
            else:
                station = r.choices(stations,
                    weights=[s['weight'] for s in stations])[0]
            share = index / count
            fate = ('answered' if share < .55 else 'overdue' if share < .75
                else 'open')
            if fate == 'open':
                submitted = self.now - dt.timedelta(
                    hours=r.randint(2, 6 * 24))
            elif fate == 'overdue':
                submitted = self.now - dt.timedelta(
                    days=r.randint(9, 40), hours=r.randint(0, 10))
            else:
                submitted = self.now - dt.timedelta(
                    days=r.randint(5, self.figures['days'] - 5),
                    hours=r.randint(0, 10))
            last = self.until.get(station['id'])
            if last and submitted >= last:
                submitted = last - dt.timedelta(days=r.randint(1, 5))
                fate = 'answered'
            riders = self.visitors.get(station['id']) or [
                x['id'] for x in self.riders]
            anonymous = r.random() < .3
            values = {'station': station['id'],
                'rider': None if anonymous else r.choice(riders),
                'anonymous': anonymous,
                'text': SUGGESTIONS[index % len(SUGGESTIONS)]}
            steps.append((submitted, 0, 'submit', (index, values, station)))
            if fate == 'answered':
                steps.append((submitted + dt.timedelta(
                            days=r.randint(1, 4), hours=r.randint(1, 8)),
                        1, 'answer', (index, ANSWERS[index % len(ANSWERS)],
                            station)))
        # the last one is the demo rider's at the home station, by name
        steps.append((self.now - dt.timedelta(hours=3), 0, 'submit_demo',
                (count, {'text': '驿站能不能加装一个电动车换电柜？中午电量不够跑完下午的单。',
                        'anonymous': False}, stations[0])))
        suggestions = {}

        def submit(payloads):
            for key, record in zip([k for k, _, _ in payloads],
                    Suggestion.create([v for _, v, _ in payloads])):
                suggestions[key] = record.id

        def submit_demo(payloads):
            for key, values, station in payloads:
                with Transaction().set_user(self.rider_user):
                    Suggestion.submit_for_user(station['token'],
                        values['text'], values['anonymous'])

        def answer(payloads):
            for key, text, station in payloads:
                suggestion = Suggestion(suggestions[key])
                with Transaction().set_user(station['manager']):
                    Suggestion.write([suggestion], {'answer': text})
                    Suggestion.send_answer([suggestion])

        self.run_steps(steps, {'submit': submit, 'submit_demo': submit_demo,
                'answer': answer})

    # --- the micro alliance ----------------------------------------------
    def make_alliance(self):
        """The platforms' and companies' Party contacts of the home street
        (the seed: of every street), joined in the last two years"""
        from trytond.pool import Pool
        pool = Pool()
        Alliance = pool.get('civic.station.alliance')
        Party = pool.get('party.party')
        r = self.random
        streets = sorted(self.streets.values(), key=lambda s: s['code'])
        if not self.seed:
            streets = [s for s in streets if s['code'] == HOME_STREET] or (
                streets[:1])
        plans = []
        for street in streets:
            for platform, company, position in ALLIANCE:
                plans.append((street, platform,
                        company.format(street=street['short']), position,
                        chinese_name(r, two_characters=.7), self.phone()))
        codes = self.party_codes('LM', len(plans))
        contacts = Party.create([{
                    'code': next(codes), 'name': name, 'lang': None,
                    'contact_mechanisms': [('create', [self.mobile(phone)])],
                    } for *_, name, phone in plans])
        members = Alliance.create([{
                    'street': street['id'],
                    'platform': self.platforms.get(platform),
                    'company': company, 'contact': contact.id,
                    'position': position, 'phone': phone,
                    'joined_on': self.today - dt.timedelta(
                        days=r.randint(60, 700)),
                    'notes': '每季度参加街道党建微联盟联席会，'
                    '共同开展骑手关爱和随手拍活动。',
                    } for (street, platform, company, position, _, phone),
                contact in zip(plans, contacts)])
        self.alliance = [m.id for m in members]
        self.alliance_street = streets[0]
        self.alliance_contacts = [c.id for c in contacts[:len(ALLIANCE)]]
        self.summary['alliance members'] = len(members)

    def make_meeting(self):
        """With civic_party: the home street's alliance met with the
        street's Party working committee two weeks ago (held)"""
        from trytond.pool import Pool
        pool = Pool()
        try:
            Meeting = pool.get('civic.party.meeting')
            Organisation = pool.get('civic.party.organisation')
        except KeyError:
            return
        street = self.alliance_street
        organisations = Organisation.search([
                ('area', '=', street['id'])],
            order=[('id', 'ASC')], limit=1)
        if not organisations or not self.alliance:
            return
        day = self.today - dt.timedelta(days=14)
        meeting, = Meeting.create([{
                    'name': f'{street["name"]}党建微联盟联席会（新就业群体）',
                    'kind': 'joint', 'organisation': organisations[0].id,
                    'area': street['id'], 'date': day,
                    'alliance': self.alliance[0],
                    'topics': '骑手驿站服务提升\n新就业群体兼职网格员随手拍\n'
                    '冬季交通安全和电动车充电安全',
                    'attendees': [('create', [{
                                    'kind': 'other', 'party': contact,
                                    'attended': True,
                                    } for contact in self.alliance_contacts])],
                    'decisions': [('create', [{
                                    'description': '各平台站点每月推荐两名党员骑手'
                                    '担任兼职网格员',
                                    'due_date': self.today + dt.timedelta(
                                        days=16),
                                    }])],
                    }])
        with at(self.moment(day, 16)):
            Meeting.hold([meeting])
        self.summary['alliance joint meetings'] = 1

    # --- the summary ------------------------------------------------------
    def count(self):
        from trytond.pool import Pool
        pool = Pool()
        Visit = pool.get('civic.station.visit')
        Event = pool.get('civic.event')
        Suggestion = pool.get('civic.station.suggestion')
        for source in ['desk', 'qr']:
            self.summary[f'visits ({source})'] = Visit.search_count(
                [('source', '=', source)])
        events = Event.browse(getattr(self, 'report_ids', []))
        states = {}
        for event in events:
            states[event.state] = states.get(event.state, 0) + 1
        self.summary['rider reports'] = len(events)
        self.summary.update({f'rider reports {s}': c
                for s, c in sorted(states.items())})
        self.summary['rider reports awarded points'] = sum(
            1 for e in events if e.points_line)
        self.summary['suggestions'] = Suggestion.search_count([])
        self.summary['suggestions anonymous'] = Suggestion.search_count(
            [('anonymous', '=', True)])
        self.summary['suggestions answered'] = Suggestion.search_count(
            [('state', '=', 'answered')])
        self.summary['suggestions overdue'] = Suggestion.search_count(
            [('overdue', '=', True)])
