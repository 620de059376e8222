# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Open311 GeoReport v2: the API clients and the helpers of the routes
(routes.py): reading a request's parameters into event values, an event into
the standard's dictionary, and the standard's error payloads.

Everything a client sends is checked here before anything is written; a
mistake raises Open311Error(HTTP code, translated description)."""
import datetime as dt
import json
import math
import re
import secrets
import unicodedata
from urllib.parse import parse_qsl, urlsplit

from sql import Null
from sql.operators import Not

from trytond.backend import MAX_QUERY_PARAMS
from trytond.config import config
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from civic_grid import clock
from civic_grid.area import path_ids
from civic_grid.scope import CONFIGURATION, ScopeMixin

from .event import DESCRIPTION_MAX, OPEN_STATES, SOURCES

SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2'
FORMATS = {
    'json': 'application/json',
    'xml': 'text/xml',
    }
MAX_RESULTS = 1000
DEFAULT_DAYS = 90
# Longest accepted text of each parameter (the description has its own)
TEXT_SIZES = {
    'api_key': 200,
    'service_code': 100,
    'jurisdiction_id': 200,
    'address_string': 500,
    'address_id': 100,
    'email': 254,
    'device_id': 200,
    'account_id': 200,
    'first_name': 100,
    'last_name': 100,
    'phone': 50,
    'media_url': 2000,
    'lat': 50,
    'long': 50,
    # FixMyStreet asks for every id of a body at once (thousands)
    'service_request_id': 1024 * 1024,
    'start_date': 50,
    'end_date': 50,
    'status': 50,
    'area': 100,
    }
_NUMBER = re.compile(
    r'[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?')
# W3C date and time (https://www.w3.org/TR/NOTE-datetime): YYYY, YYYY-MM,
# YYYY-MM-DD, then hh:mm[:ss[.s]] and a zone designator; a space stands for
# "+" when a client forgot to encode it in the query string
_W3C = re.compile(
    r'(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2})'
    r'(?:[T ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})'
    r'(?::(?P<second>[0-9]{2})(?:[.,](?P<fraction>[0-9]{1,9}))?)?'
    r'(?P<zone>Z|[+\- ][0-9]{2}:?[0-9]{2})?)?)?)?')
_EMAIL = re.compile(r'[^@\s]+@[^@\s]+\.[^@\s]+')


class Open311Error(Exception):
    "A client mistake, answered with the standard's error list"

    def __init__(self, code, description):
        super().__init__(code, description)
        self.code = code
        self.description = description


def error(code, message, /, **variables):
    "An Open311Error with the translated message civic_event.msg_open311_*"
    return Open311Error(
        code, gettext('civic_event.msg_open311_' + message, **variables))


def error_payload(code, description):
    "The standard's error body"
    return [{'code': code, 'description': str(description)}]


class ApiClient(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Open311 API Client"
    __name__ = 'civic.event.api.client'
    _scope_area = CONFIGURATION
    name = fields.Char(
        "Name", required=True,
        help="The application or partner that files service requests.")
    key = fields.Char(
        "API Key", required=True, readonly=True, strip=False,
        help="The api_key the client sends with each service request. "
        "To change it, deactivate the client and create a new one.")
    source = fields.Selection(
        SOURCES, "Source", required=True, sort=False,
        help="The source of the events filed by this client.")
    default_area = fields.Many2One(
        'civic.area', "Default Area", ondelete='RESTRICT',
        help="The area of requests that give neither a position nor an "
        "address_id.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('key_unique', Unique(t, t.key),
                'civic_event.msg_open311_client_key_unique'),
            ]
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_key(cls):
        return new_key()

    @classmethod
    def default_source(cls):
        return 'app'

    @classmethod
    def create(cls, vlist):
        # create computes the defaults once for all the records
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if not values.get('key'):
                values['key'] = new_key()
        return super().create(vlist)

    @classmethod
    def copy(cls, clients, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('key', lambda data: new_key())
        return super().copy(clients, default=default)

    @classmethod
    def from_key(cls, key):
        "The active client with the key, None without one"
        if not key:
            return None
        clients = cls.search([('key', '=', key)], limit=1)
        if clients and secrets.compare_digest(
                clients[0].key.encode(), key.encode()):
            return clients[0]
        return None


def new_key():
    return secrets.token_urlsafe(24)


# The attributes a service that refuses anonymous reports requires, each
# also accepted as the standard's parameters (first_name/last_name, phone)
NAMED_ATTRIBUTES = ('reporter_name', 'reporter_phone')


# --- reading parameters --------------------------------------------------

def shorten(value, size=40):
    "The value as it is shown inside a message"
    value = str(value)
    if len(value) > size:
        value = value[:size] + '…'
    return value


def storable(value):
    "Whether the database can store (and search) the text value"
    if '\x00' in value:
        return False
    try:
        value.encode('utf-8')
    except UnicodeEncodeError:
        return False
    return True


def text(params, name, size=None, required=False):
    """The text value of parameter name (None when missing or empty);
    numbers in JSON bodies are taken as their text"""
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(
            value, (str, int, float, type(None))):
        raise error(400, 'text_type', parameter=name)
    if isinstance(value, float) and not math.isfinite(value):
        raise error(400, 'text_type', parameter=name)
    if value is None:
        value = ''
    if not isinstance(value, str):
        value = str(value)
    if not storable(value):
        raise error(400, 'text_invalid', parameter=name)
    size = size or TEXT_SIZES.get(name, 1000)
    if len(value) > size:
        raise error(400, 'too_long', parameter=name, length=len(value),
            max=size)
    if not value.strip():
        if required:
            raise error(400, 'missing', parameter=name)
        return None
    return value.strip()


def number(params, name, low, high):
    "The float value of parameter name between low and high, None if missing"
    value = params.get(name)
    if isinstance(value, bool):
        raise error(400, 'number_invalid', parameter=name,
            value=shorten(value))
    if isinstance(value, (int, float)):
        try:
            result = float(value)
        except OverflowError:
            raise error(400, 'number_invalid', parameter=name,
                value=shorten(value))
    else:
        value = text(params, name)
        if value is None:
            return None
        if not _NUMBER.fullmatch(value):
            raise error(400, 'number_invalid', parameter=name,
                value=shorten(value))
        result = float(value)
    if not math.isfinite(result) or not (low <= result <= high):
        raise error(400, 'number_range', parameter=name, low=low, high=high,
            value=shorten(value))
    return result


def w3c_datetime(params, name):
    """The UTC (naive, as Tryton stores it) datetime of the W3C date and time
    in parameter name, None if missing"""
    value = text(params, name)
    if value is None:
        return None
    match = _W3C.fullmatch(value)
    if not match:
        raise error(400, 'date_invalid', parameter=name, value=shorten(value))
    parts = match.groupdict()
    fraction = (parts['fraction'] or '0')[:6].ljust(6, '0')
    try:
        result = dt.datetime(int(parts['year']), int(parts['month'] or 1),
            int(parts['day'] or 1), int(parts['hour'] or 0),
            int(parts['minute'] or 0), int(parts['second'] or 0),
            int(fraction))
        zone = parts['zone']
        if zone and zone != 'Z':
            sign = -1 if zone[0] == '-' else 1
            digits = zone[1:].replace(':', '')
            hours, minutes = int(digits[:2]), int(digits[2:])
            if hours > 23 or minutes > 59:
                raise ValueError
            result -= sign * dt.timedelta(hours=hours, minutes=minutes)
    except (ValueError, OverflowError):
        raise error(400, 'date_invalid', parameter=name, value=shorten(value))
    return result


def w3c_format(value):
    "A naive UTC datetime in the W3C format, None stays None"
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(microsecond=0).isoformat() + 'Z'


def read_body(request):
    """The parameters of a POST: its form-encoded (the standard) or JSON
    body, with the query string's parameters where the body has none"""
    mimetype = (request.mimetype or '').lower()
    data = {}
    if mimetype in {
            'application/x-www-form-urlencoded', 'multipart/form-data'}:
        data = {k: v for k, v in request.form.items()}
    elif mimetype == 'application/json' or mimetype.endswith('+json'):
        body = request.get_data(cache=True)
        if body.strip():
            try:
                data = json.loads(body.decode('utf-8-sig'))
            except Exception:
                raise error(400, 'body_json')
            if not isinstance(data, dict):
                raise error(400, 'body_json')
    elif not mimetype:
        # No content type: read the body as the standard's form encoding
        body = request.get_data(cache=True)
        for key, value in parse_qsl(
                body.decode('utf-8', 'replace'), keep_blank_values=True):
            data.setdefault(key, value)
    else:
        raise error(400, 'body_type', type=shorten(mimetype))
    params = {k: v for k, v in request.args.items()}
    params.update(data)
    return params


