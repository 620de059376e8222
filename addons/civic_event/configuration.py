# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Id

from civic_grid.scope import CONFIGURATION, ScopeMixin


class Configuration(ScopeMixin, ModelSingleton, ModelSQL, ModelView):
    __string__ = "Grid Event Configuration"
    __name__ = 'civic.event.configuration'
    _scope_area = CONFIGURATION
    event_sequence = fields.Many2One(
        'ir.sequence', "Event Sequence", required=True,
        domain=[('sequence_type', '=',
                Id('civic_event', 'sequence_type_event'))])
    report_rule = fields.Many2One(
        'civic.points.rule', "Points Rule for Reports",
        help="The rule by which a verified report awards its reporter "
        "points, unless the event's category names its own.")
    duplicate_distance = fields.Integer(
        "Duplicate Distance (m)", required=True,
        domain=[('duplicate_distance', '>=', 0)],
        help="Reports of the same category closer than this are "
        "suggested as possible duplicates.")
    duplicate_days = fields.Integer(
        "Duplicate Days", required=True,
        domain=[('duplicate_days', '>=', 0)],
        help="Reports of the same category within this many days of each "
        "other are suggested as possible duplicates.")
    unsatisfied_below = fields.Integer(
        "Unsatisfied Below", required=True,
        domain=[('unsatisfied_below', '>=', 1),
            ('unsatisfied_below', '<=', 5)],
        help="A satisfaction under this rating counts as unsatisfied: "
        "the event may then be reopened once.")
    open311_contact = fields.Char(
        "Open311 Contact",
        help="How API clients reach the people who run this server "
        "(Open311 discovery), for example an e-mail address and a phone.")
    open311_key_service = fields.Char(
        "Open311 Key Service",
        help="How an application gets an API key (Open311 discovery).")

    @classmethod
    def default_event_sequence(cls):
        return Pool().get('ir.model.data').get_id(
            'civic_event', 'sequence_event')

    @classmethod
    def default_duplicate_distance(cls):
        return 200

    @classmethod
    def default_duplicate_days(cls):
        return 3

    @classmethod
    def default_unsatisfied_below(cls):
        return 3
