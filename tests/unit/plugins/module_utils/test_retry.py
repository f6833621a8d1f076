# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which requests are retried, and creates that never make two (module_utils/_retry.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _retry, _sdk
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError

try:
    from http.server import BaseHTTPRequestHandler, HTTPServer
except ImportError:  # pragma: no cover - Python 2 has no http.server
    BaseHTTPRequestHandler = HTTPServer = None


@pytest.mark.parametrize(
    'method, url, retried',
    [
        ('GET', 'http://cloud:8774/v2.1/servers/detail', True),
        ('get', '/servers', True),
        ('HEAD', '/v2/images/x', True),
        ('POST', 'http://cloud:5000/v3/auth/tokens', True),
        ('POST', 'http://cloud:5000/v3/auth/tokens?nocatalog', True),
        ('POST', '/servers', False),
        ('POST', '/servers/x/action', False),
        ('POST', '/v3/auth/tokens/other', False),
        ('PUT', '/servers/x', False),
        ('PATCH', '/v2/images/x', False),
        ('DELETE', '/servers/x', False),
        ('DELETE', '/v2/images/x', False),
    ],
)
def test_only_reads_and_tokens_are_retried(method, url, retried):
    settings = _retry.retry_settings(method, url)
    assert _retry.is_retried(method, url) is retried
    if retried:
        assert settings['connect_retries'] == _retry.READ_CONNECT_RETRIES == 2
        assert settings['status_code_retries'] == _retry.READ_STATUS_RETRIES == 5
        assert settings['retriable_status_codes'] == [500, 502, 503, 504]
    else:
        # Zero on purpose: openstacksdk's own defaults retry Glance writes on 503.
        assert settings == {'connect_retries': 0, 'status_code_retries': 0}


class FakeSession(object):
    def __init__(self):
        self.calls = []

    def request(self, url, method, **kwargs):
        self.calls.append((url, method, kwargs))
        return 'answer'


def test_the_policy_overrides_what_the_adapter_asks_for():
    session = _retry.install_retry_policy(FakeSession())
    assert session.request('/servers', 'POST', connect_retries=3, status_code_retries=5, json={}) == 'answer'
    assert session.request('/servers/detail', 'GET', connect_retries=1) == 'answer'
    post, get = session.calls
    assert post[2] == {'connect_retries': 0, 'status_code_retries': 0, 'json': {}}
    assert get[2]['connect_retries'] == 2 and get[2]['status_code_retries'] == 5


# ------------------------------------------------------------------------------------------ create_once


def lost(status=503):
    return ComputeError('Failed while creating server web1: HTTP %d: Service Unavailable' % status, status_code=status)


def ambiguous(error):
    return (error.details.get('status_code') or 0) >= 500


class Script(object):
    """A create and a lookup that follow a script of outcomes; records what was called."""

    def __init__(self, creates, finds):
        self.creates = list(creates)
        self.finds = list(finds)
        self.calls = []
        self.sleeps = []

    def create(self):
        self.calls.append('create')
        outcome = self.creates.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def find(self):
        self.calls.append('find')
        outcome = self.finds.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def run(self):
        return _retry.create_once(self.create, self.find, 'server web1', ambiguous, sleep=self.sleeps.append)


@pytest.mark.parametrize(
    'creates, finds, result, calls',
    [
        # The answer came: no lookup.
        ([{'id': 'a'}], [], ({'id': 'a'}, False), ['create']),
        # The answer was lost but the server was made: found by name, never sent again.
        ([lost(503)], [[{'id': 'a'}]], ({'id': 'a'}, True), ['create', 'find']),
        ([lost(502)], [[{'id': 'a'}]], ({'id': 'a'}, True), ['create', 'find']),
        # The request never arrived: nothing found, sent again.
        ([lost(), {'id': 'b'}], [[]], ({'id': 'b'}, False), ['create', 'find', 'create']),
        ([lost(), lost(), {'id': 'c'}], [[], [{'id': 'c'}]], ({'id': 'c'}, True), ['create', 'find', 'create', 'find']),
    ],
)
def test_create_once(creates, finds, result, calls):
    script = Script(creates, finds)
    assert script.run() == result
    assert script.calls == calls
    assert script.sleeps == [_retry.CREATE_SETTLE] * calls.count('find')


