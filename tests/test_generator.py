# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"The demo-data generator builds what its size says, with valid data"
import os
import sys
import unittest

from trytond.tests.test_tryton import activate_module, with_transaction

sys.path.insert(0, os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        'scripts'))
import generate  # noqa: E402


class GeneratorTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('civic_grid')

    @with_transaction()
    def test_tiny_district(self):
        from trytond.pool import Pool

        from civic_grid.party import id_number_problem
        pool = Pool()
        Area = pool.get('civic.area')
        Party = pool.get('party.party')
        Household = pool.get('civic.household')
        Appointment = pool.get('civic.appointment')
        size = generate.SIZES['tiny']

        generate.Generator('tiny', commit=False).run()

        for code, key in [('street', 'streets'),
                ('community', 'communities'), ('big_grid', 'big'),
                ('medium_grid', 'medium'), ('small_grid', 'small'),
                ('micro_grid', 'micro')]:
            self.assertEqual(
                Area.search_count([('level.code', '=', code)]), size[key],
                code)
        self.assertEqual(Household.search_count([]), size['households'])
        residents = Party.search([('household', '!=', None)])
        self.assertEqual(len(residents), size['residents'])
        numbers = [r.id_number for r in residents]
        self.assertEqual(len(set(numbers)), len(numbers))
        self.assertEqual(
            [n for n in numbers if id_number_problem(n)], [])
        self.assertEqual(
            Appointment.search_count([('state', '=', 'active')]),
            size['appointments'])
        county, = Area.search([('parent', '=', None)])
        self.assertEqual(county.residents, size['residents'])
        self.assertEqual(county.households, size['households'])

        # a visit carries the grid worker of its grid, not the
        # administrator who generated it
        visits = pool.get('civic.visit').search([])
        self.assertTrue(visits)
        for visit in visits:
            self.assertNotEqual(visit.visitor.id, 0)
            self.assertNotEqual(visit.visitor.login, 'admin')
            self.assertEqual(visit.visitor.civic_areas[0].level.code,
                'small_grid')
            self.assertIn(str(visit.visitor.civic_areas[0].id),
                visit.household.area.path.split('/'))
            self.assertIn('网格员', visit.visitor.name)
