# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64

import pytest

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._server_apply import parse_networks
from ansible_collections.stackops.compute.plugins.module_utils._server_desired import (
    Desired,
    create_attrs,
    desired_from_params,
    encode_user_data,
    floating_ip_options,
)
from ansible_collections.stackops.compute.plugins.module_utils._server_plan import plan_server
from ansible_collections.stackops.compute.plugins.module_utils._server_view import (
    SECRET_MASK,
    convenience_addresses,
    is_id_of,
    known_secrets,
    mask_secrets,
    name_to_set,
    present_server,
    server_view,
)

TINY = {'id': 'f1', 'name': 'm1.tiny'}
SMALL = {'id': 'f2', 'name': 'm1.small'}
IMAGE = {'id': 'img-1', 'name': 'tiny'}
IMAGE2 = {'id': 'img-2', 'name': 'tiny-alt'}

TRANSITIONS = {
    ('ACTIVE', 'SHUTOFF'): ['stop'],
    ('SHUTOFF', 'ACTIVE'): ['start'],
    ('ACTIVE', 'PAUSED'): ['pause'],
    ('PAUSED', 'SHUTOFF'): ['unpause', 'stop'],
    ('ACTIVE', 'SHELVED_OFFLOADED'): ['shelve', 'shelve_offload'],
    ('SHELVED', 'ACTIVE'): ['unshelve'],
}


def transition_for(start, target):
    return TRANSITIONS[(start, target)]


def server(**over):
    base = dict(
        id='s1',
        name='web1',
        status='ACTIVE',
        task_state=None,
        flavor={'original_name': 'm1.tiny', 'vcpus': 1},
        image={'id': 'img-1'},
        key_name='demo-key',
        availability_zone='nova',
        addresses={'private': [{'addr': '192.0.2.5', 'OS-EXT-IPS:type': 'fixed'}]},
        security_groups=[{'name': 'default'}],
        metadata={'a': '1'},
        tags=['x'],
        description=None,
        hostname='web1',
        access_ipv4='',
        access_ipv6='',
        is_locked=False,
        locked_reason=None,
    )
    base.update(over)
    return base


def desired(**over):
    base = dict(name='web1', image=IMAGE, flavor=TINY)
    base.update(over)
    return Desired(**base)


# ------------------------------------------------------------------ create / delete / none


@pytest.mark.parametrize(
    'current, want, action',
    [
        (None, desired(), 'create'),
        (None, desired(state='absent'), 'none'),
        (server(), desired(state='absent'), 'delete'),
        (server(), desired(), 'none'),
        (server(), Desired(name='web1'), 'none'),
    ],
)
def test_plan_action(current, want, action):
    assert plan_server(current, want, transition_for).action == action


def test_create_attrs_and_prediction():
    want = desired(
        networks=({'uuid': 'n1', 'name': 'private'},),
        security_groups=('web',),
        metadata={'k': 'v'},
        tags=('b', 'a'),
        key_name='demo-key',
        description='d',
        status='shutoff',
        locked=True,
        locked_reason='freeze',
        create_only={'user_data': 'hello', 'admin_password': 'sekrit'},
    )
    plan = plan_server(None, want, transition_for)
    attrs = plan.create_attrs
    assert attrs['flavor_id'] == 'f1' and attrs['image_id'] == 'img-1'
    assert attrs['networks'] == [{'uuid': 'n1'}]
    assert attrs['security_groups'] == [{'name': 'web'}]
    assert attrs['user_data'] == base64.b64encode(b'hello').decode()
    assert plan.transitions == ('stop',)
    assert plan.lock == ('lock', 'freeze')
    assert plan.after['status'] == 'SHUTOFF'
    assert plan.after['is_locked'] is True
    assert 'sekrit' not in repr(plan.after) and 'hello' not in repr(server_view(plan.after))


GROUP = {'id': 'sg-1', 'name': 'spread'}
BOOT_VOLUME = {
    'boot_index': 0,
    'uuid': 'img-1',
    'source_type': 'image',
    'destination_type': 'volume',
    'volume_size': 20,
    'delete_on_termination': True,
}


