# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

from civic_grid.scope import CONFIGURATION, ScopeMixin

from .exceptions import StationError


class Configuration(ScopeMixin, ModelSingleton, ModelSQL, ModelView):
    __string__ = "Care Station Configuration"
    __name__ = 'civic.station.configuration'
    _scope_area = CONFIGURATION
    tile_url = fields.Char(
        "Map Tile URL",
        help="The tile server of the distribution map, as "
        "https://tiles.example.cn/{z}/{x}/{y}.png; empty: the map shows the "
        "stations without a background.")
    tile_attribution = fields.Char(
        "Map Tile Attribution",
        help="The credit the tile server asks to show on the map.")
    visit_interval = fields.Integer(
        "Minutes between Check-ins", required=True,
        help="A rider checked in at a station again within these minutes "
        "is refused as a double check-in.")
    suggestion_days = fields.Integer(
        "Days to Answer a Suggestion", required=True,
        help="Open suggestions older than this are listed as overdue.")

    @classmethod
    def default_visit_interval(cls):
        return 10

    @classmethod
    def default_suggestion_days(cls):
        return 7

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if record.visit_interval < 0 or record.suggestion_days < 1:
                raise StationError(gettext(
                        'civic_station.msg_configuration_negative'))
            url = record.tile_url or ''
            if url and not (url.startswith(('https://', 'http://', '/'))
                    and '{z}' in url and '{x}' in url and '{y}' in url):
                raise StationError(gettext(
                        'civic_station.msg_configuration_tile_url',
                        url=url))
