# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

from civic_grid.scope import CONFIGURATION, ScopeMixin

from .exceptions import EvaluationError


class Configuration(ScopeMixin, ModelSingleton, ModelSQL, ModelView):
    __string__ = "Red Property Configuration"
    __name__ = 'civic.property.configuration'
    _scope_area = CONFIGURATION
    branch_threshold = fields.Integer(
        "Party Branch Required From (households)", required=True,
        domain=[('branch_threshold', '>=', 1)],
        help="A compound of at least this many households whose company "
        "has no Party organisation of its own is flagged on the two "
        "coverages list.")

    satisfaction_weight = fields.Integer(
        "Satisfaction Weight", required=True,
        domain=[('satisfaction_weight', '>=', 0),
            ('satisfaction_weight', '<=', 100)],
        help="The weight in the evaluation of the residents' satisfaction "
        "with the answered complaints.")
    rating_weight = fields.Integer(
        "Community Rating Weight", required=True,
        domain=[('rating_weight', '>=', 0), ('rating_weight', '<=', 100)],
        help="The weight in the evaluation of the community's rating.")
    regularity_weight = fields.Integer(
        "Log Regularity Weight", required=True,
        domain=[('regularity_weight', '>=', 0),
            ('regularity_weight', '<=', 100)],
        help="The weight in the evaluation of the months with work logs.")

    @classmethod
    def default_branch_threshold(cls):
        return 1000

    @classmethod
    def default_satisfaction_weight(cls):
        return 40

    @classmethod
    def default_rating_weight(cls):
        return 30

    @classmethod
    def default_regularity_weight(cls):
        return 30

    @classmethod
    def validate_fields(cls, configurations, field_names):
        super().validate_fields(configurations, field_names)
        if field_names & {
                'satisfaction_weight', 'rating_weight', 'regularity_weight'}:
            for config in configurations:
                total = (config.satisfaction_weight + config.rating_weight
                    + config.regularity_weight)
                if total != 100:
                    raise EvaluationError(gettext(
                            'civic_property.msg_weights_total',
                            total=total))