@pytest.mark.parametrize(
    'params, resolved, expected',
    [
        # server_group (resolved to the group) becomes the scheduler hint "group", merged with the other hints
        (dict(server_group='spread'), dict(server_group=GROUP), dict(scheduler_hints={'group': 'sg-1'})),
        (
            dict(server_group='spread', scheduler_hints={'different_host': ['s9']}),
            dict(server_group=GROUP),
            dict(scheduler_hints={'different_host': ['s9'], 'group': 'sg-1'}),
        ),
        # server_group wins over a "group" hint: it was looked up, so it names a group that exists
        (
            dict(server_group='spread', scheduler_hints={'group': 'other'}),
            dict(server_group=GROUP),
            dict(scheduler_hints={'group': 'sg-1'}),
        ),
        (dict(scheduler_hints={'same_host': 's9'}), {}, dict(scheduler_hints={'same_host': 's9'})),
        # a volume to boot from, made from an image: no image_id beside it
        (dict(block_device_mapping=[BOOT_VOLUME]), dict(image=None), dict(block_device_mapping=[BOOT_VOLUME])),
        (dict(disk_config='MANUAL'), {}, dict(disk_config='MANUAL')),
        (
            dict(trusted_image_certificates=['cert-1', 'cert-2']),
            {},
            dict(trusted_image_certificates=['cert-1', 'cert-2']),
        ),
        (dict(config_drive=True), {}, dict(config_drive=True)),
        (dict(config_drive=False), {}, dict(config_drive=False)),
        (
            dict(hostname='web-1', access_ipv4='198.51.100.10', access_ipv6='2001:db8::10'),
            {},
            dict(hostname='web-1', access_ipv4='198.51.100.10', access_ipv6='2001:db8::10'),
        ),
        (dict(admin_password='sekrit'), {}, dict(admin_password='sekrit')),
        (dict(user_data='#cloud-config\n'), {}, dict(user_data=base64.b64encode(b'#cloud-config\n').decode())),
    ],
)
def test_create_attrs(params, resolved, expected):
    resolved = dict(dict(image=IMAGE, flavor=TINY), **resolved)
    attrs = create_attrs(desired_from_params(dict(params, name='web1'), resolved))
    base = {'name': 'web1', 'flavor_id': 'f1'}
    if resolved['image']:
        base['image_id'] = 'img-1'
    assert attrs == dict(base, **expected)


@pytest.mark.parametrize(
    'want, message',
    [
        (Desired(name='web1', image=IMAGE), 'flavor is required'),
        (Desired(name='web1', flavor=TINY), 'image (or boot_volume, or block_device_mapping) is required'),
    ],
)
def test_create_needs(want, message):
    with pytest.raises(ValueError, match=message.replace('(', r'\(').replace(')', r'\)')):
        plan_server(None, want, transition_for)


@pytest.mark.parametrize(
    'networks, expected',
    [
        (('auto',), 'auto'),
        (('none',), 'none'),
        (({'port': 'p1', 'name': 'private'},), [{'port': 'p1'}]),
        (({'uuid': 'n1', 'fixed_ip': '192.0.2.9', 'name': 'private'},), [{'uuid': 'n1', 'fixed_ip': '192.0.2.9'}]),
    ],
)
def test_create_networks(networks, expected):
    assert create_attrs(desired(networks=networks))['networks'] == expected


@pytest.mark.parametrize(
    'given, expected',
    [
        ('hello', base64.b64encode(b'hello').decode()),
        (base64.b64encode(b'#!/bin/sh\necho hi').decode(), base64.b64encode(b'#!/bin/sh\necho hi').decode()),
        (None, None),
    ],
)
def test_encode_user_data(given, expected):
    assert encode_user_data(given) == expected


# ------------------------------------------------------------------ merge and purge


@pytest.mark.parametrize(
    'want, metadata_set, metadata_delete, after',
    [
        (dict(metadata={'a': '1'}), {}, (), {'a': '1'}),
        (dict(metadata={'b': '2'}), {'b': '2'}, (), {'a': '1', 'b': '2'}),
        (dict(metadata={'a': 1}), {}, (), {'a': '1'}),
        (dict(metadata={'a': '9'}), {'a': '9'}, (), {'a': '9'}),
        (dict(metadata={'b': '2'}, purge_metadata=True), {'b': '2'}, ('a',), {'b': '2'}),
        (dict(metadata={}, purge_metadata=True), {}, ('a',), {}),
        (dict(metadata={}), {}, (), {'a': '1'}),
    ],
)
def test_metadata(want, metadata_set, metadata_delete, after):
    if 'metadata' in want:
        want['metadata'] = dict((k, str(v)) for k, v in want['metadata'].items())
    plan = plan_server(server(), desired(**want), transition_for)
    assert plan.metadata_set == metadata_set
    assert plan.metadata_delete == metadata_delete
    assert plan.after['metadata'] == after
    assert plan.changed == bool(metadata_set or metadata_delete)


