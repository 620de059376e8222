# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"A database of its own for the tests that drive scripts in other processes"
import atexit
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# the database the `shared` test cases build once per run: (work, env, name)
_shared = None


class ScratchDatabaseTestCase(unittest.TestCase):
    """Creates database `<prefix>_<pid>` with every module on the suite's
    back-end (SQLite: in a temporary folder) and drops it at the end.
    With `shared`, the test cases use one such database for the whole run
    (their data must not meet: each makes its own areas)."""
    prefix = 'scratch'
    shared = False

    @classmethod
    def setUpClass(cls):
        global _shared
        if cls.shared and _shared is not None:
            cls.work, cls.env, cls.database = _shared
            return
        cls.work = tempfile.TemporaryDirectory(
            dir=os.environ.get('CIVIC_TEST_WORK'))
        prefix = 'shared' if cls.shared else cls.prefix
        cls.database = f'{prefix}_{os.getpid()}'
        env = dict(os.environ)
        for name in ('DB_NAME', 'DB_CACHE', 'TRYTOND_CONFIG'):
            env.pop(name, None)
        env.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
        if env['TRYTOND_DATABASE__URI'].startswith('sqlite'):
            env['TRYTOND_DATABASE__PATH'] = cls.work.name
        cls.env = env
        cls.run_script('scripts/database.py', 'create', cls.database)
        if cls.shared:
            _shared = cls.work, cls.env, cls.database
            atexit.register(cls.drop)

    @classmethod
    def tearDownClass(cls):
        if not cls.shared:
            cls.drop()

    @classmethod
    def drop(cls):
        cls.run_script('scripts/database.py', 'drop', cls.database)
        cls.work.cleanup()

    @classmethod
    def run_script(cls, script, *args):
        result = subprocess.run(
            [sys.executable, os.path.join(ROOT, script), *args],
            env=cls.env, capture_output=True, text=True)
        if result.returncode:
            raise AssertionError(f'{script} failed:\n{result.stderr}')
        return result.stdout
