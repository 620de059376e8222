# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The Open311 GeoReport v2 API of civic_event over real HTTP, on the server
README command 1 starts: the standard's answers, the events it files (seen
over JSON-RPC), every client mistake answered with the standard's error list
without writing anything, and a fuzz of random and malformed requests."""
import datetime as dt
import http.client
import json
import unittest
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.rpc import demo_server

SERVER = None
FIXTURE = {}
PREFIX = 'O311T'  # the codes of this test's categories and area


def setUpModule():
    global SERVER
    # served by gunicorn as a deployment (its long request lines too)
    SERVER = demo_server()
    make_fixture()


def decimal(value):
    return {'__class__': 'Decimal', 'decimal': str(value)}


def make_fixture():
    "Categories, a located grid and API clients, as the civic administrator"
    admin = SERVER.session('civic_admin', language='en')
    FIXTURE['admin'] = admin
    grid, = admin.model('civic.area', 'search_read',
        [('level.is_grid', '=', True), ('parent', '!=', None)], 0, 1,
        [('code', 'ASC')], ['code', 'parent'])
    community, = admin.model('civic.area', 'read', [grid['parent']],
        ['code', 'parent'])
    # a centre far from every other grid so that a position lands there
    admin.model('civic.area', 'write', [grid['id']],
        {'latitude': 45.123456, 'longitude': 100.654321})
    FIXTURE.update(grid=grid, community=community)

    group, = admin.model('civic.event.category', 'create', [{
                'code': f'{PREFIX}-GROUP', 'name': 'Open311 test group',
                }])
    limits = [['create', [{'level': 'grid', 'accept_hours': decimal(2),
                        'resolve_hours': decimal(24)}]]]
    open_, closed = admin.model('civic.event.category', 'create', [{
                'code': f'{PREFIX}-LITTER', 'name': 'Open311 litter',
                'parent': group, 'anonymous': True, 'keywords': 'litter,bin',
                'department': 'Sanitation office',
                'description': 'Litter and full bins', 'limits': limits,
                }, {
                'code': f'{PREFIX}-NAMED', 'name': 'Open311 named only',
                'parent': group, 'anonymous': False,
                }])
    FIXTURE.update(group=group, litter=open_, named=closed)

    client, inactive = admin.model('civic.event.api.client', 'create', [{
                'name': 'Open311 test app', 'source': 'app',
                'default_area': community['id'],
                }, {
                'name': 'Open311 retired app', 'source': 'rider',
                }])
    clients = {c['id']: c for c in admin.model(
            'civic.event.api.client', 'read', [client, inactive],
            ['key', 'source'])}
    admin.model('civic.event.api.client', 'write', [inactive],
        {'active': False})
    FIXTURE.update(client=client, key=clients[client]['key'],
        inactive_key=clients[inactive]['key'])


def url(path, database=None):
    return (f'{SERVER.url}/{database or SERVER.database}'
        f'/open311/v2/{path}')


def call(method, path, params=None, body=None, content_type=None,
        language='en', database=None):
    """(HTTP status, headers, body bytes) of a request with urllib; params go
    in the query string of a GET and form-encoded in the body of a POST"""
    target = url(path, database)
    data = body
    headers = {'Accept-Language': language} if language else {}
    if params is not None:
        encoded = urllib.parse.urlencode(params)
        if method == 'GET':
            target += '?' + encoded
        elif body is None:
            data = encoded.encode()
            content_type = (
                content_type or 'application/x-www-form-urlencoded')
    if content_type:
        headers['Content-Type'] = content_type
    request = urllib.request.Request(
        target, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def raw(method, path, body=b'', headers=None):
    "(status, headers, body) of a request sent exactly as given"
    connection = http.client.HTTPConnection(
        '127.0.0.1', SERVER.port, timeout=120)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for key, value in (headers or {}).items():
            connection.putheader(key, value)
        connection.putheader('Content-Length', str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def counts():
    "The number of events, history lines and event attachments"
    admin = FIXTURE['admin']
    return (
        admin.model('civic.event', 'search_count', []),
        admin.model('civic.event.history', 'search_count', []),
        admin.model('ir.attachment', 'search_count',
            [('resource', 'like', 'civic.event,%')]),
        )


def post_values(**values):
    params = {
        'api_key': FIXTURE['key'],
        'service_code': f'{PREFIX}-LITTER',
        'lat': '45.123456',
        'long': '100.654321',
        'description': '垃圾桶已满，周围散落垃圾。',
        }
    params.update(values)
    return {k: v for k, v in params.items() if v is not None}


class Open311Mixin:

    def assertStandardError(self, status, headers, body, code):
        "The standard's error list with code, in JSON"
        self.assertEqual(status, code, body)
        self.assertIn('application/json', headers['Content-Type'])
        errors = json.loads(body)
        self.assertIsInstance(errors, list)
        self.assertEqual(len(errors), 1)
        self.assertEqual(set(errors[0]), {'code', 'description'})
        self.assertEqual(errors[0]['code'], code)
        self.assertIsInstance(errors[0]['description'], str)
        self.assertTrue(errors[0]['description'])
        return errors[0]['description']

    def assertRefused(self, code, params=None, body=None, content_type=None,
            language='en'):
        "A POST requests refused with code that writes nothing"
        before = counts()
        status, headers, answer = call('POST', 'requests.json', params,
            body=body, content_type=content_type, language=language)
        description = self.assertStandardError(status, headers, answer, code)
        self.assertEqual(counts(), before)
        return description

    def post(self, **values):
        before = counts()
        status, headers, body = call(
            'POST', 'requests.json', post_values(**values))
        self.assertEqual(status, 200, body)
        answer = json.loads(body)
        self.assertEqual(len(answer), 1)
        self.assertEqual(counts()[0], before[0] + 1)
        return answer[0]


class Open311TestCase(Open311Mixin, unittest.TestCase):
    "The standard's answers"

    def get_json(self, path, params=None, language='en'):
        status, headers, body = call('GET', path, params, language=language)
        self.assertEqual(status, 200, body)
        self.assertIn('application/json', headers['Content-Type'])
        return json.loads(body)

    def event(self, number, fields):
        admin = FIXTURE['admin']
        event, = admin.model('civic.event', 'search_read',
            [('number', '=', number)], 0, None, None, fields)
        return event

    def test_discovery(self):
        "Discovery lists the v2 endpoint in JSON and XML"
        discovery = self.get_json('discovery.json')
        self.assertEqual(set(discovery),
            {'changeset', 'contact', 'key_service', 'endpoints'})
        endpoint, = discovery['endpoints']
        self.assertEqual(endpoint['specification'],
            'http://wiki.open311.org/GeoReport_v2')
        # clients append "/requests.xml" to the url: no slash at its end
        self.assertTrue(endpoint['url'].endswith(
                f'/{SERVER.database}/open311/v2'))
        # the standard requires every field
        self.assertIn(SERVER.url, discovery['contact'])
        self.assertIn('Open311 API Clients', discovery['key_service'])
        self.assertEqual(discovery['changeset'], endpoint['changeset'])
        # a client's own URL, without redirect
        services = endpoint['url'] + '/services.json'
        with urllib.request.urlopen(services, timeout=120) as response:
            self.assertEqual(response.status, 200)
            self.assertEqual(response.url, services)
        # the offices set their own contact in the Civic configuration
        admin = FIXTURE['admin']
        admin.model('civic.event.configuration', 'write', [1], {
                'open311_contact': 'open311@example.org, 0539-12345',
                'open311_key_service': 'Write to open311@example.org',
                })
        try:
            discovery = self.get_json('discovery.json')
            self.assertEqual(discovery['contact'],
                'open311@example.org, 0539-12345')
            self.assertEqual(discovery['key_service'],
                'Write to open311@example.org')
        finally:
            admin.model('civic.event.configuration', 'write', [1], {
                    'open311_contact': None, 'open311_key_service': None})
        self.assertEqual(endpoint['type'], 'production')
        self.assertEqual(set(endpoint['formats']),
            {'application/json', 'text/xml'})

        status, headers, body = call('GET', 'discovery.xml')
        self.assertEqual(status, 200)
        self.assertIn('text/xml', headers['Content-Type'])
        root = ET.fromstring(body)
        self.assertEqual(root.tag, 'discovery')
        self.assertEqual(
            {f.text for f in root.iter('format')},
            {'application/json', 'text/xml'})

    def test_services(self):
        "Services lists the active categories that take reports"
        services = self.get_json('services.json')
        by_code = {s['service_code']: s for s in services}
        self.assertEqual(by_code[f'{PREFIX}-LITTER'], {
                'service_code': f'{PREFIX}-LITTER',
                'service_name': 'Open311 litter',
                # the category's notes, its department and time limits
                'description': 'Litter and full bins\n'
                'Handled by: Sanitation office.\n'
                'It will be accepted within 2 hours and resolved within '
                '24 hours.',
                'metadata': False,
                'type': 'realtime',
                'keywords': 'litter,bin',
                'group': 'Open311 test group',
                })
        # a service that refuses anonymous reports says so in its metadata
        self.assertIs(by_code[f'{PREFIX}-NAMED']['metadata'], True)
        self.assertIsNone(by_code[f'{PREFIX}-NAMED']['description'])
        # the group is not a service of its own
        self.assertNotIn(f'{PREFIX}-GROUP', by_code)

        status, headers, body = call('GET', 'services.xml')
        self.assertEqual(status, 200)
        root = ET.fromstring(body)
        self.assertEqual(root.tag, 'services')
        litter, = [s for s in root.findall('service')
            if s.findtext('service_code') == f'{PREFIX}-LITTER']
        self.assertEqual(litter.findtext('metadata'), 'false')
        self.assertEqual(litter.findtext('group'), 'Open311 test group')

    def test_service_definition(self):
        "One service's definition; an unknown or group code is a 404"
        definition = self.get_json(f'services/{PREFIX}-LITTER.json')
        self.assertEqual(definition,
            {'service_code': f'{PREFIX}-LITTER', 'attributes': []})
        definition = self.get_json(f'services/{PREFIX}-NAMED.json')
        self.assertEqual(definition['service_code'], f'{PREFIX}-NAMED')
        name, phone = definition['attributes']
        for order, (attribute, code) in enumerate(
                [(name, 'reporter_name'), (phone, 'reporter_phone')], 1):
            self.assertEqual(set(attribute), {'variable', 'code',
                    'datatype', 'required', 'datatype_description',
                    'order', 'description'})
            self.assertEqual(attribute['code'], code)
            self.assertIs(attribute['variable'], True)
            self.assertIs(attribute['required'], True)
            self.assertEqual(attribute['datatype'], 'string')
            self.assertEqual(attribute['order'], order)
            self.assertTrue(attribute['description'])
        status, headers, body = call(
            'GET', f'services/{PREFIX}-NAMED.xml', language='zh-CN')
        root = ET.fromstring(body)
        self.assertEqual(root.tag, 'service_definition')
        codes = [a.findtext('code') for a in root.find('attributes')]
        self.assertEqual(codes, ['reporter_name', 'reporter_phone'])
        self.assertEqual(root.find('attributes').find('attribute').findtext(
                'description'), '上报人姓名，或 first_name 和 last_name')
        for code in ['NO-SUCH-SERVICE', f'{PREFIX}-GROUP']:
            status, headers, body = call('GET', f'services/{code}.json')
            self.assertStandardError(status, headers, body, 404)

    def test_post_and_get(self):
        "A POST files an event as the client; GET finds it without the "
        "reporter's details"
        created = self.post(first_name='三', last_name='张',
            phone='13800001111', email='zhang.san@example.com',
            device_id='device-1', account_id='acct-7',
            media_url='https://example.com/bin.jpg',
            address_string='和平路12号')
        self.assertEqual(set(created),
            {'service_request_id', 'service_notice', 'account_id'})
        number = created['service_request_id']
        self.assertTrue(number)
        self.assertEqual(created['account_id'], 'acct-7')
        self.assertEqual(created['service_notice'],
            'It will be accepted within 2 hours and resolved within '
            '24 hours.')

        event = self.event(number, ['api_client', 'source', 'area',
                'category', 'reporter_name', 'reporter_phone',
                'reporter_email', 'anonymous', 'latitude', 'longitude',
                'address', 'media_url', 'device_id', 'account_id',
                'description', 'state'])
        self.assertEqual(event['api_client'], FIXTURE['client'])
        self.assertEqual(event['source'], 'app')
        self.assertEqual(event['area'], FIXTURE['grid']['id'])
        self.assertEqual(event['category'], FIXTURE['litter'])
        self.assertEqual(event['reporter_name'], '张三')
        self.assertEqual(event['reporter_phone'], '13800001111')
        self.assertEqual(event['reporter_email'], 'zhang.san@example.com')
        self.assertFalse(event['anonymous'])
        self.assertAlmostEqual(event['latitude'], 45.123456)
        self.assertAlmostEqual(event['longitude'], 100.654321)
        self.assertEqual(event['address'], '和平路12号')
        self.assertEqual(event['device_id'], 'device-1')
        self.assertEqual(event['state'], 'reported')

        request, = self.get_json(f'requests/{number}.json')
        self.assertEqual(list(request), [
                'service_request_id', 'status', 'status_notes',
                'service_name', 'service_code', 'description',
                'agency_responsible', 'service_notice',
                'requested_datetime', 'updated_datetime',
                'expected_datetime', 'address', 'address_id', 'zipcode',
                'lat', 'long', 'media_url'])
        self.assertEqual(request['service_request_id'], number)
        self.assertEqual(request['status'], 'open')
        self.assertEqual(request['service_code'], f'{PREFIX}-LITTER')
        self.assertEqual(request['service_name'], 'Open311 litter')
        self.assertEqual(request['agency_responsible'], 'Sanitation office')
        self.assertEqual(
            request['description'], '垃圾桶已满，周围散落垃圾。')
        self.assertEqual(request['address_id'], FIXTURE['grid']['code'])
        self.assertEqual(request['media_url'], 'https://example.com/bin.jpg')
        self.assertAlmostEqual(request['lat'], 45.123456)
        requested = dt.datetime.strptime(
            request['requested_datetime'], '%Y-%m-%dT%H:%M:%SZ')
        expected = dt.datetime.strptime(
            request['expected_datetime'], '%Y-%m-%dT%H:%M:%SZ')
        self.assertEqual(expected - requested, dt.timedelta(hours=24))

        # the community's area takes in its grids, over the given dates
        start = (requested - dt.timedelta(days=1)).strftime(
            '%Y-%m-%dT%H:%M:%SZ')
        end = (requested + dt.timedelta(days=1)).strftime(
            '%Y-%m-%dT%H:%M:%S+08:00')
        for params in [
                {'area': FIXTURE['community']['code'], 'start_date': start,
                    'end_date': end},
                {'area': FIXTURE['grid']['code'], 'status': 'open',
                    'service_code': f'{PREFIX}-LITTER'},
                {'service_request_id': f'{number},NO-SUCH'},
                ]:
            found = self.get_json('requests.json', params)
            self.assertIn(number, [r['service_request_id'] for r in found],
                params)
        self.assertNotIn(number, [r['service_request_id']
                for r in self.get_json('requests.json', {
                        'area': FIXTURE['grid']['code'],
                        'status': 'closed'})])
        self.assertNotIn(number, [r['service_request_id']
                for r in self.get_json('requests.json', {
                        'area': FIXTURE['grid']['code'],
                        'end_date': start})])
        # newest first
        found = self.get_json('requests.json')
        dates = [r['requested_datetime'] for r in found]
        self.assertEqual(dates, sorted(dates, reverse=True))
        self.assertLessEqual(len(found), 1000)

        # the reporter's details are never shown
        for path, params in [
                (f'requests/{number}.json', None),
                (f'requests/{number}.xml', None),
                ('requests.json', {'area': FIXTURE['grid']['code']}),
                ('requests.xml', {'area': FIXTURE['grid']['code']})]:
            status, headers, body = call('GET', path, params)
            self.assertEqual(status, 200)
            for secret in ['13800001111', 'zhang.san@example.com', '张三',
                    'device-1']:
                self.assertNotIn(secret, body.decode())

        status, headers, body = call('GET', f'requests/{number}.xml')
        root = ET.fromstring(body)
        self.assertEqual(root.tag, 'service_requests')
        self.assertEqual(
            root.find('request').findtext('service_request_id'), number)

    def test_post_json_body_and_address_id(self):
        "A JSON body is accepted too; address_id places it in that area"
        before = counts()[0]
        status, headers, body = call('POST', 'requests.json',
            body=json.dumps({
                    'api_key': FIXTURE['key'],
                    'service_code': f'{PREFIX}-LITTER',
                    'address_id': FIXTURE['community']['code'],
                    'lat': 30.5, 'long': 114.25,
                    'description': 'JSON body',
                    }).encode(),
            content_type='application/json')
        self.assertEqual(status, 200, body)
        created, = json.loads(body)
        self.assertIsNone(created['account_id'])
        self.assertEqual(counts()[0], before + 1)
        event = self.event(created['service_request_id'],
            ['area', 'anonymous', 'reporter_name', 'latitude'])
        self.assertEqual(event['area'], FIXTURE['community']['id'])
        self.assertTrue(event['anonymous'])
        self.assertIsNone(event['reporter_name'])
        self.assertEqual(event['latitude'], 30.5)

    def test_post_address_string_default_area(self):
        "A request with only an address goes to the client's default area; "
        "XML is answered in XML"
        status, headers, body = call('POST', 'requests.xml', post_values(
                lat=None, long=None, address_string='幸福小区3号楼'))
        self.assertEqual(status, 200, body)
        root = ET.fromstring(body)
        number = root.find('request').findtext('service_request_id')
        event = self.event(number, ['area', 'address'])
        self.assertEqual(event['area'], FIXTURE['community']['id'])
        self.assertEqual(event['address'], '幸福小区3号楼')

    def test_status_sync_of_many_ids(self):
        "FixMyStreet's status sync asks for thousands of ids in one long "
        "URL: the first 1,000 requests are answered, newest first"
        admin = FIXTURE['admin']
        ids = admin.model('civic.event', 'create', [{
                    'category': FIXTURE['litter'],
                    'area': FIXTURE['grid']['id'],
                    'description': f'状态同步 {i}',
                    } for i in range(1001)])
        numbers = [e['number'] for e in admin.model(
                'civic.event', 'read', ids, ['number'])]
        asked = numbers + [f'NO-SUCH-{i:06d}' for i in range(20000)]
        query = urllib.parse.urlencode(
            {'service_request_id': ','.join(asked)})
        self.assertGreater(len(query), 200000)
        for path in ['requests.json', 'requests.xml']:
            status, headers, body = raw('GET',
                f'/{SERVER.database}/open311/v2/{path}?{query}')
            self.assertEqual(status, 200, body[:500])
            if path.endswith('.json'):
                found = json.loads(body)
                answered = [r['service_request_id'] for r in found]
                dates = [r['requested_datetime'] for r in found]
            else:
                requests = ET.fromstring(body).findall('request')
                answered = [r.findtext('service_request_id')
                    for r in requests]
                dates = [r.findtext('requested_datetime') for r in requests]
            self.assertEqual(len(answered), 1000)
            self.assertEqual(len(set(answered)), 1000)
            self.assertLessEqual(set(answered), set(numbers))
            self.assertEqual(dates, sorted(dates, reverse=True))

    def test_position_and_address_of_every_request(self):
        "A request without a position gets its area's centre, one without "
        "an address the names of its area and those above it"
        admin = FIXTURE['admin']
        community = FIXTURE['community']
        created = self.post(lat=None, long=None, address_string='幸福小区')
        request, = self.get_json(
            f"requests/{created['service_request_id']}.json")
        centre, = admin.model('civic.area', 'read', [community['id']],
            ['latitude', 'longitude'])
        self.assertIsNotNone(centre['latitude'])
        self.assertAlmostEqual(request['lat'], centre['latitude'])
        self.assertAlmostEqual(request['long'], centre['longitude'])
        self.assertEqual(request['address'], '幸福小区')

        created = self.post()
        request, = self.get_json(
            f"requests/{created['service_request_id']}.json")
        grid, = admin.model('civic.area', 'read', [FIXTURE['grid']['id']],
            ['path'])
        above = [int(i) for i in grid['path'].split('/') if i]
        names = {a['id']: a['name'] for a in admin.model(
                'civic.area', 'read', above, ['name'])}
        self.assertEqual(request['address'],
            ''.join(names[i] for i in above))
        self.assertAlmostEqual(request['lat'], 45.123456)

        # the demo's requests all have both
        found = self.get_json('requests.json', {'status': 'open,closed'})
        self.assertTrue(found)
        for request in found:
            self.assertIsNotNone(request['lat'], request)
            self.assertIsNotNone(request['long'], request)
            self.assertTrue(request['address'], request)

    def test_tokens(self):
        "A token (the service request id: we answer with ids at once) "
        "gives its service request id"
        number = self.post()['service_request_id']
        answer = self.get_json(f'tokens/{number}.json')
        self.assertEqual(answer,
            [{'service_request_id': number, 'token': number}])
        status, headers, body = call('GET', 'tokens/NO-SUCH-TOKEN.json')
        self.assertStandardError(status, headers, body, 404)

    def test_missing_api_key(self):
        "No api_key: 403"
        self.assertRefused(403, post_values(api_key=None))
        self.assertRefused(403, post_values(api_key=''))

    def test_wrong_api_key(self):
        "An unknown or inactive client's api_key: 403"
        self.assertRefused(403, post_values(api_key='not-a-key'))
        self.assertRefused(403, post_values(api_key=FIXTURE['inactive_key']))
        self.assertRefused(403, post_values(api_key=FIXTURE['key'] + 'x'))

    def test_service_code(self):
        "An unknown service_code or a group is 404; none is 400"
        description = self.assertRefused(
            404, post_values(service_code='NO-SUCH-SERVICE'))
        self.assertEqual(description,
            'No service has the service_code "NO-SUCH-SERVICE".')
        self.assertRefused(404, post_values(service_code=f'{PREFIX}-GROUP'))
        self.assertRefused(400, post_values(service_code=None))

    def test_missing_location(self):
        "Neither a position, nor an address, nor an address_id: 400"
        description = self.assertRefused(
            400, post_values(lat=None, long=None))
        self.assertEqual(description, 'A location is required: lat and '
            'long, an address_string or an address_id.')
        self.assertRefused(400, post_values(long=None))
        self.assertRefused(400, post_values(address_id='NO-SUCH-AREA'))

    def test_description_length(self):
        "4,001 characters are refused, 4,000 pass"
        description = self.assertRefused(
            400, post_values(description='长' * 4001))
        self.assertEqual(description,
            'The description has 4001 characters: at most 4000 are '
            'allowed.')
        created = self.post(description='长' * 4000)
        event = self.event(created['service_request_id'], ['description'])
        self.assertEqual(len(event['description']), 4000)

    def test_anonymous(self):
        "A service's required attributes: missing ones are the spec's 400"
        named = f'{PREFIX}-NAMED'
        description = self.assertRefused(
            400, post_values(service_code=named))
        self.assertEqual(description,
            'The service "Open311 named only" does not take anonymous '
            'requests: the attribute reporter_name (Reporter\'s name, or '
            'first_name and last_name) is required.')
        description = self.assertRefused(400, post_values(
                service_code=named, first_name='三', last_name='张'))
        self.assertIn('reporter_phone', description)
        self.assertRefused(400, post_values(
                service_code=named, phone='13900002222'))
        # as the standard's parameters or as the attributes
        created = self.post(service_code=named, first_name='三',
            last_name='李', phone='13900002222')
        event = self.event(created['service_request_id'],
            ['reporter_name', 'reporter_phone', 'anonymous'])
        self.assertEqual((event['reporter_name'], event['reporter_phone'],
                event['anonymous']), ('李三', '13900002222', False))
        created = self.post(service_code=named, **{
                'attribute[reporter_name]': '王五',
                'attribute[reporter_phone]': '13900003333'})
        event = self.event(created['service_request_id'],
            ['reporter_name', 'reporter_phone'])
        self.assertEqual((event['reporter_name'], event['reporter_phone']),
            ('王五', '13900003333'))
        # in a JSON body, attribute may be an object
        status, headers, body = call('POST', 'requests.json',
            body=json.dumps(post_values(service_code=named, attribute={
                        'reporter_name': '赵六',
                        'reporter_phone': '13900004444'})).encode(),
            content_type='application/json')
        self.assertEqual(status, 200, body)
        self.post(service_code=f'{PREFIX}-LITTER')

    def test_malformed_lat(self):
        "A latitude that is not a number on Earth: 400"
        for value in ['abc', '', ' ', '4 5', '1_0', 'nan', 'inf', '-inf',
                '1e999', '91', '-90.0001', '0x10', '४५', '45,1']:
            with self.subTest(lat=value):
                # an empty lat is a missing one, with long alone
                self.assertRefused(400, post_values(lat=value))
        self.assertRefused(400, body=json.dumps(post_values(
                    lat=True)).encode(), content_type='application/json')
        self.assertRefused(400, body=json.dumps(post_values(
                    lat=[45])).encode(), content_type='application/json')

    def test_bodies(self):
        "Malformed bodies and content types: 400, nothing written"
        for body, content_type in [
                (b'{not json', 'application/json'),
                (b'[1, 2]', 'application/json'),
                (b'\xff\xfe\x00', 'application/json'),
                (b'1' * 5000, 'application/json'),
                (b'<request/>', 'text/xml'),
                (b'api_key=x', 'text/plain'),
                ]:
            with self.subTest(body=body[:20], content_type=content_type):
                self.assertRefused(
                    400, body=body, content_type=content_type)
        # an empty body has no api_key
        self.assertRefused(403, body=b'',
            content_type='application/x-www-form-urlencoded')
        self.assertRefused(403, body=b'', content_type='application/json')
        # NUL characters cannot be stored
        self.assertRefused(400, post_values(description='a\x00b'))
        # more than the request size
        status, headers, body = raw('POST',
            f'/{SERVER.database}/open311/v2/requests.json',
            b'description=' + b'x' * (2 * 1024 * 1024),
            {'Content-Type': 'application/x-www-form-urlencoded'})
        self.assertStandardError(status, headers, body, 413)

    def test_other_mistakes(self):
        "Formats, paths, methods, databases and GET parameters"
        for method, path, params, code in [
                ('GET', 'services.html', None, 400),
                ('GET', 'requests.csv', None, 400),
                ('GET', 'nothing-here.json', None, 404),
                ('GET', 'services/a/b.json', None, 404),
                ('GET', '', None, 404),
                ('DELETE', 'requests.json', None, 405),
                ('POST', 'services.json', None, 405),
                ('GET', 'requests/NO-SUCH.json', None, 404),
                ('GET', 'requests.json', {'start_date': 'yesterday'}, 400),
                ('GET', 'requests.json', {'start_date': '2026-02-30'}, 400),
                ('GET', 'requests.json', {'end_date': '99999-01-01'}, 400),
                ('GET', 'requests.json', {'start_date': '2026-01-01',
                        'end_date': '2025-01-01'}, 400),
                ('GET', 'requests.json', {'start_date': '2025-01-01',
                        'end_date': '2026-01-01'}, 400),
                ('GET', 'requests.json', {'status': 'pending'}, 400),
                ('GET', 'requests.json', {'area': 'NO-SUCH-AREA'}, 404),
                ('GET', 'requests.json', {'service_code': 'NO-SUCH'}, 404),
                ]:
            with self.subTest(method=method, path=path, params=params):
                status, headers, body = call(method, path, params)
                self.assertStandardError(status, headers, body, code)
        status, headers, body = call(
            'GET', 'services.json', database='no_such_database')
        self.assertStandardError(status, headers, body, 404)
        # the XML error format
        status, headers, body = call('GET', 'services/NO-SUCH.xml')
        self.assertEqual(status, 404)
        root = ET.fromstring(body)
        self.assertEqual(root.tag, 'errors')
        self.assertEqual(root.find('error').findtext('code'), '404')
        # unknown parameters are ignored
        self.get_json('requests.json', {'jurisdiction_id': 'x', 'foo': 'b'})
        # dates in every W3C form
        for value in ['2026', '2026-01', '2026-01-31',
                '2026-01-31T08:00+08:00', '2026-01-31T08:00:00Z',
                '2026-01-31T08:00:00.5-05:00', '2026-01-31T08:00:00 08:00']:
            self.get_json('requests.json', {'start_date': value})

    def test_languages(self):
        "Errors are described in the language of Accept-Language"
        english = self.assertRefused(403, post_values(api_key=None))
        self.assertEqual(english,
            'An api_key is required to create a service request.')
        chinese = self.assertRefused(
            403, post_values(api_key=None), language='zh-CN,zh;q=0.9')
        self.assertNotEqual(chinese, english)
        self.assertRegex(chinese, '[\u4e00-\u9fff]')


def fuzz_settings(examples):
    return settings(max_examples=examples, deadline=None, derandomize=True,
        database=None, suppress_health_check=[HealthCheck.too_slow,
            HealthCheck.filter_too_much, HealthCheck.data_too_large,
            HealthCheck.large_base_example])


PARAMETERS = ['api_key', 'service_code', 'lat', 'long', 'address_string',
    'address_id', 'description', 'media_url', 'first_name', 'last_name',
    'phone', 'email', 'device_id', 'account_id', 'jurisdiction_id',
    'attribute[x]', 'service_request_id', 'start_date', 'end_date',
    'status', 'area']
texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(['', ' ', '0', '-1', '1e309', 'nan', '45.1', '100.6',
            '91', '2026-01-31T08:00:00Z', '2026-13-01', 'open', 'closed',
            'open,closed', '\x00', '\ud800', '\x1b[0m', '%00', '../..',
            'null', 'true', '[]', '{}', "' OR 1=1 --", '<x>&amp;',
            '长' * 4001]),
    st.text(min_size=4000, max_size=4100, alphabet='ab长'),
    st.integers(min_value=-10 ** 20, max_value=10 ** 20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
        st.text(max_size=20)),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.text(max_size=5), children, max_size=3),
    max_leaves=6)
CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data',
    'multipart/form-data; boundary=xyz', 'application/json',
    'application/json; charset=latin-1', 'text/xml', 'text/plain', '',
    'application/octet-stream', 'application/x-www-form-urlencoded; '
    'charset=gbk', 'image/png', '*/*', 'application/vnd.api+json']


def fixture_texts():
    "Values that mean something here, known once the fixture exists"
    return st.sampled_from([
            FIXTURE['key'], FIXTURE['inactive_key'], f'{PREFIX}-LITTER',
            f'{PREFIX}-NAMED', f'{PREFIX}-GROUP', FIXTURE['grid']['code'],
            FIXTURE['community']['code'], 'a@b.cn', 'https://x.cn/a.jpg',
            'javascript:alert(1)', '张', '13800001111', '45.123456',
            '100.654321'])


@st.composite
def post_requests(draw):
    "(body bytes, content type) of a random POST requests"
    params = {}
    if draw(st.integers(0, 9)) < 8:
        # mostly a valid request with a few changes, to go deep
        params.update(post_values())
        # (the api_key changes only with the other parameters below)
        for key in draw(st.lists(st.sampled_from(list(params)[1:]),
                    max_size=2, unique=True)):
            del params[key]
    params.update(draw(st.dictionaries(
                st.sampled_from(PARAMETERS[::-1]) | st.text(max_size=10),
                texts | fixture_texts(), max_size=4)))
    kind = draw(st.sampled_from(
            ['form'] * 3 + ['json'] * 2 + ['json-values'] * 2 + ['bytes']))
    if kind == 'form':
        body = urllib.parse.urlencode(
            params, encoding='utf-8', errors='surrogatepass').encode()
        content_type = draw(st.sampled_from([
                    'application/x-www-form-urlencoded', '']))
    elif kind == 'json':
        body = json.dumps(params).encode()
        content_type = 'application/json'
    elif kind == 'json-values':
        values = dict(params)
        values.update(draw(st.dictionaries(
                    st.sampled_from(PARAMETERS), json_values, max_size=2)))
        body = json.dumps(values).encode()
        content_type = draw(st.sampled_from(
                ['application/json', 'text/json']))
    else:
        body = draw(st.binary(max_size=300))
        content_type = draw(st.sampled_from(CONTENT_TYPES))
    return body, content_type


class Open311FuzzTestCase(Open311Mixin, unittest.TestCase):
    "Random and malformed requests: never a 5xx, never a partial record"

    def assertAnswer(self, status, headers, body, path=''):
        self.assertLess(status, 500, body[:500])
        if status >= 400:
            if path.endswith('.xml'):
                root = ET.fromstring(body)
                self.assertEqual(root.tag, 'errors')
                self.assertEqual(root.find('error').findtext('code'),
                    str(status))
                self.assertTrue(root.find('error').findtext('description'))
            else:
                self.assertStandardError(status, headers, body, status)

    @fuzz_settings(200)
    @given(post_requests())
    def test_fuzz_post(self, request):
        "Random POST requests: one new event or an error and none"
        body, content_type = request
        before = counts()
        headers = {'Content-Type': content_type} if content_type else {}
        status, answer_headers, answer = raw('POST',
            f'/{SERVER.database}/open311/v2/requests.json', body, headers)
        self.assertAnswer(status, answer_headers, answer)
        after = counts()
        if status == 200:
            created, = json.loads(answer)
            self.assertTrue(created['service_request_id'])
            self.assertEqual(after[0], before[0] + 1)
            self.assertGreater(after[1], before[1])
        else:
            self.assertEqual(after, before)

    @fuzz_settings(40)
    @given(st.dictionaries(
            st.sampled_from(PARAMETERS) | st.text(max_size=10), texts,
            max_size=5),
        st.sampled_from(['requests.json', 'requests.xml', 'services.json',
                'discovery.xml', 'requests/{}.json', 'tokens/{}.json',
                'services/{}.json']),
        st.text(max_size=20))
    def test_fuzz_get(self, params, path, value):
        "Random GET parameters and path values"
        if '{}' in path:
            path = path.format(urllib.parse.quote(value, safe=''))
        query = urllib.parse.urlencode(
            params, encoding='utf-8', errors='surrogatepass')
        # longer request lines are refused by the HTTP server itself (414)
        assume(len(query) + len(path) < 60000)
        status, headers, body = raw('GET',
            f'/{SERVER.database}/open311/v2/{path}?{query}', b'',
            {'Accept-Language': 'zh-CN'})
        self.assertAnswer(status, headers, body, path)
        if status == 200:
            answer = json.loads(body) if path.endswith('.json') else None
            if path.startswith('requests') and answer is not None:
                self.assertLessEqual(len(answer), 1000)

    @fuzz_settings(60)
    @given(st.lists(st.text(max_size=12).filter(
                lambda s: s not in {'.', '..'}), min_size=1, max_size=4),
        st.sampled_from(['', '.json', '.xml', '.html', '.']),
        st.sampled_from(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD',
                'OPTIONS']))
    def test_fuzz_paths(self, segments, suffix, method):
        "Random paths under open311/v2 with any method"
        path = '/'.join(urllib.parse.quote(s, safe='') for s in segments)
        path += suffix
        before = counts()[0]
        status, headers, body = raw(method,
            f'/{SERVER.database}/open311/v2/{path}', b'',
            {'Content-Type': 'application/x-www-form-urlencoded'})
        self.assertLess(status, 500, body[:500])
        if status >= 400 and method != 'HEAD':
            self.assertAnswer(status, headers, body, path)
        self.assertEqual(counts()[0], before)


if __name__ == '__main__':
    unittest.main()
