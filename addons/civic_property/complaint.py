# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Property complaints: grid events of a property matter in a managed
compound, linked to the company that manages it, which answers them in the
event loop and sees them without the reporters' details"""
from collections import defaultdict

from sql import Cast, Literal, Null
from sql.aggregate import Avg, Count, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import DateTrunc, Extract, ToChar

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView

from civic_event.event import OPEN_STATES, STATES
from civic_event.statistics import UNCOUNTED_STATES, rate
from civic_grid.scope import ScopedWizard, ScopeMixin
from civic_points.redemption import mask_name

from .exceptions import ComplaintError


class Category(metaclass=PoolMeta):
    __name__ = 'civic.event.category'
    property_matter = fields.Boolean(
        "Property Matter",
        help="Events of this category in a compound under management are "
        "complaints of its property company.")

    @classmethod
    def default_property_matter(cls):
        return False


class Event(metaclass=PoolMeta):
    __name__ = 'civic.event'
    compound = fields.Many2One(
        'civic.compound', "Compound", ondelete='RESTRICT',
        states={'readonly': ~Eval('state').in_(OPEN_STATES)},
        help="The compound where the event happened; a property matter in "
        "a managed compound goes to its property company.")
    property_company = fields.Many2One(
        'civic.property.company', "Property Company", readonly=True,
        ondelete='RESTRICT',
        help="The company managing the compound on the day of the report, "
        "for a property matter.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._handling_fields = cls._handling_fields | {'compound'}
        cls._sql_indexes.add(
            Index(t, (t.property_company, Index.Range()),
                (t.reported_at, Index.Range()),
                where=t.property_company != Null))

    @classmethod
    def create(cls, vlist):
        events = super().create(vlist)
        cls.link_property_company(events)
        return events

    @classmethod
    def write(cls, *args):
        super().write(*args)
        actions = iter(args)
        moved = []
        for events, values in zip(actions, actions):
            if values.keys() & {'compound', 'category', 'reported_at'}:
                moved.extend(events)
        if moved:
            cls.link_property_company(cls.browse(moved))

    @classmethod
    def copy(cls, events, default=None):
        default = dict(default or {})
        default.setdefault('property_company', None)
        return super().copy(events, default=default)

    @classmethod
    def link_property_company(cls, events):
        "Link the property matters to the company managing their compound"
        Management = Pool().get('civic.property.management')
        with without_check_access():
            events = cls.browse(events)
            matters = defaultdict(set)
            for event in events:
                if event.compound and event.category.property_matter:
                    matters[event.reported_at.date()].add(event.compound.id)
            # one query per day of report, not per event
            managers = {date: Management.companies_on(compounds, date)
                for date, compounds in matters.items()}
            to_write = []
            for event in events:
                company = None
                if event.compound and event.category.property_matter:
                    company = managers[event.reported_at.date()].get(
                        event.compound.id)
                current = (event.property_company.id
                    if event.property_company else None)
                if company != current:
                    to_write.extend([[event], {'property_company': company}])
            if to_write:
                super().write(*to_write)

    @classmethod
    def answer_as_company(cls, events, answer):
        """Resolve the accepted complaints of the user's companies with
        their answer"""
        Company = Pool().get('civic.property.company')
        answer = (answer or '').strip()
        companies = (Company.of_user() if Transaction().user else None)
        for event in events:
            if not event.property_company or (companies is not None
                    and event.property_company.id not in companies):
                raise ComplaintError(gettext(
                        'civic_property.msg_complaint_not_company',
                        event=event.rec_name))
            if event.state not in {'accepted', 'in_progress'}:
                raise ComplaintError(gettext(
                        'civic_property.msg_complaint_not_open',
                        event=event.rec_name, state=event.state_string))
        if not answer:
            raise ComplaintError(gettext(
                    'civic_property.msg_complaint_answer_empty'))
        with without_check_access():
            cls.write(list(events), {'resolution': answer})
            cls.resolve_by_company(events)

    @classmethod
    @Workflow.transition('resolved')
    def resolve_by_company(cls, events):
        cls.mark_resolved(events)


class Complaint(ScopeMixin, ModelSQL, ModelView):
    "A property complaint as its company sees it: no reporter's details"
    __string__ = "Property Complaint"
    __name__ = 'civic.property.complaint'
    _scope_area = 'area'
    _scope_button_modes = {'answer': 'read'}
    _rec_name = 'number'
    number = fields.Char("Number", readonly=True)
    reported_at = fields.DateTime("Reported at", readonly=True)
    company = fields.Many2One(
        'civic.property.company', "Property Company", readonly=True)
    compound = fields.Many2One('civic.compound', "Compound", readonly=True)
    area = fields.Many2One('civic.area', "Area", readonly=True)
    category = fields.Many2One(
        'civic.event.category', "Category", readonly=True)
    description = fields.Text("Description", readonly=True)
    reporter = fields.Function(
        fields.Char("Reporter",
            help="The reporter's name masked; empty when anonymous."),
        'get_reporter')
    state = fields.Selection(STATES, "State", readonly=True, sort=False)
    resolve_deadline = fields.DateTime("Resolve by", readonly=True)
    resolution = fields.Text("Answer", readonly=True)
    resolved_at = fields.DateTime("Resolved at", readonly=True)
    on_time = fields.Boolean("On Time", readonly=True)
    satisfaction = fields.Integer("Satisfaction", readonly=True)
    feedback_comment = fields.Text("Feedback", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('reported_at', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'answer': {
                    'invisible': ~Eval('state').in_(
                        ['accepted', 'in_progress']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def table_query(cls):
        Event = Pool().get('civic.event')
        event = Event.__table__()
        return event.select(
            event.id.as_('id'),
            event.create_uid.as_('create_uid'),
            event.create_date.as_('create_date'),
            event.write_uid.as_('write_uid'),
            event.write_date.as_('write_date'),
            event.number.as_('number'),
            event.reported_at.as_('reported_at'),
            event.property_company.as_('company'),
            event.compound.as_('compound'),
            event.area.as_('area'),
            event.category.as_('category'),
            event.description.as_('description'),
            event.state.as_('state'),
            event.resolve_deadline.as_('resolve_deadline'),
            event.resolution.as_('resolution'),
            event.resolved_at.as_('resolved_at'),
            event.on_time.as_('on_time'),
            event.satisfaction.as_('satisfaction'),
            event.feedback_comment.as_('feedback_comment'),
            where=event.property_company != Null)

    @classmethod
    def get_reporter(cls, complaints, name):
        pool = Pool()
        Event = pool.get('civic.event')
        Party = pool.get('party.party')
        event = Event.__table__()
        party = Party.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*event.join(party, 'LEFT',
                condition=event.reporter == party.id
                ).select(event.id,
                Case((event.anonymous == Literal(True), Null),
                    else_=Coalesce(party.name, event.reporter_name)),
                where=event.id.in_([c.id for c in complaints])))
        return {i: mask_name(n) if n else None for i, n in cursor}

    @classmethod
    @ModelView.button_action('civic_property.wizard_complaint_answer')
    def answer(cls, complaints):
        pass


class AnswerStart(ModelView):
    __string__ = "Answer Property Complaint"
    __name__ = 'civic.property.complaint.answer.start'
    answer = fields.Text(
        "Answer", required=True,
        help="What the company did; the reporter rates it.")


class Answer(ScopedWizard):
    __string__ = "Answer Property Complaint"
    __name__ = 'civic.property.complaint.answer'
    start = StateView(
        'civic.property.complaint.answer.start',
        'civic_property.complaint_answer_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Answer", 'answer_', 'tryton-ok', default=True),
            ])
    answer_ = StateTransition()

    def transition_answer_(self):
        Event = Pool().get('civic.event')
        events = Event.browse([r.id for r in self.records])
        Event.answer_as_company(events, self.start.answer)
        return 'end'


class ComplaintMonth(ScopeMixin, ModelSQL, ModelView):
    "The complaints of a company in a month, and a year before"
    __string__ = "Property Complaints per Month"
    __name__ = 'civic.property.complaint.month'
    _scope_area = 'area'
    _rec_name = 'month'
    company = fields.Many2One(
        'civic.property.company', "Property Company", readonly=True)
    area = fields.Many2One('civic.area', "Overseeing Area", readonly=True)
    year = fields.Integer("Year", readonly=True)
    month = fields.Char("Month", readonly=True)
    complaints = fields.Integer("Complaints", readonly=True)
    resolved = fields.Integer("Resolved", readonly=True)
    on_time_rate = fields.Float(
        "On-Time Rate (%)", digits=(16, 1), readonly=True)
    satisfaction = fields.Float(
        "Average Satisfaction", digits=(16, 2), readonly=True)
    complaints_last_year = fields.Integer(
        "Complaints a Year Before", readonly=True)
    complaints_change = fields.Float(
        "Complaints Year on Year (%)", digits=(16, 1), readonly=True,
        help="Empty when there was none a year before.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('company', 'ASC'), ('id', 'ASC')]

    @classmethod
    def grouped(cls):
        pool = Pool()
        Event = pool.get('civic.event')
        Company = pool.get('civic.property.company')
        event = Event.__table__()
        company = Company.__table__()
        month = DateTrunc('month', event.reported_at)
        resolved = event.resolved_at != Null
        counted = event.select(
            event.property_company.as_('company'),
            month.as_('month'),
            Case((resolved, 1), else_=0).as_('resolved'),
            Case((resolved & (event.on_time == Literal(True)), 1),
                else_=0).as_('on_time'),
            event.satisfaction.as_('satisfaction'),
            where=(event.property_company != Null)
            & ~event.state.in_(list(UNCOUNTED_STATES)))
        grouped = counted.select(
            counted.company.as_('company'),
            counted.month.as_('month'),
            Count(counted.company).as_('complaints'),
            Sum(counted.resolved).as_('resolved'),
            Sum(counted.on_time).as_('on_time'),
            Cast(Avg(counted.satisfaction), 'FLOAT').as_('satisfaction'),
            group_by=[counted.company, counted.month])
        return grouped.join(company,
            condition=grouped.company == company.id
            ).select(
                grouped.company.as_('company'),
                company.area.as_('area'),
                Cast(Extract('YEAR', grouped.month), 'INTEGER').as_('year'),
                Cast(Extract('MONTH', grouped.month), 'INTEGER'
                    ).as_('month_number'),
                ToChar(grouped.month, 'YYYY-MM').as_('month'),
                grouped.complaints, grouped.resolved, grouped.on_time,
                grouped.satisfaction)

    @classmethod
    def table_query(cls):
        current = cls.grouped()
        previous = cls.grouped()
        query = current.join(previous, 'LEFT', condition=(
                (previous.company == current.company)
                & (previous.year == current.year - 1)
                & (previous.month_number == current.month_number)))
        return query.select(
            (current.company * 10000 + current.year * 100
                + current.month_number).as_('id'),
            current.company.as_('company'),
            current.area.as_('area'),
            current.year.as_('year'),
            current.month.as_('month'),
            current.complaints.as_('complaints'),
            current.resolved.as_('resolved'),
            rate(current.on_time, current.resolved).as_('on_time_rate'),
            current.satisfaction.as_('satisfaction'),
            Coalesce(previous.complaints, 0).as_('complaints_last_year'),
            rate(current.complaints - previous.complaints,
                previous.complaints).as_('complaints_change'))

    def get_rec_name(self, name):
        return f'{self.company.rec_name} {self.month}'
