# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: pure decisions of the openstack inventory plugin (names, addresses, groups)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import dataclasses
import ipaddress
import os

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._server_view import present_server

# What an inventory source of this plugin is called: ``openstack.yml`` or ``<anything>.openstack.yml``, and the
# short ``os.yml`` / ``<anything>.os.yml`` (``.yaml`` as well).
CONFIG_FILE_NAMES = ('openstack.yml', 'openstack.yaml', 'os.yml', 'os.yaml')

# openstack.cloud's inventory plugin; its files name it in ``plugin:``.
OPENSTACK_CLOUD_PLUGIN_NAMES = ('openstack.cloud.openstack', 'openstack')

# Query names of Nova's server list that have an option of their own in the inventory.
OPTION_OF_FILTER = {'all_projects': 'all_projects', 'all_tenants': 'all_projects'}

# Nova takes several tags as one comma-separated value.
TAG_FILTERS = ('tags', 'any_tags', 'not_tags', 'not_any_tags', 'tags-any', 'not-tags', 'not-tags-any')


def is_config_file_name(path: str) -> bool:
    """Whether ``path`` is named like an inventory source of this plugin."""
    base = os.path.basename(str(path))
    return any(base == name or base.endswith('.' + name) for name in CONFIG_FILE_NAMES)


def plan_server_filters(server_filters: dict, query_names: dict) -> dict:
    """``server_filters`` as the keyword arguments of the SDK's server listing (pure).

    ``query_names`` maps each SDK and Nova name of the listing's query parameters to its SDK name. A key that
    is neither fails before any request, with the names that are.
    """
    query = {}
    for key, value in sorted((server_filters or {}).items()):
        key = str(key)
        if key in OPTION_OF_FILTER:
            raise ComputeError(
                'server_filters: use the option %s instead of the key %s.' % (OPTION_OF_FILTER[key], key)
            )
        if key not in query_names:
            raise ComputeError(
                "server_filters: %s is not a query parameter of Nova's server list. Query parameters: %s."
                % (key, ', '.join(sorted(query_names)))
            )
        if key in TAG_FILTERS and isinstance(value, (list, tuple)):
            value = ','.join(str(v) for v in value)
        query[query_names[key]] = value
    return query


# ---------------------------------------------------------------------------------------------- addresses


@dataclasses.dataclass(frozen=True)
class AddressPolicy(object):
    """How ``ansible_host`` is chosen for a server (documented in the plugin's ``ansible_host`` notes)."""

    private: bool = False  # private (fixed, not globally routable) addresses first
    only_ipv4: bool = False  # IPv6 addresses are never chosen
    use_names: bool = False  # the server's name, not an address
    networks: tuple = ()  # addresses on these networks first, in this order


def _addresses(server: dict):
    """(index, network, kind, ip) of every address Nova shows for the server, by network name, then in Nova's
    order (as server_info's convenience addresses take them)."""
    index = 0
    for network, entries in sorted((server.get('addresses') or {}).items()):
        for entry in entries or ():
            try:
                ip = ipaddress.ip_address(str((entry or {}).get('addr') or ''))
            except ValueError:
                continue
            yield index, network, (entry.get('OS-EXT-IPS:type') or 'fixed'), ip
            index += 1


def address_rank(network: str, kind: str, ip, policy: AddressPolicy, index: int = 0) -> tuple:
    """The sort key of one address under ``policy``: smaller is chosen first (pure).

    Network preference first, then public before private (private before public with ``private``), then
    IPv4 before IPv6, then floating before fixed, then by network name and Nova's order. Public means a
    floating address or a globally routable fixed one, as in server_info's ``public_v4``.
    """
    networks = tuple(policy.networks or ())
    network_rank = networks.index(network) if network in networks else len(networks)
    is_public = kind == 'floating' or ip.is_global
    reach_rank = 0 if is_public != bool(policy.private) else 1
    return (network_rank, reach_rank, 0 if ip.version == 4 else 1, 0 if kind == 'floating' else 1, index)


def choose_ansible_host(server: dict, policy: AddressPolicy):
    """The address (or name) Ansible connects to, or None when the policy finds none (pure)."""
    if policy.use_names:
        return server.get('name') or None
    best = None
    for index, network, kind, ip in _addresses(server):
        if policy.only_ipv4 and ip.version != 4:
            continue
        rank = address_rank(network, kind, ip, policy, index)
        if best is None or rank < best[0]:
            best = (rank, str(ip))
    return best[1] if best else None


# ---------------------------------------------------------------------------------------------- hosts


@dataclasses.dataclass(frozen=True)
class Host(object):
    """One inventory host: its name, the server it stands for, its variables and openstack.cloud's groups."""

    name: str
    server: dict
    variables: dict
    legacy_groups: tuple = ()


def server_host_vars(server: dict, cloud: str, region: str, interface: str, policy: AddressPolicy) -> dict:
    """The host variables of a server: ``openstack`` (the server as server_info returns it, and the cloud
    and region it was read from) and ``ansible_host`` when the policy finds an address."""
    shown = present_server(server, interface or 'public')
    shown['cloud'] = {'name': cloud, 'region': region or None}
    variables = {'openstack': shown}
    address = choose_ansible_host(shown, policy)
    if address:
        variables['ansible_host'] = address
    return variables


