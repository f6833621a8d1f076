# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet forms wired to a fake Cloud: one listing for all servers, lookups once per value, check mode
sends nothing that changes, a failed item fails the task only after the others are done, secrets stay
hidden."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re
import threading

import pytest
from ansible.module_utils.common import warnings

from ansible_collections.stackops.compute.plugins.module_utils import _apply_actions, _sdk, _server_apply
from ansible_collections.stackops.compute.plugins.modules import server_action, servers
from ansible_collections.stackops.compute.tests.unit.helpers.modules import run_module

WRITES = ('create_server', 'delete_server', 'server_call')


def make_server(index, name, status='ACTIVE'):
    return dict(
        id='00000000-0000-4000-8000-%012d' % index,
        name=name,
        status=status,
        task_state=None,
        is_locked=False,
        locked_reason=None,
        flavor={'original_name': 'm1.tiny'},
        image={'id': 'img-tiny'},
        addresses={'private': [{'addr': '192.0.2.%d' % index, 'OS-EXT-IPS:type': 'fixed', 'version': 4}]},
        security_groups=[{'name': 'default'}],
        metadata={},
        tags=[],
    )


class FleetFake(object):
    """Servers in memory; boots and stops end at the next read. Thread-safe, as the fleet calls it from a pool."""

    def __init__(self, names=()):
        self.lock = threading.Lock()
        self.servers = {}
        self.calls = []
        self.fail_create = set()
        for name in names:
            self._add(name)

    def _add(self, name, status='ACTIVE'):
        server = make_server(len(self.servers) + 1, name, status)
        self.servers[server['id']] = server
        return server

    def _record(self, *call):
        with self.lock:
            self.calls.append(call)

    def names(self, call):
        return sorted(c[1] for c in self.calls if c[0] == call)

    def writes(self):
        return [c for c in self.calls if c[0] in WRITES]

    # reads
    def list_servers(self, query=None, all_projects=False):
        self._record('list_servers', query['name'])
        pattern = re.compile(query['name'])
        with self.lock:
            for server in self.servers.values():
                self._walk(server)
            return [copy.deepcopy(s) for s in self.servers.values() if pattern.search(s['name'])]

    def _walk(self, server):
        if server['status'] == 'BUILD' or server.get('task_state'):
            ends = {'powering-off': 'SHUTOFF', 'shelving': 'SHELVED'}
            server.update(status=ends.get(server.get('task_state'), 'ACTIVE'))
            server['task_state'] = None

    def find_servers(self, name_or_id, all_projects=False):
        self._record('find_servers', name_or_id)
        return [copy.deepcopy(s) for s in self.servers.values() if name_or_id in (s['id'], s['name'])]

    def find_server(self, name_or_id, all_projects=False):
        found = self.find_servers(name_or_id, all_projects)
        return found[0] if found else None

    def get_server(self, server_id, drop=None):
        self._record('get_server', server_id)
        with self.lock:
            server = self.servers.get(server_id)
            if server is not None:
                self._walk(server)
            return copy.deepcopy(server)

    def find_image(self, ref):
        self._record('find_image', ref)
        return {'id': 'img-' + ref, 'name': ref}

    def find_flavor(self, ref):
        self._record('find_flavor', ref)
        return {'id': 'f-' + ref, 'name': ref}

    def find_network(self, ref):
        self._record('find_network', ref)
        return {'id': 'net-' + ref, 'name': ref}

    def list_server_actions(self, server_id):
        return []

    def current_roles(self):
        return ['member']

    def compute_max_microversion(self):
        return '2.96'

    # writes
    def create_server(self, attrs):
        self._record('create_server', attrs['name'])
        if attrs['name'] in self.fail_create:
            raise _sdk.ComputeError('Failed while creating server %s: HTTP 403: Quota exceeded' % attrs['name'])
        with self.lock:
            server = self._add(attrs['name'], 'BUILD')
            server['image'] = {'id': attrs.get('image_id')}
            return copy.deepcopy(server)

    def wait_for_server(self, server_id, done, failed=None, timeout=600, pauses=None, delay=0):
        server = self.get_server(server_id)
        assert done(server)
        return server

    def delete_server(self, server_id, force=False):
        self._record('delete_server', server_id)
        with self.lock:
            self.servers.pop(server_id, None)

    def wait_for_server_gone(self, server_id, timeout=600):
        return None

    def server_call(self, method, server_id, doing, **kwargs):
        self._record('server_call', method, server_id)
        if method == 'shelve_offload_server' and 'admin' not in self.current_roles():
            raise _sdk.ComputeError(
                'Not allowed while %s: HTTP 403: Policy does not allow shelve_offload. (request req-9). The policy '
                'of the cloud forbids it for this user; an admin cloud may be needed.' % doing,
                status_code=403,
            )
        with self.lock:
            if method == 'stop_server':
                self.servers[server_id]['task_state'] = 'powering-off'
            if method == 'shelve_server':
                self.servers[server_id]['task_state'] = 'shelving'


