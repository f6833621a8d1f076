# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions of the backup and rotate roles, and how they read their tasks' answers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _restore
from ansible_collections.stackops.compute.plugins.module_utils import _workflow_images as wi

STAMP = '20261127T010002Z'


def server(sid='1', status='ACTIVE', task=None, name=None):
    return {
        'id': sid,
        'name': name or 'web%s' % sid,
        'status': status,
        'task_state': task,
        'flavor': {'original_name': 'm1.tiny'},
        'image': {'id': 'img'},
        'addresses': {'private': []},
        'metadata': {'group': 'web'},
    }


def recent(name, sid, status='active', server_label=None):
    return {
        'id': 'i-' + name,
        'name': name,
        'status': status,
        'created_at': '2026-11-27T00:30:00Z',
        'properties': {'instance_uuid': sid, 'stackops_server': server_label or sid},
    }


@pytest.mark.parametrize(
    'target, images, action, reason',
    [
        (server(), [], 'backup', None),
        (server(), [recent('young', '1')], 'skip', 'image young of 2026-11-27T00:30:00Z is younger than 1h'),
        # Failed images do not count, nor do images of other servers, nor images a server inherited.
        (server(), [recent('killed', '1', status='killed'), recent('other', '2')], 'backup', None),
        (server(), [recent('inherited', '1', server_label='2')], 'backup', None),
        (
            server(status='SHELVED'),
            [],
            'skip',
            'status SHELVED: Nova images only ACTIVE, SHUTOFF, PAUSED, SUSPENDED servers',
        ),
        (server(task='image_snapshot'), [], 'skip', 'busy with image_snapshot'),
    ],
)
def test_plan_backup(target, images, action, reason):
    (decision,) = wi.plan_backup([target], 'nightly', STAMP, recent=images, min_interval='1h')
    assert decision['action'] == action
    assert decision.get('reason') == reason
    if action == 'skip':
        assert decision['image'] == ''


def test_backup_request_carries_labels_run_metadata_and_record():
    (decision,) = wi.plan_backup([server()], 'nightly', STAMP, metadata={'team': 'web', 'stackops_policy': 'x', 'n': 3})
    request = decision['_request']
    assert request['server'] == '1'
    assert request['name'] == 'web1-nightly-' + STAMP
    props = request['metadata']
    assert props['stackops_policy'] == 'nightly'  # the role's labels win over backup_metadata
    assert props['stackops_created_by'] == 'stackops.compute'
    assert props['stackops_run'] == STAMP
    assert props['team'] == 'web' and props['n'] == '3'
    assert _restore.read_record({'properties': props})['flavor'] == 'm1.tiny'
    assert decision['detail'] == request['name']


def test_backup_image_names_are_cut_to_fit():
    (decision,) = wi.plan_backup([server(name='x' * 300)], 'p', STAMP)
    assert decision['image'] == 'x' * 180 + '-p-' + STAMP


@pytest.mark.parametrize(
    'asked, listed, check, outcome, result, reason',
    [
        ({'name': 'n', 'id': 'a', 'changed': True}, {'a': 'active'}, False, 'done', 'backed up', ''),
        ({'name': 'n', 'id': 'a', 'changed': False}, {'a': 'active'}, False, 'skipped', 'already backed up', ''),
        ({'name': 'n', 'id': None, 'changed': True}, {}, True, 'done', 'would back up', ''),
        (
            {'name': 'n', 'id': 'a', 'changed': True},
            {'a': 'saving'},
            False,
            'failed',
            'failed',
            'image a still saving after 1800 s',
        ),
        (
            {'name': 'n', 'id': 'a', 'changed': True},
            {},
            False,
            'failed',
            'failed',
            'image a disappeared: Nova deletes the image of a snapshot that failed',
        ),
        ({'name': 'n', 'id': 'a', 'changed': True}, {'a': 'killed'}, False, 'failed', 'failed', 'image a ended killed'),
        ({'name': 'n', 'failed': True, 'msg': 'HTTP 409'}, {}, False, 'failed', 'failed', 'HTTP 409'),
    ],
)
def test_backup_outcomes(asked, listed, check, outcome, result, reason):
    (decision,) = wi.plan_backup([server()], 'nightly', STAMP)
    images = {'images': [{'id': k, 'status': v} for k, v in listed.items()]}
    (out,) = wi.backup_outcomes([decision], {'images': [asked]}, images, check=check, timeout=1800)
    assert (out['outcome'], out['result'], out['reason']) == (outcome, result, reason)


def test_backup_outcomes_of_a_task_that_never_reached_its_items():
    decisions = wi.plan_backup([server('1'), server('2')], 'nightly', STAMP)
    outs = wi.backup_outcomes(decisions, {'failed': True, 'msg': 'Cannot reach the cloud'}, {'skipped': True})
    assert [o['reason'] for o in outs] == ['Cannot reach the cloud'] * 2


def image(name, day, sid='1', **props):
    labels = {'stackops_created_by': 'stackops.compute', 'stackops_policy': 'nightly', 'stackops_server': sid}
    labels.update(props)
    return {
        'id': 'id-' + name,
        'name': name,
        'created_at': '2026-11-%02dT01:00:00Z' % day,
        'status': 'active',
        'owner': 'p1',
        'instance_uuid': sid,
        'properties': labels,
    }


def test_rotate_plan_and_outcomes():
    images = [image('a', 27), image('b', 26), image('c', 25), image('x', 27, sid='2')]
    decisions = wi.plan_rotate(
        [server('1'), server('2')], images, {'keep_last': 1}, 'nightly', 'p1', now='2026-11-28T00:00:00Z'
    )
    assert [[i['name'] for i in d['kept']] for d in decisions] == [['a'], ['x']]
    assert [i['name'] for i in decisions[0]['_delete']] == ['b', 'c']
    deletes = {
        'results': [
            {'item': [decisions[0], decisions[0]['_delete'][0]], 'changed': True},
            {'item': [decisions[0], decisions[0]['_delete'][1]], 'failed': True, 'msg': 'HTTP 409'},
        ]
    }
    outs = wi.rotate_outcomes(decisions, deletes)
    assert [(o['outcome'], o['result']) for o in outs] == [('failed', 'failed'), ('skipped', 'nothing to delete')]
    assert [i['name'] for i in outs[0]['deleted']] == ['b']
    assert outs[0]['failed'] == [{'id': 'id-c', 'name': 'c', 'error': 'HTTP 409'}]
    assert outs[0]['reason'] == 'could not delete c: HTTP 409'
    assert outs[0]['detail'] == 'kept 1 (a); deleted 1 (b)'
    checked = wi.rotate_outcomes(decisions, {'skipped': True}, check=True)
    assert [(o['result'], o['check_mode']) for o in checked] == [('would rotate', True), ('nothing to delete', True)]
    assert checked[0]['detail'] == 'kept 1 (a); would delete 2 (b, c)'
