# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server action table, tested as tables: each action x each status, idempotence, requests, waits."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _action_plan as P
from ansible_collections.stackops.compute.plugins.module_utils import _action_table as T
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError

SID = '11111111-1111-4111-8111-111111111111'
VM_STATES = {
    'ACTIVE': 'active',
    'SHUTOFF': 'stopped',
    'PAUSED': 'paused',
    'SUSPENDED': 'suspended',
    'SHELVED': 'shelved',
    'SHELVED_OFFLOADED': 'shelved_offloaded',
    'RESCUE': 'rescued',
    'VERIFY_RESIZE': 'resized',
    'ERROR': 'error',
    'SOFT_DELETED': 'soft_deleted',
}
STATUSES = tuple(VM_STATES)


def server(status='ACTIVE', **extra):
    data = dict(
        id=SID,
        name='web1',
        status=status,
        vm_state=VM_STATES.get(status),
        task_state=None,
        power_state=4 if status == 'SHUTOFF' else 1,
        is_locked=False,
        locked_reason=None,
        flavor={'original_name': 'm1.tiny', 'vcpus': 1, 'ram': 128, 'disk': 1},
        image={'id': 'img-tiny'},
        compute_host='compute1',
        addresses={'private': [{'addr': '192.0.2.10', 'OS-EXT-IPS:type': 'fixed', 'version': 4}]},
        security_groups=[{'name': 'default'}],
        metadata={},
    )
    data.update(extra)
    return data


# What each action needs to be planned at all (options and the facts the read step would find).
SETUP = {
    'reboot': ({}, {}),
    'lock': ({}, {}),
    'rescue': ({}, {}),
    'resize': ({'flavor': 'm1.small'}, {'flavor': {'id': '2', 'name': 'm1.small', 'vcpus': 1, 'ram': 256}}),
    'rebuild': ({'image': 'tiny-alt'}, {'image': {'id': 'img-alt', 'name': 'tiny-alt'}}),
    'create_image': ({'image_name': 'snap'}, {}),
    'backup': ({'image_name': 'bk', 'backup_type': 'daily', 'rotation': 2}, {}),
    'change_password': ({'admin_password': 'S3cret!'}, {}),
    'clear_password': ({}, {'password': 'ZW5jcnlwdGVk'}),
    'reset_state': ({'state': 'active'}, {}),
    'add_security_group': (
        {'security_group': 'web'},
        {
            'security_group': {'id': 'sg-web', 'name': 'web'},
            'server_security_groups': [{'id': 'sg-d', 'name': 'default'}],
        },
    ),
    'remove_security_group': (
        {'security_group': 'web'},
        {
            'security_group': {'id': 'sg-web', 'name': 'web'},
            'server_security_groups': [{'id': 'sg-d', 'name': 'default'}],
        },
    ),
    'add_fixed_ip': ({'network': 'private'}, {'network': {'id': 'net-1', 'name': 'private'}}),
    'remove_fixed_ip': ({'address': '192.0.2.99'}, {}),
    'add_floating_ip': (
        {'address': '203.0.113.5'},
        {'floating_ip': {'floating_ip_address': '203.0.113.5', 'port_id': None}, 'ports': [{'id': 'port-1'}]},
    ),
    'remove_floating_ip': (
        {'address': '203.0.113.5'},
        {'floating_ip': {'floating_ip_address': '203.0.113.5', 'port_id': None}, 'ports': [{'id': 'port-1'}]},
    ),
    'attach_volume': ({'volume': 'data1'}, {'volume': {'id': 'v-1', 'name': 'data1', 'status': 'available'}}),
    'detach_volume': (
        {'volume': 'data1'},
        {
            'volume': {
                'id': 'v-1',
                'name': 'data1',
                'status': 'in-use',
                'attachments': [{'server_id': SID, 'device': '/dev/vdb'}],
            }
        },
    ),
}

# Each action x each status: '.' not allowed now (fails, sends nothing), 'A' acts, '=' already done (no-op).
#                      ACTIVE SHUTOFF PAUSED SUSPENDED SHELVED OFFLOADED RESCUE VERIFY ERROR SOFT_DELETED
MATRIX = {
    'reboot': '            A      .       .      .         .       .         .      .      .     .',
    'start': '             =      A       .      .         .       .         .      .      .     .',
    'stop': '              A      =       .      .         .       .         .      .      A     .',
    'pause': '             A      .       =      .         .       .         .      .      .     .',
    'unpause': '           =      .       A      .         .       .         .      .      .     .',
    'suspend': '           A      .       .      =         .       .         .      .      .     .',
    'resume': '            =      .       .      A         .       .         .      .      .     .',
    'lock': '              A      A       A      A         A       A         A      A      A     A',
    'unlock': '            =      =       =      =         =       =         =      =      =     =',
    'rescue': '            A      A       .      .         .       .         =      .      A     .',
    'unrescue': '          =      .       .      .         .       .         A      .      .     .',
    'resize': '            A      A       .      .         .       .         .      .      .     .',
    'confirm_resize': '    .      .       .      .         .       .         .      A      .     .',
    'revert_resize': '     .      .       .      .         .       .         .      A      .     .',
    'rebuild': '           A      A       .      .         .       .         .      .      A     .',
    'create_image': '      A      A       A      A         .       .         .      .      .     .',
    'backup': '            A      A       A      A         .       .         .      .      .     .',
    'change_password': '   A      .       .      .         .       .         .      .      .     .',
    'clear_password': '    A      A       A      A         A       A         A      A      A     A',
    'shelve': '            A      A       A      A         =       =         .      .      .     .',
    'shelve_offload': '    .      .       .      .         A       =         .      .      .     .',
    'unshelve': '          =      .       .      .         A       A         .      .      .     .',
    'migrate': '           A      A       .      .         .       .         .      .      .     .',
    'live_migrate': '      A      .       A      .         .       .         .      .      .     .',
    'evacuate': '          A      A       .      .         .       .         .      .      A     .',
    'restore': '           .      .       .      .         .       .         .      .      .     A',
    'force_delete': '      A      A       A      A         A       A         A      A      A     A',
    'reset_state': '       =      A       A      A         A       A         A      A      A     A',
    'add_security_group': 'A      A       A      A         A       A         A      A      A     A',
    'remove_security_group': '=   =       =      =         =       =         =      =      =     =',
    'add_fixed_ip': '      A      A       A      A         A       A         A      A      A     A',
    'remove_fixed_ip': '   =      =       =      =         =       =         =      =      =     =',
    'add_floating_ip': '   A      A       A      A         A       A         A      A      A     A',
    'remove_floating_ip': '=      =       =      =         =       =         =      =      =     =',
    'trigger_crash_dump': 'A      .       A      .         .       .         A      A      A     .',
    'attach_volume': '     A      A       A      .         A       A         .      A      .     A',
    'detach_volume': '     A      A       A      .         A       A         .      A      .     A',
}
CASES = [
    (action, status, mark)
    for action, row in sorted(MATRIX.items())
    for status, mark in zip(STATUSES, row.split(), strict=True)
]
KIND = {'A': 'action', '=': 'none'}