def language(request):
    "zh_CN for clients that accept Chinese first, else en"
    try:
        for value, _ in request.accept_languages:
            value = value.lower()
            if value.startswith('zh'):
                return 'zh_CN'
            if value.startswith('en'):
                return 'en'
    except Exception:
        pass
    return 'en'


def attributes(params):
    """The text of the service attributes sent as attribute[code] (a form)
    or as an attribute object (JSON)"""
    values = {}
    nested = params.get('attribute')
    if isinstance(nested, dict):
        values.update({f'attribute[{k}]': v for k, v in nested.items()})
    elif nested is not None:
        raise error(400, 'text_type', parameter='attribute')
    values.update({k: v for k, v in params.items()
            if isinstance(k, str) and k.startswith('attribute[')})
    result = {}
    for key, value in values.items():
        code = key[len('attribute['):].rstrip(']')
        if code in NAMED_ATTRIBUTES:
            result[code] = text(values, key, size=TEXT_SIZES.get(
                    'first_name' if code == 'reporter_name' else 'phone'))
    return result


def reporter_name(first, last):
    "The full name, family name first without a space in Chinese"
    if first and last:
        if any(unicodedata.east_asian_width(c) in {'W', 'F'}
                for c in first + last):
            return last + first
        return f'{first} {last}'
    return first or last


