# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Property companies, the compounds they manage under contract, their red
stewards, and the two coverages (组织覆盖、工作覆盖) of Party work"""
from sql import Null
from sql.aggregate import Count

from trytond.backend import MAX_QUERY_PARAMS
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from civic_grid import clock
from civic_grid.scope import ScopeMixin
from civic_grid.sensitive import PhoneFieldsMixin

from .exceptions import ManagementError, StewardError


class Company(
        PhoneFieldsMixin, ScopeMixin, DeactivableMixin, ModelSQL,
        ModelView):
    __string__ = "Property Company"
    __name__ = 'civic.property.company'
    _phone_fields = ('phone',)
    _scope_area = 'area'
    party = fields.Many2One(
        'party.party', "Company", required=True, ondelete='RESTRICT',
        domain=[('household', '=', None)],
        help="The company as an organisation (not a resident).")
    code = fields.Char("Code", required=True)
    licence = fields.Char(
        "Licence", help="The unified social credit code of its licence.")
    contact = fields.Char("Contact")
    phone = fields.Char("Phone")
    area = fields.Many2One(
        'civic.area', "Overseeing Area", required=True, ondelete='RESTRICT',
        help="The street or community whose office oversees the company.")
    users = fields.Many2Many(
        'civic.property.company-res.user', 'company', 'user', "Users",
        help="The company's staff who log in to log its work.")
    party_organisation = fields.Many2One(
        'civic.party.organisation', "Own Party Organisation",
        ondelete='RESTRICT',
        help="The Party branch set up in the company (organisation "
        "coverage).")
    covering_organisation = fields.Many2One(
        'civic.party.organisation', "Covering Party Organisation",
        ondelete='RESTRICT',
        help="The branch that carries Party work into the company while it "
        "has none of its own (work coverage), for example the community's "
        "property functional branch.")
    managements = fields.One2Many(
        'civic.property.management', 'company', "Compounds Managed")
    merchant = fields.Many2One(
        'civic.points.merchant', "Points Merchant", ondelete='RESTRICT',
        help="The merchant as which the company's users redeem the "
        "property-fee deductions of its compounds' residents.")
    stewards = fields.One2Many(
        'civic.property.steward', 'company', "Red Stewards")
    organisation_coverage = fields.Function(
        fields.Boolean("Organisation Coverage"), 'get_coverage',
        searcher='search_organisation_coverage')
    work_coverage = fields.Function(
        fields.Boolean("Work Coverage"), 'get_coverage',
        searcher='search_work_coverage')
    party_member_count = fields.Function(
        fields.Integer("Party Members",
            help="The Party members whose work unit is the company."),
        'get_party_member_count')
    compound_count = fields.Function(
        fields.Integer("Compounds"), 'get_managed')
    households_served = fields.Function(
        fields.Integer("Households Served"), 'get_managed')
    _of_user_cache = Cache('civic.property.company.of_user', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'civic_property.msg_company_code_unique'),
            ('party_unique', Unique(t, t.party),
                'civic_property.msg_company_party_unique'),
            ('merchant_unique', Unique(t, t.merchant),
                'civic_property.msg_company_merchant_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.area, Index.Equality())))
        cls._order = [('code', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.party.name} [{self.code}]'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('party.name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]

    def get_coverage(self, name):
        if name == 'organisation_coverage':
            return bool(self.party_organisation)
        return bool(self.party_organisation or self.covering_organisation)

    @classmethod
    def search_organisation_coverage(cls, name, clause):
        _, operator, value = clause
        covered = (operator == '=') == bool(value)
        return [('party_organisation', '!=' if covered else '=', None)]

    @classmethod
    def search_work_coverage(cls, name, clause):
        _, operator, value = clause
        if (operator == '=') == bool(value):
            return ['OR',
                ('party_organisation', '!=', None),
                ('covering_organisation', '!=', None),
                ]
        return [
            ('party_organisation', '=', None),
            ('covering_organisation', '=', None),
            ]

    @classmethod
    def get_party_member_count(cls, companies, name):
        "A count, across scopes: the members themselves stay private"
        Member = Pool().get('civic.party.member')
        member = Member.__table__()
        cursor = Transaction().connection.cursor()
        parties = {c.party.id: c.id for c in companies}
        result = dict.fromkeys([c.id for c in companies], 0)
        cursor.execute(*member.select(member.work_unit, Count(member.id),
                where=member.work_unit.in_(list(parties)),
                group_by=[member.work_unit]))
        for party_id, count in cursor:
            result[parties[party_id]] = count
        return result

    @classmethod
    def get_managed(cls, companies, names):
        Management = Pool().get('civic.property.management')
        result = {n: dict.fromkeys([c.id for c in companies], 0)
            for n in names}
        with without_check_access():
            managements = Management.search([
                    ('company', 'in', [c.id for c in companies]),
                    ('current', '=', True),
                    ], order=[])
        for management in managements:
            company = management.company.id
            if 'compound_count' in result:
                result['compound_count'][company] += 1
            if 'households_served' in result:
                result['households_served'][company] += (
                    management.households)
        return result

    @classmethod
    def of_user(cls, user_id=None):
        "The ids of the companies whose staff the user is"
        CompanyUser = Pool().get('civic.property.company-res.user')
        user_id = user_id or Transaction().user
        companies = cls._of_user_cache.get(user_id)
        if companies is None:
            table = CompanyUser.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(table.company,
                    where=table.user == user_id))
            companies = frozenset(c for c, in cursor)
            cls._of_user_cache.set(user_id, companies)
        return companies


class CompanyUser(ScopeMixin, ModelSQL):
    __string__ = "Property Company - User"
    __name__ = 'civic.property.company-res.user'
    _scope_area = 'company.area'
    company = fields.Many2One(
        'civic.property.company', "Company", required=True,
        ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')

    @classmethod
    def create(cls, vlist):
        links = super().create(vlist)
        Pool().get('civic.property.company')._of_user_cache.clear()
        return links

    @classmethod
    def write(cls, *args):
        super().write(*args)
        Pool().get('civic.property.company')._of_user_cache.clear()

    @classmethod
    def delete(cls, links):
        super().delete(links)
        Pool().get('civic.property.company')._of_user_cache.clear()


class Management(ScopeMixin, ModelSQL, ModelView):
    "A company's contract to manage a compound"
    __string__ = "Compound Management"
    __name__ = 'civic.property.management'
    _scope_area = 'compound.area'
    company = fields.Many2One(
        'civic.property.company', "Property Company", required=True,
        ondelete='CASCADE')
    compound = fields.Many2One(
        'civic.compound', "Compound", required=True, ondelete='RESTRICT')
    start_date = fields.Date("Contract Start", required=True)
    end_date = fields.Date(
        "Contract End",
        domain=[If(Eval('end_date') & Eval('start_date'),
                ('end_date', '>=', Eval('start_date')), ())])
    households = fields.Integer(
        "Households Served", required=True,
        domain=[('households', '>=', 0)])
    current = fields.Function(
        fields.Boolean("Current"), 'get_current', searcher='search_current')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.company, Index.Equality())),
                Index(t, (t.compound, Index.Equality())),
                })
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_start_date(cls):
        return clock.today()

    @classmethod
    def default_households(cls):
        return 0

    def get_rec_name(self, name):
        return f'{self.compound.name} · {self.company.rec_name}'

    def get_current(self, name):
        return self.covers(clock.today())

    def covers(self, date):
        return (self.start_date <= date
            and (not self.end_date or date <= self.end_date))

    @classmethod
    def search_current(cls, name, clause):
        _, operator, value = clause
        today = clock.today()
        current = [
            ('start_date', '<=', today),
            ['OR', ('end_date', '=', None), ('end_date', '>=', today)],
            ]
        if (operator == '=') == bool(value):
            return current
        return ['OR', ('start_date', '>', today), ('end_date', '<', today)]

    @classmethod
    def companies_on(cls, compound_ids, date):
        "The company managing each compound of compound_ids on date"
        management = cls.__table__()
        cursor = Transaction().connection.cursor()
        result = {}
        for sub_ids in grouped_slice(list(set(compound_ids)),
                MAX_QUERY_PARAMS):
            cursor.execute(*management.select(
                    management.compound, management.company,
                    where=management.compound.in_(list(sub_ids))
                    & (management.start_date <= date)
                    & ((management.end_date == Null)
                        | (management.end_date >= date))))
            result.update(cursor)
        return result

    @classmethod
    def validate_fields(cls, managements, field_names):
        super().validate_fields(managements, field_names)
        if field_names & {'compound', 'start_date', 'end_date'}:
            cls.check_overlap(managements)

    @classmethod
    def check_overlap(cls, managements):
        "One company manages a compound at a time"
        with without_check_access():
            for management in managements:
                domain = [
                    ('compound', '=', management.compound.id),
                    ('id', '!=', management.id),
                    ['OR', ('end_date', '=', None),
                        ('end_date', '>=', management.start_date)],
                    ]
                if management.end_date:
                    domain.append(
                        ('start_date', '<=', management.end_date))
                other = cls.search(domain, limit=1, order=[])
                if other:
                    other, = other
                    raise ManagementError(gettext(
                            'civic_property.msg_management_overlap',
                            compound=management.compound.rec_name,
                            company=other.company.rec_name,
                            start=other.start_date,
                            end=other.end_date or '…'))


class Compound(metaclass=PoolMeta):
    __name__ = 'civic.compound'
    managements = fields.One2Many(
        'civic.property.management', 'compound', "Property Management")
    property_company = fields.Function(
        fields.Many2One('civic.property.company', "Property Company"),
        'get_property_company', searcher='search_property_company')

    @classmethod
    def get_property_company(cls, compounds, name):
        Management = Pool().get('civic.property.management')
        result = dict.fromkeys([c.id for c in compounds])
        with without_check_access():
            for management in Management.search([
                        ('compound', 'in', [c.id for c in compounds]),
                        ('current', '=', True),
                        ], order=[]):
                result[management.compound.id] = management.company.id
        return result

    @classmethod
    def search_property_company(cls, name, clause):
        return [('managements', 'where', [
                    ('current', '=', True),
                    ('company' + clause[0][len(name):], *clause[1:]),
                    ])]


class Steward(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    "红色管家: a company's staff or a Party member who looks after buildings"
    __string__ = "Red Steward"
    __name__ = 'civic.property.steward'
    _scope_area = 'company.area'
    company = fields.Many2One(
        'civic.property.company', "Property Company", required=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    phone = fields.Char(
        "Service Phone", help="The number published to the residents.")
    party_member = fields.Boolean("Party Member")
    buildings = fields.Many2Many(
        'civic.property.steward-civic.building', 'steward', 'building',
        "Buildings",
        domain=[('compound.managements.company', '=', Eval('company', -1))],
        help="The buildings the steward looks after.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.company, Index.Equality())))
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @classmethod
    def validate_fields(cls, stewards, field_names):
        super().validate_fields(stewards, field_names)
        if field_names & {'company', 'buildings'}:
            cls.check_buildings(stewards)

    @classmethod
    def check_buildings(cls, stewards):
        "A steward looks after buildings of the company's compounds only"
        Management = Pool().get('civic.property.management')
        for steward in stewards:
            compounds = {b.compound.id for b in steward.buildings
                if b.compound}
            with without_check_access():
                managed = {m.compound.id for m in Management.search([
                            ('company', '=', steward.company.id),
                            ('compound', 'in', list(compounds)),
                            ('current', '=', True),
                            ], order=[])}
            for building in steward.buildings:
                if not building.compound or (
                        building.compound.id not in managed):
                    raise StewardError(gettext(
                            'civic_property.msg_steward_building',
                            steward=steward.name,
                            building=building.rec_name,
                            company=steward.company.rec_name))


class StewardBuilding(ScopeMixin, ModelSQL):
    __string__ = "Red Steward - Building"
    __name__ = 'civic.property.steward-civic.building'
    _scope_area = 'steward.company.area'
    steward = fields.Many2One(
        'civic.property.steward', "Steward", required=True,
        ondelete='CASCADE')
    building = fields.Many2One(
        'civic.building', "Building", required=True, ondelete='CASCADE')
