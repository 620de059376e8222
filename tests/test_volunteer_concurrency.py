# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Many volunteers, from eight client processes at once, sign up for the
last three places of one activity and report in (twice each) for one
emergency: no place over the capacity, every one else on the waiting list,
every report in once, none lost, none doubled, and no one told to try
again."""
import collections
import json
import os
import subprocess
import sys
import time

from tests.scratch import ROOT, ScratchDatabaseTestCase

WORKER = os.path.join(ROOT, 'tests', 'volunteer_worker.py')
CLIENTS = 8
CONTENDERS = 40
PLACES = 3


class VolunteerConcurrencyTestCase(ScratchDatabaseTestCase):
    prefix = 'vconc'
    shared = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.run_script(WORKER, '-d', cls.database, '--setup',
            str(CONTENDERS), str(PLACES))

    def test_last_places_and_report_ins(self):
        "The last places and the report-ins, all clients at once"
        go = os.path.join(self.work.name, 'go')
        processes, readies, journals = [], [], []
        for number in range(CLIENTS):
            ready = os.path.join(self.work.name, f'ready-{number}')
            journal = os.path.join(self.work.name, f'client-{number}.jsonl')
            readies.append(ready)
            journals.append(journal)
            processes.append(subprocess.Popen([sys.executable, WORKER,
                        '-d', self.database, '--client', str(number),
                        '--clients', str(CLIENTS), '--ready', ready,
                        '--go', go, '--journal', journal], env=self.env))
        while not all(map(os.path.exists, readies)):
            for process in processes:
                self.assertIsNone(process.poll())
            time.sleep(0.05)
        open(go, 'w').close()
        for process in processes:
            self.assertEqual(process.wait(timeout=600), 0)

        statuses = collections.Counter()
        for journal in journals:
            with open(journal) as file:
                for line in file:
                    step, _, status = json.loads(line)
                    statuses[step, status] += 1
        # every call answered, none gave up under the load; a second
        # report-in is refused by the button (it is gone) or, when it
        # raced the first past that check, changes nothing
        self.assertEqual(statuses['sign_up', 'ok'], CONTENDERS)
        self.assertEqual(statuses['report_in', 'ok']
            + statuses['report_in', 'refused'], 2 * CONTENDERS)
        self.assertGreaterEqual(statuses['report_in', 'ok'], CONTENDERS)
        self.assertEqual(set(statuses) - {('sign_up', 'ok'),
                ('report_in', 'ok'), ('report_in', 'refused')}, set())

        facts = json.loads(self.run_script(
                WORKER, '-d', self.database, '--check'))
        holding = facts['states'].get('registered', 0)
        self.assertEqual(holding, facts['capacity'])
        self.assertEqual(facts['states'].get('waiting', 0),
            CONTENDERS - PLACES)
        self.assertEqual(facts['signups_per_volunteer'], 1)
        self.assertEqual(facts['tasks'], CONTENDERS)
        self.assertEqual(facts['reported'], CONTENDERS)
        self.assertEqual(facts['reports_per_task'], [1])
        print(f'\n    {CLIENTS} clients: {dict(statuses)}; sign-ups '
            f'{facts["states"]} for {facts["capacity"]} places; '
            f'{facts["reported"]} of {facts["tasks"]} reported once',
            flush=True)
