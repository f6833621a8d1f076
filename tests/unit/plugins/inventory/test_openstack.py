# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stackops.compute.openstack inventory plugin wired to fake clouds: hosts, groups, errors, cache, and
every cloud region read at the same time."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

pytest.importorskip('openstack')

from ansible.errors import AnsibleParserError  # noqa: E402
from ansible.inventory.data import InventoryData  # noqa: E402
from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.plugins.loader import inventory_loader  # noqa: E402

from ansible_collections.stackops.compute.plugins.inventory import openstack as plugin_module  # noqa: E402
from ansible_collections.stackops.compute.plugins.module_utils import _inventory_read  # noqa: E402
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError  # noqa: E402

ID = '%08d-1111-4111-8111-111111111111'


def server(n, name, **extra):
    data = {
        'id': ID % n,
        'name': name,
        'status': 'ACTIVE',
        'metadata': {},
        'tags': [],
        'availability_zone': 'nova',
        'flavor': {'original_name': 'm1.tiny', 'name': 'm1.tiny', 'id': 'm1.tiny'},
        'image': {'id': 'img-1'},
        'addresses': {'private': [{'addr': '192.0.2.%d' % n, 'version': 4, 'OS-EXT-IPS:type': 'fixed'}]},
    }
    data.update(extra)
    return data


class FakeRegion:
    def __init__(self, config, cloud, region):
        self.config, self.cloud, self.region_name, self.interface = config, cloud, region, 'public'

    def list_server_dicts(self, query=None, all_projects=False, drop=()):
        self.config.listings.append((self.cloud, self.region_name, dict(query or {}), all_projects))
        found = self.config.clouds[self.cloud]
        if isinstance(found, Exception):
            raise found
        return [dict(s) for s in found.get(self.region_name, [])]

    def list_images(self, **query):
        self.config.listings.append((self.cloud, self.region_name, 'images', query))
        return [{'id': 'img-1', 'name': 'tiny'}]

    def list_flavors(self):
        return []


class FakeConfig:
    """clouds.yaml as the plugin sees it: {cloud: {region: [server...]} or an exception}."""

    instances = []

    def __init__(self, config_files=None):
        self.files = list(config_files or ())
        self.file_name = '/fake/clouds.yaml'
        self.listings = []
        FakeConfig.instances.append(self)

    def cloud_names(self):
        return list(self.clouds)

    def region_names(self, cloud):
        found = self.clouds[cloud]
        return ['RegionOne'] if isinstance(found, Exception) else list(found)

    def connect(self, cloud, region=''):
        return FakeRegion(self, cloud, region)


@pytest.fixture
def clouds(monkeypatch):
    FakeConfig.instances = []
    FakeConfig.clouds = {
        'local': {
            'RegionOne': [
                server(1, 'web1', metadata={'role': 'web'}, tags=['blue', 'patch']),
                server(2, 'db1', metadata={'role': 'db'}, status='SHUTOFF', availability_zone='az2'),
                server(3, 'nonet', addresses={}),
            ]
        },
        'local-alt': {'RegionOne': [server(4, 'web1', metadata={'role': 'web'})]},
    }
    monkeypatch.setattr(plugin_module, 'CloudsConfig', FakeConfig)
    return FakeConfig


@pytest.fixture
def warnings(monkeypatch):
    seen = []
    plugin = inventory_loader.get('stackops.compute.openstack')
    monkeypatch.setattr(plugin.display, 'warning', lambda msg, *a, **k: seen.append(msg))
    return seen


def parse(tmp_path, text, name='test.openstack.yml', cache=True):
    path = tmp_path / name
    path.write_text('plugin: stackops.compute.openstack\n' + text)
    plugin = inventory_loader.get('stackops.compute.openstack')
    inventory = InventoryData()
    assert plugin.verify_file(str(path))
    plugin.parse(inventory, DataLoader(), str(path), cache=cache)
    # What Ansible's inventory manager does after a source parsed.
    try:
        plugin.update_cache_if_changed()
    except AttributeError:
        pass
    return inventory


