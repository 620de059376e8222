# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.tests.test_tryton import ModuleTestCase


class CivicPartyTestCase(ModuleTestCase):
    "Test Civic Party module"
    module = 'civic_party'


del ModuleTestCase
