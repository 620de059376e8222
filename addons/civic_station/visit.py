# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Riders' visits to the stations: checked in by the station manager at the
desk, or by the rider scanning the station's QR code, with the services
used"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView

from civic_grid import clock
from civic_grid.locking import lock, waits_for_locks
from civic_grid.scope import (
    ScopedWizard, ScopeMixin, check_references, check_scope, checks_references,
    is_id)

from .exceptions import VisitError

SOURCES = [
    ('desk', "Checked in by the Station"),
    ('qr', "Scanned by the Rider"),
    ]


class Visit(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Station Visit"
    __name__ = 'civic.station.visit'
    _scope_area = 'station.area'
    _states = {'readonly': Eval('id', -1) >= 0}
    station = fields.Many2One(
        'civic.station', "Station", required=True, ondelete='RESTRICT',
        states=_states)
    rider = fields.Many2One(
        'civic.station.rider', "Rider", required=True, ondelete='RESTRICT',
        states=_states)
    visited_at = fields.DateTime("Checked in at", required=True,
        states=_states)
    # no domain: a service the station does not offer gets its own message
    services = fields.Many2Many(
        'civic.station.visit-civic.station.facility', 'visit', 'facility',
        "Services Used")
    station_facilities = fields.Function(fields.Many2Many(
            'civic.station.facility', None, None, "Station Facilities"),
        'on_change_with_station_facilities')
    source = fields.Selection(SOURCES, "Checked in by", required=True,
        readonly=True)
    recorded_by = fields.Many2One('res.user', "Recorded by", readonly=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.station, Index.Equality()),
                    (t.visited_at, Index.Range(order='DESC'))),
                Index(t, (t.rider, Index.Equality()),
                    (t.visited_at, Index.Range())),
                })
        cls._order = [('visited_at', 'DESC'), ('id', 'DESC')]
        cls.__rpc__['create'] = waits_for_locks(cls.__rpc__['create'])

    @classmethod
    def default_visited_at(cls):
        return clock.now()

    @classmethod
    def default_source(cls):
        return 'desk'

    @classmethod
    def default_station(cls):
        Station = Pool().get('civic.station')
        own = Station.of_user()
        return min(own) if len(own) == 1 else None

    @fields.depends('station')
    def on_change_with_station_facilities(self, name=None):
        return [f.id for f in self.station.facilities] if self.station else []

    def get_rec_name(self, name):
        return f'{self.rider.rec_name} @ {self.station.rec_name}'

    @classmethod
    def create(cls, vlist):
        vlist = [{**v, 'recorded_by': Transaction().user or None,
                'visited_at': v.get('visited_at') or clock.now()}
            for v in vlist]
        if checks_references():
            # before check_new, which reads without the user's rules: its
            # refusals must not tell of the visits at a station out of scope
            check_references(cls, vlist)
        cls.check_new(vlist)
        return super().create(vlist)

    @classmethod
    def check_new(cls, vlist):
        """Refuse a check-in at a station that is not open, and a second
        check-in of a rider at a station within the configured minutes
        (the station's row is locked: two desks, or a desk and a phone, at
        once check in once)"""
        pool = Pool()
        Station = pool.get('civic.station')
        Configuration = pool.get('civic.station.configuration')
        given = [v.get('station') for v in vlist]
        if not all(is_id(i) for i in given):
            return  # the ORM refuses the missing or wrong station
        station_ids = set(given)
        with without_check_access():
            interval = dt.timedelta(
                minutes=Configuration(1).visit_interval)
            stations = {s.id: s for s in lock(Station, Station.browse(
                        station_ids))}
            seen = []
            for values in vlist:
                station = stations[values['station']]
                if station.state != 'open':
                    raise VisitError(gettext(
                            'civic_station.msg_visit_station_not_open',
                            station=station.rec_name,
                            state=station.state_string))
                key = (values['station'], values.get('rider'))
                at = values['visited_at']
                if (isinstance(at, dt.datetime)
                        and at > clock.now() + dt.timedelta(minutes=5)):
                    raise VisitError(gettext(
                            'civic_station.msg_visit_future',
                            station=station.rec_name))
                if any(k == key and abs(at - other) < interval
                        for k, other in seen) or cls.search([
                            ('station', '=', key[0]),
                            ('rider', '=', key[1]),
                            ('visited_at', '>', at - interval),
                            ('visited_at', '<', at + interval),
                            ], limit=1):
                    raise VisitError(gettext(
                            'civic_station.msg_visit_twice',
                            station=station.rec_name,
                            minutes=Configuration(1).visit_interval))
                seen.append((key, at))

    @classmethod
    def validate_fields(cls, visits, field_names):
        super().validate_fields(visits, field_names)
        if field_names & {'services', 'station'}:
            for visit in visits:
                offered = set(visit.station.facilities)
                for service in visit.services:
                    if service not in offered:
                        raise VisitError(gettext(
                                'civic_station.msg_visit_service_not_offered',
                                station=visit.station.rec_name,
                                service=service.rec_name))

    @classmethod
    def scan(cls, token, services=None):
        """The user's rider scanned the station's QR code: checked in, with
        the services (facility codes) they name"""
        pool = Pool()
        Station = pool.get('civic.station')
        Rider = pool.get('civic.station.rider')
        Facility = pool.get('civic.station.facility')
        rider = Rider.for_user()
        with without_check_access():
            stations = Station.search([('qr_token', '=', token)],
                limit=1) if isinstance(token, str) and token else []
            if not stations:
                raise VisitError(gettext(
                        'civic_station.msg_scan_unknown_station'))
            station, = stations
            codes = services or []
            if (not isinstance(codes, list)
                    or not all(isinstance(c, str) for c in codes)):
                raise VisitError(gettext(
                        'civic_station.msg_scan_services'))
            facilities = Facility.search([('code', 'in', codes)])
            if len(facilities) != len(set(codes)):
                raise VisitError(gettext(
                        'civic_station.msg_scan_services'))
            visit, = cls.create([{
                        'station': station.id,
                        'rider': rider.id,
                        'source': 'qr',
                        'services': [('add', [f.id for f in facilities])],
                        }])
            return {
                'station': station.name,
                'visited_at': visit.visited_at.isoformat(),
                'services': [f.name for f in visit.services],
                }


