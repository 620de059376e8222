# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Service orders (居民点单、网格派单、党员接单): a resident orders a
service, the grid worker dispatches it to a Party member or volunteer of
the area, who takes it, does it and the resident rates it"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access

from civic_grid import clock
from civic_grid.locking import lock, waits_for_locks
from civic_grid.scope import ScopeMixin

from .exceptions import OrderError

OVERDUE_HOURS = 48
RATINGS = [
    (None, ""),
    ('1', "★"),
    ('2', "★★"),
    ('3', "★★★"),
    ('4', "★★★★"),
    ('5', "★★★★★"),
    ]


class Order(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Service Order"
    __name__ = 'civic.service.order'
    _scope_area = 'area'
    _scope_button_modes = {'take': 'read', 'do': 'read'}
    _states = {'readonly': Eval('state') != 'ordered'}
    resident = fields.Many2One(
        'party.party', "Resident", required=True, ondelete='RESTRICT',
        domain=[('household', '!=', None)], states=_states)
    resident_name = fields.Function(
        fields.Char("Resident"), 'get_resident_name')
    area = fields.Many2One(
        'civic.area', "Grid", required=True, ondelete='RESTRICT',
        states=_states)
    service = fields.Char("Service", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    ordered_at = fields.DateTime("Ordered at", readonly=True)
    assignee = fields.Many2One(
        'civic.volunteer', "Dispatched to", ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'ordered'},
        help="A Party member or volunteer who serves in the order's area.")
    dispatched_at = fields.DateTime("Dispatched at", readonly=True)
    dispatched_by = fields.Many2One(
        'res.user', "Dispatched by", readonly=True, ondelete='RESTRICT')
    taken_at = fields.DateTime("Taken at", readonly=True)
    done_at = fields.DateTime("Done at", readonly=True)
    result = fields.Text(
        "Result", states={'readonly': ~Eval('state').in_(['taken', 'done'])})
    rating = fields.Selection(
        RATINGS, "Rating", sort=False,
        states={
            'readonly': Eval('state') != 'done',
            'required': Eval('state') == 'closed',
            },
        help="The resident's rating, 1 to 5 stars.")
    overdue = fields.Function(
        fields.Boolean("Overdue",
            help=f"Not taken {OVERDUE_HOURS} hours after it was ordered."),
        'get_overdue', searcher='search_overdue')
    state = fields.Selection([
            ('ordered', "Ordered"),
            ('dispatched', "Dispatched"),
            ('taken', "Taken"),
            ('done', "Done"),
            ('closed', "Closed"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.area, Index.Equality())),
                Index(t, (t.assignee, Index.Equality())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    (t.ordered_at, Index.Range())),
                })
        cls._order = [('ordered_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('ordered', 'dispatched'),
            ('dispatched', 'taken'),
            ('taken', 'done'),
            ('done', 'closed'),
            ('ordered', 'cancelled'),
            ('dispatched', 'cancelled'),
            }
        cls._buttons.update({
                'dispatch': {
                    'invisible': Eval('state') != 'ordered',
                    'readonly': ~Bool(Eval('assignee')),
                    'depends': ['state', 'assignee'],
                    },
                'take': {
                    'invisible': Eval('state') != 'dispatched',
                    'depends': ['state'],
                    },
                'do': {
                    'invisible': Eval('state') != 'taken',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'done',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['ordered', 'dispatched']),
                    'depends': ['state'],
                    },
                })
        cls.__rpc__['take'] = waits_for_locks(instantiate=0)

    @classmethod
    def default_state(cls):
        return 'ordered'

    @classmethod
    def default_ordered_at(cls):
        return clock.now()

    @fields.depends('resident', 'area')
    def on_change_resident(self):
        if self.resident and self.resident.household and not self.area:
            self.area = self.resident.household.area

    @classmethod
    def get_resident_name(cls, orders, name):
        # the assignee sees whom to serve, not the resident's record
        with without_check_access():
            return {o.id: o.resident.rec_name
                for o in cls.browse([o.id for o in orders])}

    def get_overdue(self, name):
        return bool(self.state in {'ordered', 'dispatched'}
            and self.ordered_at
            and self.ordered_at < clock.now() - dt.timedelta(
                hours=OVERDUE_HOURS))

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause[:3]
        limit = clock.now() - dt.timedelta(hours=OVERDUE_HOURS)
        domain = [('state', 'in', ['ordered', 'dispatched']),
            ('ordered_at', '<', limit)]
        if (operator == '=') == bool(value):
            return domain
        return ['OR', ('state', 'not in', ['ordered', 'dispatched']),
            ('ordered_at', '>=', limit)]

    @classmethod
    def create(cls, vlist):
        now = clock.now()
        return super().create([{**v, 'ordered_at': now} for v in vlist])

    def serves_here(self, volunteer):
        "Whether volunteer serves in the community of the order's grid"
        community = self.community_path()
        path = volunteer.area.path or ''
        return path.startswith(community) or community.startswith(path)

    def community_path(self):
        "The path of the order's community (or of its area, if above)"
        Area = Pool().get('civic.area')
        ids = [int(i) for i in (self.area.path or '').split('/') if i]
        with without_check_access():
            for area in Area.browse(ids):
                if area.level and area.level.code == 'community':
                    return area.path
        return self.area.path

    @classmethod
    @ModelView.button
    def dispatch(cls, orders):
        "The grid worker dispatches it to someone serving in the area"
        for order in orders:
            if not order.assignee:
                raise OrderError(gettext(
                        'civic_volunteer.msg_order_no_assignee',
                        order=order.rec_name))
            with without_check_access():
                assignee = order.assignee.__class__(order.assignee.id)
                if not order.serves_here(assignee):
                    raise OrderError(gettext(
                            'civic_volunteer.msg_order_outside_area',
                            order=order.rec_name,
                            volunteer=assignee.rec_name))
        cls._dispatch(orders)

    @classmethod
    @Workflow.transition('dispatched')
    def _dispatch(cls, orders):
        cls.write(orders, {
                'dispatched_at': clock.now(),
                'dispatched_by': Transaction().user or None,
                })

    @classmethod
    @ModelView.button
    def take(cls, orders):
        """The assignee takes it (from their login, or the grid worker for
        them); a volunteer it was not dispatched to cannot"""
        Volunteer = Pool().get('civic.volunteer')
        orders = lock(cls, orders)
        own = Volunteer.of_user()
        for order in orders:
            if order.state != 'dispatched':
                raise OrderError(gettext(
                        'civic_volunteer.msg_order_taken',
                        order=order.rec_name))
            if own and order.assignee.id not in own:
                raise OrderError(gettext(
                        'civic_volunteer.msg_order_outside_area',
                        order=order.rec_name,
                        volunteer=Volunteer(min(own)).rec_name))
        cls._take(orders)

    @classmethod
    @Workflow.transition('taken')
    def _take(cls, orders):
        cls.write(orders, {'taken_at': clock.now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, orders):
        cls.write(orders, {'done_at': clock.now()})

    @classmethod
    @ModelView.button
    def close(cls, orders):
        "The resident's rating closes it"
        for order in orders:
            if not order.rating:
                raise OrderError(gettext(
                        'civic_volunteer.msg_order_rating',
                        order=order.rec_name))
        cls._close(orders)

    @classmethod
    @Workflow.transition('closed')
    def _close(cls, orders):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, orders):
        pass

    def get_rec_name(self, name):
        if self.ordered_at:
            return f'{self.service} ({self.ordered_at:%Y-%m-%d %H:%M})'
        return self.service
