# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .area import percent
from .exceptions import DateRangeError
from .scope import ScopeMixin


class Campaign(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Door-knocking Campaign"
    __name__ = 'civic.visit.campaign'
    _scope_area = 'area'
    _states = {'readonly': Eval('state') != 'draft'}
    name = fields.Char("Name", required=True)
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT',
        states=_states, help="Every household below this area is in scope.")
    start_date = fields.Date("Start Date", required=True, states=_states)
    end_date = fields.Date("End Date", required=True, states=_states)
    description = fields.Text("Description")
    visits = fields.One2Many(
        'civic.visit', 'campaign', "Visits", readonly=True)
    households_in_scope = fields.Function(
        fields.Integer("Households in Scope"), 'get_coverage')
    households_visited = fields.Function(
        fields.Integer("Households Visited"), 'get_coverage')
    coverage = fields.Function(
        fields.Numeric("Coverage (%)", digits=(5, 1)), 'get_coverage')
    state = fields.Selection([
            ('draft', "Draft"),
            ('open', "Open"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'closed'),
            ('closed', 'open'),
            }
        cls._buttons.update({
                'open': {
                    'invisible': Eval('state') == 'open',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def validate_fields(cls, campaigns, field_names):
        super().validate_fields(campaigns, field_names)
        if field_names & {'start_date', 'end_date'}:
            for campaign in campaigns:
                if campaign.end_date < campaign.start_date:
                    raise DateRangeError(gettext(
                            'civic_grid.msg_campaign_end_before_start',
                            campaign=campaign.rec_name))

    @classmethod
    def get_coverage(cls, campaigns, names):
        pool = Pool()
        Area = pool.get('civic.area')
        Visit = pool.get('civic.visit')
        visit = Visit.__table__()
        cursor = Transaction().connection.cursor()
        in_scope = {}
        for area in {c.area for c in campaigns}:
            in_scope[area.id] = Area.get_figures(
                [area], ['households'])['households'][area.id]
        cursor.execute(*visit.select(
                visit.campaign, Count(visit.household, distinct=True),
                where=visit.campaign.in_([c.id for c in campaigns]),
                group_by=[visit.campaign]))
        visited = dict(cursor)
        result = {n: {} for n in names}
        for campaign in campaigns:
            scope = in_scope[campaign.area.id]
            done = visited.get(campaign.id, 0)
            values = {
                'households_in_scope': scope,
                'households_visited': done,
                'coverage': percent(done, scope),
                }
            for name in names:
                result[name][campaign.id] = values[name]
        return result

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, campaigns):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, campaigns):
        pass


class Visit(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Visit"
    __name__ = 'civic.visit'
    _scope_area = 'household.area'
    campaign = fields.Many2One(
        'civic.visit.campaign', "Campaign", ondelete='RESTRICT',
        domain=[('state', '=', 'open')])
    household = fields.Many2One(
        'civic.household', "Household", required=True, ondelete='RESTRICT')
    area = fields.Function(
        fields.Many2One('civic.area', "Grid"), 'get_area',
        searcher='search_area')
    visitor = fields.Many2One(
        'res.user', "Visitor", required=True, ondelete='RESTRICT')
    date = fields.Date("Date", required=True)
    findings = fields.Text("Findings")
    needs_follow_up = fields.Boolean("Needs Follow-up")
    follow_up = fields.Text(
        "Follow-up", states={'invisible': ~Eval('needs_follow_up')})
    follow_up_done = fields.Boolean(
        "Follow-up Done", states={'invisible': ~Eval('needs_follow_up')})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.campaign, Index.Equality()),
                    (t.household, Index.Equality())),
                Index(t, (t.household, Index.Equality())),
                Index(t, (t.date, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_visitor(cls):
        return Transaction().user

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    def get_area(self, name):
        return self.household.area.id

    @classmethod
    def search_area(cls, name, clause):
        return [('household.area' + clause[0][len(name):], *clause[1:])]

    def get_rec_name(self, name):
        return f'{self.household.rec_name} {self.date}'
