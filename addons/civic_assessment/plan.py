# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Assessment plans: for a kind of participant and a period, aspects with
weights summing to 100, each with indicators read from the live data or
scored by the officer"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Workflow, fields, sequence_ordered)
from trytond.pyson import Eval

from civic_grid.scope import CONFIGURATION, ScopeMixin

from .exceptions import PlanError
from .measure import MEASURES

PARTICIPANTS = [
    ('grid_worker', "Grid Workers"),
    ('grid_leader', "Grid and Micro-grid Leaders"),
    ('building_leader', "Building and Unit Leaders"),
    ('household', "Central Households"),
    ('community', "Communities"),
    ]
PERIODS = [
    ('quarter', "Quarter"),
    ('year', "Year"),
    ]
MEASURE_STRINGS = [
    ('manual', "Scored by the Officer"),
    ('coverage', "Door-knocking Coverage (%)"),
    ('visits', "Visits Logged"),
    ('events_reported', "Events Reported"),
    ('on_time', "Events Resolved on Time (%)"),
    ('satisfaction', "Residents' Satisfaction (%)"),
    ('points_earned', "Points Earned"),
    ('wishes_fulfilled', "Micro-wishes Fulfilled"),
    ('volunteer_hours', "Volunteer Service Hours"),
    ('meetings_attended', "Party Meetings Attended"),
    ]
_draft = {'readonly': Eval('plan_state', 'draft') != 'draft'}


