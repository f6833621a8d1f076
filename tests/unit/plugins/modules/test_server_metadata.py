# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""server_metadata wired to a fake Cloud: four steps, check mode writes nothing, refusals before any write."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest
from ansible.module_utils.common import warnings

from ansible_collections.stackops.compute.plugins.module_utils import _sdk
from ansible_collections.stackops.compute.plugins.modules import server_metadata
from ansible_collections.stackops.compute.tests.unit.helpers.modules import run_module

SID = '11111111-1111-4111-8111-111111111111'
WRITES = {'set_server_metadata', 'delete_server_metadata'}


class FakeCloud(object):
    """One server in memory; metadata writes change it as Nova does (set merges, delete removes one key)."""

    def __init__(self):
        self.server = {
            'id': SID,
            'name': 'web1',
            'status': 'ACTIVE',
            'task_state': None,
            'is_locked': False,
            'metadata': {'role': 'web', 'env': 'test'},
            'addresses': {},
        }
        self.roles = ['member']
        self.calls = []

    def find_server(self, ref, all_projects=False):
        self.calls.append(('find_server', ref))
        return copy.deepcopy(self.server) if ref in (SID, 'web1') else None

    def get_server(self, server_id):
        self.calls.append(('get_server', server_id))
        return copy.deepcopy(self.server)

    def current_roles(self):
        self.calls.append(('current_roles',))
        return list(self.roles)

    def set_server_metadata(self, server_id, metadata):
        self.calls.append(('set_server_metadata', server_id, dict(metadata)))
        self.server['metadata'].update(metadata)

    def delete_server_metadata(self, server_id, keys):
        self.calls.append(('delete_server_metadata', server_id, tuple(keys)))
        for key in keys:
            self.server['metadata'].pop(key)

    def names(self):
        return [c[0] for c in self.calls]


@pytest.fixture
def cloud(monkeypatch):
    warnings._global_warnings.clear()
    fake = FakeCloud()
    monkeypatch.setattr(_sdk, 'connect', lambda params: fake)
    return fake


def run(check_mode=False, diff=False, **args):
    args.update(cloud='local', _ansible_check_mode=check_mode, _ansible_diff=diff)
    return run_module(server_metadata.main, args)


@pytest.mark.parametrize(
    'args, after, write',
    [
        (
            dict(server='web1', metadata={'owner': 'a', 'role': 'db'}),
            {'role': 'db', 'env': 'test', 'owner': 'a'},
            ('set_server_metadata', SID, {'owner': 'a', 'role': 'db'}),
        ),
        # openstack.cloud's spellings: name, meta, and the string form Ansible turns into a dictionary
        (
            dict(name=SID, meta='owner=a,tier=1'),
            {'role': 'web', 'env': 'test', 'owner': 'a', 'tier': '1'},
            ('set_server_metadata', SID, {'owner': 'a', 'tier': '1'}),
        ),
        (
            dict(server='web1', state='absent', metadata={'env': None, 'nothere': None}),
            {'role': 'web'},
            ('delete_server_metadata', SID, ('env',)),
        ),
    ],
)
def test_four_steps(cloud, args, after, write):
    checked = run(check_mode=True, diff=True, **args)
    assert checked['changed'] is True
    assert checked['server']['metadata'] == after
    assert checked['diff']['after']['metadata'] == after
    assert checked['diff']['before']['metadata'] == {'role': 'web', 'env': 'test'}
    assert not WRITES & set(cloud.names())

    real = run(diff=True, **args)
    assert real['changed'] is True and real['changes'] == checked['changes']
    assert real['server']['metadata'] == after and real['id'] == SID
    assert [c for c in cloud.calls if c[0] in WRITES] == [write]

    cloud.calls = []
    again = run(**args)
    again_checked = run(check_mode=True, **args)
    assert again['changed'] is False and again['changes'] == []
    assert again_checked['changed'] is False
    assert 'diff' not in again
    assert not WRITES & set(cloud.names())


def test_unknown_server_fails_with_one_line(cloud):
    result = run(server='nope', metadata={'a': '1'})
    assert result['failed'] is True and result['msg'] == 'Server nope not found.'


@pytest.mark.parametrize(
    'server, message',
    [
        (dict(status='SHELVED_OFFLOADED'), 'its status is SHELVED_OFFLOADED'),
        (dict(is_locked=True, locked_reason='freeze'), 'it is locked (freeze)'),
    ],
)
def test_refusals_send_nothing(cloud, server, message):
    cloud.server.update(server)
    for check_mode in (True, False):
        result = run(check_mode=check_mode, server='web1', metadata={'a': '1'})
        assert result['failed'] is True and message in result['msg'], result
        assert result['changed'] is False
    assert not WRITES & set(cloud.names())


def test_a_locked_server_is_no_obstacle_when_nothing_changes(cloud):
    cloud.server['is_locked'] = True
    assert run(server='web1', metadata={'role': 'web'})['changed'] is False
    assert 'current_roles' not in cloud.names()


def test_an_admin_changes_a_locked_server(cloud):
    cloud.server['is_locked'] = True
    cloud.roles = ['admin']
    assert run(server='web1', metadata={'a': '1'})['changed'] is True


def test_a_key_without_value_fails_before_any_request(cloud):
    result = run(server='web1', metadata={'a': None})
    assert result['failed'] is True and "metadata key 'a': the value must be text, not null" in result['msg']
    assert 'or remove the key with state=absent' in result['msg']
    assert cloud.calls == []


@pytest.mark.parametrize(
    'metadata, state, message',
    [
        ({'a': True}, 'present', "metadata key 'a': the value must be text, not a boolean"),
        ({'a/b': 'c'}, 'present', "metadata key 'a/b': Nova takes keys of 1 to 255"),
        ({'a': 'v' * 256}, 'present', "metadata key 'a': the value takes at most 255 characters"),
        # Only the keys count when they are removed: any value, and keys Nova would not take (absent anyway).
        ({'a': None, 'b': True, 'c/d': [1]}, 'absent', None),
    ],
)
def test_metadata_is_checked_as_state_uses_it(cloud, metadata, state, message):
    result = run(server='web1', metadata=metadata, state=state)
    if message is None:
        assert not result.get('failed'), result
    else:
        assert result['failed'] is True and result['msg'].startswith(message), result['msg']
        assert cloud.calls == []


def test_a_busy_server_is_waited_for(cloud, monkeypatch):
    from ansible_collections.stackops.compute.plugins.module_utils import _apply_actions

    cloud.server['task_state'] = 'rebooting'
    settled = []

    def settle(cloud_, server, timeout=600):
        settled.append(server['id'])
        return dict(server, task_state=None)

    monkeypatch.setattr(_apply_actions, 'settle', settle)
    assert run(server='web1', metadata={'a': '1'})['changed'] is True
    assert settled == [SID]
    cloud.server['task_state'] = 'rebooting'
    result = run(server='web1', metadata={'b': '1'}, wait=False)
    assert result['failed'] is True and 'busy' in result['msg']
