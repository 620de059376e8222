# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Riders of the new employment groups (新就业群体), their platforms, their
appointment as part-time grid workers (兼职网格员) and their reports of
problems found on the street, which are grid events"""
import phonenumbers

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access

from civic_grid import clock
from civic_grid.locking import lock, waits_for_locks
from civic_grid.scope import AREA_IN_SCOPE, CONFIGURATION, ScopeMixin

from .exceptions import RiderError
from .station import as_degrees

RIDER_KINDS = [
    ('courier', "Courier"),
    ('delivery', "Delivery Rider"),
    ('ride_hailing', "Ride-hailing Driver"),
    ('truck', "Truck Driver"),
    ('online_host', "Online Host"),
    ]
# the civic_grid role of a rider serving as a grid worker part time
PART_TIME_ROLE = 'part_time_grid_worker'
REPORT_MAX = 2000


class Platform(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Platform"
    __name__ = 'civic.station.platform'
    _scope_area = CONFIGURATION
    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True)
    company = fields.Char(
        "Company", help="The company behind the platform.")
    kinds = fields.MultiSelection(
        RIDER_KINDS, "Kinds of Riders",
        help="The kinds of work the platform's riders do.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'civic_station.msg_platform_code_unique'),
            ]
        cls._order = [('name', 'ASC'), ('id', 'ASC')]


class Rider(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Rider"
    __name__ = 'civic.station.rider'
    _scope_area = 'grid'
    party = fields.Many2One(
        'party.party', "Person", required=True, ondelete='RESTRICT')
    kind = fields.Selection(RIDER_KINDS, "Kind", required=True)
    platform = fields.Many2One(
        'civic.station.platform', "Platform", required=True,
        ondelete='RESTRICT')
    company = fields.Char(
        "Company", help="The company or station the rider works for, as "
        "a delivery station of the platform.")
    party_member = fields.Boolean("Party Member")
    grid = fields.Many2One(
        'civic.area', "Grid", required=True, ondelete='RESTRICT',
        domain=AREA_IN_SCOPE,
        help="The grid the rider mostly works in: their reports and their "
        "part-time grid work go there.")
    user = fields.Many2One(
        'res.user', "Login", ondelete='SET NULL',
        help="The user the rider's phone posts check-ins, reports and "
        "suggestions with.")
    registered_on = fields.Date("Registered on", required=True)
    appointment = fields.Function(fields.Many2One(
            'civic.appointment', "Part-time Grid Worker"),
        'get_appointment', searcher='search_appointment')
    visits = fields.One2Many(
        'civic.station.visit', 'rider', "Station Visits", readonly=True)
    _of_user_cache = Cache('civic.station.rider.of_user', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('party_unique', Unique(t, t.party),
                'civic_station.msg_rider_party_unique'),
            ('user_unique', Unique(t, t.user),
                'civic_station.msg_rider_user_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.grid, Index.Equality())),
                Index(t, (t.user, Index.Equality())),
                Index(t, (t.platform, Index.Equality(cardinality='low'))),
                })
        cls._order = [('id', 'ASC')]
        cls._buttons.update({
                'appoint_grid_worker': {
                    'invisible': Bool(Eval('appointment')),
                    'depends': ['appointment'],
                    },
                })
        cls.__rpc__['appoint_grid_worker'] = waits_for_locks(instantiate=0)

    @classmethod
    def default_kind(cls):
        return 'delivery'

    @classmethod
    def default_party_member(cls):
        return False

    @classmethod
    def default_registered_on(cls):
        return clock.today()

    def get_rec_name(self, name):
        return f'{self.party.rec_name} ({self.platform.rec_name})'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('party.rec_name', *clause[1:])]

    @classmethod
    def create(cls, vlist):
        riders = super().create(vlist)
        cls._of_user_cache.clear()
        return riders

    @classmethod
    def write(cls, *args):
        super().write(*args)
        cls._of_user_cache.clear()

    @classmethod
    def delete(cls, riders):
        super().delete(riders)
        cls._of_user_cache.clear()

    @classmethod
    def of_user(cls, user_id=None):
        "The ids of the riders whose login the user is"
        user_id = user_id or Transaction().user
        riders = cls._of_user_cache.get(user_id)
        if riders is None:
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(table.id,
                    where=table.user == user_id))
            riders = frozenset(r for r, in cursor)
            cls._of_user_cache.set(user_id, riders)
        return riders

    @classmethod
    def for_user(cls):
        "The user's rider, or a clear refusal"
        own = cls.of_user()
        if not own:
            raise RiderError(gettext('civic_station.msg_rider_no_login'))
        with without_check_access():
            return cls(min(own))

    @classmethod
    def by_phone(cls, phone):
        """The active rider registered with the mobile phone number (exactly),
        for a station's desk that does not see riders before their first
        visit; or a clear refusal"""
        ContactMechanism = Pool().get('party.contact_mechanism')
        phone = ''.join((phone or '').split())
        if not phone:
            raise RiderError(gettext('civic_station.msg_check_in_no_rider'))
        # party keeps a valid number formatted (+86 138 0000 1111) and in
        # value_compact as E.164: the desk types it as 13800001111
        numbers = [phone]
        try:
            number = phonenumbers.parse(phone, 'CN')
        except phonenumbers.NumberParseException:
            pass
        else:
            numbers.append(phonenumbers.format_number(
                    number, phonenumbers.PhoneNumberFormat.E164))
        with without_check_access():
            mechanisms = ContactMechanism.search([
                    ('type', 'in', ['phone', 'mobile']),
                    ['OR',
                        ('value', 'in', numbers),
                        ('value_compact', 'in', numbers),
                        ],
                    ])
            riders = cls.search([
                    ('party', 'in', [m.party.id for m in mechanisms]),
                    ], limit=1) if mechanisms else []
        if not riders:
            raise RiderError(gettext(
                    'civic_station.msg_rider_phone_unknown', phone=phone))
        return riders[0]

    @classmethod
    def get_appointment(cls, riders, name):
        "The rider's active appointment as a part-time grid worker"
        Appointment = Pool().get('civic.appointment')
        result = {r.id: None for r in riders}
        with without_check_access():
            for appointment in Appointment.search([
                        ('party', 'in', [r.party.id for r in riders]),
                        ('role.code', '=', PART_TIME_ROLE),
                        ('state', '=', 'active'),
                        ], order=[('start_date', 'ASC')]):
                for rider in riders:
                    if rider.party == appointment.party:
                        result[rider.id] = appointment.id
        return result

    @classmethod
    def search_appointment(cls, name, clause):
        "Riders with (or without) an active part-time appointment"
        pool = Pool()
        appointment = pool.get('civic.appointment').__table__()
        role = pool.get('civic.role').__table__()
        _, operator, value = clause[:3]
        where = (role.code == PART_TIME_ROLE) & (
            appointment.state == 'active')
        if value is not None and operator in {'=', '!='}:
            where &= appointment.id == value
        elif operator not in {'=', '!='}:
            return [('id', '=', -1)]
        appointed = appointment.join(role,
            condition=appointment.role == role.id).select(
            appointment.party, where=where)
        has = (operator == '!=') == (value is None)
        return [('party', 'in' if has else 'not in', appointed)]

    @classmethod
    @ModelView.button
    def appoint_grid_worker(cls, riders):
        """Appoint the riders part-time grid workers (兼职网格员) of their
        grid, for the role's term from today"""
        pool = Pool()
        Appointment = pool.get('civic.appointment')
        Role = pool.get('civic.role')
        with without_check_access():
            role, = Role.search([('code', '=', PART_TIME_ROLE)])
        # two clicks at once appoint once
        riders = lock(cls, riders)
        today = clock.today()
        for rider in riders:
            if rider.appointment:
                raise RiderError(gettext(
                        'civic_station.msg_rider_already_appointed',
                        rider=rider.rec_name,
                        area=rider.appointment.area.rec_name))
            if not rider.active:
                raise RiderError(gettext(
                        'civic_station.msg_rider_inactive',
                        rider=rider.rec_name))
        Appointment.create([{
                    'party': r.party.id,
                    'role': role.id,
                    'area': r.grid.id,
                    'start_date': today,
                    'end_date': Appointment.term_end(
                        today, role.term_months or 12),
                    'nomination': 'organisation',
                    'phone': r.party_phone(),
                    } for r in riders])

    def party_phone(self):
        for mechanism in getattr(self.party, 'contact_mechanisms', []):
            if mechanism.type in {'phone', 'mobile'}:
                return mechanism.value
        return None

    def report_problem(self, description, category, latitude=None,
            longitude=None):
        """A problem the rider found on the street, as a grid event of the
        source rider in the rider's grid; category is the code (the Open311
        service code) of a category with no subcategories"""
        pool = Pool()
        Event = pool.get('civic.event')
        Category = pool.get('civic.event.category')
        description = (description or '').strip()
        if not description:
            raise RiderError(gettext('civic_station.msg_report_empty'))
        if len(description) > REPORT_MAX:
            raise RiderError(gettext(
                    'civic_station.msg_report_too_long', limit=REPORT_MAX))
        with without_check_access():
            categories = Category.search([
                    ('code', '=', category), ('children', '=', None),
                    ], limit=1) if isinstance(category, str) else []
        if not categories:
            raise RiderError(gettext(
                    'civic_station.msg_report_category',
                    category=str(category)[:40]))
        values = {
            'source': 'rider',
            'reporter': self.party.id,
            'reporter_name': self.party.name,
            'description': description,
            'category': categories[0].id,
            'area': self.grid.id,
            }
        try:
            latitude, longitude = as_degrees(latitude), as_degrees(longitude)
        except ValueError:
            raise RiderError(gettext(
                    'civic_station.msg_station_position_not_number',
                    value=f'{latitude}, {longitude}'[:40]))
        if latitude is not None and longitude is not None:
            values.update(latitude=latitude, longitude=longitude)
        with without_check_access():
            event, = Event.create([values])
        return event
