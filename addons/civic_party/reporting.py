# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Dual reporting (双报到): work units report to a community with a pairing
agreement, in-service members to the community where they live"""
from sql import Literal

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from civic_grid import clock
from civic_grid.area import path_ids
from civic_grid.scope import ScopeMixin

from .exceptions import ReportError

REPORT_STATES = [
    ('reported', "Reported"),
    ('confirmed', "Confirmed"),
    ('ended', "Ended"),
    ]
COMMUNITY_DOMAIN = [('level.code', '=', 'community')]


class ReportWorkflow(Workflow):
    "reported → confirmed (by the community) → ended"
    __slots__ = ()
    state = fields.Selection(
        REPORT_STATES, "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {
            ('reported', 'confirmed'),
            ('reported', 'ended'),
            ('confirmed', 'ended'),
            }
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'reported',
                    'depends': ['state'],
                    },
                'end': {
                    'invisible': Eval('state') == 'ended',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'reported'

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, reports):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('ended')
    def end(cls, reports):
        pass


class UnitReport(ScopeMixin, ReportWorkflow, ModelSQL, ModelView):
    __string__ = "Unit Report"
    __name__ = 'civic.party.unit_report'
    _scope_area = 'community'
    _states = {'readonly': Eval('state') != 'reported'}
    unit = fields.Many2One(
        'party.party', "Work Unit", required=True, ondelete='RESTRICT',
        domain=[('household', '=', None)], states=_states)
    community = fields.Many2One(
        'civic.area', "Community", required=True, ondelete='RESTRICT',
        domain=COMMUNITY_DOMAIN, states=_states)
    date = fields.Date("Report Date", required=True, states=_states)
    agreement_date = fields.Date(
        "Agreement Signed", states=_states,
        help="The day the pairing agreement was signed.")
    start_date = fields.Date("Valid From", required=True, states=_states)
    end_date = fields.Date(
        "Valid Until", states=_states,
        domain=[If(Eval('end_date') & Eval('start_date'),
                ('end_date', '>=', Eval('start_date')), ())])
    undertakings = fields.Text(
        "Undertakings", states=_states,
        help="What the unit undertakes in the pairing agreement.")
    contacts = fields.Many2Many(
        'civic.party.unit_report-res.user', 'report', 'user', "Contacts",
        help="The unit's users, who see its reports and its members'.")
    member_reports = fields.One2Many(
        'civic.party.member_report', 'unit_report', "Members Reported")
    del _states
    _units_of_user_cache = Cache(
        'civic.party.unit_report.units_of_user', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.community, Index.Equality())),
                Index(t, (t.unit, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_date(cls):
        return clock.today()

    @classmethod
    def default_start_date(cls):
        return clock.today()

    def get_rec_name(self, name):
        return f'{self.unit.rec_name} → {self.community.rec_name}'

    @classmethod
    def units_of_user(cls, user_id=None):
        "The ids of the work units whose reports the user is a contact of"
        pool = Pool()
        ReportUser = pool.get('civic.party.unit_report-res.user')
        user_id = user_id or Transaction().user
        units = cls._units_of_user_cache.get(user_id)
        if units is None:
            link = ReportUser.__table__()
            report = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*link.join(report,
                    condition=link.report == report.id).select(
                    report.unit, where=(link.user == user_id)
                    & (report.state != Literal('ended'))))
            units = frozenset(u for u, in cursor)
            cls._units_of_user_cache.set(user_id, units)
        return units

    @classmethod
    def write(cls, *args):
        super().write(*args)
        cls._units_of_user_cache.clear()

    @classmethod
    def validate_fields(cls, reports, field_names):
        super().validate_fields(reports, field_names)
        if field_names & {'start_date', 'end_date'}:
            for report in reports:
                if report.end_date and report.end_date < report.start_date:
                    raise ReportError(gettext(
                            'civic_party.msg_agreement_dates',
                            report=report.rec_name))


class UnitReportUser(ScopeMixin, ModelSQL):
    __string__ = "Unit Report - User"
    __name__ = 'civic.party.unit_report-res.user'
    _scope_area = 'report.community'
    report = fields.Many2One(
        'civic.party.unit_report', "Report", required=True,
        ondelete='CASCADE')
    user = fields.Many2One('res.user', "User", required=True,
        ondelete='CASCADE')

    @classmethod
    def create(cls, vlist):
        links = super().create(vlist)
        Pool().get('civic.party.unit_report')._units_of_user_cache.clear()
        return links

    @classmethod
    def write(cls, *args):
        super().write(*args)
        Pool().get('civic.party.unit_report')._units_of_user_cache.clear()

    @classmethod
    def delete(cls, links):
        super().delete(links)
        Pool().get('civic.party.unit_report')._units_of_user_cache.clear()


class MemberReport(ScopeMixin, ReportWorkflow, ModelSQL, ModelView):
    __string__ = "Member Report"
    __name__ = 'civic.party.member_report'
    _scope_area = 'community'
    _states = {'readonly': Eval('state') == 'ended'}
    member = fields.Many2One(
        'civic.party.member', "Member", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'reported'})
    community = fields.Many2One(
        'civic.area', "Community", required=True, ondelete='RESTRICT',
        domain=COMMUNITY_DOMAIN,
        states={'readonly': Eval('state') != 'reported'},
        help="The community where the member lives.")
    unit_report = fields.Many2One(
        'civic.party.unit_report', "Through the Unit", ondelete='RESTRICT',
        domain=[('unit', '=', Eval('work_unit', -1))],
        states={'readonly': Eval('state') != 'reported'},
        help="The report of the member's work unit, whose contacts then "
        "see this one.")
    work_unit = fields.Function(
        fields.Many2One('party.party', "Work Unit"),
        'on_change_with_work_unit')
    date = fields.Date("Report Date", required=True,
        states={'readonly': Eval('state') != 'reported'})
    normal_duties = fields.Text(
        "Duties in Normal Times", states=_states,
        help="One duty per line.")
    emergency_duties = fields.Text(
        "Duties in Emergencies", states=_states,
        help="One duty per line.")
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.community, Index.Equality())),
                Index(t, (t.member, Index.Equality())),
                Index(t, (t.unit_report, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_date(cls):
        return clock.today()

    @fields.depends('member', '_parent_member.work_unit')
    def on_change_with_work_unit(self, name=None):
        if self.member and self.member.work_unit:
            return self.member.work_unit.id

    @fields.depends('member', 'community', '_parent_member.party')
    def on_change_member(self):
        if self.member and not self.community:
            community = residence_community(self.member)
            if community:
                self.community = community

    def get_rec_name(self, name):
        return f'{self.member.rec_name} → {self.community.rec_name}'

    @classmethod
    def validate_fields(cls, reports, field_names):
        super().validate_fields(reports, field_names)
        if field_names & {'member', 'community', 'state'}:
            cls.check_residence(reports)
            cls.check_unique(reports)

    @classmethod
    def check_residence(cls, reports):
        "A member reports to the community where they live"
        for report in reports:
            if residence_community(report.member) != report.community:
                raise ReportError(gettext(
                        'civic_party.msg_report_residence',
                        member=report.member.rec_name,
                        community=report.community.rec_name))

    @classmethod
    def check_unique(cls, reports):
        "One report of a member to a community that is not ended"
        with without_check_access():
            for report in reports:
                if report.state == 'ended':
                    continue
                others = cls.search([
                        ('id', '!=', report.id),
                        ('member', '=', report.member.id),
                        ('community', '=', report.community.id),
                        ('state', '!=', 'ended'),
                        ], limit=1)
                if others:
                    raise ReportError(gettext(
                            'civic_party.msg_report_twice',
                            member=report.member.rec_name,
                            community=report.community.rec_name))


def residence_community(member):
    "The community above the member's household, None without one"
    household = member.party.household
    if not household:
        return None
    Area = Pool().get('civic.area')
    with without_check_access():
        areas = Area.browse(path_ids(household.area.id, household.area.path))
        for area in areas:
            if area.level.code == 'community':
                return area
