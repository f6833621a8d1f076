# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory's listing: Nova's JSON shaped exactly as the SDK's resources (and server_info) shape it,
one paginated listing per region, and the name lookups of expand_hostvars."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import itertools

import pytest

pytest.importorskip('openstack')

from ansible_collections.stackops.compute.plugins.module_utils._info import INFO_DROP_FIELDS  # noqa: E402
from ansible_collections.stackops.compute.plugins.module_utils._inventory_read import add_names  # noqa: E402
from ansible_collections.stackops.compute.plugins.module_utils._sdk import server_to_dict  # noqa: E402
from ansible_collections.stackops.compute.plugins.module_utils._sdk_inventory import (  # noqa: E402
    SAMPLE_SERVER,
    InventoryCloud,
    ServerShaper,
)

SERVER_ID = '11111111-1111-4111-8111-111111111111'
IMAGE_ID = '33333333-3333-4333-8333-333333333333'


def sdk_dict(raw, drop=INFO_DROP_FIELDS):
    from openstack.compute.v2 import server as server_mod

    return server_to_dict(server_mod.Server.existing(**copy.deepcopy(raw)), drop)


def variant(**changes):
    raw = copy.deepcopy(SAMPLE_SERVER)
    for key, value in changes.items():
        if value is KeyError:
            raw.pop(key, None)
        else:
            raw[key] = value
    return raw


ADMIN = {
    'OS-EXT-SRV-ATTR:host': 'compute1',
    'OS-EXT-SRV-ATTR:hypervisor_hostname': 'compute1.example',
    'OS-EXT-SRV-ATTR:instance_name': 'instance-0000002a',
    'OS-EXT-SRV-ATTR:hostname': 'web1',
    'OS-EXT-SRV-ATTR:launch_index': 0,
    'OS-EXT-SRV-ATTR:reservation_id': 'r-abc',
    'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda',
    'OS-EXT-SRV-ATTR:kernel_id': '',
    'OS-EXT-SRV-ATTR:ramdisk_id': '',
    'OS-EXT-SRV-ATTR:user_data': 'c2VjcmV0',
}

