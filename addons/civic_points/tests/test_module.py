# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.tests.test_tryton import ModuleTestCase


class CivicPointsTestCase(ModuleTestCase):
    "Test Civic Points module"
    module = 'civic_points'
    extras = []


del ModuleTestCase
