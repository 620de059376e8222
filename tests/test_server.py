# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""README command 1 stays true: start the server as scripts/run does (as a
deployment does: gunicorn workers and trytond-cron), log in over JSON-RPC as
the demo users in Chinese, and check over HTTP what each may read."""
import json
import threading
import unittest
import urllib.error
import urllib.request

from tests.rpc import DEMO_WORKERS as WORKERS
from tests.rpc import RPCError, demo_server


class ServerTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = demo_server()

    def test_web_client_served(self):
        "The web client (sao) is served at the root"
        import urllib.request
        with urllib.request.urlopen(self.server.url + '/') as response:
            page = response.read().decode()
        self.assertIn('tryton-sao.js', page)

    def test_grid_worker_in_chinese(self):
        "A demo grid worker logs in in Chinese and sees the Chinese menu"
        session = self.server.session('gridworker')
        preferences = session.model('res.user', 'get_preferences', True)
        self.assertEqual(preferences['language'], 'zh_CN')
        menus = session.model('ir.ui.menu', 'search_read',
            [('parent', '=', None)], 0, None, None, ['name'],
            context={'language': 'zh_CN'})
        self.assertIn('网格治理', [m['name'] for m in menus])

    def test_grid_worker_scope_and_masking_over_rpc(self):
        "Residents of the worker's grid only, with masked numbers"
        worker = self.server.session('gridworker')
        admin = self.server.session('civic_admin')
        mine = worker.model('party.party', 'search_read',
            [('household', '!=', None)], 0, None, None,
            ['name', 'id_number', 'resident_phone', 'civic_area'])
        everyone = admin.model('party.party', 'search_read',
            [('household', '!=', None)], 0, None, None, ['id_number'])
        self.assertTrue(mine)
        self.assertLess(len(mine), len(everyone))
        for resident in mine:
            self.assertRegex(resident['id_number'], r'^\d{3}\*{11}[\dX]{4}$')
        full = {r['id']: r['id_number'] for r in everyone}
        self.assertRegex(full[mine[0]['id']], r'^\d{17}[\dX]$')

        outside = sorted(set(full) - {r['id'] for r in mine})[0]
        with self.assertRaises(RPCError):
            worker.model('party.party', 'read', [outside], ['name'])
        with self.assertRaises(RPCError):
            worker.model('party.party', 'search', [
                    ('id_number', 'like', full[mine[0]['id']][:6] + '%')],
                0, None, None)

    def test_merchant_redeems_over_rpc(self):
        "The demo merchant redeems its own voucher once, over HTTP"
        merchant = self.server.session('merchant')
        issued = merchant.model('civic.points.redemption', 'search_read',
            [('state', '=', 'issued')], 0, 1, None, ['code', 'points'])
        self.assertTrue(issued)
        result = merchant.model(
            'civic.points.redemption', 'redeem_code', issued[0]['code'])
        self.assertEqual(result['code'], issued[0]['code'])
        self.assertEqual(result['points'], issued[0]['points'])
        self.assertRegex(result['holder'], r'^.\*')
        with self.assertRaises(RPCError) as context:
            merchant.model(
                'civic.points.redemption', 'redeem_code', issued[0]['code'])
        self.assertIn('已于', str(context.exception))
        # the resident's ledger stays out of reach
        with self.assertRaises(RPCError):
            merchant.model('civic.points.line', 'search', [], 0, 1, None)

    def test_deployment_processes(self):
        "gunicorn serves with its workers, trytond-cron runs beside it"
        processes = self.server.processes()
        gunicorn = [p for p in processes if 'gunicorn' in p
            and 'trytond.application:app' in p]
        self.assertEqual(len(gunicorn), WORKERS + 1, processes)
        self.assertTrue([p for p in processes if 'trytond-cron' in p],
            processes)

    def test_concurrent_clients(self):
        "Sixteen clients at once are all answered"
        answers, errors = [], []

        def client():
            try:
                session = self.server.session('community')
                answers.append(session.model('civic.household',
                        'search_count', []))
            except Exception as error:
                errors.append(error)
        threads = [threading.Thread(target=client) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(set(answers)), 1)
        self.assertGreater(answers[0], 0)

    def post(self, path, payload, headers=None):
        request = urllib.request.Request(self.server.url + path,
            data=json.dumps(payload).encode(),
            headers={'Content-Type': 'application/json', **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, None

    def test_foreign_origin_refused(self):
        "A request from another site's page is refused with 403, not 500"
        path = f'/{self.server.database}/rpc/'
        login = {'id': 1, 'method': 'common.db.login',
            'params': ['merchant', {'password': 'civicgrid2026'}, 'zh_CN']}
        status, _ = self.post(path, login,
            headers={'Origin': 'http://evil.example'})
        self.assertEqual(status, 403)
        status, answer = self.post(path, login,
            headers={'Origin': self.server.url})
        self.assertEqual(status, 200)
        self.assertTrue(answer['result'])

    def test_no_database_list(self):
        "Nobody lists the databases"
        status, answer = self.post('/', {
                'id': 1, 'method': 'common.db.list', 'params': []})
        self.assertTrue(status != 200 or answer.get('error'), answer)

    def test_password_guessing_stopped(self):
        """Wrong passwords soon stop further tries, but not the real user
        on the device they logged in from before"""
        session = self.server.session('community')
        cookie = session.model('res.user.device', 'renew', None)
        for _ in range(6):
            with self.assertRaises(urllib.error.HTTPError) as wrong:
                self.server.session('community', password='guess1234')
            self.assertEqual(wrong.exception.code, 401)
        with self.assertRaises(urllib.error.HTTPError) as refused:
            self.server.session('community')
        self.assertEqual(refused.exception.code, 429)
        self.server.session('community', device_cookie=cookie)

    def test_reversal_over_rpc(self):
        "A reversal over JSON-RPC answers, and reverses once"
        admin = self.server.session('civic_admin')
        lines = admin.model('civic.points.line', 'search_read', [
                ('kind', '=', 'award'), ('state', '=', 'posted')],
            0, 50, None, ['points', 'account', 'reversed'])
        for line in (l for l in lines if not l['reversed']):
            balance, = admin.model('civic.points.account', 'read',
                [line['account']], ['balance'])
            if balance['balance'] >= line['points']:
                break
        self.assertIsNone(admin.model(
                'civic.points.line', 'reverse', [line['id']]))
        reversal, = admin.model('civic.points.line', 'search_read',
            [('reversal_of', '=', line['id'])], 0, None, None, ['points'])
        self.assertEqual(reversal['points'], -line['points'])
        with self.assertRaises(RPCError):
            admin.model('civic.points.line', 'reverse', [line['id']])

    def restore_server(self, merchant):
        "The shared server as the other tests expect it"
        root = self.server.session('admin', password='admin')
        root.model('res.user', 'write', [merchant],
            {'password': 'civicgrid2026'})
        self.server.stop()
        self.server.workers = WORKERS
        self.server.start()

    def test_run_again_keeps_data(self):
        """Running scripts/run again (as one process this time) keeps the
        database, its data and the passwords an administrator changed"""
        admin = self.server.session('civic_admin')
        count = admin.model('party.party', 'search_count',
            [('household', '!=', None)])
        root = self.server.session('admin', password='admin')
        user, = root.model('res.user', 'search',
            [('login', '=', 'merchant')], 0, None, None)
        root.model('res.user', 'write', [user], {'password': 'changed-2026'})
        self.addCleanup(self.restore_server, user)
        self.server.stop()
        self.server.workers = None
        self.server.start()
        admin = self.server.session('civic_admin')
        self.assertEqual(admin.model('party.party', 'search_count',
                [('household', '!=', None)]), count)
        self.server.session('merchant', password='changed-2026')
        with self.assertRaises(urllib.error.HTTPError) as old:
            self.server.session('merchant')
        self.assertEqual(old.exception.code, 401)
