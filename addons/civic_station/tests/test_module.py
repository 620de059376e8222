# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.tests.test_tryton import ModuleTestCase


class CivicStationTestCase(ModuleTestCase):
    "Test Civic Station module"
    module = 'civic_station'
    extras = ['civic_party']


del ModuleTestCase