@pytest.mark.parametrize(
    'creates, finds, message, calls',
    [
        # Refused (4xx): the cloud said no, nothing is looked for or sent again.
        ([lost(409)], [], '^Failed while creating server web1: HTTP 409', ['create']),
        # Lost three times, checked each time.
        (
            [lost(), lost(), lost()],
            [[], [], []],
            r'HTTP 503: Service Unavailable \(server web1 was not made: 3 attempts, each checked afterwards\)\.$',
            ['create', 'find'] * 3,
        ),
        # The lookup fails too: say so, do not guess.
        (
            [lost()],
            [ComputeError('Cannot reach the cloud while listing servers: refused')],
            '; whether server web1 was made anyway is unknown: looking for it failed too: Cannot reach the cloud',
            ['create', 'find'],
        ),
        # Two carry the name (someone else made one meanwhile): report, do not pick.
        ([lost()], [[{'id': 'a'}, {'id': 'b'}]], 'found 2 of them, so nothing was sent again', ['create', 'find']),
    ],
)
def test_create_once_fails_with_one_line(creates, finds, message, calls):
    script = Script(creates, finds)
    with pytest.raises(ComputeError, match=message) as raised:
        script.run()
    assert '\n' not in raised.value.msg
    assert script.calls == calls


# ------------------------------------------------------------------------------------------ what is ambiguous


def raised_inside(inner, outer_msg='Failed while creating server web1', **details):
    """A ComputeError raised while handling ``inner``, as sdk_errors raises it."""
    try:
        try:
            raise inner
        except Exception:
            raise ComputeError(outer_msg, **details)
    except ComputeError as exc:
        return exc


def test_ambiguous_from_details_alone():
    assert _sdk.is_ambiguous_failure(ComputeError('x', status_code=503)) is True
    assert _sdk.is_ambiguous_failure(ComputeError('x', status_code=500)) is True
    assert _sdk.is_ambiguous_failure(ComputeError('x', status_code=409)) is False
    assert _sdk.is_ambiguous_failure(ComputeError('x')) is False
    assert _sdk.is_ambiguous_failure(raised_inside(ValueError('bad'))) is False


def test_ambiguous_from_sdk_and_keystoneauth_errors():
    pytest.importorskip('openstack')
    from keystoneauth1 import exceptions as ksa_exc
    from openstack import exceptions as sdk_exc

    assert _sdk.is_ambiguous_failure(raised_inside(ksa_exc.ConnectFailure('Connection reset by peer'))) is True
    assert _sdk.is_ambiguous_failure(raised_inside(ksa_exc.ConnectTimeout('timed out'))) is True
    assert _sdk.is_ambiguous_failure(raised_inside(ksa_exc.SSLError('bad certificate'))) is False
    for status, expected in ((500, True), (502, True), (400, False), (409, False)):
        error = sdk_exc.HttpException('HTTP %d' % status)
        error.status_code = status
        assert _sdk.is_ambiguous_failure(raised_inside(error)) is expected, status


# ------------------------------------------------------------------------------------------ with keystoneauth


class Flaky(BaseHTTPRequestHandler if BaseHTTPRequestHandler else object):
    """Answers 503 to the first two requests of each method, then 200."""

    seen = {}

    def log_message(self, *args):
        pass

    def answer(self):
        count = self.seen[self.command] = self.seen.get(self.command, 0) + 1
        status = 503 if count <= 2 else 200
        body = json.dumps({'count': count}).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = answer


@pytest.fixture
def flaky():
    if HTTPServer is None:
        pytest.skip('needs Python 3')
    Flaky.seen = {}
    server = HTTPServer(('127.0.0.1', 0), Flaky)
    thread = threading.Thread(target=server.serve_forever)
    thread.daemon = True
    thread.start()
    yield 'http://127.0.0.1:%d' % server.server_address[1]
    server.shutdown()


def test_keystoneauth_retries_reads_and_sends_writes_once(flaky, monkeypatch):
    pytest.importorskip('keystoneauth1')
    from keystoneauth1 import session as ksa_session

    monkeypatch.setattr(ksa_session.time, 'sleep', lambda seconds: None)
    session = _retry.install_retry_policy(ksa_session.Session())
    got = session.request(flaky + '/servers/detail', 'GET', authenticated=False, raise_exc=False)
    assert got.status_code == 200 and got.json() == {'count': 3}
    posted = session.request(flaky + '/servers', 'POST', authenticated=False, raise_exc=False, json={})
    assert posted.status_code == 503 and Flaky.seen['POST'] == 1
    deleted = session.request(flaky + '/servers/x', 'DELETE', authenticated=False, raise_exc=False)
    assert deleted.status_code == 503 and Flaky.seen['DELETE'] == 1


# ------------------------------------------------------------------------------------------ the server create


