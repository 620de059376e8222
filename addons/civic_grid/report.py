# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The stylesheet the HTML reports of every module share (report/civic.css).

The HTML reports derive from HTMLReport, whose context has it as
civic_stylesheet (templates may not import), and a template puts it inline,
so that the printed file stands alone (and weasyprint, which fetches no
local file, converts it as it is):

    <style>
    ${civic_stylesheet}
    .rules-of-this-report-only { }
    </style>
"""
from functools import cache

from genshi.core import Markup

from trytond.report import Report
from trytond.tools import file_open

STYLESHEET = 'civic_grid/report/civic.css'


@cache
def _read(path):
    with file_open(path, encoding='utf-8') as file:
        return file.read()


def stylesheet(path=STYLESHEET):
    "The CSS of path as markup for a <style> element (no escaping)"
    return Markup(_read(path))


class HTMLReport(Report):
    "A report from an HTML template with the shared stylesheet"

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['civic_stylesheet'] = stylesheet()
        return context
