# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"Household and resident rosters as XLSX: import (all or nothing) and export"
import io
from collections import OrderedDict

import openpyxl
from sql import Column

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView

from .exceptions import RosterError
from .party import id_number_facts, id_number_problem
from .scope import AREA_IN_SCOPE, ScopedWizard, pointable
from .sensitive import mask, sees_sensitive_data
from .xlsx import workbook_bytes

# Column key, accepted header names (English, then the zh_CN glossary term)
COLUMNS = OrderedDict([
        ('household_code', ("Household Number", "户编号")),
        ('grid_code', ("Grid Code", "网格编码")),
        ('household_name', ("Household", "户名")),
        ('address', ("Address", "地址")),
        ('name', ("Name", "姓名")),
        ('relation', ("Relation to Head", "与户主关系")),
        ('id_number', ("ID Number", "身份证号")),
        ('phone', ("Mobile Phone", "手机号")),
        ('key_groups', ("Key Groups", "重点人群")),
        ])
REQUIRED = ('household_code', 'grid_code', 'name', 'id_number')
MAX_ERRORS_SHOWN = 200


class ImportStart(ModelView):
    __string__ = "Import Roster"
    __name__ = 'civic.roster.import.start'
    file = fields.Binary("File", required=True, filename='filename',
        help="An XLSX file whose first row names the columns: "
        + ", ".join("/".join(n) for n in COLUMNS.values()) + ".")
    filename = fields.Char("File Name")


class ImportDone(ModelView):
    __string__ = "Import Roster"
    __name__ = 'civic.roster.import.done'
    households = fields.Integer("Households Created", readonly=True)
    residents = fields.Integer("Residents Created", readonly=True)


class Import(ScopedWizard):
    __string__ = "Import Roster"
    __name__ = 'civic.roster.import'
    start = StateView('civic.roster.import.start',
        'civic_grid.roster_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    done = StateView('civic.roster.import.done',
        'civic_grid.roster_import_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_import_(self):
        rows = read_roster(self.start.file)
        households, residents = RosterLoader().load(rows)
        self.done.households = len(households)
        self.done.residents = len(residents)
        return 'done'

    def default_done(self, fields):
        return {
            'households': self.done.households,
            'residents': self.done.residents,
            }


def read_roster(data):
    "Return [(row number, {column key: text})] of an XLSX roster"
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise RosterError(gettext('civic_grid.msg_roster_not_xlsx'))
    sheet = workbook.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None) or ()
    keys = [column_key(h) for h in header]
    missing = [COLUMNS[k][1] for k in REQUIRED if k not in keys]
    if missing:
        raise RosterError(gettext('civic_grid.msg_roster_missing_columns',
                columns=', '.join(missing)))
    rows = []
    for number, line in enumerate(lines, 2):
        values = {k: cell_text(v) for k, v in zip(keys, line) if k}
        if any(values.values()):
            rows.append((number, values))
    workbook.close()
    return rows


def column_key(header):
    text = cell_text(header)
    for key, names in COLUMNS.items():
        if text in names or text == key:
            return key


