# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Id

from civic_grid.scope import CONFIGURATION, ScopeMixin

from .exceptions import VolunteerError

# 星级评定: the cumulative hours of one to five stars
DEFAULT_STARS = [100, 300, 600, 1000, 1500]


class Configuration(ScopeMixin, ModelSingleton, ModelSQL, ModelView):
    __string__ = "Volunteer Configuration"
    __name__ = 'civic.volunteer.configuration'
    _scope_area = CONFIGURATION
    hour_rule = fields.Many2One(
        'civic.points.rule', "Points Rule for Service Hours",
        help="The rule by which each confirmed hour of service earns the "
        "volunteer points (one unit per hour); none: hours earn nothing.")
    certificate_sequence = fields.Many2One(
        'ir.sequence', "Certificate Sequence", required=True,
        domain=[('sequence_type', '=',
                Id('civic_volunteer', 'sequence_type_certificate'))],
        help="The serial numbers of the service certificates.")
    certificate_issuer = fields.Char(
        "Certificate Issuer",
        help="The organisation named on the service certificates; empty: "
        "the volunteer's community.")
    star_1 = fields.Integer("One Star (hours)", required=True)
    star_2 = fields.Integer("Two Stars (hours)", required=True)
    star_3 = fields.Integer("Three Stars (hours)", required=True)
    star_4 = fields.Integer("Four Stars (hours)", required=True)
    star_5 = fields.Integer("Five Stars (hours)", required=True)

    @classmethod
    def default_certificate_sequence(cls):
        ModelData = Pool().get('ir.model.data')
        try:
            return ModelData.get_id(
                'civic_volunteer', 'sequence_certificate')
        except KeyError:
            return None

    @classmethod
    def default_star_1(cls):
        return DEFAULT_STARS[0]

    @classmethod
    def default_star_2(cls):
        return DEFAULT_STARS[1]

    @classmethod
    def default_star_3(cls):
        return DEFAULT_STARS[2]

    @classmethod
    def default_star_4(cls):
        return DEFAULT_STARS[3]

    @classmethod
    def default_star_5(cls):
        return DEFAULT_STARS[4]

    @property
    def star_thresholds(self):
        return [self.star_1, self.star_2, self.star_3, self.star_4,
            self.star_5]

    def stars_for(self, hours):
        "The star level of a volunteer with hours of cumulative service"
        return sum(1 for threshold in self.star_thresholds
            if hours >= threshold)

    @classmethod
    def validate_fields(cls, configurations, field_names):
        super().validate_fields(configurations, field_names)
        for configuration in configurations:
            thresholds = configuration.star_thresholds
            if (thresholds[0] <= 0 or any(
                        a >= b for a, b in zip(thresholds, thresholds[1:]))):
                raise VolunteerError(gettext(
                        'civic_volunteer.msg_star_thresholds',
                        thresholds=' / '.join(map(str, thresholds))))
