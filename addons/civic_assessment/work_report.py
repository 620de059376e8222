# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The one-click work report: an area's figures of a period written in the
shape of the offices' own reports, with the query behind each figure in an
appendix; as ODT, or PDF where LibreOffice is installed"""
import datetime as dt
import shutil
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateReport, StateTransition, StateView

from civic_grid import clock
from civic_grid.scope import ScopedWizard, ScopeError, user_scope_areas

from .exceptions import WorkReportError
from .figures import Figures

FORMATS = [
    ('odt', "ODT (LibreOffice Writer)"),
    ('pdf', "PDF"),
    ]


def percent(part, whole):
    if not whole:
        return '—'
    return '%s%%' % (Decimal(part) * 100 / whole).quantize(Decimal('0.1'))


def number(value):
    if isinstance(value, Decimal):
        value = value.quantize(Decimal('0.1')).normalize()
        return format(value, ',f')
    return format(value, ',')


# Who writes work reports: the offices, over their own areas
WRITERS = ['group_civic_admin', 'group_civic_street', 'group_civic_community']


def check_area(area):
    """Refuse the users who are not offices, and an area outside the user's
    scope (the areas above it too)"""
    pool = Pool()
    Area = pool.get('civic.area')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    if not Transaction().user:
        return
    writers = {ModelData.get_id('civic_grid', g) for g in WRITERS}
    scope = user_scope_areas()
    domain = [('id', '=', area.id)]
    if scope is not None:
        domain.append(('parent', 'child_of', scope, 'parent'))
    with without_check_access():
        found = Area.search(domain)
    if not (writers & set(User.get_groups())) or not found:
        raise ScopeError(gettext('civic_grid.msg_out_of_scope',
                model=Area.__names__()['model']))


def read_figures(area_id, start, end):
    """The Figures of the area from start to end (both included), refused
    outside the user's scope, for a period not begun or without anything
    done"""
    Area = Pool().get('civic.area')
    area = Area(area_id)
    check_area(area)
    area = Area(area_id)
    if end < start:
        raise WorkReportError(gettext(
                'civic_assessment.msg_report_dates'))
    if start > clock.today():
        raise WorkReportError(gettext(
                'civic_assessment.msg_report_future', start=start))
    figures = Figures(area, start, end + dt.timedelta(days=1)).compute()
    if figures.empty:
        raise WorkReportError(gettext('civic_assessment.msg_report_empty',
                area=area.rec_name, start=start, end=end))
    return figures


def paragraphs(figures):
    "[(title, [sentence])] of the report's sections"
    f = {k: number(v.value) for k, v in figures.items.items()}
    g = figures.get
    texts = {}
    for section in figures.sections:
        values = dict(f, area=figures.area.name)
        if section == 'events':
            values.update(
                on_time_rate=percent(g('events_on_time'),
                    g('events_resolved')),
                complaints_change=change(g('complaints'),
                    g('complaints_year_before')),
                satisfaction=(number(g('satisfaction'))
                    if g('satisfaction') else '—'))
        if section == 'property':
            values['branch_rate'] = percent(
                g('companies_with_branch'), g('companies'))
        if section == 'grids':
            values['coverage'] = '—'
        texts[section] = [gettext(
                f'civic_assessment.msg_report_{section}', **values)]
    if 'forces' in texts:
        extra = []
        if 'reported_members' in figures.items:
            extra.append(gettext('civic_assessment.msg_report_members',
                    **f))
        if 'volunteers' in figures.items:
            extra.append(gettext('civic_assessment.msg_report_volunteers',
                    **f))
        texts['forces'].extend(extra)
    return [(gettext(f'civic_assessment.msg_section_{s}'), texts[s])
        for s in figures.sections]


def change(now, before):
    "How now compares with before, in words"
    if not before:
        return gettext('civic_assessment.msg_change_none')
    rate = (Decimal(now - before) * 100 / before).quantize(Decimal('0.1'))
    if rate < 0:
        return gettext('civic_assessment.msg_change_down', rate=-rate)
    return gettext('civic_assessment.msg_change_up', rate=rate)


class WorkReport(Report):
    "The work report of an area for a period"
    __name__ = 'civic.assessment.work_report'

    @classmethod
    def execute(cls, ids, data):
        data = dict(data or {})
        try:
            area = int(data['area'])
            start = dt.date.fromisoformat(str(data['start_date']))
            end = dt.date.fromisoformat(str(data['end_date']))
        except (KeyError, TypeError, ValueError):
            raise WorkReportError(gettext(
                    'civic_assessment.msg_report_data'))
        data.update(area=area, start_date=start, end_date=end)
        return super().execute([], data)

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        figures = read_figures(
            data['area'], data['start_date'], data['end_date'])
        context['title'] = gettext('civic_assessment.msg_report_title',
            area=figures.area.name, start=data['start_date'],
            end=data['end_date'])
        context['sections'] = paragraphs(figures)
        context['appendix_title'] = gettext(
            'civic_assessment.msg_report_appendix')
        context['figures'] = [(f.label, number(f.value), f.query)
            for f in figures.items.values()]
        return context


class WorkReportStart(ModelView):
    __string__ = "Work Report"
    __name__ = 'civic.assessment.work_report.start'
    area = fields.Many2One(
        'civic.area', "Area", required=True,
        domain=[('in_my_scope', '=', True)])
    start_date = fields.Date("From", required=True)
    end_date = fields.Date("To", required=True)
    format = fields.Selection(FORMATS, "Format", required=True)

    @classmethod
    def default_start_date(cls):
        return dt.date(clock.today().year, 1, 1)

    @classmethod
    def default_end_date(cls):
        return clock.today()

    @classmethod
    def default_format(cls):
        return 'pdf' if shutil.which('soffice') else 'odt'


class WorkReportWizard(ScopedWizard):
    "Write the work report of an area for a period"
    __name__ = 'civic.assessment.work_report.wizard'
    start = StateView('civic.assessment.work_report.start',
        'civic_assessment.work_report_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Write", 'check', 'tryton-print', default=True),
            ])
    check = StateTransition()
    print_odt = StateReport('civic.assessment.work_report')
    print_pdf = StateReport('civic.assessment.work_report_pdf')

    def transition_check(self):
        read_figures(self.start.area.id, self.start.start_date,
            self.start.end_date)
        if self.start.format == 'pdf':
            if not shutil.which('soffice'):
                raise WorkReportError(gettext(
                        'civic_assessment.msg_report_no_pdf'))
            return 'print_pdf'
        return 'print_odt'

    def _data(self):
        return {
            'area': self.start.area.id,
            'start_date': self.start.start_date.isoformat(),
            'end_date': self.start.end_date.isoformat(),
            }

    def do_print_odt(self, action):
        return action, self._data()

    def do_print_pdf(self, action):
        return action, self._data()


class WorkReportPDF(WorkReport):
    __name__ = 'civic.assessment.work_report_pdf'
