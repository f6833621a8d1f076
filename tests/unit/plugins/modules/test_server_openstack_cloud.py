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

WRITES = ('create_server', 'update_server', 'delete_server', 'delete_floating_ip', 'create_floating_ip', 'server_call')
SERVER_ID = '00000000-0000-4000-8000-000000000001'
NET_ID = '6f1b1a54-3c0e-4d3b-9a57-3f5e2b7c8d90'


class ServerFake(object):
    """One server at most, in memory; every call recorded with its arguments."""

    def __init__(self, server=None):
        self.server = server
        self.calls = []

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

    def update_server(self, server_id, attrs):
        self.calls.append(('update_server', server_id, dict(attrs)))
        self.server.update(attrs)
        return copy.deepcopy(self.server)


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


def test_a_named_pool_is_looked_up_once_and_its_network_allocated_from(fake, monkeypatch):
    fake.server = existing()
    associated = []

    def create_floating_ip(network_id):
        fake.calls.append(('create_floating_ip', network_id))
        return {'floating_ip_address': '203.0.113.7'}

    def run_action(module, server, action, args):
        associated.append((action, args))
        return server

    fake.create_floating_ip = create_floating_ip
    monkeypatch.setattr(_server_apply._apply_actions, 'run_action', run_action)
    result = run_module(server_module.main, dict(cloud='local', name='web1', floating_ip_pool='public'))
    assert result['changed'] is True, result
    assert [c for c in fake.calls if c[0] == 'find_network'] == [('find_network', 'public')]
    assert fake.writes() == [('create_floating_ip', 'net-public')]
    assert associated == [('add_floating_ip', {'address': '203.0.113.7'})]


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
