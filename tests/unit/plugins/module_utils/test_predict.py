# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Predictions of what Nova leaves behind an action, and Nova's default policy for check mode.

The rows come from reading servers before and after each action on the local cloud as admin (Nova 34,
fake driver): the fields each action changed, and which of them the action table alone did not predict.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _policy, _predict

HOST = dict(compute_host='compute1', hypervisor_hostname='compute1', host_id='ac94d1', host_status='UP')


def server(status='ACTIVE', vm_state='active', power_state=1, **extra):
    data = dict(
        id='s1',
        name='web1',
        status=status,
        vm_state=vm_state,
        power_state=power_state,
        task_state=None,
        availability_zone='nova',
        launched_at='2026-12-02T05:51:44.000000',
        flavor={'original_name': 'm1.tiny', 'vcpus': 1, 'ram': 128, 'disk': 1, 'ephemeral': 0, 'swap': 0},
    )
    data.update(HOST)
    data.update(extra)
    return data


@pytest.mark.parametrize(
    'action, before, status, expected, unknown',
    [
        ('stop', server(), 'SHUTOFF', dict(vm_state='stopped', power_state=4), ()),
        ('start', server('SHUTOFF', 'stopped', 4), 'ACTIVE', dict(vm_state='active', power_state=1), ()),
        ('pause', server(), 'PAUSED', dict(vm_state='paused', power_state=None), ('power_state',)),
        ('unpause', server('PAUSED', 'paused', 3), 'ACTIVE', dict(vm_state='active', power_state=1), ()),
        ('suspend', server(), 'SUSPENDED', dict(vm_state='suspended', power_state=None), ('power_state',)),
        ('rescue', server(), 'RESCUE', dict(vm_state='rescued', launched_at=None), ('launched_at', 'power_state')),
        ('unrescue', server('RESCUE', 'rescued', 4), 'ACTIVE', dict(vm_state='active', power_state=1), ()),
        ('reboot', server(), 'ACTIVE', dict(vm_state='active', power_state=1), ()),
        (
            'shelve_offload',
            server('SHELVED', 'shelved', 4),
            'SHELVED_OFFLOADED',
            dict(
                vm_state='shelved_offloaded',
                power_state=4,
                compute_host=None,
                hypervisor_hostname=None,
                host_id='',
                host_status='',
                availability_zone='',
            ),
            (),
        ),
        (
            'unshelve',
            server('SHELVED_OFFLOADED', 'shelved_offloaded', 4, availability_zone='', **dict.fromkeys(HOST)),
            'ACTIVE',
            dict(vm_state='active', power_state=1, compute_host=None, availability_zone=None),
            ('availability_zone', 'compute_host', 'host_id', 'host_status', 'hypervisor_hostname', 'launched_at'),
        ),
        (
            'unshelve',
            server('SHELVED', 'shelved', 4),
            'ACTIVE',
            dict(vm_state='active', power_state=1, compute_host='compute1', availability_zone='nova'),
            ('launched_at',),
        ),
        (
            'resize',
            server(),
            'VERIFY_RESIZE',
            dict(vm_state='resized', power_state=1, compute_host=None, host_id=None),
            ('availability_zone', 'compute_host', 'host_id', 'host_status', 'hypervisor_hostname', 'launched_at'),
        ),
        (
            'confirm_resize',
            server('VERIFY_RESIZE', 'resized', 4),
            'SHUTOFF',
            dict(vm_state='stopped', power_state=4),
            (),
        ),
        ('reset_state', server(), 'ERROR', dict(vm_state='error', power_state=1), ()),
        ('reset_state', server('SHUTOFF', 'stopped', 4), 'ACTIVE', dict(vm_state='active', power_state=4), ()),
        ('lock', server(), 'ACTIVE', dict(vm_state='active', power_state=1, compute_host='compute1'), ()),
    ],
)
def test_predict_server(action, before, status, expected, unknown):
    after, fields = _predict.predict_server(action, before, dict(before, status=status))
    assert dict((k, after.get(k)) for k in expected) == expected
    assert fields == unknown
    assert after['task_state'] is None


def test_a_move_to_a_named_host_predicts_the_host_for_who_sees_it():
    admin_view, unknown = _predict.predict_server('live_migrate', server(), server(), {'host': 'compute2'})
    assert admin_view['compute_host'] == 'compute2'
    assert 'compute_host' not in unknown and 'hypervisor_hostname' in unknown
    member = server(**dict.fromkeys(('compute_host', 'hypervisor_hostname', 'host_status')))
    member_view, _unknown = _predict.predict_server('live_migrate', member, member, {'host': 'compute2'})
    assert member_view['compute_host'] is None