@pytest.mark.parametrize(
    'want, tags',
    [
        (dict(tags=('x',)), None),
        (dict(tags=('y',)), ('x', 'y')),
        (dict(tags=('y',), purge_tags=True), ('y',)),
        (dict(tags=('x',), purge_tags=True), None),
        (dict(tags=(), purge_tags=True), ()),
    ],
)
def test_tags(want, tags):
    plan = plan_server(server(), desired(**want), transition_for)
    assert plan.tags == tags


@pytest.mark.parametrize(
    'want, add, remove',
    [
        (dict(security_groups=('default',)), (), ()),
        (dict(security_groups=('web',)), ('web',), ()),
        (dict(security_groups=('web',), purge_security_groups=True), ('web',), ('default',)),
        (dict(security_groups=('default', 'web'), purge_security_groups=True), ('web',), ()),
    ],
)
def test_security_groups(want, add, remove):
    plan = plan_server(server(), desired(**want), transition_for)
    assert (plan.groups_add, plan.groups_remove) == (add, remove)


# ------------------------------------------------------------------ in-place updates


@pytest.mark.parametrize(
    'field, value, current_value',
    [
        ('description', 'new', None),
        ('hostname', 'web-1', 'web1'),
        ('access_ipv4', '198.51.100.1', ''),
        ('access_ipv6', '2001:db8::1', ''),
    ],
)
def test_put_fields(field, value, current_value):
    plan = plan_server(server(**{field: current_value}), desired(**{field: value}), transition_for)
    assert plan.update_attrs == {field: value}
    again = plan_server(server(**{field: value}), desired(**{field: value}), transition_for)
    assert again.action == 'none'


def test_rename_when_found_by_id():
    plan = plan_server(server(), desired(name='web2'), transition_for)
    assert plan.update_attrs == {'name': 'web2'}


UUID = '02541de1-7c3a-4f0e-9d2b-6a1e8f3c5b70'


@pytest.mark.parametrize(
    'name',
    [
        UUID,
        UUID.upper(),
        UUID.replace('-', ''),
    ],
)
def test_a_name_that_is_the_servers_id_never_renames_it(name):
    current = server(id=UUID, name='web1')
    plan = plan_server(current, desired(name=name, description='found by ID'), transition_for)
    assert plan.update_attrs == {'description': 'found by ID'}
    assert plan.after['name'] == 'web1'
    assert plan.changes == ("set description to 'found by ID'",)
    assert plan_server(current, desired(name=name), transition_for).action == 'none'


@pytest.mark.parametrize(
    'value, server_id, expected',
    [
        (UUID, UUID, True),
        (UUID.upper(), UUID, True),
        (UUID.replace('-', ''), UUID, True),
        ('web1', UUID, False),
        # another server's ID is a name like any other (a server may be named so)
        ('11111111-1111-4111-8111-111111111111', UUID, False),
        (None, UUID, False),
        (UUID, None, False),
    ],
)
def test_is_id_of(value, server_id, expected):
    assert is_id_of(value, {'id': server_id}) is expected
    assert name_to_set(value, {'id': server_id}) == (None if expected else value)


# ------------------------------------------------------------------ not updatable in place


def test_flavor_change_resizes_and_confirms():
    plan = plan_server(server(), desired(flavor=SMALL), transition_for)
    assert plan.resize_flavor == 'f2' and plan.confirm_resize is True
    assert plan.after['status'] == 'ACTIVE'


def test_flavor_change_left_for_verification():
    plan = plan_server(server(), desired(flavor=SMALL, confirm_resize=False), transition_for)
    assert plan.resize_flavor == 'f2' and plan.confirm_resize is False
    assert plan.after['status'] == 'VERIFY_RESIZE'


def test_verify_resize_is_confirmed_later():
    current = server(status='VERIFY_RESIZE', flavor={'original_name': 'm1.small'})
    plan = plan_server(current, desired(flavor=SMALL), transition_for)
    assert plan.confirm_resize is True and plan.resize_flavor is None


