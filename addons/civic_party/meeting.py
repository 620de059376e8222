# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Joint Party-building meetings (党建联席会议) and Party–masses
deliberation councils (党群议事会): attendees, topics and the follow-up of
each decision; attending residents earn points"""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from civic_grid import clock
from civic_grid.scope import ScopeMixin

from .exceptions import MeetingError

MEETING_KINDS = [
    ('joint', "Joint Party-building Meeting"),
    ('council', "Party–masses Deliberation Council"),
    ]
ATTENDEE_KINDS = [
    ('member', "Party Member"),
    ('unit', "Member Unit"),
    ('resident', "Residents' Representative"),
    ('property', "Property Company"),
    ('owners', "Owners' Committee"),
    ('other', "Other"),
    ]


class Meeting(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Joint Meeting"
    __name__ = 'civic.party.meeting'
    _scope_area = 'area'
    _states = {'readonly': Eval('state') != 'planned'}
    name = fields.Char("Title", required=True, states=_states)
    kind = fields.Selection(
        MEETING_KINDS, "Kind", required=True, sort=False, states=_states)
    date = fields.Date("Date", required=True, states=_states)
    organisation = fields.Many2One(
        'civic.party.organisation', "Convened by", required=True,
        ondelete='RESTRICT', states=_states)
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT',
        states=_states)
    topics = fields.Text("Topics", states=_states)
    attendees = fields.One2Many(
        'civic.party.meeting.attendee', 'meeting', "Attendees",
        states={'readonly': Eval('state') == 'cancelled'})
    decisions = fields.One2Many(
        'civic.party.meeting.decision', 'meeting', "Decisions",
        states={'readonly': Eval('state') == 'cancelled'})
    state = fields.Selection([
            ('planned', "Planned"),
            ('held', "Held"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.area, Index.Equality())),
                Index(t, (t.date, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('planned', 'held'),
            ('planned', 'cancelled'),
            }
        cls._buttons.update({
                'hold': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'planned'

    @classmethod
    def default_kind(cls):
        return 'joint'

    @classmethod
    def default_date(cls):
        return clock.today()

    @fields.depends('organisation', 'area', '_parent_organisation.area')
    def on_change_organisation(self):
        if self.organisation and not self.area:
            self.area = self.organisation.area

    @classmethod
    @ModelView.button
    @Workflow.transition('held')
    def hold(cls, meetings):
        "The meeting took place: the attending residents earn points"
        for meeting in meetings:
            if meeting.date > clock.today():
                raise MeetingError(gettext(
                        'civic_party.msg_meeting_future',
                        meeting=meeting.rec_name))
        cls.award_attendance(meetings)

    @classmethod
    def award_attendance(cls, meetings):
        pool = Pool()
        Configuration = pool.get('civic.party.configuration')
        Line = pool.get('civic.points.line')
        rule = Configuration(1).meeting_rule
        if not rule:
            return
        Line.award_many([{
                    'rule': rule.code, 'party': a.party.id, 'quantity': 1,
                    'origin': a, 'date': meeting.date,
                    'description': meeting.name,
                    } for meeting in meetings for a in meeting.attendees
                if a.attended and a.party and a.party.household])

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, meetings):
        pass


class Attendee(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Meeting Attendee"
    __name__ = 'civic.party.meeting.attendee'
    _scope_area = 'meeting.area'
    meeting = fields.Many2One(
        'civic.party.meeting', "Meeting", required=True, ondelete='CASCADE')
    kind = fields.Selection(
        ATTENDEE_KINDS, "Attends as", required=True, sort=False)
    party = fields.Many2One(
        'party.party', "Person or Unit", required=True, ondelete='RESTRICT')
    attended = fields.Boolean("Attended")

    @classmethod
    def default_kind(cls):
        return 'member'

    @classmethod
    def default_attended(cls):
        return True

    def get_rec_name(self, name):
        return f'{self.party.rec_name} ({self.meeting.rec_name})'

    @classmethod
    def validate_fields(cls, attendees, field_names):
        super().validate_fields(attendees, field_names)
        # the points were awarded when the meeting was held
        for attendee in attendees:
            if attendee.meeting.state != 'planned' and (
                    field_names & {'attended', 'party', 'meeting'}):
                raise MeetingError(gettext(
                        'civic_party.msg_attendance_frozen',
                        meeting=attendee.meeting.rec_name))


class Decision(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Meeting Decision"
    __name__ = 'civic.party.meeting.decision'
    _scope_area = 'meeting.area'
    meeting = fields.Many2One(
        'civic.party.meeting', "Meeting", required=True, ondelete='CASCADE')
    description = fields.Text("Decision", required=True)
    owner = fields.Many2One(
        'party.party', "Owner", ondelete='RESTRICT',
        help="The person or unit who carries it out.")
    due_date = fields.Date("Due Date")
    follow_up = fields.Text("Follow-up")
    state = fields.Selection([
            ('open', "Open"),
            ('done', "Done"),
            ], "State", required=True, readonly=True, sort=False)
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {('open', 'done'), ('done', 'open')}
        cls._buttons.update({
                'do': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'done',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    def get_rec_name(self, name):
        return (self.description or '').splitlines()[0][:60] if (
            self.description) else str(self.id)

    def get_overdue(self, name):
        return bool(self.state == 'open' and self.due_date
            and self.due_date < clock.today())

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause[:3]
        domain = [('state', '=', 'open'), ('due_date', '<', clock.today())]
        if (operator == '=') == bool(value):
            return domain
        return ['OR', ('state', '!=', 'open'), ('due_date', '=', None),
            ('due_date', '>=', clock.today())]

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, decisions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, decisions):
        pass


class Line(metaclass=PoolMeta):
    __name__ = 'civic.points.line'

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['civic.party.meeting.attendee']
