# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The community's grand Party committee (大党委) with its part-time members
from the member units, and the three lists: resources the units offer,
needs the community posts, projects that match one to the other"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import without_check_access

from civic_grid import clock
from civic_grid.scope import ScopeMixin

from .exceptions import ListError
from .reporting import COMMUNITY_DOMAIN


class Committee(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Grand Party Committee"
    __name__ = 'civic.party.committee'
    _scope_area = 'community'
    name = fields.Char("Name", required=True)
    community = fields.Many2One(
        'civic.area', "Community", required=True, ondelete='RESTRICT',
        domain=COMMUNITY_DOMAIN)
    organisation = fields.Many2One(
        'civic.party.organisation', "Party Organisation",
        ondelete='RESTRICT',
        domain=[('area', '=', Eval('community', -1))],
        help="The community Party organisation the committee extends.")
    members = fields.One2Many(
        'civic.party.committee.member', 'committee', "Part-time Members")
    offered_resources = fields.One2Many(
        'civic.party.resource', 'committee', "Resource List")
    needs = fields.One2Many('civic.party.need', 'committee', "Needs List")
    projects = fields.One2Many(
        'civic.party.project', 'committee', "Project List")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.community, Index.Equality())))
        cls._order = [('name', 'ASC'), ('id', 'ASC')]


class CommitteeMember(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Grand Committee Member"
    __name__ = 'civic.party.committee.member'
    _scope_area = 'committee.community'
    committee = fields.Many2One(
        'civic.party.committee', "Committee", required=True,
        ondelete='CASCADE')
    person = fields.Many2One(
        'party.party', "Person", required=True, ondelete='RESTRICT')
    unit = fields.Many2One(
        'party.party', "Member Unit", ondelete='RESTRICT',
        domain=[('household', '=', None)])
    position = fields.Char("Position", help="For example 兼职委员.")
    start_date = fields.Date("Start Date")
    end_date = fields.Date(
        "End Date",
        domain=[If(Eval('end_date') & Eval('start_date'),
                ('end_date', '>=', Eval('start_date')), ())])


class Resource(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Resource"
    __name__ = 'civic.party.resource'
    _scope_area = 'committee.community'
    committee = fields.Many2One(
        'civic.party.committee', "Committee", required=True,
        ondelete='CASCADE')
    unit = fields.Many2One(
        'party.party', "Offered by", required=True, ondelete='RESTRICT',
        domain=[('household', '=', None)])
    name = fields.Char("Resource", required=True)
    description = fields.Text("Description")
    date = fields.Date("Offered on", required=True)

    @classmethod
    def default_date(cls):
        return clock.today()


class Need(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Need"
    __name__ = 'civic.party.need'
    _scope_area = 'committee.community'
    committee = fields.Many2One(
        'civic.party.committee', "Committee", required=True,
        ondelete='CASCADE',
        states={'readonly': Eval('state') != 'open'})
    name = fields.Char(
        "Need", required=True, states={'readonly': Eval('state') != 'open'})
    description = fields.Text("Description")
    date = fields.Date(
        "Posted on", required=True,
        states={'readonly': Eval('state') != 'open'})
    state = fields.Selection([
            ('open', "Open"),
            ('matched', "Matched"),
            ('closed', "Closed"),
            ], "State", required=True, readonly=True, sort=False)
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.state,
                    Index.Equality(cardinality='low')), (t.date,
                    Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('open', 'matched'),
            ('matched', 'open'),
            ('open', 'closed'),
            ('matched', 'closed'),
            }
        cls._buttons.update({
                'close': {
                    'invisible': Eval('state') == 'closed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_date(cls):
        return clock.today()

    @staticmethod
    def overdue_before():
        "Needs posted before this day and still open are overdue"
        Configuration = Pool().get('civic.party.configuration')
        days = Configuration(1).need_overdue_days
        return clock.today() - dt.timedelta(days=days)

    def get_overdue(self, name):
        return self.state == 'open' and self.date < self.overdue_before()

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause[:3]
        domain = [('state', '=', 'open'),
            ('date', '<', cls.overdue_before())]
        if (operator == '=') == bool(value):
            return domain
        return ['OR', ('state', '!=', 'open'),
            ('date', '>=', cls.overdue_before())]

    @classmethod
    @Workflow.transition('matched')
    def match(cls, needs):
        pass

    @classmethod
    @Workflow.transition('open')
    def reopen(cls, needs):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, needs):
        pass


class Project(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Project"
    __name__ = 'civic.party.project'
    _scope_area = 'committee.community'
    _states = {'readonly': Eval('state') != 'planned'}
    committee = fields.Many2One(
        'civic.party.committee', "Committee", required=True,
        ondelete='CASCADE', states=_states)
    name = fields.Char("Project", required=True, states=_states)
    need = fields.Many2One(
        'civic.party.need', "Need", required=True, ondelete='RESTRICT',
        domain=[('committee', '=', Eval('committee', -1))], states=_states)
    resource = fields.Many2One(
        'civic.party.resource', "Resource", required=True,
        ondelete='RESTRICT',
        domain=[('committee', '=', Eval('committee', -1))], states=_states)
    unit = fields.Many2One(
        'party.party', "Responsible Unit", required=True,
        ondelete='RESTRICT', domain=[('household', '=', None)],
        states=_states)
    start_date = fields.Date("Start Date", required=True, states=_states)
    end_date = fields.Date(
        "End Date", states=_states,
        domain=[If(Eval('end_date') & Eval('start_date'),
                ('end_date', '>=', Eval('start_date')), ())])
    state = fields.Selection([
            ('planned', "Planned"),
            ('in_progress', "In Progress"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('planned', 'in_progress'),
            ('in_progress', 'done'),
            ('planned', 'cancelled'),
            ('in_progress', 'cancelled'),
            }
        cls._buttons.update({
                'start': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                'do': {
                    'invisible': Eval('state') != 'in_progress',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['planned', 'in_progress']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'planned'

    @classmethod
    def default_start_date(cls):
        return clock.today()

    @fields.depends('resource', 'unit', '_parent_resource.unit')
    def on_change_resource(self):
        if self.resource and not self.unit:
            self.unit = self.resource.unit

    @classmethod
    def validate_fields(cls, projects, field_names):
        super().validate_fields(projects, field_names)
        if field_names & {'committee', 'need', 'resource'}:
            for project in projects:
                if (project.need.committee != project.committee
                        or project.resource.committee != project.committee):
                    raise ListError(gettext(
                            'civic_party.msg_project_other_committee',
                            project=project.rec_name,
                            committee=project.committee.rec_name))

    @classmethod
    def create(cls, vlist):
        projects = super().create(vlist)
        cls.match_needs(projects)
        return projects

    @classmethod
    def match_needs(cls, projects):
        "A need that a project takes up is matched"
        Need = Pool().get('civic.party.need')
        with without_check_access():
            Need.match([p.need for p in projects if p.need.state == 'open'])

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def start(cls, projects):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, projects):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, projects):
        Need = Pool().get('civic.party.need')
        with without_check_access():
            Need.reopen([p.need for p in projects if p.need.state == 'matched'
                    and not any(o.state in {'planned', 'in_progress', 'done'}
                        for o in cls.search([
                                ('need', '=', p.need.id),
                                ('id', 'not in', [q.id for q in projects]),
                                ]))])