@pytest.fixture
def fake(monkeypatch):
    warnings._global_warnings.clear()
    cloud = FleetFake()
    monkeypatch.setattr(_sdk, 'connect', lambda params: cloud)
    monkeypatch.setattr(_apply_actions, 'CHANGE_STEP', 0.001)
    monkeypatch.setattr(_apply_actions, 'CHANGE_DELAY', 0)
    monkeypatch.setattr(_server_apply, 'BOOT_DELAY', 0)
    monkeypatch.setattr('time.sleep', lambda seconds: None)
    return cloud


def fleet_args(names, **extra):
    args = dict(
        cloud='local',
        defaults={'image': 'tiny', 'flavor': 'm1.tiny', 'networks': ['private']},
        servers=[{'name': n} for n in names],
    )
    args.update(extra)
    return args


NAMES = ['web1', 'web2', 'web3', 'web4']


def test_check_mode_predicts_every_server_and_writes_nothing(fake):
    result = run_module(servers.main, dict(fleet_args(NAMES), _ansible_check_mode=True, _ansible_diff=True))
    assert result['changed'] is True
    assert [r['name'] for r in result['servers']] == NAMES
    assert all(r['changed'] and r['server']['id'] is None for r in result['servers'])
    assert all(r['diff']['before'] == {} and r['diff']['after']['name'] == r['name'] for r in result['servers'])
    assert [d['before_header'] for d in result['diff']] == NAMES
    assert fake.writes() == []


def test_one_listing_and_one_lookup_per_value(fake):
    result = run_module(servers.main, fleet_args(NAMES, concurrency=3))
    assert result['changed'] is True and not result.get('failed')
    assert fake.names('create_server') == NAMES
    first_create = [c[0] for c in fake.calls].index('create_server')
    assert [c for c in fake.calls[:first_create] if c[0] == 'list_servers'] == [('list_servers', '^web')]
    # The waits poll through shared listings, not one request per server.
    assert fake.names('get_server') == []
    assert fake.names('find_image') == ['tiny']
    assert fake.names('find_flavor') == ['m1.tiny']
    assert fake.names('find_network') == ['private']
    assert fake.names('find_servers') == []
    assert all(r['server']['status'] == 'ACTIVE' and r['id'] for r in result['servers'])
    assert 'diff' not in result['servers'][0]


def test_second_run_changes_nothing(fake):
    run_module(servers.main, fleet_args(NAMES))
    before = len(fake.writes())
    again = run_module(servers.main, fleet_args(NAMES))
    assert again['changed'] is False
    assert [r['changed'] for r in again['servers']] == [False] * 4
    assert len(fake.writes()) == before


def test_a_failed_item_fails_the_task_after_the_others(fake):
    fake.fail_create.add('web2')
    result = run_module(servers.main, fleet_args(NAMES))
    assert result['failed'] is True and result['changed'] is True
    assert result['msg'].startswith('1 of 4 servers failed: web2.')
    failed = result['servers'][1]
    assert failed['failed'] is True and 'Quota exceeded' in failed['msg']
    assert fake.names('create_server') == NAMES
    assert [r['server']['status'] for r in result['servers'] if not r.get('failed')] == ['ACTIVE'] * 3


def test_an_item_named_by_a_servers_id_is_that_server_and_keeps_its_name(fake, monkeypatch):
    fake.servers.clear()
    web1 = fake._add('web1')
    updated = []

    def update_server(server_id, attrs):
        fake._record('update_server', server_id)
        updated.append(dict(attrs))
        fake.servers[server_id].update(attrs)
        return copy.deepcopy(fake.servers[server_id])

    fake.update_server = update_server
    args = fleet_args([], servers=[{'name': web1['id'], 'description': 'found by ID'}])
    result = run_module(servers.main, args)
    assert result['changed'] is True, result
    assert updated == [{'description': 'found by ID'}]
    assert result['servers'][0]['server']['name'] == 'web1'
    assert fake.names('create_server') == []
    again = run_module(servers.main, args)
    assert again['changed'] is False


def test_delete_many(fake):
    run_module(servers.main, fleet_args(NAMES))
    result = run_module(servers.main, fleet_args(NAMES[:2], defaults={'state': 'absent'}))
    assert result['changed'] is True
    assert len(fake.names('delete_server')) == 2
    assert sorted(s['name'] for s in fake.servers.values()) == NAMES[2:]


