# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet forms' pure parts: listings by name prefix, item options, failures, shared lookups."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import threading

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _fleet
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError


@pytest.mark.parametrize(
    'names, filters',
    [
        ([], []),
        (['web1'], [r'^web1$']),
        (['web2', 'web1', 'web3'], [r'^web']),
        (['web1', 'web1'], [r'^web1$']),
        (['db1', 'web1'], [r'^db1$', r'^web1$']),
        (['app-a', 'app-b', 'db-1', 'db-2'], [r'^app\-', r'^db\-']),
        (['ab1', 'ab2'], [r'^ab1$', r'^ab2$']),
        (['it-x-1', 'it-x-10', 'it-x-2'], [r'^it\-x\-']),
    ],
)
def test_name_filters(names, filters):
    assert _fleet.name_filters(names) == filters


@pytest.mark.parametrize('names', [['web1', 'web10', 'db.1', 'a+b', 'x'], ['s%03d' % i for i in range(50)]])
def test_name_filters_match_every_name(names):
    filters = [re.compile(f) for f in _fleet.name_filters(names)]
    assert all(any(f.search(n) for f in filters) for n in names)


@pytest.mark.parametrize(
    'values, repeated',
    [([], []), (['a', 'b'], []), (['a', 'b', 'a', 'a', 'b'], ['a', 'b'])],
)
def test_duplicates(values, repeated):
    assert _fleet.duplicates(values) == repeated


def test_merge_item_item_wins_and_unset_is_not_a_value():
    defaults = {'image': 'tiny', 'flavor': 'm1.tiny', 'tags': None}
    item = {'name': 'web1', 'flavor': 'm1.small', 'image': None, 'tags': ['a']}
    assert _fleet.merge_item(defaults, item) == {'name': 'web1', 'image': 'tiny', 'flavor': 'm1.small', 'tags': ['a']}


def test_failure_message_names_failed_items():
    results = [{'name': 'a', 'changed': True}, {'name': 'b', 'failed': True, 'msg': 'x'}, {'name': 'c', 'failed': True}]
    assert _fleet.failure_message(results) == '2 of 3 servers failed: b, c. See the msg of each in the results.'
    assert _fleet.failure_message(results[:1]) is None


def test_item_diffs_are_headed_by_name():
    results = [{'name': 'a', 'diff': {'before': {}, 'after': {'x': 1}}}, {'name': 'b'}]
    assert _fleet.item_diffs(results) == [
        {'before': {}, 'after': {'x': 1}, 'before_header': 'a', 'after_header': 'a'},
    ]


@pytest.mark.parametrize('concurrency, count, size', [(10, 3, 3), (2, 50, 2), (0, 5, 5), (None, 50, 10), (4, 0, 1)])
def test_pool_size(concurrency, count, size):
    assert _fleet.pool_size(concurrency, count) == size


def test_run_items_keeps_order_and_bounds_threads():
    lock = threading.Lock()
    running = {'now': 0, 'most': 0}
    gate = threading.Event()

    def work(item):
        with lock:
            running['now'] += 1
            running['most'] = max(running['most'], running['now'])
        gate.wait(0.05)
        with lock:
            running['now'] -= 1
        return item * 2

    assert _fleet.run_items(list(range(12)), work, concurrency=3) == [i * 2 for i in range(12)]
    assert running['most'] <= 3


class CountingCloud(object):
    def __init__(self, servers=()):
        self.servers = list(servers)
        self.calls = []

    def list_servers(self, query=None, all_projects=False):
        self.calls.append(('list_servers', query['name'], all_projects))
        pattern = re.compile(query['name'])
        return [dict(s) for s in self.servers if pattern.search(s['name'])]

    def find_servers(self, name_or_id, all_projects=False):
        self.calls.append(('find_servers', name_or_id))
        return [dict(s) for s in self.servers if name_or_id in (s['id'], s['name'])]

    def find_flavor(self, name):
        self.calls.append(('find_flavor', name))
        if name == 'm1.hueg':
            raise ComputeError('Flavor %r not found; available: m1.tiny.' % name)
        return {'id': 'f-' + name, 'name': name}

    def delete_server(self, server_id):
        self.calls.append(('delete_server', server_id))


