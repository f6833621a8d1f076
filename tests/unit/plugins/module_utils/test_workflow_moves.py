# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions of the resize, drain and rolling roles, and how they read their tasks' answers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _workflow_moves as mv


def server(sid='1', status='ACTIVE', flavor='m1.tiny', host='compute1', task=None, **more):
    data = {
        'id': sid,
        'name': 'web%s' % sid,
        'status': status,
        'task_state': task,
        'flavor': {'original_name': flavor},
        'compute_host': host,
        'project_id': 'p1',
        'image': {'id': 'img'},
        'metadata': {},
    }
    data.update(more)
    return data


def done(sid, **more):
    out = {'name': sid, 'changed': True}
    out.update(more)
    return out


def failed(sid, msg):
    return {'name': sid, 'changed': False, 'failed': True, 'msg': msg}


# ---------------------------------------------------------------------------------------------- resize


@pytest.mark.parametrize(
    'target, action, reason',
    [
        (server(), 'resize', None),
        (server(status='SHUTOFF'), 'resize', None),
        (server(flavor='m1.small'), 'skip', 'already m1.small'),
        (server(status='VERIFY_RESIZE', flavor='m1.small'), 'verify', ''),
        (
            server(status='VERIFY_RESIZE', flavor='m1.medium'),
            'fail',
            'awaits confirmation of a resize to m1.medium: confirm or revert it first',
        ),
        (server(status='PAUSED'), 'fail', 'status PAUSED: Nova resizes only ACTIVE, SHUTOFF servers'),
        (server(task='rebooting'), 'fail', 'busy with rebooting'),
    ],
)
def test_plan_resize(target, action, reason):
    (decision,) = mv.plan_resize([target], 'm1.small')
    assert decision['action'] == action
    assert decision.get('reason') == reason
    assert decision['flavor_before'] == target['flavor']['original_name']


def test_resize_outcomes():
    batch = mv.plan_resize(
        [
            server('1'),
            server('2'),
            server('3'),
            server('4'),
            server('5', status='VERIFY_RESIZE', flavor='m1.small'),
            server('6'),
        ],
        'm1.small',
    )
    resized = {
        'failed': True,
        'msg': '1 of 5 servers failed',
        'results': [
            done('1'),
            done('2'),
            done('3'),
            failed('4', 'Flavor m1.small is too small'),
            done('6', changed=False, msg='Nothing to do'),
        ],
    }
    verified = [
        {'server_id': '1', 'ok': True, 'reason': ''},
        {'server_id': '2', 'ok': False, 'reason': 'port 22 on 192.0.2.5 did not answer in 5 s'},
        {'server_id': '3', 'ok': False, 'reason': 'health check failed'},
        {'server_id': '5', 'ok': True, 'reason': ''},
    ]
    confirmed = {'results': [done('1'), done('5')]}
    reverted = {'failed': True, 'results': [done('2'), failed('3', 'Timed out')]}
    outs = mv.resize_outcomes(batch, resized, verified, confirmed, reverted)
    assert [(o['server_id'], o['outcome'], o['result']) for o in outs] == [
        ('1', 'done', 'resized'),
        ('2', 'failed', 'reverted'),
        ('3', 'failed', 'failed'),
        ('4', 'failed', 'failed'),
        ('5', 'done', 'resized'),
        ('6', 'skipped', 'unchanged'),
    ]
    assert outs[1]['reason'] == 'verification failed: port 22 on 192.0.2.5 did not answer in 5 s; reverted to m1.tiny'
    assert outs[2]['reason'] == 'verification failed: health check failed; revert failed: Timed out'
    assert outs[3]['reason'] == 'resize failed: Flavor m1.small is too small'


def test_resize_outcomes_in_check_mode_and_when_the_task_never_reached_its_items():
    batch = mv.plan_resize([server('1'), server('2')], 'm1.small')
    outs = mv.resize_outcomes(batch, {'results': [done('1'), done('2')]}, check=True)
    assert [o['result'] for o in outs] == ['would resize', 'would resize']
    outs = mv.resize_outcomes(batch, {'failed': True, 'msg': 'Cannot reach the cloud'})
    assert [o['reason'] for o in outs] == ['resize failed: Cannot reach the cloud'] * 2


# ---------------------------------------------------------------------------------------------- drain


@pytest.mark.parametrize(
    'target, method, unmovable, action, how',
    [
        (server(), 'auto', 'fail', 'live', 'live'),
        (server(status='PAUSED'), 'auto', 'fail', 'live', 'live'),
        (server(status='SHUTOFF'), 'auto', 'fail', 'cold', 'cold'),
        (server(), 'cold', 'fail', 'cold', 'cold'),
        (server(status='SHUTOFF'), 'live', 'fail', 'fail', ''),
        (server(status='PAUSED'), 'cold', 'skip', 'skip', ''),
        (server(status='SUSPENDED'), 'auto', 'fail', 'fail', ''),
        (server(status='SUSPENDED'), 'auto', 'skip', 'skip', ''),
        (server(task='migrating'), 'auto', 'fail', 'fail', ''),
        (server(host='compute2'), 'auto', 'fail', 'skip', ''),
    ],
)
def test_plan_drain(target, method, unmovable, action, how):
    (decision,) = mv.plan_drain([target], 'compute1', method=method, unmovable=unmovable)
    assert (decision['action'], decision['method']) == (action, how)
    assert decision['from_host'] == target['compute_host']


