# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The routes of the care stations.

Public (the stations are for every rider to find):

    GET  /<database>/civic/station/map
        the distribution map (暖"新"驿站分布地图), drawn with Leaflet
    GET  /<database>/civic/station/stations.geojson[?facility=&area=]
        the stations not closed as GeoJSON points

A rider's phone, with the key of its user application "civic_station"
(Authorization: bearer <key>), posts JSON to:

    POST /<database>/civic/station/scan/<token>     {"services": [codes]}
        the station's QR code: the rider checks in
    POST /<database>/civic/station/report
        {"description", "category", "latitude", "longitude"}
        a problem found on the street, as a grid event of the source rider
    POST /<database>/civic/station/suggestion/<token>
        {"text", "anonymous"}: the suggestion box of the station

and GET /<database>/civic/station/report/form is the page riders without
an app use to do the same.  A step the rules refuse is answered 400 with
the message, in the user's language."""
import json
from html import escape

from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from trytond.config import config
from trytond.i18n import gettext
from trytond.protocols.wrappers import (
    allow_null_origin, user_application, with_pool, with_transaction)
from trytond.tools import file_open
from trytond.wsgi import app

from civic_grid.locking import read_committed

PREFIX = '/<database_name>/civic/station/'
# Where the web client serves Leaflet (installed beside sao by scripts/run)
LEAFLET = config.get('civic_station', 'leaflet',
    default='/node_modules/leaflet/dist/')


def json_body(request):
    try:
        data = json.loads(request.get_data(as_text=True) or '{}')
    except ValueError:
        raise BadRequest()
    if not isinstance(data, dict):
        raise BadRequest()
    return data


@app.route(PREFIX + 'stations.geojson', methods=['GET'])
@allow_null_origin
@with_pool
@with_transaction()
def stations_geojson(request, pool):
    Station = pool.get('civic.station')
    geojson = Station.geojson(
        facility=request.args.get('facility') or None,
        area=request.args.get('area') or None)
    return Response(json.dumps(geojson, ensure_ascii=False),
        content_type='application/geo+json; charset=utf-8')


@app.route(PREFIX + 'map', methods=['GET'])
@with_pool
@with_transaction()
def station_map(request, pool):
    # with_pool takes the database name from the path and gives the pool
    database_name = pool.database_name
    Station = pool.get('civic.station')
    Configuration = pool.get('civic.station.configuration')
    configuration = Configuration(1)
    with file_open('civic_station/map/map.html', encoding='utf-8') as file:
        template = file.read()
    settings = {
        'geojson': f'/{database_name}/civic/station/stations.geojson',
        'tiles': configuration.tile_url or None,
        'attribution': configuration.tile_attribution or '',
        'filters': Station.map_filters(),
        'labels': Station.map_labels(),
        }
    page = (template
        .replace('{{title}}', escape(gettext('civic_station.msg_map_title')))
        .replace('{{leaflet}}', escape(LEAFLET))
        .replace('{{settings}}', json.dumps(settings, ensure_ascii=False)
            .replace('</', '<\\/')))
    return Response(page, content_type='text/html; charset=utf-8')


@app.route(PREFIX + 'scan/<token>', methods=['POST'])
@allow_null_origin
@with_pool
@with_transaction(readonly=False)
# the check-in locks the station and then looks for the rider's last
# visit: at READ COMMITTED it sees the one a double tap just committed
@read_committed
@user_application('civic_station')
def scan(request, pool, token):
    Visit = pool.get('civic.station.visit')
    return Visit.scan(token, json_body(request).get('services'))


@app.route(PREFIX + 'report', methods=['POST'])
@allow_null_origin
@with_pool
@with_transaction(readonly=False)
@user_application('civic_station')
def report(request, pool):
    Rider = pool.get('civic.station.rider')
    data = json_body(request)
    event = Rider.for_user().report_problem(data.get('description'),
        data.get('category'), data.get('latitude'), data.get('longitude'))
    return {'number': event.number, 'state': event.state,
        'area': event.area.rec_name}


@app.route(PREFIX + 'suggestion/<token>', methods=['POST'])
@allow_null_origin
@with_pool
@with_transaction(readonly=False)
@user_application('civic_station')
def suggestion(request, pool, token):
    Suggestion = pool.get('civic.station.suggestion')
    data = json_body(request)
    return Suggestion.submit_for_user(token, data.get('text'),
        data.get('anonymous', False))


@app.route(PREFIX + 'report/form', methods=['GET'])
@with_pool
@with_transaction()
def report_form(request, pool):
    database_name = pool.database_name
    Category = pool.get('civic.event.category')
    categories = [{'code': c.code, 'name': c.rec_name}
        for c in Category.search([('children', '=', None),
                ('code', '!=', None)], order=[('code', 'ASC')])]
    with file_open('civic_station/map/report.html', encoding='utf-8') as file:
        template = file.read()
    settings = {
        'report': f'/{database_name}/civic/station/report',
        'categories': categories,
        'labels': {n: gettext(f'civic_station.msg_report_form_{n}')
            for n in ['key', 'category', 'description', 'send', 'done',
                'refused']},
        }
    page = (template
        .replace('{{title}}',
            escape(gettext('civic_station.msg_report_form_title')))
        .replace('{{settings}}', json.dumps(settings, ensure_ascii=False)
            .replace('</', '<\\/')))
    return Response(page, content_type='text/html; charset=utf-8')