def members(inventory, group):
    return sorted(h.name for h in inventory.groups[group].get_hosts()) if group in inventory.groups else None


def test_hosts_and_variables_from_two_clouds(tmp_path, clouds):
    inventory = parse(tmp_path, 'only_clouds: [local, local-alt]\n')
    # web1 is in both clouds: two hosts named by ID; nonet has no address and is left out.
    assert sorted(inventory.hosts) == sorted([ID % 1, 'db1', ID % 4])
    db1 = inventory.get_host('db1').vars
    assert db1['ansible_host'] == '192.0.2.2'
    assert db1['openstack']['cloud'] == {'name': 'local', 'region': 'RegionOne'}
    assert db1['openstack']['private_v4'] == '192.0.2.2' and db1['openstack']['interface_ip'] == '192.0.2.2'
    assert inventory.get_host(ID % 4).vars['openstack']['cloud']['name'] == 'local-alt'
    # One listing per cloud region, nothing else.
    assert sorted(c[:2] for c in clouds.instances[0].listings) == [('local', 'RegionOne'), ('local-alt', 'RegionOne')]


def test_constructed_groups(tmp_path, clouds):
    inventory = parse(
        tmp_path,
        '''only_clouds: [local]
show_all: true
keyed_groups:
  - {key: openstack.metadata.role, prefix: role}
  - {key: openstack.tags, prefix: tag}
  - {key: openstack.flavor.original_name, prefix: flavor}
  - {key: openstack.status | lower, prefix: status}
  - {key: openstack.availability_zone, prefix: az}
  - {key: "openstack.cloud.name ~ '_' ~ openstack.cloud.region", prefix: cloud}
groups:
  shutoff: openstack.status == 'SHUTOFF'
compose:
  role: openstack.metadata.role | default('none')
''',
    )
    assert members(inventory, 'role_web') == ['web1']
    assert members(inventory, 'role_db') == ['db1']
    assert members(inventory, 'tag_blue') == ['web1'] and members(inventory, 'tag_patch') == ['web1']
    assert members(inventory, 'flavor_m1_tiny') == ['db1', 'nonet', 'web1']
    assert members(inventory, 'status_shutoff') == ['db1'] and members(inventory, 'shutoff') == ['db1']
    assert members(inventory, 'az_az2') == ['db1'] and members(inventory, 'az_nova') == ['nonet', 'web1']
    assert members(inventory, 'cloud_local_RegionOne') == ['db1', 'nonet', 'web1']
    assert inventory.get_host('nonet').vars['role'] == 'none'
    assert 'ansible_host' not in inventory.get_host('nonet').vars


def test_legacy_groups(tmp_path, clouds):
    inventory = parse(tmp_path, 'only_clouds: [local]\nlegacy_groups: true\n')
    assert members(inventory, 'local') == ['db1', 'web1']
    assert members(inventory, 'meta-role_web') == ['web1']
    assert members(inventory, 'instance-%s' % (ID % 2)) == ['db1']
    assert members(inventory, 'az2') == ['db1']
    assert members(inventory, 'local_RegionOne_nova') == ['web1']


def test_no_legacy_groups_by_default(tmp_path, clouds):
    inventory = parse(tmp_path, 'only_clouds: [local]\n')
    assert sorted(inventory.groups) == ['all', 'ungrouped']


def test_options_reach_the_listing(tmp_path, clouds):
    parse(
        tmp_path,
        '''only_clouds: [local]
all_projects: true
server_filters: {status: ACTIVE, tags: [a, b], changes-since: '2026-01-01T00:00:00Z'}
expand_hostvars: true
''',
    )
    listings = clouds.instances[0].listings
    assert listings[0] == (
        'local',
        'RegionOne',
        {'status': 'ACTIVE', 'tags': 'a,b', 'changes_since': '2026-01-01T00:00:00Z'},
        True,
    )
    assert listings[1][2] == 'images'


