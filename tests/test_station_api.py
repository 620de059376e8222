# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The care stations over real HTTP, on the demo server: the public
distribution map and its GeoJSON (with Leaflet served beside the web
client), a rider's phone checking in by the station's QR code, reporting a
problem into the right grid's event queue and leaving a suggestion, and a
station manager over JSON-RPC who sees their own station's visits and
riders, no others."""
import json
import unittest
import urllib.error
import urllib.parse
import urllib.request

from tests.rpc import RPCError, demo_server

SERVER = None
FIXTURE = {}
PREFIX = 'APIST'
GRID = 'D01S01C01B01M01S01'  # the demo grid worker's grid
OTHER_GRID = 'D01S02C01B01M01S01'
PHONE = '+86 138 0000 0417'


def setUpModule():
    global SERVER
    SERVER = demo_server()
    make_fixture()


def areas(admin, *codes):
    found = admin.model('civic.area', 'search_read',
        [('code', 'in', list(codes))], 0, None, None, ['code'])
    return {a['code']: a['id'] for a in found}


def make_fixture():
    """Two stations (one closed), a rider with a login and a phone key, a
    rider of another grid, a manager of the first station, as admin"""
    admin = SERVER.session('admin', password='admin', language='en')
    ids = areas(admin, GRID, OTHER_GRID, 'D01S01C01', 'D01S02C01')
    facilities = {f['code']: f['id'] for f in admin.model(
            'civic.station.facility', 'search_read', [], 0, None, None,
            ['code'])}
    platform, = admin.model('civic.station.platform', 'create', [{
                'name': f'{PREFIX} 平台', 'code': f'{PREFIX}-P'}])
    hours = [['create', [{'weekday': str(d), 'opens': time_(7),
                    'closes': time_(22)} for d in range(1, 8)]]]
    station, other, closed = admin.model('civic.station', 'create', [{
                'name': f'{PREFIX} 和平驿站', 'code': f'{PREFIX}-1',
                'host': '和平社区党群服务中心', 'host_kind': 'service_centre',
                'area': ids['D01S01C01'], 'address': '和平路1号',
                'latitude': 35.06, 'longitude': 118.34, 'hours': hours,
                'facilities': [['add', [facilities['drinking_water'],
                            facilities['phone_charging']]]],
                }, {
                'name': f'{PREFIX} 城南驿站', 'code': f'{PREFIX}-2',
                'host': '城南便民超市', 'host_kind': 'shop',
                'area': ids['D01S02C01'], 'address': '城南路2号',
                'latitude': 35.02, 'longitude': 118.37,
                'facilities': [['add', [facilities['charging_shed']]]],
                }, {
                'name': f'{PREFIX} 停用驿站', 'code': f'{PREFIX}-3',
                'host': '某企业', 'host_kind': 'company',
                'area': ids['D01S01C01'], 'address': '和平路3号',
                'latitude': 35.07, 'longitude': 118.35,
                }])
    admin.model('civic.station', 'close', [closed])
    users = admin.model('res.user', 'create', [{
                'login': f'{PREFIX.lower()}-rider', 'name': '骑手测试',
                }, {
                'login': f'{PREFIX.lower()}-manager', 'name': '站长测试',
                'password': 'civicgrid2026',
                'groups': [['add', [group_id(admin)]]],
                }])
    rider_party, other_party = admin.model('party.party', 'create', [{
                'name': '骑手甲', 'contact_mechanisms': [['create', [{
                                'type': 'mobile', 'value': PHONE}]]],
                }, {'name': '骑手乙'}])
    rider, other_rider = admin.model('civic.station.rider', 'create', [{
                'party': rider_party, 'platform': platform,
                'grid': ids[GRID], 'user': users[0], 'kind': 'delivery',
                }, {
                'party': other_party, 'platform': platform,
                'grid': ids[OTHER_GRID], 'kind': 'courier',
                }])
    admin.model('civic.station', 'write', [station],
        {'managers': [['add', [users[1]]]]})
    # the other rider visited the other station only
    admin.model('civic.station.visit', 'create', [{
                'station': other, 'rider': other_rider}])
    key, = admin.model('res.user.application', 'create', [{
                'user': users[0], 'application': 'civic_station'}])
    key, = admin.model('res.user.application', 'read', [key], ['key'])
    tokens = {s['id']: s['qr_token'] for s in admin.model(
            'civic.station', 'read', [station, other], ['qr_token'])}
    category, = admin.model('civic.event.category', 'search_read',
        [('children', '=', None), ('code', '!=', None)], 0, 1,
        [('code', 'ASC')], ['code'])
    FIXTURE.update(admin=admin, station=station, other=other,
        closed=closed, rider=rider, other_rider=other_rider,
        key=key['key'], tokens=tokens, category=category['code'],
        manager=f'{PREFIX.lower()}-manager', grids=ids)


def time_(hour):
    return {'__class__': 'time', 'hour': hour, 'minute': 0, 'second': 0,
        'microsecond': 0}


def group_id(admin):
    "The Station manager group: the one of the demo login station"
    user, = admin.model('res.user', 'search_read',
        [('login', '=', 'station')], 0, 1, None, ['groups'])
    group, = user['groups']
    return group


def http(method, path, body=None, key=None, language='zh_CN'):
    "(status, content type, body bytes) of a request to the demo server"
    headers = {'Accept-Language': language}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers['Content-Type'] = 'application/json'
    if key:
        headers['Authorization'] = f'bearer {key}'
    request = urllib.request.Request(SERVER.url + path, data=data,
        headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return (response.status, response.headers['Content-Type'],
                response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers['Content-Type'], error.read()


def station_path(rest):
    return f'/{SERVER.database}/civic/station/{rest}'


class DistributionMapTestCase(unittest.TestCase):
    "The public map, its GeoJSON and Leaflet"

    def test_geojson_lists_the_stations_not_closed(self):
        status, content_type, body = http('GET',
            station_path('stations.geojson'))
        self.assertEqual(status, 200, body[:300])
        self.assertIn('geo+json', content_type)
        features = {f['id']: f for f in json.loads(body)['features']}
        self.assertIn(f'{PREFIX}-1', features)
        self.assertIn(f'{PREFIX}-2', features)
        self.assertNotIn(f'{PREFIX}-3', features)
        first = features[f'{PREFIX}-1']
        self.assertEqual(first['geometry'],
            {'type': 'Point', 'coordinates': [118.34, 35.06]})
        self.assertEqual(
            sorted(f['code'] for f in first['properties']['facilities']),
            ['drinking_water', 'phone_charging'])
        self.assertIn('07:00-22:00', first['properties']['hours'])
        # public data only
        self.assertNotIn('managers', first['properties'])

    def test_geojson_filters(self):
        def codes(query):
            _, _, body = http('GET', station_path(
                    'stations.geojson?' + urllib.parse.urlencode(query)))
            return {f['id'] for f in json.loads(body)['features']
                if f['id'].startswith(PREFIX)}
        self.assertEqual(codes({'facility': 'charging_shed'}),
            {f'{PREFIX}-2'})
        self.assertEqual(codes({'area': 'D01S01C01'}), {f'{PREFIX}-1'})
        self.assertEqual(codes({'area': 'NO-SUCH-AREA'}), set())

    def test_map_page_and_leaflet(self):
        status, content_type, body = http('GET', station_path('map'))
        self.assertEqual(status, 200)
        self.assertIn('text/html', content_type)
        page = body.decode()
        self.assertIn('暖“新”驿站分布地图', page)
        self.assertIn('/node_modules/leaflet/dist/leaflet.js', page)
        self.assertIn('stations.geojson', page)
        # Leaflet is served by the web root beside sao
        status, _, script = http('GET',
            '/node_modules/leaflet/dist/leaflet.js')
        self.assertEqual(status, 200)
        self.assertIn(b'Leaflet', script[:2000])

    def test_menu_opens_the_map_of_this_database(self):
        "暖“新”驿站 › 暖“新”驿站分布地图 opens the map of the client's database"
        admin = FIXTURE['admin']
        url, = admin.model('ir.action.url', 'search_read',
            [('url', 'like', '%/civic/station/map')], 0, 1, None, ['action'])
        keyword, = admin.model('ir.action.keyword', 'search_read', [
                ('action', '=', url['action']),
                ('keyword', '=', 'tree_open')], 0, 1, None, ['model'])
        menu = int(keyword['model'].split(',')[1])
        action, = admin.call('model.ir.action.keyword.get_keyword',
            'tree_open', ['ir.ui.menu', menu], {})
        self.assertEqual(action['type'], 'ir.action.url')
        self.assertEqual(action['url'],
            f'/{SERVER.database}/civic/station/map')


class RiderPhoneTestCase(unittest.TestCase):
    "The rider's phone with the key of the user application civic_station"

    def test_a_door_without_key_is_shut(self):
        token = FIXTURE['tokens'][FIXTURE['station']]
        status, _, _ = http('POST', station_path(f'scan/{token}'), {})
        self.assertEqual(status, 401)

    def test_check_in_by_qr_code_once_in_ten_minutes(self):
        token = FIXTURE['tokens'][FIXTURE['station']]
        status, _, body = http('POST', station_path(f'scan/{token}'),
            {'services': ['drinking_water']}, key=FIXTURE['key'])
        self.assertEqual(status, 200, body)
        answer = json.loads(body)
        self.assertEqual(answer['station'], f'{PREFIX} 和平驿站')
        self.assertEqual(len(answer['services']), 1)
        status, _, body = http('POST', station_path(f'scan/{token}'), {},
            key=FIXTURE['key'])
        self.assertEqual(status, 400)
        self.assertIn('10分钟内已在', json.loads(body)['message'])
        visits = FIXTURE['admin'].model('civic.station.visit', 'search',
            [('rider', '=', FIXTURE['rider'])], 0, None, None)
        self.assertEqual(len(visits), 1)

    def test_check_in_refusals(self):
        for services in (['microwave'], 'water', [1]):
            token = FIXTURE['tokens'][FIXTURE['other']]
            status, _, body = http('POST', station_path(f'scan/{token}'),
                {'services': services}, key=FIXTURE['key'])
            self.assertEqual(status, 400, (services, body))
            self.assertTrue(json.loads(body)['message'])
        status, _, body = http('POST', station_path('scan/not-a-token'), {},
            key=FIXTURE['key'])
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)['message'], '该二维码不属于任何驿站。')

    def test_report_lands_in_the_riders_grid(self):
        status, _, body = http('POST', station_path('report'), {
                'description': '人民路路灯不亮，夜间送餐不安全',
                'category': FIXTURE['category'],
                }, key=FIXTURE['key'])
        self.assertEqual(status, 200, body)
        number = json.loads(body)['number']
        admin = FIXTURE['admin']
        event, = admin.model('civic.event', 'search_read',
            [('number', '=', number)], 0, 1, None,
            ['source', 'area', 'state', 'reporter'])
        self.assertEqual(event['source'], 'rider')
        self.assertEqual(event['area'], FIXTURE['grids'][GRID])
        self.assertEqual(event['state'], 'reported')
        # in that grid's queue: its grid worker sees it
        worker = SERVER.session('gridworker')
        self.assertEqual(worker.model('civic.event', 'search',
                [('number', '=', number)], 0, None, None), [event['id']])
        for bad in ({'description': '', 'category': FIXTURE['category']},
                {'description': '井盖缺失', 'category': 'NO-SUCH'},
                {'description': '井盖缺失', 'category': FIXTURE['category'],
                    'latitude': 'north'}):
            status, _, body = http('POST', station_path('report'), bad,
                key=FIXTURE['key'])
            self.assertEqual(status, 400, (bad, body))

    def test_suggestion_box(self):
        token = FIXTURE['tokens'][FIXTURE['station']]
        status, _, body = http('POST', station_path(f'suggestion/{token}'),
            {'text': '希望夏天提供绿豆汤', 'anonymous': True},
            key=FIXTURE['key'])
        self.assertEqual(status, 200, body)
        self.assertTrue(json.loads(body)['anonymous'])
        suggestion, = FIXTURE['admin'].model('civic.station.suggestion',
            'search_read', [('text', '=', '希望夏天提供绿豆汤'),
                ('station', '=', FIXTURE['station'])], 0, None,
            None, ['rider', 'state', 'station'])
        self.assertEqual((suggestion['rider'], suggestion['state'],
                suggestion['station']), (None, 'open', FIXTURE['station']))
        status, _, body = http('POST', station_path(f'suggestion/{token}'),
            {'text': '   '}, key=FIXTURE['key'])
        self.assertEqual(status, 400)

    def test_report_form_page(self):
        status, content_type, body = http('GET', station_path('report/form'))
        self.assertEqual(status, 200)
        self.assertIn('text/html', content_type)
        self.assertIn(FIXTURE['category'], body.decode())


class StationManagerTestCase(unittest.TestCase):
    "A station manager over JSON-RPC: their own station, visits and riders"

    @classmethod
    def setUpClass(cls):
        cls.manager = SERVER.session(FIXTURE['manager'])
        # the other rider's first visit to the manager's station (the desk
        # finds a first-time rider by phone, see the scenarios)
        FIXTURE['admin'].model('civic.station.visit', 'create', [{
                    'station': FIXTURE['station'],
                    'rider': FIXTURE['other_rider']}])

    def test_sees_own_station_only(self):
        stations = self.manager.model('civic.station', 'search', [], 0,
            None, None)
        self.assertEqual(stations, [FIXTURE['station']])
        with self.assertRaises(RPCError):
            self.manager.model('civic.station', 'read', [FIXTURE['other']],
                ['name'])

    def test_sees_own_visits_and_riders_only(self):
        visits = self.manager.model('civic.station.visit', 'search_read',
            [], 0, None, None, ['station', 'rider'])
        self.assertTrue(visits)
        self.assertEqual({v['station'] for v in visits},
            {FIXTURE['station']})
        riders = set(self.manager.model('civic.station.rider', 'search',
                [], 0, None, None))
        self.assertIn(FIXTURE['other_rider'], riders)
        other_visits = FIXTURE['admin'].model('civic.station.visit',
            'search', [('station', '=', FIXTURE['other'])], 0, None, None)
        with self.assertRaises(RPCError):
            self.manager.model('civic.station.visit', 'read', other_visits,
                ['rider'])

    def test_cannot_check_in_at_another_station(self):
        with self.assertRaises(RPCError):
            self.manager.model('civic.station.visit', 'create', [{
                        'station': FIXTURE['other'],
                        'rider': FIXTURE['other_rider']}])
        visits = FIXTURE['admin'].model('civic.station.visit', 'search',
            [('station', '=', FIXTURE['other'])], 0, None, None)
        self.assertEqual(len(visits), 1)


if __name__ == '__main__':
    unittest.main()
