# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Assessment runs: a plan applied to an area for a period, one sheet per
appointment (or community) with each indicator's value, score and evidence;
ranked, red flags for the best of each community every quarter, funding
tiers every year"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sql import Literal, Null

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONEncoder
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import StateAction

from civic_grid import clock
from civic_grid.report import HTMLReport
from civic_grid.scope import ScopedWizard, ScopeMixin
from civic_grid.xlsx import XLSXReport, labels, workbook_bytes

from .exceptions import RunError, ScoreError
from .measure import MEASURES, Subject, execute, in_tree
from .plan import PARTICIPANTS

QUARTERS = [
    (None, ""),
    ('q1', "First Quarter"),
    ('q2', "Second Quarter"),
    ('q3', "Third Quarter"),
    ('q4', "Fourth Quarter"),
    ]
STATES = [
    ('draft', "Draft"),
    ('computed', "Computed"),
    ('confirmed', "Confirmed"),
    ]
TIERS = [
    (None, ""),
    ('first', "First Tier"),
    ('second', "Second Tier"),
    ('third', "Third Tier"),
    ]
CENT = Decimal('0.01')


class Run(ScopeMixin, Workflow, ModelSQL, ModelView):
    "A plan's assessment of an area's participants for a period"
    __string__ = "Assessment Run"
    __name__ = 'civic.assessment.run'
    _scope_area = 'area'
    _draft = {'readonly': Eval('state') != 'draft'}
    plan = fields.Many2One(
        'civic.assessment.plan', "Plan", required=True, ondelete='RESTRICT',
        domain=[('state', '=', 'active')], states=_draft)
    participant = fields.Function(
        fields.Selection(PARTICIPANTS, "Assessed"),
        'on_change_with_participant')
    period = fields.Function(
        fields.Selection([('quarter', "Quarter"), ('year', "Year")],
            "Period"), 'on_change_with_period')
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT',
        states=_draft,
        help="The street, community or district whose participants are "
        "assessed; the county for the county-wide community ranking.")
    year = fields.Integer("Year", required=True, states=_draft)
    quarter = fields.Selection(
        QUARTERS, "Quarter", sort=False, states={
            'readonly': _draft['readonly'],
            'required': Eval('period') == 'quarter',
            'invisible': Eval('period') != 'quarter',
            })
    quarter_string = quarter.translated('quarter')
    start_date = fields.Function(fields.Date("From"), 'get_dates')
    end_date = fields.Function(fields.Date("To"), 'get_dates')
    sheets = fields.One2Many(
        'civic.assessment.sheet', 'run', "Sheets", readonly=True,
        order=[('rank_group', 'ASC'), ('rank', 'ASC'), ('id', 'ASC')])
    sheet_count = fields.Function(
        fields.Integer("Sheets"), 'get_sheet_count')
    computed_at = fields.DateTime("Computed at", readonly=True)
    confirmed_by = fields.Many2One(
        'res.user', "Confirmed by", readonly=True, ondelete='RESTRICT')
    confirmed_date = fields.Date("Confirmed on", readonly=True)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('quarter', 'DESC NULLS FIRST'),
            ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'computed'), ('computed', 'computed'),
            ('computed', 'confirmed')}
        cls._buttons.update({
                'compute': {
                    'invisible': Eval('state') == 'confirmed',
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'computed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_year(cls):
        return clock.today().year

    @fields.depends('plan')
    def on_change_with_participant(self, name=None):
        return self.plan.participant if self.plan else None

    @fields.depends('plan')
    def on_change_with_period(self, name=None):
        return self.plan.period if self.plan else None

    @fields.depends('plan', 'quarter')
    def on_change_plan(self):
        if self.plan and self.plan.period == 'year':
            self.quarter = None

    def get_rec_name(self, name):
        period = str(self.year)
        if self.quarter:
            period += ' ' + self.quarter_string
        return f'{self.plan.rec_name} {self.area.rec_name} {period}'

    @property
    def dates(self):
        "The first day of the period and the first day after it"
        if self.plan.period == 'year' or not self.quarter:
            start = dt.date(self.year, 1, 1)
            return start, start + relativedelta(years=1)
        start = dt.date(self.year, 3 * int(self.quarter[1]) - 2, 1)
        return start, start + relativedelta(months=3)

    @classmethod
    def get_dates(cls, runs, names):
        result = {n: {} for n in names}
        for run in runs:
            start, end = run.dates
            if 'start_date' in result:
                result['start_date'][run.id] = start
            if 'end_date' in result:
                result['end_date'][run.id] = end - dt.timedelta(days=1)
        return result

    def get_sheet_count(self, name):
        return len(self.sheets)

    @classmethod
    def validate_fields(cls, runs, field_names):
        super().validate_fields(runs, field_names)
        for run in runs:
            if run.plan.period == 'quarter' and not run.quarter:
                raise RunError(gettext('civic_assessment.msg_run_quarter',
                        run=run.rec_name))
            if not (2000 <= run.year <= 2100):
                raise RunError(gettext('civic_assessment.msg_run_year',
                        year=run.year))

    @classmethod
    def check_modification(cls, mode, runs, values=None, external=False):
        super().check_modification(
            mode, runs, values=values, external=external)
        if mode in {'write', 'delete'} and external:
            for run in runs:
                if run.state == 'confirmed':
                    raise AccessError(gettext(
                            'civic_assessment.msg_run_frozen',
                            run=run.rec_name))

    @classmethod
    def copy(cls, runs, default=None):
        default = dict(default or {})
        for name in ['sheets', 'computed_at', 'confirmed_by',
                'confirmed_date']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(runs, default=default)

    @classmethod
    @ModelView.button
    def compute(cls, runs):
        """Read the period's figures into a sheet per participant, keeping
        the manual scores already given"""
        for run in runs:
            if run.state == 'confirmed':
                raise RunError(gettext('civic_assessment.msg_run_confirmed',
                        run=run.rec_name))
            if run.dates[1] > clock.today():
                raise RunError(gettext('civic_assessment.msg_run_not_over',
                        run=run.rec_name,
                        end=run.dates[1] - dt.timedelta(days=1)))
        cls.mark_computed(runs)

    @classmethod
    @Workflow.transition('computed')
    def mark_computed(cls, runs):
        with without_check_access():
            for run in runs:
                run.replace_sheets()
            cls.write(list(runs), {'computed_at': clock.now()})
            cls.rank(runs)

    @classmethod
    @ModelView.button
    def confirm(cls, runs):
        "Freeze the sheets: they are printed and the results are used"
        for run in runs:
            if run.state == 'confirmed':
                raise RunError(gettext('civic_assessment.msg_run_confirmed',
                        run=run.rec_name))
            if run.state != 'computed':
                raise RunError(gettext(
                        'civic_assessment.msg_run_not_computed',
                        run=run.rec_name))
        cls.mark_confirmed(runs)

    @classmethod
    @Workflow.transition('confirmed')
    def mark_confirmed(cls, runs):
        cls.rank(runs)
        with without_check_access():
            cls.write(list(runs), {
                    'confirmed_by': Transaction().user or None,
                    'confirmed_date': clock.today(),
                    })

    def subjects(self):
        "The participants of the run: [Subject]"
        pool = Pool()
        Area = pool.get('civic.area')
        area = Area.__table__()
        if self.plan.participant == 'community':
            level = pool.get('ir.model.data').get_id(
                'civic_grid', 'level_community')
            rows = execute(area.select(area.id, area.path,
                    where=in_tree(area, self.area.path)
                    & (area.level == level)
                    & (area.active == Literal(True)),
                    order_by=[area.path]))
            return [Subject(None, i, p) for i, p in rows]
        Appointment = pool.get('civic.appointment')
        Role = pool.get('civic.role')
        appointment = Appointment.__table__()
        role = Role.__table__()
        start, end = self.dates
        rows = execute(appointment.join(role,
                condition=appointment.role == role.id
                ).join(area, condition=appointment.area == area.id
                ).select(appointment.party, appointment.area, area.path,
                where=in_tree(area, self.area.path)
                & (role.category == self.plan.participant)
                & (appointment.start_date < end)
                & ((appointment.end_date == Null)
                    | (appointment.end_date >= start)),
                order_by=[area.path, appointment.party]))
        return list(dict.fromkeys(Subject(*r) for r in rows))

    def replace_sheets(self):
        pool = Pool()
        Sheet = pool.get('civic.assessment.sheet')
        Line = pool.get('civic.assessment.line')
        subjects = self.subjects()
        kept = {(l.sheet.party and l.sheet.party.id, l.sheet.area.id,
                l.indicator.id): (l.manual_score, l.reason)
            for s in self.sheets for l in s.lines
            if l.manual_score is not None}
        indicators = [i for a in self.plan.aspects for i in a.indicators]
        results = self.measure_results(subjects, indicators)
        communities = self.communities([s.area for s in subjects])
        Sheet.delete(self.sheets)
        sheets = Sheet.create([{
                    'run': self.id,
                    'party': s.party,
                    'area': s.area,
                    'rank_group': (self.area.id
                        if self.plan.participant == 'community'
                        else communities.get(s.area, s.area)),
                    } for s in subjects])
        vlist = []
        for index, (subject, sheet) in enumerate(zip(subjects, sheets)):
            for indicator in indicators:
                values = {'sheet': sheet.id, 'indicator': indicator.id}
                if indicator.measure == 'manual':
                    score, reason = kept.get(
                        (subject.party, subject.area, indicator.id),
                        (None, None))
                    values.update(manual_score=score, reason=reason)
                else:
                    result = results[indicator.measure][index]
                    values.update(value=result.value,
                        evidence_model=result.model,
                        evidence=','.join(map(str, result.ids)) or None,
                        evidence_count=len(result.ids))
                vlist.append(values)
        Line.create(vlist)

    def measure_results(self, subjects, indicators):
        "{measure: {subject index: Result}}"
        start, end = self.dates
        return {m: MEASURES[m].results(subjects, self.area.path, start, end)
            for m in {i.measure for i in indicators if i.measure != 'manual'}}

    def communities(self, area_ids):
        "{area: its community} of area_ids"
        Area = Pool().get('civic.area')
        ancestors = Area.ancestors_by_level(area_ids)
        return {a: ancestors.get(a, {}).get('community') or a
            for a in area_ids}

    @classmethod
    def rank(cls, runs):
        """Score the sheets, rank them per community (or across the run for
        communities), name the red flags and the funding tiers"""
        pool = Pool()
        Sheet = pool.get('civic.assessment.sheet')
        config = pool.get('civic.assessment.configuration')(1)
        sheets = []
        for run in cls.browse(runs):
            groups = defaultdict(list)
            for sheet in run.sheets:
                sheet.total = sheet.compute_total()
                groups[sheet.rank_group.id].append(sheet)
            for group in groups.values():
                group.sort(key=lambda s: (-s.total, s.id))
                previous = None
                for position, sheet in enumerate(group, 1):
                    sheet.rank = (previous.rank if previous
                        and previous.total == sheet.total else position)
                    previous = sheet
                    sheet.red_flag = (run.plan.period == 'quarter'
                        and run.plan.participant != 'community'
                        and sheet.rank <= config.red_flags
                        and sheet.total > 0)
                    sheet.tier, sheet.funding = (run.tier_of(sheet.total,
                            config) if run.plan.period == 'year'
                        else (None, None))
                sheets.extend(group)
        with without_check_access():
            Sheet.save(sheets)

    @staticmethod
    def tier_of(total, config):
        if total >= config.first_tier_score:
            return 'first', config.first_tier_amount
        if total >= config.second_tier_score:
            return 'second', config.second_tier_amount
        return 'third', config.third_tier_amount


class Sheet(ScopeMixin, ModelSQL, ModelView):
    "A participant's assessment for the run's period"
    __string__ = "Assessment Sheet"
    __name__ = 'civic.assessment.sheet'
    _scope_area = 'area'
    run = fields.Many2One(
        'civic.assessment.run', "Run", required=True, ondelete='CASCADE',
        readonly=True)
    run_state = fields.Function(
        fields.Selection(STATES, "Run State"), 'on_change_with_run_state')
    party = fields.Many2One(
        'party.party', "Person", readonly=True, ondelete='RESTRICT')
    area = fields.Many2One(
        'civic.area', "Area", required=True, readonly=True,
        ondelete='RESTRICT')
    rank_group = fields.Many2One(
        'civic.area', "Ranked in", readonly=True, ondelete='RESTRICT',
        help="The community the sheet is ranked in (the run's area for "
        "communities).")
    total = fields.Numeric("Score", digits=(5, 2), readonly=True)
    rank = fields.Integer("Rank", readonly=True)
    red_flag = fields.Boolean("Red Flag", readonly=True)
    red_flag_title = fields.Function(
        fields.Char("Red Flag Title"), 'get_red_flag_title')
    tier = fields.Selection(TIERS, "Funding Tier", readonly=True, sort=False)
    tier_string = tier.translated('tier')
    funding = fields.Numeric("Funding", digits=(16, 2), readonly=True)
    lines = fields.One2Many(
        'civic.assessment.line', 'sheet', "Indicators",
        states={'readonly': Eval('run_state') != 'computed'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.run, Index.Range())))
        cls._order = [('run', 'DESC'), ('rank_group', 'ASC'),
            ('rank', 'ASC'), ('id', 'ASC')]

    @fields.depends('run', '_parent_run.state')
    def on_change_with_run_state(self, name=None):
        return self.run.state if self.run else None

    def get_rec_name(self, name):
        if self.party:
            return f'{self.party.rec_name} ({self.area.rec_name})'
        return self.area.rec_name

    def compute_total(self):
        "The weighted score of the aspects out of 100"
        scores = {l.indicator.id: l.score for l in self.lines}
        total = sum(Decimal(a.weight) * a.score_of(scores)
            for a in self.run.plan.aspects) / 100
        return total.quantize(CENT)

    def get_red_flag_title(self, name):
        if not self.red_flag:
            return None
        if self.run.plan.participant == 'household':
            return gettext('civic_assessment.msg_red_flag_household')
        if self.area.level.code == 'micro_grid':
            return gettext('civic_assessment.msg_red_flag_micro_grid')
        return gettext('civic_assessment.msg_red_flag_grid')

    @classmethod
    def check_modification(cls, mode, sheets, values=None, external=False):
        super().check_modification(
            mode, sheets, values=values, external=external)
        if external and mode in {'create', 'write', 'delete'}:
            raise AccessError(gettext('civic_assessment.msg_sheet_computed'))


class Line(ScopeMixin, ModelSQL, ModelView):
    "An indicator's value and score on a sheet"
    __string__ = "Assessment Sheet Line"
    __name__ = 'civic.assessment.line'
    _scope_area = 'sheet.area'
    sheet = fields.Many2One(
        'civic.assessment.sheet', "Sheet", required=True, readonly=True,
        ondelete='CASCADE')
    indicator = fields.Many2One(
        'civic.assessment.indicator', "Indicator", required=True,
        readonly=True, ondelete='RESTRICT')
    aspect = fields.Function(
        fields.Many2One('civic.assessment.aspect', "Aspect"), 'get_aspect')
    manual = fields.Function(fields.Boolean("Manual"), 'get_manual')
    run_state = fields.Function(
        fields.Selection(STATES, "Run State"), 'get_run_state')
    value = fields.Numeric("Value", digits=(16, 1), readonly=True)
    manual_score = fields.Numeric(
        "Officer's Score", digits=(5, 2), states={
            'readonly': ~Eval('manual') | (Eval('run_state') != 'computed'),
            })
    reason = fields.Char(
        "Reason", states={
            'readonly': ~Eval('manual') | (Eval('run_state') != 'computed'),
            },
        help="Why the officer's score differs from the plan's.")
    score = fields.Function(
        fields.Numeric("Score", digits=(5, 2)), 'get_score')
    evidence_model = fields.Char("Evidence Model", readonly=True)
    evidence = fields.Text("Evidence", readonly=True,
        help="The ids of the records counted.")
    evidence_count = fields.Integer("Records Counted", readonly=True)
    formula = fields.Function(fields.Text("Formula"), 'get_formula')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.sheet, Index.Range())))
        cls._order = [('sheet', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'open_evidence': {
                    'invisible': ~Eval('evidence_count'),
                    'depends': ['evidence_count'],
                    },
                })
        cls._scope_button_modes = {'open_evidence': 'read'}

    @classmethod
    @ModelView.button_action('civic_assessment.wizard_evidence')
    def open_evidence(cls, lines):
        pass

    def get_aspect(self, name):
        return self.indicator.aspect.id

    def get_manual(self, name):
        return self.indicator.measure == 'manual'

    def get_run_state(self, name):
        return self.sheet.run.state

    def get_formula(self, name):
        return self.indicator.formula

    @property
    def score_value(self):
        if self.indicator.measure == 'manual':
            return (self.manual_score if self.manual_score is not None
                else self.indicator.default_score)
        return self.indicator.score(self.value)

    def get_score(self, name):
        return Decimal(self.score_value).quantize(CENT)

    @property
    def evidence_ids(self):
        return [int(i) for i in (self.evidence or '').split(',') if i]

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if not external:
            return
        if mode != 'write' or set(values or {}) - {'manual_score', 'reason'}:
            raise AccessError(gettext('civic_assessment.msg_sheet_computed'))
        for line in lines:
            if line.sheet.run.state != 'computed':
                raise AccessError(gettext('civic_assessment.msg_run_frozen',
                        run=line.sheet.run.rec_name))
            if not line.manual:
                raise ScoreError(gettext(
                        'civic_assessment.msg_score_not_manual',
                        indicator=line.indicator.rec_name))

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        if field_names and not (field_names & {'manual_score', 'reason'}):
            return
        for line in lines:
            line.check_manual_score()

    def check_manual_score(self):
        score = self.manual_score
        if score is None:
            return
        if not (0 <= score <= 100):
            raise ScoreError(gettext('civic_assessment.msg_score_range',
                    indicator=self.indicator.rec_name, score=score))
        if (score != self.indicator.default_score
                and not (self.reason or '').strip()):
            raise ScoreError(gettext('civic_assessment.msg_score_reason',
                    indicator=self.indicator.rec_name,
                    sheet=self.sheet.rec_name))

    @classmethod
    def write(cls, *args):
        super().write(*args)
        runs = {l.sheet.run for l in sum(args[::2], [])}
        if runs:
            Pool().get('civic.assessment.run').rank(list(runs))


