# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module frame's promises: changed is sticky, no exception escapes, no secret leaves in any encoding;
for a task and for each item of a fleet task."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import urllib.parse

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _fleet, _module
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._journal import JOURNAL
from ansible_collections.stackops.compute.tests.unit.helpers.modules import run_module

SID = '11111111-1111-4111-8111-111111111111'
SECRET = 'Adm1n-frame-7c1e-Pw'
NOVA = 'http://127.0.0.1:8774/v2.1'


class Answer(object):
    def __init__(self, status, body=None):
        self.status_code = status
        self._body = body
        self.url = None
        self.headers = {}

    def json(self):
        return self._body or {}


def accepted(method, path, body=None, answer=None):
    """What the session hook does for an answer the cloud accepted."""
    JOURNAL.observe(method, NOVA + path, body, Answer(202, answer))


def _main(body):
    def main():
        _module.ComputeModule(
            dict(name=dict(type='str'), admin_password=dict(type='str', no_log=True)), name='server'
        ).run(body)

    return main


@pytest.fixture(autouse=True)
def has_sdk(monkeypatch):
    monkeypatch.setattr(_module._sdk, 'HAS_SDK', True)


def run(body, **args):
    return run_module(_main(body), dict(dict(name='web1'), **args))


def test_an_unexpected_exception_is_one_line():
    def body(module):
        raise ValueError('sleep length must be non-negative\nsecond line')

    result = run(body)
    assert result['failed'] is True
    assert result['changed'] is False
    assert result['msg'] == (
        'internal error in stackops.compute.server, please report: ValueError: sleep length must be non-negative'
    )


def test_a_failure_after_an_accepted_write_is_changed_and_says_what_was_done():
    def body(module):
        accepted('POST', '/servers', {'server': {'name': 'web1'}}, {'server': {'id': SID}})
        accepted('POST', '/servers/%s/action' % SID, {'shelve': None})
        raise ComputeError('Not allowed while shelve_offload of server web1: HTTP 403: Policy does not allow it.')

    result = run(body)
    assert result['changed'] is True
    assert result['msg'] == (
        'Created server web1 and shelved it, then: Not allowed while shelve_offload of server web1: HTTP 403: '
        'Policy does not allow it.'
    )


def test_an_unexpected_exception_after_a_write_is_changed_too():
    def body(module):
        accepted('POST', '/servers', {'server': {'name': 'web1'}}, {'server': {'id': SID}})
        raise ValueError('sleep length must be non-negative')

    result = run(body)
    assert result['changed'] is True
    assert result['msg'].startswith('Created server web1, then: internal error in stackops.compute.server')


def test_a_success_after_an_accepted_write_is_changed_even_when_the_plan_said_none():
    def body(module):
        accepted('POST', '/servers/%s/action' % SID, {'unlock': None})
        return module.result(False, server=None)

    assert run(body)['changed'] is True


def test_the_journal_starts_empty_for_each_task():
    accepted('DELETE', '/servers/%s' % SID)
    assert run(lambda module: module.result(False))['changed'] is False


ENCODED = {
    'base64': base64.b64encode(SECRET.encode()).decode(),
    'base64 url-safe, no padding': base64.urlsafe_b64encode(SECRET.encode()).decode().rstrip('='),
    'inside user data': base64.b64encode(('#cloud-config\npassword: %s\n' % SECRET).encode()).decode(),
    'json': json.dumps({'adminPass': SECRET}),
    'url': urllib.parse.quote('x=%s' % SECRET),
}


@pytest.mark.parametrize('where', ['msg', 'warning', 'result', 'diff', 'exception', 'item'])
@pytest.mark.parametrize('encoding', sorted(ENCODED))
def test_no_secret_leaves_in_any_encoding(where, encoding):
    text = 'Nova said: Invalid input for field/attribute. Value: %s' % ENCODED[encoding]

    def body(module):
        if where == 'msg':
            raise ComputeError(text, server={'name': 'web1', 'fault': text})
        if where == 'exception':
            raise RuntimeError(text)
        if where == 'warning':
            module.warn(text)
        if where == 'item':
            return module.result(True, results=[{'name': 'web1', 'failed': True, 'msg': text}])
        return module.result(True, diff={'before': {}, 'after': {'note': text}}, server={'fault': text})

    result = run(body, admin_password=SECRET, _ansible_diff=True)
    out = json.dumps(result)
    assert SECRET not in out
    assert ENCODED[encoding] not in out
    assert '********' in out


def test_short_connection_secrets_are_not_masked():
    class Conn(object):
        class config(object):
            config = {'auth': {'username': 'demo', 'password': 'demo'}}

    assert _module.connection_secrets(_module._sdk.Cloud(Conn())) == set()


def test_the_connection_secrets_are_masked_too(monkeypatch):
    class Conn(object):
        class config(object):
            config = {'auth': {'username': 'demo', 'password': 'from-clouds-yaml'}}

        class session(object):
            class auth(object):
                class auth_ref(object):
                    auth_token = 'gAAAAABtokenvalue1234'

    monkeypatch.setattr(_module._sdk, 'connect', lambda params: _module._sdk.Cloud(Conn()))

    def body(module):
        assert module.cloud is not None
        raise ComputeError('echo from-clouds-yaml %s' % base64.b64encode(b'gAAAAABtokenvalue1234').decode())

    result = run(body)
    assert 'from-clouds-yaml' not in result['msg']
    assert 'Z0FBQUFBQnRva2VudmFsdWUxMjM0' not in result['msg']


def test_a_long_echo_is_shortened():
    def body(module):
        raise ComputeError('HTTP 400: Value: %s. is too long' % ('QUJD' * 20000))

    result = run(body)
    assert len(result['msg']) < 200
    assert result['msg'].endswith('... (80001 characters) is too long')


class Parent(object):
    name = 'servers'
    check_mode = False
    diff_mode = False


def test_a_fleet_item_fails_alone_in_one_line_with_what_it_did():
    def body(item):
        name = item.params['name']
        if name == 'crash':
            raise KeyError('flavor')
        if name == 'half':
            accepted('POST', '/servers', {'server': {'name': 'half'}}, {'server': {'id': SID}})
            raise ComputeError('Server half went to ERROR during the boot.')
        if name == 'quiet':
            accepted('POST', '/servers/%s/action' % SID, {'lock': None})
        return item.result(False, server={'name': name})

    JOURNAL.reset()
    results = [_fleet.run_item(Parent(), None, {'name': n}, body, n)[0] for n in ('ok', 'crash', 'half', 'quiet')]
    by_name = dict((r['name'], r) for r in results)
    assert by_name['ok'] == {'name': 'ok', 'changed': False, 'server': {'name': 'ok'}}
    assert by_name['crash']['failed'] is True
    assert by_name['crash']['changed'] is False
    assert by_name['crash']['msg'] == "internal error in stackops.compute.servers, please report: KeyError: 'flavor'"
    assert by_name['half']['changed'] is True
    assert by_name['half']['msg'] == 'Created server half, then: Server half went to ERROR during the boot.'
    assert by_name['quiet']['changed'] is True
    # The items' writes are theirs: the task itself did nothing to prefix its own message with.
    assert JOURNAL.unscoped() == []
