# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Tripartite linkage (三方联动): civic_party's joint meetings of the
community, the property company and the owners' committee of a compound"""
from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from .exceptions import TripartiteError

THREE_PARTIES = ['community', 'property', 'owners']
_tripartite = Eval('kind') == 'tripartite'


class Meeting(metaclass=PoolMeta):
    __name__ = 'civic.party.meeting'
    compound = fields.Many2One(
        'civic.compound', "Compound", ondelete='RESTRICT',
        states={
            'required': _tripartite,
            'invisible': ~_tripartite,
            'readonly': Eval('state') != 'planned',
            })
    property_company = fields.Many2One(
        'civic.property.company', "Property Company", ondelete='RESTRICT',
        states={
            'required': _tripartite,
            'invisible': ~_tripartite,
            'readonly': Eval('state') != 'planned',
            })
    owners_committee = fields.Many2One(
        'civic.property.owners_committee', "Owners' Committee",
        ondelete='RESTRICT',
        domain=[('compound', '=', Eval('compound', -1))],
        states={
            'required': _tripartite,
            'invisible': ~_tripartite,
            'readonly': Eval('state') != 'planned',
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection = cls.kind.selection + [
            ('tripartite', "Tripartite Linkage Meeting")]

    @fields.depends('compound', 'property_company', 'area',
        '_parent_compound.property_company', '_parent_compound.area')
    def on_change_compound(self):
        if self.compound:
            self.property_company = self.compound.property_company
            if not self.area:
                self.area = self.compound.area

    @classmethod
    @ModelView.button
    @Workflow.transition('held')
    def hold(cls, meetings):
        cls.check_three_parties(meetings)
        super().hold(meetings)

    @classmethod
    def check_three_parties(cls, meetings):
        "A tripartite meeting is held by the three parties"
        labels = dict(cls.attendees.get_target().fields_get(
                ['kind'])['kind']['selection'])
        for meeting in meetings:
            if meeting.kind != 'tripartite':
                continue
            present = {a.kind for a in meeting.attendees if a.attended}
            missing = [labels[k] for k in THREE_PARTIES if k not in present]
            if missing:
                raise TripartiteError(gettext(
                        'civic_property.msg_tripartite_parties',
                        meeting=meeting.rec_name,
                        missing=', '.join(missing)))


class Attendee(metaclass=PoolMeta):
    __name__ = 'civic.party.meeting.attendee'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection = [('community', "Community")] + [
            s for s in cls.kind.selection]