def test_matrix_covers_every_action_that_changes_something():
    changing = set(name for name, spec in T.ACTIONS.items() if not spec.read_only)
    assert changing == set(MATRIX)


@pytest.mark.parametrize('action,status,mark', CASES)
def test_action_by_status(action, status, mark):
    args, facts = SETUP.get(action, ({}, {}))
    current = server(status)
    if mark == '.':
        with pytest.raises(ComputeError) as err:
            P.plan_action(current, action, args, facts)
        assert '\n' not in err.value.msg
        assert err.value.msg.startswith('Cannot %s server web1: ' % action)
        assert 'its status is %s' % status in err.value.msg
    else:
        plan = P.plan_action(current, action, args, facts)
        assert plan.kind == KIND[mark]
        assert bool(plan.calls) == (mark == 'A')


HARD = {
    'ACTIVE': 'A',
    'SHUTOFF': 'A',
    'PAUSED': 'A',
    'SUSPENDED': 'A',
    'SHELVED': '.',
    'SHELVED_OFFLOADED': '.',
    'RESCUE': '.',
    'VERIFY_RESIZE': '.',
    'ERROR': 'A',
}


@pytest.mark.parametrize('status,mark', sorted(HARD.items()))
def test_hard_reboot_by_status(status, mark):
    if mark == '.':
        with pytest.raises(ComputeError):
            P.plan_action(server(status), 'reboot', {'reboot_type': 'HARD'})
    else:
        plan = P.plan_action(server(status), 'reboot', {'reboot_type': 'HARD'})
        assert plan.kind == 'action' and plan.after['status'] == 'ACTIVE'


@pytest.mark.parametrize(
    'action,status,target',
    [
        ('reboot', 'ACTIVE', 'ACTIVE'),
        ('start', 'SHUTOFF', 'ACTIVE'),
        ('stop', 'ACTIVE', 'SHUTOFF'),
        ('stop', 'ERROR', 'SHUTOFF'),
        ('pause', 'ACTIVE', 'PAUSED'),
        ('unpause', 'PAUSED', 'ACTIVE'),
        ('suspend', 'ACTIVE', 'SUSPENDED'),
        ('resume', 'SUSPENDED', 'ACTIVE'),
        ('lock', 'SHUTOFF', 'SHUTOFF'),
        ('rescue', 'SHUTOFF', 'RESCUE'),
        ('unrescue', 'RESCUE', 'ACTIVE'),
        ('resize', 'SHUTOFF', 'VERIFY_RESIZE'),
        ('confirm_resize', 'VERIFY_RESIZE', 'ACTIVE'),
        ('revert_resize', 'VERIFY_RESIZE', 'ACTIVE'),
        ('rebuild', 'SHUTOFF', 'SHUTOFF'),
        ('rebuild', 'ERROR', 'ACTIVE'),
        ('create_image', 'PAUSED', 'PAUSED'),
        ('backup', 'SUSPENDED', 'SUSPENDED'),
        ('shelve', 'ACTIVE', 'SHELVED'),
        ('shelve_offload', 'SHELVED', 'SHELVED_OFFLOADED'),
        ('unshelve', 'SHELVED_OFFLOADED', 'ACTIVE'),
        ('migrate', 'SHUTOFF', 'VERIFY_RESIZE'),
        ('live_migrate', 'PAUSED', 'PAUSED'),
        ('restore', 'SOFT_DELETED', 'ACTIVE'),
        ('reset_state', 'SHUTOFF', 'ACTIVE'),
        ('trigger_crash_dump', 'RESCUE', 'RESCUE'),
    ],
)
def test_predicted_status(action, status, target):
    args, facts = SETUP.get(action, ({}, {}))
    plan = P.plan_action(server(status), action, args, facts)
    assert plan.after['status'] == target
    assert plan.targets[0] == target
    assert plan.after['task_state'] is None


@pytest.mark.parametrize(
    'microversion,status,targets',
    [
        ('2.100', 'ACTIVE', ('SHUTOFF',)),
        ('2.95', 'ERROR', ('SHUTOFF',)),
        ('2.94', 'ACTIVE', ('ACTIVE',)),
        ('2.94', 'SHUTOFF', ('SHUTOFF',)),
        ('2.94', 'ERROR', ('ACTIVE',)),
        (None, 'ACTIVE', ('SHUTOFF', 'ACTIVE')),
    ],
)
def test_evacuate_leaves_the_server_stopped_from_2_95(microversion, status, targets):
    plan = P.plan_action(server(status), 'evacuate', {}, {'microversion': microversion})
    assert plan.targets == targets
    assert plan.after['status'] == targets[0]


