# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Volunteers (志愿者), one per person, with the hours of their confirmed
service records and the star level those hours reach"""
from decimal import Decimal

from sql.aggregate import Sum
from sql.conditionals import Coalesce

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from civic_grid import clock
from civic_grid.locking import lock
from civic_grid.scope import ScopeMixin

from .exceptions import VolunteerError

AVAILABILITY = [
    ('any', "Any Time"),
    ('weekdays', "Weekdays"),
    ('evenings', "Weekday Evenings"),
    ('weekends', "Weekends"),
    ]


class Skill(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Volunteer Skill"
    __name__ = 'civic.volunteer.skill'
    _scope_area = 'configuration'
    name = fields.Char("Name", required=True, translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('name', 'ASC'), ('id', 'ASC')]


class Volunteer(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Volunteer"
    __name__ = 'civic.volunteer'
    _scope_area = 'area'
    party = fields.Many2One(
        'party.party', "Person", required=True, ondelete='RESTRICT')
    area = fields.Many2One(
        'civic.area', "Serves in", required=True, ondelete='RESTRICT',
        help="The community or grid where the volunteer serves.")
    user = fields.Many2One(
        'res.user', "User", ondelete='SET NULL',
        help="The volunteer's own login: it sees the volunteer's sign-ups, "
        "hours, certificates and emergency tasks.")
    registration_date = fields.Date("Registration Date", required=True)
    skills = fields.Many2Many(
        'civic.volunteer-civic.volunteer.skill', 'volunteer', 'skill',
        "Skills")
    availability = fields.Selection(
        AVAILABILITY, "Availability", required=True, sort=False)
    teams = fields.Many2Many(
        'civic.volunteer.team-civic.volunteer', 'volunteer', 'team', "Teams")
    hours = fields.Numeric(
        "Service Hours", digits=(16, 1), readonly=True,
        help="The sum of the hours of the volunteer's service records.")
    stars = fields.Function(
        fields.Integer("Stars"), 'get_stars')
    records = fields.One2Many(
        'civic.volunteer.record', 'volunteer', "Service Records",
        readonly=True)
    _of_user_cache = Cache('civic.volunteer.of_user', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('party_unique', Unique(t, t.party),
                'civic_volunteer.msg_volunteer_party_unique'),
            ('user_unique', Unique(t, t.user),
                'civic_volunteer.msg_volunteer_user_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.area, Index.Equality())),
                Index(t, (t.user, Index.Equality())),
                })
        cls._order = [('area', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_registration_date(cls):
        return clock.today()

    @classmethod
    def default_availability(cls):
        return 'any'

    @classmethod
    def default_hours(cls):
        return Decimal('0.0')

    def get_rec_name(self, name):
        with without_check_access():
            return self.party.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('party.name',) + tuple(clause[1:])]

    @classmethod
    def get_stars(cls, volunteers, name):
        configuration = Pool().get('civic.volunteer.configuration')(1)
        return {v.id: configuration.stars_for(v.hours or 0)
            for v in volunteers}

    @classmethod
    def of_user(cls, user_id=None):
        "The ids of the volunteers whose login the user is"
        user_id = user_id or Transaction().user
        volunteers = cls._of_user_cache.get(user_id)
        if volunteers is None:
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(table.id,
                    where=table.user == user_id))
            volunteers = frozenset(v for v, in cursor)
            cls._of_user_cache.set(user_id, volunteers)
        return volunteers

    @classmethod
    def create(cls, vlist):
        vlist = [{**v, 'hours': Decimal('0.0')} for v in vlist]
        records = super().create(vlist)
        cls._of_user_cache.clear()
        return records

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for _, values in zip(actions, actions):
            if 'hours' in values and Transaction().user:
                raise VolunteerError(gettext(
                        'civic_volunteer.msg_hours_from_records'))
        super().write(*args)
        cls._of_user_cache.clear()

    @classmethod
    def delete(cls, volunteers):
        super().delete(volunteers)
        cls._of_user_cache.clear()

    @classmethod
    def add_hours(cls, records):
        """Keep each volunteer's hours equal to the sum of their service
        records, under the volunteer's row lock"""
        Record = Pool().get('civic.volunteer.record')
        volunteers = lock(cls, {r.volunteer for r in records})
        record = Record.__table__()
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        for volunteer in volunteers:
            cursor.execute(*record.select(
                    Coalesce(Sum(record.hours), 0),
                    where=record.volunteer == volunteer.id))
            total, = cursor.fetchone()
            cursor.execute(*table.update([table.hours],
                    [Decimal(str(total)).quantize(Decimal('0.1'))],
                    where=table.id == volunteer.id))
        cls._of_user_cache.clear()


class VolunteerSkill(ScopeMixin, ModelSQL):
    __string__ = "Volunteer - Skill"
    __name__ = 'civic.volunteer-civic.volunteer.skill'
    _scope_area = 'volunteer.area'
    volunteer = fields.Many2One(
        'civic.volunteer', "Volunteer", required=True, ondelete='CASCADE')
    skill = fields.Many2One(
        'civic.volunteer.skill', "Skill", required=True, ondelete='CASCADE')


class MemberReport(metaclass=PoolMeta):
    "A reported Party member becomes a volunteer in one click"
    __name__ = 'civic.party.member_report'
    volunteer = fields.Function(
        fields.Many2One('civic.volunteer', "Volunteer"), 'get_volunteer')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'make_volunteer': {
                    'invisible': (Eval('state') == 'ended')
                    | Eval('volunteer'),
                    'depends': ['state', 'volunteer'],
                    },
                })

    @classmethod
    def get_volunteer(cls, reports, name):
        Volunteer = Pool().get('civic.volunteer')
        with without_check_access():
            volunteers = {v.party.id: v.id for v in Volunteer.search([
                        ('party', 'in', [r.member.party.id for r in reports]),
                        ('active', 'in', [True, False]),
                        ])}
        return {r.id: volunteers.get(r.member.party.id) for r in reports}

    @classmethod
    @ModelView.button
    def make_volunteer(cls, reports):
        Volunteer = Pool().get('civic.volunteer')
        for report in reports:
            if report.volunteer or report.state == 'ended':
                raise VolunteerError(gettext(
                        'civic_volunteer.msg_already_volunteer',
                        person=report.member.rec_name))
        Volunteer.create([{
                    'party': r.member.party.id,
                    'area': r.community.id,
                    } for r in reports])