def test_resize_not_possible_while_paused():
    with pytest.raises(ValueError, match='its status is PAUSED'):
        plan_server(server(status='PAUSED'), desired(flavor=SMALL), transition_for)


def test_image_change_is_reported_not_rebuilt():
    plan = plan_server(server(), desired(image=IMAGE2), transition_for)
    assert plan.action == 'none' and plan.rebuild_image is None
    assert 'rebuild_on_image_change' in plan.differences[0]


def test_image_change_rebuilds_when_asked():
    plan = plan_server(server(), desired(image=IMAGE2, rebuild_on_image_change=True), transition_for)
    assert plan.rebuild_image == 'img-2'


@pytest.mark.parametrize(
    'want, fragment',
    [
        (dict(key_name='other'), 'key_name'),
        (dict(availability_zone='az2'), 'availability_zone'),
        (dict(networks=({'uuid': 'n2', 'name': 'public'},)), 'networks'),
    ],
)
def test_immutable_differences_are_reported(want, fragment):
    plan = plan_server(server(), desired(**want), transition_for)
    assert plan.action == 'none'
    assert plan.differences and plan.differences[0].startswith(fragment)


def test_networks_already_attached_is_not_a_difference():
    plan = plan_server(server(), desired(networks=({'name': 'private'},)), transition_for)
    assert plan.differences == ()


# ------------------------------------------------------------------ status and lock


@pytest.mark.parametrize(
    'status, want, transitions',
    [
        ('ACTIVE', 'shutoff', ('stop',)),
        ('SHUTOFF', 'active', ('start',)),
        ('SHUTOFF', 'shutoff', ()),
        ('PAUSED', 'shutoff', ('unpause', 'stop')),
        ('ACTIVE', 'shelved_offloaded', ('shelve', 'shelve_offload')),
        ('SHELVED', 'active', ('unshelve',)),
    ],
)
def test_status_transitions(status, want, transitions):
    plan = plan_server(server(status=status), desired(status=want), transition_for)
    assert plan.transitions == transitions
    assert plan.after['status'] == want.upper()
    assert plan.changed == bool(transitions)


@pytest.mark.parametrize(
    'current, want, lock, unlock_first, changed',
    [
        (dict(), dict(locked=True), ('lock', None), False, True),
        (dict(is_locked=True), dict(locked=True), None, False, False),
        (dict(is_locked=True, locked_reason='a'), dict(locked=True, locked_reason='b'), ('lock', 'b'), True, True),
        (dict(is_locked=True), dict(locked=False), ('unlock', None), False, True),
        (dict(), dict(locked=False), None, False, False),
        (dict(is_locked=True, locked_reason='a'), dict(locked=True, description='d'), ('lock', 'a'), True, True),
        (dict(is_locked=True), dict(locked=False, description='d'), None, True, True),
    ],
)
def test_lock(current, want, lock, unlock_first, changed):
    plan = plan_server(server(**current), desired(**want), transition_for)
    assert (plan.lock, plan.unlock_first, plan.changed) == (lock, unlock_first, changed)


def test_locked_server_refuses_unmanaged_changes_with_one_line():
    with pytest.raises(ValueError, match='is locked'):
        plan_server(server(is_locked=True), desired(description='new'), transition_for)


@pytest.mark.parametrize('status', ['ERROR', 'SHELVED_OFFLOADED', 'VERIFY_RESIZE', 'RESIZE', 'RESCUE'])
@pytest.mark.parametrize(
    'want',
    [
        Desired(name='web1'),
        desired(flavor=None, metadata={'a': '1'}, tags=('x',), security_groups=('default',), key_name='demo-key'),
        # a resize left to verify stays so while the task says so
        desired(confirm_resize=False),
    ],
)
def test_existing_server_is_reported_as_it_is(status, want):
    current = server(status=status, addresses={} if status == 'SHELVED_OFFLOADED' else server()['addresses'])
    plan = plan_server(current, want, transition_for)
    assert (plan.action, plan.changes, plan.differences) == ('none', (), ())
    assert plan.after == current


@pytest.mark.parametrize('status', ['ERROR', 'RESIZE', 'RESCUE', 'SHELVED_OFFLOADED'])
def test_a_resize_is_refused_in_a_status_that_cannot_resize(status):
    with pytest.raises(ValueError, match='its status is %s; resize needs ACTIVE or SHUTOFF' % status):
        plan_server(server(status=status), desired(flavor=SMALL), transition_for)