def test_confirm_after_a_resize_of_a_stopped_server_predicts_shutoff():
    plan = P.plan_action(server('VERIFY_RESIZE', power_state=4), 'confirm_resize')
    assert plan.after['status'] == 'SHUTOFF'
    assert plan.targets == ('SHUTOFF', 'ACTIVE')


def test_shelve_may_end_offloaded():
    assert P.plan_action(server('ACTIVE'), 'shelve').targets == ('SHELVED', 'SHELVED_OFFLOADED')


# ------------------------------------------------------------------------------------------------ idempotence


@pytest.mark.parametrize(
    'action,current,args,facts,kind',
    [
        ('lock', {'is_locked': True, 'locked_reason': 'x'}, {}, {}, 'none'),
        ('lock', {'is_locked': True, 'locked_reason': 'x'}, {'locked_reason': 'x'}, {}, 'none'),
        ('lock', {'is_locked': True, 'locked_reason': 'x'}, {'locked_reason': 'y'}, {}, 'action'),
        ('lock', {'is_locked': False}, {'locked_reason': 'y'}, {}, 'action'),
        ('unlock', {'is_locked': True}, {}, {}, 'action'),
        ('resize', {'flavor': {'original_name': 'm1.small'}}, *SETUP['resize'], 'none'),
        ('resize', {'status': 'VERIFY_RESIZE', 'flavor': {'original_name': 'm1.small'}}, *SETUP['resize'], 'none'),
        ('resize', {'flavor': {'id': '2'}}, *SETUP['resize'], 'none'),
        ('migrate', {}, {'host': 'compute1'}, {}, 'none'),
        ('migrate', {}, {'host': 'compute2'}, {}, 'action'),
        ('migrate', {}, {}, {}, 'action'),
        ('migrate', {'compute_host': None}, {'host': 'compute1'}, {}, 'action'),
        ('live_migrate', {}, {'host': 'compute1'}, {}, 'none'),
        ('evacuate', {}, {'host': 'compute1'}, {}, 'none'),
        ('evacuate', {}, {'host': 'compute2'}, {}, 'action'),
        ('reset_state', {'status': 'ERROR', 'vm_state': 'error'}, {'state': 'error'}, {}, 'none'),
        ('reset_state', {}, {'state': 'error'}, {}, 'action'),
        (
            'add_security_group',
            {},
            {'security_group': 'web'},
            {
                'security_group': {'id': 'sg-web', 'name': 'web'},
                'server_security_groups': [{'id': 'sg-web', 'name': 'web'}],
            },
            'none',
        ),
        (
            'add_security_group',
            {},
            {'security_group': 'web'},
            {
                'security_group': {'id': 'sg-web', 'name': 'web'},
                'server_security_groups': [{'id': 'sg-x', 'name': 'web'}],
            },
            'action',
        ),
        (
            'remove_security_group',
            {},
            {'security_group': 'sg-web'},
            {
                'security_group': {'id': 'sg-web', 'name': 'web'},
                'server_security_groups': [{'id': 'sg-web', 'name': 'web'}],
            },
            'action',
        ),
        ('remove_fixed_ip', {}, {'address': '192.0.2.10'}, {}, 'action'),
        ('add_fixed_ip', {}, *SETUP['add_fixed_ip'], 'action'),
        (
            'add_floating_ip',
            {},
            {'address': '203.0.113.5'},
            {'floating_ip': {'port_id': 'port-1', 'fixed_ip_address': '192.0.2.10'}, 'ports': [{'id': 'port-1'}]},
            'none',
        ),
        (
            'add_floating_ip',
            {},
            {'address': '203.0.113.5', 'fixed_address': '192.0.2.10'},
            {'floating_ip': {'port_id': 'port-1', 'fixed_ip_address': '192.0.2.10'}, 'ports': [{'id': 'port-1'}]},
            'none',
        ),
        (
            'add_floating_ip',
            {},
            {'address': '203.0.113.5', 'fixed_address': '192.0.2.11'},
            {'floating_ip': {'port_id': 'port-1', 'fixed_ip_address': '192.0.2.10'}, 'ports': [{'id': 'port-1'}]},
            'action',
        ),
        (
            'add_floating_ip',
            {},
            {'address': '203.0.113.5'},
            {'floating_ip': {'port_id': 'port-of-another-server'}, 'ports': [{'id': 'port-1'}]},
            'action',
        ),
        (
            'remove_floating_ip',
            {},
            {'address': '203.0.113.5'},
            {'floating_ip': {'port_id': 'port-1'}, 'ports': [{'id': 'port-1'}]},
            'action',
        ),
        ('remove_floating_ip', {}, {'address': '203.0.113.5'}, {'floating_ip': None, 'ports': []}, 'none'),
        ('clear_password', {}, {}, {'password': ''}, 'none'),
        ('clear_password', {}, {}, {'password': None}, 'none'),
    ],
)
def test_when_already_done(action, current, args, facts, kind):
    assert P.plan_action(server(**current), action, args, facts).kind == kind


@pytest.mark.parametrize(
    'action', ['reboot', 'rebuild', 'create_image', 'backup', 'change_password', 'add_fixed_ip', 'trigger_crash_dump']
)
def test_never_noop_actions_say_so_and_act_twice(action):
    assert T.ACTIONS[action].never_noop
    args, facts = SETUP.get(action, ({}, {}))
    plan = P.plan_action(server('ACTIVE'), action, args, facts)
    again = P.plan_action(dict(plan.after), action, args, facts)
    assert plan.kind == again.kind == 'action'


def test_lock_with_a_new_reason_unlocks_first():
    plan = P.plan_action(server(is_locked=True, locked_reason='old'), 'lock', {'locked_reason': 'new'})
    assert [c.method for c in plan.calls] == ['unlock_server', 'lock_server']
    assert plan.calls[1].kwargs == {'locked_reason': 'new'}
    assert plan.after['locked_reason'] == 'new'


def test_force_delete_of_a_gone_server_is_a_no_op():
    plan = P.plan_action(None, 'force_delete', {'server': 'web1'})
    assert plan.kind == 'none'


