# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
import datetime as dt
import io
import secrets
from collections import Counter
from decimal import Decimal

import segno

from trytond.backend import MAX_QUERY_PARAMS
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView

from civic_grid import clock
from civic_grid.locking import lock, select_locked, waits_for_locks
from civic_grid.report import HTMLReport
from civic_grid.scope import ScopedWizard, ScopeMixin, is_id

from .exceptions import OfferError, VoucherError
from .merchant import OFFER_KINDS

# No 0/O, 1/I/L: codes are read aloud and typed at a counter
CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
CODE_LENGTH = 8


def new_code():
    return ''.join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code):
    return ''.join(c for c in (code or '').upper() if c.isalnum())


def as_date(value):
    "SQLite returns dates as text"
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def mask_name(name):
    "王*, 王*强, 欧阳**锋: enough for a merchant to greet the holder"
    name = name or ''
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + '*'
    return name[0] + '*' * (len(name) - 2) + name[-1]


class Redemption(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Points Redemption"
    __name__ = 'civic.points.redemption'
    _scope_area = 'area'
    _draft = {'readonly': Eval('state') != 'draft'}
    party = fields.Many2One(
        'party.party', "Holder", required=True, ondelete='RESTRICT',
        states=_draft, domain=[('household', '!=', None)])
    holder_name = fields.Function(
        fields.Char("Holder"), 'get_holder_name')
    offer = fields.Many2One(
        'civic.points.offer', "Offer", required=True, ondelete='RESTRICT',
        states=_draft)
    merchant = fields.Many2One(
        'civic.points.merchant', "Merchant", readonly=True,
        ondelete='RESTRICT')
    offer_kind = fields.Function(
        fields.Selection(OFFER_KINDS, "Kind"), 'get_offer_field')
    account = fields.Many2One(
        'civic.points.account', "Account", readonly=True,
        ondelete='RESTRICT')
    area = fields.Many2One(
        'civic.area', "Grid", readonly=True, ondelete='RESTRICT')
    points = fields.Integer("Points", readonly=True)
    value = fields.Numeric("Agreed Value (Yuan)", digits=(16, 2),
        readonly=True)
    code = fields.Char(
        "Voucher Code", readonly=True,
        help="The one-time code the merchant scans or types.")
    qr_code = fields.Function(fields.Binary("QR Code"), 'get_qr_code')
    issue_date = fields.Date("Issued on", readonly=True)
    expiry_date = fields.Date("Valid Until", readonly=True)
    redeemed_at = fields.DateTime("Redeemed at", readonly=True)
    redeemed_by = fields.Many2One(
        'res.user', "Redeemed by", readonly=True, ondelete='RESTRICT')
    debit_line = fields.Many2One(
        'civic.points.line', "Debit", readonly=True, ondelete='RESTRICT')
    refund_line = fields.Many2One(
        'civic.points.line', "Refund", readonly=True, ondelete='RESTRICT')
    settlement = fields.Many2One(
        'civic.points.settlement', "Settlement", readonly=True,
        ondelete='RESTRICT')
    state = fields.Selection([
            ('draft', "Draft"),
            ('issued', "Issued"),
            ('redeemed', "Redeemed"),
            ('cancelled', "Cancelled"),
            ('expired', "Expired"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'civic_points.msg_voucher_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Range()), (t.offer, Index.Range())),
                Index(t, (t.merchant, Index.Range()),
                    (t.redeemed_at, Index.Range())),
                Index(t, (t.state, Index.Equality()),
                    (t.expiry_date, Index.Range()),
                    where=t.state == 'issued'),
                })
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'issued'),
            ('draft', 'cancelled'),
            ('issued', 'redeemed'),
            ('issued', 'cancelled'),
            ('issued', 'expired'),
            }
        cls._buttons.update({
                'issue': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'issued']),
                    'depends': ['state'],
                    },
                })
        cls.__rpc__.update({
                'redeem_code': waits_for_locks(),
                'issue': waits_for_locks(instantiate=0),
                'cancel': waits_for_locks(instantiate=0),
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return self.code or f'({self.id})'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('code', clause[1], normalise_code(clause[2])
                if isinstance(clause[2], str) and '%' not in clause[2]
                else clause[2])]

    @classmethod
    def get_holder_name(cls, vouchers, name):
        with without_check_access():
            return {v.id: mask_name(cls(v.id).party.name) for v in vouchers}

    @classmethod
    def get_offer_field(cls, vouchers, name):
        with without_check_access():
            return {v.id: cls(v.id).offer.kind for v in vouchers}

    def get_qr_code(self, name):
        if not self.code or self.state != 'issued':
            return None
        output = io.BytesIO()
        segno.make(self.code, error='m').save(
            output, kind='png', scale=8, border=2)
        return output.getvalue()

    @classmethod
    def check_modification(cls, mode, vouchers, values=None, external=False):
        super().check_modification(
            mode, vouchers, values=values, external=external)
        if mode == 'delete' or (mode == 'write' and external):
            for voucher in vouchers:
                if voucher.state != 'draft':
                    raise AccessError(gettext(
                            'civic_points.msg_voucher_not_draft',
                            voucher=voucher.rec_name))

    @classmethod
    def preprocess_values(cls, mode, values):
        # A voucher is placed at its holder's grid from its draft on, so
        # that the officers' rules scope it before it moves any points
        values = super().preprocess_values(mode, values)
        if is_id(values.get('party')):
            Party = Pool().get('party.party')
            party = Party(values['party'])
            values['area'] = Party.get_civic_area(
                [party], 'civic_area')[party.id]
        return values

    @classmethod
    def copy(cls, vouchers, default=None):
        default = dict(default or {})
        for name in ('code', 'account', 'area', 'points', 'value',
                'issue_date', 'expiry_date', 'redeemed_at', 'redeemed_by',
                'debit_line', 'refund_line', 'settlement', 'merchant'):
            default.setdefault(name, None)
        return super().copy(vouchers, default=default)

    # --- issuing -------------------------------------------------------
    @classmethod
    @ModelView.button
    def issue(cls, vouchers):
        "Debit the holders' accounts and give each voucher its code"
        vouchers = cls.lock_for_points(vouchers)
        cls.check_state(vouchers, 'draft')
        cls._issue(vouchers)

    @classmethod
    def lock_for_points(cls, vouchers):
        """Lock the holders' accounts, the stocked offers and the vouchers
        (in that order); return the vouchers as they are now"""
        pool = Pool()
        Account = pool.get('civic.points.account')
        Offer = pool.get('civic.points.offer')
        lock(Account, Account.get_accounts([v.party for v in vouchers]))
        lock(Offer, [v.offer for v in vouchers if v.offer.stock is not None])
        return lock(cls, vouchers)

    @classmethod
    def check_state(cls, vouchers, *states):
        "Refuse vouchers that another step moved out of states meanwhile"
        for voucher in vouchers:
            if voucher.state not in states:
                raise VoucherError(gettext(
                        'civic_points.msg_voucher_state_changed',
                        voucher=voucher.rec_name,
                        state=voucher.state_string))

    @classmethod
    @Workflow.transition('issued')
    def _issue(cls, vouchers):
        """Debit the holders' locked accounts and give each voucher its
        one-time code; refused as a whole if an offer or a balance does not
        allow it"""
        pool = Pool()
        Account = pool.get('civic.points.account')
        Line = pool.get('civic.points.line')
        Configuration = pool.get('civic.points.configuration')
        today = pool.get('ir.date').today()
        if not vouchers:
            return
        accounts = Account.get_accounts([v.party for v in vouchers])
        for voucher in vouchers:
            voucher.offer.check_available_on(today)
        cls._check_limits(vouchers, today)
        cls.check_holders(vouchers, today)
        cls._take_stock(vouchers)
        lines = Line.post([{
                    'account': account.id,
                    'party': v.party.id,
                    'kind': 'voucher',
                    'points': -v.offer.points,
                    'date': today,
                    'origin': str(v),
                    'description': v.offer.rec_name,
                    } for v, account in zip(vouchers, accounts)])
        validity = dt.timedelta(days=Configuration(1).voucher_validity_days)
        for voucher, account, line in zip(vouchers, accounts, lines):
            expiry = today + validity
            if voucher.offer.end_date:
                expiry = min(expiry, voucher.offer.end_date)
            voucher.code = cls._unused_code()
            voucher.account = account
            voucher.merchant = voucher.offer.merchant
            voucher.area = line.area
            voucher.points = voucher.offer.points
            voucher.value = voucher.offer.value
            voucher.issue_date = today
            voucher.expiry_date = expiry
            voucher.debit_line = line
        cls.save(vouchers)

    @classmethod
    def _unused_code(cls):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        while True:
            code = new_code()
            cursor.execute(*table.select(table.id,
                    where=table.code == code, limit=1))
            if not cursor.fetchone():
                return code

    @classmethod
    def _check_limits(cls, vouchers, today):
        "Raise OfferError if a holder goes over an offer's limits"
        limited = [v for v in vouchers
            if v.offer.limit_per_person or v.offer.limit_per_month]
        if not limited:
            return
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        month = today.replace(day=1)
        held, held_month = Counter(), Counter()
        parties = {v.party.id for v in limited}
        offers = {v.offer.id for v in limited}
        for sub_ids in grouped_slice(list(parties), MAX_QUERY_PARAMS):
            cursor.execute(*table.select(
                    table.party, table.offer, table.issue_date,
                    where=table.party.in_(list(sub_ids))
                    & table.offer.in_(list(offers))
                    & table.state.in_(['issued', 'redeemed'])))
            for party, offer, issued in cursor:
                if isinstance(issued, str):
                    issued = dt.date.fromisoformat(issued)
                held[party, offer] += 1
                if issued and issued >= month:
                    held_month[party, offer] += 1
        for voucher in limited:
            key = voucher.party.id, voucher.offer.id
            held[key] += 1
            held_month[key] += 1
            offer = voucher.offer
            if offer.limit_per_person and held[key] > offer.limit_per_person:
                raise OfferError(gettext(
                        'civic_points.msg_offer_limit_per_person',
                        offer=offer.rec_name, party=voucher.party.rec_name,
                        limit=offer.limit_per_person))
            if (offer.limit_per_month
                    and held_month[key] > offer.limit_per_month):
                raise OfferError(gettext(
                        'civic_points.msg_offer_limit_per_month',
                        offer=offer.rec_name, party=voucher.party.rec_name,
                        limit=offer.limit_per_month))

    @classmethod
    def check_holders(cls, vouchers, date):
        """Raise VoucherError if the merchant of a voucher may not serve its
        holder on date (any holder here; modules of merchants with a clientele
        of their own say otherwise)"""

    @classmethod
    def _take_stock(cls, vouchers, sign=-1):
        "Take (or give back with sign=1) one unit of stock per voucher"
        Offer = Pool().get('civic.points.offer')
        needed = Counter(v.offer.id for v in vouchers
            if v.offer.stock is not None)
        for offer_id, count in needed.items():
            offer = Offer(offer_id)
            if sign < 0 and offer.stock < count:
                raise OfferError(gettext(
                        'civic_points.msg_offer_out_of_stock',
                        offer=offer.rec_name))
            Offer.write([offer], {'stock': offer.stock + sign * count})

    # --- cancelling and expiry -----------------------------------------
    @classmethod
    @ModelView.button
    def cancel(cls, vouchers):
        "Cancel draft or issued vouchers; issued ones give their points back"
        vouchers = cls.lock_for_points(vouchers)
        cls.check_state(vouchers, 'draft', 'issued')
        cls._cancel(vouchers)

    @classmethod
    @Workflow.transition('cancelled')
    def _cancel(cls, vouchers):
        cls._refund([v for v in vouchers if v.state == 'issued'])

    @classmethod
    @Workflow.transition('expired')
    def expire(cls, vouchers):
        cls._refund(vouchers)

    @classmethod
    def _refund(cls, vouchers):
        "Give the points and the stock of issued, locked vouchers back"
        pool = Pool()
        Line = pool.get('civic.points.line')
        today = pool.get('ir.date').today()
        if not vouchers:
            return
        lines = Line.post([{
                    'account': v.account.id,
                    'party': v.party.id,
                    'kind': 'refund',
                    'points': v.points,
                    'date': today,
                    'origin': str(v),
                    'description': v.offer.rec_name,
                    } for v in vouchers])
        cls._take_stock(vouchers, sign=1)
        for voucher, line in zip(vouchers, lines):
            voucher.refund_line = line
        cls.save(vouchers)

    @classmethod
    def expire_vouchers(cls, date=None):
        "Expire the issued vouchers past their date and refund them"
        today = date or Pool().get('ir.date').today()
        with without_check_access():
            vouchers = cls.lock_for_points(cls.search([
                        ('state', '=', 'issued'),
                        ('expiry_date', '<', today),
                        ], order=[('id', 'ASC')]))
            cls.expire([v for v in vouchers
                    if v.state == 'issued' and v.expiry_date < today])
        return vouchers

    # --- redeeming -----------------------------------------------------
    @classmethod
    def redeem_code(cls, code):
        """Redeem the voucher with code for one of the current user's
        merchants; return what the counter shows.  Raise VoucherError for a
        code that is unknown (or another merchant's), used, cancelled or
        expired.

        This is the one way to redeem, and the merchants' hot path: one
        statement finds and locks the voucher's row with what the counter
        shows, one writes the transition ('issued', 'redeemed') in SQL.
        Through the ORM the voucher, its offer, merchant and holder are read
        one by one and the write runs the access checks again, for every
        scan at every counter.  Root (scripts, the demo) redeems for any
        merchant."""
        pool = Pool()
        Merchant = pool.get('civic.points.merchant')
        Offer = pool.get('civic.points.offer')
        Party = pool.get('party.party')
        today = pool.get('ir.date').today()
        if not isinstance(code, str) or len(code) > 64:
            code = ''
        code = normalise_code(code)
        voucher = cls.__table__()
        offer = Offer.__table__()
        merchant = Merchant.__table__()
        party = Party.__table__()
        where = voucher.code == code
        if Transaction().user:
            merchants = sorted(Merchant.of_user()) or [None]
            where &= voucher.merchant.in_(merchants)
        # One statement finds the voucher among the user's merchants', waits
        # for its row and reads it with what the counter shows
        rows = select_locked(voucher,
            voucher.id, voucher.state, voucher.expiry_date,
            voucher.redeemed_at, voucher.code, offer.name, merchant.name,
            party.name, voucher.points, voucher.value,
            join=voucher.join(offer, condition=voucher.offer == offer.id
                ).join(merchant, condition=voucher.merchant == merchant.id
                ).join(party, condition=voucher.party == party.id),
            where=where)
        if not rows:
            # a code of another merchant's voucher is said unknown too: a
            # merchant learns nothing of the other merchants' vouchers
            raise VoucherError(gettext(
                    'civic_points.msg_voucher_unknown', code=code))
        (voucher_id, state, expiry_date, redeemed_at, code, offer_name,
            merchant_name, holder, points, value), = rows
        cls._check_redeemable(code, state, as_date(expiry_date),
            redeemed_at, today)
        cls.check_holders([cls(voucher_id)], today)
        now = clock.now()
        user = Transaction().user
        Transaction().connection.cursor().execute(*voucher.update(
                [voucher.state, voucher.redeemed_at, voucher.redeemed_by,
                    voucher.write_date, voucher.write_uid],
                ['redeemed', now, user, now, user],
                where=voucher.id == voucher_id))
        return {
            'id': voucher_id,
            'code': code,
            'offer': offer_name,
            'merchant': merchant_name,
            'holder': mask_name(holder),
            'points': points,
            'value': Decimal(str(value)) if value is not None else None,
            'redeemed_at': now,
            }

    @classmethod
    def _check_redeemable(cls, code, state, expiry_date, redeemed_at, today):
        if state == 'redeemed':
            if isinstance(redeemed_at, str):
                redeemed_at = dt.datetime.fromisoformat(redeemed_at)
            raise VoucherError(gettext(
                    'civic_points.msg_voucher_used', code=code,
                    date=redeemed_at.date()))
        if state == 'cancelled':
            raise VoucherError(gettext(
                    'civic_points.msg_voucher_cancelled', code=code))
        if state != 'issued' or expiry_date < today:
            raise VoucherError(gettext(
                    'civic_points.msg_voucher_expired', code=code,
                    date=expiry_date))


class RedeemStart(ModelView):
    __string__ = "Redeem Voucher"
    __name__ = 'civic.points.redemption.redeem.start'
    code = fields.Char(
        "Voucher Code", required=True,
        help="Scan the QR code or type the code the holder shows.")


class RedeemDone(ModelView):
    __string__ = "Voucher Redeemed"
    __name__ = 'civic.points.redemption.redeem.done'
    code = fields.Char("Voucher Code", readonly=True)
    offer = fields.Char("Offer", readonly=True)
    holder = fields.Char("Holder", readonly=True)
    points = fields.Integer("Points", readonly=True)
    redeemed_at = fields.DateTime("Redeemed at", readonly=True)


class Redeem(ScopedWizard):
    __string__ = "Redeem Voucher"
    __name__ = 'civic.points.redemption.redeem'
    start = StateView(
        'civic.points.redemption.redeem.start',
        'civic_points.redeem_start_view_form', [
            Button("Close", 'end', 'tryton-cancel'),
            Button("Redeem", 'redeem', 'tryton-ok', default=True),
            ])
    redeem = StateTransition()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        waits_for_locks(cls.__rpc__['execute'])
    done = StateView(
        'civic.points.redemption.redeem.done',
        'civic_points.redeem_done_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Next Voucher", 'start', 'tryton-forward', default=True),
            ])

    def default_start(self, fields):
        return {}

    def transition_redeem(self):
        Redemption = Pool().get('civic.points.redemption')
        summary = Redemption.redeem_code(self.start.code)
        for name in self.done_fields:
            setattr(self.done, name, summary[name])
        return 'done'

    done_fields = ['code', 'offer', 'holder', 'points', 'redeemed_at']

    def default_done(self, fields):
        return {f: getattr(self.done, f, None) for f in self.done_fields}


class VoucherReport(HTMLReport):
    __string__ = "Voucher with its QR code, printed for the holder"
    __name__ = 'civic.points.redemption.voucher'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['qr_svg'] = lambda code: segno.make(
            code, error='m').svg_data_uri(scale=6, border=2)
        return context
