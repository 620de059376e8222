# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.tests.test_tryton import ModuleTestCase


class CivicVolunteerTestCase(ModuleTestCase):
    "Test Civic Volunteer module"
    module = 'civic_volunteer'


del ModuleTestCase