def cell_text(value):
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class RosterLoader:
    "Check every row first; write only when no row is wrong"

    def __init__(self):
        pool = Pool()
        self.errors = []
        self.relations = self._selection_lookup(
            pool.get('party.party'), 'relation_to_head')
        KeyGroup = pool.get('civic.key.group')
        self.key_groups = {}
        for key_group in KeyGroup.search([]):
            self.key_groups[key_group.code] = key_group
            self.key_groups[key_group.name] = key_group

    @staticmethod
    def _selection_lookup(Model, field_name):
        lookup = {}
        for value, label in Model.fields_get(
                [field_name])[field_name]['selection']:
            if value:
                lookup[value] = value
                lookup[label] = value
        return lookup

    def error(self, row_number, message_id, **values):
        self.errors.append(gettext('civic_grid.msg_roster_row',
                row=row_number,
                reason=gettext(message_id, **values)))

    def load(self, rows):
        if not rows:
            raise RosterError(gettext('civic_grid.msg_roster_empty'))
        grids = self.find_grids(rows)
        self.check_rows(rows, grids)
        if self.errors:
            shown = self.errors[:MAX_ERRORS_SHOWN]
            if len(self.errors) > len(shown):
                shown.append('…')
            raise RosterError(
                gettext('civic_grid.msg_roster_invalid',
                    count=len(self.errors)),
                '\n'.join(shown))
        return self.write(rows, grids)

    def find_grids(self, rows):
        "The grids of the codes, among those the user works in"
        Area = Pool().get('civic.area')
        codes = {v['grid_code'] for _, v in rows if v.get('grid_code')}
        grids = Area.search([('code', 'in', list(codes))])
        allowed = pointable(Area, [g.id for g in grids])
        return {a.code: a for a in grids if a.id in allowed}

    def check_rows(self, rows, grids):
        Party = Pool().get('party.party')
        seen_numbers = {}
        households = {}
        for row_number, values in rows:
            for key in REQUIRED:
                if not values.get(key):
                    self.error(row_number, 'civic_grid.msg_roster_required',
                        column=COLUMNS[key][1])
            grid = grids.get(values.get('grid_code'))
            if values.get('grid_code') and not grid:
                self.error(row_number, 'civic_grid.msg_roster_unknown_grid',
                    code=values['grid_code'])
            elif grid and not grid.is_grid:
                self.error(row_number, 'civic_grid.msg_roster_not_grid',
                    code=grid.code)
            code = values.get('household_code')
            if code and grid:
                if households.setdefault(code, grid) != grid:
                    self.error(row_number,
                        'civic_grid.msg_roster_household_two_grids',
                        household=code)
            number = values.get('id_number', '').upper()
            if number:
                problem = id_number_problem(number)
                if problem:
                    self.error(row_number, problem, number=number,
                        party=values.get('name', ''))
                elif number in seen_numbers:
                    self.error(row_number,
                        'civic_grid.msg_roster_duplicate_in_file',
                        number=number, first=seen_numbers[number])
                seen_numbers.setdefault(number, row_number)
            relation = values.get('relation')
            if relation and relation not in self.relations:
                self.error(row_number,
                    'civic_grid.msg_roster_unknown_relation',
                    relation=relation)
            for name in split_list(values.get('key_groups')):
                if name not in self.key_groups:
                    self.error(row_number,
                        'civic_grid.msg_roster_unknown_key_group',
                        key_group=name)
        for number in sorted(Party.registered_id_numbers(seen_numbers)):
            self.error(seen_numbers[number],
                'civic_grid.msg_roster_already_registered', number=number)

    def write(self, rows, grids):
        pool = Pool()
        Household = pool.get('civic.household')
        Party = pool.get('party.party')
        by_code = OrderedDict()
        for _, values in rows:
            by_code.setdefault(values['household_code'], []).append(values)
        existing = {(h.code, h.area.id): h for h in Household.search([
                    ('code', 'in', list(by_code)),
                    ])}
        new_households = []
        for code, members in by_code.items():
            grid = grids[members[0]['grid_code']]
            if (code, grid.id) not in existing:
                head = next((m for m in members
                        if self.relations.get(m.get('relation')) == 'head'),
                    members[0])
                new_households.append(Household(
                        code=code, area=grid,
                        name=members[0].get('household_name') or head['name'],
                        address=members[0].get('address')))
        Household.save(new_households)
        for household in new_households:
            existing[(household.code, household.area.id)] = household
        vlist = []
        for code, members in by_code.items():
            grid = grids[members[0]['grid_code']]
            household = existing[(code, grid.id)]
            for values in members:
                vlist.append(self.resident_values(values, household))
        residents = Party.create(vlist)
        return new_households, residents

    def resident_values(self, values, household):
        number = values['id_number'].upper()
        birth_date, gender = id_number_facts(number)
        key_groups = {self.key_groups[n].id
            for n in split_list(values.get('key_groups'))}
        return {
            'name': values['name'],
            'household': household.id,
            'relation_to_head': self.relations.get(values.get('relation')),
            'id_number': number,
            'resident_phone': values.get('phone') or None,
            'birth_date': birth_date,
            'gender': gender,
            'key_groups': [('add', sorted(key_groups))],
            }


