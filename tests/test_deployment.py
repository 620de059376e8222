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
        with open(os.path.join(ROOT, 'docker-compose.yml')) as compose:
            services = yaml.safe_load(compose)['services']
        self.assertEqual(services['postgres']['image'], 'postgres:15')
        for name in ('trytond', 'cron'):
            self.assertEqual(services[name]['image'], 'tryton/tryton:8.0')
            self.assertIn('/civic-grid', services[name]['command'])
            self.assertTrue(services[name]['environment'][
                    'TRYTOND_DATABASE__URI'].startswith('postgresql://'))
        self.assertIn('trytond-cron', services['cron']['command'])

    def test_configurations(self):
        for name, backend in [('trytond.conf', 'sqlite://'),
                ('trytond-postgresql.conf', None)]:
            parser = configparser.ConfigParser()
            read = parser.read(os.path.join(ROOT, 'config', name))
            self.assertTrue(read)
            self.assertEqual(parser.get('database', 'language'), 'zh_CN')
            self.assertEqual(
                parser.get('database', 'uri', fallback=None), backend)
