# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The two coverages (两个覆盖) per compound under management, with the
compounds the street must act on flagged (seed 002: every compound of
1,000 households or more has a Party branch)"""
from sql import Literal, Null

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import without_check_access

from civic_grid import clock
from civic_grid.scope import ScopeMixin


class Coverage(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Two Coverages"
    __name__ = 'civic.property.coverage'
    _scope_area = 'area'
    compound = fields.Many2One('civic.compound', "Compound", readonly=True)
    area = fields.Many2One('civic.area', "Area", readonly=True)
    company = fields.Many2One(
        'civic.property.company', "Property Company", readonly=True)
    households = fields.Integer("Households Served", readonly=True)
    party_organisation = fields.Many2One(
        'civic.party.organisation', "Own Party Organisation", readonly=True)
    covering_organisation = fields.Many2One(
        'civic.party.organisation', "Covering Party Organisation",
        readonly=True)
    organisation_coverage = fields.Function(
        fields.Boolean("Organisation Coverage"), 'get_coverage',
        searcher='search_coverage')
    work_coverage = fields.Function(
        fields.Boolean("Work Coverage"), 'get_coverage',
        searcher='search_coverage')
    flagged = fields.Function(
        fields.Boolean("Flagged",
            help="A compound at or above the configured number of "
            "households whose company has no Party organisation of its "
            "own."),
        'get_coverage', searcher='search_coverage')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('households', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        "One row per current management contract, its id the contract's"
        pool = Pool()
        Management = pool.get('civic.property.management')
        Company = pool.get('civic.property.company')
        Compound = pool.get('civic.compound')
        management = Management.__table__()
        company = Company.__table__()
        compound = Compound.__table__()
        today = clock.today()
        return management.join(company,
            condition=management.company == company.id
            ).join(compound,
            condition=management.compound == compound.id
            ).select(
                management.id.as_('id'),
                management.create_uid.as_('create_uid'),
                management.create_date.as_('create_date'),
                management.write_uid.as_('write_uid'),
                management.write_date.as_('write_date'),
                management.compound.as_('compound'),
                compound.area.as_('area'),
                management.company.as_('company'),
                management.households.as_('households'),
                company.party_organisation.as_('party_organisation'),
                company.covering_organisation.as_('covering_organisation'),
                where=(management.start_date <= today)
                & ((management.end_date == Null)
                    | (management.end_date >= today))
                & (company.active == Literal(True))
                & (compound.active == Literal(True)))

    @classmethod
    def get_coverage(cls, rows, names):
        threshold = branch_threshold()
        result = {n: {} for n in names}
        for row in rows:
            figures = coverage_of(row.party_organisation,
                row.covering_organisation, row.households, threshold)
            for name in names:
                result[name][row.id] = figures[name]
        return result

    @classmethod
    def search_coverage(cls, name, clause):
        _, operator, value = clause
        wanted = (operator == '=') == bool(value)
        own = ('party_organisation', '!=', None)
        none = ('party_organisation', '=', None)
        domain = {
            'organisation_coverage': [own],
            'work_coverage': ['OR', own,
                ('covering_organisation', '!=', None)],
            'flagged': [none, ('households', '>=', branch_threshold())],
            }[name]
        return domain if wanted else ['NOT', domain]


def branch_threshold():
    Configuration = Pool().get('civic.property.configuration')
    with without_check_access():
        return Configuration(1).branch_threshold


def coverage_of(own, covering, households, threshold):
    "The two coverages and the flag of a compound managed by a company"
    return {
        'organisation_coverage': bool(own),
        'work_coverage': bool(own or covering),
        'flagged': not own and (households or 0) >= threshold,
        }
