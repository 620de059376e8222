# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"A database of its own for the tests that drive scripts in other processes"
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ScratchDatabaseTestCase(unittest.TestCase):
    """Creates database `<prefix>_<pid>` with every module on the suite's
    back-end (SQLite: in a temporary folder) and drops it at the end"""
    prefix = 'scratch'

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory(
            dir=os.environ.get('CIVIC_TEST_WORK'))
        cls.database = f'{cls.prefix}_{os.getpid()}'
        env = dict(os.environ)
        for name in ('DB_NAME', 'DB_CACHE', 'TRYTOND_CONFIG'):
            env.pop(name, None)
        env.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
        if env['TRYTOND_DATABASE__URI'].startswith('sqlite'):
            env['TRYTOND_DATABASE__PATH'] = cls.work.name
        cls.env = env
        cls.run_script('scripts/database.py', 'create', cls.database)

    @classmethod
    def tearDownClass(cls):
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
