# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Volunteer service certificates (志愿服务证明), as China's 2021 rules on
recording and certifying volunteer service ask: the volunteer's records
over a period with their total, a serial number and the issuing
organisation.  Issued once, the certificate keeps its records: printed
again, it is the same document."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from civic_grid import clock
from civic_grid.report import HTMLReport
from civic_grid.scope import ScopeMixin

from .exceptions import VolunteerError


class Certificate(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Volunteer Service Certificate"
    __name__ = 'civic.volunteer.certificate'
    _scope_area = 'volunteer.area'
    _states = {'readonly': Eval('state') != 'draft'}
    volunteer = fields.Many2One(
        'civic.volunteer', "Volunteer", required=True, ondelete='RESTRICT',
        states=_states)
    start = fields.Date("From", required=True, states=_states)
    end = fields.Date(
        "To", required=True, states=_states)
    number = fields.Char("Serial Number", readonly=True)
    issuer = fields.Char("Issued by", readonly=True)
    issued_on = fields.Date("Issued on", readonly=True)
    records = fields.Many2Many(
        'civic.volunteer.certificate-civic.volunteer.record', 'certificate',
        'record', "Service Records", readonly=True)
    hours = fields.Numeric("Total Hours", digits=(16, 1), readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('issued', "Issued"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.volunteer, Index.Equality())))
        cls._order = [('issued_on', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'issued')}
        cls._buttons.update({
                'issue': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_end(cls):
        return clock.today()

    @classmethod
    def default_start(cls):
        today = clock.today()
        return today.replace(month=1, day=1)

    def get_rec_name(self, name):
        return self.number or f'{self.volunteer.rec_name} ({self.id})'

    @classmethod
    def validate_fields(cls, certificates, field_names):
        super().validate_fields(certificates, field_names)
        for certificate in certificates:
            if certificate.end < certificate.start:
                raise VolunteerError(gettext(
                        'civic_volunteer.msg_certificate_period'))

    @classmethod
    @ModelView.button
    def issue(cls, certificates):
        "Numbered, with the records of the period as they are now"
        for certificate in certificates:
            if not certificate.period_records():
                raise VolunteerError(gettext(
                        'civic_volunteer.msg_certificate_empty',
                        volunteer=certificate.volunteer.rec_name,
                        start=certificate.start, end=certificate.end))
        cls._issue(certificates)

    def period_records(self):
        Record = Pool().get('civic.volunteer.record')
        with without_check_access():
            return Record.search([
                    ('volunteer', '=', self.volunteer.id),
                    ('date', '>=', self.start),
                    ('date', '<=', self.end),
                    ], order=[('date', 'ASC'), ('id', 'ASC')])

    @classmethod
    @Workflow.transition('issued')
    def _issue(cls, certificates):
        Configuration = Pool().get('civic.volunteer.configuration')
        configuration = Configuration(1)
        for certificate in certificates:
            records = certificate.period_records()
            cls.write([certificate], {
                    'number': configuration.certificate_sequence.get(),
                    'issuer': configuration.certificate_issuer
                    or certificate.community_name(),
                    'issued_on': clock.today(),
                    'records': [('add', [r.id for r in records])],
                    'hours': sum((r.hours for r in records), Decimal(0)),
                    })

    def community_name(self):
        "The name of the volunteer's community"
        Area = Pool().get('civic.area')
        area = self.volunteer.area
        with without_check_access():
            for ancestor in Area.browse([int(i)
                        for i in (area.path or '').split('/') if i]):
                if ancestor.level and ancestor.level.code == 'community':
                    return ancestor.name
        return area.name


class CertificateRecord(ScopeMixin, ModelSQL):
    __string__ = "Certificate - Service Record"
    __name__ = 'civic.volunteer.certificate-civic.volunteer.record'
    _scope_area = 'certificate.volunteer.area'
    certificate = fields.Many2One(
        'civic.volunteer.certificate', "Certificate", required=True,
        ondelete='CASCADE')
    record = fields.Many2One(
        'civic.volunteer.record', "Service Record", required=True,
        ondelete='RESTRICT')


class CertificateReport(HTMLReport):
    __string__ = "Volunteer Service Certificate"
    __name__ = 'civic.volunteer.certificate.report'

    @classmethod
    def execute(cls, ids, data):
        Certificate = Pool().get('civic.volunteer.certificate')
        for certificate in Certificate.browse(ids):
            if certificate.state != 'issued':
                raise VolunteerError(gettext(
                        'civic_volunteer.msg_certificate_not_issued',
                        certificate=certificate.rec_name))
        return super().execute(ids, data)
