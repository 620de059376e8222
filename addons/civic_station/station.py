# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Care stations for new employment groups (暖"新"驿站): where they are,
who hosts them, when they open, what they offer and who manages them"""
import datetime as dt
import io
import math
import secrets
from collections import defaultdict
from decimal import Decimal, InvalidOperation

import segno

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval, Id
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from civic_grid.scope import CONFIGURATION, ScopeMixin

from .exceptions import StationError

HOSTS = [
    ('shop', "Shop"),
    ('service_centre', "Party-Masses Service Centre"),
    ('company', "Company"),
    ('public', "Public Building"),
    ('other', "Other"),
    ]
WEEKDAYS = [
    ('1', "Monday"),
    ('2', "Tuesday"),
    ('3', "Wednesday"),
    ('4', "Thursday"),
    ('5', "Friday"),
    ('6', "Saturday"),
    ('7', "Sunday"),
    ]
# The bounding box of China's territory (degrees)
LATITUDES = (3.8, 53.6)
LONGITUDES = (73.5, 135.1)
POSITION_FIELDS = ('latitude', 'longitude')


def as_time(value):
    "A time column as SQLite returns it (text) or PostgreSQL (time)"
    if isinstance(value, str):
        return dt.time.fromisoformat(value)
    return value


def as_degrees(value):
    """The float of a position value, None if empty; raises ValueError if
    it is not a number"""
    if value is None or value == '':
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(Decimal(value.strip()))
        except InvalidOperation:
            raise ValueError(value)
    else:
        raise ValueError(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


class Facility(ScopeMixin, sequence_ordered(), ModelSQL, ModelView):
    __string__ = "Station Facility"
    __name__ = 'civic.station.facility'
    _scope_area = CONFIGURATION
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    active = fields.Boolean("Active")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'civic_station.msg_facility_code_unique'),
            ]

    @classmethod
    def default_active(cls):
        return True


class Station(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Care Station"
    __name__ = 'civic.station'
    _scope_area = 'area'
    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True)
    host_kind = fields.Selection(HOSTS, "Host Kind", required=True)
    host_kind_string = host_kind.translated('host_kind')
    host = fields.Char(
        "Host", required=True,
        help="The shop, service centre or company that hosts the station.")
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT')
    address = fields.Char("Address", required=True)
    latitude = fields.Float(
        "Latitude", digits=(9, 6), required=True,
        help="Degrees north (WGS 84), as the map shows it.")
    longitude = fields.Float(
        "Longitude", digits=(9, 6), required=True,
        help="Degrees east (WGS 84).")
    phone = fields.Char("Phone")
    hours = fields.One2Many(
        'civic.station.hours', 'station', "Opening Hours")
    facilities = fields.Many2Many(
        'civic.station-civic.station.facility', 'station', 'facility',
        "Facilities")
    managers = fields.Many2Many(
        'civic.station-res.user', 'station', 'user', "Managers",
        help="The users of the Station Manager group who run the station.")
    photos = fields.One2Many('civic.station.photo', 'station', "Photos")
    description = fields.Text("Description")
    state = fields.Selection([
            ('open', "Open"),
            ('suspended', "Suspended"),
            ('closed', "Closed"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    qr_token = fields.Char("QR Token", readonly=True, strip=False)
    qr_code = fields.Function(fields.Binary(
            "QR Code for Check-in",
            help="Riders scan it with their phone to check in."),
        'get_qr_code')
    opening_text = fields.Function(
        fields.Char("Opening Hours"), 'get_opening_text')
    _of_user_cache = Cache('civic.station.of_user', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'civic_station.msg_station_code_unique'),
            ('qr_token_unique', Unique(t, t.qr_token),
                'civic_station.msg_station_qr_token_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.area, Index.Equality())))
        cls._order = [('code', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('open', 'suspended'),
            ('suspended', 'open'),
            ('open', 'closed'),
            ('suspended', 'closed'),
            ('closed', 'open'),
            }
        cls._buttons.update({
                'reopen': {
                    'invisible': Eval('state') == 'open',
                    'depends': ['state'],
                    },
                'suspend': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') == 'closed',
                    'depends': ['state'],
                    },
                'check_in': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_host_kind(cls):
        return 'shop'

    def get_rec_name(self, name):
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('name', operator, value, *clause[3:]),
            ('code', operator, value, *clause[3:]),
            ]

    @classmethod
    def create(cls, vlist):
        vlist = [cls.positions_checked(v) for v in vlist]
        stations = super().create([
                {**v, 'qr_token': secrets.token_urlsafe(16)} for v in vlist])
        cls._of_user_cache.clear()
        return stations

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        for records, values in zip(actions, actions):
            args.extend([records, cls.positions_checked(values)])
        super().write(*args)
        cls._of_user_cache.clear()

    @classmethod
    def delete(cls, stations):
        super().delete(stations)
        cls._of_user_cache.clear()

    @classmethod
    def copy(cls, stations, default=None):
        default = dict(default or {})
        default.setdefault('code', None)
        default.setdefault('managers', None)
        return super().copy(stations, default=default)

    @classmethod
    def positions_checked(cls, values):
        "values with the position as numbers, or a clear refusal"
        values = dict(values)
        for name in POSITION_FIELDS:
            if name not in values:
                continue
            try:
                values[name] = as_degrees(values[name])
            except ValueError:
                raise StationError(gettext(
                        'civic_station.msg_station_position_not_number',
                        value=str(values[name])[:40]))
        return values

    @classmethod
    def validate_fields(cls, stations, field_names):
        super().validate_fields(stations, field_names)
        if field_names & set(POSITION_FIELDS):
            for station in stations:
                station.check_position()

    def check_position(self):
        if not (LATITUDES[0] <= self.latitude <= LATITUDES[1]
                and LONGITUDES[0] <= self.longitude <= LONGITUDES[1]):
            raise StationError(gettext(
                    'civic_station.msg_station_position_outside',
                    station=self.name, latitude=self.latitude,
                    longitude=self.longitude))

    @classmethod
    def of_user(cls, user_id=None):
        "The ids of the stations the user manages"
        user_id = user_id or Transaction().user
        stations = cls._of_user_cache.get(user_id)
        if stations is None:
            table = Pool().get('civic.station-res.user').__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(table.station,
                    where=table.user == user_id))
            stations = frozenset(s for s, in cursor)
            cls._of_user_cache.set(user_id, stations)
        return stations

    def get_qr_code(self, name):
        "The path a rider's phone posts to, as a PNG QR code"
        if not self.qr_token:
            return None
        path = (f'/{Transaction().database.name}/civic/station/scan/'
            f'{self.qr_token}')
        output = io.BytesIO()
        segno.make(path, error='m').save(output, kind='png', scale=6)
        return output.getvalue()

    @classmethod
    def get_opening_text(cls, stations, name):
        "The opening hours as 周一 08:00-20:00; …, for lists and the map"
        return cls.opening_texts([s.id for s in stations])

    @classmethod
    def opening_texts(cls, ids):
        "{station id: its opening hours as text}, read in one query"
        hours = Pool().get('civic.station.hours').__table__()
        cursor = Transaction().connection.cursor()
        days = dict(cls.weekday_labels())
        opening = {i: [] for i in ids}
        for sub_ids in grouped_slice(ids):
            cursor.execute(*hours.select(hours.station, hours.weekday,
                    hours.opens, hours.closes,
                    where=hours.station.in_(list(sub_ids)),
                    order_by=[hours.weekday, hours.opens, hours.id]))
            for station, weekday, opens, closes in cursor:
                opening[station].append(
                    f'{days[weekday]} {as_time(opens):%H:%M}-'
                    f'{as_time(closes):%H:%M}')
        return {i: '; '.join(texts) for i, texts in opening.items()}

    @classmethod
    def weekday_labels(cls):
        Hours = Pool().get('civic.station.hours')
        return Hours.fields_get(['weekday'])['weekday']['selection']

    # --- the distribution map --------------------------------------------
    @classmethod
    def geojson(cls, facility=None, area=None):
        """The stations not closed as a GeoJSON FeatureCollection, with
        facility (a code) and in area (a code) when given; public data
        only (no manager, no photo)"""
        pool = Pool()
        Area = pool.get('civic.area')
        domain = [('state', '!=', 'closed')]
        if facility:
            domain.append(('facilities.code', '=', str(facility)))
        if area:
            areas = Area.search([('code', '=', str(area))], limit=1)
            if not areas:
                return {'type': 'FeatureCollection', 'features': []}
            domain.append(('area', 'child_of', [areas[0].id], 'parent'))
        stations = cls.search(domain, order=[('code', 'ASC')])
        return {
            'type': 'FeatureCollection',
            'features': cls.features(stations),
            }

    @classmethod
    def features(cls, stations):
        """The GeoJSON features of stations, their hours and facilities read
        in one query each (the map of a district in a tenth of a second)"""
        pool = Pool()
        Facility = pool.get('civic.station.facility')
        link = pool.get('civic.station-civic.station.facility').__table__()
        cursor = Transaction().connection.cursor()
        ids = [s.id for s in stations]
        opening = cls.opening_texts(ids)
        offered = defaultdict(list)
        facilities = {f.id: {'code': f.code, 'name': f.name}
            for f in Facility.search([])}
        selections = cls.fields_get(['host_kind', 'state'])
        kinds = dict(selections['host_kind']['selection'])
        states = dict(selections['state']['selection'])
        for sub_ids in grouped_slice(ids):
            cursor.execute(*link.select(link.station, link.facility,
                    where=link.station.in_(list(sub_ids)),
                    order_by=[link.id]))
            for station, facility in cursor:
                if facility in facilities:
                    offered[station].append(facilities[facility])
        return [{
                'type': 'Feature',
                'id': s.code,
                'geometry': {
                    'type': 'Point',
                    'coordinates': [s.longitude, s.latitude],
                    },
                'properties': {
                    'code': s.code,
                    'name': s.name,
                    'host': s.host,
                    'host_kind': kinds.get(s.host_kind, ''),
                    'address': s.address,
                    'phone': s.phone or '',
                    'area': s.area.rec_name,
                    'state': s.state,
                    'state_label': states.get(s.state, ''),
                    'hours': opening[s.id],
                    'facilities': offered[s.id],
                    },
                } for s in stations]

    @classmethod
    def map_filters(cls):
        "The facilities and the areas with stations, for the map's filters"
        pool = Pool()
        Facility = pool.get('civic.station.facility')
        Area = pool.get('civic.area')
        stations = cls.search([('state', '!=', 'closed')])
        ancestors = {int(i) for s in stations
            for i in (s.area.path or '').split('/') if i}
        areas = Area.search([('id', 'in', list(ancestors)),
                ('level.is_grid', '=', False)], order=[('path', 'ASC')])
        return {
            'facilities': [{'code': f.code, 'name': f.name}
                for f in Facility.search([])],
            'areas': [{'code': a.code, 'name': a.name,
                    'depth': (a.path or '').count('/') - 1}
                for a in areas if a.code],
            }

    @classmethod
    def map_labels(cls):
        names = ['all_facilities', 'all_areas', 'stations', 'address',
            'hours', 'facilities', 'phone', 'host', 'no_tiles', 'empty']
        return {n: gettext(f'civic_station.msg_map_{n}') for n in names}

    @classmethod
    @ModelView.button_action('civic_station.wizard_check_in')
    def check_in(cls, stations):
        "The manager checks a rider in at the desk"

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, stations):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('suspended')
    def suspend(cls, stations):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, stations):
        pass


class StationFacility(ScopeMixin, ModelSQL):
    __string__ = "Station - Facility"
    __name__ = 'civic.station-civic.station.facility'
    _scope_area = 'station.area'
    station = fields.Many2One(
        'civic.station', "Station", required=True, ondelete='CASCADE')
    facility = fields.Many2One(
        'civic.station.facility', "Facility", required=True,
        ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('facility_unique', Unique(t, t.station, t.facility),
                'civic_station.msg_station_facility_unique'),
            ]


class StationManager(ScopeMixin, ModelSQL):
    __string__ = "Station - Manager"
    __name__ = 'civic.station-res.user'
    _scope_area = 'station.area'
    station = fields.Many2One(
        'civic.station', "Station", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE',
        domain=[('groups', '=', Id('civic_station', 'group_civic_station'))])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('user_unique', Unique(t, t.station, t.user),
                'civic_station.msg_station_manager_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.user, Index.Equality())))

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        Pool().get('civic.station')._of_user_cache.clear()
        return records

    @classmethod
    def write(cls, *args):
        super().write(*args)
        Pool().get('civic.station')._of_user_cache.clear()

    @classmethod
    def delete(cls, records):
        super().delete(records)
        Pool().get('civic.station')._of_user_cache.clear()


class OpeningHours(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Station Opening Hours"
    __name__ = 'civic.station.hours'
    _scope_area = 'station.area'
    station = fields.Many2One(
        'civic.station', "Station", required=True, ondelete='CASCADE')
    weekday = fields.Selection(WEEKDAYS, "Weekday", required=True, sort=False)
    weekday_string = weekday.translated('weekday')
    opens = fields.Time("Opens", required=True, format='%H:%M')
    closes = fields.Time("Closes", required=True, format='%H:%M')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('station', 'ASC'), ('weekday', 'ASC'),
            ('opens', 'ASC'), ('id', 'ASC')]

    @classmethod
    def validate_fields(cls, hours, field_names):
        super().validate_fields(hours, field_names)
        for line in hours:
            if line.closes <= line.opens:
                raise StationError(gettext(
                        'civic_station.msg_hours_end_before_start',
                        station=line.station.rec_name,
                        weekday=line.weekday_string,
                        opens=f'{line.opens:%H:%M}',
                        closes=f'{line.closes:%H:%M}'))


class Photo(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Station Photo"
    __name__ = 'civic.station.photo'
    _scope_area = 'station.area'
    station = fields.Many2One(
        'civic.station', "Station", required=True, ondelete='CASCADE')
    image = fields.Binary("Photo", required=True)
    caption = fields.Char("Caption")
