# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The deployment files stay coherent (no Docker engine runs here, and the
docker client on this machine has no compose plugin, so the compose file is
checked as YAML against what it must contain)."""
import configparser
import os
import unittest

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class DeploymentTestCase(unittest.TestCase):

    def test_compose_services(self):
        "gunicorn workers, trytond-cron and trytond-worker on PostgreSQL"
        with open(os.path.join(ROOT, 'docker-compose.yml')) as compose:
            services = yaml.safe_load(compose)['services']
        self.assertEqual(services['postgres']['image'], 'postgres:15')
        self.assertIn('fsync=on', services['postgres']['command'])
        for name, program in [('trytond', 'gunicorn --workers'),
                ('cron', 'trytond-cron'), ('worker', 'trytond-worker')]:
            service = services[name]
            self.assertEqual(service['image'], 'tryton/tryton:8.0')
            self.assertIn('pip install --no-cache-dir /civic-grid',
                service['command'])
            self.assertIn(program, service['command'])
            environment = service['environment']
            self.assertTrue(environment[
                    'TRYTOND_DATABASE__URI'].startswith('postgresql://'))
            self.assertEqual(environment['TRYTOND_CONFIG'],
                '/civic-grid/config/trytond-postgresql.conf')
            self.assertEqual(environment['TRYTOND_QUEUE__WORKER'], 'True')
        self.assertIn('trytond.application:app',
            services['trytond']['command'])

    def test_configurations(self):
        "Production settings in both configurations"
        for name, backend in [('trytond.conf', 'sqlite://'),
                ('trytond-postgresql.conf', None)]:
            parser = configparser.ConfigParser()
            read = parser.read(os.path.join(ROOT, 'config', name))
            self.assertTrue(read)
            self.assertEqual(parser.get('database', 'language'), 'zh_CN')
            self.assertEqual(
                parser.get('database', 'uri', fallback=None), backend)
            self.assertFalse(parser.getboolean('database', 'list'))
            self.assertLessEqual(
                parser.getint('session', 'login_attempt_window'), 3600)
            self.assertEqual(parser.get('wsgi middleware', 'http_errors'),
                'civic_grid.http.HTTPErrors')