# ------------------------------------------------------------------ presentation


@pytest.mark.parametrize(
    'addresses, interface, expected',
    [
        (
            {'private': [{'addr': '192.0.2.5', 'OS-EXT-IPS:type': 'fixed'}]},
            'public',
            dict(private_v4='192.0.2.5', public_v4='', interface_ip='192.0.2.5'),
        ),
        (
            {
                'private': [
                    {'addr': '192.0.2.5', 'OS-EXT-IPS:type': 'fixed'},
                    {'addr': '203.0.113.7', 'OS-EXT-IPS:type': 'floating'},
                ]
            },
            'public',
            dict(private_v4='192.0.2.5', public_v4='203.0.113.7', interface_ip='203.0.113.7'),
        ),
        (
            {
                'private': [
                    {'addr': '192.0.2.5', 'OS-EXT-IPS:type': 'fixed'},
                    {'addr': '203.0.113.7', 'OS-EXT-IPS:type': 'floating'},
                ]
            },
            'internal',
            dict(private_v4='192.0.2.5', public_v4='203.0.113.7', interface_ip='192.0.2.5'),
        ),
        (
            {
                'ext': [
                    {'addr': '8.8.8.8', 'OS-EXT-IPS:type': 'fixed'},
                    {'addr': '2001:4860::8', 'OS-EXT-IPS:type': 'fixed'},
                ]
            },
            'public',
            dict(public_v4='8.8.8.8', public_v6='2001:4860::8', interface_ip='8.8.8.8'),
        ),
        ({}, 'public', dict(private_v4='', public_v4='', interface_ip='')),
    ],
)
def test_convenience_addresses(addresses, interface, expected):
    got = convenience_addresses({'addresses': addresses}, interface)
    for key, value in expected.items():
        assert got[key] == value


def test_server_view_normalizes():
    view = server_view(server(tags=['b', 'a'], security_groups=[{'name': 'web'}, {'name': 'default'}, {'name': 'web'}]))
    assert view['tags'] == ['a', 'b']
    assert view['security_groups'] == ['default', 'web']
    assert view['flavor'] == 'm1.tiny'


# ------------------------------------------------------------------ floating IPs

FLOATING = {
    'private': [
        {'addr': '192.0.2.5', 'OS-EXT-IPS:type': 'fixed'},
        {'addr': '203.0.113.9', 'OS-EXT-IPS:type': 'floating'},
    ]
}


@pytest.mark.parametrize(
    'addresses, want, add, allocate',
    [
        (None, dict(floating_ips=('203.0.113.9',)), ('203.0.113.9',), False),
        (FLOATING, dict(floating_ips=('203.0.113.9',)), (), False),
        (FLOATING, dict(floating_ips=('203.0.113.9', '203.0.113.10')), ('203.0.113.10',), False),
        (None, dict(auto_ip=True), (), True),
        (FLOATING, dict(auto_ip=True), (), False),
        (None, dict(auto_ip=False), (), False),
    ],
)
def test_floating_ips(addresses, want, add, allocate):
    current = server(addresses=addresses) if addresses else server()
    plan = plan_server(current, desired(**want), transition_for)
    assert (plan.floating_add, plan.allocate_ip) == (add, allocate)
    assert plan.changed == bool(add or allocate)


FREE = tuple(
    {'id': 'fip-%d' % n, 'floating_ip_address': '203.0.113.%d' % n, 'revision_number': 1} for n in (10, 11, 12)
)


@pytest.mark.parametrize(
    'want, candidates, change',
    [
        # reuse_ips: the free addresses to try, in the server's order; the first is the prediction
        (dict(auto_ip=True, reuse_ips=True, free_floating_ips=FREE), 3, 'associate free floating IP %s'),
        # none free: allocate, as without reuse_ips
        (dict(auto_ip=True, reuse_ips=True), 0, 'allocate and associate a floating IP'),
        # free ones are not taken without reuse_ips
        (dict(auto_ip=True, free_floating_ips=FREE), 0, 'allocate and associate a floating IP'),
    ],
)
def test_reuse_ips_plans_free_addresses_first(want, candidates, change):
    plan = plan_server(server(id='11111111-1111-4111-8111-111111111111'), desired(**want), transition_for)
    assert plan.allocate_ip is True
    assert len(plan.reuse_candidates) == candidates
    first = plan.reuse_candidates[0]['floating_ip_address'] if candidates else ''
    assert plan.changes == ((change % first) if candidates else change,)
    predicted = [a['addr'] for a in plan.after['addresses']['private'] if a['OS-EXT-IPS:type'] == 'floating']
    assert predicted == [first]