class Evidence(ScopedWizard):
    "Open the records an indicator counted"
    __name__ = 'civic.assessment.evidence'
    start_state = 'open_'
    open_ = StateAction('civic_assessment.act_evidence')

    def do_open_(self, action):
        pool = Pool()
        lines = [l for l in self.records if l.evidence_model
            and l.evidence_ids]
        if not lines:
            raise RunError(gettext('civic_assessment.msg_no_evidence'))
        model = lines[0].evidence_model
        ids = sorted({i for l in lines if l.evidence_model == model
                for i in l.evidence_ids})
        Model = pool.get(model)
        action['res_model'] = model
        action['name'] = Model.__names__()['model']
        action['pyson_domain'] = PYSONEncoder().encode(
            [('id', 'in', ids)])
        return action, {}


class SheetReport(HTMLReport):
    __name__ = 'civic.assessment.sheet.report'


class ResultReport(HTMLReport):
    __name__ = 'civic.assessment.run.report'


class ResultWorkbook(XLSXReport):
    "The results of a run as Excel: rank, score, red flag, tier, funding"
    __name__ = 'civic.assessment.run.xlsx'

    @classmethod
    def render_xlsx(cls, runs):
        Sheet = Pool().get('civic.assessment.sheet')
        names = ['rank_group', 'rank', 'area', 'party', 'total',
            'red_flag_title', 'tier', 'funding']
        header = labels(Sheet, names)
        return workbook_bytes([(run.rec_name, header, [
                        (s.rank_group.rec_name, s.rank, s.area.rec_name,
                            s.party.rec_name if s.party else None,
                            float(s.total or 0), s.red_flag_title,
                            s.tier_string or None,
                            float(s.funding) if s.funding is not None
                            else None)
                        for s in run.sheets]) for run in runs],
            width=[20, 6, 24, 12, 8, 12, 10, 10])