def test_secrets_of_items_are_hidden(fake):
    args = fleet_args(['web1'])
    args['servers'][0]['user_data'] = 'TOPSECRET-userdata'
    args['defaults']['admin_password'] = 'TOPSECRET-password'
    result = run_module(servers.main, args)
    text = repr(result)
    assert 'TOPSECRET' not in text


def test_bad_item_fails_in_one_line_before_any_request(fake):
    result = run_module(servers.main, fleet_args(['web1'], servers=[{'name': 'web1', 'flavour': 'x'}]))
    assert result['failed'] is True
    assert 'servers[0]' in result['msg'] and 'flavour' in result['msg']
    assert fake.calls == []


# ------------------------------------------------------------------------------------------------ server_action


def test_server_action_on_many_servers(fake):
    for name in NAMES:
        fake._add(name)
    fake.servers[next(iter(fake.servers))]['status'] = 'SHUTOFF'
    result = run_module(server_action.main, dict(cloud='local', servers=NAMES, action='stop', concurrency=2))
    assert result['changed'] is True and result['action'] == 'stop'
    assert [r['name'] for r in result['results']] == NAMES
    assert [r['changed'] for r in result['results']] == [False, True, True, True]
    assert result['results'][0]['msg'].startswith('Nothing to do')
    assert [r['server']['status'] for r in result['results']] == ['SHUTOFF'] * 4
    assert fake.calls[0] == ('list_servers', '^web')
    assert fake.names('find_servers') == []
    assert 'server' not in result


def test_server_action_fleet_check_mode_and_missing_server(fake):
    for name in NAMES[:2]:
        fake._add(name)
    result = run_module(
        server_action.main,
        dict(cloud='local', servers=['web1', 'web2', 'gone'], action='stop', _ansible_check_mode=True),
    )
    assert fake.writes() == []
    assert result['failed'] is True and 'gone' in result['msg']
    assert [r.get('failed', False) for r in result['results']] == [False, False, True]


def test_server_and_servers_are_mutually_exclusive(fake):
    result = run_module(server_action.main, dict(cloud='local', server='web1', servers=['web2'], action='stop'))
    assert result['failed'] is True and 'mutually exclusive' in result['msg']


def test_server_action_fleet_reports_the_action_when_the_first_server_is_missing(fake):
    fake._add('web1')
    result = run_module(server_action.main, dict(cloud='local', servers=['gone', 'web1'], action='reboot_hard'))
    assert result['failed'] is True
    assert result['action'] == 'reboot'
    assert result['results'][1]['changed'] is True


def test_a_status_the_default_policy_refuses_fails_alike_in_check_mode_and_for_real(fake, monkeypatch):
    from ansible_collections.stackops.compute.plugins.module_utils._journal import JOURNAL

    def accepted(name):
        # What the session hook records when Nova accepts the create and the shelve.
        def record(*args, **kwargs):
            JOURNAL.observe(*args_for(name, args))
            return real[name](*args, **kwargs)

        return record

    def args_for(name, args):
        nova = 'http://127.0.0.1:8774/v2.1/servers'
        if name == 'create_server':
            return ('POST', nova, {'server': {'name': args[0]['name']}}, Answer({'server': {'id': ID1}}))
        return ('POST', nova + '/%s/action' % ID1, {'shelve': None}, Answer({}))

    real = {'create_server': fake.create_server}
    monkeypatch.setattr(fake, 'create_server', accepted('create_server'))
    args = fleet_args(['web1'], defaults={'image': 'tiny', 'flavor': 'm1.tiny', 'status': 'shelved_offloaded'})

    checked = run_module(servers.main, dict(args, _ansible_check_mode=True))
    item = checked['servers'][0]
    assert checked['failed'] is True and checked['changed'] is True
    assert item['changed'] is True and item['failed'] is True
    refusal = (
        "Not allowed: shelve_offload of server web1 needs the admin role under Nova's default policy "
        '(os_compute_api:os-shelve:shelve_offload); this user has member.'
    )
    assert item['msg'] == 'Would create server web1 and shelve, then: ' + refusal
    assert fake.writes() == []

    real_call = fake.server_call

    def shelve(method, server_id, doing, **kwargs):
        if method == 'shelve_server':
            JOURNAL.observe(*args_for('shelve', ()))
        return real_call(method, server_id, doing, **kwargs)

    monkeypatch.setattr(fake, 'server_call', shelve)
    done = run_module(servers.main, args)
    item = done['servers'][0]
    assert done['failed'] is True and done['changed'] is True and item['changed'] is True
    assert item['msg'] == (
        'Created server web1 and shelved it, then: %s Nova answered: HTTP 403: Policy does not allow '
        'shelve_offload. (request req-9)' % refusal
    )


ID1 = '00000000-0000-4000-8000-000000000001'


