# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server module wired to a fake Cloud: openstack.cloud's spellings (network, nics as a string,
floating_ip_pools, delete_fip) reach the same requests as ours, and a wrong one fails before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest
from ansible.module_utils.common import warnings

from ansible_collections.stackops.compute.plugins.module_utils import _sdk, _server_apply
from ansible_collections.stackops.compute.plugins.modules import server as server_module
from ansible_collections.stackops.compute.tests.unit.helpers.modules import run_module

WRITES = (
    'create_server',
    'update_server',
    'delete_server',
    'delete_floating_ip',
    'create_floating_ip',
    'take_floating_ip',
    'server_call',
)
SERVER_ID = '00000000-0000-4000-8000-000000000001'
NET_ID = '6f1b1a54-3c0e-4d3b-9a57-3f5e2b7c8d90'


class ServerFake(object):
    """One server at most, in memory; every call recorded with its arguments."""

    def __init__(self, server=None):
        self.server = server
        self.calls = []
        self.ips = {}
        self.steal = {}

    def writes(self):
        return [c for c in self.calls if c[0] in WRITES]

    # reads
    def find_server(self, name_or_id, all_projects=False):
        self.calls.append(('find_server', name_or_id))
        return copy.deepcopy(self.server)

    def get_server(self, server_id, drop=None):
        self.calls.append(('get_server', server_id))
        return copy.deepcopy(self.server)

    def find_image(self, ref):
        self.calls.append(('find_image', ref))
        return {'id': 'img-' + ref, 'name': ref}

    def find_flavor(self, ref):
        self.calls.append(('find_flavor', ref))
        return {'id': 'f-' + ref, 'name': ref}

    def find_network(self, ref):
        self.calls.append(('find_network', ref))
        if ref == NET_ID:
            return {'id': NET_ID, 'name': 'private'}
        return {'id': 'net-' + ref, 'name': ref}

    def compute_max_microversion(self):
        return '2.96'

    # writes
    def create_server(self, attrs):
        self.calls.append(('create_server', copy.deepcopy(attrs)))
        self.server = dict(
            id=SERVER_ID,
            name=attrs['name'],
            status='ACTIVE',
            task_state=None,
            flavor={'original_name': 'm1.tiny'},
            image={'id': attrs.get('image_id')},
            addresses={},
            security_groups=[{'name': 'default'}],
            metadata={},
            tags=[],
        )
        return copy.deepcopy(self.server)

    def wait_for_server(self, server_id, done, failed=None, timeout=600, pauses=None, delay=0):
        assert done(self.server)
        return copy.deepcopy(self.server)

    def delete_server(self, server_id, force=False):
        self.calls.append(('delete_server', server_id))
        self.server = None

    def wait_for_server_gone(self, server_id, timeout=600):
        return None

    def delete_floating_ip(self, address):
        self.calls.append(('delete_floating_ip', address))

    # floating IPs: Neutron's, with its revision numbers and conditional updates
    def list_ports(self, **query):
        self.calls.append(('list_ports', query))
        return [{'id': 'port-1', 'created_at': '2026-01-01T00:00:00Z', 'fixed_ips': [{'ip_address': '192.0.2.5'}]}]

    def find_external_network(self):
        self.calls.append(('find_external_network',))
        return {'id': 'net-public', 'name': 'public'}

    def current_project_id(self):
        return 'p1'

    def list_floating_ips(self, **query):
        self.calls.append(('list_floating_ips', query))
        return copy.deepcopy(list(self.ips.values()))

    def get_floating_ip(self, ip_id):
        self.calls.append(('get_floating_ip', ip_id))
        return copy.deepcopy(self.ips.get(ip_id))

    def take_floating_ip(self, ip_id, revision_number, port_id, fixed_ip_address):
        self.calls.append(('take_floating_ip', ip_id, revision_number))
        ip = self.ips[ip_id]
        if ip['revision_number'] != revision_number:
            return None
        self._associate(ip, port_id)
        return copy.deepcopy(ip)

    def create_floating_ip(self, network_id, **attrs):
        self.calls.append(('create_floating_ip', network_id, attrs))
        ip = free_ip('203.0.113.200')
        self.ips[ip['id']] = ip
        self._associate(ip, attrs['port_id'])
        return copy.deepcopy(ip)

    def _associate(self, ip, port_id):
        ip.update(port_id=port_id, revision_number=ip['revision_number'] + 1)
        if self.server is not None and port_id == 'port-1' and not self.steal.pop(ip['id'], False):
            self.server['addresses']['private'].append(
                {'addr': ip['floating_ip_address'], 'OS-EXT-IPS:type': 'floating', 'version': 4}
            )
        elif port_id == 'port-1':
            # Another client moves it to its own port before Nova shows it on this server.
            ip.update(port_id='port-other', revision_number=ip['revision_number'] + 1)

    def update_server(self, server_id, attrs):
        self.calls.append(('update_server', server_id, dict(attrs)))
        self.server.update(attrs)
        return copy.deepcopy(self.server)