@pytest.mark.parametrize(
    'current, args',
    [
        ({}, {}),
        # on the named host (admins see it) or in the named zone
        ({'compute_host': 'compute1'}, {'host': 'compute1'}),
        ({'availability_zone': 'nova'}, {'availability_zone': 'nova'}),
        ({'is_locked': True}, {}),
    ],
)
def test_unshelve_of_an_active_server_is_done_like_start(current, args):
    plan = P.plan_action(server(**current), 'unshelve', dict(args, server='web1'), {})
    assert plan.kind == 'none' and plan.calls == ()
    assert plan.reason == 'unshelve is already done for server web1 (status ACTIVE%s)' % (
        ', locked' if current.get('is_locked') else ''
    )


def test_a_missing_server_fails_for_other_actions():
    with pytest.raises(ComputeError, match='Server web1 not found'):
        P.plan_action(None, 'stop', {'server': 'web1'})


# ------------------------------------------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    'action,current,args,facts,message',
    [
        (
            'unshelve',
            {'status': 'SHUTOFF'},
            {},
            {},
            'Cannot unshelve server web1: its status is SHUTOFF; unshelve needs SHELVED or SHELVED_OFFLOADED.',
        ),
        # ACTIVE on another host than the one named: no unshelve places it there
        (
            'unshelve',
            {'compute_host': 'compute1'},
            {'host': 'compute2'},
            {},
            'Cannot unshelve server web1: its status is ACTIVE; unshelve needs SHELVED or SHELVED_OFFLOADED.',
        ),
        (
            'confirm_resize',
            {},
            {},
            {},
            'Cannot confirm_resize server web1: its status is ACTIVE; confirm_resize needs VERIFY_RESIZE '
            '(nothing awaits confirmation now).',
        ),
        (
            'reboot',
            {'status': 'SHUTOFF'},
            {},
            {},
            'Cannot reboot server web1: its status is SHUTOFF; a SOFT reboot needs ACTIVE (a HARD reboot also works '
            'from SHUTOFF, PAUSED, SUSPENDED or ERROR).',
        ),
        (
            'unshelve',
            {'status': 'SHELVED'},
            {'host': 'compute2'},
            {},
            'Cannot unshelve server web1: its status is SHELVED; Nova places an unshelved server on a chosen host or '
            'availability zone only when it is SHELVED_OFFLOADED (shelve_offload it first).',
        ),
        (
            'resize',
            {'status': 'VERIFY_RESIZE'},
            *SETUP['resize'],
            'Cannot resize server web1: its status is VERIFY_RESIZE: an earlier resize awaits confirmation; '
            'confirm_resize or revert_resize it first.',
        ),
        (
            'add_floating_ip',
            {},
            {'address': '203.0.113.9'},
            {'floating_ip': None, 'ports': []},
            'Cannot add_floating_ip server web1: floating IP 203.0.113.9 does not exist in this project; allocate it '
            'first.',
        ),
        (
            'stop',
            {'is_locked': True, 'locked_reason': 'maintenance'},
            {},
            {'is_admin': False},
            'Cannot stop server web1: it is locked (maintenance); unlock it first (action=unlock), or use an admin '
            'cloud.',
        ),
        (
            'reboot',
            {'status': 'REBOOT', 'task_state': 'rebooting'},
            {},
            {},
            'Cannot reboot server web1: it is busy (status REBOOT, task_state rebooting); wait until that ends.',
        ),
        (
            'restore',
            {},
            {},
            {},
            'Cannot restore server web1: its status is ACTIVE; restore needs SOFT_DELETED (only soft-deleted servers '
            'can be restored).',
        ),
    ],
)
def test_not_allowed_now_is_one_line(action, current, args, facts, message):
    with pytest.raises(ComputeError) as err:
        P.plan_action(server(**current), action, args, facts)
    assert err.value.msg == message


@pytest.mark.parametrize(
    'action,locked_ok',
    [
        ('stop', False),
        ('reboot', False),
        ('resize', False),
        ('add_fixed_ip', False),
        ('unlock', True),
        ('create_image', True),
        ('backup', True),
        ('evacuate', True),
        ('reset_state', True),
        ('add_security_group', True),
        ('add_floating_ip', True),
    ],
)
def test_locked_servers(action, locked_ok):
    args, facts = SETUP.get(action, ({}, {}))
    if action == 'reset_state':
        args = {'state': 'error'}
    current = server('ACTIVE', is_locked=True, locked_reason='m')
    if locked_ok:
        assert P.plan_action(current, action, args, facts).kind == 'action'
    else:
        with pytest.raises(ComputeError, match='it is locked'):
            P.plan_action(current, action, args, facts)
        # Admins are not held back by a lock.
        assert P.plan_action(current, action, args, dict(facts, is_admin=True)).kind == 'action'


def test_a_state_action_already_done_on_a_locked_server_is_still_a_no_op():
    assert P.plan_action(server('SHUTOFF', is_locked=True), 'stop', {}, {}).kind == 'none'


# ------------------------------------------------------------------------------------------------ requests