def name_hosts(servers: list, by_id: bool = False):
    """Host names for servers: (hosts as [(name, server)], notes as [(level, text)]) (pure).

    ``servers`` holds server dicts with ``openstack.cloud`` already set, in the order of the inventory. A
    server is named after itself unless ``by_id``, or its name is shared with another server of the inventory
    (in one cloud or across clouds), or it is another server's ID: then it is named by its ID, so two servers
    never become one host. The same server listed twice (two clouds of the same project) is one host, from
    the cloud listed first.
    """
    notes = []
    unique = []
    first_seen = {}
    twice = collections.OrderedDict()
    for server in servers:
        server_id = server.get('id')
        if server_id in first_seen:
            twice.setdefault((_where(first_seen[server_id]), _where(server)), []).append(
                server.get('name') or server_id
            )
            continue
        first_seen[server_id] = server
        unique.append(server)
    for (first, again), names in twice.items():
        notes.append(
            (
                'warning',
                '%d server(s) listed by %s are listed by %s too (%s): their hosts take their variables from %s.'
                % (len(names), first, again, _some(names), first),
            )
        )
    counts = collections.Counter(s.get('name') for s in unique)
    ids = set(first_seen)
    shared = set()
    hosts = []
    for server in unique:
        name = server.get('name')
        if by_id or not name or counts[name] > 1 or (name in ids and name != server.get('id')):
            if name and counts[name] > 1:
                shared.add(name)
            hosts.append((server['id'], server))
        else:
            hosts.append((name, server))
    for name in sorted(shared):
        same = [s for s in unique if s.get('name') == name]
        notes.append(
            (
                'info',
                '%d servers are named %s: their hosts are named by ID (%s).'
                % (len(same), name, ', '.join('%s in %s' % (s['id'], _where(s)) for s in same)),
            )
        )
    return hosts, notes


def _some(names: list, shown: int = 3) -> str:
    if len(names) <= shown:
        return ', '.join(names)
    return '%s and %d more' % (', '.join(names[:shown]), len(names) - shown)


def _where(server: dict) -> str:
    cloud = server.get('cloud') or {}
    if cloud.get('region'):
        return 'cloud %s, region %s' % (cloud.get('name'), cloud['region'])
    return 'cloud %s' % cloud.get('name')


def legacy_groups(server: dict) -> tuple:
    """The groups openstack.cloud's inventory plugin makes for a server with ``legacy_groups`` (pure).

    Cloud, region and cloud_region; the metadata keys ``group`` and ``groups`` (comma-separated);
    ``meta-<key>_<value>`` for every metadata item; ``instance-<id>``; ``flavor-<name>`` and
    ``image-<name>`` when the name is known; the availability zone, ``<region>_<zone>`` and
    ``<cloud>_<region>_<zone>``. Names are kept as openstack.cloud writes them (with ``-`` and ``.``);
    Ansible's TRANSFORM_INVALID_GROUP_CHARS setting decides whether they are sanitized.
    """
    groups = []
    cloud = server.get('cloud') or {}
    cloud_name, region = cloud.get('name'), cloud.get('region')
    groups.append(cloud_name)
    if region:
        groups.extend([region, '%s_%s' % (cloud_name, region)])
    metadata = server.get('metadata') or {}
    if metadata.get('group'):
        groups.append(metadata['group'])
    groups.extend(part.strip() for part in str(metadata.get('groups') or '').split(',') if part.strip())
    groups.extend('meta-%s_%s' % (key, value) for key, value in sorted(metadata.items()))
    groups.append('instance-%s' % server.get('id'))
    flavor = server.get('flavor') or {}
    flavor_name = server.get('flavor_name') or flavor.get('name') or flavor.get('original_name')
    if flavor_name:
        groups.append('flavor-%s' % flavor_name)
    image = server.get('image') if isinstance(server.get('image'), dict) else {}
    image_name = server.get('image_name') or image.get('name')
    if image_name:
        groups.append('image-%s' % image_name)
    zone = server.get('availability_zone')
    if zone:
        groups.append(zone)
        if region:
            groups.extend(['%s_%s' % (region, zone), '%s_%s_%s' % (cloud_name, region, zone)])
    seen = set()
    return tuple(g for g in (str(g) for g in groups if g) if not (g in seen or seen.add(g)))


def build_hosts(regions: list, policy: AddressPolicy, by_id: bool = False, show_all: bool = False, legacy=False):
    """Hosts from the regions read: ([Host], notes) (pure).

    ``regions`` is a list of ``{'cloud', 'region', 'interface', 'servers'}`` in the inventory's order.
    Without ``show_all``, servers the address policy finds no ``ansible_host`` for are left out.
    """
    shaped = []
    for region in regions:
        for server in region.get('servers') or ():
            variables = server_host_vars(
                server, region.get('cloud'), region.get('region'), region.get('interface'), policy
            )
            if not show_all and 'ansible_host' not in variables:
                continue
            shaped.append(variables)
    named, notes = name_hosts([v['openstack'] for v in shaped], by_id=by_id)
    by_server = dict((id(v['openstack']), v) for v in shaped)
    hosts = [
        Host(name, server, by_server[id(server)], legacy_groups(server) if legacy else ()) for name, server in named
    ]
    return hosts, notes
