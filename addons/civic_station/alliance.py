# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The micro Party-building alliance (党建微联盟): the Party contacts of the
platforms and companies of new employment groups attached to a street,
and, with civic_party, their joint activities as Party meetings"""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from civic_grid import clock
from civic_grid.scope import AREA_IN_SCOPE, ScopeMixin

from .exceptions import StationError


class Alliance(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Micro Party-building Alliance Member"
    __name__ = 'civic.station.alliance'
    _scope_area = 'street'
    street = fields.Many2One(
        'civic.area', "Street", required=True, ondelete='RESTRICT',
        domain=AREA_IN_SCOPE)
    platform = fields.Many2One(
        'civic.station.platform', "Platform", ondelete='RESTRICT')
    company = fields.Char(
        "Company", required=True,
        help="The platform's company or branch, or another company "
        "employing riders.")
    contact = fields.Many2One(
        'party.party', "Party Contact", required=True, ondelete='RESTRICT')
    position = fields.Char(
        "Position", help="For example 党支部书记 of the branch.")
    phone = fields.Char("Phone")
    joined_on = fields.Date("Joined on", required=True)
    notes = fields.Text("Notes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('company_unique', Unique(t, t.street, t.company),
                'civic_station.msg_alliance_company_unique'),
            ]
        cls._order = [('street', 'ASC'), ('company', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_joined_on(cls):
        return clock.today()

    def get_rec_name(self, name):
        return f'{self.company} ({self.street.rec_name})'

    @classmethod
    def validate_fields(cls, members, field_names):
        super().validate_fields(members, field_names)
        if 'street' in field_names:
            for member in members:
                level = member.street.level
                if not level or level.code != 'street':
                    raise StationError(gettext(
                            'civic_station.msg_alliance_not_street',
                            area=member.street.rec_name))


class Meeting(metaclass=PoolMeta):
    "A joint activity of the alliance, held as a Party meeting"
    __name__ = 'civic.party.meeting'
    alliance = fields.Many2One(
        'civic.station.alliance', "Micro Alliance", ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'planned'},
        help="The alliance member company holding the meeting with the "
        "street's Party organisation.")


class AllianceMeetings(metaclass=PoolMeta):
    __name__ = 'civic.station.alliance'
    meetings = fields.One2Many(
        'civic.party.meeting', 'alliance', "Joint Activities",
        readonly=True)