REQUESTS = [
    ('reboot', {}, {}, [('proxy', 'reboot_server', {'reboot_type': 'SOFT'}, None)]),
    ('reboot', {'reboot_type': 'HARD'}, {}, [('proxy', 'reboot_server', {'reboot_type': 'HARD'}, None)]),
    ('stop', {}, {}, [('proxy', 'stop_server', {}, None)]),
    ('start@SHUTOFF', {}, {}, [('proxy', 'start_server', {}, None)]),
    ('pause', {}, {}, [('proxy', 'pause_server', {}, None)]),
    ('unpause@PAUSED', {}, {}, [('proxy', 'unpause_server', {}, None)]),
    ('suspend', {}, {}, [('proxy', 'suspend_server', {}, None)]),
    ('resume@SUSPENDED', {}, {}, [('proxy', 'resume_server', {}, None)]),
    ('unrescue@RESCUE', {}, {}, [('proxy', 'unrescue_server', {}, None)]),
    ('lock', {'locked_reason': 'why'}, {}, [('proxy', 'lock_server', {'locked_reason': 'why'}, None)]),
    ('lock', {}, {}, [('proxy', 'lock_server', {}, None)]),
    ('unlock', {}, {}, [('proxy', 'unlock_server', {}, None)]),
    (
        'rescue',
        {'admin_password': 'pw', 'image': 'tiny'},
        {'image': {'id': 'img-1', 'name': 'tiny'}},
        [('proxy', 'rescue_server', {'admin_pass': 'pw', 'image': 'img-1'}, None)],
    ),
    ('resize', *SETUP['resize'], [('proxy', 'resize_server', {'flavor': '2'}, None)]),
    ('confirm_resize@VERIFY_RESIZE', {}, {}, [('proxy', 'confirm_server_resize', {}, None)]),
    ('revert_resize@VERIFY_RESIZE', {}, {}, [('proxy', 'revert_server_resize', {}, None)]),
    (
        'rebuild',
        {
            'image': 'tiny-alt',
            'new_name': 'web2',
            'admin_password': 'pw',
            'preserve_ephemeral': True,
            'access_ipv4': '198.51.100.1',
            'metadata': {'a': 'b'},
            'user_data': '#cloud-config\n',
            'key_name': 'k',
        },
        {'image': {'id': 'img-alt'}},
        [
            (
                'proxy',
                'rebuild_server',
                {
                    'image': 'img-alt',
                    'name': 'web2',
                    'admin_password': 'pw',
                    'preserve_ephemeral': True,
                    'access_ipv4': '198.51.100.1',
                    'metadata': {'a': 'b'},
                    'user_data': base64.b64encode(b'#cloud-config\n').decode(),
                    'key_name': 'k',
                },
                None,
            )
        ],
    ),
    (
        'create_image',
        {'image_name': 'snap', 'metadata': {'k': 'v'}},
        {},
        [('create_image', 'create_server_image', {'name': 'snap', 'metadata': {'k': 'v'}}, None)],
    ),
    (
        'backup',
        {'image_name': 'bk', 'backup_type': 'daily', 'rotation': 3},
        {},
        [
            (
                'backup',
                'create_server_backup',
                {'name': 'bk', 'backup_type': 'daily', 'rotation': 3, 'metadata': None},
                None,
            )
        ],
    ),
    (
        'change_password',
        {'admin_password': 'pw'},
        {},
        [('proxy', 'change_server_password', {'new_password': 'pw'}, None)],
    ),
    ('clear_password', {}, {'password': 'x'}, [('proxy', 'clear_server_password', {}, None)]),
    ('shelve', {}, {}, [('proxy', 'shelve_server', {}, None)]),
    ('shelve_offload@SHELVED', {}, {}, [('proxy', 'shelve_offload_server', {}, None)]),
    ('unshelve@SHELVED', {}, {}, [('proxy', 'unshelve_server', {}, None)]),
    (
        'unshelve@SHELVED_OFFLOADED',
        {'host': 'compute2', 'availability_zone': 'nova'},
        {},
        [('proxy', 'unshelve_server', {'host': 'compute2', 'availability_zone': 'nova'}, None)],
    ),
    ('migrate', {}, {}, [('proxy', 'migrate_server', {}, None)]),
    ('migrate', {'host': 'compute2'}, {}, [('proxy', 'migrate_server', {'host': 'compute2'}, None)]),
    (
        'live_migrate',
        {},
        {},
        [('proxy', 'live_migrate_server', {'host': None, 'force': False, 'block_migration': 'auto'}, None)],
    ),
    (
        'live_migrate',
        {'host': 'compute2', 'block_migration': False, 'force': True},
        {},
        [('proxy', 'live_migrate_server', {'host': 'compute2', 'force': True, 'block_migration': False}, None)],
    ),
    (
        'evacuate',
        {'host': 'compute2', 'admin_password': 'pw', 'force': False},
        {},
        [('proxy', 'evacuate_server', {'host': 'compute2', 'admin_pass': 'pw', 'force': False}, None)],
    ),
    ('evacuate', {}, {}, [('proxy', 'evacuate_server', {}, None)]),
    # restore and force_delete need a cloud that soft-deletes (the local cloud does not): shape only here.
    ('restore@SOFT_DELETED', {}, {}, [('proxy', 'restore_server', {}, None)]),
    ('force_delete@SOFT_DELETED', {}, {}, [('resource', 'force_delete', {}, None)]),
    ('reset_state', {'state': 'error'}, {}, [('proxy', 'reset_server_state', {'state': 'error'}, None)]),
    (
        'add_security_group',
        *SETUP['add_security_group'],
        [('proxy', 'add_security_group_to_server', {'security_group': 'sg-web'}, None)],
    ),
    (
        'remove_security_group',
        {'security_group': 'web'},
        {
            'security_group': {'id': 'sg-web', 'name': 'web'},
            'server_security_groups': [{'id': 'sg-web', 'name': 'web'}],
        },
        [('proxy', 'remove_security_group_from_server', {'security_group': 'sg-web'}, None)],
    ),
    ('add_fixed_ip', *SETUP['add_fixed_ip'], [('request', 'addFixedIp', {'networkId': 'net-1'}, '2.43')]),
    (
        'remove_fixed_ip',
        {'address': '192.0.2.10'},
        {},
        [('request', 'removeFixedIp', {'address': '192.0.2.10'}, '2.43')],
    ),
    (
        'add_floating_ip',
        {'address': '203.0.113.5', 'fixed_address': '192.0.2.10'},
        SETUP['add_floating_ip'][1],
        [('request', 'addFloatingIp', {'address': '203.0.113.5', 'fixed_address': '192.0.2.10'}, '2.43')],
    ),
    (
        'remove_floating_ip',
        {'address': '203.0.113.5'},
        {'floating_ip': {'port_id': 'port-1'}, 'ports': [{'id': 'port-1'}]},
        [('request', 'removeFloatingIp', {'address': '203.0.113.5'}, '2.43')],
    ),
    ('trigger_crash_dump', {}, {}, [('proxy', 'trigger_server_crash_dump', {}, None)]),
    (
        'attach_volume',
        {'volume': 'data1', 'device': '/dev/vdc'},
        SETUP['attach_volume'][1],
        [('volume', 'attach_volume', {'volume_id': 'v-1', 'device': '/dev/vdc'}, None)],
    ),
    ('detach_volume', *SETUP['detach_volume'], [('volume', 'detach_volume', {'volume_id': 'v-1'}, None)]),
    ('get_console_output', {'length': 5}, {}, [('proxy', 'get_server_console_output', {'length': 5}, None)]),
    ('get_console_output', {}, {}, [('proxy', 'get_server_console_output', {}, None)]),
    (
        'get_console_url',
        {},
        {},
        [('proxy', 'create_server_remote_console', {'protocol': 'vnc', 'type': 'novnc'}, None)],
    ),
    (
        'get_console_url',
        {'console_type': 'spice-html5'},
        {},
        [('proxy', 'create_server_remote_console', {'protocol': 'spice', 'type': 'spice-html5'}, None)],
    ),
    (
        'get_console_url',
        {'console_type': 'webmks'},
        {},
        [('proxy', 'create_server_remote_console', {'protocol': 'mks', 'type': 'webmks'}, None)],
    ),
    ('get_password', {}, {}, [('proxy', 'get_server_password', {}, None)]),
    ('fetch_topology', {}, {}, [('topology', 'get_server_topology', {}, None)]),
    ('fetch_security_groups', {}, {}, [('proxy', 'fetch_server_security_groups', {}, None)]),
]


