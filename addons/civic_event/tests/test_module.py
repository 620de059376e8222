# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from civic_event.exceptions import WorkflowError
from civic_grid.clock import CLOCK_KEY

# The steps that record a history line without changing the state
NO_STATE_CHANGE = {'award', 'merge'}


def make_areas():
    "A county > street > community > grid chain; return the grid"
    pool = Pool()
    Area = pool.get('civic.area')
    ModelData = pool.get('ir.model.data')
    parent = None
    for code, level in [('D', 'level_county'), ('S', 'level_street'),
            ('C', 'level_community'), ('G', 'level_big_grid')]:
        parent, = Area.create([{
                    'code': code, 'name': code, 'parent': parent,
                    'level': ModelData.get_id('civic_grid', level),
                    }])
        parent = parent.id
    return parent


def make_category():
    Category = Pool().get('civic.event.category')
    category, = Category.create([{
                'code': 'road', 'name': "Road",
                'limits': [('create', [{
                                'level': level, 'accept_hours': Decimal(2),
                                'resolve_hours': Decimal(24),
                                } for level in [
                                'grid', 'community', 'street', 'district']])],
                }])
    return category


def performed_transitions(events):
    "The (state before, state after) pairs the events' history shows"
    pairs = set()
    for event in events:
        before = None
        for step in event.history:
            if step.action in NO_STATE_CHANGE:
                continue
            if before is not None:
                pairs.add((before, step.state))
            before = step.state
    return pairs


class CivicEventTestCase(ModuleTestCase):
    "Test Civic Event module"
    module = 'civic_event'
    extras = []

    def new_events(self, count):
        Event = Pool().get('civic.event')
        return Event.create([{
                    'category': self.category.id, 'area': self.grid,
                    'description': f"Pothole {i}",
                    } for i in range(count)])

    @with_transaction()
    def test_transitions_cover_every_step(self):
        "Every state change the steps perform is a declared transition"
        pool = Pool()
        Event = pool.get('civic.event')
        self.grid = make_areas()
        self.category = make_category()
        events = self.new_events(9)
        (loop, rejected, duplicate, escalated, accepted_up, started_up,
            closed_plain, accepted_duplicate, started_duplicate) = events

        Event.accept([loop, accepted_up, started_up, closed_plain,
                accepted_duplicate, started_duplicate])
        Event.start([loop, started_up, started_duplicate])
        Event.write([loop, closed_plain], {'resolution': "Filled"})
        Event.resolve([loop, closed_plain])
        Event.record_feedback([loop], 1, "Still broken")
        Event.reopen([loop])
        Event.resolve([loop])
        Event.record_feedback([loop], 5)
        Event.close([loop, closed_plain])

        Event.write([rejected], {'rejection_reason': "Not a public road"})
        Event.reject([rejected])
        Event.write([duplicate, accepted_duplicate, started_duplicate],
            {'duplicate_of': loop.id})
        Event.mark_duplicate(
            [duplicate, accepted_duplicate, started_duplicate])

        Event.escalate([escalated, accepted_up])
        later = dt.datetime.now() + dt.timedelta(days=30)
        with Transaction().set_context({CLOCK_KEY: later}):
            self.assertGreaterEqual(Event.escalate_overdue(), 1)

        events = Event.browse(events)
        performed = performed_transitions(events)
        self.assertLessEqual(performed, Event._transitions)
        self.assertEqual(Event._transitions - performed, set())
        self.assertEqual(
            [e.state for e in events],
            ['closed', 'rejected', 'duplicate', 'reported', 'reported',
                'reported', 'closed', 'duplicate', 'duplicate'])
        self.assertEqual(started_up.level, 'community')
        self.assertTrue(started_up.timed_out)

    @with_transaction()
    def test_no_side_door(self):
        "A state cannot be written outside the transitions"
        Event = Pool().get('civic.event')
        self.grid = make_areas()
        self.category = make_category()
        event, resolved = self.new_events(2)
        with self.assertRaises(WorkflowError):
            Event.write([event], {'state': 'closed'})
        Event.accept([resolved])
        Event.write([resolved], {'resolution': "Done"})
        Event.resolve([resolved])
        Event.record_feedback([resolved], 2)
        # feedback -> in progress is the reopening, not a new start
        with self.assertRaises(WorkflowError):
            Event.start([resolved])

    @with_transaction()
    def test_first_tab_shows_the_work(self):
        "The event list opens on a tab that counts the open events of the "
        "officer's scope, also when the grid handles them"
        pool = Pool()
        Event = pool.get('civic.event')
        Area = pool.get('civic.area')
        User = pool.get('res.user')
        ActionWindow = pool.get('ir.action.act_window')
        ModelData = pool.get('ir.model.data')
        self.grid = make_areas()
        self.category = make_category()
        events = self.new_events(4)
        Event.accept(events[:2])
        Event.start(events[:1])
        community, = Area.search([('code', '=', 'C')])
        officer, = User.create([{
                    'login': 'officer', 'name': 'officer',
                    'groups': [('add', [ModelData.get_id(
                                    'civic_grid', 'group_civic_community')])],
                    'civic_areas': [('add', [community.id])],
                    }])
        action = ActionWindow(ModelData.get_id('civic_event', 'act_event'))
        first = sorted(action.act_window_domains,
            key=lambda d: (d.sequence, d.id))[0]
        self.assertTrue(first.count)
        with Transaction().set_user(officer.id), \
                Transaction().set_context(_check_access=True):
            self.assertEqual(
                Event.search_count(PYSONDecoder().decode(first.domain)), 4)
            # none of them waits at the community's own level
            self.assertEqual(Event.search_count([('to_handle', '=', True)]),
                0)


del ModuleTestCase