def test_lookups_are_made_once_per_value_even_from_many_threads():
    cloud = CountingCloud()
    fleet = _fleet.FleetCloud(cloud)
    found = _fleet.run_items(['m1.tiny'] * 20 + ['m1.small'] * 5, fleet.find_flavor, concurrency=8)
    assert [f['name'] for f in found] == ['m1.tiny'] * 20 + ['m1.small'] * 5
    assert sorted(cloud.calls) == [('find_flavor', 'm1.small'), ('find_flavor', 'm1.tiny')]


def test_a_failed_lookup_is_shared_too():
    cloud = CountingCloud()
    fleet = _fleet.FleetCloud(cloud)
    errors = []
    for flavor in ['m1.hueg'] * 3:
        with pytest.raises(ComputeError, match='not found') as raised:
            fleet.find_flavor(flavor)
        errors.append(raised.value.msg)
    assert len(set(errors)) == 1
    assert cloud.calls == [('find_flavor', 'm1.hueg')]


def test_lookups_return_copies():
    fleet = _fleet.FleetCloud(CountingCloud())
    fleet.find_flavor('m1.tiny')['name'] = 'changed'
    assert fleet.find_flavor('m1.tiny')['name'] == 'm1.tiny'


def test_writes_are_not_shared():
    cloud = CountingCloud()
    fleet = _fleet.FleetCloud(cloud)
    fleet.delete_server('a')
    fleet.delete_server('a')
    assert cloud.calls == [('delete_server', 'a'), ('delete_server', 'a')]


def test_preloaded_servers_answer_finds_without_requests():
    servers = [
        {'id': 'id-1', 'name': 'web1'},
        {'id': 'id-2', 'name': 'web2'},
        {'id': 'id-3', 'name': 'web2'},
        {'id': 'id-4', 'name': 'web10'},
    ]
    cloud = CountingCloud(servers)
    fleet = _fleet.FleetCloud(cloud)
    fleet.preload_servers(['web1', 'web2', 'web3'])
    assert cloud.calls == [('list_servers', r'^web', False)]
    assert fleet.find_server('web1')['id'] == 'id-1'
    assert fleet.find_server('web3') is None
    with pytest.raises(ComputeError, match="2 servers are named 'web2'"):
        fleet.find_server('web2')
    assert len(cloud.calls) == 1
    # Not preloaded (another name, or all projects): the single form's lookup.
    assert fleet.find_server('web10')['id'] == 'id-4'
    assert fleet.find_server('web1', all_projects=True)['id'] == 'id-1'
    assert cloud.calls[1:] == [('find_servers', 'web10'), ('find_servers', 'web1')]


def test_preloaded_servers_leave_out_the_ones_nova_has_deleted():
    cloud = CountingCloud([{'id': 'id-1', 'name': 'web1', 'status': 'DELETED'}, {'id': 'id-2', 'name': 'web1'}])
    fleet = _fleet.FleetCloud(cloud)
    fleet.preload_servers(['web1'])
    assert fleet.find_server('web1')['id'] == 'id-2'


def test_preload_skips_ids():
    cloud = CountingCloud()
    _fleet.FleetCloud(cloud).preload_servers(['11111111-1111-4111-8111-111111111111'])
    assert cloud.calls == []


# ------------------------------------------------------------------------------------------------ items


def items(servers, defaults=None, **params):
    params.update(servers=servers, defaults=defaults or {}, wait=True, timeout=600)
    return _fleet.server_items(params)


def test_items_take_defaults_aliases_and_the_server_module_defaults():
    found, secrets = items(
        [{'name': 'web1', 'meta': {'a': '1'}}, {'name': 'web2', 'flavor': 'm1.small', 'userdata': 'secret'}],
        defaults={'image': 'tiny', 'flavor': 'm1.tiny', 'nics': ['private']},
    )
    web1, web2 = found
    assert (web1['image'], web1['flavor'], web1['networks'], web1['metadata']) == (
        'tiny',
        'm1.tiny',
        ['private'],
        {'a': '1'},
    )
    assert (web2['flavor'], web2['user_data']) == ('m1.small', 'secret')
    assert web1['state'] == 'present' and web1['purge_tags'] is False and web1['wait'] is True
    assert 'secret' in secrets


