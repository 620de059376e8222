# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Eight processes hammer the same points accounts with awards, vouchers,
redemptions and reversals; then the ledger must still hold: balances equal
the sums of their lines, none is negative, no voucher is redeemed twice and
every committed operation left exactly its line.  A second run kills a
worker in the middle of its work."""
import collections
import json
import os
import signal
import subprocess
import sys
import time
import unittest

from tests.scratch import ROOT, ScratchDatabaseTestCase

WORKER = os.path.join(ROOT, 'tests', 'points_worker.py')
WORKERS = 8


class PointsConcurrencyTestCase(ScratchDatabaseTestCase):
    prefix = 'conc'
    shared = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.run_script(WORKER, '-d', cls.database, '--setup')

    def start_workers(self, name, seconds):
        journals, processes = [], []
        for number in range(WORKERS):
            journal = os.path.join(self.work.name, f'{name}-{number}.jsonl')
            journals.append(journal)
            processes.append(subprocess.Popen([sys.executable, WORKER,
                        '-d', self.database, '--worker', str(number),
                        '--seconds', str(seconds), '--journal', journal],
                    env=self.env))
        return journals, processes

    def facts(self):
        journals = [os.path.join(self.work.name, f)
            for f in os.listdir(self.work.name) if f.endswith('.jsonl')]
        return json.loads(self.run_script(
                WORKER, '-d', self.database, '--check', *journals))

    def assert_ledger_holds(self, facts, unjournaled=0):
        """Check the facts; unjournaled is how many operations may have been
        committed by killed workers without reaching their journal"""
        self.assertTrue(facts['balances_equal_sums'])
        self.assertEqual(facts['negative_balances'], [])
        self.assertEqual(facts['accounts'], 6)
        pairs = [
            ('award_ops_db', 'award_ops_journal'),
            ('reversed_db', 'reversed_journal'),
            ('debits_db', 'issued_journal'),
            ('redeemed_db', 'redeemed_journal'),
            ]
        extra = 0
        for in_db, in_journal in pairs:
            db = collections.Counter(facts[in_db])
            journal = collections.Counter(facts[in_journal])
            # nothing doubled: no operation left two lines, no voucher was
            # redeemed twice, no line was reversed twice
            self.assertEqual(max(db.values(), default=1), 1, in_db)
            self.assertEqual(max(journal.values(), default=1), 1, in_journal)
            # nothing lost: every committed operation is in the database
            self.assertEqual(journal - db, collections.Counter(), in_journal)
            extra += sum((db - journal).values())
        self.assertLessEqual(extra, unjournaled)
        self.assertEqual(facts['vouchers_out_of_step'], [])
        self.assertEqual(facts['lines'], len(facts['award_ops_db'])
            + len(facts['reversed_db']) + len(facts['debits_db'])
            + len(facts['refunds_db']))

    def test_concurrent_operations(self):
        "Awards, vouchers, redemptions and reversals from 8 processes"
        journals, processes = self.start_workers('hammer', 12)
        for process in processes:
            self.assertEqual(process.wait(timeout=300), 0)
        facts = self.facts()
        self.assert_ledger_holds(facts)
        statuses = facts['statuses']
        for kind, count in facts['journal'].items():
            self.assertGreater(count, 0, kind)
        # Overdrafts and second redemptions were tried and refused
        self.assertGreater(statuses.get('refused', 0), 0)
        # Nothing a resident does at a counter ends in "try again"
        self.assertEqual(statuses.get('gave_up', 0), 0, statuses)
        # The workers did race on the same vouchers: some were cancelled
        # after being issued, some issues found them cancelled
        self.assertGreater(facts['vouchers'].get('cancelled', 0), 0)
        print(f'\n    {WORKERS} workers: {statuses}, committed '
            f'{facts["journal"]}, {facts["lines"]} lines, vouchers '
            f'{dict(facts["vouchers"])}', flush=True)

    def test_racing_issue_and_cancel(self):
        """Ten clients issue the same draft voucher at once, then issue and
        cancel others at once: each voucher is debited at most once and
        refunded only if it was debited"""
        vouchers = json.loads(self.run_script(
                WORKER, '-d', self.database, '--drafts', '3'))
        clients = 10
        steps = [['issue'] * clients,
            ['issue', 'cancel'] * (clients // 2),
            ['cancel', 'issue'] * (clients // 2)]
        paths, processes = [], []
        for client in range(clients):
            rounds = [{
                    'voucher': voucher,
                    'step': steps[number][client],
                    'ready': os.path.join(
                        self.work.name, f'ready-{number}-{client}'),
                    'go': os.path.join(self.work.name, f'go-{number}'),
                    } for number, voucher in enumerate(vouchers)]
            path = os.path.join(self.work.name, f'race-{client}.json')
            with open(path, 'w') as file:
                json.dump(rounds, file)
            journal = os.path.join(self.work.name, f'race-{client}.jsonl')
            paths.append(journal)
            processes.append(subprocess.Popen([sys.executable, WORKER,
                        '-d', self.database, '--race', path,
                        '--journal', journal], env=self.env))
        for number in range(len(vouchers)):
            ready = [os.path.join(self.work.name, f'ready-{number}-{c}')
                for c in range(clients)]
            while not all(map(os.path.exists, ready)):
                for process in processes:
                    self.assertIsNone(process.poll())
                time.sleep(0.01)
            open(os.path.join(self.work.name, f'go-{number}'), 'w').close()
        for process in processes:
            self.assertEqual(process.wait(timeout=300), 0)
        results = collections.defaultdict(collections.Counter)
        for path in paths:
            with open(path) as journal:
                for line in journal:
                    step, status, voucher = json.loads(line)
                    results[voucher][step, status] += 1
        facts = self.facts()
        self.assertEqual(facts['vouchers_out_of_step'], [])
        self.assertTrue(facts['balances_equal_sums'])
        first = results[vouchers[0]]
        self.assertEqual(first[('issue', 'ok')], 1, first)
        self.assertEqual(first[('issue', 'refused')], clients - 1, first)
        for voucher in vouchers:
            self.assertEqual(collections.Counter(facts['debits_db'])[voucher]
                + 0, 1 if results[voucher][('issue', 'ok')] else 0)
            statuses = {status for _, status in results[voucher]}
            self.assertNotIn('gave_up', statuses, results[voucher])
        print(f'\n    {clients} clients on {len(vouchers)} vouchers: '
            + '; '.join(', '.join(f'{s} {t}: {n}'
                    for (s, t), n in sorted(results[v].items()))
                for v in vouchers), flush=True)

    def test_killed_worker(self):
        "A worker killed in the middle of its work leaves no half operation"
        journals, processes = self.start_workers('kill', 10)
        time.sleep(4)
        victims = processes[:2]
        for process in victims:
            process.send_signal(signal.SIGKILL)
        for process in processes:
            code = process.wait(timeout=300)
            if process not in victims:
                self.assertEqual(code, 0)
        self.assertEqual([p.returncode for p in victims],
            [-signal.SIGKILL] * len(victims))
        self.assert_ledger_holds(self.facts(), unjournaled=len(victims))


if __name__ == '__main__':
    unittest.main()
