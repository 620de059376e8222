# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Micro-wishes (微心愿): the grid worker posts a resident's small wish, a
volunteer or a member unit claims it, fulfils it with a photo, and the
resident confirms; the completion rate per area and month"""
from sql import Cast, Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from civic_grid import clock
from civic_grid.locking import lock, waits_for_locks
from civic_grid.rollup import month_columns, rolled_up
from civic_grid.scope import ScopeMixin

from .exceptions import WishError


class Wish(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Micro-wish"
    __name__ = 'civic.volunteer.wish'
    _scope_area = 'area'
    _states = {'readonly': Eval('state') != 'draft'}
    name = fields.Char("Wish", required=True, states=_states)
    beneficiary = fields.Many2One(
        'party.party', "For", required=True, ondelete='RESTRICT',
        domain=[('household', '!=', None)], states=_states,
        help="The resident whose wish it is.")
    area = fields.Many2One(
        'civic.area', "Grid", required=True, ondelete='RESTRICT',
        states=_states)
    due_date = fields.Date("Wanted by", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    posted_by = fields.Many2One(
        'res.user', "Posted by", readonly=True, ondelete='RESTRICT')
    published_on = fields.Date("Published on", readonly=True)
    claimed_volunteer = fields.Many2One(
        'civic.volunteer', "Claimed by Volunteer", ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'published'})
    claimed_unit = fields.Many2One(
        'party.party', "Claimed by Unit", ondelete='RESTRICT',
        domain=[('household', '=', None)],
        states={'readonly': Eval('state') != 'published'},
        help="A member unit or company that fulfils the wish.")
    claimed_on = fields.Date("Claimed on", readonly=True)
    photo = fields.Binary(
        "Photo", file_id='photo_id',
        states={'readonly': ~Eval('state').in_(['claimed'])})
    photo_id = fields.Char("Photo ID", readonly=True)
    fulfilled_on = fields.Date("Fulfilled on", readonly=True)
    confirmation = fields.Char(
        "Resident's Confirmation",
        states={'readonly': Eval('state') != 'fulfilled'},
        help="What the resident said on receiving it.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('published', "Published"),
            ('claimed', "Claimed"),
            ('fulfilled', "Fulfilled"),
            ('confirmed', "Confirmed"),
            ('withdrawn', "Withdrawn"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.area, Index.Equality())),
                Index(t, (t.published_on, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('due_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'claimed'),
            ('claimed', 'fulfilled'),
            ('fulfilled', 'confirmed'),
            ('draft', 'withdrawn'),
            ('published', 'withdrawn'),
            ('claimed', 'withdrawn'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'claim': {
                    'invisible': Eval('state') != 'published',
                    'readonly': ~Bool(Eval('claimed_volunteer'))
                    & ~Bool(Eval('claimed_unit')),
                    'depends': ['state', 'claimed_volunteer',
                        'claimed_unit'],
                    },
                'fulfil': {
                    'invisible': Eval('state') != 'claimed',
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'fulfilled',
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'published', 'claimed']),
                    'depends': ['state'],
                    },
                })
        cls.__rpc__['claim'] = waits_for_locks(instantiate=0)

    @classmethod
    def default_state(cls):
        return 'draft'

    @fields.depends('beneficiary', 'area')
    def on_change_beneficiary(self):
        if self.beneficiary and self.beneficiary.household and not self.area:
            self.area = self.beneficiary.household.area

    @property
    def claimant(self):
        return self.claimed_volunteer or self.claimed_unit

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, wishes):
        cls.write(wishes, {
                'published_on': clock.today(),
                'posted_by': Transaction().user or None,
                })

    @classmethod
    @ModelView.button
    def claim(cls, wishes):
        "Claimed by one volunteer or unit, never twice"
        wishes = lock(cls, wishes)
        for wish in wishes:
            if wish.state != 'published':
                raise WishError(gettext(
                        'civic_volunteer.msg_wish_claimed',
                        wish=wish.rec_name,
                        claimant=wish.claimant.rec_name
                        if wish.claimant else '-'))
            if bool(wish.claimed_volunteer) == bool(wish.claimed_unit):
                raise WishError(gettext(
                        'civic_volunteer.msg_wish_claimant',
                        wish=wish.rec_name))
        cls._claim(wishes)

    @classmethod
    @Workflow.transition('claimed')
    def _claim(cls, wishes):
        cls.write(wishes, {'claimed_on': clock.today()})

    @classmethod
    @ModelView.button
    def fulfil(cls, wishes):
        for wish in wishes:
            if not wish.photo_id and not wish.photo:
                raise WishError(gettext(
                        'civic_volunteer.msg_wish_photo', wish=wish.rec_name))
        cls._fulfil(wishes)

    @classmethod
    @Workflow.transition('fulfilled')
    def _fulfil(cls, wishes):
        cls.write(wishes, {'fulfilled_on': clock.today()})

    @classmethod
    @ModelView.button
    def confirm(cls, wishes):
        for wish in wishes:
            if not (wish.confirmation or '').strip():
                raise WishError(gettext(
                        'civic_volunteer.msg_wish_confirmation',
                        wish=wish.rec_name))
        cls._confirm(wishes)

    @classmethod
    @Workflow.transition('confirmed')
    def _confirm(cls, wishes):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('withdrawn')
    def withdraw(cls, wishes):
        pass


class WishStatistics(ScopeMixin, ModelSQL, ModelView):
    "Micro-wishes posted and fulfilled per area (at every level) and month"
    __string__ = "Micro-wish Statistics"
    __name__ = 'civic.volunteer.wish.statistics'
    _scope_area = 'area'
    area = fields.Many2One('civic.area', "Area")
    month = fields.Char("Month")
    posted = fields.Integer("Posted")
    fulfilled = fields.Integer(
        "Fulfilled", help="Fulfilled, confirmed by the resident or not.")
    withdrawn = fields.Integer("Withdrawn")
    rate = fields.Float(
        "Completion Rate (%)", digits=(3, 1),
        help="Fulfilled out of those posted and not withdrawn.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # oldest first: the months run from left to right on the graph
        cls._order = [('month', 'ASC'), ('area', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        Wish = Pool().get('civic.volunteer.wish')
        wish = Wish.__table__()
        # each wish counts in its grid and every area above it
        join, area = rolled_up(wish, wish.area)
        month, key = month_columns(wish.published_on)
        counted = join.select(area.id.as_('area'), month.as_('month'),
            key.as_('month_key'), wish.state.as_('state'),
            where=wish.published_on != Null)
        fulfilled = Sum(Case(
                (counted.state.in_(['fulfilled', 'confirmed']), 1), else_=0))
        withdrawn = Sum(Case((counted.state == 'withdrawn', 1), else_=0))
        posted = Count(Literal(1))
        live = posted - withdrawn
        rate = Case((live > 0,
                Cast(fulfilled, 'FLOAT') * 100 / Cast(live, 'FLOAT')),
            else_=Cast(Literal(None), 'FLOAT'))
        # one row per area and month: the id combines both
        return counted.select(
            (counted.area * 100000 + counted.month_key).as_('id'),
            counted.area.as_('area'),
            counted.month.as_('month'),
            posted.as_('posted'),
            fulfilled.as_('fulfilled'),
            withdrawn.as_('withdrawn'),
            rate.as_('rate'),
            group_by=[counted.area, counted.month, counted.month_key])