@pytest.mark.parametrize('action,args,facts,expected', REQUESTS)
def test_requests(action, args, facts, expected):
    action, _at, status = action.partition('@')
    plan = P.plan_action(server(status or 'ACTIVE', is_locked=action == 'unlock'), action, args, facts)
    assert [(c.via, c.method, c.kwargs, c.microversion) for c in plan.calls] == expected


def test_every_action_has_a_request_row():
    covered = set(row[0].partition('@')[0] for row in REQUESTS)
    assert covered == set(T.ACTIONS)


@pytest.mark.parametrize('action', sorted(n for n, s in T.ACTIONS.items() if s.read_only))
def test_read_only_actions_never_change(action):
    for status in STATUSES:
        plan = P.plan_action(server(status, is_locked=True), action, {})
        assert plan.kind == 'read' and not plan.changed
        assert T.ACTIONS[action].result_key


# ------------------------------------------------------------------------------------------------ options


@pytest.mark.parametrize(
    'params,expected',
    [
        ({'action': 'reboot'}, ('reboot', {})),
        ({'action': 'reboot_hard'}, ('reboot', {'reboot_type': 'HARD'})),
        ({'action': 'reboot_soft', 'reboot_type': 'SOFT'}, ('reboot', {'reboot_type': 'SOFT'})),
        ({'action': 'live_migrate', 'block_migration': 'TRUE'}, ('live_migrate', {'block_migration': True})),
        ({'action': 'live_migrate', 'block_migration': 'auto'}, ('live_migrate', {'block_migration': 'auto'})),
        ({'action': 'live_migrate', 'block_migration': False}, ('live_migrate', {'block_migration': False})),
        ({'action': 'stop', 'flavor': None, 'image': None}, ('stop', {})),
    ],
)
def test_action_args(params, expected):
    action, args = P.action_args(dict(params, server='web1'))
    args.pop('server')
    assert (action, args) == expected


@pytest.mark.parametrize(
    'params,message',
    [
        ({'action': 'stop', 'flavor': 'm1.small'}, 'Action stop does not take flavor; it takes no options.'),
        (
            {'action': 'reboot', 'image': 'x', 'host': 'h'},
            'Action reboot does not take host, image; it takes reboot_type.',
        ),
        ({'action': 'reboot_hard', 'reboot_type': 'SOFT'}, 'action=reboot_hard contradicts reboot_type=SOFT.'),
        (
            {'action': 'live_migrate', 'block_migration': 'maybe'},
            "block_migration must be auto, true or false, not 'maybe'.",
        ),
        (
            {'action': 'lock', 'admin_password': 'x'},
            'Action lock does not take admin_password; it takes locked_reason.',
        ),
    ],
)
def test_bad_option_combinations_fail_with_one_line(params, message):
    with pytest.raises(ComputeError) as err:
        P.action_args(dict(params, server='web1'))
    assert err.value.msg == message


def test_required_if_comes_from_the_table():
    rules = dict((rule[1], rule[2]) for rule in T.required_if())
    assert rules['rebuild'] == ['image']
    assert rules['backup'] == ['backup_type', 'image_name', 'rotation']
    assert 'reboot' not in rules


# ------------------------------------------------------------------------------------------------ transitions


@pytest.mark.parametrize(
    'start,target,steps',
    [
        ('ACTIVE', 'ACTIVE', []),
        ('SHUTOFF', 'ACTIVE', ['start']),
        ('ACTIVE', 'SHUTOFF', ['stop']),
        ('PAUSED', 'SHUTOFF', ['unpause', 'stop']),
        ('SUSPENDED', 'PAUSED', ['resume', 'pause']),
        ('SHUTOFF', 'PAUSED', ['start', 'pause']),
        ('ACTIVE', 'SHELVED_OFFLOADED', ['shelve', 'shelve_offload']),
        ('PAUSED', 'SHELVED', ['shelve']),
        ('SHELVED', 'ACTIVE', ['unshelve']),
        ('SHELVED_OFFLOADED', 'SHUTOFF', ['unshelve', 'stop']),
        ('SHELVED_OFFLOADED', 'SHELVED', ['unshelve', 'shelve']),
        ('SOFT_DELETED', 'ACTIVE', None),
        ('RESCUE', 'SHUTOFF', ['unrescue', 'stop']),
        ('ERROR', 'ACTIVE', ['stop', 'start']),
        ('VERIFY_RESIZE', 'ACTIVE', None),
        ('active', 'shutoff', None),
    ],
)
def test_status_transitions(start, target, steps):
    if steps is None:
        with pytest.raises(ComputeError) as err:
            P.plan_status_transition(start, target)
        assert '\n' not in err.value.msg
    else:
        assert P.plan_status_transition(server(start), target.lower()) == steps
        assert P.plan_status_transition(start, target) == steps


