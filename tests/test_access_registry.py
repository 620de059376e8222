# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The registry-driven access test: every model, relation, wizard, button,
report and RPC method of every module, called by every scoped role on
records outside its scope, is refused, and refused in the same words as a
record that does not exist; and every public method given wrong values
answers with a message, never with a crash of the project's code
(tests/access_audit.py does the calling)."""
import json
import os
import unittest

from tests.scratch import ROOT, ScratchDatabaseTestCase

AUDIT = os.path.join(ROOT, 'tests', 'access_audit.py')


class AccessRegistryTestCase(ScratchDatabaseTestCase):
    prefix = 'audit'
    maxDiff = 2000

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.run_script(AUDIT, '-d', cls.database, '--setup')

    def test_every_entry_point_refuses_outside_records(self):
        "Every role is refused every record outside its scope, everywhere"
        report = json.loads(self.run_script(AUDIT, '-d', self.database))
        print(f'\n    {report["total"]} calls checked: '
            + ', '.join(f'{k} {v}' for k, v in sorted(
                    report['checked'].items())), flush=True)
        self.assertEqual(report['uncovered'], [],
            '\n'.join(report['uncovered']))
        self.assertEqual(report['failures'], [],
            '\n'.join(report['failures']))
        # every kind of entry point was reached
        for kind in ['read', 'write', 'delete', 'copy', 'button',
                'reference', 'configuration', 'wizard', 'report', 'rpc']:
            self.assertGreater(report['checked'].get(kind, 0), 0, kind)

    def test_wrong_values_get_messages(self):
        "Wrong values in every field, button and RPC method: no crash"
        report = json.loads(self.run_script(
                AUDIT, '-d', self.database, '--fuzz'))
        print(f'\n    {report["calls"]} calls with wrong values, '
            f'{len(report["crashes"])} kinds of crash', flush=True)
        self.assertGreater(report['calls'], 1000)
        self.assertEqual(report['crashes'], [],
            '\n'.join(report['crashes']))


if __name__ == '__main__':
    unittest.main()