def test_expand_hostvars_adds_names(tmp_path, clouds):
    inventory = parse(tmp_path, 'only_clouds: [local]\nexpand_hostvars: true\n')
    assert inventory.get_host('web1').vars['openstack']['image_name'] == 'tiny'
    assert inventory.get_host('web1').vars['openstack']['flavor_name'] == 'm1.tiny'


@pytest.mark.parametrize(
    'text, hosts',
    [
        ('inventory_hostname: uuid\n', [ID % 1, ID % 2]),
        ('use_names: true\n', ['db1', 'nonet', 'web1']),
        ('private: true\npreferred_networks: [private]\nonly_ipv4: true\n', ['db1', 'web1']),
    ],
)
def test_naming_and_address_options(tmp_path, clouds, text, hosts):
    inventory = parse(tmp_path, 'only_clouds: [local]\n' + text)
    assert sorted(inventory.hosts) == sorted(hosts)


def test_a_failing_cloud_fails_the_source_with_one_line(tmp_path, clouds):
    clouds.clouds['local-alt'] = ComputeError('Authentication failed while listing servers: check the credentials.')
    with pytest.raises(AnsibleParserError) as raised:
        parse(tmp_path, '')
    message = str(raised.value)
    assert 'cloud local-alt, region RegionOne: Authentication failed while listing servers' in message
    assert '\n' not in message.strip()


def test_a_failing_cloud_is_skipped_with_a_warning(tmp_path, clouds, warnings):
    clouds.clouds['local-alt'] = ComputeError('Cannot reach the cloud while listing servers: refused')
    inventory = parse(tmp_path, 'fail_on_errors: false\n')
    assert sorted(inventory.hosts) == ['db1', 'web1']
    assert warnings == [
        'Skipped cloud local-alt, region RegionOne: Cannot reach the cloud while listing servers: refused'
    ]


def test_when_no_cloud_can_be_read_the_source_fails_anyway(tmp_path, clouds):
    clouds.clouds['local'] = ComputeError('down')
    clouds.clouds['local-alt'] = RuntimeError('surprise\nwith a second line')
    with pytest.raises(AnsibleParserError) as raised:
        parse(tmp_path, 'fail_on_errors: false\n')
    assert str(raised.value).startswith(
        'No cloud could be read: cloud local, region RegionOne: down; '
        'cloud local-alt, region RegionOne: RuntimeError: surprise'
    )


def test_a_cloud_that_clouds_yaml_lacks(tmp_path, clouds, warnings):
    with pytest.raises(AnsibleParserError) as raised:
        parse(tmp_path, 'only_clouds: [local, nope]\n')
    assert 'cloud nope: Cloud nope is not in /fake/clouds.yaml; it has: local, local-alt.' in str(raised.value)
    inventory = parse(tmp_path, 'only_clouds: [local, nope]\nfail_on_errors: false\n')
    assert sorted(inventory.hosts) == ['db1', 'web1']
    assert warnings == ['Skipped cloud nope: Cloud nope is not in /fake/clouds.yaml; it has: local, local-alt.']


def test_bad_server_filters_fail_before_any_cloud_is_read(tmp_path, clouds):
    with pytest.raises(AnsibleParserError) as raised:
        parse(tmp_path, 'server_filters: {colour: blue}\n')
    assert "server_filters: colour is not a query parameter of Nova's server list" in str(raised.value)
    assert clouds.instances == []


def test_a_file_for_openstack_cloud(tmp_path, clouds):
    path = tmp_path / 'openstack.yml'
    path.write_text('plugin: openstack.cloud.openstack\n')
    plugin = inventory_loader.get('stackops.compute.openstack')
    with pytest.raises(AnsibleParserError) as raised:
        plugin.parse(InventoryData(), DataLoader(), str(path))
    assert 'change that line to "plugin: stackops.compute.openstack"' in str(raised.value)


