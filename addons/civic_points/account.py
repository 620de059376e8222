# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
import datetime as dt
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from sql import Literal, Null
from sql.aggregate import Sum
from sql.conditionals import Case

from trytond.backend import MAX_QUERY_PARAMS
from trytond.i18n import gettext
from trytond.model import (
    Check, Index, ModelSQL, ModelStorage, ModelView, Unique, fields)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from civic_grid.locking import lock, waits_for_locks
from civic_grid.scope import ScopeMixin, check_scope, is_id

from .exceptions import (
    AwardError, BalanceError, CapError, LedgerError, ReversalError)
from .rule import CATEGORIES

DESCRIPTION_MAX = 500

KINDS = [
    ('award', "Award"),
    ('reversal', "Reversal"),
    ('voucher', "Voucher"),
    ('refund', "Voucher Refund"),
    ('expiry', "Expiry"),
    ]


def month_start(date):
    return date.replace(day=1)


class Account(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Points Account"
    __name__ = 'civic.points.account'
    _scope_area = 'area'
    party = fields.Many2One(
        'party.party', "Holder", required=True, readonly=True,
        ondelete='RESTRICT')
    area = fields.Many2One(
        'civic.area', "Grid", readonly=True, ondelete='RESTRICT',
        help="The holder's grid (kept when the holder moves), "
        "for the officers' scopes.")
    balance = fields.Integer(
        "Balance", readonly=True,
        help="Always the sum of the posted lines; never negative.")
    lines = fields.One2Many(
        'civic.points.line', 'account', "Lines", readonly=True,
        order=[('date', 'DESC'), ('id', 'DESC')])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('party_unique', Unique(t, t.party),
                'civic_points.msg_account_party_unique'),
            ('balance_positive', Check(t, t.balance >= 0),
                'civic_points.msg_balance_negative_constraint'),
            ]
        cls._sql_indexes.add(Index(t, (t.area, Index.Range())))
        cls._order = [('balance', 'DESC'), ('id', 'ASC')]

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        cls.fill_missing_areas()

    @classmethod
    def fill_missing_areas(cls):
        "Give accounts without a grid their holder's (accounts made in SQL)"
        pool = Pool()
        Party = pool.get('party.party')
        Household = pool.get('civic.household')
        account = cls.__table__()
        party = Party.__table__()
        household = Household.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*account.update([account.area],
                [party.join(household,
                        condition=party.household == household.id).select(
                        household.area, where=party.id == account.party)],
                where=account.area == Null))

    @classmethod
    def default_balance(cls):
        return 0

    def get_rec_name(self, name):
        return self.party.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('party.rec_name', *clause[1:])]

    @classmethod
    def copy(cls, accounts, default=None):
        if accounts:
            raise AccessError(gettext('civic_points.msg_account_no_copy'))
        return []

    @classmethod
    def get_accounts(cls, parties):
        "Return the accounts of parties in their order, creating missing ones"
        pool = Pool()
        Party = pool.get('party.party')
        party_ids = list(dict.fromkeys(int(p) for p in parties))
        accounts = cls._find(party_ids)
        missing = [p for p in party_ids if p not in accounts]
        if missing:
            # Locking the holders serialises two first awards to a party
            lock(Party, Party.browse(missing))
            accounts = cls._find(party_ids)
            missing = [p for p in party_ids if p not in accounts]
            areas = Party.get_civic_area(Party.browse(missing), 'civic_area')
            with without_check_access():
                for account in cls.create([{'party': p, 'area': areas[p]}
                            for p in missing]):
                    accounts[account.party.id] = account
        return [accounts[int(p)] for p in parties]

    @classmethod
    def _find(cls, party_ids):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        found = {}
        for sub_ids in grouped_slice(party_ids, MAX_QUERY_PARAMS):
            cursor.execute(*table.select(table.party, table.id,
                    where=table.party.in_(list(sub_ids))))
            found.update(cursor)
        return {p: cls(a) for p, a in found.items()}

    @classmethod
    def follow_holders(cls, parties):
        "Keep the accounts' grid with their holders' after a move"
        Party = Pool().get('party.party')
        areas = Party.get_civic_area(parties, 'civic_area')
        accounts = cls.search([('party', 'in', [p.id for p in parties])])
        for account in accounts:
            account.area = areas[account.party.id]
        with without_check_access():
            cls.save(accounts)

    @classmethod
    def add_to_balances(cls, deltas):
        """Add deltas ({account id: points}) to the balances of accounts the
        caller has locked; raise BalanceError if one would go negative"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        debits = [a for a, d in deltas.items() if d < 0]
        for sub_ids in grouped_slice(debits, MAX_QUERY_PARAMS):
            cursor.execute(*table.select(table.id, table.balance,
                    where=table.id.in_(list(sub_ids))))
            for account_id, balance in cursor:
                if balance + deltas[account_id] < 0:
                    raise BalanceError(gettext(
                            'civic_points.msg_balance_insufficient',
                            account=cls(account_id).rec_name,
                            balance=balance,
                            points=-deltas[account_id]))
        by_delta = defaultdict(list)
        for account_id, delta in deltas.items():
            if delta:
                by_delta[delta].append(account_id)
        for delta, account_ids in by_delta.items():
            for sub_ids in grouped_slice(account_ids, MAX_QUERY_PARAMS):
                cursor.execute(*table.update(
                        [table.balance], [table.balance + delta],
                        where=table.id.in_(list(sub_ids))))

    @classmethod
    def expire_points(cls, date=None):
        """Post an expiry line on every account holding points earned before
        the configured age; points are consumed oldest first"""
        pool = Pool()
        Configuration = pool.get('civic.points.configuration')
        Line = pool.get('civic.points.line')
        Date = pool.get('ir.date')
        months = Configuration(1).expiry_months
        if not months:
            return []
        date = date or Date.today()
        cutoff = date - relativedelta(months=months)
        to_expire = Line.expirable_points(cutoff)
        if not to_expire:
            return []
        accounts = lock(cls, cls.browse(list(to_expire)))
        to_expire = Line.expirable_points(cutoff, [a.id for a in accounts])
        return Line.post([{
                    'account': account_id,
                    'party': cls(account_id).party.id,
                    'kind': 'expiry',
                    'points': -points,
                    'date': date,
                    'description': gettext(
                        'civic_points.msg_expiry_description',
                        cutoff=cutoff),
                    } for account_id, points in to_expire.items()])


class Line(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Points Ledger Line"
    __name__ = 'civic.points.line'
    _scope_area = 'area'
    # Nobody writes a ledger line: the buttons post new lines for the
    # lines the user may read
    _scope_button_modes = {
        'approve': 'read', 'refuse': 'read', 'reverse': 'read'}
    account = fields.Many2One(
        'civic.points.account', "Account", required=True, readonly=True,
        ondelete='RESTRICT')
    party = fields.Many2One(
        'party.party', "Holder", required=True, readonly=True,
        ondelete='RESTRICT')
    date = fields.Date("Date", required=True, readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    rule = fields.Many2One(
        'civic.points.rule', "Rule", readonly=True, ondelete='RESTRICT')
    category = fields.Selection(
        [(None, "")] + CATEGORIES, "Participant Category", readonly=True)
    quantity = fields.Integer("Quantity", readonly=True)
    points = fields.Integer("Points", required=True, readonly=True)
    origin = fields.Reference(
        "Origin", selection='get_origins', readonly=True)
    area = fields.Many2One(
        'civic.area', "Grid", readonly=True, ondelete='RESTRICT',
        help="The holder's grid when the line was posted.")
    description = fields.Char("Description", readonly=True)
    posted_by = fields.Many2One(
        'res.user', "Recorded by", readonly=True, ondelete='RESTRICT')
    approved_by = fields.Many2One(
        'res.user', "Approved by", readonly=True, ondelete='RESTRICT',
        states={'invisible': ~Eval('approved_by')})
    reversal_of = fields.Many2One(
        'civic.points.line', "Reversal of", readonly=True,
        ondelete='RESTRICT')
    reversed = fields.Function(
        fields.Boolean("Reversed"), 'get_reversed')
    state = fields.Selection([
            ('pending', "Waiting for Approval"),
            ('posted', "Posted"),
            ('refused', "Refused"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('points_not_zero', Check(t, t.points != 0),
                'civic_points.msg_line_points_zero'),
            ('reversal_unique', Unique(t, t.reversal_of),
                'civic_points.msg_line_reversed_twice'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.account, Index.Range()),
                    (t.date, Index.Range())),
                Index(t, (t.area, Index.Range()), (t.date, Index.Range())),
                Index(t, (t.date, Index.Range())),
                Index(t, (t.party, Index.Range()), (t.rule, Index.Range()),
                    (t.date, Index.Range())),
                Index(t, (t.origin, Index.Equality()),
                    where=t.origin != Null),
                Index(t, (t.state, Index.Equality()),
                    where=t.state == 'pending'),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'pending',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'pending',
                    'depends': ['state'],
                    },
                'reverse': {
                    'invisible': ((Eval('state') != 'posted')
                        | (Eval('kind') != 'award')
                        | Eval('reversed', False)),
                    'depends': ['state', 'kind', 'reversed'],
                    },
                })
        cls.__rpc__.update({
                'award': waits_for_locks(result=int),
                'approve': waits_for_locks(instantiate=0),
                'refuse': waits_for_locks(instantiate=0),
                'reverse': waits_for_locks(instantiate=0),
                })

    @classmethod
    def _get_origins(cls):
        "Return the models a line may come from; other modules extend it"
        return ['civic.visit', 'civic.points.redemption',
            'civic.points.honour']

    @classmethod
    def get_origins(cls):
        get_name = Pool().get('ir.model').get_name
        return [(None, '')] + [(m, get_name(m)) for m in cls._get_origins()]

    def get_rec_name(self, name):
        return f'{self.party.rec_name} {self.points:+d} ({self.date})'

    @classmethod
    def get_reversed(cls, lines, name):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        reversed_ = set()
        for sub_ids in grouped_slice([l.id for l in lines], MAX_QUERY_PARAMS):
            cursor.execute(*table.select(table.reversal_of,
                    where=table.reversal_of.in_(list(sub_ids))))
            reversed_.update(r for r, in cursor)
        return {l.id: l.id in reversed_ for l in lines}

    # --- the ledger is append-only ------------------------------------
    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode == 'delete' or (mode == 'write' and external):
            raise LedgerError(gettext('civic_points.msg_line_append_only'))
        if mode == 'write' and (set(values) - {'state', 'approved_by'}
                or any(l.state != 'pending' for l in lines)):
            raise LedgerError(gettext('civic_points.msg_line_append_only'))

    @classmethod
    def copy(cls, lines, default=None):
        if lines:
            raise LedgerError(gettext('civic_points.msg_line_append_only'))
        return []

    # --- posting -------------------------------------------------------
    @classmethod
    def post(cls, vlist):
        """Create ledger lines and add the posted ones to their accounts'
        balances.  The caller must have locked the accounts."""
        pool = Pool()
        Party = pool.get('party.party')
        user = Transaction().user
        party_ids = {v['party'] for v in vlist}
        areas = Party.get_civic_area(Party.browse(party_ids), 'civic_area')
        for values in vlist:
            values.setdefault('state', 'posted')
            values.setdefault('posted_by', user or None)
            values.setdefault('area', areas.get(values['party']))
        with without_check_access(), Transaction().set_context(
                _civic_points_posting=True):
            lines = cls.create(vlist)
        pool.get('civic.points.account').add_to_balances(
            cls.balance_deltas(v for v in vlist if v['state'] == 'posted'))
        return lines

    @classmethod
    def _validate(cls, lines, field_names=None):
        # post() builds every value itself from rules, accounts and
        # vouchers, and the database's NOT NULL and CHECK constraints stand
        # guard: validating the lines again field by field reads them all
        # back (award_many: 812 lines/s without, 596 with, on the seed
        # benchmark's durable cluster).
        if not Transaction().context.get('_civic_points_posting'):
            super()._validate(lines, field_names=field_names)

    @staticmethod
    def balance_deltas(lines):
        "Sum points by account of lines (records or posting values)"
        deltas = defaultdict(int)
        for line in lines:
            if isinstance(line, dict):
                deltas[int(line['account'])] += line['points']
            else:
                deltas[line.account.id] += line.points
        return deltas

    @classmethod
    def award(cls, rule_code=None, party=None, quantity=None, origin=None,
            date=None, description=None):
        """Award quantity units of the rule with code rule_code to party,
        for origin (a record or "model,id").  Return the ledger line; it is
        posted, or pending when the rule needs approval.  Raise AwardError
        (or CapError) when the rules do not allow it; nothing is written."""
        line, = cls.award_many([{
                    'rule': rule_code, 'party': party, 'quantity': quantity,
                    'origin': origin, 'date': date,
                    'description': description,
                    }])
        return line

    @classmethod
    def award_many(cls, requests):
        """Award points for each request, a dict with the arguments of
        award (rule, party, quantity, origin, date, description).  All or
        nothing: one refused request refuses them all."""
        pool = Pool()
        Account = pool.get('civic.points.account')
        Rule = pool.get('civic.points.rule')
        today = pool.get('ir.date').today()
        requests = [cls._checked_request(r) for r in requests]
        cls._check_award_access(requests)
        codes = {r['rule'] for r in requests}
        with without_check_access():
            rules = {r.code: r for r in Rule.search([
                        ('code', 'in', list(codes)),
                        ('active', 'in', [True, False]),
                        ])}
        # what each rule puts on its lines, read once per rule
        templates = {code: {
                'rule': rule.id,
                'category': rule.category,
                'kind': 'award',
                'state': 'pending' if rule.needs_approval else 'posted',
                } for code, rule in rules.items()}
        checked = set()
        vlist = []
        for request in requests:
            code = request['rule']
            if code not in rules:
                raise AwardError(gettext(
                        'civic_points.msg_rule_unknown', code=code))
            quantity = request['quantity']
            if quantity <= 0:
                raise AwardError(gettext(
                        'civic_points.msg_award_quantity_positive',
                        rule=rules[code].rec_name, quantity=quantity))
            date = request['date'] or today
            if (code, date) not in checked:
                rules[code].check_valid_on(date)
                checked.add((code, date))
            vlist.append({
                    **templates[code],
                    'party': request['party'],
                    'quantity': quantity,
                    'points': quantity * rules[code].points,
                    'origin': request['origin'],
                    'date': date,
                    'description': request['description'],
                    })
        accounts = Account.get_accounts([v['party'] for v in vlist])
        lock(Account, accounts)
        for values, account in zip(vlist, accounts):
            values['account'] = account.id
        cls.check_caps(vlist, {r.id: r for r in rules.values()})
        return cls.post(vlist)

    @classmethod
    def _checked_request(cls, request):
        """Return an award request with its values checked for their type
        (awards come over RPC too); raise AwardError otherwise"""
        def refuse(name, value):
            raise AwardError(gettext('civic_points.msg_award_argument',
                    argument=cls.fields_get([name])[name]['string'],
                    value=str(value)[:100]))
        rule = request.get('rule')
        if not isinstance(rule, str) or not rule:
            refuse('rule', rule)
        party = request.get('party')
        if isinstance(party, ModelStorage):
            party = party.id
        if not is_id(party):
            refuse('party', party)
        quantity = request.get('quantity')
        if not isinstance(quantity, int) or isinstance(quantity, bool):
            refuse('quantity', quantity)
        date = request.get('date')
        if date is not None and (not isinstance(date, dt.date)
                or isinstance(date, dt.datetime)):
            refuse('date', date)
        description = request.get('description')
        if description is not None and (not isinstance(description, str)
                or len(description) > DESCRIPTION_MAX):
            refuse('description', description)
        origin = request.get('origin')
        if origin is not None:
            origin = cls._checked_origin(origin)
            if origin is None:
                refuse('origin', request.get('origin'))
        return {'rule': rule, 'party': party, 'quantity': quantity,
            'date': date, 'description': description, 'origin': origin}

    @classmethod
    def _checked_origin(cls, origin):
        "Return origin as 'model,id' of an existing record, or None"
        if isinstance(origin, ModelStorage):
            origin = f'{origin.__name__},{origin.id}'
        if not isinstance(origin, str) or origin.count(',') != 1:
            return None
        model, id_ = origin.split(',')
        if model not in cls._get_origins() or not id_.isdigit():
            return None
        id_ = int(id_)
        Model = Pool().get(model)
        with without_check_access():
            if not is_id(id_) or not Model.search(
                    [('id', '=', id_)], limit=1, order=[]):
                return None
        return f'{model},{id_}'

    @classmethod
    def _check_award_access(cls, requests):
        """Users award points only to the residents in their scope, for
        origins they may read"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            ModelAccess.check('civic.points.account', 'read')
            check_scope(pool.get('party.party'),
                {r['party'] for r in requests})
            origins = defaultdict(set)
            for request in requests:
                if request['origin']:
                    model, id_ = request['origin'].split(',')
                    origins[model].add(int(id_))
            for model, ids in origins.items():
                check_scope(pool.get(model), ids)

    @classmethod
    def check_caps(cls, vlist, rules):
        "Raise CapError if vlist takes someone over a daily or monthly cap"
        capped = [v for v in vlist
            if rules[v['rule']].daily_cap or rules[v['rule']].monthly_cap]
        if not capped:
            return
        earned = cls._earned_by_rule(capped)
        for values in capped:
            rule = rules[values['rule']]
            for period, cap, start in (
                    ('day', rule.daily_cap, values['date']),
                    ('month', rule.monthly_cap, month_start(values['date']))):
                if not cap:
                    continue
                key = (values['party'], rule.id, period, start)
                earned[key] += values['points']
                if earned[key] > cap:
                    raise CapError(gettext(
                            'civic_points.msg_award_over_cap_' + period,
                            rule=rule.rec_name,
                            party=Pool().get('party.party')(
                                values['party']).rec_name,
                            cap=cap,
                            earned=earned[key] - values['points'],
                            points=values['points']))

    @classmethod
    def _earned_by_rule(cls, vlist):
        """Return the points already earned (pending or posted, net of
        reversals) by party and rule per day and month of vlist's dates"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        earned = defaultdict(int)
        months = {month_start(v['date']) for v in vlist}
        first = min(months)
        last = max(months) + relativedelta(months=1)
        parties = {v['party'] for v in vlist}
        rules = {v['rule'] for v in vlist}
        for sub_ids in grouped_slice(list(parties), MAX_QUERY_PARAMS):
            cursor.execute(*table.select(
                    table.party, table.rule, table.date, Sum(table.points),
                    where=table.party.in_(list(sub_ids))
                    & table.rule.in_(list(rules))
                    & (table.date >= first) & (table.date < last)
                    & table.state.in_(['pending', 'posted']),
                    group_by=[table.party, table.rule, table.date]))
            for party, rule, date, points in cursor:
                if isinstance(date, str):
                    date = dt.date.fromisoformat(date)
                earned[(party, rule, 'day', date)] += points
                earned[(party, rule, 'month', month_start(date))] += points
        return earned

    @classmethod
    def expirable_points(cls, cutoff, account_ids=None):
        """Return {account id: points} still unspent among those earned
        before cutoff, when every debit consumes the oldest points first"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        old = Case(((table.points > 0) & (table.date < cutoff),
                table.points), else_=Literal(0))
        spent = Case((table.points < 0, -table.points), else_=Literal(0))
        where = table.state == 'posted'
        result = {}
        slices = (grouped_slice(account_ids, MAX_QUERY_PARAMS)
            if account_ids is not None else [None])
        for sub_ids in slices:
            condition = where
            if sub_ids is not None:
                condition &= table.account.in_(list(sub_ids))
            cursor.execute(*table.select(
                    table.account, Sum(old) - Sum(spent),
                    where=condition, group_by=[table.account],
                    having=Sum(old) > Sum(spent)))
            result.update(cursor)
        return result

    # --- approval and correction ---------------------------------------
    @classmethod
    @ModelView.button
    def approve(cls, lines):
        "Post pending lines: they count in the balance from now on"
        Account = Pool().get('civic.points.account')
        lines = cls._pending(cls._lock_with_accounts(lines))
        cls._decide(lines, 'posted')
        Account.add_to_balances(cls.balance_deltas(lines))

    @classmethod
    @ModelView.button
    def refuse(cls, lines):
        cls._decide(cls._pending(cls._lock_with_accounts(lines)), 'refused')

    @classmethod
    def _lock_with_accounts(cls, lines):
        "Lock the lines' accounts, then the lines; return them as they are now"
        Account = Pool().get('civic.points.account')
        lock(Account, [l.account for l in lines])
        return lock(cls, lines)

    @classmethod
    def _pending(cls, lines):
        for line in lines:
            if line.state != 'pending':
                raise LedgerError(gettext(
                        'civic_points.msg_line_not_pending',
                        line=line.rec_name))
        return lines

    @classmethod
    def _decide(cls, lines, state):
        with without_check_access():
            cls.write(lines, {
                    'state': state,
                    'approved_by': Transaction().user,
                    })

    @classmethod
    @ModelView.button
    def reverse(cls, lines):
        "Reverse posted awards (the button: the reversing lines are listed)"
        cls.post_reversals(lines)

    @classmethod
    def post_reversals(cls, lines):
        """Post and return a reversing line for each posted award; the
        holder must still have the points"""
        today = Pool().get('ir.date').today()
        lines = cls._lock_with_accounts(lines)
        for line in lines:
            if line.state != 'posted' or line.kind != 'award':
                raise ReversalError(gettext(
                        'civic_points.msg_line_reverse_award_only',
                        line=line.rec_name))
            if line.reversed:
                raise ReversalError(gettext(
                        'civic_points.msg_line_reversed_twice'))
        return cls.post([{
                    'account': l.account.id,
                    'party': l.party.id,
                    'kind': 'reversal',
                    'rule': l.rule.id if l.rule else None,
                    'category': l.category,
                    'quantity': -l.quantity if l.quantity else None,
                    'points': -l.points,
                    'date': today,
                    'reversal_of': l.id,
                    'origin': str(l.origin) if l.origin else None,
                    'description': gettext(
                        'civic_points.msg_reversal_description',
                        line=l.rec_name),
                    } for l in lines])
