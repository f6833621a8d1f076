# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""server_info wired to a fake Cloud: it only ever reads, in check mode or not, and fails early on bad input."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.module_utils.common import warnings

from ansible_collections.stackops.compute.plugins.module_utils import _sdk
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.modules import server_info
from ansible_collections.stackops.compute.tests.unit.helpers.modules import run_module

SID1 = '11111111-1111-4111-8111-111111111111'
SID2 = '22222222-2222-4222-8222-222222222222'
IMAGE_ID = '33333333-3333-4333-8333-333333333333'

READS = {
    'compute_max_microversion',
    'get_server',
    'list_servers',
    'find_flavor',
    'find_image',
    'find_project',
    'list_images',
    'get_image',
    'list_ports',
    'list_security_groups',
    'server_call',
    'get_server_topology',
}
READ_ONLY_SERVER_CALLS = {'get_server_console_output', 'get_server_password'}


def warnings_of(result):
    """Warning texts: strings up to ansible-core 2.18, summaries with an event from 2.19."""
    texts = []
    for warning in result.get('warnings', []):
        if isinstance(warning, dict):
            warning = warning.get('msg') or warning.get('event', {}).get('msg')
        texts.append(warning)
    return texts


def make_server(sid, name, **extra):
    server = {
        'id': sid,
        'name': name,
        'status': 'ACTIVE',
        'metadata': {},
        'tags': [],
        'flavor': {'original_name': 'm1.tiny', 'name': 'm1.tiny', 'id': 'm1.tiny'},
        'image': {'id': IMAGE_ID},
        'compute_host': None,
        'project_id': 'p1',
        'addresses': {'private': [{'addr': '192.0.2.10', 'version': 4, 'OS-EXT-IPS:type': 'fixed'}]},
        'updated_at': '2026-02-01T00:00:00Z',
        'progress': 0,
    }
    server.update(extra)
    return server


class FakeCloud(object):
    """Answers the read methods server_info uses; any other method is a write and fails the test."""

    def __init__(self, servers):
        self.servers = servers
        self.calls = []
        self.failing_console = set()

    def __getattr__(self, name):
        raise AssertionError('server_info called Cloud.%s, which is not a read' % name)

    def _record(self, name, *args, **kwargs):
        self.calls.append((name, args, kwargs))

    def compute_max_microversion(self):
        self._record('compute_max_microversion')
        return '2.100'

    def get_server(self, server_id, drop=()):
        self._record('get_server', server_id)
        return next((dict(s) for s in self.servers if s['id'] == server_id), None)

    def list_servers(self, query=None, all_projects=False, limit=None, keep=None, drop=()):
        self._record('list_servers', query, all_projects=all_projects, limit=limit)
        assert 'links' not in drop and 'updated_at' not in drop and 'location' in drop
        kept = [dict(s) for s in self.servers if keep is None or keep(dict(s))]
        return kept[:limit] if limit else kept

    def find_flavor(self, name_or_id):
        self._record('find_flavor', name_or_id)
        return {'id': 'flavor-' + name_or_id, 'name': name_or_id}

    def find_image(self, name_or_id):
        self._record('find_image', name_or_id)
        return {'id': IMAGE_ID, 'name': name_or_id}

    def find_project(self, name_or_id):
        self._record('find_project', name_or_id)
        return {'id': 'p1', 'name': name_or_id}

    def list_images(self, **query):
        self._record('list_images', **query)
        return [{'id': IMAGE_ID, 'name': 'tiny'}]

    def get_image(self, image_id):
        self._record('get_image', image_id)
        return None

    def list_ports(self, **query):
        self._record('list_ports', **query)
        return [{'device_id': s, 'security_group_ids': ['g1']} for s in query['device_id']]

    def list_security_groups(self, **query):
        self._record('list_security_groups', **query)
        return [{'id': 'g1', 'name': 'web', 'security_group_rules': []}]

    def server_call(self, method, server_id, doing, **kwargs):
        self._record('server_call', method, server_id, **kwargs)
        assert method in READ_ONLY_SERVER_CALLS
        if method == 'get_server_console_output':
            if server_id in self.failing_console:
                raise ComputeError('Failed while %s: HTTP 409: no host' % doing)
            return {'output': 'LAST LINE'}
        return 'ENCRYPTED'

    def get_server_topology(self, server_id):
        self._record('get_server_topology', server_id)
        return {'nodes': [], 'pagesize_kb': None}

    def names(self):
        return [c[0] for c in self.calls]


@pytest.fixture
def cloud(monkeypatch):
    # Warnings are process-wide in ansible-core: start every test without the previous one's.
    warnings._global_warnings.clear()
    fake = FakeCloud(
        [
            make_server(SID1, 'web1', metadata={'role': 'web'}, tags=['web']),
            make_server(SID2, 'db1', status='SHUTOFF', metadata={'role': 'db'}),
        ]
    )
    connected = []

    def connect(params):
        connected.append(params)
        return fake

    monkeypatch.setattr(_sdk, 'connect', connect)
    fake.connected = connected
    return fake


@pytest.mark.parametrize('check_mode', [False, True])
def test_one_name_is_one_listing_and_never_changed(cloud, check_mode):
    result = run_module(server_info.main, {'cloud': 'local', 'server': 'web1', '_ansible_check_mode': check_mode})
    assert result['changed'] is False
    assert not result.get('failed')
    assert [s['name'] for s in result['servers']] == ['web1']
    assert cloud.names() == ['list_servers']
    assert cloud.calls[0][1][0] == {'name': '^web1$'}
    server = result['servers'][0]
    assert server['private_v4'] == '192.0.2.10'
    assert server['interface_ip'] == '192.0.2.10'
    assert server['updated_at'] and 'query_result' not in result


