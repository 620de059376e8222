# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The indicators' measures: each reads the live records of the subjects of
an assessment (a person's grid, a community) over a period, in one query
for all subjects, and keeps the ids of the records counted as evidence.

A measure whose module is not activated is not offered."""
import datetime as dt
from collections import defaultdict, namedtuple
from decimal import Decimal

from sql import Literal, Null
from sql.operators import Like

from trytond.pool import Pool
from trytond.transaction import Transaction

from civic_event.statistics import UNCOUNTED_STATES

# A person's appointment (party and area) or an area (party None)
Subject = namedtuple('Subject', ['party', 'area', 'path'])
# The value of a measure for a subject and the records behind it
Result = namedtuple('Result', ['value', 'model', 'ids'])
HUNDRED = Decimal(100)
PERCENT = Decimal('0.1')


def moment(date):
    return dt.datetime.combine(date, dt.time())


class Measure:
    "How an indicator's value is read from the live data"
    code = None
    model = None  # the model whose module must be activated
    evidence = None  # the model of the records counted

    @classmethod
    def available(cls):
        return installed(cls.model)

    def results(self, subjects, root_path, start, end):
        "{subject index: Result} of the subjects"
        raise NotImplementedError


class AreaCount(Measure):
    "Records counted in the subject's area and the areas below it"

    def rows(self, root_path, start, end):
        "(id, area path[, value]) of the records of the period"
        raise NotImplementedError

    def results(self, subjects, root_path, start, end):
        groups = group_by_subject(self.rows(root_path, start, end), subjects)
        return {i: self.result(groups.get(i, []))
            for i in range(len(subjects))}

    def result(self, rows):
        return Result(Decimal(len(rows)), self.evidence,
            [r[0] for r in rows])


def group_by_subject(rows, subjects):
    """{subject index: rows} of the rows (id, area path, …) in each
    subject's area or an area below it"""
    by_area = defaultdict(list)
    for index, subject in enumerate(subjects):
        by_area[subject.area].append(index)
    groups = defaultdict(list)
    for row in rows:
        for area in row[1].rstrip('/').split('/'):
            for index in by_area.get(int(area), ()):
                groups[index].append(row)
    return groups


def in_tree(area, root_path):
    "The condition of an area table's rows under root_path"
    return Like(area.path, root_path + '%')


def execute(query):
    cursor = Transaction().connection.cursor()
    cursor.execute(*query)
    return cursor.fetchall()


def installed(model):
    "Whether the module of model is activated"
    try:
        Pool().get(model)
    except KeyError:
        return False
    return True


def rows_in_tree(table, id_column, area_column, root_path, where,
        *columns):
    """(id, area path, *columns) of the rows of table (or a join) whose area
    (area_column) is under root_path and which pass where"""
    area = Pool().get('civic.area').__table__()
    return execute(table.join(area, condition=area_column == area.id
            ).select(id_column, area.path, *columns,
            where=in_tree(area, root_path) & where))


class Visits(AreaCount):
    code = 'visits'
    model = evidence = 'civic.visit'

    def rows(self, root_path, start, end):
        pool = Pool()
        visit = pool.get('civic.visit').__table__()
        household = pool.get('civic.household').__table__()
        return rows_in_tree(visit.join(household,
                condition=visit.household == household.id),
            visit.id, household.area, root_path,
            (visit.date >= start) & (visit.date < end), visit.household)


class Coverage(Visits):
    "Households visited in the period out of the area's households, in %"
    code = 'coverage'

    def results(self, subjects, root_path, start, end):
        pool = Pool()
        household = pool.get('civic.household').__table__()
        homes = group_by_subject(rows_in_tree(household, household.id,
                household.area, root_path,
                household.active == Literal(True)), subjects)
        visits = group_by_subject(
            self.rows(root_path, start, end), subjects)
        results = {}
        for index in range(len(subjects)):
            rows = visits.get(index, [])
            total = len(homes.get(index, []))
            visited = len({r[2] for r in rows})
            value = (Decimal(visited) * HUNDRED / total).quantize(PERCENT) \
                if total else None
            results[index] = Result(value, self.evidence,
                [r[0] for r in rows])
        return results


class EventsReported(AreaCount):
    code = 'events_reported'
    model = evidence = 'civic.event'

    def rows(self, root_path, start, end):
        pool = Pool()
        event = pool.get('civic.event').__table__()
        return rows_in_tree(event, event.id, event.area, root_path,
            (event.reported_at >= moment(start))
            & (event.reported_at < moment(end))
            & ~event.state.in_(list(UNCOUNTED_STATES)))


class OnTime(AreaCount):
    "Events resolved in the period within their deadline, in %"
    code = 'on_time'
    model = evidence = 'civic.event'

    def rows(self, root_path, start, end):
        pool = Pool()
        event = pool.get('civic.event').__table__()
        return rows_in_tree(event, event.id, event.area, root_path,
            (event.resolved_at >= moment(start))
            & (event.resolved_at < moment(end))
            & ~event.state.in_(list(UNCOUNTED_STATES)), event.on_time)

    def result(self, rows):
        value = None
        if rows:
            on_time = sum(1 for r in rows if r[2])
            value = (Decimal(on_time) * HUNDRED / len(rows)).quantize(
                PERCENT)
        return Result(value, self.evidence, [r[0] for r in rows])


class Satisfaction(AreaCount):
    "Residents' average rating (1-5) of the events of the period, × 20"
    code = 'satisfaction'
    model = evidence = 'civic.event'

    def rows(self, root_path, start, end):
        pool = Pool()
        event = pool.get('civic.event').__table__()
        return rows_in_tree(event, event.id, event.area, root_path,
            (event.feedback_at >= moment(start))
            & (event.feedback_at < moment(end))
            & (event.satisfaction != Null), event.satisfaction)

    def result(self, rows):
        value = None
        if rows:
            value = (Decimal(sum(r[2] for r in rows)) * 20 / len(rows)
                ).quantize(PERCENT)
        return Result(value, self.evidence, [r[0] for r in rows])


class PointsEarned(Measure):
    """Points earned in the period: by the person, or by everyone in the
    area for an area's sheet"""
    code = 'points_earned'
    model = evidence = 'civic.points.line'

    def results(self, subjects, root_path, start, end):
        pool = Pool()
        line = pool.get('civic.points.line').__table__()
        rows = rows_in_tree(line, line.id, line.area, root_path,
            (line.state == 'posted') & (line.points > 0)
            & (line.date >= start) & (line.date < end),
            line.party, line.points)
        by_area = group_by_subject(rows, subjects)
        by_party = defaultdict(list)
        for row in rows:
            by_party[row[2]].append(row)
        results = {}
        for index, subject in enumerate(subjects):
            found = (by_party.get(subject.party, []) if subject.party
                else by_area.get(index, []))
            results[index] = Result(Decimal(sum(r[3] for r in found)),
                self.evidence, [r[0] for r in found])
        return results


class WishesFulfilled(AreaCount):
    code = 'wishes_fulfilled'
    model = evidence = 'civic.volunteer.wish'

    def rows(self, root_path, start, end):
        pool = Pool()
        wish = pool.get('civic.volunteer.wish').__table__()
        return rows_in_tree(wish, wish.id, wish.area, root_path,
            (wish.fulfilled_on >= start) & (wish.fulfilled_on < end))


class VolunteerHours(AreaCount):
    code = 'volunteer_hours'
    model = evidence = 'civic.volunteer.record'

    def rows(self, root_path, start, end):
        pool = Pool()
        record = pool.get('civic.volunteer.record').__table__()
        return rows_in_tree(record, record.id, record.area, root_path,
            (record.date >= start) & (record.date < end), record.hours)

    def result(self, rows):
        return Result(Decimal(str(sum(r[2] or 0 for r in rows))),
            self.evidence, [r[0] for r in rows])


class MeetingsAttended(Measure):
    """Party meetings of the period the person attended, or held in the
    area for an area's sheet"""
    code = 'meetings_attended'
    model = evidence = 'civic.party.meeting'

    def results(self, subjects, root_path, start, end):
        pool = Pool()
        meeting = pool.get('civic.party.meeting').__table__()
        attendee = pool.get('civic.party.meeting.attendee').__table__()
        held = rows_in_tree(meeting, meeting.id, meeting.area, root_path,
            (meeting.state == 'held')
            & (meeting.date >= start) & (meeting.date < end))
        by_area = group_by_subject(held, subjects)
        by_party = defaultdict(set)
        for meeting_id, party in execute(attendee.join(meeting,
                    condition=attendee.meeting == meeting.id
                    ).select(attendee.meeting, attendee.party,
                    where=(attendee.attended == Literal(True))
                    & (meeting.state == 'held')
                    & (meeting.date >= start) & (meeting.date < end))):
            by_party[party].add(meeting_id)
        results = {}
        for index, subject in enumerate(subjects):
            ids = (sorted(by_party.get(subject.party, ())) if subject.party
                else [r[0] for r in by_area.get(index, [])])
            results[index] = Result(Decimal(len(ids)), self.evidence, ids)
        return results


MEASURES = {m.code: m() for m in [
        Coverage, Visits, EventsReported, OnTime, Satisfaction,
        PointsEarned, WishesFulfilled, VolunteerHours, MeetingsAttended]}