def test_transition_steps_are_each_allowed_where_the_previous_one_leads():
    for start in ('ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED', 'SHELVED', 'SHELVED_OFFLOADED', 'RESCUE'):
        for target in ('ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED', 'SHELVED', 'SHELVED_OFFLOADED'):
            current = server(start)
            for step in P.plan_status_transition(current, target):
                plan = P.plan_action(current, step, {})
                assert plan.kind == 'action'
                current = plan.after
            assert current['status'] == target


# ------------------------------------------------------------------------------------------------ waits


def after_post(action, status, **extra):
    args, facts = SETUP.get(action, ({}, {}))
    return P.plan_action(server(status), action, args, facts), server(status, **extra)


@pytest.mark.parametrize(
    'action,start,seen,settled',
    [
        # Nova sets task_state before it answers 202: a read with it set means "under way".
        ('reboot', 'ACTIVE', {'status': 'REBOOT', 'task_state': 'rebooting'}, False),
        ('reboot', 'ACTIVE', {'status': 'HARD_REBOOT', 'task_state': 'rebooting_hard'}, False),
        # ... and one without it, after the 202, means the reboot is over even though the status is the same.
        ('reboot', 'ACTIVE', {'status': 'ACTIVE'}, True),
        ('stop', 'ACTIVE', {'status': 'ACTIVE', 'task_state': 'powering-off'}, False),
        ('stop', 'ACTIVE', {'status': 'SHUTOFF'}, True),
        ('rebuild', 'ACTIVE', {'status': 'REBUILD', 'task_state': 'rebuild_spawning'}, False),
        ('resize', 'ACTIVE', {'status': 'RESIZE', 'task_state': 'resize_finish'}, False),
        ('resize', 'ACTIVE', {'status': 'VERIFY_RESIZE'}, True),
        ('unshelve', 'SHELVED_OFFLOADED', {'status': 'SHELVED_OFFLOADED', 'task_state': 'spawning'}, False),
        ('create_image', 'ACTIVE', {'status': 'ACTIVE', 'task_state': 'image_uploading'}, False),
        # Nova shows SHELVED_OFFLOADED before it clears the host: an admin sees the host for a moment.
        ('shelve_offload', 'SHELVED', {'status': 'SHELVED_OFFLOADED', 'compute_host': 'compute1'}, False),
        ('shelve_offload', 'SHELVED', {'status': 'SHELVED_OFFLOADED', 'compute_host': None}, True),
        # confirm_resize sets no task_state: the status itself must move on.
        ('confirm_resize', 'VERIFY_RESIZE', {'status': 'VERIFY_RESIZE'}, False),
        ('confirm_resize', 'VERIFY_RESIZE', {'status': 'ACTIVE'}, True),
        ('lock', 'ACTIVE', {'status': 'ACTIVE'}, True),
        # Address actions wait for Nova's network cache.
        ('add_floating_ip', 'ACTIVE', {}, False),
        (
            'add_floating_ip',
            'ACTIVE',
            {
                'addresses': {
                    'private': [
                        {'addr': '192.0.2.10', 'OS-EXT-IPS:type': 'fixed'},
                        {'addr': '203.0.113.5', 'OS-EXT-IPS:type': 'floating'},
                    ]
                }
            },
            True,
        ),
        ('add_fixed_ip', 'ACTIVE', {}, False),
        (
            'add_fixed_ip',
            'ACTIVE',
            {'addresses': {'private': [{'addr': '192.0.2.10'}, {'addr': '192.0.2.11'}]}},
            True,
        ),
    ],
)
def test_is_settled(action, start, seen, settled):
    plan = after_post(action, start)[0]
    assert P.is_settled(plan, server(**dict({'status': start}, **seen))) is settled


@pytest.mark.parametrize(
    'seen,settled,stuck',
    [
        # Nova clears task_state, then the resource tracker records the new host: not over until it moved.
        ({'status': 'SHUTOFF', 'compute_host': 'compute1'}, False, True),
        ({'status': 'REBUILD', 'task_state': 'rebuilding', 'compute_host': 'compute1'}, False, False),
        ({'status': 'SHUTOFF', 'compute_host': 'compute2'}, True, False),
        # A host the caller cannot see says nothing either way.
        ({'status': 'SHUTOFF', 'compute_host': None}, True, False),
    ],
)
def test_evacuate_waits_for_the_new_host(seen, settled, stuck):
    plan = P.plan_action(server('ACTIVE'), 'evacuate', {'host': 'compute2'}, {'microversion': '2.100'})
    assert plan.expect == {'moved_from': 'compute1'}
    assert P.is_settled(plan, server(**seen)) is settled
    assert P.is_stuck(plan, server(**seen)) is stuck


def test_moves_of_a_server_whose_host_is_hidden_wait_on_task_state_only():
    plan = P.plan_action(server('ACTIVE', compute_host=None), 'live_migrate', {})
    assert plan.expect == {}
    assert P.is_settled(plan, server('ACTIVE', compute_host=None))


def test_force_delete_settles_when_the_server_is_gone():
    plan = P.plan_action(server('SOFT_DELETED'), 'force_delete')
    assert not P.is_settled(plan, server('SOFT_DELETED'))
    assert P.is_settled(plan, None)
    assert P.wait_failure(plan, None) is None


