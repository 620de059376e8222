# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"Excel files as print actions: the client downloads them like any report"
import io

import xlsxwriter

from trytond.pool import Pool
from trytond.report import Report


def labels(Model, names):
    "The labels of the fields names of Model, in the user's language"
    fields = Model.fields_get(names)
    return [fields[n]['string'] for n in names]


def workbook_bytes(sheets):
    "Return an XLSX with one sheet per (title, header, rows)"
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {'in_memory': True})
    bold = workbook.add_format({'bold': True})
    used = set()
    for title, header, rows in sheets:
        # Excel wants unique sheet names of 31 characters at most
        name = title[:31]
        while name in used:
            name = name[:28] + f'~{len(used)}'
        used.add(name)
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, header, bold)
        for number, row in enumerate(rows, 1):
            sheet.write_row(number, 0, row)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(header) - 1, 16)
    workbook.close()
    return output.getvalue()


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
