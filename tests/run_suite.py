#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Run every module's tests (ModuleTestCase, scenario doctests through their
load_tests) and the cross-module tests in tests/, with unittest so that the
scenarios really run, then print the closing line `N passed, N failed`."""
import argparse
import os
import sys
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = os.path.join(ROOT, 'addons')


def modules():
    return sorted(name for name in os.listdir(ADDONS)
        if os.path.exists(os.path.join(ADDONS, name, 'tryton.cfg')))


def build_suite(loader):
    suite = unittest.TestSuite()
    for module in modules():
        suite.addTests(loader.discover(
                os.path.join(ADDONS, module, 'tests'), top_level_dir=ADDONS))
    suite.addTests(loader.discover(
            os.path.join(ROOT, 'tests'), top_level_dir=ROOT))
    return suite


class CountingResult(unittest.TextTestResult):
    """Counts each sub-test as a test, as the closing line reports them, and
    the time since the previous test ended (its class set-up included)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passed = 0
        self.durations = {}
        self.last = time.perf_counter()

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1

    def stopTest(self, test):
        super().stopTest(test)
        now = time.perf_counter()
        name = test.id().rsplit('/', 1)[-1]
        self.durations[name] = self.durations.get(name, 0) + now - self.last
        self.last = now

    def print_slowest(self, count=12):
        slowest = sorted(self.durations.items(), key=lambda i: -i[1])
        self.stream.write('slowest: ' + ', '.join(
                f'{name} {seconds:.0f} s'
                for name, seconds in slowest[:count]) + '\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--backend', default='sqlite')
    parser.add_argument('--summary', help="file to write 'passed failed' to")
    parser.add_argument('-k', dest='patterns', action='append')
    args = parser.parse_args()
    os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
    if args.backend == 'sqlite':
        os.environ.setdefault('DB_NAME', ':memory:')
    else:
        os.environ.setdefault('DB_NAME', 'test_%d' % int(time.time()))
    sys.path.insert(0, ROOT)

    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = [
            p if '*' in p else f'*{p}*' for p in args.patterns]
    suite = build_suite(loader)
    runner = unittest.TextTestRunner(
        verbosity=2, resultclass=CountingResult, stream=sys.stdout)
    started = time.perf_counter()
    result = runner.run(suite)
    result.print_slowest()
    failed = len(result.failures) + len(result.errors) + len(
        result.unexpectedSuccesses)
    print(f'[{args.backend}] {result.passed} passed, {failed} failed, '
        f'{len(result.skipped)} skipped in '
        f'{time.perf_counter() - started:.0f} s', flush=True)
    if args.summary:
        with open(args.summary, 'w') as summary:
            summary.write(f'{result.passed} {failed}\n')
    return 0 if failed == 0 and result.passed else 1


if __name__ == '__main__':
    sys.exit(main())
