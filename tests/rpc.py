# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"Start the server the way README command 1 does and talk JSON-RPC to it"
import atexit
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class RPCError(Exception):
    pass


class Session:
    "A logged-in JSON-RPC session"

    def __init__(self, url, database, login, password, language='zh_CN',
            **parameters):
        self.url = f'{url}/{database}/rpc/'
        self.login = login
        self.auth = None
        self.counter = 0
        user_id, session, *_ = self.call('common.db.login', login,
            {'password': password, **parameters}, language)
        token = f'{login}:{user_id}:{session}'.encode()
        self.auth = 'Session ' + base64.b64encode(token).decode()
        self.user_id = user_id

    def call(self, method, *params, headers=None):
        self.counter += 1
        request = urllib.request.Request(self.url,
            data=json.dumps({
                    'id': self.counter, 'method': method,
                    'params': list(params)}).encode(),
            headers={'Content-Type': 'application/json', **(headers or {})})
        if self.auth:
            request.add_header('Authorization', self.auth)
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.load(response)
        if answer.get('error'):
            raise RPCError(answer['error'])
        return answer['result']

    def model(self, name, method, *params, context=None):
        return self.call(f'model.{name}.{method}', *params, context or {})


class RunningServer:
    """scripts/run on a free port, by default with a database of its own in
    a temporary folder (drop() removes both)"""

    def __init__(self, database=None, data_dir=None, workers=None):
        self.workers = workers
        self.port = free_port()
        self.database = database or f'civic_srv_{os.getpid()}'
        self.url = f'http://127.0.0.1:{self.port}'
        self.data_dir = data_dir or tempfile.mkdtemp(prefix='civic-server-')
        self.log_path = tempfile.mkstemp(
            prefix='civic-server-', suffix='.log')[1]
        self.process = None

    def environment(self):
        env = dict(os.environ, PORT=str(self.port), DB_NAME=self.database,
            DB_PATH=self.data_dir, LISTEN='127.0.0.1')
        env.pop('WORKERS', None)
        if self.workers:
            env['WORKERS'] = str(self.workers)
        uri = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://')
        env.pop('TRYTOND_DATABASE__URI', None)
        env.pop('DB_NAME', None)
        env['DB_NAME'] = self.database
        env.pop('DB_CACHE', None)
        if uri.startswith('postgresql'):
            env['DATABASE_URI'] = uri
        else:
            env.pop('DATABASE_URI', None)
        return env

    def start(self, *arguments, timeout=900):
        log = open(self.log_path, 'a')
        self.process = subprocess.Popen(
            [os.path.join(ROOT, 'scripts', 'run'), *arguments],
            env=self.environment(), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('scripts/run stopped:\n' + self.log())
            try:
                with urllib.request.urlopen(self.url + '/', timeout=5):
                    return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(1)
        raise RuntimeError('the server did not answer:\n' + self.log())

    def log(self):
        with open(self.log_path, encoding='utf-8', errors='replace') as log:
            return log.read()[-5000:]

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def drop(self):
        subprocess.run([os.path.join(ROOT, '.venv', 'bin', 'python'),
                os.path.join(ROOT, 'scripts', 'database.py'), 'drop',
                self.database], env=self._admin_environment(), check=False)
        shutil.rmtree(self.data_dir, ignore_errors=True)
        os.unlink(self.log_path)

    def _admin_environment(self):
        env = self.environment()
        if 'DATABASE_URI' in env:
            env['TRYTOND_DATABASE__URI'] = env['DATABASE_URI']
        else:
            env['TRYTOND_DATABASE__PATH'] = self.data_dir
        return env

    def session(self, login, password='civicgrid2026', language='zh_CN',
            **parameters):
        return Session(self.url, self.database, login, password, language,
            **parameters)

    def processes(self):
        "The command lines of the processes scripts/run started"
        result = subprocess.run(['ps', '-ww', '-o', 'pid=,args=', '--sid',
                str(self.process.pid)], capture_output=True, text=True)
        return [line.split(None, 1)[1] for line in result.stdout.splitlines()
            if line.strip()]


DEMO_WORKERS = 2
_demo_server = None


def demo_server():
    """The demo server the server tests share, started as a deployment
    (gunicorn with DEMO_WORKERS workers and trytond-cron): its demo database
    is built once per run and dropped when the run ends"""
    global _demo_server
    if _demo_server is None:
        server = RunningServer(workers=DEMO_WORKERS)
        try:
            server.start()
        except Exception:
            server.stop()
            server.drop()
            raise
        atexit.register(_release, server)
        _demo_server = server
    return _demo_server


def _release(server):
    server.stop()
    server.drop()
