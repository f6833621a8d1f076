# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory plugin's pure decisions: file names, ansible_host, host names, host variables, groups."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import itertools

import pytest

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._inventory import (
    AddressPolicy,
    build_hosts,
    choose_ansible_host,
    is_config_file_name,
    legacy_groups,
    name_hosts,
    plan_server_filters,
    server_host_vars,
)
from ansible_collections.stackops.compute.plugins.module_utils._server_view import convenience_addresses

ID1 = '11111111-1111-4111-8111-111111111111'
ID2 = '22222222-2222-4222-8222-222222222222'
ID3 = '33333333-3333-4333-8333-333333333333'


def addr(address, kind='fixed'):
    return {'addr': address, 'version': ipaddress.ip_address(address).version, 'OS-EXT-IPS:type': kind}


def server(sid=ID1, name='web1', addresses=None, cloud='local', region='RegionOne', **extra):
    data = {
        'id': sid,
        'name': name,
        'status': 'ACTIVE',
        'metadata': {},
        'tags': [],
        'availability_zone': 'nova',
        'flavor': {'original_name': 'm1.tiny', 'name': 'm1.tiny', 'id': 'm1.tiny'},
        'image': {'id': ID3, 'name': None},
        'addresses': {'private': [addr('192.0.2.10')]} if addresses is None else addresses,
        'cloud': {'name': cloud, 'region': region},
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    'path, accepted',
    [
        ('openstack.yml', True),
        ('openstack.yaml', True),
        ('/srv/inv/prod.openstack.yml', True),
        ('/srv/inv/prod.openstack.yaml', True),
        ('os.yml', True),
        ('/srv/inv/prod.os.yaml', True),
        ('/srv/inv/hosts.yml', False),
        ('/srv/inv/myopenstack.yml', False),
        ('/srv/inv/clouds.yaml', False),
        ('/srv/inv/prod.openstack.json', False),
        ('/srv/inv/openstack.yml.bak', False),
    ],
)
def test_config_file_names(path, accepted):
    assert is_config_file_name(path) is accepted


# ---------------------------------------------------------------------------------------------- ansible_host

PRIVATE = {'private': [addr('192.0.2.10'), addr('203.0.113.20', 'floating')]}
DUAL = {'private': [addr('2001:db8::5'), addr('192.0.2.10')], 'public': [addr('2a00:1450::1')]}
TWO_NETS = {'mgmt': [addr('10.0.0.5')], 'private': [addr('192.0.2.10'), addr('203.0.113.20', 'floating')]}


@pytest.mark.parametrize(
    'addresses, policy, expected',
    [
        # Floating first unless private.
        (PRIVATE, AddressPolicy(), '203.0.113.20'),
        (PRIVATE, AddressPolicy(private=True), '192.0.2.10'),
        # A globally routable fixed IPv6 is public: before a private IPv4, unless only_ipv4 or private.
        (DUAL, AddressPolicy(), '2a00:1450::1'),
        (DUAL, AddressPolicy(only_ipv4=True), '192.0.2.10'),
        (DUAL, AddressPolicy(private=True), '192.0.2.10'),
        # A preferred network wins over public/private; within it the same order holds.
        (TWO_NETS, AddressPolicy(networks=('mgmt',)), '10.0.0.5'),
        (TWO_NETS, AddressPolicy(networks=('private',)), '203.0.113.20'),
        (TWO_NETS, AddressPolicy(networks=('nope', 'private'), private=True), '192.0.2.10'),
        (TWO_NETS, AddressPolicy(), '203.0.113.20'),
        # No address: none; use_names: the name, always.
        ({}, AddressPolicy(), None),
        ({'v6only': [addr('2001:db8::5')]}, AddressPolicy(only_ipv4=True), None),
        ({}, AddressPolicy(use_names=True), 'web1'),
        (PRIVATE, AddressPolicy(use_names=True), 'web1'),
        # Entries Nova may show half-made are skipped.
        (
            {'private': [{'addr': '', 'version': 4}, {'addr': 'not-an-ip'}, addr('192.0.2.11')]},
            AddressPolicy(),
            '192.0.2.11',
        ),
    ],
)
def test_ansible_host_policy(addresses, policy, expected):
    assert choose_ansible_host(server(addresses=addresses), policy) == expected