def test_plan_drain_reasons():
    reasons = [
        d['reason']
        for d in mv.plan_drain(
            [server(status='SUSPENDED'), server(status='SHELVED'), server(host='compute2'), server(status='SHUTOFF')],
            'compute1',
            method='live',
        )
    ]
    assert reasons == [
        'status SUSPENDED: live migration moves only ACTIVE, PAUSED servers (drain_method is live)',
        'status SHELVED: live migration moves only ACTIVE, PAUSED servers (drain_method is live)',
        'on compute2, not on compute1',
        'status SHUTOFF: live migration moves only ACTIVE, PAUSED servers (drain_method is live)',
    ]
    (shelved,) = mv.plan_drain([server(status='SHELVED')], 'compute1')
    assert shelved['reason'].endswith('; shelve_offload it to free the host')


def test_drain_outcomes():
    batch = mv.plan_drain(
        [server('1'), server('2', status='SHUTOFF'), server('3'), server('4', status='SHUTOFF')], 'compute1'
    )
    live = {
        'failed': True,
        'results': [done('1', server={'compute_host': 'compute2'}), failed('3', 'No valid host was found')],
    }
    migrated = {'results': [done('2', server={'compute_host': 'compute2'}), done('4')]}
    confirmed = {'failed': True, 'results': [done('2', server={'compute_host': 'compute2'}), failed('4', 'Timed out')]}
    outs = mv.drain_outcomes(batch, 'compute1', live, migrated, confirmed)
    assert [(o['outcome'], o['result'], o.get('to_host')) for o in outs] == [
        ('done', 'live-migrated', 'compute2'),
        ('done', 'cold-migrated', 'compute2'),
        ('failed', 'failed', None),
        ('failed', 'failed', None),
    ]
    assert outs[0]['detail'] == 'compute1 -> compute2'
    assert outs[2]['reason'] == 'live migration failed: No valid host was found'
    assert outs[3]['reason'] == 'confirm failed: Timed out'
    # A server that claims to have moved but did not.
    stayed = mv.drain_outcomes(batch[:1], 'compute1', {'results': [done('1', server={'compute_host': 'compute1'})]})
    assert stayed[0]['reason'] == 'still on compute1 after the live migration'
    checked = mv.drain_outcomes(batch[:2], 'compute1', {'results': [done('1')]}, {'results': [done('2')]}, check=True)
    assert [o['result'] for o in checked] == ['would live-migrate', 'would cold-migrate']


# ---------------------------------------------------------------------------------------------- rolling


@pytest.mark.parametrize(
    'target, action, decided, reason',
    [
        (server(), 'reboot', 'reboot', None),
        (server(metadata={'stackops_rolling': 'patch-1'}), 'reboot', 'skip', 'done in rollout patch-1'),
        (server(metadata={'stackops_rolling': 'patch-0'}), 'reboot', 'reboot', None),
        (server(status='SHUTOFF'), 'reboot', 'skip', 'status SHUTOFF: rolling reboot acts on ACTIVE servers only'),
        (server(status='SHUTOFF'), 'rebuild', 'rebuild', None),
        (server(task='rebooting'), 'stop_start', 'fail', 'busy with rebooting'),
        (server(image=''), 'rebuild', 'fail', 'web1 ' + mv.VOLUME_REFUSAL),
        (server(image=''), 'tasks', 'tasks', None),
    ],
)
def test_plan_rolling(target, action, decided, reason):
    (decision,) = mv.plan_rolling([target], action, 'patch-1', image='img2' if action == 'rebuild' else None)
    assert decision['action'] == decided
    assert decision.get('reason') == reason
    assert decision['_mark'] == {'name': 'web1', 'id': '1', 'metadata': {'stackops_rolling': 'patch-1'}}


def test_rolling_outcomes_stop_start_gate_and_marker():
    batch = mv.plan_rolling([server(str(i)) for i in range(1, 6)], 'stop_start', 'r1')
    stop = {'failed': True, 'results': [done('1'), done('2'), done('3'), failed('4', 'locked'), done('5')]}
    start = {'failed': True, 'results': [done('1'), done('2'), done('3'), failed('5', 'Timed out')]}
    healthy = [
        {'server_id': '1', 'ok': True},
        {'server_id': '2', 'ok': False, 'reason': 'port 80 closed'},
        {'server_id': '3', 'ok': True},
    ]
    # servers answers with the item's name, and the server's ID unless the item failed.
    marked = {'failed': True, 'servers': [done('web1', id='1'), failed('web3', 'HTTP 409')]}
    outs = mv.rolling_outcomes(batch, 'stop_start', acted=[stop, start], healthy=healthy, marked=marked)
    assert [(o['outcome'], o['result'], o['reason'] if 'reason' in o else '') for o in outs] == [
        ('done', 'restarted', ''),
        ('failed', 'unhealthy', 'health gate: port 80 closed'),
        ('failed', 'failed', 'marking failed: HTTP 409'),
        ('failed', 'failed', 'stop/start failed: locked'),
        ('failed', 'failed', 'stop/start failed: Timed out'),
    ]


def test_rolling_outcomes_of_your_tasks():
    batch = mv.plan_rolling([server('1'), server('2'), server('3')], 'tasks', 'r1')
    ran = [{'server_id': '1', 'ok': True}, {'server_id': '2', 'ok': False, 'reason': 'apt failed'}]
    outs = mv.rolling_outcomes(
        batch, 'tasks', ran=ran, healthy=[{'server_id': '1', 'ok': True}], marked={'servers': [done('1')]}
    )
    assert [(o['result'], o.get('reason', '')) for o in outs] == [
        ('ran tasks', ''),
        ('failed', 'your tasks failed: apt failed'),
        ('failed', 'your tasks did not run'),
    ]
    checked = mv.rolling_outcomes(batch, 'tasks', check=True)
    assert [o['result'] for o in checked] == ['would run your tasks'] * 3
