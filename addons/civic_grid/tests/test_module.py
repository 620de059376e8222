# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.tests.test_tryton import ModuleTestCase


class CivicGridTestCase(ModuleTestCase):
    "Test Civic Grid module"
    module = 'civic_grid'


del ModuleTestCase