def test_reuse_ips_leaves_a_server_with_a_floating_ip_alone():
    current = server(
        addresses={
            'private': [
                {'addr': '192.0.2.5', 'OS-EXT-IPS:type': 'fixed'},
                {'addr': '203.0.113.9', 'OS-EXT-IPS:type': 'floating'},
            ]
        }
    )
    plan = plan_server(current, desired(auto_ip=True, reuse_ips=True, free_floating_ips=FREE), transition_for)
    assert plan.action == 'none' and plan.reuse_candidates == ()


def test_reuse_ips_on_create_tries_from_the_lowest_address():
    plan = plan_server(None, desired(auto_ip=True, reuse_ips=True, free_floating_ips=FREE), transition_for)
    assert plan.reuse_candidates == FREE
    assert plan.changes[-1] == 'then associate one of the 3 free floating IPs of the project'


def test_floating_ip_on_create_is_predicted():
    plan = plan_server(None, desired(networks=({'uuid': 'n1', 'name': 'private'},), auto_ip=True), transition_for)
    assert plan.allocate_ip
    assert plan.after['addresses']['private'][0]['OS-EXT-IPS:type'] == 'floating'


@pytest.mark.parametrize(
    'params, expected',
    [
        ({}, dict(floating_ip_pool=None)),
        (dict(floating_ip_pool='public'), dict(floating_ip_pool='public', auto_ip=True)),
        # openstack.cloud's floating_ip_pools is a list: one pool is that pool, none is none
        (dict(floating_ip_pool=['public']), dict(floating_ip_pool='public', auto_ip=True)),
        (dict(floating_ip_pool=[]), dict(floating_ip_pool=None)),
        (dict(floating_ip_pool='public', auto_ip=True), dict(floating_ip_pool='public', auto_ip=True)),
        (dict(auto_ip=False), dict(floating_ip_pool=None, auto_ip=False)),
    ],
)
def test_floating_ip_options(params, expected):
    assert floating_ip_options(params) == dict(params, **expected)


@pytest.mark.parametrize(
    'params, message',
    [
        (dict(floating_ip_pool=['public', 'ext2']), 'names the one pool a floating IP comes from; got 2: public, ext2'),
        (dict(floating_ip_pool='public', auto_ip=False), 'cannot be combined with auto_ip=false'),
        (dict(floating_ip_pool=[7]), 'is a network name or ID, not 7'),
    ],
)
def test_floating_ip_options_fail_in_one_line(params, message):
    with pytest.raises(ValueError, match=message) as caught:
        floating_ip_options(params)
    assert '\n' not in str(caught.value)


def test_a_pool_is_where_the_floating_ip_comes_from():
    plan = plan_server(server(), desired(auto_ip=True, floating_ip_pool='public'), transition_for)
    assert (plan.allocate_ip, plan.floating_ip_pool) == (True, 'public')
    assert plan.changes == ('allocate and associate a floating IP from public',)
    # a server with a floating IP has one: the pool asks for nothing more
    plan = plan_server(server(addresses=FLOATING), desired(auto_ip=True, floating_ip_pool='public'), transition_for)
    assert (plan.action, plan.floating_ip_pool) == ('none', None)


@pytest.mark.parametrize('release, expected', [(True, ('203.0.113.9',)), (False, ())])
def test_delete_releases_floating_ips_only_when_asked(release, expected):
    plan = plan_server(server(addresses=FLOATING), desired(state='absent', delete_floating_ips=release), transition_for)
    assert plan.action == 'delete' and plan.release_ips == expected


# ------------------------------------------------------------------ networks, openstack.cloud's forms

NET = '6f1b1a54-3c0e-4d3b-9a57-3f5e2b7c8d90'