def discovery_contacts(url):
    """(contact, key_service) of discovery: the Civic configuration's, else
    trytond.conf's [open311] options, else where the API keys come from"""
    Configuration = Pool().get('civic.event.configuration')
    configuration = Configuration(1)
    contact = (configuration.open311_contact
        or config.get('open311', 'contact', default=None)
        or gettext('civic_event.msg_open311_contact', url=url))
    key_service = (configuration.open311_key_service
        or config.get('open311', 'key_service', default=None)
        or gettext('civic_event.msg_open311_key_service'))
    return contact, key_service


# --- services ------------------------------------------------------------

def services():
    """The categories that take reports: the active ones without active
    children (the others group them)"""
    pool = Pool()
    Category = pool.get('civic.event.category')
    categories = Category.search([])
    parents = {c.parent.id for c in categories if c.parent}
    return [c for c in categories if c.id not in parents]


def service_dict(category):
    return {
        'service_code': category.code,
        'service_name': category.name,
        'description': service_description(category),
        'metadata': bool(service_attributes(category)),
        'type': 'realtime',
        'keywords': category.keywords,
        'group': category.parent.name if category.parent else None,
        }


def service_description(category):
    "The category's notes, its department and its time limits at the grid"
    parts = [category.description]
    if category.department:
        parts.append(gettext('civic_event.msg_open311_department',
                department=category.department))
    parts.append(service_notice(category))
    return '\n'.join(p.strip() for p in parts if p and p.strip()) or None


def service_attributes(category):
    """The attributes of the service definition: a service that refuses
    anonymous reports requires the reporter's name and phone"""
    if category.anonymous:
        return []
    return [{
            'variable': True,
            'code': code,
            'datatype': 'string',
            'required': True,
            'datatype_description': gettext(
                f'civic_event.msg_open311_attribute_{code}_format'),
            'order': order,
            'description': gettext(
                f'civic_event.msg_open311_attribute_{code}'),
            } for order, code in enumerate(NAMED_ATTRIBUTES, 1)]


