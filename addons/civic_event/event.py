# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
import datetime as dt
import math
from collections import defaultdict
from functools import wraps

from sql import Column, Null

from trytond.backend import MAX_QUERY_PARAMS
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.rpc import RPC
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, check_access, without_check_access
from trytond.wizard import Button, StateTransition, StateView

from civic_grid import clock
from civic_grid.area import path_ids
from civic_grid.locking import lock, waits_for_locks
from civic_grid.scope import (
    ScopedWizard, ScopeMixin, check_state_written, checks_references, is_id)
from civic_grid.sensitive import MASKED_STATES, SensitiveMixin

from .category import LEVELS, next_level
from .exceptions import EventError, HandlerError, WorkflowError

DESCRIPTION_MAX = 4000
SOURCES = [
    ('patrol', "Grid-Worker Patrol"),
    ('resident', "Resident Report"),
    ('rider', "Rider Report"),
    ('hotline', "12345 Hotline"),
    ('visit', "Visit Finding"),
    ('property', "Property Complaint"),
    ('app', "Resident App"),
    ('other', "Other"),
    ]
COMPLAINT_SOURCES = {'hotline', 'property'}
STATES = [
    ('reported', "Reported"),
    ('accepted', "Accepted"),
    ('in_progress', "In Progress"),
    ('resolved', "Resolved"),
    ('feedback', "Feedback Given"),
    ('closed', "Closed"),
    ('rejected', "Rejected"),
    ('duplicate', "Duplicate"),
    ]
OPEN_STATES = ['reported', 'accepted', 'in_progress']
PRIORITIES = [
    ('low', "Low"),
    ('normal', "Normal"),
    ('high', "High"),
    ('urgent', "Urgent"),
    ]
SATISFACTIONS = [
    (None, ""),
    ('1', "1 - Very Unsatisfied"),
    ('2', "2 - Unsatisfied"),
    ('3', "3 - Neutral"),
    ('4', "4 - Satisfied"),
    ('5', "5 - Very Satisfied"),
    ]
# The area of the event that handles it at each level
LEVEL_AREA = {
    'grid': 'area',
    'community': 'community',
    'street': 'street',
    'district': 'county',
    }
# The group whose members handle each level (the district: the
# administrators)
LEVEL_GROUPS = {
    'grid': 'group_civic_grid_worker',
    'community': 'group_civic_community',
    'street': 'group_civic_street',
    'district': 'group_civic_admin',
    }
ACTIONS = [
    ('report', "Reported"),
    ('accept', "Accepted"),
    ('start', "Handling Started"),
    ('resolve', "Resolved"),
    ('reject', "Rejected"),
    ('escalate', "Escalated"),
    ('auto_escalate', "Escalated (Time Limit Passed)"),
    ('duplicate', "Marked as Duplicate"),
    ('merge', "Duplicate Merged In"),
    ('feedback', "Feedback Recorded"),
    ('reopen', "Reopened"),
    ('close', "Closed"),
    ('award', "Points Awarded"),
    ]
EARTH_RADIUS = 6371000  # metres
# What users may change: the report until it is accepted, the handling
# while the event is open; the rest is written by the steps
REPORT_FIELDS = {'reported_at', 'source', 'reporter', 'reporter_name',
    'reporter_phone', 'reporter_email', 'anonymous', 'description', 'area',
    'address', 'latitude', 'longitude'}
HANDLING_FIELDS = {'category', 'priority', 'complaint', 'media_url',
    'duplicate_of', 'resolution', 'rejection_reason'}
# A report clock may run a little ahead of the server's
FUTURE_MARGIN = dt.timedelta(minutes=10)


def _now():
    return clock.now()


def is_complaint(source):
    "Whether reports of source count as complaints by default"
    return isinstance(source, str) and source in COMPLAINT_SOURCES


def _deadline(start, hours):
    if hours is None:
        return None
    return start + dt.timedelta(hours=float(hours))


def reporter_step(*states):
    """The steps that follow the reporter's answer (feedback, reopening,
    closing): anyone who may read the event takes them, on events in
    states, outside the level's write rules"""
    def decorator(func):
        @wraps(func)
        def wrapper(cls, events, *args, **kwargs):
            cls.check_in_scope(events)
            cls._in_state(events, *states)
            with without_check_access():
                return func(cls, events, *args, **kwargs)
        return wrapper
    return decorator


