# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Owners' committees (业委会, 物管会, 自管会) of the compounds with their
members and terms"""
from sql import Literal
from sql.aggregate import Count

from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from civic_grid.area import percent
from civic_grid.scope import ScopeMixin

COMMITTEE_KINDS = [
    ('owners', "Owners' Committee"),
    ('management', "Property Management Committee"),
    ('self_management', "Self-management Committee"),
    ]
MEMBER_ROLES = [
    ('director', "Director"),
    ('deputy', "Deputy Director"),
    ('member', "Member"),
    ]


class OwnersCommittee(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Owners' Committee"
    __name__ = 'civic.property.owners_committee'
    _scope_area = 'compound.area'
    name = fields.Char("Name", required=True)
    kind = fields.Selection(
        COMMITTEE_KINDS, "Kind", required=True, sort=False)
    kind_string = kind.translated('kind')
    compound = fields.Many2One(
        'civic.compound', "Compound", required=True, ondelete='RESTRICT')
    start_date = fields.Date("Term Start", required=True)
    end_date = fields.Date(
        "Term End",
        domain=[If(Eval('end_date') & Eval('start_date'),
                ('end_date', '>=', Eval('start_date')), ())])
    members = fields.One2Many(
        'civic.property.owners_committee.member', 'committee', "Members")
    member_count = fields.Function(
        fields.Integer("Members"), 'get_party_share')
    party_member_count = fields.Function(
        fields.Integer("Party Members"), 'get_party_share')
    party_member_share = fields.Function(
        fields.Float("Party Members (%)", digits=(5, 1)),
        'get_party_share')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.compound, Index.Equality())))
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_kind(cls):
        return 'owners'

    @classmethod
    def get_party_share(cls, committees, names):
        """Counted in SQL across scopes: who is a Party member stays with
        the Party records"""
        pool = Pool()
        Member = pool.get('civic.property.owners_committee.member')
        PartyMember = pool.get('civic.party.member')
        member = Member.__table__()
        party_member = PartyMember.__table__()
        cursor = Transaction().connection.cursor()
        ids = [c.id for c in committees]
        counts = {i: [0, 0] for i in ids}
        cursor.execute(*member.join(party_member, 'LEFT',
                condition=(party_member.party == member.party)
                & (party_member.active == Literal(True))).select(
                member.committee, Count(member.id), Count(party_member.id),
                where=member.committee.in_(ids),
                group_by=[member.committee]))
        for committee, members, party_members in cursor:
            counts[committee] = [members, party_members]
        result = {}
        if 'member_count' in names:
            result['member_count'] = {i: c[0] for i, c in counts.items()}
        if 'party_member_count' in names:
            result['party_member_count'] = {
                i: c[1] for i, c in counts.items()}
        if 'party_member_share' in names:
            result['party_member_share'] = {
                i: percent(c[1], c[0]) for i, c in counts.items()}
        return result


class OwnersCommitteeMember(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Owners' Committee Member"
    __name__ = 'civic.property.owners_committee.member'
    _scope_area = 'committee.compound.area'
    committee = fields.Many2One(
        'civic.property.owners_committee', "Committee", required=True,
        ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Owner", required=True, ondelete='RESTRICT',
        domain=[('household', '!=', None)])
    role = fields.Selection(MEMBER_ROLES, "Role", required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('party_unique', Unique(t, t.committee, t.party),
                'civic_property.msg_owners_member_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.committee, Index.Equality())))

    @classmethod
    def default_role(cls):
        return 'member'