def service(code):
    "The category with the service code that takes reports, or a 404"
    Category = Pool().get('civic.event.category')
    code = code.strip() if isinstance(code, str) else code
    categories = Category.search([('code', '=', code)], limit=1) if (
        code and len(code) <= TEXT_SIZES['service_code']
        and storable(code)) else []
    if not categories:
        raise error(404, 'service_code_unknown', code=shorten(code))
    category, = categories
    if Category.search([('parent', '=', category.id)], limit=1):
        raise error(404, 'service_group', service=category.name,
            code=category.code)
    return category


def service_notice(category):
    "The time limits of the category at the grid level, None without any"
    accept, resolve = category.limit('grid')
    hours = {'accept': _hours(accept), 'resolve': _hours(resolve)}
    if accept and resolve:
        return gettext('civic_event.msg_open311_notice', **hours)
    elif accept:
        return gettext('civic_event.msg_open311_notice_accept', **hours)
    elif resolve:
        return gettext('civic_event.msg_open311_notice_resolve', **hours)


def _hours(value):
    if value is None:
        return None
    value = float(value)
    return f'{value:g}'


# --- POST requests -------------------------------------------------------

def client(params):
    "The active API client of the api_key, or a 403"
    ApiClient = Pool().get('civic.event.api.client')
    key = params.get('api_key')
    if key is None or (isinstance(key, str) and not key.strip()):
        raise error(403, 'api_key_missing')
    if (not isinstance(key, str) or len(key) > TEXT_SIZES['api_key']
            or not storable(key)):
        raise error(403, 'api_key_invalid')
    found = ApiClient.from_key(key.strip())
    if not found:
        raise error(403, 'api_key_invalid')
    return found


def event_values(params):
    """Check the parameters of a POST requests and return the values of the
    civic.event to create, with the category (all checks happen here: nothing
    is written before)"""
    pool = Pool()
    Area = pool.get('civic.area')

    api_client = client(params)
    code = text(params, 'service_code')
    if not code:
        raise error(400, 'service_code_missing')
    category = service(code)

    text(params, 'jurisdiction_id')  # one jurisdiction: only checked
    latitude = number(params, 'lat', -90, 90)
    longitude = number(params, 'long', -180, 180)
    if (latitude is None) != (longitude is None):
        raise error(400, 'position_incomplete')
    if latitude is not None:
        # the precision of the event's fields (about 0.1 m)
        latitude, longitude = round(latitude, 6), round(longitude, 6)
    address = text(params, 'address_string')
    address_id = text(params, 'address_id')
    if latitude is None and not address and not address_id:
        raise error(400, 'location_missing')

    description = params.get('description')
    if isinstance(description, str) and len(description) > DESCRIPTION_MAX:
        raise error(400, 'description_too_long', length=len(description),
            max=DESCRIPTION_MAX)
    description = text(params, 'description', size=DESCRIPTION_MAX)
    media_url = text(params, 'media_url')
    if media_url:
        try:
            parts = urlsplit(media_url)
        except ValueError:
            parts = None
        if (not parts or parts.scheme.lower() not in {'http', 'https'}
                or not parts.netloc or any(c.isspace() for c in media_url)):
            raise error(400, 'media_url_invalid')
    first_name = text(params, 'first_name')
    last_name = text(params, 'last_name')
    attribute = attributes(params)
    phone = text(params, 'phone') or attribute.get('reporter_phone')
    email = text(params, 'email')
    if email and not _EMAIL.fullmatch(email):
        raise error(400, 'email_invalid', value=shorten(email))
    device_id = text(params, 'device_id')
    account_id = text(params, 'account_id')

    area = None
    if address_id:
        areas = Area.search([('code', '=', address_id)], limit=1)
        if not areas:
            raise error(400, 'address_id_unknown', code=shorten(address_id))
        area = areas[0].id
    elif latitude is not None:
        area = Area.nearest_grid(latitude, longitude)
    if not area and api_client.default_area:
        area = api_client.default_area.id
    if not area:
        raise error(400, 'no_area')

    name = (reporter_name(first_name, last_name)
        or attribute.get('reporter_name'))
    given = {'reporter_name': name, 'reporter_phone': phone}
    for definition in service_attributes(category):
        if definition['required'] and not given.get(definition['code']):
            raise error(400, 'attribute_required', service=category.name,
                code=definition['code'],
                attribute=definition['description'])
    anonymous = not (name or phone or email)

    values = {
        'source': api_client.source,
        'api_client': api_client.id,
        'category': category.id,
        'description': description or category.name,
        'area': area,
        'address': address,
        'latitude': latitude,
        'longitude': longitude,
        'media_url': media_url,
        'anonymous': anonymous,
        'device_id': device_id,
        'account_id': account_id,
        }
    if not anonymous:
        values.update({
                'reporter_name': name,
                'reporter_phone': phone,
                'reporter_email': email,
                })
    return values, category


