# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The Open311 GeoReport v2 API on trytond's own routes, for every database
that has civic_event activated:

    /<database>/open311/v2/discovery.<fmt>
    /<database>/open311/v2/services.<fmt>
    /<database>/open311/v2/services/<service_code>.<fmt>
    /<database>/open311/v2/requests.<fmt>            GET and POST
    /<database>/open311/v2/requests/<service_request_id>.<fmt>
    /<database>/open311/v2/tokens/<token>.<fmt>

fmt is json or xml. Every mistake is answered with the standard's error list
([{"code": 400, "description": "..."}]) in the language of Accept-Language,
and nothing is written."""
import json
import logging
import re
import xml.etree.ElementTree as ET
from functools import wraps
from urllib.parse import quote

from sql.aggregate import Max
from sql.conditionals import Coalesce
from werkzeug.exceptions import HTTPException

from trytond import backend
from trytond.exceptions import UserError, UserWarning
from trytond.protocols.wrappers import (
    Response, allow_null_origin, set_max_request_size, with_pool,
    with_transaction)
from trytond.transaction import Transaction, TransactionError
from trytond.wsgi import app

from . import open311
from .open311 import Open311Error, error, error_payload

logger = logging.getLogger(__name__)

PREFIX = '/<database_name>/open311/v2/'
MAX_REQUEST_SIZE = 1024 * 1024
# The answer when the database cannot give its messages: no such database,
# civic_event not activated, or a failure outside the transaction
FALLBACK = {
    404: {
        'en': "There is no Open311 API at this address.",
        'zh_CN': "此地址没有 Open311 接口。",
        },
    500: {
        'en': "The request could not be handled; please try again later.",
        'zh_CN': "请求未能处理，请稍后再试。",
        },
    }
# Plural element names of the XML format and the name of their items
XML_ITEMS = {
    'services': 'service',
    'service_requests': 'request',
    'errors': 'error',
    'endpoints': 'endpoint',
    'formats': 'format',
    'attributes': 'attribute',
    'values': 'value',
    }
_XML_INVALID = re.compile(
    '[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')


def fallback(code, language):
    texts = FALLBACK.get(code, FALLBACK[500])
    return texts.get(language, texts['en'])


def xml_element(tag, value):
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, item in value.items():
            element.append(xml_element(key, item))
    elif isinstance(value, (list, tuple)):
        for item in value:
            element.append(xml_element(XML_ITEMS.get(tag, 'item'), item))
    elif isinstance(value, bool):
        element.text = 'true' if value else 'false'
    elif value is not None:
        element.text = _XML_INVALID.sub('', str(value))
    return element


def answer(fmt, root, data, status=200, language=None):
    "The response with data in format fmt (root: the XML root element)"
    if fmt == 'xml':
        body = (b'<?xml version="1.0" encoding="utf-8"?>\n'
            + ET.tostring(xml_element(root, data), encoding='utf-8',
                xml_declaration=False))
        mimetype = 'text/xml'
    else:
        body = json.dumps(data, ensure_ascii=False, separators=(',', ':'))
        mimetype = 'application/json'
    response = Response(body, status=status,
        content_type=f'{mimetype}; charset=utf-8')
    if language:
        response.headers['Content-Language'] = language.replace('_', '-')
    return response


def error_answer(fmt, code, description, language=None, headers=None):
    response = answer(fmt if fmt == 'xml' else 'json', 'errors',
        error_payload(code, description), status=code, language=language)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def response_format(fmt):
    fmt = (fmt or '').lower()
    return fmt if fmt in open311.FORMATS else None


def route(path, methods=('GET',), has_format=True):
    """Register func(request, pool, **arguments) -> (status, XML root, data)
    under PREFIX + path for the methods (None: any), with the standard's
    answers to every mistake"""
    allowed = set(methods or ())
    if 'GET' in allowed:
        allowed.add('HEAD')

    def decorator(func):
        def requested_format(kwargs):
            if has_format:
                return response_format(kwargs.get('fmt')) or 'json'
            rest = kwargs.get('rest') or ''
            return 'xml' if rest.lower().endswith('.xml') else 'json'

        @wraps(func)
        def transactional(request, pool, **kwargs):
            transaction = Transaction()
            language = open311.language(request)
            fmt = requested_format(kwargs)
            with transaction.set_context(language=language):
                try:
                    try:
                        pool.get('civic.event.api.client')
                    except KeyError:
                        return error_answer(
                            fmt, 404, fallback(404, language), language)
                    if methods is not None:
                        if request.method == 'OPTIONS':
                            return Response(status=204, headers={
                                    'Allow': ', '.join(sorted(allowed))})
                        if request.method not in allowed:
                            raise error(405, 'method',
                                method=open311.shorten(request.method),
                                allowed=', '.join(sorted(methods)))
                    if has_format and not response_format(kwargs.get('fmt')):
                        raise error(400, 'format',
                            format=open311.shorten(kwargs.get('fmt')))
                    kwargs.pop('fmt', None)
                    status, root, data = func(request, pool, **kwargs)
                    return answer(fmt, root, data, status, language)
                except (TransactionError, backend.DatabaseOperationalError):
                    # with_transaction retries them
                    raise
                except Open311Error as exception:
                    transaction.rollback()
                    headers = {}
                    if exception.code == 405:
                        headers['Allow'] = ', '.join(sorted(allowed))
                    return error_answer(fmt, exception.code,
                        exception.description, language, headers)
                except (UserError, UserWarning) as exception:
                    # the core's EventError and any other validation
                    transaction.rollback()
                    return error_answer(
                        fmt, 400, exception.message, language)
                except HTTPException as exception:
                    # werkzeug reading the body: too large, cut short
                    transaction.rollback()
                    code = exception.code or 400
                    if code == 413:
                        message = error(413, 'too_large')
                    else:
                        message = error(code, 'body_invalid')
                    return error_answer(
                        fmt, code, message.description, language)
                except Exception:
                    logger.exception("Open311 %s failed", request)
                    transaction.rollback()
                    return error_answer(fmt, 500,
                        error(500, 'server_error').description, language)

        transactional = with_transaction()(transactional)
        pooled = with_pool(transactional)

        @wraps(func)
        def endpoint(request, database_name, **kwargs):
            language = open311.language(request)
            try:
                return pooled(request, database_name, **kwargs)
            except HTTPException as exception:
                # with_pool: no such database (404) or a transaction that
                # failed after its retries (500)
                code = exception.code or 500
                if isinstance(exception.description,
                        backend.DatabaseOperationalError):
                    code = 503
                if code >= 500:
                    logger.warning("Open311 %s failed", request,
                        exc_info=True)
            except backend.DatabaseOperationalError:
                logger.warning("Open311 %s failed", request, exc_info=True)
                code = 503
            except Exception:
                logger.exception("Open311 %s failed", request)
                code = 500
            return error_answer(requested_format(kwargs), code,
                fallback(code, language), language)

        endpoint = set_max_request_size(MAX_REQUEST_SIZE)(
            allow_null_origin(endpoint))
        app.route(PREFIX + path)(endpoint)
        return func
    return decorator


@route('discovery.<fmt>')
def discovery(request, pool):
    Category = pool.get('civic.event.category')
    category = Category.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*category.select(
            Max(Coalesce(category.write_date, category.create_date))))
    changeset, = cursor.fetchone()
    changeset = open311.w3c_format(changeset)
    # clients append "/requests.xml": no slash at the end
    url = request.host_url + quote(pool.database_name) + '/open311/v2'
    contact, key_service = open311.discovery_contacts(url)
    return 200, 'discovery', {
        'changeset': changeset,
        'contact': contact,
        'key_service': key_service,
        'endpoints': [{
                'specification': open311.SPECIFICATION,
                'url': url,
                'changeset': changeset,
                'type': 'production',
                'formats': list(open311.FORMATS.values()),
                }],
        }


@route('services.<fmt>')
def services(request, pool):
    return 200, 'services', [
        open311.service_dict(c) for c in open311.services()]


@route('services/<service_code>.<fmt>')
def service_definition(request, pool, service_code):
    category = open311.service(service_code)
    return 200, 'service_definition', {
        'service_code': category.code,
        'attributes': open311.service_attributes(category),
        }


@route('requests.<fmt>', methods=('GET', 'POST'))
def requests(request, pool):
    if request.method == 'POST':
        Event = pool.get('civic.event')
        values, category = open311.event_values(open311.read_body(request))
        event, = Event.create([values])
        # 200, as the published definition lists: clients in the wild
        # (FixMyStreet, the PyPI libraries) accept it, some refuse a 201
        return 200, 'service_requests', [
            open311.created_dict(event, category)]
    return 200, 'service_requests', open311.search_requests(request.args)


@route('requests/<service_request_id>.<fmt>')
def service_request(request, pool, service_request_id):
    return 200, 'service_requests', [
        open311.request_dict(service_request_id)]


@route('tokens/<token>.<fmt>')
def token(request, pool, token):
    return 200, 'service_requests', [open311.token_dict(token)]


@route('<path:rest>', methods=None, has_format=False)
def not_found(request, pool, rest):
    raise error(404, 'not_found')


@route('', methods=None, has_format=False)
def not_found_root(request, pool):
    raise error(404, 'not_found')
