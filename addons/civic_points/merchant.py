# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from civic_grid.scope import ScopeMixin
from civic_grid.sensitive import PhoneFieldsMixin

from .exceptions import OfferError

OFFER_KINDS = [
    ('goods', "Points Supermarket Goods"),
    ('discount', "Merchant Discount"),
    ('service', "Free Service"),
    ('property_fee', "Property-fee Deduction"),
    ]


class Merchant(
        PhoneFieldsMixin, ScopeMixin, DeactivableMixin, ModelSQL,
        ModelView):
    __string__ = "Merchant"
    __name__ = 'civic.points.merchant'
    _phone_fields = ('phone',)
    _scope_area = 'area'
    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True)
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='RESTRICT',
        help="The business, for contact and payment details.")
    area = fields.Many2One(
        'civic.area', "Area", ondelete='RESTRICT',
        help="The community or street where the merchant serves.")
    address = fields.Char("Address")
    phone = fields.Char("Phone")
    users = fields.Many2Many(
        'civic.points.merchant-res.user', 'merchant', 'user', "Users",
        help="The users who redeem vouchers for this merchant.")
    offers = fields.One2Many('civic.points.offer', 'merchant', "Offers")
    _of_user_cache = Cache('civic.points.merchant.of_user', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'civic_points.msg_merchant_code_unique'),
            ]
        cls._order = [('code', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.name} [{self.code}]'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]

    @classmethod
    def of_user(cls, user_id=None):
        "Return the ids of the merchants the user redeems for"
        MerchantUser = Pool().get('civic.points.merchant-res.user')
        user_id = user_id or Transaction().user
        merchants = cls._of_user_cache.get(user_id)
        if merchants is None:
            table = MerchantUser.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(table.merchant,
                    where=table.user == user_id))
            merchants = frozenset(m for m, in cursor)
            cls._of_user_cache.set(user_id, merchants)
        return merchants


class MerchantUser(ScopeMixin, ModelSQL):
    __string__ = "Merchant User"
    __name__ = 'civic.points.merchant-res.user'
    _scope_area = 'merchant.area'
    merchant = fields.Many2One(
        'civic.points.merchant', "Merchant", required=True,
        ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Pool().get('civic.points.merchant')._of_user_cache.clear()


class Offer(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Points Offer"
    __name__ = 'civic.points.offer'
    _scope_area = 'merchant.area'
    merchant = fields.Many2One(
        'civic.points.merchant', "Merchant", required=True,
        ondelete='RESTRICT')
    name = fields.Char("Name", required=True)
    kind = fields.Selection(OFFER_KINDS, "Kind", required=True, sort=False)
    points = fields.Integer(
        "Points Price", required=True, domain=[('points', '>', 0)])
    value = fields.Numeric(
        "Agreed Value (Yuan)", digits=(16, 2), required=True,
        domain=[('value', '>=', 0)],
        help="What the office pays the merchant for each redeemed voucher.")
    stock = fields.Integer(
        "Stock on Hand",
        domain=['OR', ('stock', '=', None), ('stock', '>=', 0)],
        help="Leave empty for an offer without stock (a discount, "
        "a service). Issuing a voucher takes one; cancelling gives it back.")
    limit_per_person = fields.Integer(
        "Limit per Person",
        domain=['OR', ('limit_per_person', '=', None),
            ('limit_per_person', '>', 0)],
        help="Most vouchers one person may hold or have used "
        "for this offer.")
    limit_per_month = fields.Integer(
        "Limit per Person and Month",
        domain=['OR', ('limit_per_month', '=', None),
            ('limit_per_month', '>', 0)])
    start_date = fields.Date("Valid From")
    end_date = fields.Date(
        "Valid Until",
        domain=['OR', ('end_date', '=', None),
            ('end_date', '>=', Eval('start_date', None))])
    description = fields.Text("Description")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('merchant', 'ASC'), ('points', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_kind(cls):
        return 'goods'

    def get_rec_name(self, name):
        return f'{self.name} ({self.points})'

    def check_available_on(self, date):
        "Raise OfferError unless a voucher can be issued on date"
        if (not self.active or not self.merchant.active
                or (self.start_date and date < self.start_date)
                or (self.end_date and date > self.end_date)):
            raise OfferError(gettext(
                    'civic_points.msg_offer_not_available',
                    offer=self.rec_name, date=date))
        if self.stock is not None and self.stock <= 0:
            raise OfferError(gettext(
                    'civic_points.msg_offer_out_of_stock',
                    offer=self.rec_name))