@pytest.mark.parametrize(
    'servers, defaults, message',
    [
        ([{'flavor': 'm1.tiny'}], {}, r'servers\[0\]: name is required'),
        ([{'name': 'a', 'colour': 'red'}], {}, r'servers\[0\]: .*colour'),
        ([{'name': 'a'}], {'state': 'gone'}, r'defaults: .*state'),
        ([{'name': 'a', 'auto_ip': True}], {'floating_ips': ['203.0.113.5']}, r'servers\[0\] \(a\): .*mutually'),
        ([{'name': 'a'}, {'name': 'b'}, {'name': 'a'}], {}, 'each name may appear once; repeated: a'),
        (['web1'], {}, r'servers\[0\] must be a dictionary'),
    ],
)
def test_bad_items_fail_before_anything_is_read(servers, defaults, message):
    with pytest.raises(ComputeError, match=message):
        items(servers, defaults)


# ------------------------------------------------------------------------------------------------ shared polls


class SlowListingCloud(CountingCloud):
    """Listings take a while, so that threads asking meanwhile pile up behind one."""

    def list_servers(self, query=None, all_projects=False):
        found = super(SlowListingCloud, self).list_servers(query, all_projects)
        threading.Event().wait(0.05)
        return found

    def get_server(self, server_id, drop=None):
        self.calls.append(('get_server', server_id))
        return None


def test_concurrent_reads_share_listings():
    servers = [{'id': 'id-%d' % i, 'name': 'web%d' % i, 'status': 'ACTIVE'} for i in range(8)]
    cloud = SlowListingCloud(servers)
    fleet = _fleet.FleetCloud(cloud)
    fleet.preload_servers([s['name'] for s in servers])
    del cloud.calls[:]
    found = _fleet.run_items([s['id'] for s in servers] * 3, fleet.get_server, concurrency=8)
    assert [s['name'] for s in found] == [s['name'] for s in servers] * 3
    listings = [c for c in cloud.calls if c[0] == 'list_servers']
    assert 1 <= len(listings) < 12
    assert not [c for c in cloud.calls if c[0] == 'get_server']


def test_a_read_never_gets_a_listing_older_than_itself():
    servers = [{'id': 'id-1', 'name': 'web1', 'status': 'BUILD'}]
    cloud = SlowListingCloud(servers)
    fleet = _fleet.FleetCloud(cloud)
    fleet.preload_servers(['web1'])
    assert fleet.get_server('id-1')['status'] == 'BUILD'
    cloud.servers[0]['status'] = 'ACTIVE'
    assert fleet.get_server('id-1')['status'] == 'ACTIVE'


def test_servers_the_listings_do_not_hold_are_read_alone():
    cloud = SlowListingCloud([{'id': 'id-1', 'name': 'web1'}])
    fleet = _fleet.FleetCloud(cloud)
    fleet.preload_servers(['web1'])
    del cloud.calls[:]
    assert fleet.get_server('other-id') is None
    assert cloud.calls == [('get_server', 'other-id')]


def test_too_many_servers_listed_means_polls_of_their_own(monkeypatch):
    monkeypatch.setattr(_fleet, 'SHARED_POLL_LIMIT', 0)
    cloud = SlowListingCloud([{'id': 'id-1', 'name': 'web1'}, {'id': 'id-2', 'name': 'web2'}])
    fleet = _fleet.FleetCloud(cloud)
    fleet.preload_servers(['web1'])
    del cloud.calls[:]
    fleet.get_server('id-1')
    assert cloud.calls == [('get_server', 'id-1')]


def test_a_server_missing_from_the_listing_is_asked_for_alone():
    cloud = SlowListingCloud([{'id': 'id-1', 'name': 'web1'}])
    fleet = _fleet.FleetCloud(cloud)
    fleet.preload_servers(['web1'])
    cloud.servers[0]['name'] = 'renamed'
    del cloud.calls[:]
    assert fleet.get_server('id-1') is None
    assert cloud.calls == [('list_servers', '^web1$', False), ('get_server', 'id-1')]
