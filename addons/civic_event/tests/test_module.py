# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.tests.test_tryton import ModuleTestCase


class CivicEventTestCase(ModuleTestCase):
    "Test Civic Event module"
    module = 'civic_event'
    extras = []


del ModuleTestCase