@pytest.mark.parametrize(
    'items, expected',
    [
        (['private'], [{'name': 'private'}]),
        ([NET], [{'uuid': NET}]),
        (['auto'], ['auto']),
        ([{'net-name': 'private', 'v4-fixed-ip': '192.0.2.9'}], [{'name': 'private', 'fixed_ip': '192.0.2.9'}]),
        ([{'port-name': 'p1'}], [{'port_name': 'p1'}]),
        # a key=value string: each network or port key is one NIC, as in openstack.cloud
        (['net-id=%s,net-name=db' % NET], [{'uuid': NET}, {'name': 'db'}]),
        (['net-name=private,v4-fixed-ip=192.0.2.9'], [{'name': 'private', 'fixed_ip': '192.0.2.9'}]),
        (['port-id=p1'], [{'port': 'p1'}]),
        # Ansible splits a whole "networks" string at its commas: a fixed IP still joins the NIC before it
        (
            ['net-name=private', 'v4-fixed-ip=192.0.2.9', 'net-name=db'],
            [{'name': 'private', 'fixed_ip': '192.0.2.9'}, {'name': 'db'}],
        ),
    ],
)
def test_parse_networks(items, expected):
    assert parse_networks(items) == expected


@pytest.mark.parametrize(
    'items, message',
    [
        (['v4-fixed-ip=192.0.2.9'], 'gives a fixed IP before a network or port'),
        ([{'net-name': 'a'}, 'v4-fixed-ip=192.0.2.9'], 'gives a fixed IP before a network or port'),
        (['net-name=a,oops'], "'oops' in 'net-name=a,oops' is not key=value"),
        (['tag=x'], 'unknown key\\(s\\) tag'),
        ([7], 'each item must be a network name or ID, or a dictionary'),
    ],
)
def test_parse_networks_fails_in_one_line(items, message):
    with pytest.raises(ComputeError, match=message):
        parse_networks(items)


# ------------------------------------------------------------------ what results show of secrets


@pytest.mark.parametrize(
    'given, expected',
    [
        ({}, {'admin_password': None, 'user_data': None}),
        (
            {'admin_password': 'Pw1', 'user_data': 'I2Nsb3VkLWNvbmZpZw=='},
            {'admin_password': SECRET_MASK, 'user_data': SECRET_MASK},
        ),
        ({'admin_password': '', 'user_data': None}, {'admin_password': None, 'user_data': None}),
        ({'admin_password': SECRET_MASK}, {'admin_password': SECRET_MASK, 'user_data': None}),
    ],
)
def test_mask_secrets_keeps_the_keys_never_the_values(given, expected):
    shown = mask_secrets(dict(given, name='web1'))
    assert shown == dict(expected, name='web1')


@pytest.mark.parametrize(
    'created, attrs, expected',
    [
        # Nova returned a password with the create (one of its own, or the task's)
        ({'admin_password': SECRET_MASK}, {}, {'admin_password': SECRET_MASK}),
        ({'admin_password': None}, {'admin_password': 'Pw1'}, {'admin_password': SECRET_MASK}),
        ({}, {'user_data': 'I2Nsb3VkLWNvbmZpZw=='}, {'user_data': SECRET_MASK}),
        # a lost create answer (the server was found by name) knows of no password
        (None, {}, {}),
    ],
)
def test_known_secrets_of_a_new_server(created, attrs, expected):
    assert known_secrets(created, attrs) == expected


def test_present_server_has_openstack_clouds_fields_and_never_a_secret():
    raw = server(
        links=[{'rel': 'self', 'href': 'http://nova/servers/s1'}], progress=0, updated_at='2026-01-01T00:00:00Z'
    )
    raw.update(admin_password='Pw1', user_data='I2Nsb3VkLWNvbmZpZw==')
    shown = present_server(raw)
    assert shown['links'] == raw['links'] and shown['progress'] == 0 and shown['updated_at'] == raw['updated_at']
    assert shown['admin_password'] == SECRET_MASK and shown['user_data'] == SECRET_MASK
    assert 'Pw1' not in str(shown) and 'I2Nsb3Vk' not in str(shown)
    assert set(server_view(raw)) & {'links', 'progress', 'updated_at', 'admin_password', 'user_data'} == set()


def test_check_mode_of_a_create_predicts_the_secrets_it_will_show():
    plan = plan_server(None, desired(create_only={'user_data': '#cloud-config'}), transition_for)
    assert plan.after['admin_password'] == SECRET_MASK
    assert plan.after['user_data'] == SECRET_MASK
    plain = plan_server(None, desired(), transition_for)
    assert plain.after['admin_password'] == SECRET_MASK and 'user_data' not in plain.after
