# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pyson import Eval

from civic_grid.scope import CONFIGURATION, ScopeMixin

from .exceptions import AwardError

CATEGORIES = [
    ('grid_worker', "Grid Worker"),
    ('building_leader', "Building or Unit Leader"),
    ('party_member', "Party Member"),
    ('resident', "Resident"),
    ('volunteer', "Volunteer"),
    ('rider', "Delivery Rider"),
    ]
ACTIONS = [
    ('visit', "Visit"),
    ('volunteer_hour', "Volunteer Hour"),
    ('reported_issue', "Reported Issue"),
    ('meeting', "Meeting Attended"),
    ('activity', "Activity Joined"),
    ('award', "Award"),
    ('other', "Other"),
    ]


class Rule(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Points Rule"
    __name__ = 'civic.points.rule'
    _scope_area = CONFIGURATION
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char(
        "Code", required=True,
        help="Other modules award points by this code.")
    category = fields.Selection(
        CATEGORIES, "Participant Category", required=True, sort=False)
    action = fields.Selection(ACTIONS, "Action", required=True, sort=False)
    points = fields.Integer(
        "Points per Unit", required=True, domain=[('points', '>', 0)])
    unit = fields.Char("Unit", translate=True, help="For example: hour.")
    daily_cap = fields.Integer(
        "Daily Cap",
        domain=['OR', ('daily_cap', '=', None), ('daily_cap', '>', 0)],
        help="Most points one person may earn by this rule in a day.")
    monthly_cap = fields.Integer(
        "Monthly Cap",
        domain=['OR', ('monthly_cap', '=', None), ('monthly_cap', '>', 0)],
        help="Most points one person may earn by this rule in a month.")
    needs_approval = fields.Boolean(
        "Needs Approval",
        help="Awards by this rule wait for an officer's approval "
        "before they count.")
    start_date = fields.Date("Valid From")
    end_date = fields.Date(
        "Valid Until",
        domain=['OR', ('end_date', '=', None),
            ('end_date', '>=', Eval('start_date', None))])
    description = fields.Text("Description", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'civic_points.msg_rule_code_unique'),
            ]
        cls._order = [('category', 'ASC'), ('code', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.name} [{self.code}]'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]

    def check_valid_on(self, date):
        "Raise AwardError unless the rule may award points on date"
        if not self.active:
            raise AwardError(gettext(
                    'civic_points.msg_rule_inactive', rule=self.rec_name))
        if ((self.start_date and date < self.start_date)
                or (self.end_date and date > self.end_date)):
            raise AwardError(gettext(
                    'civic_points.msg_rule_not_valid_on',
                    rule=self.rec_name, date=date))