class Plan(ScopeMixin, DeactivableMixin, Workflow, ModelSQL, ModelView):
    "How a kind of participant is assessed for a period"
    __string__ = "Assessment Plan"
    __name__ = 'civic.assessment.plan'
    _scope_area = CONFIGURATION
    _states = {'readonly': Eval('state') != 'draft'}
    name = fields.Char("Name", required=True, translate=True, states=_states)
    participant = fields.Selection(
        PARTICIPANTS, "Assessed", required=True, sort=False, states=_states,
        help="Grid workers, leaders and central households get one sheet "
        "per appointment in the run's area; communities one sheet each.")
    participant_string = participant.translated('participant')
    period = fields.Selection(
        PERIODS, "Period", required=True, sort=False, states=_states)
    period_string = period.translated('period')
    aspects = fields.One2Many(
        'civic.assessment.aspect', 'plan', "Aspects", states=_states)
    total_weight = fields.Function(
        fields.Integer("Total Weight"), 'on_change_with_total_weight')
    state = fields.Selection([
            ('draft', "Draft"),
            ('active', "Active"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('participant', 'ASC'), ('period', 'ASC'),
            ('id', 'ASC')]
        cls._transitions |= {('draft', 'active'), ('active', 'draft')}
        cls._buttons.update({
                'activate': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_period(cls):
        return 'quarter'

    @classmethod
    def default_participant(cls):
        return 'grid_worker'

    @fields.depends('aspects')
    def on_change_with_total_weight(self, name=None):
        return sum(a.weight or 0 for a in self.aspects or [])

    @classmethod
    @ModelView.button
    @Workflow.transition('active')
    def activate(cls, plans):
        "Put the plans to use, once their weights sum to 100"
        for plan in plans:
            plan.check_weights()

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, plans):
        pass

    def check_weights(self):
        if self.total_weight != 100:
            raise PlanError(gettext('civic_assessment.msg_plan_weights',
                    plan=self.rec_name, total=self.total_weight))
        for aspect in self.aspects:
            if not aspect.indicators:
                raise PlanError(gettext(
                        'civic_assessment.msg_aspect_no_indicator',
                        aspect=aspect.rec_name))
            for indicator in aspect.indicators:
                indicator.check_measure(self)

    @classmethod
    def copy(cls, plans, default=None):
        default = dict(default or {})
        default.setdefault('state', 'draft')
        return super().copy(plans, default=default)


class PlanChild:
    __slots__ = ()
    plan_state = fields.Function(
        fields.Selection([('draft', "Draft"), ('active', "Active")],
            "Plan State"), 'get_plan_state')

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode in {'create', 'write', 'delete'}:
            for record in records:
                plan = record.plan_of()
                if plan and plan.state != 'draft':
                    raise PlanError(gettext(
                            'civic_assessment.msg_plan_active',
                            plan=plan.rec_name))


class Aspect(PlanChild, ScopeMixin, sequence_ordered(), ModelSQL, ModelView):
    "A part of the work assessed, with its weight out of 100"
    __string__ = "Assessment Aspect"
    __name__ = 'civic.assessment.aspect'
    _scope_area = CONFIGURATION
    plan = fields.Many2One(
        'civic.assessment.plan', "Plan", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True, states=_draft)
    weight = fields.Integer(
        "Weight", required=True, states=_draft,
        domain=[('weight', '>=', 0), ('weight', '<=', 100)],
        help="The aspect's share of the total score; the plan's aspects "
        "sum to 100.")
    indicators = fields.One2Many(
        'civic.assessment.indicator', 'aspect', "Indicators",
        states=_draft)

    def plan_of(self):
        return self.plan

    def get_plan_state(self, name):
        return self.plan.state

    def score_of(self, scores):
        "The weighted mean of scores {indicator: score}"
        total = sum(i.weight for i in self.indicators)
        if not total:
            return Decimal(0)
        return sum(Decimal(i.weight) * scores.get(i.id, 0)
            for i in self.indicators) / total


class Indicator(
        PlanChild, ScopeMixin, sequence_ordered(), ModelSQL, ModelView):
    "A figure of an aspect, with how it is scored out of 100"
    __string__ = "Assessment Indicator"
    __name__ = 'civic.assessment.indicator'
    _scope_area = CONFIGURATION
    aspect = fields.Many2One(
        'civic.assessment.aspect', "Aspect", required=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True, states=_draft)
    measure = fields.Selection(
        MEASURE_STRINGS, "Measure", required=True, states=_draft,
        help="What the indicator reads from the live data, or a score the "
        "officer gives.")
    measure_string = measure.translated('measure')
    target = fields.Numeric(
        "Full Score at", digits=(16, 1), states={
            'readonly': _draft['readonly'],
            'invisible': Eval('measure') == 'manual',
            'required': Eval('measure') != 'manual',
            },
        help="The value that earns the full 100; less earns its share.")
    default_score = fields.Numeric(
        "Score Unless Adjusted", digits=(5, 2), states={
            'readonly': _draft['readonly'],
            'invisible': Eval('measure') != 'manual',
            'required': Eval('measure') == 'manual',
            },
        help="The score every sheet starts with; the officer deducts or "
        "adds, with a reason.")
    weight = fields.Integer(
        "Weight in the Aspect", required=True, states=_draft,
        domain=[('weight', '>', 0)])
    formula = fields.Function(fields.Text("Formula"), 'get_formula')

    @classmethod
    def default_measure(cls):
        return 'manual'

    @classmethod
    def default_weight(cls):
        return 1

    @classmethod
    def default_default_score(cls):
        return Decimal(100)

    def plan_of(self):
        return self.aspect.plan if self.aspect else None

    def get_plan_state(self, name):
        return self.aspect.plan.state

    def check_measure(self, plan):
        if self.measure != 'manual' and not MEASURES[
                self.measure].available():
            raise PlanError(gettext(
                    'civic_assessment.msg_indicator_unavailable',
                    indicator=self.rec_name, measure=self.measure_string))
        if (self.measure != 'manual'
                and not (self.target and self.target > 0)):
            raise PlanError(gettext('civic_assessment.msg_indicator_target',
                    indicator=self.rec_name))
        if self.measure == 'manual' and not (
                0 <= (self.default_score or 0) <= 100):
            raise PlanError(gettext('civic_assessment.msg_score_range',
                    indicator=self.rec_name, score=self.default_score))

    def get_formula(self, name):
        if self.measure == 'manual':
            return gettext('civic_assessment.msg_formula_manual',
                default=format(
                    Decimal(self.default_score or 0).normalize(), 'f'))
        reading = gettext(f'civic_assessment.msg_formula_{self.measure}')
        target = format(Decimal(self.target or 0).normalize(), 'f')
        return gettext('civic_assessment.msg_formula_scored',
            reading=reading, target=target)

    def score(self, value):
        "The score out of 100 of value (None: nothing to judge, full score)"
        if value is None:
            return Decimal(100)
        share = min(Decimal(value) / self.target, Decimal(1))
        return (share * 100).quantize(Decimal('0.01'))