def split_list(text):
    if not text:
        return []
    for separator in ('，', '、', ';', '；'):
        text = text.replace(separator, ',')
    return [t.strip() for t in text.split(',') if t.strip()]


class ExportStart(ModelView):
    __string__ = "Export Roster"
    __name__ = 'civic.roster.export.start'
    area = fields.Many2One(
        'civic.area', "Area", required=True, domain=AREA_IN_SCOPE)


class ExportResult(ModelView):
    __string__ = "Export Roster"
    __name__ = 'civic.roster.export.result'
    file = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)


class Export(ScopedWizard):
    __string__ = "Export Roster"
    __name__ = 'civic.roster.export'
    start = StateView('civic.roster.export.start',
        'civic_grid.roster_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('civic.roster.export.result',
        'civic_grid.roster_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        context = Transaction().context
        if context.get('active_model') == 'civic.area':
            return {'area': context.get('active_id')}
        return {}

    def transition_export(self):
        self.result.file = roster_workbook([self.start.area])
        self.result.filename = f'{self.start.area.code}-roster.xlsx'
        return 'result'

    def default_result(self, fields):
        return {'file': self.result.file, 'filename': self.result.filename}


def roster_workbook(areas, batch_size=5000):
    """Return the XLSX roster of the residents below the areas, in the import
    layout; ID and phone numbers are masked for users who may not see them.
    The record rules choose the rows (through the search query); the rows are
    then read in one streamed query and written in constant memory, so that a
    whole district fits."""
    Party = Pool().get('party.party')
    allowed = Party.search([
            ('household.area', 'child_of', [a.id for a in areas], 'parent'),
            ], order=[], query=True)
    key_groups = resident_key_groups(allowed)
    relations = dict(Party.fields_get(
            ['relation_to_head'])['relation_to_head']['selection'])
    masks = None if sees_sensitive_data() else Party._sensitive_masks

    return workbook_bytes([(None, [names[1] for names in COLUMNS.values()],
                roster_rows(allowed, key_groups, relations, masks,
                    batch_size))],
        constant_memory=True)


def roster_rows(allowed, key_groups, relations, masks, batch_size):
    "Yield the cells of the residents of the query allowed, streamed"
    pool = Pool()
    Party = pool.get('party.party')
    Household = pool.get('civic.household')
    Area = pool.get('civic.area')
    party = Party.__table__()
    household = Household.__table__()
    area = Area.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*party.join(household,
            condition=party.household == household.id
            ).join(area, condition=household.area == area.id
            ).select(party.id, household.code, area.code, household.name,
            household.address, party.name, party.relation_to_head,
            Column(party, 'id_number_full'),
            Column(party, 'resident_phone_full'),
            where=party.id.in_(allowed),
            order_by=[household.id, party.id]))
    while rows := cursor.fetchmany(batch_size):
        for (party_id, household_code, grid_code, household_name, address,
                name, relation, id_number, phone) in rows:
            if masks:
                id_number = mask(id_number, *masks['id_number'])
                phone = mask(phone, *masks['resident_phone'])
            yield (household_code, grid_code, household_name, address,
                name, relations.get(relation), id_number, phone,
                '、'.join(key_groups.get(party_id, ())))


def resident_key_groups(parties_query):
    "Return {party id: [key group names]} for the parties of the query"
    pool = Pool()
    KeyGroup = pool.get('civic.key.group')
    PartyKeyGroup = pool.get('party.party-civic.key.group')
    names = {k.id: k.name for k in KeyGroup.search([])}
    link = PartyKeyGroup.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*link.select(link.party, link.key_group,
            where=link.party.in_(parties_query),
            order_by=[link.party, link.key_group]))
    groups = {}
    for party_id, key_group_id in cursor:
        groups.setdefault(party_id, []).append(names[key_group_id])
    return groups
