# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Service projects (认领服务项目): the community posts a project, a
property company claims it, reports its progress in the work logs, and the
community closes it"""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from civic_grid import clock
from civic_grid.scope import ScopeMixin

from .exceptions import ProjectError

COMMUNITY_DOMAIN = [('level.code', '=', 'community')]


class Project(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Service Project"
    __name__ = 'civic.property.project'
    _scope_area = 'community'
    # a company claims a posted project it may read, not yet its own
    _scope_button_modes = {'claim': 'read'}
    _posted = {'readonly': Eval('state') != 'posted'}
    name = fields.Char("Project", required=True, states=_posted)
    community = fields.Many2One(
        'civic.area', "Community", required=True, ondelete='RESTRICT',
        domain=COMMUNITY_DOMAIN, states=_posted)
    description = fields.Text("Description", states=_posted)
    posted_date = fields.Date("Posted on", required=True, states=_posted)
    company = fields.Many2One(
        'civic.property.company', "Claimed by", readonly=True,
        ondelete='RESTRICT')
    claimed_date = fields.Date("Claimed on", readonly=True)
    closed_date = fields.Date("Closed on", readonly=True)
    result = fields.Text(
        "Result", states={'readonly': Eval('state') != 'claimed'},
        help="What the project achieved, written by the community when it "
        "closes it.")
    logs = fields.One2Many('civic.property.log', 'project', "Progress")
    state = fields.Selection([
            ('posted', "Posted"),
            ('claimed', "Claimed"),
            ('closed', "Closed"),
            ('withdrawn', "Withdrawn"),
            ], "State", required=True, readonly=True, sort=False)
    del _posted

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.community, Index.Equality())),
                Index(t, (t.company, Index.Equality())),
                })
        cls._order = [('posted_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('posted', 'claimed'),
            ('claimed', 'closed'),
            ('posted', 'withdrawn'),
            }
        cls._buttons.update({
                'claim': {
                    'invisible': Eval('state') != 'posted',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'claimed',
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': Eval('state') != 'posted',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'posted'

    @classmethod
    def default_posted_date(cls):
        return clock.today()

    @classmethod
    @ModelView.button
    @Workflow.transition('claimed')
    def claim(cls, projects):
        "Claimed by the company whose staff the user is"
        Company = Pool().get('civic.property.company')
        companies = sorted(Company.of_user())
        if len(companies) != 1:
            raise ProjectError(gettext('civic_property.msg_project_claimer'))
        company, = companies
        cls.claim_for(projects, Company(company))

    @classmethod
    @Workflow.transition('claimed')
    def claim_for(cls, projects, company, date=None):
        "Claimed by company (not an RPC: the claim button says which)"
        cls.write(projects, {
                'company': company.id,
                'claimed_date': date or clock.today(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, projects):
        for project in projects:
            if not (project.result or '').strip():
                raise ProjectError(gettext(
                        'civic_property.msg_project_result',
                        project=project.rec_name))
        cls.write(projects, {'closed_date': clock.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('withdrawn')
    def withdraw(cls, projects):
        pass


class Log(metaclass=PoolMeta):
    __name__ = 'civic.property.log'
    project = fields.Many2One(
        'civic.property.project', "Service Project", ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('state', '=', 'claimed'),
            ],
        states={
            'invisible': Eval('kind') != 'service',
            'readonly': Eval('state') != 'draft',
            },
        help="The claimed project whose progress the log reports.")

    @classmethod
    def validate_fields(cls, logs, field_names):
        super().validate_fields(logs, field_names)
        if field_names & {'project', 'company', 'kind'}:
            for log in logs:
                if log.project and (log.project.company != log.company
                        or log.kind != 'service'):
                    raise ProjectError(gettext(
                            'civic_property.msg_log_project',
                            log=log.rec_name,
                            project=log.project.rec_name))