ADDRESS_POOL = [
    ('private', addr('192.0.2.10')),
    ('private', addr('203.0.113.20', 'floating')),
    ('private', addr('2001:db8::5')),
    ('public', addr('8.8.4.4')),
    ('public', addr('2a00:1450::1')),
    ('mgmt', addr('10.0.0.5')),
]


def test_default_policy_is_server_infos_interface_ip():
    """Without preferred networks and private, ansible_host is the public-first interface_ip of server_info,
    for every combination of up to three addresses."""
    for size in range(1, 4):
        for combo in itertools.combinations(ADDRESS_POOL, size):
            addresses = {}
            for network, entry in combo:
                addresses.setdefault(network, []).append(entry)
            found = server(addresses=addresses)
            expected = convenience_addresses(found, 'public')['interface_ip'] or None
            assert choose_ansible_host(found, AddressPolicy()) == expected, combo


def test_private_policy_is_server_infos_internal_interface_ip():
    for size in range(1, 4):
        for combo in itertools.combinations(ADDRESS_POOL, size):
            addresses = {}
            for network, entry in combo:
                addresses.setdefault(network, []).append(entry)
            found = server(addresses=addresses)
            expected = convenience_addresses(found, 'internal')['interface_ip'] or None
            assert choose_ansible_host(found, AddressPolicy(private=True)) == expected, combo


# ---------------------------------------------------------------------------------------------- host vars


def test_host_vars_are_server_info_shaped_plus_cloud():
    raw = server()
    del raw['cloud']
    variables = server_host_vars(raw, 'local', 'RegionOne', 'public', AddressPolicy())
    shown = variables['openstack']
    assert variables['ansible_host'] == '192.0.2.10'
    assert shown['cloud'] == {'name': 'local', 'region': 'RegionOne'}
    # server_info's convenience addresses are there, with the same names.
    for key in ('private_v4', 'private_v6', 'public_v4', 'public_v6', 'interface_ip'):
        assert key in shown
    assert shown['private_v4'] == '192.0.2.10'
    # Every key of the server is kept as it is.
    assert dict((k, v) for k, v in shown.items() if k in raw) == raw
    assert 'cloud' not in raw


def test_host_vars_follow_the_connection_interface():
    raw = server(addresses=PRIVATE)
    assert server_host_vars(raw, 'c', 'r', 'internal', AddressPolicy())['openstack']['interface_ip'] == '192.0.2.10'
    assert server_host_vars(raw, 'c', 'r', 'public', AddressPolicy())['openstack']['interface_ip'] == '203.0.113.20'


def test_no_address_no_ansible_host():
    variables = server_host_vars(server(addresses={}), 'c', '', 'public', AddressPolicy())
    assert 'ansible_host' not in variables
    assert variables['openstack']['cloud'] == {'name': 'c', 'region': None}


# ---------------------------------------------------------------------------------------------- names


def names(hosts):
    return [name for name, _server in hosts]


def test_hosts_are_named_after_servers():
    hosts, notes = name_hosts([server(ID1, 'web1'), server(ID2, 'web2')])
    assert names(hosts) == ['web1', 'web2']
    assert notes == []


def test_servers_sharing_a_name_are_named_by_id_never_merged():
    hosts, notes = name_hosts([server(ID1, 'web'), server(ID2, 'web'), server(ID3, 'db')])
    assert names(hosts) == [ID1, ID2, 'db']
    assert notes == [
        (
            'info',
            '2 servers are named web: their hosts are named by ID (%s in cloud local, region '
            'RegionOne, %s in cloud local, region RegionOne).' % (ID1, ID2),
        )
    ]


