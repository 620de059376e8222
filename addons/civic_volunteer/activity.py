# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Volunteer activities (志愿服务活动): sign-up within the capacity (then a
waiting list), check-in and check-out by the organiser, the hours confirmed
into a service record that earns the volunteer points"""
import datetime as dt
import io
import secrets
from decimal import ROUND_DOWN, Decimal

import segno
from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from civic_grid import clock
from civic_grid.locking import lock, waits_for_locks
from civic_grid.scope import ScopeMixin, is_id

from .exceptions import ActivityError

ACTIVITY_KINDS = [
    ('policy', "Policy Talk"),
    ('visit', "Home Visit"),
    ('cleaning', "Environment Cleaning"),
    ('vulnerable', "Helping the Vulnerable"),
    ('civilisation', "Civilisation Practice"),
    ('safety', "Safety Patrol"),
    ('culture', "Culture and Sports"),
    ('other', "Other"),
    ]
# the sign-ups that hold a place
HOLDING = ['registered', 'checked_in', 'checked_out', 'confirmed']
HALF_HOUR = Decimal('0.5')


def hours_between(start, end):
    "The hours from start to end, down to the half hour"
    seconds = Decimal((end - start).total_seconds())
    return ((seconds / 1800).to_integral_value(ROUND_DOWN) * HALF_HOUR)


class Activity(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Volunteer Activity"
    __name__ = 'civic.volunteer.activity'
    _scope_area = 'area'
    _scope_button_modes = {'sign_up': 'read'}
    _states = {'readonly': Eval('state') != 'draft'}
    name = fields.Char("Title", required=True, states=_states)
    kind = fields.Selection(
        ACTIVITY_KINDS, "Kind", required=True, sort=False, states=_states)
    team = fields.Many2One(
        'civic.volunteer.team', "Organising Team", required=True,
        ondelete='RESTRICT', states=_states)
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT',
        states=_states)
    place = fields.Char("Place", required=True, states=_states)
    start = fields.DateTime("Start", required=True, states=_states)
    end = fields.DateTime(
        "End", required=True, states=_states)
    capacity = fields.Integer(
        "Capacity", required=True, states=_states,
        domain=[('capacity', '>', 0)],
        help="The places; later sign-ups go to the waiting list.")
    organiser = fields.Many2One(
        'res.user', "Organiser", required=True, ondelete='RESTRICT',
        states=_states)
    content = fields.Text("Content", states=_states)
    qr_token = fields.Char("QR Token", readonly=True, strip=False)
    qr_code = fields.Function(
        fields.Binary("QR Code",
            help="Volunteers scan it with their phone to check in and out."),
        'get_qr_code')
    signups = fields.One2Many(
        'civic.volunteer.signup', 'activity', "Sign-ups", readonly=True)
    places_taken = fields.Function(
        fields.Integer("Places Taken"), 'get_counts')
    waiting = fields.Function(fields.Integer("Waiting"), 'get_counts')
    state = fields.Selection([
            ('draft', "Draft"),
            ('published', "Published"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.area, Index.Equality())),
                Index(t, (t.start, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('start', 'DESC'), ('id', 'DESC')]
        cls._sql_constraints = [
            ('qr_token_unique', Unique(t, t.qr_token),
                'civic_volunteer.msg_activity_qr_token_unique'),
            ]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'done'),
            ('draft', 'cancelled'),
            ('published', 'cancelled'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'finish': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'published']),
                    'depends': ['state'],
                    },
                'sign_up': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state'],
                    },
                })
        for name in ['sign_up', 'cancel']:
            cls.__rpc__[name] = waits_for_locks(instantiate=0)

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'civilisation'

    @classmethod
    def default_organiser(cls):
        return Transaction().user or None

    @classmethod
    def default_capacity(cls):
        return 20

    @classmethod
    def create(cls, vlist):
        return super().create([{**v, 'qr_token': secrets.token_urlsafe(16)}
                for v in vlist])

    @classmethod
    def copy(cls, activities, default=None):
        default = dict(default or {})
        default.setdefault('signups', None)
        return super().copy(activities, default=default)

    def get_qr_code(self, name):
        "The path the phone posts to, as a PNG QR code"
        if not self.qr_token:
            return None
        path = (f'/{Transaction().database.name}/civic/volunteer/scan/'
            f'{self.qr_token}')
        output = io.BytesIO()
        segno.make(path, error='m').save(output, kind='png', scale=6)
        return output.getvalue()

    @classmethod
    def scan(cls, token):
        """The user's volunteer scanned the activity's QR code: checked in,
        or out if in already"""
        pool = Pool()
        Volunteer = pool.get('civic.volunteer')
        Signup = pool.get('civic.volunteer.signup')
        own = Volunteer.of_user()
        with without_check_access():
            signups = Signup.search([
                    ('activity.qr_token', '=', token),
                    ('volunteer', 'in', list(own)),
                    ]) if isinstance(token, str) and own else []
            if not signups:
                raise ActivityError(gettext(
                        'civic_volunteer.msg_scan_no_signup'))
            signup, = signups
            if signup.state == 'checked_in':
                Signup.do_check_out([signup])
            else:
                Signup.do_check_in([signup])
            signup = Signup(signup.id)
            return {
                'activity': signup.activity.name,
                'state': signup.state,
                'check_in': signup.check_in.isoformat(),
                'check_out': (signup.check_out.isoformat()
                    if signup.check_out else None),
                'hours': float(signup.hours) if signup.hours else None,
                }

    @fields.depends('team', 'area', '_parent_team.area')
    def on_change_team(self):
        if self.team and not self.area:
            self.area = self.team.area

    @property
    def length(self):
        "The activity's length in hours"
        return hours_between(self.start, self.end)

    @classmethod
    def get_counts(cls, activities, names):
        Signup = Pool().get('civic.volunteer.signup')
        result = {n: {a.id: 0 for a in activities} for n in names}
        with without_check_access():
            signups = Signup.search([
                    ('activity', 'in', [a.id for a in activities]),
                    ('state', 'in', HOLDING + ['waiting']),
                    ], order=[])
        for signup in signups:
            name = 'waiting' if signup.state == 'waiting' else 'places_taken'
            if name in result:
                result[name][signup.activity.id] += 1
        return result

    @classmethod
    def validate_fields(cls, activities, field_names):
        super().validate_fields(activities, field_names)
        for activity in activities:
            if activity.end <= activity.start:
                raise ActivityError(gettext(
                        'civic_volunteer.msg_activity_end_before_start',
                        activity=activity.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, activities):
        pass

    @classmethod
    @ModelView.button
    def finish(cls, activities):
        "Over: the sign-ups never checked in stay as they were"
        for activity in activities:
            if activity.state == 'published' and clock.now() < activity.end:
                raise ActivityError(gettext(
                        'civic_volunteer.msg_activity_not_over',
                        activity=activity.rec_name))
        cls._finish(activities)

    @classmethod
    @Workflow.transition('done')
    def _finish(cls, activities):
        pass

    @classmethod
    @ModelView.button
    def cancel(cls, activities):
        "Called off: its sign-ups are cancelled"
        Signup = Pool().get('civic.volunteer.signup')
        activities = lock(cls, activities)
        if any(s.state not in {'registered', 'waiting', 'cancelled'}
                for a in activities for s in a.signups):
            raise ActivityError(gettext(
                    'civic_volunteer.msg_activity_cancel_started'))
        cls._cancel(activities)
        with without_check_access():
            Signup._cancel([s for a in activities for s in a.signups])

    @classmethod
    @Workflow.transition('cancelled')
    def _cancel(cls, activities):
        pass

    @classmethod
    @ModelView.button
    def sign_up(cls, activities):
        "The volunteer of the user signs up (a place or the waiting list)"
        pool = Pool()
        Volunteer = pool.get('civic.volunteer')
        Signup = pool.get('civic.volunteer.signup')
        volunteers = Volunteer.of_user()
        if not volunteers:
            raise ActivityError(gettext('civic_volunteer.msg_not_volunteer'))
        volunteer, = volunteers
        with without_check_access():
            Signup.create([{'activity': a.id, 'volunteer': volunteer}
                    for a in activities])


class Signup(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Activity Sign-up"
    __name__ = 'civic.volunteer.signup'
    _scope_area = 'activity.area'
    activity = fields.Many2One(
        'civic.volunteer.activity', "Activity", required=True,
        ondelete='CASCADE', states={'readonly': Eval('id', -1) >= 0})
    volunteer = fields.Many2One(
        'civic.volunteer', "Volunteer", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('id', -1) >= 0})
    signed_up_at = fields.DateTime("Signed up at", readonly=True)
    check_in = fields.DateTime("Check-in", readonly=True)
    check_out = fields.DateTime("Check-out", readonly=True)
    hours = fields.Numeric(
        "Hours", digits=(16, 1),
        states={'readonly': Eval('state') != 'checked_out'},
        help="From the check-in and check-out, down to the half hour; the "
        "organiser may correct them before confirming.")
    record = fields.Many2One(
        'civic.volunteer.record', "Service Record", readonly=True)
    state = fields.Selection([
            ('waiting', "Waiting List"),
            ('registered', "Registered"),
            ('checked_in', "Checked in"),
            ('checked_out', "Checked out"),
            ('confirmed', "Confirmed"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('activity_volunteer_unique', Unique(t, t.activity, t.volunteer),
                'civic_volunteer.msg_signup_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.activity, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.volunteer, Index.Equality())),
                })
        cls._order = [('activity', 'DESC'), ('id', 'ASC')]
        cls._transitions |= {
            ('registered', 'waiting'),
            ('waiting', 'registered'),
            ('registered', 'checked_in'),
            ('checked_in', 'checked_out'),
            ('checked_out', 'confirmed'),
            ('waiting', 'cancelled'),
            ('registered', 'cancelled'),
            }
        cls._buttons.update({
                # shown a step early: a click out of turn says why
                'do_check_in': {
                    'invisible': ~Eval('state').in_(
                        ['waiting', 'registered']),
                    'depends': ['state'],
                    },
                'do_check_out': {
                    'invisible': ~Eval('state').in_(
                        ['registered', 'checked_in']),
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'checked_out',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['waiting', 'registered']),
                    'depends': ['state'],
                    },
                })
        # they lock the activity (its places) or the sign-up (points)
        cls.__rpc__['create'] = waits_for_locks(cls.__rpc__['create'])
        for name in ['cancel', 'confirm']:
            cls.__rpc__[name] = waits_for_locks(instantiate=0)

    @classmethod
    def default_state(cls):
        return 'registered'

    def get_rec_name(self, name):
        return f'{self.volunteer.rec_name} @ {self.activity.rec_name}'

    @classmethod
    def create(cls, vlist):
        """Place each sign-up under its activity's lock: registered while
        places are left, on the waiting list after"""
        Activity = Pool().get('civic.volunteer.activity')
        now = clock.now()
        vlist = [{**v, 'signed_up_at': now} for v in vlist]
        activities = lock(Activity, Activity.browse({v['activity']
                    for v in vlist if is_id(v.get('activity'))}))
        taken = cls._places_taken(activities)
        # created first: the user may point at these activities
        signups = super().create(vlist)
        capacity = {}
        for activity in activities:
            if activity.state != 'published':
                raise ActivityError(gettext(
                        'civic_volunteer.msg_signup_not_published',
                        activity=activity.rec_name))
            capacity[activity.id] = activity.capacity
        waiting = []
        for signup in signups:
            activity = signup.activity.id
            if taken[activity] < capacity[activity]:
                taken[activity] += 1
            else:
                waiting.append(signup)
        with without_check_access():
            cls._wait(waiting)
        return signups

    @classmethod
    @Workflow.transition('waiting')
    def _wait(cls, signups):
        "No place is left: on the waiting list"
        pass

    @classmethod
    def _places_taken(cls, activities):
        signups = cls.__table__()
        cursor = Transaction().connection.cursor()
        taken = {a.id: 0 for a in activities}
        if not taken:
            return taken
        cursor.execute(*signups.select(signups.activity, Count(signups.id),
                where=signups.activity.in_(list(taken))
                & signups.state.in_(HOLDING),
                group_by=[signups.activity]))
        taken.update(dict(cursor))
        return taken

    @classmethod
    def _promote_waiting(cls, activities):
        "Give the places freed to the waiting list, first come first served"
        activities = [a for a in activities if a.state == 'published']
        taken = cls._places_taken(activities)
        promoted = []
        for activity in activities:
            free = activity.capacity - taken[activity.id]
            if free > 0:
                promoted += cls.search([
                        ('activity', '=', activity.id),
                        ('state', '=', 'waiting'),
                        ], order=[('signed_up_at', 'ASC'), ('id', 'ASC')],
                    limit=free)
        if promoted:
            cls.promote(promoted)

    @classmethod
    @Workflow.transition('registered')
    def promote(cls, signups):
        pass

    @classmethod
    def refuse_unless(cls, signups, state, message):
        """Refuse signups not in state with message (the transitions would
        silently skip them)"""
        for signup in signups:
            if signup.state != state:
                raise ActivityError(gettext(
                        f'civic_volunteer.{message}', signup=signup.rec_name))

    @classmethod
    @ModelView.button
    def cancel(cls, signups):
        "Cancelled: the first on the waiting list takes the place"
        Activity = Pool().get('civic.volunteer.activity')
        activities = lock(Activity, {s.activity for s in signups})
        signups = cls.browse(signups)
        for signup in signups:
            if signup.state not in {'waiting', 'registered'}:
                raise ActivityError(gettext(
                        'civic_volunteer.msg_signup_cancel_started',
                        signup=signup.rec_name))
        cls._cancel(signups)
        cls._promote_waiting(activities)

    @classmethod
    @Workflow.transition('cancelled')
    def _cancel(cls, signups):
        pass

    @classmethod
    @ModelView.button
    def do_check_in(cls, signups):
        now = clock.now()
        cls.refuse_unless(signups, 'registered', 'msg_check_in_state')
        for signup in signups:
            activity = signup.activity
            if (activity.state != 'published'
                    or now < activity.start - dt.timedelta(hours=1)
                    or now > activity.end):
                raise ActivityError(gettext(
                        'civic_volunteer.msg_check_in_time',
                        activity=activity.rec_name))
        cls._check_in(signups, now)

    @classmethod
    @Workflow.transition('checked_in')
    def _check_in(cls, signups, now):
        cls.write(signups, {'check_in': now})

    @classmethod
    @ModelView.button
    def do_check_out(cls, signups):
        cls.refuse_unless(
            signups, 'checked_in', 'msg_check_out_before_check_in')
        cls._check_out(signups, clock.now())

    @classmethod
    @Workflow.transition('checked_out')
    def _check_out(cls, signups, now):
        for signup in signups:
            # no more than the activity itself lasted
            hours = min(hours_between(signup.check_in, now),
                signup.activity.length)
            cls.write([signup], {'check_out': now, 'hours': hours})

    @classmethod
    @ModelView.button
    def confirm(cls, signups):
        "The organiser confirms the hours: a service record and points"
        signups = lock(cls, signups)
        cls.refuse_unless(signups, 'checked_out', 'msg_confirm_state')
        cls._confirm(signups)

    @classmethod
    @Workflow.transition('confirmed')
    def _confirm(cls, signups):
        Record = Pool().get('civic.volunteer.record')
        records = Record.add([{
                    'volunteer': s.volunteer.id,
                    'activity': s.activity.id,
                    'origin': str(s),
                    'organisation': s.activity.team.rec_name,
                    'date': s.check_in.date(),
                    'place': s.activity.place,
                    'content': s.activity.name,
                    'hours': s.hours,
                    'area': s.activity.area.id,
                    } for s in signups])
        for signup, record in zip(signups, records):
            cls.write([signup], {'record': record.id})

    @classmethod
    def validate_fields(cls, signups, field_names):
        super().validate_fields(signups, field_names)
        if 'hours' not in field_names:
            return
        for signup in signups:
            if signup.hours is None:
                continue
            if signup.hours < 0 or signup.hours > signup.activity.length:
                raise ActivityError(gettext(
                        'civic_volunteer.msg_hours_over_length',
                        signup=signup.rec_name, hours=signup.hours,
                        length=signup.activity.length))
