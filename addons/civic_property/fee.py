# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Property-fee deduction with points (积分抵扣物业费): a company redeems
the property-fee vouchers of its compounds' residents as a merchant; the
deductions show on the household's fee record and in the merchant's monthly
settlement"""
from sql import Null

from trytond.backend import MAX_QUERY_PARAMS
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from civic_grid.scope import ScopeMixin
from civic_points.redemption import mask_name

from .exceptions import DeductionError


def compounds_of_parties(party_ids):
    "{party: compound} of the residents whose home is in a compound"
    pool = Pool()
    Party = pool.get('party.party')
    Household = pool.get('civic.household')
    Unit = pool.get('civic.building.unit')
    Building = pool.get('civic.building')
    party = Party.__table__()
    household = Household.__table__()
    unit = Unit.__table__()
    building = Building.__table__()
    cursor = Transaction().connection.cursor()
    result = {}
    for sub_ids in grouped_slice(list(set(party_ids)), MAX_QUERY_PARAMS):
        cursor.execute(*party.join(household,
                condition=party.household == household.id
                ).join(unit, condition=household.unit == unit.id
                ).join(building, condition=unit.building == building.id
                ).select(party.id, building.compound,
                where=party.id.in_(list(sub_ids))
                & (building.compound != Null)))
        result.update(cursor)
    return result


class Redemption(metaclass=PoolMeta):
    __name__ = 'civic.points.redemption'

    @classmethod
    def check_holders(cls, vouchers, date):
        "A company deducts the fees of its own compounds' residents only"
        pool = Pool()
        Company = pool.get('civic.property.company')
        Management = pool.get('civic.property.management')
        super().check_holders(vouchers, date)
        with without_check_access():
            vouchers = cls.browse(vouchers)
            fees = [v for v in vouchers if v.offer.kind == 'property_fee']
            if not fees:
                return
            companies = {c.merchant.id: c for c in Company.search([
                        ('merchant', 'in',
                            list({v.offer.merchant.id for v in fees})),
                        ], order=[])}
            fees = [v for v in fees if v.offer.merchant.id in companies]
            homes = compounds_of_parties([v.party.id for v in fees])
            managers = Management.companies_on(
                [c for c in homes.values()], date)
            for voucher in fees:
                company = companies[voucher.offer.merchant.id]
                compound = homes.get(voucher.party.id)
                if managers.get(compound) != company.id:
                    raise DeductionError(gettext(
                            'civic_property.msg_deduction_outside',
                            holder=mask_name(voucher.party.name),
                            company=company.rec_name))


class Deduction(ScopeMixin, ModelSQL, ModelView):
    "A property-fee deduction: a redeemed property-fee voucher of a company"
    __string__ = "Property-fee Deduction"
    __name__ = 'civic.property.fee.deduction'
    _scope_area = 'area'
    company = fields.Many2One(
        'civic.property.company', "Property Company", readonly=True)
    household = fields.Many2One(
        'civic.household', "Household", readonly=True)
    area = fields.Many2One('civic.area', "Grid", readonly=True)
    holder = fields.Function(
        fields.Char("Holder", help="The resident's name masked."),
        'get_holder')
    offer = fields.Many2One('civic.points.offer', "Offer", readonly=True)
    code = fields.Char("Voucher Code", readonly=True)
    redeemed_at = fields.DateTime("Deducted at", readonly=True)
    points = fields.Integer("Points", readonly=True)
    value = fields.Numeric(
        "Fee Deducted (Yuan)", digits=(16, 2), readonly=True)
    settlement = fields.Many2One(
        'civic.points.settlement', "Settlement", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('redeemed_at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Redemption = pool.get('civic.points.redemption')
        Offer = pool.get('civic.points.offer')
        Company = pool.get('civic.property.company')
        Party = pool.get('party.party')
        voucher = Redemption.__table__()
        offer = Offer.__table__()
        company = Company.__table__()
        party = Party.__table__()
        return voucher.join(offer, condition=voucher.offer == offer.id
            ).join(company, condition=company.merchant == voucher.merchant
            ).join(party, condition=voucher.party == party.id
            ).select(
                voucher.id.as_('id'),
                voucher.create_uid.as_('create_uid'),
                voucher.create_date.as_('create_date'),
                voucher.write_uid.as_('write_uid'),
                voucher.write_date.as_('write_date'),
                company.id.as_('company'),
                party.household.as_('household'),
                voucher.area.as_('area'),
                voucher.offer.as_('offer'),
                voucher.code.as_('code'),
                voucher.redeemed_at.as_('redeemed_at'),
                voucher.points.as_('points'),
                voucher.value.as_('value'),
                voucher.settlement.as_('settlement'),
                where=(voucher.state == 'redeemed')
                & (offer.kind == 'property_fee'))

    @classmethod
    def get_holder(cls, deductions, name):
        Redemption = Pool().get('civic.points.redemption')
        with without_check_access():
            return {d.id: mask_name(Redemption(d.id).party.name)
                for d in deductions}


class Household(metaclass=PoolMeta):
    __name__ = 'civic.household'
    property_fee_deductions = fields.One2Many(
        'civic.property.fee.deduction', 'household',
        "Property-fee Deductions", readonly=True)
