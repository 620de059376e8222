# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.tests.test_tryton import ModuleTestCase


class CivicPropertyTestCase(ModuleTestCase):
    "Test Civic Property module"
    module = 'civic_property'


del ModuleTestCase