def test_unshelving_an_offloaded_server_to_a_named_host():
    offloaded = server('SHELVED_OFFLOADED', 'shelved_offloaded', 4, availability_zone='', host_status='')
    offloaded.update(compute_host=None, hypervisor_hostname=None, host_id='')
    after, unknown = _predict.predict_server('unshelve', offloaded, dict(offloaded, status='ACTIVE'), {'host': 'c2'})
    assert after['compute_host'] == 'c2' and 'compute_host' not in unknown
    member = dict(offloaded, host_status=None)
    after, _unknown = _predict.predict_server('unshelve', member, dict(member, status='ACTIVE'), {'host': 'c2'})
    assert after['compute_host'] is None


def test_revert_resize_does_not_pretend_to_know_the_old_flavor():
    before = server('VERIFY_RESIZE', 'resized', 1, flavor={'original_name': 'm1.small'})
    after, unknown = _predict.predict_server('revert_resize', before, dict(before, status='ACTIVE'))
    assert after['flavor'] is None and 'flavor' in unknown
    after, unknown = _predict.predict_server(
        'revert_resize', before, dict(before, status='ACTIVE'), facts={'moved_by': 'migrate'}
    )
    assert after['flavor'] == {'original_name': 'm1.small'} and 'flavor' not in unknown


def test_shelve_keeps_its_most_likely_status():
    after, unknown = _predict.predict_server('shelve', server(), server(status='SHELVED'))
    assert (after['status'], after['vm_state'], after['power_state']) == ('SHELVED', 'shelved', 4)
    assert after['compute_host'] is None
    assert {'status', 'compute_host', 'availability_zone'} <= set(unknown)


def test_every_unpredictable_field_says_why():
    for action, fields in _predict.UNPREDICTABLE.items():
        for field, why in fields.items():
            assert isinstance(why, str) and len(why) > 20, (action, field)


@pytest.mark.parametrize(
    'predicted, real, unknown, lines',
    [
        (server(), server(updated_at='x', task_state='y', progress=3), (), []),
        (
            server(flavor={'original_name': 'm1.small', 'vcpus': 1, 'ram': 256, 'disk': 2, 'ephemeral': 0, 'swap': 0}),
            server(
                flavor={
                    'name': 'm1.small',
                    'original_name': 'm1.small',
                    'id': 'm1.small',
                    'vcpus': 1,
                    'ram': 256,
                    'disk': 2,
                    'ephemeral': 0,
                    'swap': 0,
                    'is_public': True,
                    'extra_specs': {},
                }
            ),
            (),
            [],
        ),
        (server(image={'id': 'i1'}), server(image={'id': 'i1', 'name': None, 'properties': {}}), (), []),
        (server(power_state=None), server(power_state=3), ('power_state',), []),
        (server(power_state=1), server(power_state=3), (), ['power_state: predicted 1, real 3']),
        (
            server(addresses={'private': [{'addr': '192.0.2.5', 'OS-EXT-IPS:type': 'fixed', 'version': 4}]}),
            server(addresses={'private': [{'addr': '192.0.2.5', 'OS-EXT-IPS-MAC:mac_addr': 'fa:16', 'version': 4}]}),
            (),
            [],
        ),
        (None, None, (), []),
    ],
)
def test_mismatches(predicted, real, unknown, lines):
    assert _predict.mismatches(predicted, real, unknown) == lines


@pytest.mark.parametrize(
    'action, args, facts, roles, refused',
    [
        ('shelve_offload', {}, {}, ['member', 'reader'], 'needs the admin role'),
        ('shelve_offload', {}, {}, ['admin', 'member'], None),
        ('migrate', {}, {}, ['member'], 'needs the manager or admin role'),
        ('migrate', {}, {}, ['manager', 'member'], None),
        ('migrate', {'host': 'compute2'}, {}, ['manager', 'member'], 'needs the admin role'),
        ('live_migrate', {'host': 'compute2'}, {}, ['Admin'], None),
        ('unshelve', {}, {}, ['member'], None),
        ('unshelve', {'host': 'compute2'}, {}, ['member'], 'os_compute_api:os-shelve:unshelve_to_host'),
        ('evacuate', {}, {}, [], 'this user has no role'),
        ('reset_state', {'state': 'error'}, {}, ['member'], 'os-admin-actions:reset_state'),
        ('unlock', {}, {}, ['member'], None),
        ('unlock', {}, {'locked_by_admin': True}, ['member'], 'unlock_override'),
        ('stop', {}, {}, ['member'], None),
    ],
)
def test_default_policy(action, args, facts, roles, refused):
    line = _policy.refusal(action, 'web1', roles, args, facts)
    if refused is None:
        assert line is None
    else:
        assert refused in line
        assert line.startswith('Not allowed: %s of server web1 needs ' % action)


