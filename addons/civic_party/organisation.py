# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from sql import Literal
from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields, tree)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from civic_grid.area import path_ids
from civic_grid.scope import ScopeMixin

from .exceptions import MemberError, OrganisationError

# The kinds of organisation and their rank in the tree: a parent always
# ranks above its children
KINDS = [
    ('working_committee', "Street Party Working Committee"),
    ('community_committee', "Community Party Committee"),
    ('general_branch', "Community General Party Branch"),
    ('community_branch', "Community Party Branch"),
    ('grid_branch', "Grid (Compound) Party Branch"),
    ('functional_branch', "Functional Party Branch"),
    ('building_group', "Building Party Group"),
    ('micro_grid_group', "Micro-grid Party Group"),
    ]
RANKS = {
    'working_committee': 1,
    'community_committee': 2,
    'general_branch': 2,
    'community_branch': 2,
    'grid_branch': 3,
    'functional_branch': 3,
    'building_group': 4,
    'micro_grid_group': 4,
    }
BRANCHES = {'community_branch', 'grid_branch', 'functional_branch'}
GROUPS = {'building_group', 'micro_grid_group'}


class Organisation(
        ScopeMixin, DeactivableMixin, tree(separator=' / '), ModelSQL,
        ModelView):
    __string__ = "Party Organisation"
    __name__ = 'civic.party.organisation'
    _scope_area = 'area'
    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True)
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    kind_string = kind.translated('kind')
    parent = fields.Many2One(
        'civic.party.organisation', "Parent", ondelete='RESTRICT',
        path='path')
    path = fields.Char("Path", readonly=True)
    children = fields.One2Many(
        'civic.party.organisation', 'parent', "Organisations Below")
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT',
        help="The street, community, grid or building area it covers.")
    areas = fields.Many2Many(
        'civic.party.organisation-civic.area', 'organisation', 'area',
        "Other Areas Covered",
        help="A functional branch may cover several grids.")
    founding_date = fields.Date("Founding Date")
    appointments = fields.One2Many(
        'civic.appointment', 'party_organisation', "Secretary and Committee",
        help="The secretary and the committee members with their terms.")
    secretary = fields.Function(
        fields.Char("Secretary",
            help="The name of the active secretary, public as on the "
            "display board wherever the person lives."),
        'get_secretary', searcher='search_secretary')
    members = fields.One2Many(
        'civic.party.member', 'organisation', "Members")
    member_count = fields.Function(
        fields.Integer("Members (with those below)"), 'get_figures')
    branch_count = fields.Function(
        fields.Integer("Branches (with those below)"), 'get_figures')
    group_count = fields.Function(
        fields.Integer("Party Groups (with those below)"), 'get_figures')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'civic_party.msg_organisation_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.area, Index.Equality())),
                Index(t, (t.kind, Index.Equality(cardinality='low'))),
                Index(t, (t.path, Index.Similarity(begin=True))),
                })
        cls._order = [('path', 'ASC'), ('id', 'ASC')]

    @classmethod
    def validate_fields(cls, organisations, field_names):
        super().validate_fields(organisations, field_names)
        if field_names & {'kind', 'parent'}:
            cls.check_ranks(organisations)
        if field_names & {'parent', 'area', 'areas'}:
            cls.check_coverage(organisations)

    @classmethod
    def check_ranks(cls, organisations):
        "A parent ranks above its children (a committee above a branch…)"
        for organisation in organisations:
            related = [(organisation.parent, organisation)] + [
                (organisation, c) for c in organisation.children]
            for parent, child in related:
                if parent and RANKS[parent.kind] >= RANKS[child.kind]:
                    raise OrganisationError(gettext(
                            'civic_party.msg_organisation_rank',
                            organisation=child.name,
                            kind=child.kind_string,
                            parent=parent.rec_name,
                            parent_kind=parent.kind_string))

    @classmethod
    def check_coverage(cls, organisations):
        "An organisation covers only areas inside its parent's area"
        for organisation in organisations:
            related = [(organisation.parent, organisation)] + [
                (organisation, c) for c in organisation.children]
            for parent, child in related:
                if not parent:
                    continue
                for area in [child.area, *child.areas]:
                    if parent.area.id not in path_ids(area.id, area.path):
                        raise OrganisationError(gettext(
                                'civic_party.msg_organisation_outside_parent',
                                organisation=child.name,
                                area=area.rec_name,
                                parent=parent.rec_name,
                                parent_area=parent.area.rec_name))

    @classmethod
    def get_secretary(cls, organisations, name):
        pool = Pool()
        Appointment = pool.get('civic.appointment')
        result = {o.id: None for o in organisations}
        with without_check_access():
            for appointment in Appointment.search([
                        ('party_organisation', 'in', list(result)),
                        ('role.category', '=', 'secretary'),
                        ('state', '=', 'active'),
                        ], order=[('start_date', 'ASC')]):
                result[appointment.party_organisation.id] = (
                    appointment.party.name)
        return result

    @classmethod
    def search_secretary(cls, name, clause):
        _, operator, value, *extra = clause
        return [('appointments', 'where', [
                    ('role.category', '=', 'secretary'),
                    ('state', '=', 'active'),
                    ('party.name', operator, value, *extra),
                    ])]

    @classmethod
    def get_figures(cls, organisations, names):
        figures = organisation_figures([o.id for o in organisations])
        return {n: {o.id: figures[o.id][n] for o in organisations}
            for n in names}