class Event(SensitiveMixin, ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Grid Event"
    __name__ = 'civic.event'
    _scope_area = 'area'
    # The reporter's feedback, and what follows it, is taken by anyone who
    # may read the event; the other steps by its level's handlers
    _scope_button_modes = {
        'feedback': 'read', 'reopen': 'read', 'close': 'read'}
    _rec_name = 'number'
    _report_fields = REPORT_FIELDS
    _handling_fields = HANDLING_FIELDS
    _open = ~Eval('state').in_(OPEN_STATES)
    _reported_only = Eval('state') != 'reported'

    number = fields.Char("Number", readonly=True)
    reported_at = fields.DateTime(
        "Reported at", required=True, states={'readonly': _reported_only})
    source = fields.Selection(
        SOURCES, "Source", required=True, sort=False,
        states={'readonly': _reported_only})
    complaint = fields.Boolean(
        "Complaint", states={'readonly': _open},
        help="Counts in the complaint figures (12345 hotline and property "
        "complaints by default).")
    reporter = fields.Many2One(
        'party.party', "Reporter", ondelete='RESTRICT',
        states={'readonly': _reported_only | Bool(Eval('anonymous'))})
    reporter_name = fields.Char(
        "Reporter Name", states={
            'readonly': _reported_only | Bool(Eval('anonymous'))})
    reporter_phone = fields.Function(fields.Char(
            "Reporter Phone", states={
                'readonly': (_reported_only | Bool(Eval('anonymous'))
                    | MASKED_STATES['readonly']),
                }),
        'get_sensitive', setter='set_sensitive', searcher='search_sensitive')
    reporter_email = fields.Function(fields.Char(
            "Reporter Email", states={
                'readonly': (_reported_only | Bool(Eval('anonymous'))
                    | MASKED_STATES['readonly']),
                }),
        'get_sensitive', setter='set_sensitive', searcher='search_sensitive')
    anonymous = fields.Boolean(
        "Anonymous", states={'readonly': _reported_only})
    category = fields.Many2One(
        'civic.event.category', "Category", required=True,
        ondelete='RESTRICT', states={'readonly': _open})
    description = fields.Text(
        "Description", required=True,
        states={'readonly': _reported_only})
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT',
        states={'readonly': _reported_only},
        help="The grid (or community, street) where the event happened.")
    community = fields.Many2One(
        'civic.area', "Community", readonly=True, ondelete='RESTRICT')
    street = fields.Many2One(
        'civic.area', "Street", readonly=True, ondelete='RESTRICT')
    county = fields.Many2One(
        'civic.area', "District", readonly=True, ondelete='RESTRICT')
    address = fields.Char("Address", states={'readonly': _reported_only})
    latitude = fields.Float(
        "Latitude", digits=(9, 6), states={'readonly': _reported_only})
    longitude = fields.Float(
        "Longitude", digits=(9, 6), states={'readonly': _reported_only})
    media_url = fields.Char("Photo URL", states={'readonly': _open})
    priority = fields.Selection(
        PRIORITIES, "Priority", required=True, sort=False,
        states={'readonly': _open})
    api_client = fields.Many2One(
        'civic.event.api.client', "API Client", readonly=True,
        ondelete='RESTRICT')
    device_id = fields.Char("Device", readonly=True)
    account_id = fields.Char("App Account", readonly=True)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    level = fields.Selection(
        LEVELS, "Level", required=True, readonly=True, sort=False)
    handling_area = fields.Many2One(
        'civic.area', "Handled by", readonly=True, ondelete='RESTRICT',
        help="The grid, community, street or district handling the event "
        "at its level.")
    level_started = fields.DateTime("At This Level Since", readonly=True)
    accept_deadline = fields.DateTime("Accept by", readonly=True)
    resolve_deadline = fields.DateTime("Resolve by", readonly=True)
    accepted_at = fields.DateTime("Accepted at", readonly=True)
    accepted_by = fields.Many2One(
        'res.user', "Accepted by", readonly=True, ondelete='RESTRICT')
    resolved_at = fields.DateTime("Resolved at", readonly=True)
    resolved_by = fields.Many2One(
        'res.user', "Resolved by", readonly=True, ondelete='RESTRICT')
    closed_at = fields.DateTime("Closed at", readonly=True)
    closed_by = fields.Many2One(
        'res.user', "Closed by", readonly=True, ondelete='RESTRICT')
    resolution = fields.Text(
        "Resolution", states={
            'readonly': ~Eval('state').in_(['accepted', 'in_progress']),
            })
    rejection_reason = fields.Text(
        "Rejection Reason", states={
            'readonly': _reported_only,
            'invisible': ~Eval('state').in_(['reported', 'rejected']),
            })
    on_time = fields.Boolean(
        "On Time", readonly=True,
        help="Resolved before the time limit of the level that resolved it.")
    timed_out = fields.Boolean(
        "Time Limit Passed", readonly=True,
        help="A time limit passed and the event was escalated for it.")
    satisfaction = fields.Integer("Satisfaction", readonly=True)
    feedback_comment = fields.Text("Feedback", readonly=True)
    feedback_at = fields.DateTime("Feedback at", readonly=True)
    feedback_by = fields.Many2One(
        'res.user', "Feedback Recorded by", readonly=True,
        ondelete='RESTRICT')
    reopened = fields.Boolean(
        "Reopened", readonly=True,
        help="An unsatisfied event can be reopened once.")
    duplicate_of = fields.Many2One(
        'civic.event', "Duplicate of", ondelete='RESTRICT',
        domain=[('id', '!=', Eval('id', -1)),
            ('state', '!=', 'duplicate')],
        states={'readonly': _open})
    duplicates = fields.One2Many(
        'civic.event', 'duplicate_of', "Duplicates", readonly=True)
    possible_duplicates = fields.Function(fields.Many2Many(
            'civic.event', None, None, "Possible Duplicates",
            help="Reports of the same category near the same place in the "
            "same days."), 'get_possible_duplicates')
    points_line = fields.Many2One(
        'civic.points.line', "Points Award", readonly=True,
        ondelete='RESTRICT')
    history = fields.One2Many(
        'civic.event.history', 'event', "History", readonly=True,
        order=[('date', 'ASC'), ('id', 'ASC')])
    to_handle = fields.Function(fields.Boolean(
            "At My Level",
            help="The event is at the user's level, in the user's areas."),
        'get_to_handle', searcher='search_to_handle')

    _sensitive_masks = {
        'reporter_phone': (3, 4),
        'reporter_email': (2, 0),
        }
    _sensitive_kinds = {'reporter_phone': 'phone', 'reporter_email': 'email'}

    del _open, _reported_only
    source_string = source.translated('source')
    state_string = state.translated('state')
    level_string = level.translated('level')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.number, Index.Equality())),
                Index(t, (t.area, Index.Range()),
                    (t.reported_at, Index.Range())),
                Index(t, (t.reported_at, Index.Range())),
                Index(t, (t.state, Index.Equality()),
                    (t.accept_deadline, Index.Range()),
                    where=t.state.in_(list(OPEN_STATES))),
                Index(t, (t.state, Index.Equality()),
                    (t.resolve_deadline, Index.Range()),
                    where=t.state.in_(list(OPEN_STATES))),
                Index(t, (t.category, Index.Range()),
                    (t.reported_at, Index.Range())),
                Index(t, (t.duplicate_of, Index.Range()),
                    where=t.duplicate_of != Null),
                })
        cls._order = [('reported_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('reported', 'accepted'),
            ('reported', 'rejected'),
            ('accepted', 'in_progress'),
            ('accepted', 'resolved'),
            ('in_progress', 'resolved'),
            ('resolved', 'feedback'),
            ('resolved', 'closed'),
            ('feedback', 'closed'),
            ('feedback', 'in_progress'),
            ('reported', 'duplicate'),
            ('accepted', 'duplicate'),
            ('in_progress', 'duplicate'),
            # escalation: back to reported for the next level's handlers
            ('reported', 'reported'),
            ('accepted', 'reported'),
            ('in_progress', 'reported'),
            }
        cls._buttons.update({
                'accept': {
                    'invisible': Eval('state') != 'reported',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'reported',
                    'depends': ['state'],
                    },
                'start': {
                    'invisible': Eval('state') != 'accepted',
                    'depends': ['state'],
                    },
                'resolve': {
                    'invisible': ~Eval('state').in_(
                        ['accepted', 'in_progress']),
                    'depends': ['state'],
                    },
                'escalate': {
                    'invisible': (~Eval('state').in_(OPEN_STATES)
                        | (Eval('level') == 'district')),
                    'depends': ['state', 'level'],
                    },
                'mark_duplicate': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'readonly': ~Eval('duplicate_of'),
                    'depends': ['state', 'duplicate_of'],
                    },
                'feedback': {
                    'invisible': Eval('state') != 'resolved',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': ((Eval('state') != 'feedback')
                        | Eval('reopened', False)),
                    'depends': ['state', 'reopened'],
                    },
                'close': {
                    'invisible': ~Eval('state').in_(['resolved', 'feedback']),
                    'depends': ['state'],
                    },
                })
        cls.__rpc__.update({
                'escalate_overdue': RPC(readonly=False),
                'accept': waits_for_locks(instantiate=0),
                })

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        plain = [n for n in cls._sensitive_masks if table_h.column_exist(n)]
        super().__register__(module)
        # the reporter's contacts were plain columns until 8.0.1
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for name in plain:
            cursor.execute(*table.update(
                    [Column(table, name + '_full')], [Column(table, name)]))
            table_h.drop_column(name)

    @classmethod
    def default_reported_at(cls):
        return _now()

    @classmethod
    def default_source(cls):
        return 'patrol'

    @classmethod
    def default_priority(cls):
        return 'normal'

    @classmethod
    def default_state(cls):
        return 'reported'

    @classmethod
    def default_level(cls):
        return 'grid'

    @classmethod
    def default_anonymous(cls):
        return False

    @classmethod
    def default_complaint(cls):
        return False

    @classmethod
    def default_reopened(cls):
        return False

    @classmethod
    def default_timed_out(cls):
        return False

    @fields.depends('source')
    def on_change_source(self):
        self.complaint = self.source in COMPLAINT_SOURCES

    @fields.depends('anonymous')
    def on_change_anonymous(self):
        if self.anonymous:
            self.reporter = None
            self.reporter_name = None
            self.reporter_phone = None
            self.reporter_email = None

    @fields.depends('reporter')
    def on_change_reporter(self):
        if self.reporter:
            self.reporter_name = self.reporter.name

    # --- creation -------------------------------------------------------
    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Configuration = pool.get('civic.event.configuration')
        Area = pool.get('civic.area')
        config = Configuration(1)
        vlist = [v.copy() for v in vlist]
        ancestors = Area.ancestors_by_level(
            [v['area'] for v in vlist if v.get('area')])
        with without_check_access():
            sequence = config.event_sequence
        for values in vlist:
            if checks_references():
                check_state_written(cls, values, create=True)
            values['state'] = 'reported'
            values.setdefault('reported_at', _now())
            if 'complaint' not in values:
                values['complaint'] = is_complaint(values.get('source'))
            if values.get('anonymous'):
                for name in ['reporter', 'reporter_name', 'reporter_phone',
                        'reporter_email']:
                    values[name] = None
            values.update(cls._area_values(values.get('area'), ancestors))
            if not values.get('number'):
                with without_check_access():
                    values['number'] = sequence.get()
        events = super().create(vlist)
        cls._start_level(events, start=None)
        cls.record_history(events, 'report', date=lambda e: e.reported_at)
        return events

    @classmethod
    def _area_values(cls, area_id, ancestors):
        if not is_id(area_id):
            area_id = None
        found = ancestors.get(area_id, {}) if area_id else {}
        values = {
            'community': found.get('community'),
            'street': found.get('street'),
            'county': found.get('county'),
            }
        # An event reported on a community or a street starts at that level
        level = 'grid'
        if area_id and area_id == found.get('county'):
            level = 'district'
        elif area_id and area_id == found.get('street'):
            level = 'street'
        elif area_id and area_id == found.get('community'):
            level = 'community'
        values['level'] = level
        return values

    @classmethod
    def _start_level(cls, events, start=None):
        """Set the handling area and deadlines of events at their current
        level, from start (their report time when None)"""
        to_write = []
        for event in events:
            begin = start or event.reported_at
            accept, resolve = event.category.limit(event.level)
            to_write.extend([[event], {
                        'handling_area': getattr(
                            event, LEVEL_AREA[event.level]) or event.area,
                        'level_started': begin,
                        'accept_deadline': _deadline(begin, accept),
                        'resolve_deadline': _deadline(begin, resolve),
                        }])
        if to_write:
            with without_check_access():
                super().write(*to_write)

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Area = pool.get('civic.area')
        actions = iter(args)
        args = []
        moved = []
        for events, values in zip(actions, actions):
            if 'state' in values:
                cls.check_transition(events, values['state'])
            if 'area' in values:
                values = values.copy()
                ancestors = Area.ancestors_by_level([values['area']])
                values.update(cls._area_values(values['area'], ancestors))
                moved.extend(events)
            if 'source' in values and 'complaint' not in values:
                values = values.copy()
                values['complaint'] = is_complaint(values['source'])
            args.extend((events, values))
        super().write(*args)
        if moved:
            cls._start_level(cls.browse(moved), start=_now())

    @classmethod
    def check_transition(cls, events, state):
        "Refuse a change of state that is not a declared transition"
        labels = dict(cls.fields_get(['state'])['state']['selection'])
        declared = isinstance(state, str)
        for event in events:
            if event.state == state:
                continue
            if not declared or (event.state, state) not in cls._transitions:
                raise WorkflowError(gettext(
                        'civic_event.msg_event_transition',
                        event=event.rec_name, state=event.state_string,
                        target=labels.get(state, state) if declared
                        else str(state)))

    @classmethod
    def validate_fields(cls, events, field_names):
        super().validate_fields(events, field_names)
        if field_names & {'description'}:
            cls.check_description(events)
        if field_names & {'reported_at'}:
            cls.check_reported_at(events)
        if field_names & {'latitude', 'longitude'}:
            cls.check_position(events)
        if field_names & {'anonymous', 'reporter', 'reporter_name',
                'reporter_phone', 'reporter_email', 'category'}:
            cls.check_anonymous(events)
        if field_names & {'duplicate_of'}:
            cls.check_duplicate_of(events)

    @classmethod
    def check_reported_at(cls, events):
        latest = _now() + FUTURE_MARGIN
        for event in events:
            if event.reported_at and event.reported_at > latest:
                raise EventError(gettext(
                        'civic_event.msg_reported_in_future',
                        date=event.reported_at))

    @classmethod
    def check_description(cls, events):
        for event in events:
            text = (event.description or '').strip()
            if not text:
                raise EventError(gettext(
                        'civic_event.msg_description_empty'))
            if len(event.description) > DESCRIPTION_MAX:
                raise EventError(gettext(
                        'civic_event.msg_description_too_long',
                        length=len(event.description), max=DESCRIPTION_MAX))

    @classmethod
    def check_position(cls, events):
        for event in events:
            if (event.latitude is None) != (event.longitude is None):
                raise EventError(gettext(
                        'civic_event.msg_position_incomplete'))
            if event.latitude is None:
                continue
            if not (-90 <= event.latitude <= 90
                    and -180 <= event.longitude <= 180):
                raise EventError(gettext(
                        'civic_event.msg_position_out_of_range',
                        latitude=event.latitude, longitude=event.longitude))

    @classmethod
    def check_anonymous(cls, events):
        for event in events:
            named = (event.reporter or event.reporter_name
                or event.reporter_phone or event.reporter_email)
            if ((event.anonymous or not named)
                    and not event.category.anonymous):
                raise EventError(gettext(
                        'civic_event.msg_anonymous_not_allowed',
                        category=event.category.rec_name))

    @classmethod
    def check_duplicate_of(cls, events):
        for event in events:
            master = event.duplicate_of
            if not master:
                continue
            if master == event or master.duplicate_of:
                raise EventError(gettext(
                        'civic_event.msg_duplicate_of_duplicate',
                        event=event.rec_name, master=master.rec_name))

    @classmethod
    def check_modification(cls, mode, events, values=None, external=False):
        super().check_modification(
            mode, events, values=values, external=external)
        if mode == 'delete':
            for event in events:
                if event.state != 'reported' or len(event.history) > 1:
                    raise AccessError(gettext(
                            'civic_event.msg_event_delete',
                            event=event.rec_name))
        elif mode == 'write' and external:
            cls._check_user_write(events, set(values))

    @classmethod
    def _check_user_write(cls, events, names):
        written = names - cls._report_fields - cls._handling_fields
        if written:
            raise AccessError(gettext('civic_event.msg_event_field_step',
                    fields=', '.join(sorted(written))))
        for event in events:
            if event.state not in OPEN_STATES:
                raise AccessError(gettext('civic_event.msg_event_done_edit',
                        event=event.rec_name, state=event.state_string))
            if event.state != 'reported' and names & cls._report_fields:
                raise AccessError(gettext(
                        'civic_event.msg_event_report_fixed',
                        event=event.rec_name, state=event.state_string))

    @classmethod
    def copy(cls, events, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'state', 'level', 'handling_area',
                'accepted_at', 'accepted_by', 'resolved_at', 'resolved_by',
                'closed_at', 'closed_by', 'resolution', 'on_time',
                'satisfaction', 'feedback_comment', 'feedback_at',
                'feedback_by', 'reopened', 'duplicate_of', 'points_line',
                'rejection_reason', 'api_client', 'timed_out']:
            default.setdefault(name, None)
        default.setdefault('duplicates', None)
        default.setdefault('history', None)
        default.setdefault('reported_at', _now())
        return super().copy(events, default=default)

    # --- who may act ----------------------------------------------------
    @classmethod
    def handler_domain(cls):
        "The domain of the events the user handles: their level, their areas"
        Rule = Pool().get('ir.rule')
        if not Transaction().user:
            return []
        with check_access():
            return Rule.domain_get(cls.__name__, mode='write')

    @classmethod
    def get_to_handle(cls, events, name):
        domain = cls.handler_domain()
        ids = [e.id for e in events]
        if not domain:
            return {i: True for i in ids}
        with without_check_access():
            mine = {e.id for e in cls.search(
                        [('id', 'in', ids), domain], order=[])}
        return {i: i in mine for i in ids}

    @classmethod
    def search_to_handle(cls, name, clause):
        _, operator, value = clause[:3]
        domain = cls.handler_domain() or [('id', '!=', None)]
        if (operator == '=') == bool(value):
            return domain
        with without_check_access():
            return [('id', 'not in', cls.search(domain, order=[], query=True))]

    @classmethod
    def check_handlers(cls, events):
        """Refuse a step on events outside the user's level or scope (the
        write rules of the groups say which)"""
        # Buttons run without access checks: the rules are applied here
        domain = cls.handler_domain()
        if not domain:
            return
        ids = [e.id for e in events]
        with without_check_access():
            allowed = {e.id for e in cls.search(
                        [('id', 'in', ids), domain], order=[])}
        for event in events:
            if event.id not in allowed:
                raise HandlerError(gettext(
                        'civic_event.msg_event_not_handler',
                        event=event.rec_name,
                        level=event.level_string,
                        area=(event.handling_area.rec_name
                            if event.handling_area else '')))

    @classmethod
    def check_in_scope(cls, events):
        "Refuse a step on events the user may not read (feedback)"
        if not Transaction().user:
            return
        ids = [e.id for e in events]
        with check_access():
            readable = {e.id for e in cls.search(
                        [('id', 'in', ids)], order=[])}
        for event in events:
            if event.id not in readable:
                raise HandlerError(gettext(
                        'civic_event.msg_event_not_in_scope',
                        event=event.rec_name))

    # --- history --------------------------------------------------------
    @classmethod
    def record_history(cls, events, action, note=None, automatic=False,
            date=None, state=None):
        "Add a step to the events' history at date (or date(event))"
        History = Pool().get('civic.event.history')
        user = None if automatic else Transaction().user
        date = date or _now()
        with without_check_access():
            History.create([{
                        'event': e.id,
                        'date': date(e) if callable(date) else date,
                        'user': user or None,
                        'action': action,
                        'level': e.level,
                        'state': state or e.state,
                        'note': note,
                        } for e in events])

    # --- the closed loop ------------------------------------------------
    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    def accept(cls, events):
        cls.check_handlers(events)
        now = _now()
        with without_check_access():
            cls.write(events, {
                    'accepted_at': now,
                    'accepted_by': Transaction().user or None,
                    })
        cls._after_transition(events, 'accepted', 'accept')
        cls.award_reports(events)

    @classmethod
    @ModelView.button
    @Workflow.transition('rejected')
    def reject(cls, events):
        cls.check_handlers(events)
        for event in events:
            if not (event.rejection_reason or '').strip():
                raise WorkflowError(gettext(
                        'civic_event.msg_reject_reason',
                        event=event.rec_name))
        now = _now()
        with without_check_access():
            cls.write(events, {
                    'closed_at': now,
                    'closed_by': Transaction().user or None,
                    })
        cls._after_transition(events, 'rejected', 'reject')

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def start(cls, events):
        cls.check_handlers(events)
        cls._in_state(events, 'accepted')
        cls._after_transition(events, 'in_progress', 'start')

    @classmethod
    @ModelView.button
    @Workflow.transition('resolved')
    def resolve(cls, events):
        cls.check_handlers(events)
        cls.mark_resolved(events)

    @classmethod
    def mark_resolved(cls, events):
        """Record the resolution of events by the user (the transition to
        resolved is the caller's)"""
        for event in events:
            if not (event.resolution or '').strip():
                raise WorkflowError(gettext(
                        'civic_event.msg_resolve_resolution',
                        event=event.rec_name))
        now = _now()
        user = Transaction().user or None
        to_write = []
        for event in events:
            on_time = (not event.resolve_deadline
                or now <= event.resolve_deadline)
            to_write.extend([[event], {
                        'resolved_at': now,
                        'resolved_by': user,
                        'on_time': on_time,
                        }])
        if to_write:
            with without_check_access():
                cls.write(*to_write)
        cls._after_transition(events, 'resolved', 'resolve')

    @classmethod
    @ModelView.button_action('civic_event.wizard_feedback')
    def feedback(cls, events):
        cls.check_in_scope(events)

    @classmethod
    @reporter_step('resolved')
    @Workflow.transition('feedback')
    def record_feedback(cls, events, satisfaction, comment=None):
        "Record the reporter's satisfaction (1 to 5) with resolved events"
        if satisfaction not in range(1, 6):
            raise EventError(gettext(
                    'civic_event.msg_satisfaction_range',
                    satisfaction=satisfaction))
        cls.write(events, {
                'satisfaction': satisfaction,
                'feedback_comment': comment,
                'feedback_at': _now(),
                'feedback_by': Transaction().user or None,
                })
        cls._after_transition(events, 'feedback', 'feedback', note=comment)

    @classmethod
    @ModelView.button
    @reporter_step('feedback')
    @Workflow.transition('in_progress')
    def reopen(cls, events):
        "Reopen once an event whose reporter is unsatisfied"
        pool = Pool()
        Configuration = pool.get('civic.event.configuration')
        below = Configuration(1).unsatisfied_below
        for event in events:
            if event.reopened:
                raise WorkflowError(gettext(
                        'civic_event.msg_reopen_once', event=event.rec_name))
            if (event.satisfaction or 0) >= below:
                raise WorkflowError(gettext(
                        'civic_event.msg_reopen_satisfied',
                        event=event.rec_name,
                        satisfaction=event.satisfaction))
        cls.write(events, {
                'reopened': True,
                'resolved_at': None,
                'resolved_by': None,
                'on_time': None,
                })
        cls._start_level(events, start=_now())
        cls._after_transition(events, 'in_progress', 'reopen')

    @classmethod
    @ModelView.button
    @reporter_step('resolved', 'feedback')
    @Workflow.transition('closed')
    def close(cls, events):
        cls.write(events, {
                'closed_at': _now(),
                'closed_by': Transaction().user or None,
                })
        cls._after_transition(events, 'closed', 'close')

    @classmethod
    @ModelView.button
    @Workflow.transition('duplicate')
    def mark_duplicate(cls, events):
        "Merge events into the event each is a duplicate of"
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        cls.check_handlers(events)
        for event in events:
            if not event.duplicate_of:
                raise WorkflowError(gettext(
                        'civic_event.msg_duplicate_without_master',
                        event=event.rec_name))
        cls.check_duplicate_of(events)
        now = _now()
        with without_check_access():
            cls.write(events, {
                    'closed_at': now,
                    'closed_by': Transaction().user or None,
                    })
            attachments = Attachment.search([
                    ('resource', 'in', [str(e) for e in events]),
                    ])
            for attachment in attachments:
                attachment.resource = attachment.resource.duplicate_of
            Attachment.save(attachments)
        for event in events:
            cls.record_history([event], 'duplicate',
                note=event.duplicate_of.rec_name, state='duplicate')
            cls.record_history([event.duplicate_of], 'merge',
                note=event.rec_name)

    @classmethod
    def _after_transition(cls, events, state, action, **kwargs):
        # The transition writes the state after the step: setting it on the
        # records would make Workflow skip the write
        cls.record_history(events, action, state=state, **kwargs)

    @classmethod
    def _in_state(cls, events, *states):
        "Refuse a step on events in none of states"
        for event in events:
            if event.state not in states:
                raise WorkflowError(gettext(
                        'civic_event.msg_event_wrong_state',
                        event=event.rec_name, state=event.state_string))
        return events

    # --- escalation -----------------------------------------------------
    @classmethod
    @ModelView.button
    def escalate(cls, events):
        "Move open events up one level by the handler's decision"
        cls.check_handlers(events)
        for event in events:
            if event.state not in OPEN_STATES:
                raise WorkflowError(gettext(
                        'civic_event.msg_escalate_closed',
                        event=event.rec_name, state=event.state_string))
            if not next_level(event.level):
                raise WorkflowError(gettext(
                        'civic_event.msg_escalate_top',
                        event=event.rec_name))
        with without_check_access():
            cls.move_up(events)

    @classmethod
    def escalate_overdue(cls):
        """Move up one level the open events whose time limit has passed,
        and notify the handlers of the next level (the scheduled task)"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            admin = ModelData.get_id('civic_grid', 'group_civic_admin')
            if admin not in User.get_groups():
                raise AccessError(gettext('civic_event.msg_escalate_now'))
        now = _now()
        with without_check_access():
            events = cls.browse(cls.overdue_ids(now))
            if events:
                cls.move_up(events, automatic=True)
        return len(events)

    @classmethod
    def overdue_ids(cls, now):
        "The ids of the open events below the top level past a time limit"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        below_top = table.level != 'district'
        cursor.execute(*table.select(table.id,
                where=below_top & (
                    ((table.state == 'reported')
                        & (table.accept_deadline < now))
                    | (table.state.in_(list(OPEN_STATES))
                        & (table.resolve_deadline < now))),
                order_by=[table.id.asc]))
        return [i for i, in cursor]

    @classmethod
    @Workflow.transition('reported')
    def move_up(cls, events, automatic=False):
        """Move events up one level: back to reported for the next level's
        handlers, with its own time limits from now (the escalation, by a
        handler or, automatic, by the scheduled task)"""
        now = _now()
        to_write = []
        for event in events:
            level = next_level(event.level)
            accept, resolve = event.category.limit(level)
            area = getattr(event, LEVEL_AREA[level]) or event.area
            values = {
                'level': level,
                'handling_area': area.id if area else None,
                'level_started': now,
                'accept_deadline': _deadline(now, accept),
                'resolve_deadline': _deadline(now, resolve),
                }
            if automatic:
                values['timed_out'] = True
            to_write.extend([[event], values])
        if to_write:
            cls.write(*to_write)
        cls._after_transition(events, 'reported',
            'auto_escalate' if automatic else 'escalate',
            automatic=automatic, date=now)
        cls.notify_level(events)

    @classmethod
    def notify_level(cls, events):
        "Notify the handlers of the events' level in the events' areas"
        by_target = defaultdict(list)
        for event in events:
            by_target[(event.level, event.handling_area)].append(event)
        handlers = {level: cls._level_handlers(level)
            for level in {level for level, _ in by_target}}
        for (level, area), group in by_target.items():
            above = set(_path_ids(area))
            label = gettext('civic_event.msg_notify_label',
                count=len(group), area=area.rec_name if area else '')
            description = ', '.join(e.rec_name for e in group[:20])
            for user_id, user_areas in handlers[level].items():
                # District handlers see the whole district
                if level == 'district' or user_areas & above:
                    cls.notify_user(group, 'tryton-notification', label,
                        description=description, user=user_id)

    @classmethod
    def _level_handlers(cls, level):
        "{user id: set of area ids} of the active handlers of level"
        pool = Pool()
        User = pool.get('res.user')
        UserArea = pool.get('res.user-civic.area')
        ModelData = pool.get('ir.model.data')
        group_id = ModelData.get_id('civic_grid', LEVEL_GROUPS[level])
        with without_check_access():
            users = {u.id: set() for u in User.search(
                        [('groups', '=', group_id)], order=[])}
            table = UserArea.__table__()
            cursor = Transaction().connection.cursor()
            for sub_ids in grouped_slice(list(users), MAX_QUERY_PARAMS):
                cursor.execute(*table.select(table.user, table.area,
                        where=table.user.in_(list(sub_ids))))
                for user_id, area_id in cursor:
                    users[user_id].add(area_id)
        return users

    # --- points ---------------------------------------------------------
    @classmethod
    def award_reports(cls, events):
        """Award the reporters of accepted (verified) reports their points,
        once per event"""
        pool = Pool()
        Configuration = pool.get('civic.event.configuration')
        Line = pool.get('civic.points.line')
        default_rule = Configuration(1).report_rule
        # Locking the events makes a second acceptance wait and find the
        # award already written
        events = lock(cls, [e for e in events
                if e.reporter and not e.anonymous and not e.points_line])
        awards, awarded = [], []
        for event in events:
            rule = event.category.get_points_rule() or default_rule
            if (not rule or not event.reporter or event.anonymous
                    or event.points_line):
                continue
            awards.append({
                    'rule': rule.code,
                    'party': event.reporter.id,
                    'quantity': 1,
                    'origin': str(event),
                    'date': event.reported_at.date(),
                    'description': event.rec_name,
                    })
            awarded.append(event)
        if not awards:
            return
        with without_check_access():
            lines = Line.award_many(awards)
            for event, line in zip(awarded, lines):
                cls.write([event], {'points_line': line.id})
        for event, line in zip(awarded, lines):
            cls.record_history([event], 'award',
                note=f'{line.points:+d} ({line.rule.rec_name})')

    # --- duplicates -----------------------------------------------------
    @classmethod
    def get_possible_duplicates(cls, events, name):
        pool = Pool()
        Configuration = pool.get('civic.event.configuration')
        config = Configuration(1)
        days = dt.timedelta(days=config.duplicate_days)
        distance = config.duplicate_distance
        result = {}
        for event in events:
            if event.state == 'duplicate' or not event.reported_at:
                result[event.id] = []
                continue
            domain = [
                ('id', '!=', event.id),
                ('category', '=', event.category.id),
                ('state', '!=', 'duplicate'),
                ('reported_at', '>=', event.reported_at - days),
                ('reported_at', '<=', event.reported_at + days),
                ]
            if event.latitude is not None and event.longitude is not None:
                dlat = distance / 111320
                dlon = dlat / max(
                    math.cos(math.radians(event.latitude)), 0.01)
                domain += [
                    ('latitude', '>=', event.latitude - dlat),
                    ('latitude', '<=', event.latitude + dlat),
                    ('longitude', '>=', event.longitude - dlon),
                    ('longitude', '<=', event.longitude + dlon),
                    ]
                candidates = [c for c in cls.search(domain, limit=50)
                    if metres(event, c) <= distance]
            else:
                domain.append(('area', '=', event.area.id))
                if event.address:
                    domain.append(('address', '=', event.address))
                candidates = cls.search(domain, limit=50)
            result[event.id] = [c.id for c in candidates]
        return result


def metres(event, other):
    "Distance in metres between the positions of two events"
    if other.latitude is None or other.longitude is None:
        return math.inf
    lat1, lon1 = math.radians(event.latitude), math.radians(event.longitude)
    lat2, lon2 = math.radians(other.latitude), math.radians(other.longitude)
    x = (lon2 - lon1) * math.cos((lat1 + lat2) / 2)
    return EARTH_RADIUS * math.hypot(x, lat2 - lat1)


def _path_ids(area):
    "The ids of area and the areas above it"
    return path_ids(area.id, area.path) if area else []


class History(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Grid Event Step"
    __name__ = 'civic.event.history'
    _scope_area = 'event.area'
    event = fields.Many2One(
        'civic.event', "Event", required=True, readonly=True,
        ondelete='CASCADE')
    date = fields.DateTime("Date", required=True, readonly=True)
    user = fields.Many2One(
        'res.user', "By", readonly=True, ondelete='RESTRICT',
        help="Empty for the scheduled task.")
    action = fields.Selection(
        ACTIONS, "Step", required=True, readonly=True, sort=False)
    level = fields.Selection(LEVELS, "Level", readonly=True, sort=False)
    state = fields.Selection(STATES, "State", readonly=True, sort=False)
    note = fields.Text("Note", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('event')
        cls._sql_indexes.add(Index(t, (t.event, Index.Range())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            raise AccessError(gettext('civic_event.msg_history_append_only'))


class FeedbackStart(ModelView):
    __string__ = "Record Feedback"
    __name__ = 'civic.event.feedback.start'
    satisfaction = fields.Selection(
        SATISFACTIONS, "Satisfaction", required=True, sort=False)
    comment = fields.Text("Comment")


class Feedback(ScopedWizard):
    __string__ = "Record Feedback"
    __name__ = 'civic.event.feedback'
    start = StateView('civic.event.feedback.start',
        'civic_event.feedback_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Record", 'record', 'tryton-ok', default=True),
            ])
    record = StateTransition()

    def transition_record(self):
        Event = Pool().get('civic.event')
        Event.record_feedback(list(self.records),
            int(self.start.satisfaction), self.start.comment)
        return 'end'
