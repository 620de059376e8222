# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The joint-building work the property companies log themselves, which the
community acknowledges"""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from civic_grid import clock
from civic_grid.scope import ScopeMixin

from .exceptions import LogAccessError, LogError

LOG_KINDS = [
    ('inspection', "Daily Inspection"),
    ('visit', "Monthly Visit"),
    ('repair', "Repair"),
    ('service', "Service Project"),
    ('meeting', "Meeting"),
    ]


class Log(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Joint-building Work Log"
    __name__ = 'civic.property.log'
    _scope_area = 'compound.area'
    _states = {'readonly': Eval('state') != 'draft'}
    company = fields.Many2One(
        'civic.property.company', "Property Company", required=True,
        ondelete='RESTRICT', states=_states)
    compound = fields.Many2One(
        'civic.compound', "Compound", required=True, ondelete='RESTRICT',
        states=_states,
        help="A compound the company manages on the day of the work.")
    kind = fields.Selection(
        LOG_KINDS, "Kind", required=True, sort=False, states=_states)
    kind_string = kind.translated('kind')
    date = fields.Date("Date", required=True, states=_states)
    description = fields.Text("Description", required=True, states=_states)
    photo = fields.Binary(
        "Photo", file_id='photo_id', states=_states)
    photo_id = fields.Char("Photo ID", readonly=True)
    households_reached = fields.Integer(
        "Households Reached", required=True, states=_states,
        domain=[('households_reached', '>=', 0)])
    state = fields.Selection([
            ('draft', "Draft"),
            ('acknowledged', "Acknowledged"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    acknowledged_by = fields.Many2One(
        'res.user', "Acknowledged by", readonly=True, ondelete='RESTRICT')
    acknowledged_at = fields.DateTime("Acknowledged at", readonly=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.company, Index.Equality()),
                    (t.date, Index.Range(order='DESC'))),
                Index(t, (t.compound, Index.Equality()),
                    (t.date, Index.Range(order='DESC'))),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'acknowledged')}
        cls._buttons.update({
                'acknowledge': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_date(cls):
        return clock.today()

    @classmethod
    def default_households_reached(cls):
        return 0

    @classmethod
    def default_company(cls):
        companies = Pool().get('civic.property.company').of_user()
        if len(companies) == 1:
            company, = companies
            return company

    def get_rec_name(self, name):
        return f'{self.date} {self.compound.name} {self.kind_string}'

    @classmethod
    def validate_fields(cls, logs, field_names):
        super().validate_fields(logs, field_names)
        if field_names & {'date'}:
            cls.check_date(logs)
        if field_names & {'company', 'compound', 'date'}:
            cls.check_managed(logs)

    @classmethod
    def check_date(cls, logs):
        today = clock.today()
        for log in logs:
            if log.date > today:
                raise LogError(gettext('civic_property.msg_log_future',
                        date=log.date, today=today))

    @classmethod
    def check_managed(cls, logs):
        "A company logs work in the compounds it manages on that day only"
        Management = Pool().get('civic.property.management')
        for log in logs:
            with without_check_access():
                managements = Management.search([
                        ('company', '=', log.company.id),
                        ('compound', '=', log.compound.id),
                        ], order=[])
            if not any(m.covers(log.date) for m in managements):
                raise LogError(gettext('civic_property.msg_log_unmanaged',
                        company=log.company.rec_name,
                        compound=log.compound.rec_name, date=log.date))

    @classmethod
    def check_modification(cls, mode, logs, values=None, external=False):
        super().check_modification(
            mode, logs, values=values, external=external)
        if mode in {'write', 'delete'}:
            for log in logs:
                if log.state != 'draft':
                    raise LogAccessError(gettext(
                            'civic_property.msg_log_acknowledged',
                            log=log.rec_name))

    @classmethod
    def copy(cls, logs, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('date', clock.today())
        for name in ['acknowledged_by', 'acknowledged_at']:
            default.setdefault(name, None)
        return super().copy(logs, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('acknowledged')
    def acknowledge(cls, logs):
        cls.write(logs, {
                'acknowledged_by': Transaction().user or None,
                'acknowledged_at': clock.now(),
                })
