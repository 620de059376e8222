# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
import datetime as dt

from sql import Column, Null
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from trytond.backend import MAX_QUERY_PARAMS
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from . import clock
from .exceptions import IDNumberError
from .scope import CONFIGURATION, ScopeMixin
from .sensitive import MASKED_STATES, SensitiveMixin

MIN_BIRTH_DATE = dt.date(1880, 1, 1)
GENDERS = [
    (None, ""),
    ('male', "Male"),
    ('female', "Female"),
    ]


def id_number_problem(number):
    """Return the message id that says what is wrong with a Chinese resident
    ID number, or None when it is valid (GB 11643: 17 digits, the birth date
    at 7-14, and an ISO 7064 MOD 11-2 check character).

    The region code is not checked against a list: cards keep the code of
    the place that issued them, which lists of current codes reject."""
    if len(number) != 18:
        return 'civic_grid.msg_id_number_length'
    if not number[:17].isdigit() or not (
            number[17].isdigit() or number[17] == 'X'):
        return 'civic_grid.msg_id_number_format'
    # A wrong date is said before the check character it also breaks
    try:
        birth_date = ric.get_birth_date(number)
    except ValidationError:
        return 'civic_grid.msg_id_number_birth_date'
    if not (MIN_BIRTH_DATE <= birth_date <= clock.today()):
        return 'civic_grid.msg_id_number_birth_date'
    if ric.calc_check_digit(number) != number[17]:
        return 'civic_grid.msg_id_number_checksum'


def id_number_facts(number):
    "Return (birth date, gender) read from a valid ID number"
    birth_date = ric.get_birth_date(number)
    gender = 'male' if int(number[16]) % 2 else 'female'
    return birth_date, gender


class KeyGroup(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Key Group"
    __name__ = 'civic.key.group'
    _scope_area = CONFIGURATION
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'civic_grid.msg_key_group_code_unique'),
            ]
        cls._order = [('id', 'ASC')]


class PartyKeyGroup(ScopeMixin, ModelSQL):
    __string__ = "Resident Key Group"
    __name__ = 'party.party-civic.key.group'
    _scope_area = 'party.household.area'
    party = fields.Many2One(
        'party.party', "Resident", required=True, ondelete='CASCADE')
    key_group = fields.Many2One(
        'civic.key.group', "Key Group", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Range())),
                Index(t, (t.key_group, Index.Range())),
                })