class VisitService(ScopeMixin, ModelSQL):
    __string__ = "Visit - Service"
    __name__ = 'civic.station.visit-civic.station.facility'
    _scope_area = 'visit.station.area'
    visit = fields.Many2One(
        'civic.station.visit', "Visit", required=True, ondelete='CASCADE')
    facility = fields.Many2One(
        'civic.station.facility', "Service", required=True,
        ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.visit, Index.Equality())))


class CheckInStart(ModelView):
    __string__ = "Check a Rider in"
    __name__ = 'civic.station.check_in.start'
    station = fields.Many2One('civic.station', "Station", readonly=True)
    rider = fields.Many2One(
        'civic.station.rider', "Rider",
        help="A rider who has visited the station before.")
    phone = fields.Char(
        "Rider's Phone",
        help="For a rider's first visit: the mobile phone number the rider "
        "registered with.")
    services = fields.Many2Many(
        'civic.station.facility', None, None, "Services Used",
        domain=[('id', 'in', Eval('station_facilities', []))])
    station_facilities = fields.Many2Many(
        'civic.station.facility', None, None, "Station Facilities",
        readonly=True)


class CheckIn(ScopedWizard):
    "The station manager's button: a rider checked in at the desk"
    __string__ = "Check a Rider in"
    __name__ = 'civic.station.check_in'
    start = StateView('civic.station.check_in.start',
        'civic_station.check_in_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Check in", 'check_in', 'tryton-ok', default=True),
            ])
    check_in = StateTransition()

    def default_start(self, fields):
        station = self.record
        return {
            'station': station.id,
            'station_facilities': [f.id for f in station.facilities],
            }

    def transition_check_in(self):
        pool = Pool()
        Visit = pool.get('civic.station.visit')
        Rider = pool.get('civic.station.rider')
        values = {
            'station': self.record.id,
            'source': 'desk',
            'services': [('add', [s.id for s in self.start.services])],
            }
        if self.start.rider:
            Visit.create([{**values, 'rider': self.start.rider.id}])
            return 'end'
        # A first visit: the desk does not see the rider found by the number
        # they registered with, so the visit is created without the check of
        # what it points at, then checked as any visit the user records
        rider = Rider.by_phone(self.start.phone)
        with without_check_access():
            visit, = Visit.create([{**values, 'rider': rider.id}])
        check_scope(Visit, [visit.id], mode='create')
        return 'end'