def test_a_name_shared_across_clouds_is_named_by_id_too():
    hosts, _notes = name_hosts([server(ID1, 'web', cloud='a'), server(ID2, 'web', cloud='b')])
    assert names(hosts) == [ID1, ID2]


def test_a_name_that_is_another_servers_id_is_named_by_id():
    hosts, _notes = name_hosts([server(ID1, ID2), server(ID2, 'web')])
    assert names(hosts) == [ID1, 'web']
    assert len(set(names(hosts))) == 2


def test_a_server_without_a_name_is_named_by_id():
    assert names(name_hosts([server(ID1, '')])[0]) == [ID1]


def test_by_id_names_every_host_by_id():
    hosts, notes = name_hosts([server(ID1, 'web1'), server(ID2, 'web2')], by_id=True)
    assert names(hosts) == [ID1, ID2]
    assert notes == []


def test_the_same_server_from_two_clouds_is_one_host_with_a_warning():
    hosts, notes = name_hosts([server(ID1, 'web1', cloud='a'), server(ID1, 'web1', cloud='b')])
    assert names(hosts) == ['web1']
    assert hosts[0][1]['cloud']['name'] == 'a'
    assert notes == [
        (
            'warning',
            '1 server(s) listed by cloud a, region RegionOne are listed by cloud b, region RegionOne too (web1): '
            'their hosts take their variables from cloud a, region RegionOne.',
        )
    ]


def test_one_warning_for_a_project_listed_twice():
    first = [server('id%d' % i, 'web%d' % i, cloud='a') for i in range(5)]
    again = [server('id%d' % i, 'web%d' % i, cloud='b') for i in range(5)]
    hosts, notes = name_hosts(first + again)
    assert names(hosts) == ['web%d' % i for i in range(5)]
    assert len(notes) == 1
    assert '5 server(s) listed by cloud a, region RegionOne are listed by cloud b' in notes[0][1]
    assert '(web0, web1, web2 and 2 more)' in notes[0][1]


@pytest.mark.parametrize('order', list(itertools.permutations(range(4))))
def test_names_never_depend_on_the_order_servers_arrive_in(order):
    servers = [server(ID1, 'web'), server(ID2, 'web'), server(ID3, 'db'), server('x', ID3)]
    named = dict((s['id'], name) for name, s in name_hosts([servers[i] for i in order])[0])
    assert named == {ID1: ID1, ID2: ID2, ID3: 'db', 'x': 'x'}


# ---------------------------------------------------------------------------------------------- building hosts


def region(servers, cloud='local', name='RegionOne', interface='public'):
    return {'cloud': cloud, 'region': name, 'interface': interface, 'servers': servers}


def bare(sid, name, **extra):
    found = server(sid, name, **extra)
    del found['cloud']
    return found


def test_build_hosts_leaves_out_servers_without_address_unless_show_all():
    regions = [region([bare(ID1, 'web1'), bare(ID2, 'nonet', addresses={})])]
    hosts, _notes = build_hosts(regions, AddressPolicy())
    assert [h.name for h in hosts] == ['web1']
    hosts, _notes = build_hosts(regions, AddressPolicy(), show_all=True)
    assert [h.name for h in hosts] == ['web1', 'nonet']
    assert 'ansible_host' not in hosts[1].variables
    hosts, _notes = build_hosts(regions, AddressPolicy(use_names=True))
    assert [h.variables['ansible_host'] for h in hosts] == ['web1', 'nonet']


def test_build_hosts_keeps_the_order_of_clouds_and_regions():
    regions = [region([bare(ID2, 'b')], cloud='one'), region([bare(ID1, 'a')], cloud='two')]
    hosts, _notes = build_hosts(regions, AddressPolicy())
    assert [(h.name, h.variables['openstack']['cloud']['name']) for h in hosts] == [('b', 'one'), ('a', 'two')]
    assert hosts[0].server is hosts[0].variables['openstack']


def test_build_hosts_names_collisions_across_regions_by_id():
    regions = [region([bare(ID1, 'web')], name='r1'), region([bare(ID2, 'web')], name='r2')]
    hosts, notes = build_hosts(regions, AddressPolicy())
    assert [h.name for h in hosts] == [ID1, ID2]
    assert 'region r1' in notes[0][1] and 'region r2' in notes[0][1]


