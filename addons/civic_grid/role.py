# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import DateRangeError
from .report import HTMLReport
from .scope import CONFIGURATION, ScopeMixin
from .sensitive import PhoneFieldsMixin

ROLE_CATEGORIES = [
    ('grid_worker', "Grid Worker"),
    ('grid_leader', "Grid Leader"),
    ('building_leader', "Building Leader"),
    ('household', "Central Household"),
    ('secretary', "Secretary"),
    ('volunteer', "Volunteer"),
    ('other', "Other"),
    ]


class Role(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Role"
    __name__ = 'civic.role'
    _scope_area = CONFIGURATION
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    category = fields.Selection(ROLE_CATEGORIES, "Category", required=True)
    duties = fields.Text(
        "Duty List", translate=True,
        help="One duty per line, as printed on the display board.")
    term_months = fields.Integer(
        "Term (months)", required=True,
        help="The default length of an appointment.")
    sequence = fields.Integer("Sequence")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'civic_grid.msg_role_code_unique'),
            ]
        cls._order = [('sequence', 'ASC NULLS LAST'), ('id', 'ASC')]

    @classmethod
    def default_term_months(cls):
        return 12

    @classmethod
    def default_category(cls):
        return 'other'

    @property
    def duty_lines(self):
        return [d.strip() for d in (self.duties or '').splitlines()
            if d.strip()]


class Appointment(PhoneFieldsMixin, ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Appointment"
    __name__ = 'civic.appointment'
    _phone_fields = ('phone',)
    _scope_area = 'area'
    _states = {'readonly': Eval('state') != 'active'}
    party = fields.Many2One(
        'party.party', "Person", required=True, ondelete='RESTRICT',
        states=_states)
    role = fields.Many2One(
        'civic.role', "Role", required=True, ondelete='RESTRICT',
        states=_states)
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT',
        states=_states)
    start_date = fields.Date("Start Date", required=True, states=_states)
    end_date = fields.Date(
        "End Date", required=True, states=_states)
    nomination = fields.Selection([
            ('self', "Self-nominated"),
            ('residents', "Recommended by Residents"),
            ('organisation', "Nominated by the Organisation"),
            ], "Nomination", required=True, states=_states)
    phone = fields.Char(
        "Service Phone", states=_states,
        help="The number published on the display board and contact card.")
    state = fields.Selection([
            ('active', "Active"),
            ('expired', "Expired"),
            ('ended', "Ended"),
            ], "State", readonly=True, required=True, sort=False)
    ended_by = fields.Many2One('res.user', "Ended By", readonly=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.area, Index.Equality())),
                Index(t, (t.party, Index.Equality())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    (t.end_date, Index.Range())),
                })
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('active', 'ended'),
            ('active', 'expired'),
            }
        cls._buttons.update({
                'end': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'active'

    @classmethod
    def default_nomination(cls):
        return 'organisation'

    @classmethod
    def default_start_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_end_date(cls):
        return cls.term_end(cls.default_start_date(), 12)

    @staticmethod
    def term_end(start_date, months):
        return start_date + relativedelta(months=months, days=-1)

    @fields.depends('start_date', 'role')
    def on_change_with_end_date(self):
        if self.start_date:
            months = self.role.term_months if self.role else 12
            return self.term_end(self.start_date, months)

    def get_rec_name(self, name):
        return f'{self.party.rec_name} - {self.role.rec_name}'

    @classmethod
    def validate_fields(cls, appointments, field_names):
        super().validate_fields(appointments, field_names)
        if field_names & {'start_date', 'end_date'}:
            cls.check_dates(appointments)

    @classmethod
    def check_dates(cls, appointments):
        for appointment in appointments:
            if appointment.end_date < appointment.start_date:
                raise DateRangeError(gettext(
                        'civic_grid.msg_appointment_end_before_start',
                        appointment=appointment.rec_name,
                        start=appointment.start_date,
                        end=appointment.end_date))

    @classmethod
    @ModelView.button
    @Workflow.transition('ended')
    def end(cls, appointments):
        today = Pool().get('ir.date').today()
        for appointment in appointments:
            appointment.ended_by = Transaction().user
            if appointment.end_date > today:
                appointment.end_date = max(today, appointment.start_date)
        cls.save(appointments)

    @classmethod
    @Workflow.transition('expired')
    def expire(cls, appointments):
        pass

    @classmethod
    def expire_appointments(cls, date=None):
        "Expire the active appointments whose term is over (scheduled task)"
        if date is None:
            date = Pool().get('ir.date').today()
        appointments = cls.search([
                ('state', '=', 'active'),
                ('end_date', '<', date),
                ], order=[])
        cls.expire(appointments)
        return appointments


class DisplayBoard(HTMLReport):
    __string__ = "Display Board"
    __name__ = 'civic.area.display_board'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Appointment = pool.get('civic.appointment')
        context = super().get_context(records, header, data)
        boards = []
        for area in records:
            appointments = Appointment.search([
                    ('area', '=', area.id),
                    ('state', '=', 'active'),
                    ], order=[('role.sequence', 'ASC'), ('id', 'ASC')])
            boards.append((area, appointments, cls.board_sections(area)))
        context['boards'] = boards
        context['today'] = pool.get('ir.date').today()
        return context

    @classmethod
    def board_sections(cls, area):
        """The further tables of the area's board, as dictionaries of
        title, headers and rows (lists of strings); other modules add theirs"""
        return []


class ContactCard(HTMLReport):
    __string__ = "Contact Card"
    __name__ = 'civic.appointment.contact_card'