def test_a_real_refusal_says_the_same_and_then_novas_answer():
    check = _policy.refusal('shelve_offload', 'web1', ['member', 'reader'])
    real = _policy.explain_refusal('shelve_offload', 'web1', ['member', 'reader'], 'HTTP 403: Policy does not allow.')
    assert check == (
        "Not allowed: shelve_offload of server web1 needs the admin role under Nova's default policy "
        '(os_compute_api:os-shelve:shelve_offload); this user has member, reader.'
    )
    assert real == check + ' Nova answered: HTTP 403: Policy does not allow.'
    assert _policy.explain_refusal('stop', 'web1', ['member'], 'HTTP 403') is None


DOCS = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'docs', 'server_action.md')


def docs_section():
    if not os.path.isfile(DOCS):
        pytest.skip('docs/server_action.md is not in this copy of the collection')
    with open(DOCS) as handle:
        text = handle.read()
    return text.split('## What check mode predicts, and what it cannot', 1)[1].split('\n## ', 1)[0]


def test_the_docs_list_every_unpredictable_field_and_policy_rule():
    section = docs_section()
    rows = [line for line in section.splitlines() if line.startswith('| `')]
    for action, fields in _predict.UNPREDICTABLE.items():
        row = next((r for r in rows if '`%s`' % action in r.split('|')[1]), None)
        assert row is not None, action
        for field in fields:
            named = '`%s`' % field in row or (field in _predict.HOST_FIELDS and 'host fields' in row)
            assert named or 'the same' in row, (action, field)
    for action, _when, _roles, rule in _policy.DEFAULT_POLICY:
        assert '`%s' % action in section and rule.rsplit(':', 1)[-1] in section, rule


def test_unknown_addresses_make_the_convenience_addresses_unknown_too():
    predicted = server(addresses={'private': [{'addr': '192.0.2.5'}]}, public_v4='')
    real = server(addresses={'private': [{'addr': '192.0.2.5'}, {'addr': '203.0.113.9'}]}, public_v4='203.0.113.9')
    assert _predict.mismatches(predicted, real, ('addresses',)) == []
    assert len(_predict.mismatches(predicted, real)) == 2


@pytest.mark.parametrize(
    'action, before, args, facts, expected, unknown',
    [
        ('stop', server(), {}, {}, dict(status='SHUTOFF', vm_state='stopped', power_state=4), ()),
        (
            'shelve_offload',
            server('SHELVED', 'shelved', 4),
            {},
            {},
            dict(status='SHELVED_OFFLOADED', compute_host=None, availability_zone='', host_id=''),
            (),
        ),
        (
            'revert_resize',
            server('VERIFY_RESIZE', 'resized', 1),
            {},
            {'moved_by': 'resize'},
            dict(status='ACTIVE', vm_state='active', flavor=None, compute_host=None),
            (
                'availability_zone',
                'compute_host',
                'flavor',
                'host_id',
                'host_status',
                'hypervisor_hostname',
                'launched_at',
            ),
        ),
        (
            'resize',
            server(),
            {'flavor': 'm1.small'},
            {'flavor': {'id': '2', 'name': 'm1.small', 'vcpus': 1, 'ram': 256, 'disk': 2}},
            dict(status='VERIFY_RESIZE', vm_state='resized', compute_host=None),
            ('availability_zone', 'compute_host', 'host_id', 'host_status', 'hypervisor_hostname', 'launched_at'),
        ),
        ('live_migrate', server(), {'host': 'compute2'}, {}, dict(status='ACTIVE', compute_host='compute2'), None),
    ],
)
def test_the_planner_predicts_what_nova_does(action, before, args, facts, expected, unknown):
    from ansible_collections.stackops.compute.plugins.module_utils._action_plan import plan_action

    plan = plan_action(before, action, dict(args, server='web1'), facts)
    assert dict((k, plan.after.get(k)) for k in expected) == expected
    if unknown is not None:
        assert plan.unknown == unknown


def test_what_a_listing_does_not_show_is_not_compared():
    assert _predict.mismatches(server(server_groups=None), server(server_groups=[])) == []
