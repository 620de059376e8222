# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from sql import Column, Null
from stdnum.cn import ric
from stdnum.exceptions import (
    InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength)

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import IDNumberError, SensitiveSearchError

IN_MAX = 1000
GENDERS = [
    (None, ""),
    ('male', "Male"),
    ('female', "Female"),
    ]


def id_number_problem(number):
    """Return the message id that says what is wrong with a Chinese resident
    ID number, or None when it is valid (GB 11643, ISO 7064 MOD 11-2)."""
    try:
        ric.validate(number)
    except InvalidLength:
        return 'civic_grid.msg_id_number_length'
    except InvalidChecksum:
        return 'civic_grid.msg_id_number_checksum'
    except InvalidComponent:
        return 'civic_grid.msg_id_number_birth_date'
    except InvalidFormat:
        return 'civic_grid.msg_id_number_format'


def id_number_facts(number):
    "Return (birth date, gender) read from a valid ID number"
    birth_date = ric.get_birth_date(number)
    gender = 'male' if int(number[16]) % 2 else 'female'
    return birth_date, gender


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
    transaction = Transaction()
    if transaction.user == 0:
        return True
    group_id = ModelData.get_id('civic_grid', 'group_civic_sensitive')
    return group_id in User.get_groups()


class KeyGroup(DeactivableMixin, ModelSQL, ModelView):
    "Key Group"
    __name__ = 'civic.key.group'
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


class PartyKeyGroup(ModelSQL):
    "Resident Key Group"
    __name__ = 'party.party-civic.key.group'
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


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
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
        fields.Char("ID Number", size=18,
            help="The 18-character resident identity card number."),
        'get_sensitive', setter='set_sensitive', searcher='search_sensitive')
    resident_phone = fields.Function(
        fields.Char("Mobile Phone"),
        'get_sensitive', setter='set_sensitive', searcher='search_sensitive')
    key_groups = fields.Many2Many(
        'party.party-civic.key.group', 'party', 'key_group', "Key Groups")

    _sensitive_masks = {
        'id_number': (3, 4),
        'resident_phone': (3, 4),
        }

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
    def __register__(cls, module):
        super().__register__(module)
        table_h = cls.__table_handler__(module)
        for name in cls._sensitive_masks:
            table_h.add_column(name + '_full', 'VARCHAR')

    def get_civic_area(self, name):
        return self.household.area.id if self.household else None

    @classmethod
    def search_civic_area(cls, name, clause):
        return [('household.area' + clause[0][len(name):], *clause[1:])]

    @classmethod
    def get_sensitive(cls, parties, name):
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        column = Column(table, name + '_full')
        values = {}
        for sub_ids in grouped_slice([p.id for p in parties], IN_MAX):
            cursor.execute(*table.select(
                    table.id, column, where=table.id.in_(list(sub_ids))))
            values.update(cursor)
        if not sees_sensitive_data():
            start, end = cls._sensitive_masks[name]
            values = {i: mask(v, start, end) for i, v in values.items()}
        return values

    @classmethod
    def set_sensitive(cls, parties, name, value):
        value = cls.clean_sensitive(name, value)
        if name == 'id_number' and value:
            cls.check_id_number(parties, value)
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        for sub_ids in grouped_slice([p.id for p in parties], IN_MAX):
            cursor.execute(*table.update(
                    [Column(table, name + '_full')], [value],
                    where=table.id.in_(list(sub_ids))))

    @classmethod
    def clean_sensitive(cls, name, value):
        if not value:
            return None
        value = value.strip()
        return value.upper() if name == 'id_number' else value

    @classmethod
    def check_id_number(cls, parties, number):
        party_names = ', '.join(p.rec_name for p in parties[:3])
        problem = id_number_problem(number)
        if problem:
            raise IDNumberError(gettext(
                    problem, number=number, party=party_names))
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id,
                where=(Column(table, 'id_number_full') == number)
                & ~table.id.in_([p.id for p in parties]),
                limit=1))
        if len(parties) > 1 or cursor.fetchone():
            raise IDNumberError(gettext(
                    'civic_grid.msg_id_number_unique',
                    number=number, party=party_names))

    @classmethod
    def registered_id_numbers(cls, numbers):
        "Return which of the ID numbers are already registered"
        table = cls.__table__()
        column = Column(table, 'id_number_full')
        cursor = Transaction().connection.cursor()
        found = set()
        for sub_numbers in grouped_slice(list(numbers), IN_MAX):
            cursor.execute(*table.select(
                    column, where=column.in_(list(sub_numbers))))
            found.update(n for n, in cursor)
        return found

    @classmethod
    def search_sensitive(cls, name, clause):
        "Full values are matched only exactly unless the user may see them"
        _, operator, value = clause[:3]
        if not sees_sensitive_data() and operator not in {'=', 'in'}:
            raise SensitiveSearchError(gettext(
                    'civic_grid.msg_sensitive_search',
                    field=getattr(cls, name).string))
        if isinstance(value, str):
            value = cls.clean_sensitive(name, value)
        elif isinstance(value, (list, tuple)):
            value = [cls.clean_sensitive(name, v) for v in value]
        table = cls.__table__()
        column = Column(table, name + '_full')
        Operator = fields.SQL_OPERATORS[operator]
        return [('id', 'in', table.select(
                    table.id, where=Operator(column, value)))]

    @fields.depends('id_number')
    def on_change_id_number(self):
        number = (self.id_number or '').strip().upper()
        if number and not id_number_problem(number):
            self.birth_date, self.gender = id_number_facts(number)
