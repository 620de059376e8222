# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

from civic_grid.scope import CONFIGURATION, ScopeMixin


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

    @classmethod
    def default_branch_threshold(cls):
        return 1000