class Answer(object):
    status_code = 202
    url = None
    headers = {}

    def __init__(self, body):
        self.body = body

    def json(self):
        return self.body


def test_check_mode_predicts_what_nova_changes_along_the_steps(fake):
    fake._add('web2')
    args = fleet_args(['web1', 'web2'], defaults={'image': 'tiny', 'flavor': 'm1.tiny', 'status': 'shelved'})
    result = run_module(servers.main, dict(args, _ansible_check_mode=True))
    new, old = result['servers']
    assert (new['server']['status'], new['server']['vm_state'], new['server']['power_state']) == (
        'SHELVED',
        'shelved',
        4,
    )
    assert {'id', 'compute_host', 'launched_at', 'status'} <= set(new['unpredictable'])
    assert new['server']['compute_host'] is None
    assert (old['server']['status'], old['server']['vm_state'], old['server']['power_state']) == (
        'SHELVED',
        'shelved',
        4,
    )
    assert 'id' not in old['unpredictable'] and 'status' in old['unpredictable']
    assert fake.writes() == []


class FloatingFleetFake(FleetFake):
    """FleetFake with Neutron's floating IPs: conditional updates compare revision numbers under one lock."""

    def __init__(self, names=(), free=()):
        FleetFake.__init__(self, names)
        self.ips = dict(
            (
                'fip-%s' % a,
                {
                    'id': 'fip-%s' % a,
                    'floating_ip_address': a,
                    'port_id': None,
                    'floating_network_id': 'net-ext',
                    'project_id': 'p1',
                    'revision_number': 1,
                },
            )
            for a in free
        )
        self.listed = threading.Barrier(2)

    def find_external_network(self):
        return {'id': 'net-ext', 'name': 'public'}

    def current_project_id(self):
        return 'p1'

    def list_ports(self, device_id=None):
        return [
            {
                'id': 'port-' + device_id,
                'fixed_ips': [{'ip_address': self.servers[device_id]['addresses']['private'][0]['addr']}],
            }
        ]

    def list_floating_ips(self, **query):
        with self.lock:
            found = copy.deepcopy(list(self.ips.values()))
        # Both items list before either takes an address: they see the same free one.
        self.listed.wait(timeout=5)
        return found

    def get_floating_ip(self, ip_id):
        with self.lock:
            return copy.deepcopy(self.ips.get(ip_id))

    def _associate(self, ip, port_id):
        ip.update(port_id=port_id, revision_number=ip['revision_number'] + 1)
        server = self.servers[port_id[len('port-') :]]
        server['addresses']['private'].append({'addr': ip['floating_ip_address'], 'OS-EXT-IPS:type': 'floating'})

    def take_floating_ip(self, ip_id, revision_number, port_id, fixed_ip_address):
        self._record('take_floating_ip', ip_id, port_id)
        with self.lock:
            ip = self.ips[ip_id]
            if ip['revision_number'] != revision_number:
                return None
            self._associate(ip, port_id)
            return copy.deepcopy(ip)

    def create_floating_ip(self, network_id, port_id=None, fixed_ip_address=None):
        self._record('create_floating_ip', port_id)
        with self.lock:
            address = '203.0.113.%d' % (100 + len(self.ips))
            ip = {'id': 'fip-' + address, 'floating_ip_address': address, 'port_id': None, 'revision_number': 0}
            self.ips[ip['id']] = ip
            self._associate(ip, port_id)
            return copy.deepcopy(ip)


def test_two_servers_reusing_at_once_never_share_the_one_free_floating_ip(monkeypatch):
    warnings._global_warnings.clear()
    cloud = FloatingFleetFake(['web1', 'web2'], free=['203.0.113.10'])
    monkeypatch.setattr(_sdk, 'connect', lambda params: cloud)
    monkeypatch.setattr('time.sleep', lambda seconds: None)
    args = dict(
        cloud='local',
        concurrency=2,
        defaults={'auto_ip': True, 'reuse_ips': True},
        servers=[{'name': 'web1'}, {'name': 'web2'}],
    )
    result = run_module(servers.main, args)
    assert result['changed'] is True and not result.get('failed'), result
    floating = dict(
        (r['name'], [a['addr'] for a in r['server']['addresses']['private'] if a['OS-EXT-IPS:type'] == 'floating'])
        for r in result['servers']
    )
    assert sorted(len(v) for v in floating.values()) == [1, 1]
    assert sorted(sum(floating.values(), [])) == ['203.0.113.10', '203.0.113.101']
    # Both tried the free one; the loser's conditional update failed, and it allocated one of its own.
    assert [c[0] for c in cloud.calls if c[0] in ('take_floating_ip', 'create_floating_ip')].count(
        'take_floating_ip'
    ) == 2
    assert cloud.ips['fip-203.0.113.10']['revision_number'] == 2
