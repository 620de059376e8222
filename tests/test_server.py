# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""README command 1 stays true: start the server as scripts/run does, log in
over JSON-RPC as the demo users in Chinese, and check over HTTP what each may
read."""
import unittest

from tests.rpc import RPCError, RunningServer


class ServerTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = RunningServer()
        try:
            cls.server.start()
        except Exception:
            cls.server.stop()
            cls.server.drop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.drop()

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

    def test_run_again_keeps_data(self):
        "Running scripts/run again keeps the database and its data"
        admin = self.server.session('civic_admin')
        count = admin.model('party.party', 'search_count',
            [('household', '!=', None)])
        self.server.stop()
        self.server.start()
        admin = self.server.session('civic_admin')
        self.assertEqual(admin.model('party.party', 'search_count',
                [('household', '!=', None)]), count)