def organisation_figures(ids):
    """{organisation id: {member_count, branch_count, group_count}} with the
    organisations below each, rolled up their materialized paths in one
    grouped query"""
    pool = Pool()
    Organisation = pool.get('civic.party.organisation')
    Member = pool.get('civic.party.member')
    organisation = Organisation.__table__()
    member = Member.__table__()
    cursor = Transaction().connection.cursor()
    wanted = set(ids)
    result = {i: {'member_count': 0, 'branch_count': 0, 'group_count': 0}
        for i in wanted}
    cursor.execute(*organisation.join(member, 'LEFT',
            condition=(member.organisation == organisation.id)
            & (member.active == Literal(True))).select(
            organisation.id, organisation.path, organisation.kind,
            Count(member.id),
            where=organisation.active == Literal(True),
            group_by=[organisation.id, organisation.path, organisation.kind]))
    for id_, path, kind, members in cursor:
        for above in path_ids(id_, path):
            if above in wanted:
                figures = result[above]
                figures['member_count'] += members
                figures['branch_count'] += kind in BRANCHES
                figures['group_count'] += kind in GROUPS
    return result


class OrganisationArea(ScopeMixin, ModelSQL):
    __string__ = "Party Organisation - Area"
    __name__ = 'civic.party.organisation-civic.area'
    _scope_area = 'organisation.area'
    organisation = fields.Many2One(
        'civic.party.organisation', "Organisation", required=True,
        ondelete='CASCADE')
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='CASCADE')


class Appointment(metaclass=PoolMeta):
    __name__ = 'civic.appointment'
    party_organisation = fields.Many2One(
        'civic.party.organisation', "Party Organisation",
        ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'active'},
        help="The Party organisation whose secretary or committee member "
        "this is.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.party_organisation,
                    Index.Equality())))

    @fields.depends('party_organisation', 'area',
        '_parent_party_organisation.area')
    def on_change_party_organisation(self):
        if self.party_organisation and not self.area:
            self.area = self.party_organisation.area

    @classmethod
    def validate_fields(cls, appointments, field_names):
        super().validate_fields(appointments, field_names)
        if field_names & {'party_organisation', 'party', 'role'}:
            cls.check_secretaries_are_members(appointments)

    @classmethod
    def check_secretaries_are_members(cls, appointments):
        "The secretary of a Party organisation is a Party member"
        Member = Pool().get('civic.party.member')
        secretaries = [a for a in appointments
            if a.party_organisation and a.role.category == 'secretary']
        if not secretaries:
            return
        with without_check_access():
            members = {m.party.id for m in Member.search([
                        ('party', 'in', [a.party.id for a in secretaries]),
                        ])}
        for appointment in secretaries:
            if appointment.party.id not in members:
                raise MemberError(gettext(
                        'civic_party.msg_secretary_not_member',
                        person=appointment.party.rec_name,
                        organisation=appointment.party_organisation.rec_name))
