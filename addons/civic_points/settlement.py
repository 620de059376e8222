# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView

from civic_grid.report import HTMLReport
from civic_grid.scope import ScopedWizard, ScopeMixin, pointable
from civic_grid.xlsx import XLSXReport, labels, workbook_bytes

from .exceptions import SettlementError


class Settlement(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Merchant Settlement"
    __name__ = 'civic.points.settlement'
    _scope_area = 'merchant.area'
    _draft = {'readonly': Eval('state') != 'draft'}
    merchant = fields.Many2One(
        'civic.points.merchant', "Merchant", required=True,
        ondelete='RESTRICT', states=_draft)
    month = fields.Date(
        "Month", required=True, states=_draft,
        help="Any day of the month: the first day is kept.")
    redemptions = fields.One2Many(
        'civic.points.redemption', 'settlement', "Redemptions",
        readonly=True, order=[('redeemed_at', 'ASC'), ('id', 'ASC')])
    count = fields.Function(fields.Integer("Vouchers"), 'get_totals')
    points = fields.Function(fields.Integer("Points"), 'get_totals')
    amount = fields.Function(
        fields.Numeric("Amount (Yuan)", digits=(16, 2)), 'get_totals')
    confirmed_by = fields.Many2One(
        'res.user', "Confirmed by", readonly=True, ondelete='RESTRICT')
    paid_date = fields.Date(
        "Paid on", readonly=True, states={
            'invisible': Eval('state') != 'paid'})
    paid_by = fields.Many2One(
        'res.user', "Paid by", readonly=True, ondelete='RESTRICT',
        states={'invisible': Eval('state') != 'paid'})
    state = fields.Selection([
            ('draft', "Draft"),
            ('confirmed', "Confirmed"),
            ('paid', "Paid"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('merchant_month_unique', Unique(t, t.merchant, t.month),
                'civic_points.msg_settlement_unique'),
            ]
        cls._order = [('month', 'DESC'), ('merchant', 'ASC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'confirmed'),
            ('confirmed', 'draft'),
            ('confirmed', 'paid'),
            }
        cls._buttons.update({
                'refresh': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'confirmed',
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'pay': {
                    'invisible': Eval('state') != 'confirmed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return f'{self.merchant.rec_name} {self.month:%Y-%m}'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if isinstance(values.get('month'), dt.date):
            values['month'] = values['month'].replace(day=1)
        return values

    @classmethod
    def get_totals(cls, settlements, names):
        result = {n: {} for n in names}
        for settlement in settlements:
            vouchers = settlement.redemptions
            totals = {
                'count': len(vouchers),
                'points': sum(v.points for v in vouchers),
                'amount': sum((v.value for v in vouchers), Decimal(0)),
                }
            for name in names:
                result[name][settlement.id] = totals[name]
        return result

    @classmethod
    def check_modification(cls, mode, settlements, values=None,
            external=False):
        super().check_modification(
            mode, settlements, values=values, external=external)
        if mode in {'write', 'delete'} and external:
            for settlement in settlements:
                if settlement.state != 'draft':
                    raise AccessError(gettext(
                            'civic_points.msg_settlement_not_draft',
                            settlement=settlement.rec_name))

    @classmethod
    def create(cls, vlist):
        settlements = super().create(vlist)
        cls.refresh(settlements)
        return settlements

    @classmethod
    def delete(cls, settlements):
        with without_check_access():
            cls._attach(settlements, [])
        super().delete(settlements)

    @classmethod
    @ModelView.button
    def refresh(cls, settlements):
        """Attach to each draft settlement its merchant's vouchers redeemed
        in the month and not settled elsewhere"""
        pool = Pool()
        Redemption = pool.get('civic.points.redemption')
        with without_check_access():
            for settlement in settlements:
                if settlement.state != 'draft':
                    continue
                start = dt.datetime.combine(settlement.month, dt.time())
                end = start + relativedelta(months=1)
                vouchers = Redemption.search([
                        ('merchant', '=', settlement.merchant.id),
                        ('state', '=', 'redeemed'),
                        ('redeemed_at', '>=', start),
                        ('redeemed_at', '<', end),
                        ['OR',
                            ('settlement', '=', None),
                            ('settlement', '=', settlement.id),
                            ],
                        ])
                cls._attach([settlement], vouchers)

    @classmethod
    def _attach(cls, settlements, vouchers):
        Redemption = Pool().get('civic.points.redemption')
        attached = Redemption.search(
            [('settlement', 'in', [s.id for s in settlements])])
        if attached:
            Redemption.write(attached, {'settlement': None})
        if vouchers:
            Redemption.write(vouchers, {'settlement': settlements[0].id})

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, settlements):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, settlements):
        cls.refresh(settlements)
        for settlement in settlements:
            if not settlement.redemptions:
                raise SettlementError(gettext(
                        'civic_points.msg_settlement_empty',
                        settlement=settlement.rec_name))
        with without_check_access():
            cls.write(settlements, {'confirmed_by': Transaction().user})

    @classmethod
    @ModelView.button
    @Workflow.transition('paid')
    def pay(cls, settlements):
        with without_check_access():
            cls.write(settlements, {
                    'paid_date': Pool().get('ir.date').today(),
                    'paid_by': Transaction().user,
                    })

    @classmethod
    def prepare(cls, month):
        """Create the draft settlements of month for every merchant with
        redeemed vouchers not settled yet; return them"""
        pool = Pool()
        Redemption = pool.get('civic.points.redemption')
        month = month.replace(day=1)
        start = dt.datetime.combine(month, dt.time())
        end = start + relativedelta(months=1)
        with without_check_access():
            vouchers = Redemption.search([
                    ('state', '=', 'redeemed'),
                    ('settlement', '=', None),
                    ('redeemed_at', '>=', start),
                    ('redeemed_at', '<', end),
                    ])
            merchants = pointable(Pool().get('civic.points.merchant'),
                {v.merchant.id for v in vouchers})
            existing = cls.search([
                    ('month', '=', month),
                    ('merchant', 'in', list(merchants)),
                    ])
        for settlement in existing:
            merchants.discard(settlement.merchant.id)
        cls.refresh([s for s in existing if s.state == 'draft'])
        created = cls.create([{'merchant': m, 'month': month}
                for m in sorted(merchants)])
        return existing + created


class PrepareStart(ModelView):
    __string__ = "Prepare Settlements"
    __name__ = 'civic.points.settlement.prepare.start'
    month = fields.Date("Month", required=True)

    @classmethod
    def default_month(cls):
        today = Pool().get('ir.date').today()
        return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


class Prepare(ScopedWizard):
    __string__ = "Prepare Settlements"
    __name__ = 'civic.points.settlement.prepare'
    start = StateView(
        'civic.points.settlement.prepare.start',
        'civic_points.settlement_prepare_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Prepare", 'prepare', 'tryton-ok', default=True),
            ])
    prepare = StateTransition()

    def transition_prepare(self):
        Settlement = Pool().get('civic.points.settlement')
        Settlement.prepare(self.start.month)
        return 'end'

    def end(self):
        return 'reload'


class SettlementReport(HTMLReport):
    __string__ = "Merchant settlement statement"
    __name__ = 'civic.points.settlement.statement'


class SettlementXLSX(XLSXReport):
    __string__ = "Merchant settlement in Excel"
    __name__ = 'civic.points.settlement.xlsx'

    @classmethod
    def render_xlsx(cls, settlements):
        pool = Pool()
        Settlement = pool.get('civic.points.settlement')
        Redemption = pool.get('civic.points.redemption')
        header = labels(Redemption, ['code', 'redeemed_at', 'offer',
                'holder_name', 'points', 'value'])
        count, = labels(Settlement, ['count'])
        sheets = []
        for settlement in settlements:
            rows = [[v.code, v.redeemed_at.strftime('%Y-%m-%d %H:%M'),
                    v.offer.name, v.holder_name, v.points, float(v.value)]
                for v in settlement.redemptions]
            rows.append(['', '', '', f'{count}: {settlement.count}',
                    settlement.points, float(settlement.amount)])
            title = f'{settlement.month:%Y-%m} {settlement.merchant.code}'
            sheets.append((title, header, rows))
        return workbook_bytes(sheets)
