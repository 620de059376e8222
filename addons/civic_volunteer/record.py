# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Volunteer service records (志愿服务记录), as China's 2021 rules for
recording and certifying volunteer service ask: the volunteer, the
activity, the organisation, the date, the place, the content and the
hours.  Written by the confirmation of the hours; no user may edit or delete
one (the access rights give no one write or delete)."""
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from civic_grid.scope import ScopeMixin
from civic_points.exceptions import CapError


class Record(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Volunteer Service Record"
    __name__ = 'civic.volunteer.record'
    _scope_area = 'area'
    volunteer = fields.Many2One(
        'civic.volunteer', "Volunteer", required=True, readonly=True,
        ondelete='RESTRICT')
    activity = fields.Many2One(
        'civic.volunteer.activity', "Activity", readonly=True,
        ondelete='RESTRICT')
    origin = fields.Reference("Origin", selection=[
            (None, ""),
            ('civic.volunteer.signup', "Activity Sign-up"),
            ('civic.volunteer.emergency.task', "Emergency Task"),
            ], readonly=True)
    organisation = fields.Char(
        "Organisation", required=True, readonly=True)
    date = fields.Date("Date", required=True, readonly=True)
    place = fields.Char("Place", readonly=True)
    content = fields.Char("Content", required=True, readonly=True)
    hours = fields.Numeric(
        "Hours", digits=(16, 1), required=True, readonly=True)
    area = fields.Many2One(
        'civic.area', "Area", required=True, readonly=True,
        ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.volunteer, Index.Equality()),
                    (t.date, Index.Range())),
                Index(t, (t.area, Index.Equality())),
                Index(t, (t.date, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.date} {self.content} ({self.hours})'

    @classmethod
    def add(cls, vlist):
        """Write the service records of vlist, add their hours to the
        volunteers' and award the points of the hours"""
        pool = Pool()
        Volunteer = pool.get('civic.volunteer')
        with without_check_access():
            records = cls.create(vlist)
            Volunteer.add_hours(records)
            cls.award_points(records)
        return records

    @classmethod
    def award_points(cls, records):
        "One unit of the configuration's rule per whole hour"
        pool = Pool()
        Configuration = pool.get('civic.volunteer.configuration')
        Line = pool.get('civic.points.line')
        rule = Configuration(1).hour_rule
        if not rule:
            return
        requests = [{
                'rule': rule.code, 'party': r.volunteer.party.id,
                'quantity': int(r.hours), 'origin': r, 'date': r.date,
                'description': r.content[:100],
                } for r in records if int(r.hours) >= 1]
        try:
            Line.award_many(requests)
        except CapError:
            # the hours stand; only the points above the rule's caps are
            # not given
            for request in requests:
                try:
                    Line.award_many([request])
                except CapError:
                    pass


class Line(metaclass=PoolMeta):
    __name__ = 'civic.points.line'

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['civic.volunteer.record']
