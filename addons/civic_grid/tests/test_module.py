# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from civic_grid.scope import AREA_IN_SCOPE, ScopeMixin


def make_tree():
    """A county > street > two communities > a grid each; return the areas
    by code"""
    pool = Pool()
    Area = pool.get('civic.area')
    ModelData = pool.get('ir.model.data')
    areas = {}
    for code, level, parent in [
            ('D', 'county', None), ('S', 'street', 'D'),
            ('C1', 'community', 'S'), ('G1', 'small_grid', 'C1'),
            ('C2', 'community', 'S'), ('G2', 'small_grid', 'C2')]:
        areas[code], = Area.create([{
                    'code': code, 'name': code,
                    'parent': areas[parent].id if parent else None,
                    'level': ModelData.get_id('civic_grid', 'level_' + level),
                    }])
    return areas


def make_user(login, group, areas):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{
                'login': login, 'name': login,
                'groups': [('add', [ModelData.get_id('civic_grid', group)])],
                'civic_areas': [('add', [a.id for a in areas])],
                }])
    return user


def as_user(user):
    "The user's transaction with access checks, as an RPC call has it"
    transaction = Transaction()
    return transaction.set_user(user.id), transaction.set_context(
        _check_access=True)


class CivicGridTestCase(ModuleTestCase):
    "Test Civic Grid module"
    module = 'civic_grid'

    @with_transaction()
    def test_area_pickers_offer_the_scope(self):
        "The area pickers offer the user's areas, those below and above"
        pool = Pool()
        Area = pool.get('civic.area')
        areas = make_tree()
        worker = make_user(
            'worker', 'group_civic_grid_worker', [areas['G1']])
        admin = make_user('boss', 'group_civic_admin', [])
        user, context = as_user(worker)
        with user, context:
            offered = Area.search(AREA_IN_SCOPE)
            self.assertEqual({a.code for a in offered},
                {'D', 'S', 'C1', 'G1'})
            self.assertEqual(
                {a.code: a.in_my_scope for a in Area.browse(
                        [a.id for a in areas.values()])},
                {'D': True, 'S': True, 'C1': True, 'G1': True,
                    'C2': False, 'G2': False})
        user, context = as_user(admin)
        with user, context:
            self.assertEqual(len(Area.search(AREA_IN_SCOPE)), len(areas))

    @with_transaction()
    def test_every_area_field_users_fill_is_limited(self):
        "Every editable area field of a civic model carries the domain"
        pool = Pool()
        checked = 0
        for name, Model in pool.iterobject():
            if not issubclass(Model, ScopeMixin):
                continue
            for field_name, field in Model._fields.items():
                if (field._type != 'many2one'
                        or field.model_name != 'civic.area'
                        or field.readonly
                        or (hasattr(field, 'setter') and not field.setter)):
                    continue
                with self.subTest(model=name, field=field_name):
                    self.assertIn(AREA_IN_SCOPE[0], field.domain)
                    checked += 1
        self.assertGreater(checked, 0)

    @with_transaction()
    def test_breakdown_items_in_the_user_language(self):
        "The breakdown names its levels, roles and groups in the user's "
        "language, and finds them by those names"
        pool = Pool()
        Breakdown = pool.get('civic.area.breakdown')
        Level = pool.get('civic.area.level')
        Lang = pool.get('ir.lang')
        make_tree()
        zh_cn, = Lang.search([('code', '=', 'zh_CN')])
        Lang.write([zh_cn], {'translatable': True})
        small, = Level.search([('code', '=', 'small_grid')])
        with Transaction().set_context(language='zh_CN'):
            Level.write([Level(small.id)], {'name': '小网格'})
        domain = [('dimension', '=', 'level'), ('item_id', '=', small.id)]
        with Transaction().set_context(language='zh_CN'):
            rows = Breakdown.search(domain)
            self.assertTrue(rows)
            self.assertEqual({r.item for r in rows}, {'小网格'})
            self.assertEqual(
                Breakdown.search([('item', '=', '小网格')]), rows)
        with Transaction().set_context(language='en'):
            self.assertEqual(
                {r.item for r in Breakdown.search(domain)}, {small.name})

    @with_transaction()
    def test_civic_admin_activates_modules(self):
        "The civic administrator activates a module from the web client "
        "and has the generic party menu, which the other roles do not"
        pool = Pool()
        Module = pool.get('ir.module')
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        admin = make_user('boss', 'group_civic_admin', [])
        worker = make_user('worker', 'group_civic_grid_worker', [])
        module, = Module.search([('state', '=', 'not activated')], limit=1)
        menu = ModelData.get_id('civic_grid', 'menu_module')
        party_menu = ModelData.get_id('party', 'menu_party')
        user, context = as_user(worker)
        with user, context:
            self.assertFalse(Menu.search([('id', '=', menu)]))
            self.assertFalse(Menu.search([('id', '=', party_menu)]))
            with self.assertRaises(AccessButtonError):
                Module.activate([Module(module.id)])
        user, context = as_user(admin)
        with user, context:
            self.assertTrue(Menu.search([('id', '=', menu)]))
            self.assertTrue(Menu.search([('id', '=', party_menu)]))
            Module.activate([Module(module.id)])
            self.assertEqual(Module(module.id).state, 'to activate')
            Module.cancel([Module(module.id)])
            self.assertEqual(Module(module.id).state, 'not activated')


del ModuleTestCase
