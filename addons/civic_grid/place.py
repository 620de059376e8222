# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pyson import Eval

from .exceptions import HouseholdError
from .scope import ScopeMixin
from .sensitive import PhoneFieldsMixin


class Compound(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Compound"
    __name__ = 'civic.compound'
    _scope_area = 'area'
    name = fields.Char("Name", required=True)
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT',
        help="The community or grid the compound lies in.")
    address = fields.Char("Address")
    buildings = fields.One2Many('civic.building', 'compound', "Buildings")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.area, Index.Equality())))
        cls._order = [('name', 'ASC'), ('id', 'ASC')]


class Building(ScopeMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Building"
    __name__ = 'civic.building'
    _scope_area = 'area'
    name = fields.Char("Name", required=True, help="For example 3号楼.")
    compound = fields.Many2One(
        'civic.compound', "Compound", ondelete='RESTRICT')
    area = fields.Many2One(
        'civic.area', "Grid", required=True, ondelete='RESTRICT')
    floors = fields.Integer("Floors")
    units = fields.One2Many('civic.building.unit', 'building', "Units")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.area, Index.Equality())),
                Index(t, (t.compound, Index.Equality())),
                })
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @fields.depends('compound', 'area', '_parent_compound.area')
    def on_change_compound(self):
        if self.compound and not self.area:
            self.area = self.compound.area

    def get_rec_name(self, name):
        if self.compound:
            return f'{self.compound.name} {self.name}'
        return self.name


class BuildingUnit(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Building Unit"
    __name__ = 'civic.building.unit'
    _scope_area = 'building.area'
    building = fields.Many2One(
        'civic.building', "Building", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True, help="For example 2单元.")
    area = fields.Many2One(
        'civic.area', "Micro Grid", ondelete='RESTRICT',
        help="The micro grid formed by the unit, if any.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # __access__ set on the class would be reset by ModelStorage
        cls.__access__.add('building')
        t = cls.__table__()
        cls._sql_constraints = [
            ('name_unique', Unique(t, t.building, t.name),
                'civic_grid.msg_unit_name_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.building, Index.Equality())))

    def get_rec_name(self, name):
        return f'{self.building.rec_name} {self.name}'


class Household(
        PhoneFieldsMixin, ScopeMixin, DeactivableMixin, ModelSQL,
        ModelView):
    __string__ = "Household"
    __name__ = 'civic.household'
    _phone_fields = ('phone',)
    _scope_area = 'area'
    name = fields.Char(
        "Name", required=True, help="Usually the head of household's name.")
    code = fields.Char(
        "Household Number", help="The number used in rosters and ledgers.")
    area = fields.Many2One(
        'civic.area', "Grid", required=True, ondelete='RESTRICT',
        help="The leaf grid the household belongs to.")
    unit = fields.Many2One(
        'civic.building.unit', "Building Unit", ondelete='RESTRICT')
    room = fields.Char("Room")
    address = fields.Char("Address")
    members = fields.One2Many('party.party', 'household', "Members")
    member_count = fields.Function(
        fields.Integer("Members"), 'get_member_count')
    phone = fields.Char("Phone")
    notes = fields.Text("Notes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.area, Index.Equality())),
                Index(t, (t.unit, Index.Equality())),
                })
        cls._order = [('area', 'ASC'), ('name', 'ASC'), ('id', 'ASC')]
        cls.unit.domain = [
            ['OR',
                ('area', '=', None),
                ('area', '=', Eval('area', -1)),
                ('building.area', '=', Eval('area', -1)),
                ],
            ]

    def get_rec_name(self, name):
        if self.address:
            return f'{self.name} ({self.address})'
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('address', operator, operand, *extra),
            ]

    def get_member_count(self, name):
        return len(self.members)

    @classmethod
    def validate_fields(cls, households, field_names):
        super().validate_fields(households, field_names)
        if 'area' in field_names:
            cls.check_leaf_area(households)

    @classmethod
    def check_leaf_area(cls, households):
        for household in households:
            if not household.area.is_grid:
                raise HouseholdError(gettext(
                        'civic_grid.msg_household_area_not_grid',
                        household=household.rec_name,
                        area=household.area.rec_name))