def free_ip(address, revision=1, **over):
    ip = {
        'id': 'fip-' + address,
        'floating_ip_address': address,
        'port_id': None,
        'floating_network_id': 'net-public',
        'project_id': 'p1',
        'revision_number': revision,
    }
    ip.update(over)
    return ip


def existing(**over):
    server = dict(
        id=SERVER_ID,
        name='web1',
        status='ACTIVE',
        task_state=None,
        is_locked=False,
        flavor={'original_name': 'm1.tiny'},
        image={'id': 'img-tiny'},
        addresses={'private': [{'addr': '192.0.2.5', 'OS-EXT-IPS:type': 'fixed', 'version': 4}]},
        security_groups=[{'name': 'default'}],
        metadata={},
        tags=[],
    )
    server.update(over)
    return server


@pytest.fixture
def fake(monkeypatch):
    warnings._global_warnings.clear()
    cloud = ServerFake()
    monkeypatch.setattr(_sdk, 'connect', lambda params: cloud)
    monkeypatch.setattr(_server_apply, 'BOOT_DELAY', 0)
    return cloud


def boot(**extra):
    args = dict(cloud='local', name='web1', image='tiny', flavor='m1.tiny')
    args.update(extra)
    return args


@pytest.mark.parametrize(
    'networks, expected',
    [
        (dict(network='private'), [{'uuid': 'net-private'}]),
        (dict(networks=['private']), [{'uuid': 'net-private'}]),
        # openstack.cloud's string: two NICs; Ansible splits it at the commas before the module sees it
        (dict(nics='net-id=%s,net-name=db' % NET_ID), [{'uuid': NET_ID}, {'uuid': 'net-db'}]),
        (dict(nics=['net-name=private,v4-fixed-ip=192.0.2.9']), [{'uuid': 'net-private', 'fixed_ip': '192.0.2.9'}]),
    ],
)
def test_network_spellings_boot_the_same_nics(fake, networks, expected):
    result = run_module(server_module.main, boot(**networks))
    assert result['changed'] is True, result
    created = [c[1] for c in fake.calls if c[0] == 'create_server']
    assert [c['networks'] for c in created] == [expected]


def test_floating_ip_pools_of_one_is_the_pool_and_asks_for_a_floating_ip(fake):
    fake.server = existing()
    result = run_module(
        server_module.main,
        dict(cloud='local', name='web1', floating_ip_pools=['public'], _ansible_check_mode=True),
    )
    assert result['changed'] is True
    assert result['changes'] == ['allocate and associate a floating IP from public']
    # The pool is looked up before anything would change, and check mode writes nothing.
    assert ('find_network', 'public') in fake.calls
    assert fake.writes() == []


@pytest.mark.parametrize(
    'args, message',
    [
        (
            dict(floating_ip_pools=['public', 'ext2']),
            'floating_ip_pool (alias floating_ip_pools) names the one pool a floating IP comes from; '
            'got 2: public, ext2.',
        ),
        (dict(floating_ip_pool='public', auto_ip=False), 'cannot be combined with auto_ip=false.'),
        (dict(floating_ip_pools=['public'], floating_ips=['203.0.113.9']), 'mutually exclusive'),
        (dict(nics='v4-fixed-ip=192.0.2.9'), 'gives a fixed IP before a network or port.'),
    ],
)
def test_openstack_cloud_spellings_that_cannot_work_fail_before_any_request(fake, args, message):
    fake.server = existing()
    result = run_module(server_module.main, dict(cloud='local', name='web1', **args))
    assert result['failed'] is True
    assert message in result['msg'] and '\n' not in result['msg']
    assert fake.writes() == []


def test_delete_fip_releases_the_floating_ips(fake):
    fake.server = existing(
        addresses={
            'private': [
                {'addr': '192.0.2.5', 'OS-EXT-IPS:type': 'fixed', 'version': 4},
                {'addr': '203.0.113.9', 'OS-EXT-IPS:type': 'floating', 'version': 4},
            ]
        }
    )
    result = run_module(server_module.main, dict(cloud='local', name='web1', state='absent', delete_fip=True))
    assert result['changed'] is True
    assert fake.writes() == [('delete_server', SERVER_ID), ('delete_floating_ip', '203.0.113.9')]


def test_a_named_pool_is_looked_up_once_and_its_network_allocated_from(fake):
    fake.server = existing()
    result = run_module(server_module.main, dict(cloud='local', name='web1', floating_ip_pool='public'))
    assert result['changed'] is True, result
    assert [c for c in fake.calls if c[0] == 'find_network'] == [('find_network', 'public')]
    # Allocated already associated with the server's port: never free for a moment.
    assert fake.writes() == [
        ('create_floating_ip', 'net-public', {'port_id': 'port-1', 'fixed_ip_address': '192.0.2.5'})
    ]
    assert result['server']['public_v4'] == '203.0.113.200'


