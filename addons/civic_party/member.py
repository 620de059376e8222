# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from civic_grid.scope import ScopeMixin

from .exceptions import MemberError

MEMBER_KINDS = [
    ('in_service', "In-service"),
    ('resident', "Resident"),
    ('retired', "Retired"),
    ('mobile', "Mobile"),
    ]
# 党员中心户 / 堡垒户 / 先锋户
HOUSEHOLD_KINDS = [
    (None, ""),
    ('central', "Party-member Central Household"),
    ('bastion', "Party-member Bastion Household"),
    ('vanguard', "Party-member Vanguard Household"),
    ]


class Member(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Party Member"
    __name__ = 'civic.party.member'
    _scope_area = 'organisation.area'
    party = fields.Many2One(
        'party.party', "Person", required=True, ondelete='RESTRICT',
        domain=[('household', '!=', None)],
        help="The resident who is a Party member.")
    kind = fields.Selection(MEMBER_KINDS, "Kind", required=True, sort=False)
    organisation = fields.Many2One(
        'civic.party.organisation', "Organisation", required=True,
        ondelete='RESTRICT',
        help="The organisation that holds the membership.")
    joining_date = fields.Date("Joining Date")
    work_unit = fields.Many2One(
        'party.party', "Work Unit", ondelete='RESTRICT',
        domain=[('household', '=', None)],
        states={
            'invisible': Eval('kind') != 'in_service',
            'required': Eval('kind') == 'in_service',
            },
        help="The employer of an in-service member.")
    household = fields.Function(
        fields.Many2One('civic.household', "Household"), 'get_household')
    residence = fields.Function(
        fields.Many2One('civic.area', "Residence Grid"), 'get_household',
        searcher='search_residence')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('party_unique', Unique(t, t.party),
                'civic_party.msg_member_party_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.organisation, Index.Equality())),
                Index(t, (t.kind, Index.Equality(cardinality='low'))),
                })
        cls._order = [('organisation', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_kind(cls):
        return 'resident'

    @classmethod
    def get_rec_name(cls, members, name):
        # the member's name, also for a unit's contact, who may not read
        # the residents but sees the unit's members
        Party = Pool().get('party.party')
        with without_check_access():
            names = {p.id: p.rec_name for p in Party.browse(
                    list({m.party.id for m in members}))}
        return {m.id: names[m.party.id] for m in members}

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value, *extra = clause
        return [('party.rec_name', operator, value, *extra)]

    @classmethod
    def get_household(cls, members, names):
        result = {n: {} for n in names}
        for member in members:
            household = member.party.household
            if 'household' in result:
                result['household'][member.id] = (
                    household.id if household else None)
            if 'residence' in result:
                result['residence'][member.id] = (
                    household.area.id if household else None)
        return result

    @classmethod
    def search_residence(cls, name, clause):
        _, operator, value, *extra = clause
        return [('party.household.area', operator, value, *extra)]


class Household(metaclass=PoolMeta):
    __name__ = 'civic.household'
    party_kind = fields.Selection(
        HOUSEHOLD_KINDS, "Party-member Household",
        help="A household of a Party member marked as one of the three "
        "households (central, bastion, vanguard).")
    party_kind_string = party_kind.translated('party_kind')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.party_kind,
                    Index.Equality(cardinality='low'))))

    @classmethod
    def validate_fields(cls, households, field_names):
        super().validate_fields(households, field_names)
        if 'party_kind' in field_names:
            cls.check_party_kind(households)

    @classmethod
    def check_party_kind(cls, households):
        "Only a household with a Party member is one of the three"
        Member = Pool().get('civic.party.member')
        marked = [h for h in households if h.party_kind]
        if not marked:
            return
        with without_check_access():
            with_members = {m.party.household.id for m in Member.search([
                        ('party.household', 'in', [h.id for h in marked]),
                        ])}
        for household in marked:
            if household.id not in with_members:
                raise MemberError(gettext(
                        'civic_party.msg_household_without_member',
                        household=household.rec_name,
                        kind=household.party_kind_string))


class DisplayBoard(metaclass=PoolMeta):
    __name__ = 'civic.area.display_board'

    @classmethod
    def board_sections(cls, area):
        return super().board_sections(area) + [cls.households_section(area)]

    @classmethod
    def households_section(cls, area):
        "The three households of the area and below, by kind"
        pool = Pool()
        Household = pool.get('civic.household')
        Member = pool.get('civic.party.member')
        households = Household.search([
                ('area', 'child_of', [area.id], 'parent'),
                ('party_kind', '!=', None),
                ], order=[('name', 'ASC'), ('id', 'ASC')])
        kinds = [k for k, _ in HOUSEHOLD_KINDS]
        households.sort(key=lambda h: kinds.index(h.party_kind))
        with without_check_access():
            members = Member.search([
                    ('party.household', 'in', [h.id for h in households]),
                    ], order=[('id', 'ASC')])
        names = {}
        for member in members:
            names.setdefault(member.party.household.id, []).append(
                member.party.name)
        rows = [[h.party_kind_string, h.name, ', '.join(names.get(h.id, []))]
            for h in households]
        counts = ' · '.join(
            f'{label} {sum(h.party_kind == kind for h in households)}'
            for kind, label in cls.household_kind_labels())
        return {
            'title': gettext('civic_party.msg_board_households',
                counts=counts),
            'headers': [gettext('civic_party.msg_board_household_kind'),
                gettext('civic_party.msg_board_household'),
                gettext('civic_party.msg_board_household_members')],
            'rows': rows or [[gettext('civic_party.msg_board_no_household'),
                    '', '']],
            }

    @classmethod
    def household_kind_labels(cls):
        Household = Pool().get('civic.household')
        selection = Household.fields_get(['party_kind'])['party_kind']
        return [(k, l) for k, l in selection['selection'] if k]
