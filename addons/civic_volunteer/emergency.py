# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Normal and emergency integration (平急融合): squads (编队分组) of a
community's volunteers, and the officer's one-click activation (一键启动)
of an area, which gives every squad member in it a task to report in; the
board shows per squad who reported and who did not, and the deactivation
turns the reported time into service records"""
import json

from sql import Literal
from sql.aggregate import Count, Max, Min
from sql.functions import CurrentTimestamp

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from civic_grid import clock
from civic_grid.locking import lock, waits_for_locks
from civic_grid.scope import ScopeMixin

from .activity import hours_between
from .exceptions import EmergencyError


class Squad(ScopeMixin, ModelSQL, ModelView):
    __string__ = "Emergency Squad"
    __name__ = 'civic.volunteer.squad'
    _scope_area = 'area'
    name = fields.Char("Name", required=True)
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT')
    leader = fields.Many2One(
        'civic.volunteer', "Leader", ondelete='SET NULL')
    duties = fields.Text("Duties in Emergencies")
    members = fields.Many2Many(
        'civic.volunteer.squad-civic.volunteer', 'squad', 'volunteer',
        "Members")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.area, Index.Equality())))
        cls._order = [('area', 'ASC'), ('name', 'ASC'), ('id', 'ASC')]


class SquadMember(ScopeMixin, ModelSQL):
    __string__ = "Emergency Squad - Volunteer"
    __name__ = 'civic.volunteer.squad-civic.volunteer'
    _scope_area = 'squad.area'
    squad = fields.Many2One(
        'civic.volunteer.squad', "Squad", required=True, ondelete='CASCADE')
    volunteer = fields.Many2One(
        'civic.volunteer', "Volunteer", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.squad, Index.Equality())),
                Index(t, (t.volunteer, Index.Equality())),
                })


class Emergency(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Emergency Mobilisation"
    __name__ = 'civic.volunteer.emergency'
    _scope_area = 'area'
    _states = {'readonly': Eval('state') != 'draft'}
    name = fields.Char("Title", required=True, states=_states)
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT',
        states=_states,
        help="Every squad member in this area is called to report in.")
    description = fields.Text("Instructions", states=_states)
    activated_at = fields.DateTime("Activated at", readonly=True)
    activated_by = fields.Many2One(
        'res.user', "Activated by", readonly=True, ondelete='RESTRICT')
    ended_at = fields.DateTime("Ended at", readonly=True)
    tasks = fields.One2Many(
        'civic.volunteer.emergency.task', 'emergency', "Tasks",
        readonly=True)
    board = fields.One2Many(
        'civic.volunteer.emergency.board', 'emergency', "Board",
        readonly=True)
    called = fields.Function(fields.Integer("Called"), 'get_counts')
    reported = fields.Function(fields.Integer("Reported"), 'get_counts')
    state = fields.Selection([
            ('draft', "Draft"),
            ('active', "Active"),
            ('ended', "Ended"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.area, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [('activated_at', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'active'), ('active', 'ended')}
        cls._buttons.update({
                'activate': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'deactivate': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                })
        for name in ['activate', 'deactivate']:
            cls.__rpc__[name] = waits_for_locks(instantiate=0)

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def get_counts(cls, emergencies, names):
        pool = Pool()
        Task = pool.get('civic.volunteer.emergency.task')
        task = Task.__table__()
        result = {n: {e.id: 0 for e in emergencies} for n in names}
        cursor = Transaction().connection.cursor()
        cursor.execute(*task.select(task.emergency, Count(task.id),
                Count(task.reported_at),
                where=task.emergency.in_([e.id for e in emergencies]),
                group_by=[task.emergency]))
        for emergency, called, reported in cursor:
            for name, value in [('called', called), ('reported', reported)]:
                if name in result:
                    result[name][emergency] = value
        return result

    @classmethod
    @ModelView.button
    def activate(cls, emergencies):
        "One click: every squad member in the area gets a task"
        pool = Pool()
        Area = pool.get('civic.area')
        emergencies = lock(cls, emergencies)
        for emergency in emergencies:
            if emergency.state != 'draft':
                raise EmergencyError(gettext(
                        'civic_volunteer.msg_emergency_not_draft',
                        emergency=emergency.rec_name))
        # activations of overlapping areas queue on their common ancestor
        lock(Area, Area.browse({int(i) for e in emergencies
                    for i in (e.area.path or '').split('/') if i}))
        for emergency in emergencies:
            emergency.check_no_other_active()
        cls._activate(emergencies)
        for emergency in emergencies:
            emergency.call_squads()

    def check_no_other_active(self):
        with without_check_access():
            others = self.search([
                    ('state', '=', 'active'),
                    ('id', '!=', self.id),
                    ['OR',
                        ('area', 'child_of', [self.area.id], 'parent'),
                        ('area', 'parent_of', [self.area.id], 'parent'),
                        ],
                    ], limit=1)
        if others:
            other, = others
            raise EmergencyError(gettext(
                    'civic_volunteer.msg_emergency_already_active',
                    area=self.area.rec_name, emergency=other.rec_name))

    @classmethod
    @Workflow.transition('active')
    def _activate(cls, emergencies):
        cls.write(emergencies, {
                'activated_at': clock.now(),
                'activated_by': Transaction().user or None,
                })

    def call_squads(self):
        "A task and a notification for each squad member of the area"
        pool = Pool()
        Task = pool.get('civic.volunteer.emergency.task')
        Notification = pool.get('res.notification')
        squad = pool.get('civic.volunteer.squad').__table__()
        member = pool.get('civic.volunteer.squad-civic.volunteer').__table__()
        volunteer = pool.get('civic.volunteer').__table__()
        area = pool.get('civic.area').__table__()
        cursor = Transaction().connection.cursor()
        # each volunteer once, with the first of their squads here
        cursor.execute(*member.join(squad, condition=member.squad == squad.id
                ).join(area, condition=squad.area == area.id
                ).join(volunteer, condition=member.volunteer == volunteer.id
                ).select(member.volunteer, Min(squad.id), Max(volunteer.user),
                where=(area.path.like(f'{self.area.path}%'))
                & (volunteer.active == Literal(True)),
                group_by=[member.volunteer]))
        rows = cursor.fetchall()
        if not rows:
            raise EmergencyError(gettext(
                    'civic_volunteer.msg_emergency_no_squad',
                    area=self.area.rec_name))
        description = gettext('civic_volunteer.msg_emergency_notification',
            area=self.area.rec_name)
        task_ids = self.insert_tasks(rows)
        with without_check_access():
            Notification.create([{
                        'user': user,
                        'label': self.name,
                        'description': description,
                        'model': Task.__name__,
                        'records': json.dumps([task_ids[volunteer]]),
                        } for volunteer, _, user in rows if user])

    def insert_tasks(self, rows):
        """The tasks of the (volunteer, squad, user) rows in one statement
        (the rows come from the squads' own keys, so the ORM's validation
        would check nothing more, for 3,000 members of a street in a second);
        returns the task id of each volunteer"""
        pool = Pool()
        task = pool.get('civic.volunteer.emergency.task').__table__()
        cursor = Transaction().connection.cursor()
        user = Transaction().user or None
        now = self.activated_at
        columns = [task.create_uid, task.create_date, task.emergency,
            task.volunteer, task.squad, task.notified_at, task.state]
        for chunk in grouped_slice(rows, 1000):
            cursor.execute(*task.insert(columns, [
                        [user, CurrentTimestamp(), self.id, volunteer, squad,
                            now, 'notified']
                        for volunteer, squad, _ in chunk]))
        cursor.execute(*task.select(task.volunteer, task.id,
                where=task.emergency == self.id))
        return dict(cursor)

    @classmethod
    @ModelView.button
    def deactivate(cls, emergencies):
        "Ended: the time since each report-in counts as service"
        pool = Pool()
        Task = pool.get('civic.volunteer.emergency.task')
        emergencies = lock(cls, emergencies)
        for emergency in emergencies:
            if emergency.state != 'active':
                raise EmergencyError(gettext(
                        'civic_volunteer.msg_emergency_not_active',
                        emergency=emergency.rec_name))
        cls._deactivate(emergencies)
        with without_check_access():
            tasks = Task.search([
                    ('emergency', 'in', [e.id for e in emergencies]),
                    ], order=[('id', 'ASC')])
            Task.close(lock(Task, tasks))

    @classmethod
    @Workflow.transition('ended')
    def _deactivate(cls, emergencies):
        cls.write(emergencies, {'ended_at': clock.now()})


class Task(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Emergency Task"
    __name__ = 'civic.volunteer.emergency.task'
    # who reported in, and when, stays in the model's log
    _log = True
    _scope_area = 'squad.area'
    _scope_button_modes = {'report_in': 'read'}
    emergency = fields.Many2One(
        'civic.volunteer.emergency', "Emergency", required=True,
        readonly=True, ondelete='CASCADE')
    squad = fields.Many2One(
        'civic.volunteer.squad', "Squad", required=True, readonly=True,
        ondelete='RESTRICT')
    volunteer = fields.Many2One(
        'civic.volunteer', "Volunteer", required=True, readonly=True,
        ondelete='RESTRICT')
    notified_at = fields.DateTime("Notified at", readonly=True)
    reported_at = fields.DateTime("Reported at", readonly=True)
    hours = fields.Numeric("Hours", digits=(16, 1), readonly=True)
    record = fields.Many2One(
        'civic.volunteer.record', "Service Record", readonly=True)
    state = fields.Selection([
            ('notified', "Notified"),
            ('reported', "Reported"),
            ('served', "Served"),
            ('missed', "Did Not Report"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.emergency, Index.Equality()),
                    (t.squad, Index.Equality())),
                Index(t, (t.volunteer, Index.Equality())),
                })
        cls._order = [('emergency', 'DESC'), ('squad', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('notified', 'reported'),
            ('reported', 'served'),
            ('notified', 'missed'),
            }
        cls._buttons.update({
                'report_in': {
                    'invisible': Eval('state') != 'notified',
                    'depends': ['state'],
                    },
                })
        cls.__rpc__['report_in'] = waits_for_locks(instantiate=0)

    @classmethod
    def default_state(cls):
        return 'notified'

    def get_rec_name(self, name):
        return f'{self.volunteer.rec_name} ({self.emergency.rec_name})'

    @classmethod
    @ModelView.button
    def report_in(cls, tasks):
        """The volunteer reports in, once: a task already reported stays as
        it was (a phone may send the report again)"""
        tasks = lock(cls, tasks)
        for task in tasks:
            if task.emergency.state != 'active':
                raise EmergencyError(gettext(
                        'civic_volunteer.msg_emergency_not_active',
                        emergency=task.emergency.rec_name))
        cls._report_in([t for t in tasks if t.state == 'notified'])

    @classmethod
    def report_for_user(cls, emergency):
        "The user's volunteer reports in for the emergency (the phone)"
        Volunteer = Pool().get('civic.volunteer')
        own = Volunteer.of_user()
        with without_check_access():
            tasks = cls.search([
                    ('emergency', '=', emergency),
                    ('volunteer', 'in', list(own)),
                    ]) if own else []
            if not tasks:
                raise EmergencyError(gettext(
                        'civic_volunteer.msg_report_no_task'))
            cls.report_in(tasks)
            task = cls(tasks[0].id)
            return {
                'emergency': task.emergency.name,
                'squad': task.squad.name,
                'state': task.state,
                'reported_at': task.reported_at.isoformat(),
                }

    @classmethod
    @Workflow.transition('reported')
    def _report_in(cls, tasks):
        cls.write(tasks, {'reported_at': clock.now()})

    @classmethod
    def close(cls, tasks):
        "At the end: service records for who reported, missed for the rest"
        cls._miss([t for t in tasks if t.state == 'notified'])
        cls._serve([t for t in tasks if t.state == 'reported'])

    @classmethod
    @Workflow.transition('missed')
    def _miss(cls, tasks):
        pass

    @classmethod
    @Workflow.transition('served')
    def _serve(cls, tasks):
        Record = Pool().get('civic.volunteer.record')
        served = []
        for task in tasks:
            hours = hours_between(task.reported_at, task.emergency.ended_at)
            cls.write([task], {'hours': hours})
            if hours > 0:
                served.append(task)
        records = Record.add([{
                    'volunteer': t.volunteer.id,
                    'origin': str(t),
                    'organisation': t.squad.rec_name,
                    'date': t.reported_at.date(),
                    'place': t.emergency.area.name,
                    'content': t.emergency.name,
                    'hours': t.hours,
                    'area': t.emergency.area.id,
                    } for t in served])
        for task, record in zip(served, records):
            cls.write([task], {'record': record.id})


class Board(ScopeMixin, ModelSQL, ModelView):
    "Per squad of an emergency: who was called, who reported, who did not"
    __string__ = "Emergency Board"
    __name__ = 'civic.volunteer.emergency.board'
    _scope_area = 'squad.area'
    emergency = fields.Many2One('civic.volunteer.emergency', "Emergency")
    squad = fields.Many2One('civic.volunteer.squad', "Squad")
    called = fields.Integer("Called")
    reported = fields.Integer("Reported")
    missing = fields.Integer("Not Reported")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('emergency', 'DESC'), ('squad', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        Task = Pool().get('civic.volunteer.emergency.task')
        task = Task.__table__()
        reported = Count(task.reported_at)
        # one row per emergency and squad: its id is the smallest task's
        return task.select(
            Min(task.id).as_('id'),
            task.emergency.as_('emergency'),
            task.squad.as_('squad'),
            Count(task.id).as_('called'),
            reported.as_('reported'),
            (Count(task.id) - reported).as_('missing'),
            group_by=[task.emergency, task.squad])