@pytest.mark.parametrize(
    'action,start,seen,message',
    [
        (
            'reboot',
            'ACTIVE',
            {'status': 'ERROR', 'fault': {'message': 'boom'}},
            'Server web1 went to ERROR during reboot: boom',
        ),
        ('stop', 'ERROR', {'status': 'ERROR', 'task_state': 'powering-off'}, None),
        ('reset_state', 'ACTIVE', {'status': 'ERROR'}, None),
        ('reboot', 'ACTIVE', None, 'Server web1 disappeared during reboot.'),
        ('reboot', 'ACTIVE', {'status': 'REBOOT', 'task_state': 'rebooting'}, None),
    ],
)
def test_wait_failure(action, start, seen, message):
    args = {'state': 'error'} if action == 'reset_state' else {}
    plan = P.plan_action(server(start), action, args)
    assert P.wait_failure(plan, None if seen is None else server(**seen)) == message


@pytest.mark.parametrize(
    'action,start,args,seen,message',
    [
        ('resize', 'ACTIVE', {}, {'status': 'VERIFY_RESIZE'}, None),
        (
            'resize',
            'ACTIVE',
            {},
            {'status': 'ACTIVE'},
            'Server web1 ended ACTIVE after resize instead of VERIFY_RESIZE',
        ),
        ('live_migrate', 'ACTIVE', {}, {'status': 'ACTIVE', 'compute_host': 'compute2'}, None),
        (
            'live_migrate',
            'ACTIVE',
            {},
            {'status': 'ACTIVE'},
            'Server web1 is still on host compute1 after live_migrate',
        ),
        ('live_migrate', 'ACTIVE', {}, {'status': 'ACTIVE', 'compute_host': None}, None),
        ('shelve', 'ACTIVE', {}, {'status': 'SHELVED_OFFLOADED'}, None),
        ('lock', 'ACTIVE', {}, {'status': 'ACTIVE'}, None),
    ],
)
def test_outcome_error(action, start, args, seen, message):
    base, facts = SETUP.get(action, ({}, {}))
    plan = P.plan_action(server(start), action, dict(base, **args), facts)
    assert P.outcome_error(plan, server(**seen)) == message


def test_new_instance_action_ignores_what_was_there_before():
    actions = [
        {'action': 'live-migration', 'request_id': 'req-new'},
        {'action': 'live-migration', 'request_id': 'req-old'},
    ]
    assert P.new_instance_action({'req-old'}, actions, 'live-migration')['request_id'] == 'req-new'
    assert P.new_instance_action({'req-old', 'req-new'}, actions, 'live-migration') is None
    assert P.new_instance_action(set(), actions, 'migrate') is None


@pytest.mark.parametrize(
    'record,message',
    [
        (None, None),
        ({'action': 'migrate', 'request_id': 'req-1', 'message': None, 'events': []}, None),
        (
            {'action': 'migrate', 'request_id': 'req-1', 'message': 'Error', 'events': None},
            'Nova recorded an error for migrate (request req-1): Error (the events with details show to admins only)',
        ),
        (
            {
                'action': 'live-migration',
                'request_id': 'req-2',
                'message': 'Error',
                'events': [
                    {
                        'event': 'conductor_live_migrate_instance',
                        'result': 'Error',
                        'details': 'No valid host was found.',
                    },
                    {'event': 'compute_check_can_live_migrate_source', 'result': 'Success'},
                ],
            },
            'Nova recorded an error for live-migration (request req-2): conductor_live_migrate_instance failed: No '
            'valid host was found.',
        ),
        (
            {
                'action': 'evacuate',
                'request_id': 'req-3',
                'message': 'Error',
                'events': [
                    {'event': 'compute_rebuild_instance', 'result': 'Error', 'traceback': 'Trace\n  x\nOops: bad'}
                ],
            },
            'Nova recorded an error for evacuate (request req-3): compute_rebuild_instance failed: Oops: bad',
        ),
        (
            {
                'action': 'migrate',
                'request_id': 'req-4',
                'message': 'Error',
                'events': [
                    {'event': 'cold_migrate', 'result': 'Error', 'details': 'No valid host was found.'},
                    {'event': 'conductor_migrate_server', 'result': 'Error', 'details': 'No valid host was found.'},
                ],
            },
            'Nova recorded an error for migrate (request req-4): cold_migrate, conductor_migrate_server failed: No '
            'valid host was found.',
        ),
    ],
)
def test_instance_action_error(record, message):
    assert P.instance_action_error(record) == message


# ------------------------------------------------------------------------------------------- predictions and secrets


def test_rebuild_prediction_and_diff_view_hold_no_secret():
    args = {'image': 'tiny-alt', 'admin_password': 'S3cret!', 'user_data': 'password: S3cret!', 'new_name': 'web2'}
    plan = P.plan_action(server(), 'rebuild', args, {'image': {'id': 'img-alt'}})
    assert plan.after['image'] == {'id': 'img-alt'} and plan.after['name'] == 'web2'
    for shown in (plan.after, P.action_view(plan.after), P.action_view(plan.before)):
        assert 'S3cret!' not in repr(shown)


@pytest.mark.parametrize(
    'action,args,facts,field,value',
    [
        ('lock', {'locked_reason': 'm'}, {}, 'is_locked', True),
        ('resize', *SETUP['resize'], 'flavor', 'm1.small'),
        ('add_security_group', *SETUP['add_security_group'], 'security_groups', ['default', 'web']),
        (
            'add_floating_ip',
            {'address': '203.0.113.5'},
            SETUP['add_floating_ip'][1],
            'addresses',
            ['private 192.0.2.10 (fixed)', 'private 203.0.113.5 (floating)'],
        ),
        ('remove_fixed_ip', {'address': '192.0.2.10'}, {}, 'addresses', []),
        ('migrate', {'host': 'compute2'}, {}, 'compute_host', 'compute2'),
    ],
)
def test_predicted_view(action, args, facts, field, value):
    plan = P.plan_action(server(), action, args, facts)
    assert P.action_view(plan.after)[field] == value