class Party(SensitiveMixin, ScopeMixin, metaclass=PoolMeta):
    __name__ = 'party.party'
    _scope_area = 'household.area'
    household = fields.Many2One(
        'civic.household', "Household", ondelete='RESTRICT')
    civic_area = fields.Function(
        fields.Many2One('civic.area', "Grid"), 'get_civic_area',
        searcher='search_civic_area')
    relation_to_head = fields.Selection([
            (None, ""),
            ('head', "Head of Household"),
            ('spouse', "Spouse"),
            ('child', "Child"),
            ('parent', "Parent"),
            ('other', "Other Relative"),
            ('tenant', "Tenant"),
            ], "Relation to Head",
        states={'invisible': ~Bool(Eval('household'))})
    gender = fields.Selection(GENDERS, "Gender")
    birth_date = fields.Date("Birth Date")
    # The full values live in columns that are not fields, so that no
    # read, export or report can reach them except through the masking
    # getter below.
    id_number = fields.Function(
        fields.Char("ID Number", size=18, states=MASKED_STATES,
            help="The 18-character resident identity card number."),
        'get_sensitive', setter='set_sensitive', searcher='search_sensitive')
    resident_phone = fields.Function(
        fields.Char("Mobile Phone", states=MASKED_STATES),
        'get_sensitive', setter='set_sensitive', searcher='search_sensitive')
    key_groups = fields.Many2Many(
        'party.party-civic.key.group', 'party', 'key_group', "Key Groups")
    in_civic_scope = fields.Function(
        fields.Boolean("In My Areas",
            help="Not a resident, or a resident of the user's areas."),
        'get_in_civic_scope', searcher='search_in_civic_scope')

    _sensitive_masks = {
        'id_number': (3, 4),
        'resident_phone': (3, 4),
        }
    _sensitive_kinds = {'resident_phone': 'phone'}

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.household, Index.Range())),
                Index(t, (Column(t, 'id_number_full'), Index.Equality()),
                    where=Column(t, 'id_number_full') != Null),
                })

    @classmethod
    def get_civic_area(cls, parties, name):
        Household = Pool().get('civic.household')
        party = cls.__table__()
        household = Household.__table__()
        cursor = Transaction().connection.cursor()
        areas = {p.id: None for p in parties}
        for sub_ids in grouped_slice(list(areas), MAX_QUERY_PARAMS):
            cursor.execute(*party.join(household,
                    condition=party.household == household.id).select(
                    party.id, household.area,
                    where=party.id.in_(list(sub_ids))))
            areas.update(cursor)
        return areas

    @classmethod
    def search_civic_area(cls, name, clause):
        return [('household.area' + clause[0][len(name):], *clause[1:])]

    @classmethod
    def get_in_civic_scope(cls, parties, name):
        ids = [p.id for p in parties]
        in_scope = set()
        for sub_ids in grouped_slice(ids, MAX_QUERY_PARAMS):
            in_scope.update(p.id for p in cls.search([
                        ('id', 'in', list(sub_ids)),
                        ('in_civic_scope', '=', True),
                        ], order=[]))
        return {i: i in in_scope for i in ids}

    @classmethod
    def search_in_civic_scope(cls, name, clause):
        # The households are listed by id: "no household or one of these"
        # stays indexable, where an OR with a subquery makes PostgreSQL read
        # every party.
        pool = Pool()
        User = pool.get('res.user')
        Household = pool.get('civic.household')
        _, operator, value = clause[:3]
        with without_check_access():
            query = Household.search([
                    ('area', 'child_of', list(User.get_civic_areas()),
                        'parent'),
                    ], order=[], query=True)
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        households = [h for h, in cursor]
        domain = ['OR',
            ('household', '=', None),
            ('household', 'in', households),
            ]
        if (operator == '=') != bool(value):
            domain = ['AND',
                ('household', '!=', None),
                ('household', 'not in', households),
                ]
        return domain

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('code'):
            # Insert the columns derived from the code with the row, so that
            # residents created in bulk cost no second write each
            values.update(cls(code=values['code']).compute_fields({'code'}))
        return values

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        return {n: v for n, v in values.items()
            if getattr(self, n, None) != v}

    @classmethod
    def _multivalue_setter(cls, records, name, value):
        # Storing "no language" for a party that has none stored would only
        # hide the configured default that reading falls back to.
        if name == 'lang' and value is None:
            records = [r for r in records if r.langs]
        if records:
            super()._multivalue_setter(records, name, value)

    @classmethod
    def clean_sensitive(cls, name, value):
        value = super().clean_sensitive(name, value)
        return value.upper() if value and name == 'id_number' else value

    @classmethod
    def clean_search_value(cls, name, value):
        value = super().clean_search_value(name, value)
        if name == 'id_number' and isinstance(value, str):
            value = value.upper()
        return value

    @classmethod
    def check_sensitive(cls, pairs):
        super().check_sensitive(pairs)
        cls.check_id_numbers(
            [(p, v['id_number']) for p, v in pairs if v.get('id_number')])

    @classmethod
    def check_id_numbers(cls, pairs):
        "Check [(party, ID number)]: valid, and each registered once"
        owners = {}
        for party, number in pairs:
            problem = id_number_problem(number)
            if problem:
                raise IDNumberError(gettext(
                        problem, number=number, party=party.rec_name))
            if owners.setdefault(number, party) != party:
                cls.raise_registered(number, party)
        table = cls.__table__()
        column = Column(table, 'id_number_full')
        cursor = Transaction().connection.cursor()
        for sub_numbers in grouped_slice(list(owners), MAX_QUERY_PARAMS):
            cursor.execute(*table.select(table.id, column,
                    where=column.in_(list(sub_numbers))))
            for party_id, number in cursor:
                if party_id != owners[number].id:
                    cls.raise_registered(number, owners[number])

    @classmethod
    def raise_registered(cls, number, party):
        raise IDNumberError(gettext('civic_grid.msg_id_number_unique',
                number=number, party=party.rec_name))

    @classmethod
    def registered_id_numbers(cls, numbers):
        "Return which of the ID numbers are already registered"
        table = cls.__table__()
        column = Column(table, 'id_number_full')
        cursor = Transaction().connection.cursor()
        found = set()
        for sub_numbers in grouped_slice(list(numbers), MAX_QUERY_PARAMS):
            cursor.execute(*table.select(
                    column, where=column.in_(list(sub_numbers))))
            found.update(n for n, in cursor)
        return found

    @fields.depends('id_number')
    def on_change_id_number(self):
        number = (self.id_number or '').strip().upper()
        if number and not id_number_problem(number):
            self.birth_date, self.gender = id_number_facts(number)
