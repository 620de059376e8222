# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

from civic_grid.scope import CONFIGURATION, ScopeMixin

from .exceptions import PlanError


class Configuration(ScopeMixin, ModelSingleton, ModelSQL, ModelView):
    __string__ = "Assessment Configuration"
    __name__ = 'civic.assessment.configuration'
    _scope_area = CONFIGURATION
    red_flags = fields.Integer(
        "Red Flags per Community", required=True,
        help="How many of the best sheets of each community a quarterly "
        "run names red flags (红旗网格, 红旗微网格, 红旗中心户).")
    first_tier_score = fields.Numeric(
        "First Tier from Score", digits=(5, 2), required=True)
    second_tier_score = fields.Numeric(
        "Second Tier from Score", digits=(5, 2), required=True,
        help="A yearly score below this is in the third tier.")
    first_tier_amount = fields.Numeric(
        "First Tier Funding", digits=(16, 2), required=True)
    second_tier_amount = fields.Numeric(
        "Second Tier Funding", digits=(16, 2), required=True)
    third_tier_amount = fields.Numeric(
        "Third Tier Funding", digits=(16, 2), required=True)

    @classmethod
    def default_red_flags(cls):
        return 1

    @classmethod
    def default_first_tier_score(cls):
        return Decimal(90)

    @classmethod
    def default_second_tier_score(cls):
        return Decimal(75)

    @classmethod
    def default_first_tier_amount(cls):
        return Decimal(10000)

    @classmethod
    def default_second_tier_amount(cls):
        return Decimal(8000)

    @classmethod
    def default_third_tier_amount(cls):
        return Decimal(5000)

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if record.red_flags < 0 or not (
                    0 <= record.second_tier_score
                    < record.first_tier_score <= 100):
                raise PlanError(gettext(
                        'civic_assessment.msg_configuration_tiers'))
            if min(record.first_tier_amount, record.second_tier_amount,
                    record.third_tier_amount) < 0:
                raise PlanError(gettext(
                        'civic_assessment.msg_configuration_amount'))
