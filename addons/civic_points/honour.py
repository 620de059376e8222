# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The annual awards (一年一评优): the "most beautiful" chosen from a
published ranking of the whole year, approved with their points"""
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from civic_grid.locking import waits_for_locks
from civic_grid.scope import ScopeMixin

from .publicity import DraftOnlyMixin


class Honour(ScopeMixin, DraftOnlyMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Annual Award"
    __name__ = 'civic.points.honour'
    _scope_area = 'area'
    _draft = {'readonly': Eval('state') != 'draft'}
    ranking_line = fields.Many2One(
        'civic.points.ranking.line', "Chosen from", required=True,
        ondelete='RESTRICT', states=_draft,
        domain=[
            ('ranking.period', '=', 'year'),
            ('ranking.state', '=', 'published'),
            ],
        help="A place in a published ranking of the whole year.")
    title = fields.Char(
        "Title", required=True, states=_draft,
        help="For example: 最美红色楼长.")
    party = fields.Function(
        fields.Many2One('party.party', "Name"), 'get_from_ranking')
    year = fields.Function(fields.Integer("Year"), 'get_from_ranking')
    area = fields.Function(
        fields.Many2One('civic.area', "Area"), 'get_from_ranking',
        searcher='search_area')
    points = fields.Function(fields.Integer("Points"), 'get_from_ranking')
    rank = fields.Function(fields.Integer("Rank"), 'get_from_ranking')
    approved_by = fields.Many2One(
        'res.user', "Approved by", readonly=True, ondelete='RESTRICT')
    award_line = fields.Many2One(
        'civic.points.line', "Points Awarded", readonly=True,
        ondelete='RESTRICT')
    state = fields.Selection([
            ('draft', "Draft"),
            ('approved', "Approved"),
            ], "State", required=True, readonly=True, sort=False)
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('line_title_unique', Unique(t, t.ranking_line, t.title),
                'civic_points.msg_honour_unique'),
            ]
        cls._transitions |= {('draft', 'approved')}
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })
        # approving may award points
        cls.__rpc__['approve'] = waits_for_locks(instantiate=0)

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return f'{self.title} {self.ranking_line.party.rec_name}'

    def get_from_ranking(self, name):
        line = self.ranking_line
        value = {
            'party': line.party,
            'year': line.ranking.year,
            'area': line.ranking.area,
            'points': line.points,
            'rank': line.rank,
            }[name]
        return getattr(value, 'id', value)

    @classmethod
    def search_area(cls, name, clause):
        return [('ranking_line.ranking.area' + clause[0][len(name):],
                *clause[1:])]

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, honours):
        pool = Pool()
        Configuration = pool.get('civic.points.configuration')
        Line = pool.get('civic.points.line')
        rule = Configuration(1).honour_rule
        for honour in honours:
            honour.approved_by = Transaction().user
            if rule:
                honour.award_line = Line.award(
                    rule.code, honour.party, 1, origin=honour,
                    description=honour.title)
        with without_check_access():
            cls.save(honours)