CORPUS = [
    variant(),
    # Before compute microversion 2.47 the flavor is a reference.
    variant(flavor={'id': '1', 'links': [{'rel': 'bookmark', 'href': 'http://nova/flavors/1'}]}),
    # Booted from a volume: Nova says image "".
    variant(image=''),
    variant(**{'os-extended-volumes:volumes_attached': []}),
    variant(**{'os-extended-volumes:volumes_attached': KeyError, 'tags': KeyError, 'security_groups': KeyError}),
    variant(locked=True, locked_reason='maintenance', status='SHUTOFF', **{'OS-EXT-STS:power_state': 4}),
    variant(fault=None, status='ERROR', addresses={}),
    variant(config_drive='True', description='a web server', key_name='demo-key', host_status='UP'),
    variant(trusted_image_certificates=['a', 'b'], server_groups=['g'], pinned_availability_zone='az1'),
    variant(**ADMIN),
    variant(**{'OS-EXT-STS:task_state': 'powering-off', 'progress': None, 'accessIPv4': '198.51.100.7'}),
    variant(
        addresses={
            'private': [
                {'addr': '192.0.2.9', 'version': 4, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': 'fa:16'},
                {'addr': '203.0.113.9', 'version': 4, 'OS-EXT-IPS:type': 'floating'},
            ]
        },
        metadata={'role': 'db', 'n': '1'},
    ),
    # What a listing of an old cloud may leave out altogether.
    dict((k, v) for k, v in SAMPLE_SERVER.items() if k in ('id', 'name', 'status', 'links', 'flavor', 'image')),
]


@pytest.mark.parametrize('raw', CORPUS)
def test_shaper_gives_what_the_sdk_gives(raw):
    shaper = ServerShaper.for_sdk()
    assert shaper is not None
    assert shaper.shape(copy.deepcopy(raw), INFO_DROP_FIELDS) == sdk_dict(raw)
    assert shaper.shape(copy.deepcopy(raw), ()) == sdk_dict(raw, ())


def test_shaper_masks_user_data_like_the_seam():
    shaped = ServerShaper.for_sdk().shape(variant(**ADMIN), INFO_DROP_FIELDS)
    assert shaped['user_data'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' and 'location' not in shaped
    assert 'c2VjcmV0' not in repr(shaped)


@pytest.mark.parametrize('drop_keys', list(itertools.combinations(sorted(SAMPLE_SERVER), 3))[::211])
def test_shaper_gives_what_the_sdk_gives_with_keys_missing(drop_keys):
    raw = dict((k, v) for k, v in SAMPLE_SERVER.items() if k not in drop_keys)
    assert ServerShaper.for_sdk().shape(copy.deepcopy(raw), ()) == sdk_dict(raw, ())


def test_shaped_servers_share_no_mutable_value():
    shaper = ServerShaper.for_sdk()
    one, two = shaper.shape(variant(), ()), shaper.shape(variant(), ())
    one['flavor']['extra_specs']['x'] = 1
    one['image']['properties']['y'] = 2
    one['attached_volumes'].append('z')
    assert two == shaper.shape(variant(), ())


def test_query_params_are_the_sdks():
    from openstack.compute.v2 import server as server_mod

    query = {'all_projects': True, 'name': '^web', 'changes_since': 'x', 'ipv4_address': '192.0.2.', 'any_tags': 'a,b'}
    expected = server_mod.Server._query_mapping._transpose(query, server_mod.Server)
    assert ServerShaper.for_sdk().query_params(query) == expected
    assert expected['all_tenants'] is True and expected['changes-since'] == 'x' and expected['ip'] == '192.0.2.'


def test_a_shaper_that_does_not_match_the_sdk_is_not_used(monkeypatch):
    monkeypatch.setattr(ServerShaper, '_cached', {})
    monkeypatch.setattr(ServerShaper, 'shape', lambda self, raw, drop=(): {'different': True})
    assert ServerShaper.for_sdk() is None


def test_a_shaper_for_an_sdk_laid_out_differently_is_not_used(monkeypatch):
    from openstack import fields

    monkeypatch.setattr(ServerShaper, '_cached', {})
    monkeypatch.delattr(fields, '_convert_type')
    assert ServerShaper.for_sdk() is None


# ---------------------------------------------------------------------------------------------- paginated listing


class FakeResponse:
    status_code = 200
    headers = {}

    def __init__(self, data):
        self._data = data

    def json(self):
        return self._data


class FakeCompute:
    """Nova's /servers/detail in pages of ``page`` servers, with a next link while more remain."""

    default_microversion = None

    def __init__(self, servers, page=2):
        self.servers, self.page, self.calls = servers, page, []

    def get(self, url, params=None, microversion=None, headers=None):
        self.calls.append((url, dict(params or {}), microversion))
        start = 0
        if (params or {}).get('marker'):
            start = [s['id'] for s in self.servers].index(params['marker']) + 1
        chunk = self.servers[start : start + self.page]
        data = {'servers': copy.deepcopy(chunk)}
        if start + self.page < len(self.servers):
            data['servers_links'] = [{'rel': 'next', 'href': 'http://nova/servers/detail?marker=%s' % chunk[-1]['id']}]
        return FakeResponse(data)


class FakeConn:
    def __init__(self, compute):
        self.compute = compute


def raw_servers(count):
    return [dict(copy.deepcopy(SAMPLE_SERVER), id='s%02d' % i, name='web%02d' % i) for i in range(count)]


@pytest.fixture
def microversion(monkeypatch):
    monkeypatch.setattr(ServerShaper, 'microversion', lambda self, adapter: '2.100')


@pytest.mark.parametrize('count, pages', [(0, 1), (1, 1), (2, 1), (3, 2), (5, 3)])
def test_one_paginated_listing(microversion, count, pages):
    compute = FakeCompute(raw_servers(count))
    servers = InventoryCloud(FakeConn(compute)).list_server_dicts({'status': 'ACTIVE'}, drop=INFO_DROP_FIELDS)
    assert [s['name'] for s in servers] == ['web%02d' % i for i in range(count)]
    assert len(compute.calls) == pages
    assert all(url == '/servers/detail' and mv == '2.100' for url, _params, mv in compute.calls)
    assert all(params['status'] == 'ACTIVE' for _url, params, _mv in compute.calls)
    assert [params.get('marker') for _url, params, _mv in compute.calls] == [None] + [
        's%02d' % (2 * i + 1) for i in range(pages - 1)
    ]
    assert servers == [sdk_dict(raw) for raw in raw_servers(count)]


def test_all_projects_goes_to_nova_as_all_tenants(microversion):
    compute = FakeCompute(raw_servers(1))
    InventoryCloud(FakeConn(compute)).list_server_dicts({}, all_projects=True)
    assert compute.calls[0][1] == {'all_tenants': True}


def test_without_a_shaper_the_sdk_lists(monkeypatch):
    monkeypatch.setattr(ServerShaper, 'for_sdk', classmethod(lambda cls: None))
    seen = {}

    def list_servers(self, query=None, all_projects=False, limit=None, keep=None, drop=()):
        seen.update(query=query, all_projects=all_projects, drop=drop)
        return ['listed']

    monkeypatch.setattr(InventoryCloud, 'list_servers', list_servers)
    got = InventoryCloud(FakeConn(None)).list_server_dicts({'status': 'ACTIVE'}, all_projects=True, drop=('links',))
    assert got == ['listed']
    assert seen == {'query': {'status': 'ACTIVE'}, 'all_projects': True, 'drop': ('links',)}


# ---------------------------------------------------------------------------------------------- expand_hostvars


class NamesConn:
    def __init__(self, images):
        self.images, self.calls = images, []

    def list_flavors(self):
        self.calls.append('flavors')
        return [{'id': '1', 'name': 'm1.tiny'}, {'id': '2', 'name': 'm1.small'}]

    def list_images(self, **query):
        self.calls.append(('images', query['id']))
        wanted = query['id'][len('in:') :].split(',')
        return [{'id': i, 'name': self.images[i]} for i in wanted if i in self.images]


def with_image(sid, image_id, flavor=None):
    return {'id': sid, 'image': {'id': image_id}, 'flavor': flavor or {'original_name': 'm1.tiny'}}


def test_names_with_embedded_flavors_cost_one_image_listing():
    conn = NamesConn({'i1': 'ubuntu', 'i2': 'debian'})
    servers = [with_image('a', 'i1'), with_image('b', 'i2'), with_image('c', 'i1'), with_image('d', 'gone')]
    named = add_names(conn, servers)
    assert conn.calls == [('images', 'in:gone,i1,i2')]
    assert [(s['flavor_name'], s['image_name']) for s in named] == [
        ('m1.tiny', 'ubuntu'),
        ('m1.tiny', 'debian'),
        ('m1.tiny', 'ubuntu'),
        ('m1.tiny', None),
    ]


def test_names_before_microversion_2_47_cost_one_flavor_listing():
    conn = NamesConn({})
    servers = [with_image('a', '', {'id': '1'}), with_image('b', '', {'id': '2'}), with_image('c', '', {'id': '1'})]
    named = add_names(conn, servers)
    assert conn.calls == ['flavors']
    assert [s['flavor_name'] for s in named] == ['m1.tiny', 'm1.small', 'm1.tiny']
    assert [s['image_name'] for s in named] == [None, None, None]


def test_image_names_are_read_40_ids_a_request():
    conn = NamesConn(dict(('i%03d' % i, 'image %d' % i) for i in range(85)))
    named = add_names(conn, [with_image('s%d' % i, 'i%03d' % i) for i in range(85)])
    assert [c[0] for c in conn.calls] == ['images'] * 3
    assert named[84]['image_name'] == 'image 84'
