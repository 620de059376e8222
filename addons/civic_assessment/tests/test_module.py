# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class CivicAssessmentTestCase(ModuleTestCase):
    "Test Civic Assessment module"
    module = 'civic_assessment'
    extras = ['civic_party', 'civic_volunteer', 'civic_property',
        'civic_station']

    @with_transaction()
    def test_indicator_score(self):
        "A value's share of the full score, capped at 100"
        Indicator = Pool().get('civic.assessment.indicator')
        indicator = Indicator(measure='visits', target=Decimal(30))
        self.assertEqual(indicator.score(Decimal(15)), Decimal('50.00'))
        self.assertEqual(indicator.score(Decimal(45)), Decimal('100.00'))
        self.assertEqual(indicator.score(Decimal(0)), Decimal('0.00'))
        self.assertEqual(indicator.score(None), Decimal(100))


del ModuleTestCase