def test_build_hosts_by_id_and_legacy_groups():
    regions = [region([bare(ID1, 'web1', metadata={'group': 'web'})])]
    hosts, _notes = build_hosts(regions, AddressPolicy(), by_id=True, legacy=True)
    assert hosts[0].name == ID1
    assert 'web' in hosts[0].legacy_groups and 'instance-%s' % ID1 in hosts[0].legacy_groups
    hosts, _notes = build_hosts(regions, AddressPolicy())
    assert hosts[0].legacy_groups == ()


# ---------------------------------------------------------------------------------------------- groups


def test_legacy_groups_are_openstack_clouds():
    found = server(
        metadata={'group': 'web', 'groups': 'blue, green,,', 'role': 'frontend'},
        image={'id': ID3, 'name': 'ubuntu'},
    )
    assert legacy_groups(found) == (
        'local',
        'RegionOne',
        'local_RegionOne',
        'web',
        'blue',
        'green',
        'meta-group_web',
        'meta-groups_blue, green,,',
        'meta-role_frontend',
        'instance-%s' % ID1,
        'flavor-m1.tiny',
        'image-ubuntu',
        'nova',
        'RegionOne_nova',
        'local_RegionOne_nova',
    )


def test_legacy_groups_without_region_zone_or_names():
    found = server(region=None, availability_zone=None, flavor={}, image='')
    assert legacy_groups(found) == ('local', 'instance-%s' % ID1)


def test_legacy_groups_take_names_from_expand_hostvars():
    found = server(flavor={'id': 'f1'}, flavor_name='m1.small', image_name='tiny')
    assert 'flavor-m1.small' in legacy_groups(found) and 'image-tiny' in legacy_groups(found)


def test_legacy_groups_are_listed_once():
    found = server(metadata={'group': 'nova'})
    groups = legacy_groups(found)
    assert len(groups) == len(set(groups))


# ---------------------------------------------------------------------------------------------- server_filters

QUERY_NAMES = {
    'name': 'name',
    'status': 'status',
    'tags': 'tags',
    'any_tags': 'any_tags',
    'tags-any': 'any_tags',
    'changes_since': 'changes_since',
    'changes-since': 'changes_since',
    'ip': 'ipv4_address',
    'ipv4_address': 'ipv4_address',
    'all_projects': 'all_projects',
    'all_tenants': 'all_projects',
}


@pytest.mark.parametrize(
    'filters, expected',
    [
        ({}, {}),
        (None, {}),
        ({'status': 'ACTIVE', 'name': '^web'}, {'status': 'ACTIVE', 'name': '^web'}),
        ({'changes-since': '2026-01-01T00:00:00Z'}, {'changes_since': '2026-01-01T00:00:00Z'}),
        ({'ip': '192.0.2.'}, {'ipv4_address': '192.0.2.'}),
        ({'tags': ['a', 'b'], 'tags-any': ['c']}, {'tags': 'a,b', 'any_tags': 'c'}),
        ({'tags': 'a,b'}, {'tags': 'a,b'}),
    ],
)
def test_server_filters_become_the_sdks_query(filters, expected):
    assert plan_server_filters(filters, QUERY_NAMES) == expected


@pytest.mark.parametrize(
    'filters, message',
    [
        (
            {'colour': 'blue'},
            "server_filters: colour is not a query parameter of Nova's server list. Query parameters: ",
        ),
        ({'all_projects': True}, 'server_filters: use the option all_projects instead of the key all_projects.'),
        ({'all_tenants': True}, 'server_filters: use the option all_projects instead of the key all_tenants.'),
    ],
)
def test_server_filters_that_nova_does_not_know_fail_first(filters, message):
    with pytest.raises(ComputeError) as raised:
        plan_server_filters(filters, QUERY_NAMES)
    assert raised.value.msg.startswith(message)
