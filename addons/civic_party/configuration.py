# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

from civic_grid.scope import CONFIGURATION, ScopeMixin


class Configuration(ScopeMixin, ModelSingleton, ModelSQL, ModelView):
    __string__ = "Party Building Configuration"
    __name__ = 'civic.party.configuration'
    _scope_area = CONFIGURATION
    meeting_rule = fields.Many2One(
        'civic.points.rule', "Points Rule for Meetings",
        help="The rule by which attending a meeting earns a resident "
        "points; none: attending earns nothing.")
    need_overdue_days = fields.Integer(
        "Needs Overdue After (days)", required=True,
        domain=[('need_overdue_days', '>=', 1)],
        help="A need of the needs list still unmatched after this many "
        "days shows as overdue.")

    @classmethod
    def default_need_overdue_days(cls):
        return 30