def created_dict(event, category):
    "The answer to a POST requests"
    return {
        'service_request_id': event.number,
        'service_notice': service_notice(category),
        'account_id': event.account_id,
        }


# --- GET requests --------------------------------------------------------

def request_ids(value):
    "The service request ids of a comma-separated list"
    ids = (i.strip() for i in value.split(','))
    return list(dict.fromkeys(i for i in ids if i and len(i) <= 100))


def search_requests(params):
    """The service requests matching the parameters of GET requests, newest
    first, at most MAX_RESULTS, as the standard's dictionaries"""
    pool = Pool()
    Event = pool.get('civic.event')
    Category = pool.get('civic.event.category')
    Area = pool.get('civic.area')
    event = Event.__table__()

    ids = text(params, 'service_request_id')
    if ids:
        # the spec caps the results, not the ids asked: the first
        # MAX_RESULTS of them, newest first
        result = []
        for sub_ids in grouped_slice(request_ids(ids), MAX_QUERY_PARAMS):
            result.extend(read_requests(
                    event.number.in_(list(sub_ids)), event))
        result.sort(key=lambda r: (r['requested_datetime'] or '',
                r['service_request_id']), reverse=True)
        return result[:MAX_RESULTS]

    where = event.id != Null
    codes = text(params, 'service_code')
    if codes:
        codes = list(dict.fromkeys(
                c.strip() for c in codes.split(',') if c.strip()))
        with Transaction().set_context(active_test=False):
            categories = Category.search([('code', 'in', codes)])
        unknown = set(codes) - {c.code for c in categories}
        if unknown:
            raise error(404, 'service_code_unknown',
                code=shorten(sorted(unknown)[0]))
        where &= event.category.in_([c.id for c in categories])

    area_code = text(params, 'area')
    if area_code:
        with Transaction().set_context(active_test=False):
            areas = Area.search([('code', '=', area_code)], limit=1)
            if not areas:
                raise error(404, 'area_unknown', code=shorten(area_code))
            where &= event.area.in_(Area.search(
                    [('parent', 'child_of', [areas[0].id])],
                    order=[], query=True))

    statuses = text(params, 'status')
    if statuses:
        statuses = {s.strip().lower() for s in statuses.split(',')
            if s.strip()}
        for status in statuses:
            if status not in {'open', 'closed'}:
                raise error(400, 'status_invalid', value=shorten(status))
        if statuses == {'open'}:
            where &= event.state.in_(list(OPEN_STATES))
        elif statuses == {'closed'}:
            where &= Not(event.state.in_(list(OPEN_STATES)))

    start = w3c_datetime(params, 'start_date')
    end = w3c_datetime(params, 'end_date')
    span = dt.timedelta(days=DEFAULT_DAYS)
    try:
        if start is None and end is None:
            end = clock.now()
            start = end - span
        elif start is None:
            start = end - span
        elif end is None:
            end = start + span
    except OverflowError:
        raise error(400, 'date_span', days=DEFAULT_DAYS)
    if start > end:
        raise error(400, 'date_order')
    if end - start > span:
        raise error(400, 'date_span', days=DEFAULT_DAYS)
    where &= (event.reported_at >= start) & (event.reported_at <= end)
    return read_requests(where, event)


