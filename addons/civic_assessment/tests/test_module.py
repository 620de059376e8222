# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.tests.test_tryton import ModuleTestCase


class CivicAssessmentTestCase(ModuleTestCase):
    "Test Civic Assessment module"
    module = 'civic_assessment'
    extras = ['civic_party', 'civic_volunteer', 'civic_property',
        'civic_station']


del ModuleTestCase