class CreateCloud(object):
    """Makes the server, then loses the answer once; lists servers as Nova does (name as a pattern)."""

    def __init__(self, lose):
        self.lose = list(lose)
        self.servers = []
        self.calls = []

    def create_server(self, attrs):
        self.calls.append('create_server')
        outcome = self.lose.pop(0) if self.lose else 'answer'
        if outcome in ('answer', 'after'):
            self.servers.append({'id': 'id-%d' % len(self.servers), 'name': attrs['name'], 'status': 'BUILD'})
        if outcome != 'answer':
            raise ComputeError('Failed while creating server %s: HTTP 503: lost' % attrs['name'], status_code=503)
        return dict(self.servers[-1])

    def find_servers(self, name):
        raise AssertionError('the lookup must read afresh, not through find_servers')

    def list_servers(self, query):
        self.calls.append('list_servers')
        return [dict(s) for s in self.servers if s['name'].startswith('web1')]

    def get_server(self, server_id):
        return next(dict(s) for s in self.servers if s['id'] == server_id)


class Plan(object):
    create_attrs = {'name': 'web1', 'flavorRef': 'f', 'imageRef': 'i'}
    transitions = ()
    lock = None
    floating_add = ()
    allocate_ip = False


class Module(object):
    params = {'wait': False}

    def __init__(self, cloud):
        self.cloud = cloud
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)


@pytest.mark.parametrize(
    'lose, made, calls, warned',
    [
        ([], 1, ['create_server'], False),
        (['after'], 1, ['create_server', 'list_servers'], True),
        (['before'], 1, ['create_server', 'list_servers', 'create_server'], False),
    ],
)
def test_a_server_create_never_makes_two(monkeypatch, lose, made, calls, warned):
    from ansible_collections.stackops.compute.plugins.module_utils import _server_apply

    monkeypatch.setattr(_retry.time, 'sleep', lambda seconds: None)
    cloud = CreateCloud(lose)
    module = Module(cloud)
    server = _server_apply.apply_create(module, Plan())
    assert server['name'] == 'web1' and len(cloud.servers) == made
    assert cloud.calls == calls
    assert bool(module.warnings) is warned


# ------------------------------------------------------------------------------------------ deletes


def make_delete(outcome):
    def delete():
        if outcome is not None:
            raise outcome

    return delete


def make_read(outcome):
    def read():
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return read


@pytest.mark.parametrize(
    'delete, read, result',
    [
        (None, AssertionError('no read-back after an answer'), None),
        (lost(503), None, 'HTTP 503: Service Unavailable; image x (1) is gone nonetheless.'),
        (lost(502), {'status': 'deleted'}, 'HTTP 502: Service Unavailable; image x (1) is gone nonetheless.'),
    ],
)
def test_delete_checked_succeeds_only_when_gone(delete, read, result):
    def gone(image):
        return 'is gone' if image is None or image.get('status') == 'deleted' else None

    warning = _retry.delete_checked(make_delete(delete), make_read(read), 'image x (1)', ambiguous, gone=gone)
    if result is None:
        assert warning is None
    else:
        assert warning.endswith(result)


@pytest.mark.parametrize(
    'delete, read, message',
    [
        (lost(409), None, r'^Failed while creating server web1: HTTP 409: Service Unavailable$'),
        (lost(503), {'status': 'active'}, r'; image x \(1\) is still there, status active\.$'),
        (
            lost(503),
            ComputeError('Cannot reach the cloud while reading image 1: reset'),
            r'; whether image x \(1\) is gone is unknown: reading it back failed too: Cannot reach the cloud',
        ),
    ],
)
def test_delete_checked_never_guesses(delete, read, message):
    with pytest.raises(ComputeError, match=message) as raised:
        _retry.delete_checked(make_delete(delete), make_read(read), 'image x (1)', ambiguous)
    assert '\n' not in raised.value.msg


@pytest.mark.parametrize(
    'server, how',
    [
        (None, 'is gone'),
        ({'status': 'DELETED', 'task_state': None}, 'is gone'),
        ({'status': 'SOFT_DELETED', 'task_state': None}, 'is gone'),
        ({'status': 'ACTIVE', 'task_state': 'deleting'}, 'is being deleted'),
        ({'status': 'ACTIVE', 'task_state': None}, None),
        ({'status': 'ERROR', 'task_state': None}, None),
    ],
)
def test_a_server_read_back_after_a_delete(server, how):
    from ansible_collections.stackops.compute.plugins.module_utils import _server_apply

    assert _server_apply.is_deleted(server) == how