def test_verify_file(tmp_path):
    plugin = inventory_loader.get('stackops.compute.openstack')
    for name, wanted in (('a.openstack.yml', True), ('os.yaml', True), ('hosts.yml', False)):
        path = tmp_path / name
        path.write_text('plugin: stackops.compute.openstack\n')
        assert plugin.verify_file(str(path)) is wanted
    assert plugin.verify_file(str(tmp_path / 'missing.openstack.yml')) is False


CACHE = 'cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n'


def test_cache_keeps_what_was_read(tmp_path, clouds):
    text = 'only_clouds: [local]\n' + CACHE % (tmp_path / 'cache')
    first = parse(tmp_path, text)
    clouds.clouds['local'] = ComputeError('down')
    again = parse(tmp_path, text)
    assert sorted(again.hosts) == sorted(first.hosts) == ['db1', 'web1']
    assert clouds.instances[-1:] == clouds.instances[:1]  # the second parse connected to nothing
    # Refreshing (cache=False, as --flush-cache asks) reads the clouds again.
    with pytest.raises(AnsibleParserError):
        parse(tmp_path, text, cache=False)


def test_a_partial_read_is_not_cached(tmp_path, clouds, warnings):
    text = 'fail_on_errors: false\n' + CACHE % (tmp_path / 'cache')
    clouds.clouds['local-alt'] = ComputeError('down')
    parse(tmp_path, text)
    clouds.clouds['local-alt'] = {'RegionOne': [server(4, 'alt1')]}
    assert 'alt1' in parse(tmp_path, text).hosts


def test_cloud_values_are_never_templated(tmp_path, clouds):
    clouds.clouds['local']['RegionOne'][0]['metadata'] = {'role': '{{ lookup("env", "HOME") }}'}
    inventory = parse(tmp_path, 'only_clouds: [local]\n')
    value = inventory.get_host('web1').vars['openstack']['metadata']['role']
    if plugin_module.MARK_UNSAFE:
        from ansible.utils.unsafe_proxy import AnsibleUnsafe

        assert isinstance(value, AnsibleUnsafe)
    else:
        from ansible.template import is_trusted_as_template

        assert not is_trusted_as_template(value)


# ---------------------------------------------------------------------------------------------- reading regions


def test_regions_are_read_at_the_same_time():
    """Each read waits for the other: only reads that run at the same time finish."""
    both = threading.Barrier(2, timeout=10)

    def read(config, cloud, region, plan):
        both.wait()
        return {'cloud': cloud, 'region': region, 'servers': []}

    tasks = [('a', 'r1'), ('a', 'r2')]
    results, failures = _inventory_read.read_all(None, tasks, _inventory_read.ReadPlan(query={}), read=read)
    assert failures == [] and [r['region'] for r in results] == ['r1', 'r2']


def test_results_keep_the_order_of_the_clouds_whatever_finishes_first():
    order = threading.Event()

    def read(config, cloud, region, plan):
        if cloud == 'first':
            order.wait(10)
        else:
            order.set()
        if cloud == 'broken':
            raise ComputeError('no')
        return {'cloud': cloud}

    tasks = [('first', ''), ('second', ''), ('broken', '')]
    results, failures = _inventory_read.read_all(None, tasks, _inventory_read.ReadPlan(query={}), read=read)
    assert [r['cloud'] for r in results] == ['first', 'second']
    assert [f.line() for f in failures] == ['cloud broken: no']


def test_region_tasks_in_the_order_named(clouds):
    config = FakeConfig()
    clouds.clouds['multi'] = {'r1': [], 'r2': []}
    tasks, failures = _inventory_read.region_tasks(config, ['multi', 'local'])
    assert tasks == [('multi', 'r1'), ('multi', 'r2'), ('local', 'RegionOne')]
    assert failures == []
    tasks, failures = _inventory_read.region_tasks(config, [])
    assert [t[0] for t in tasks] == ['local', 'local-alt', 'multi', 'multi']