def test_everything_at_once_only_reads(cloud):
    result = run_module(
        server_info.main,
        {
            'cloud': 'local',
            'metadata': {'role': 'db'},
            'status': ['shutoff'],
            'flavor': 'm1.tiny',
            'image': 'tiny',
            'project': 'demo',
            'resolve_names': True,
            'extras': ['console_output', 'topology', 'security_groups', 'password'],
            'console_output_length': 5,
            'query': '[].{n: name, f: flavor_name, i: image_name}',
            '_ansible_check_mode': True,
        },
    )
    assert result['changed'] is False, result
    assert result['query_result'] == [{'n': 'db1', 'f': 'm1.tiny', 'i': 'tiny'}]
    server = result['servers'][0]
    assert server['console_output'] == 'LAST LINE'
    assert server['password'] == 'ENCRYPTED'
    assert server['topology'] == {'nodes': [], 'pagesize_kb': None}
    assert server['security_group_details'] == [{'id': 'g1', 'name': 'web', 'security_group_rules': []}]
    listing = [c for c in cloud.calls if c[0] == 'list_servers'][0]
    assert listing[1][0] == {'status': 'SHUTOFF', 'flavor': 'flavor-m1.tiny', 'image': IMAGE_ID}
    console = [c for c in cloud.calls if c[1][:1] == ('get_server_console_output',)][0]
    assert console[2] == {'length': 5}
    # Image names: one listing for every distinct image, not one request per server.
    assert cloud.names().count('list_images') == 1
    assert set(cloud.names()) <= READS


def test_server_id_is_one_get(cloud):
    result = run_module(server_info.main, {'cloud': 'local', 'name': SID2})
    assert [s['name'] for s in result['servers']] == ['db1']
    assert cloud.names() == ['get_server']


def test_server_id_with_filter_that_does_not_match(cloud):
    result = run_module(server_info.main, {'cloud': 'local', 'server': SID2, 'status': ['ACTIVE']})
    assert result['servers'] == []
    assert cloud.names() == ['get_server']


def test_unknown_id_falls_back_to_a_name(cloud):
    result = run_module(server_info.main, {'cloud': 'local', 'server': '44444444-4444-4444-8444-444444444444'})
    assert result['servers'] == []
    assert cloud.names() == ['get_server', 'list_servers']


def test_limit_counts_servers_that_pass_python_filters(cloud):
    result = run_module(server_info.main, {'cloud': 'local', 'metadata': {'role': 'db'}, 'limit': 1})
    assert [s['name'] for s in result['servers']] == ['db1']
    listing = cloud.calls[0]
    assert listing[2]['limit'] == 1
    assert listing[1][0] == {'limit': 1000}


def test_one_failing_extra_warns_and_keeps_the_others(cloud):
    cloud.failing_console.add(SID2)
    result = run_module(server_info.main, {'cloud': 'local', 'extras': ['console_output']})
    outputs = dict((s['name'], s['console_output']) for s in result['servers'])
    assert outputs == {'web1': 'LAST LINE', 'db1': None}
    assert any('console_output of server db1' in w for w in warnings_of(result))


def test_admin_only_filter_warns_when_the_field_is_hidden(cloud):
    result = run_module(server_info.main, {'cloud': 'local', 'host': 'compute-1'})
    assert result['servers'] == []
    assert any(w.startswith('host filters on a field Nova shows to administrators only') for w in warnings_of(result))


@pytest.mark.parametrize(
    'args, message',
    [
        ({'query': '[?name=='}, 'query is not a valid JMESPath expression'),
        ({'limit': 0}, 'limit must be 1 or more'),
        ({'filters': {'all_tenants': True}}, 'use the option all_projects'),
        ({'filters': {'colour': 'red'}}, 'colour is neither a query parameter'),
        ({'changes_since': 'last week'}, 'not an ISO 8601'),
        ({'extras': ['everything']}, 'value of extras must be one or more of'),
    ],
)
def test_bad_input_fails_before_connecting(cloud, args, message):
    result = run_module(server_info.main, dict(args, cloud='local'))
    assert result['failed'] is True
    assert message in result['msg']
    assert cloud.connected == [] and cloud.calls == []


def test_image_names_missing_from_the_listing_are_read_once_each(cloud):
    hidden = '55555555-5555-4555-8555-555555555555'
    cloud.servers.append(make_server('66666666-6666-4666-8666-666666666666', 'web2', image={'id': hidden}))
    cloud.servers.append(make_server('77777777-7777-4777-8777-777777777777', 'web3', image={'id': hidden}))
    cloud.servers.append(make_server('88888888-8888-4888-8888-888888888888', 'vol1', image=''))
    result = run_module(server_info.main, {'cloud': 'local', 'resolve_names': True})
    names = dict((s['name'], s['image_name']) for s in result['servers'])
    assert names == {'web1': 'tiny', 'db1': 'tiny', 'web2': None, 'web3': None, 'vol1': None}
    assert [c for c in cloud.calls if c[0] == 'list_images'][0][2] == {'id': 'in:%s,%s' % (IMAGE_ID, hidden)}
    assert [c[1] for c in cloud.calls if c[0] == 'get_image'] == [(hidden,)]
