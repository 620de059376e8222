# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The yearly "most beautiful" awards of volunteers (最美志愿者, 最美红色楼长
…): the candidates of a year ranked by their service hours, then by the
points they earned; the award chosen among them is approved by an officer
and earns points by civic_points' honour rule"""
from sql import Cast, Literal
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Coalesce
from sql.functions import Extract
from sql.operators import Concat

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from civic_grid import clock
from civic_grid.scope import ScopeMixin

from .exceptions import VolunteerError


class Candidate(ScopeMixin, ModelSQL, ModelView):
    "A volunteer's service of a year, the ground of the yearly awards"
    __string__ = "Award Candidate"
    __name__ = 'civic.volunteer.candidate'
    _scope_area = 'area'
    volunteer = fields.Many2One('civic.volunteer', "Volunteer")
    area = fields.Many2One('civic.area', "Serves in")
    year = fields.Integer("Year")
    records = fields.Integer("Service Records")
    hours = fields.Numeric("Hours", digits=(16, 1))
    points = fields.Integer(
        "Points", help="The points of the volunteer's hours that year.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('hours', 'DESC'),
            ('points', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Record = pool.get('civic.volunteer.record')
        Volunteer = pool.get('civic.volunteer')
        Line = pool.get('civic.points.line')
        record = Record.__table__()
        volunteer = Volunteer.__table__()
        line = Line.__table__()
        year = Cast(Extract('YEAR', record.date), 'INTEGER')
        # the points of each record, from the ledger's line it originated
        origin = Concat(Literal('civic.volunteer.record,'),
            Cast(record.id, 'VARCHAR'))
        join = record.join(volunteer,
            condition=record.volunteer == volunteer.id
            ).join(line, 'LEFT', condition=(line.origin == origin)
            & (line.state == 'posted'))
        return join.select(
            (record.volunteer * 10000 + year).as_('id'),
            record.volunteer.as_('volunteer'),
            Max(volunteer.area).as_('area'),
            year.as_('year'),
            Count(record.id).as_('records'),
            Sum(record.hours).as_('hours'),
            Coalesce(Sum(line.points), 0).as_('points'),
            group_by=[record.volunteer, year])


class Award(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Volunteer Award"
    __name__ = 'civic.volunteer.award'
    _scope_area = 'area'
    _states = {'readonly': Eval('state') != 'draft'}
    year = fields.Integer("Year", required=True, states=_states)
    title = fields.Char(
        "Title", required=True, states=_states,
        help="For example: 最美志愿者, 最美红色楼长.")
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT',
        states=_states, help="The area whose volunteers compete.")
    volunteer = fields.Many2One(
        'civic.volunteer', "Volunteer", required=True, ondelete='RESTRICT',
        states=_states,
        domain=[('area', 'child_of', [Eval('area', -1)], 'parent')])
    hours = fields.Function(
        fields.Numeric("Hours of the Year", digits=(16, 1)), 'get_standing')
    rank = fields.Function(
        fields.Integer("Rank", help="Among the area's volunteers of the "
            "year, by hours then points."), 'get_standing')
    approved_by = fields.Many2One(
        'res.user', "Approved by", readonly=True, ondelete='RESTRICT')
    award_line = fields.Many2One(
        'civic.points.line', "Points Awarded", readonly=True,
        ondelete='RESTRICT')
    state = fields.Selection([
            ('draft', "Draft"),
            ('approved', "Approved"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('award_unique', Unique(t, t.area, t.year, t.title, t.volunteer),
                'civic_volunteer.msg_award_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.area, Index.Equality()),
                (t.year, Index.Range())))
        cls._order = [('year', 'DESC'), ('area', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {('draft', 'approved')}
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_year(cls):
        return clock.today().year - 1

    def ranking(self):
        "The candidates of the area and year, best first"
        Candidate = Pool().get('civic.volunteer.candidate')
        with without_check_access():
            return Candidate.search([
                    ('year', '=', self.year),
                    ('area', 'child_of', [self.area.id], 'parent'),
                    ], order=[('hours', 'DESC'), ('points', 'DESC'),
                    ('id', 'ASC')])

    @classmethod
    def get_standing(cls, awards, names):
        result = {n: {} for n in names}
        for award in awards:
            ranking = award.ranking()
            standing = {c.volunteer.id: (rank, c.hours)
                for rank, c in enumerate(ranking, 1)}
            rank, hours = standing.get(award.volunteer.id, (None, None))
            if 'rank' in result:
                result['rank'][award.id] = rank
            if 'hours' in result:
                result['hours'][award.id] = hours
        return result

    @classmethod
    def validate_fields(cls, awards, field_names):
        super().validate_fields(awards, field_names)
        for award in awards:
            if award.rank is None:
                raise VolunteerError(gettext(
                        'civic_volunteer.msg_award_not_candidate',
                        volunteer=award.volunteer.rec_name, year=award.year))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, awards):
        "Approved by the officer: the honour rule's points"
        pool = Pool()
        Configuration = pool.get('civic.points.configuration')
        Line = pool.get('civic.points.line')
        rule = Configuration(1).honour_rule
        for award in awards:
            award.approved_by = Transaction().user or None
            if rule:
                award.award_line = Line.award(rule.code,
                    award.volunteer.party.id, 1, origin=award,
                    description=award.title)
        cls.save(awards)


class Line(metaclass=PoolMeta):
    __name__ = 'civic.points.line'

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['civic.volunteer.award']