def read_requests(where, event):
    """The standard's dictionaries of the events matching where (a
    condition on event, a civic.event table), in one query"""
    pool = Pool()
    Event = pool.get('civic.event')
    Category = pool.get('civic.event.category')
    Area = pool.get('civic.area')
    master = Event.__table__()
    area = Area.__table__()
    cursor = Transaction().connection.cursor()
    query = event.join(area, 'LEFT', condition=event.area == area.id).join(
        master, 'LEFT', condition=event.duplicate_of == master.id).select(
        event.number, event.state, event.resolution, event.rejection_reason,
        master.number, event.category, event.description,
        event.reported_at, event.create_date, event.write_date,
        event.resolve_deadline, event.address, area.code, event.latitude,
        event.longitude, event.media_url, event.area,
        where=where,
        order_by=[event.reported_at.desc, event.id.desc],
        limit=MAX_RESULTS)
    cursor.execute(*query)
    rows = cursor.fetchall()
    categories = {c.id: c for c in Category.browse(
            list({r[5] for r in rows}))}
    places = area_places({r[-1] for r in rows if r[-1] and (
                    r[11] is None or r[13] is None or r[14] is None)})
    notices = {}
    result = []
    for (number, state, resolution, rejection, master_number, category_id,
            description, reported_at, created, written, deadline, address,
            area_code, latitude, longitude, media_url, area_id) in rows:
        if area_id in places:
            centre, area_address = places[area_id]
            if latitude is None or longitude is None:
                latitude, longitude = centre
            address = address or area_address
        category = categories[category_id]
        if category_id not in notices:
            notices[category_id] = service_notice(category)
        if resolution:
            notes = resolution
        elif rejection:
            notes = rejection
        elif state == 'duplicate' and master_number:
            notes = gettext('civic_event.msg_open311_duplicate_of',
                number=master_number)
        else:
            notes = None
        result.append({
                'service_request_id': number,
                'status': 'open' if state in OPEN_STATES else 'closed',
                'status_notes': notes,
                'service_name': category.name,
                'service_code': category.code,
                'description': description,
                'agency_responsible': category.department,
                'service_notice': notices[category_id],
                'requested_datetime': w3c_format(reported_at),
                'updated_datetime': w3c_format(written or created),
                'expected_datetime': w3c_format(deadline),
                'address': address,
                'address_id': area_code,
                'zipcode': None,
                'lat': latitude,
                'long': longitude,
                'media_url': media_url,
                })
    return result


def area_places(area_ids):
    """{area id: ((latitude, longitude), address)} for requests that give
    no position or no address: the centre of the area (or of the nearest
    area above it that has one) and the names of the area and those above
    it"""
    Area = Pool().get('civic.area')
    if not area_ids:
        return {}
    areas = Area.browse(list(area_ids))
    paths = {a.id: path_ids(a.id, a.path) for a in areas}
    above = {a.id: a for a in Area.browse(
            list({i for p in paths.values() for i in p}))}
    places = {}
    for area_id, path in paths.items():
        chain = [above[i] for i in path if i in above]
        centre = next(((a.latitude, a.longitude) for a in reversed(chain)
                if a.latitude is not None and a.longitude is not None),
            (None, None))
        places[area_id] = (centre, join_names([a.name for a in chain]))
    return places


def join_names(names):
    "Chinese place names follow each other without a space"
    if all(unicodedata.east_asian_width(n[-1]) in {'W', 'F'}
            for n in names if n):
        return ''.join(names)
    return ', '.join(reversed(names))


def request_dict(number):
    "The service request with the number, or a 404"
    Event = Pool().get('civic.event')
    event = Event.__table__()
    found = read_requests(event.number == number, event) if (
        len(number) <= 100 and storable(number)) else []
    if not found:
        raise error(404, 'request_unknown', id=shorten(number))
    return found[0]


def token_dict(token):
    "The service request of a token: we issue ids at once, a token is one"
    Event = Pool().get('civic.event')
    if len(token) <= 100 and storable(token):
        events = Event.search([('number', '=', token)], limit=1)
    else:
        events = []
    if not events:
        raise error(404, 'token_unknown', token=shorten(token))
    return {'service_request_id': events[0].number, 'token': token}
