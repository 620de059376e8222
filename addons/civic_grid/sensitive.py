# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Personal numbers (ID cards, phones, e-mail addresses) that only the
Sensitive data group sees in full.

The full values live in columns that are not fields (<field>_full), so that
no read, export or report reaches them but through the masking getter.
Users who see the mask cannot search them (a few searches with lists of
candidates would reveal a whole number) and cannot change them on an
existing record (what they see is not the value); they may give them to a
new record."""
import re

import phonenumbers
from phonenumbers.shortnumberinfo import is_valid_short_number_for_region
from sql import Column, Values

from trytond.backend import MAX_QUERY_PARAMS
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool
from trytond.pyson import Eval, Id
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import ContactError, SensitiveSearchError, SensitiveWriteError

# Shown to the users who see the mask: readonly once the record exists
MASKED_STATES = {
    'readonly': (Eval('id', -1) >= 0) & ~Id(
        'civic_grid', 'group_civic_sensitive').in_(
        Eval('context', {}).get('groups', [])),
    }
_EMAIL = re.compile(r'[^@\s]+@[^@\s]+\.[^@\s]+')
_AREA_CODE = re.compile(r'^0[1-9][0-9]{1,2}-')
_PHONE_CHARACTERS = re.compile(r'[0-9 +()-]+')


def mask(value, keep_start, keep_end):
    if not value:
        return value
    if len(value) <= keep_start + keep_end:
        return '*' * len(value)
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + '*' * hidden + value[len(value) - keep_end:]


def sees_sensitive_data():
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    if Transaction().user == 0:
        return True
    group_id = ModelData.get_id('civic_grid', 'group_civic_sensitive')
    return group_id in User.get_groups()


def phone_problem(value):
    """Return the message id saying what is wrong with a Chinese mobile or
    landline number (0539-8123456, +86 138 0013 8000) or service number
    (12345, or 0539-12345 as a city writes its hotline), None if right"""
    if not _PHONE_CHARACTERS.fullmatch(value):
        return 'civic_grid.msg_phone_invalid'
    short = _AREA_CODE.sub('', value)
    try:
        number = phonenumbers.parse(value, 'CN')
        service = phonenumbers.parse(short, 'CN')
    except phonenumbers.NumberParseException:
        return 'civic_grid.msg_phone_invalid'
    if not (phonenumbers.is_valid_number(number)
            or is_valid_short_number_for_region(service, 'CN')):
        return 'civic_grid.msg_phone_invalid'


def check_phone(value, field_string):
    "Raise PhoneError unless value is empty or a valid phone number"
    if value and phone_problem(value):
        raise ContactError(gettext('civic_grid.msg_phone_invalid',
                phone=value, field=field_string))


def check_email(value, field_string):
    if value and not _EMAIL.fullmatch(value):
        raise ContactError(gettext('civic_grid.msg_email_invalid',
                email=value, field=field_string))


class SensitiveMixin:
    """A model with personal numbers: Function fields named in
    _sensitive_masks ({name: (characters kept at the start, at the end)})
    with getter get_sensitive, setter set_sensitive and searcher
    search_sensitive"""
    __slots__ = ()
    _sensitive_masks = {}
    # the kind of each value, checked before it is stored
    _sensitive_kinds = {}

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        table_h = cls.__table_handler__(module)
        for name in cls._sensitive_masks:
            table_h.add_column(name + '_full', 'VARCHAR')

    @classmethod
    def get_sensitive(cls, records, name):
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        column = Column(table, name + '_full')
        values = {}
        ids = [r.id for r in records]
        for sub_ids in grouped_slice(ids, MAX_QUERY_PARAMS):
            cursor.execute(*table.select(
                    table.id, column, where=table.id.in_(list(sub_ids))))
            values.update(cursor)
        if not sees_sensitive_data():
            start, end = cls._sensitive_masks[name]
            values = {i: mask(v, start, end) for i, v in values.items()}
        return values

    @classmethod
    def create(cls, vlist):
        # The full values are stored for the whole batch at once, before the
        # new records are validated (see _after_create)
        vlist = [v.copy() for v in vlist]
        sensitive = [{n: cls.clean_sensitive(n, values.pop(n))
                for n in cls._sensitive_masks if n in values}
            for values in vlist]
        with Transaction().set_context(
                {cls._pending_key(): sensitive}):
            return super().create(vlist)

    @classmethod
    def _after_create(cls, ids):
        sensitive = Transaction().context.get(cls._pending_key())
        if sensitive is not None and len(sensitive) == len(ids):
            cls.store_sensitive(list(zip(cls.browse(ids), sensitive)))
        return super()._after_create(ids)

    @classmethod
    def _pending_key(cls):
        return '_civic_sensitive_' + cls.__name__

    @classmethod
    def copy(cls, records, default=None):
        # a copy by a user who sees the mask cannot carry the full values
        default = dict(default or {})
        if not sees_sensitive_data():
            for name in cls._sensitive_masks:
                default.setdefault(name, None)
        return super().copy(records, default=default)

    @classmethod
    def set_sensitive(cls, records, name, value):
        if not sees_sensitive_data():
            raise SensitiveWriteError(gettext('civic_grid.msg_sensitive_write',
                    field=cls.fields_get([name])[name]['string']))
        value = cls.clean_sensitive(name, value)
        cls.store_sensitive([(r, {name: value}) for r in records])

    @classmethod
    def clean_sensitive(cls, name, value):
        if not value:
            return None
        if not isinstance(value, str):
            value = str(value)
        value = value.strip()
        if '*' in value:
            # a masked value sent back as it was shown
            raise SensitiveWriteError(gettext(
                    'civic_grid.msg_sensitive_masked',
                    field=cls.fields_get([name])[name]['string']))
        return value

    @classmethod
    def store_sensitive(cls, pairs):
        "Check and store the full values of [(record, {field name: value})]"
        pairs = [(r, v) for r, v in pairs if v]
        cls.check_sensitive(pairs)
        # In SQL: the full values live in columns that are no fields, so
        # that no read, search, export or copy through the ORM reaches them
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for name in cls._sensitive_masks:
            rows = [(r.id, v[name]) for r, v in pairs if name in v]
            for sub_rows in grouped_slice(rows, MAX_QUERY_PARAMS // 2):
                new = Values(list(sub_rows))
                cursor.execute(*table.update(
                        [Column(table, name + '_full')],
                        [Column(new, 'column2')], from_=[new],
                        where=table.id == Column(new, 'column1')))

    @classmethod
    def check_sensitive(cls, pairs):
        "Check the values of [(record, {field name: value})] by their kind"
        checks = {'phone': check_phone, 'email': check_email}
        strings = {}
        for record, values in pairs:
            for name, value in values.items():
                check = checks.get(cls._sensitive_kinds.get(name))
                if check and value:
                    if name not in strings:
                        strings[name] = cls.fields_get([name])[name]['string']
                    check(value, strings[name])

    @classmethod
    def search_sensitive(cls, name, clause):
        "Only the users who see the full values search them"
        _, operator, value = clause[:3]
        if not sees_sensitive_data():
            raise SensitiveSearchError(gettext(
                    'civic_grid.msg_sensitive_search',
                    field=cls.fields_get([name])[name]['string']))
        if isinstance(value, str):
            value = cls.clean_search_value(name, value)
        elif isinstance(value, (list, tuple)):
            value = [cls.clean_search_value(name, v) for v in value]
        table = cls.__table__()
        column = Column(table, name + '_full')
        Operator = fields.SQL_OPERATORS[operator]
        return [('id', 'in', table.select(
                    table.id, where=Operator(column, value)))]

    @classmethod
    def clean_search_value(cls, name, value):
        return value.strip() if isinstance(value, str) else value


class PhoneFieldsMixin:
    "Checks the phone numbers of _phone_fields when they are written"
    __slots__ = ()
    _phone_fields = ()

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for name in field_names & set(cls._phone_fields):
            string = cls.fields_get([name])[name]['string']
            for record in records:
                check_phone(getattr(record, name), string)