@pytest.mark.parametrize('name', [SERVER_ID, SERVER_ID.upper()])
def test_name_holding_the_servers_id_finds_it_and_never_renames_it(fake, name):
    fake.server = existing()
    args = dict(cloud='local', name=name, image='tiny', flavor='m1.tiny', description='found by ID')
    checked = run_module(server_module.main, dict(args, _ansible_check_mode=True, _ansible_diff=True))
    assert checked['changes'] == ["set description to 'found by ID'"]
    assert checked['diff']['after']['name'] == 'web1'
    assert fake.writes() == []
    result = run_module(server_module.main, args)
    assert result['changes'] == ["set description to 'found by ID'"]
    assert fake.writes() == [('update_server', SERVER_ID, {'description': 'found by ID'})]
    assert result['server']['name'] == 'web1'
    assert run_module(server_module.main, args)['changed'] is False


def floating_of(result):
    return [a['addr'] for a in result['server']['addresses']['private'] if a['OS-EXT-IPS:type'] == 'floating']


def test_reuse_ips_takes_the_projects_free_floating_ip_in_four_steps(fake):
    fake.server = existing()
    fake.ips = dict((ip['id'], ip) for ip in (free_ip('203.0.113.10'), free_ip('203.0.113.11', port_id='port-9')))
    args = dict(cloud='local', name='web1', auto_ip=True, reuse_ips=True)
    checked = run_module(server_module.main, dict(args, _ansible_check_mode=True))
    assert checked['changes'] == ['associate free floating IP 203.0.113.10']
    assert floating_of(checked) == ['203.0.113.10']
    assert fake.writes() == []
    result = run_module(server_module.main, args)
    assert result['changes'] == checked['changes']
    assert floating_of(result) == ['203.0.113.10']
    assert fake.writes() == [('take_floating_ip', 'fip-203.0.113.10', 1)]
    fake.calls = []
    assert run_module(server_module.main, args)['changed'] is False
    assert run_module(server_module.main, dict(args, _ansible_check_mode=True))['changed'] is False
    assert fake.writes() == [] and 'list_floating_ips' not in [c[0] for c in fake.calls]


def test_reuse_ips_tries_the_next_free_ip_when_another_task_took_one_first(fake):
    fake.server = existing()
    first, second = free_ip('203.0.113.10'), free_ip('203.0.113.11')
    fake.ips = {first['id']: first, second['id']: second}
    listed = fake.list_floating_ips

    def list_then_race(**query):
        found = listed(**query)
        # Another task takes both addresses between this listing and the conditional updates.
        for ip in fake.ips.values():
            ip.update(port_id='port-other', revision_number=ip['revision_number'] + 1)
        return found

    fake.list_floating_ips = list_then_race
    result = run_module(server_module.main, dict(cloud='local', name='web1', auto_ip=True, reuse_ips=True))
    assert result['changed'] is True, result
    takes = [c for c in fake.writes() if c[0] == 'take_floating_ip']
    assert sorted(c[1] for c in takes) == ['fip-203.0.113.10', 'fip-203.0.113.11']
    assert fake.writes()[-1][0] == 'create_floating_ip'
    assert floating_of(result) == ['203.0.113.200']


def test_reuse_ips_takes_another_when_the_address_left_the_port_before_nova_showed_it(fake):
    fake.server = existing()
    first, second = free_ip('203.0.113.10'), free_ip('203.0.113.11')
    fake.ips = {first['id']: first, second['id']: second}
    fake.steal = {first['id']: True, second['id']: True}
    result = run_module(server_module.main, dict(cloud='local', name='web1', auto_ip=True, reuse_ips=True))
    assert result['changed'] is True, result
    assert [c[0] for c in fake.writes()] == ['take_floating_ip', 'take_floating_ip', 'create_floating_ip']
    assert floating_of(result) == ['203.0.113.200']
    assert ('get_floating_ip', first['id']) in fake.calls


def test_reuse_ips_without_free_ones_allocates(fake):
    fake.server = existing()
    fake.ips = {'fip-x': free_ip('203.0.113.10', project_id='another')}
    args = dict(cloud='local', name='web1', auto_ip=True, reuse_ips=True)
    checked = run_module(server_module.main, dict(args, _ansible_check_mode=True))
    assert checked['changes'] == ['allocate and associate a floating IP']
    result = run_module(server_module.main, args)
    assert [c[0] for c in fake.writes()] == ['create_floating_ip']
    assert floating_of(result) == ['203.0.113.200']


def test_reuse_ips_on_a_new_server_does_not_predict_which_address(fake):
    fake.ips = {'fip-a': free_ip('203.0.113.10'), 'fip-b': free_ip('203.0.113.11')}
    checked = run_module(server_module.main, dict(boot(auto_ip=True, reuse_ips=True), _ansible_check_mode=True))
    assert checked['changes'] == ['create server web1', 'then associate one of the 2 free floating IPs of the project']
    assert fake.writes() == []


def test_reuse_ips_fails_in_one_line_where_floating_ips_have_no_revision(fake):
    fake.server = existing()
    fake.ips = {'fip-a': free_ip('203.0.113.10', revision=None)}
    result = run_module(server_module.main, dict(cloud='local', name='web1', auto_ip=True, reuse_ips=True))
    assert result['failed'] is True and 'no revision number' in result['msg']
    assert fake.writes() == []
