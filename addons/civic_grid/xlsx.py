# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Excel files written the same way by every module: the workbooks of the
exports and the print actions whose output is an XLSX (the client downloads
them like any report). Reading a roster (openpyxl) is not here."""
import io
import re
import tempfile

import xlsxwriter

from trytond.pool import Pool
from trytond.report import Report

# Excel refuses these in a sheet name
SHEET_NAME_FORBIDDEN = re.compile(r'[\[\]:*?/\\]')


def labels(Model, names):
    "The labels of the fields names of Model, in the user's language"
    fields = Model.fields_get(names)
    return [fields[n]['string'] for n in names]


def workbook_bytes(sheets, width=16, constant_memory=False):
    """Return an XLSX with one sheet per (title, header, rows): the header
    in bold and frozen, then the rows (any iterable, read once).
    A title of None keeps Excel's default sheet name. width is the width
    of every column, or a list of one width per column (None leaves the
    column as it is). Cells of None or '' stay empty; strings are written
    as text, never as formulas or links.
    constant_memory writes each row to a temporary file as it comes (for
    exports of tens of thousands of rows) instead of holding the sheets in
    memory."""
    options = {
        'strings_to_formulas': False,
        'strings_to_urls': False,
        }
    if constant_memory:
        # in_memory would override constant_memory and hold the whole sheet
        options['constant_memory'] = True
        with tempfile.NamedTemporaryFile(suffix='.xlsx') as output:
            write_workbook(xlsxwriter.Workbook(output.name, options),
                sheets, width)
            output.seek(0)
            return output.read()
    else:
        options['in_memory'] = True
        output = io.BytesIO()
        write_workbook(xlsxwriter.Workbook(output, options), sheets, width)
        return output.getvalue()


def write_workbook(workbook, sheets, width):
    bold = workbook.add_format({'bold': True})
    used = set()
    for title, header, rows in sheets:
        if title is None:
            sheet = workbook.add_worksheet()
        else:
            sheet = workbook.add_worksheet(sheet_name(title, used))
        used.add(sheet.name.lower())
        sheet.write_row(0, 0, header, bold)
        sheet.freeze_panes(1, 0)
        if isinstance(width, (list, tuple)):
            for column, column_width in enumerate(width):
                if column_width is not None:
                    sheet.set_column(column, column, column_width)
        elif width is not None and header:
            sheet.set_column(0, len(header) - 1, width)
        write_string, write = sheet.write_string, sheet.write
        for number, row in enumerate(rows, 1):
            for column, value in enumerate(row):
                if value is None or value == '':
                    continue
                # strings without write's type dispatch per cell
                elif value.__class__ is str:
                    write_string(number, column, value)
                else:
                    write(number, column, value)
    workbook.close()


def sheet_name(title, used):
    "A sheet name for title that Excel accepts and that is not in used"
    # Excel wants unique (ignoring case) sheet names of 31 characters at
    # most, without []:*?/\ and not starting or ending with an apostrophe
    name = SHEET_NAME_FORBIDDEN.sub('_', title)[:31].strip("'") or 'Sheet'
    base, number = name, len(used)
    while name.lower() in used:
        suffix = f'~{number}'
        name = base[:min(28, 31 - len(suffix))] + suffix
        number += 1
    return name


class XLSXReport(Report):
    "A print action whose output is an XLSX made by render_xlsx(records)"

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        action, = ActionReport.search([('report_name', '=', cls.__name__)])
        cls.check_access(action, action.model, ids)
        Model = pool.get(action.model)
        records = Model.browse(ids)
        name = action.name
        if len(records) == 1:
            name = f'{name}-{records[0].rec_name}'
        return ('xlsx', cls.render_xlsx(records), False, name)

    @classmethod
    def render_xlsx(cls, records):
        raise NotImplementedError
