# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: openstack
short_description: OpenStack compute servers as Ansible hosts
version_added: 1.1.0
description:
  - Makes the servers of one or more OpenStack clouds into Ansible hosts, for playbooks, AWX / Automation
    Controller inventory sources and job slicing.
  - Reads the clouds of C(clouds.yaml) (and the C(OS_*) environment variables) as openstacksdk and the modules do.
    Every region of every cloud is listed at the same time, each with one paginated listing of Nova's servers;
    no request is sent per server.
  - "Each host has two variables: C(openstack), the server in the shape
    M(stackops.compute.server_info) returns it (the same keys, so a playbook can use either), plus
    C(openstack.cloud) with the C(name) and C(region) of the cloud it was read from; and C(ansible_host),
    chosen as the notes below say."
  - An inventory source is a YAML file named C(openstack.yml), C(<anything>.openstack.yml), C(os.yml) or
    C(<anything>.os.yml) (or C(.yaml)) whose C(plugin) key is V(stackops.compute.openstack).
  - Files of openstack.cloud's inventory plugin (whose C(plugin) key is V(openstack.cloud.openstack)) are not read
    by this plugin; change that line to move one over. The options below that share openstack.cloud's names mean
    the same, except where their descriptions say otherwise.
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description:
      - The name of this plugin, so that Ansible knows which plugin reads the file.
    type: str
    required: true
    choices: [stackops.compute.openstack]
  all_projects:
    description:
      - List the servers of every project the credentials may see, not only their own project.
      - Administrators only, by Nova's default policy.
    type: bool
    default: false
  clouds_yaml_path:
    description:
      - C(clouds.yaml) files to look at before openstacksdk's usual places (C(./clouds.yaml),
        C(~/.config/openstack/clouds.yaml), C(/etc/openstack/clouds.yaml)). The first file that exists is read.
      - The environment variable C(OS_CLIENT_CONFIG_FILE), when set, is looked at before these; AWX and Automation
        Controller set it to the file their OpenStack credential writes.
    type: list
    elements: path
    default: []
  expand_hostvars:
    description:
      - Add C(openstack.flavor_name) and C(openstack.image_name), as M(stackops.compute.server_info) does with
        O(stackops.compute.server_info#module:resolve_names=true).
      - Flavor names come with the servers (compute microversion 2.47 and later) at no cost; before that, one
        flavor listing per region. Image names cost one image listing per region, by ID (one request for
        up to 40 distinct images); an image that listing does not show (deleted, hidden, or shared and not
        accepted) has no name. No request is sent per server.
      - openstack.cloud's plugin adds the Cinder volumes instead; here C(openstack.attached_volumes) lists the
        volumes of each server without any request.
    type: bool
    default: false
  fail_on_errors:
    description:
      - What happens when a cloud (or one region of it) cannot be read, for example because its credentials
        are wrong or it does not answer.
      - V(true) fails the inventory source with one line that names the cloud and the problem.
      - V(false) leaves that cloud out with a warning that names it, and the other clouds load. When no cloud can
        be read at all, the source fails all the same, so that an empty inventory never replaces a full one.
      - openstack.cloud's default is V(false).
      - C(ansible-inventory) and C(ansible-playbook) go on after a source that fails, with a warning; set
        C(ANSIBLE_INVENTORY_UNPARSED_FAILED=true) to make that an error (AWX does).
    type: bool
    default: true
  inventory_hostname:
    description:
      - What hosts are named after.
      - V(name) - the server's name. Servers that share a name (in one cloud or across the clouds of this
        source) are named by their ID instead, so that two servers never become one host.
      - V(uuid) - the server's ID, always.
    type: str
    choices: [name, uuid]
    default: name
  legacy_groups:
    description:
      - Also put each host in the groups openstack.cloud's plugin makes (its default is V(true)). The cloud, the
        region and C(<cloud>_<region>); the values of the metadata keys C(group) and C(groups) (comma-separated);
        C(meta-<key>_<value>) for each metadata item; C(instance-<id>); C(flavor-<name>) and, with
        O(expand_hostvars), C(image-<name>); the availability zone, C(<region>_<zone>) and
        C(<cloud>_<region>_<zone>).
      - The names are the ones openstack.cloud uses. They contain characters Ansible does not want in group
        names (C(-), C(.)); Ansible's C(TRANSFORM_INVALID_GROUP_CHARS) setting decides whether they are
        replaced, and warns once either way.
      - O(keyed_groups) says the same with names of your choice.
    type: bool
    default: false
  only_clouds:
    description:
      - The clouds of C(clouds.yaml) to read, in this order. Left empty, every cloud C(clouds.yaml) defines.
      - A name that C(clouds.yaml) lacks is an error of that cloud (see O(fail_on_errors)).
    type: list
    elements: str
    default: []
  only_ipv4:
    description:
      - Never choose an IPv6 address for C(ansible_host).
    type: bool
    default: false
  preferred_networks:
    description:
      - Choose C(ansible_host) from the addresses on these networks first, in this order. Addresses on other
        networks come after them.
    type: list
    elements: str
    default: []
  private:
    description:
      - Choose a private address (a fixed address that is not globally routable) for C(ansible_host) before a
        public one (a floating IP or a globally routable fixed address), for a controller that runs inside the
        cloud.
    type: bool
    default: false
  server_filters:
    description:
      - Query parameters of Nova's server list, as a dictionary (openstacksdk's or Nova's names), sent to Nova as
        they are, for example C(status), C(name) (a regular expression Nova matches anywhere in the name),
        C(tags), C(availability_zone), C(key_name), C(flavor) (an ID), C(changes-since).
      - A key that is not a query parameter of Nova's server list fails before any request. Lists of tags are
        sent as Nova wants them, comma-separated.
      - Nova ignores, without error, parameters that the caller's role may not use.
    type: dict
    default: {}
  show_all:
    description:
      - Also add servers that have no address to choose for C(ansible_host) (for example a server without
        networks, or with only IPv6 addresses and O(only_ipv4)). Ansible then connects to them by their host name.
      - With O(use_names), every server has its name for C(ansible_host), so none is left out.
    type: bool
    default: false
  use_names:
    description:
      - Set C(ansible_host) to the server's name instead of an address, for example when the names are DNS
        names, or a jump host resolves them.
    type: bool
    default: false
notes:
  - "C(ansible_host) is chosen among the server's addresses (C(openstack.addresses)) in this order: addresses on
    the networks of O(preferred_networks) first; then public addresses before private ones (private first with
    O(private)); then IPv4 before IPv6; then a floating IP before a fixed address; then by network name, and in
    Nova's order within a network. Without O(preferred_networks) and O(private) this is the address
    M(stackops.compute.server_info) returns as C(interface_ip). A server with no address gets no C(ansible_host)
    and is left out unless O(show_all)."
  - The inventory cache options keep what was read from the clouds (not the hosts and groups made from it), so
    a changed O(compose), O(keyed_groups) or O(inventory_hostname) applies to cached data too. A read where a cloud
    was skipped is not cached.
  - Variables that come from the cloud (names, metadata, descriptions) are never templated by Ansible.
requirements:
  - openstacksdk >= 4.0.0 on the controller (in AWX, in the execution environment)
seealso:
  - module: stackops.compute.server_info
  - ref: ansible_collections.stackops.compute.docsite.inventory
    description: The inventory guide, with AWX inventory sources and job slicing.
author:
  - stackops.compute maintainers (@stackops)
'''

EXAMPLES = r'''
# compute.openstack.yml - every server of two clouds of clouds.yaml, grouped as the plays need them
plugin: stackops.compute.openstack
only_clouds: [prod, prod-dr]
keyed_groups:
  # role_web, role_db, ... from the server's metadata key "role"
  - key: openstack.metadata.role
    prefix: role
  # tag_web, tag_backup, ... one group per tag
  - key: openstack.tags
    prefix: tag
  # flavor_m1_small
  - key: openstack.flavor.original_name
    prefix: flavor
  # status_active, status_shutoff
  - key: openstack.status | lower
    prefix: status
  # az_nova
  - key: openstack.availability_zone
    prefix: az
  # cloud_prod_RegionOne
  - key: openstack.cloud.name ~ '_' ~ openstack.cloud.region
    prefix: cloud
groups:
  # every server whose metadata says it may be patched automatically
  patchable: openstack.metadata.auto_patch | default('no') == 'yes'
compose:
  # connect as the user the image's metadata names
  ansible_user: openstack.metadata.login_user | default('cloud-user')

# awx.os.yml - in an AWX project, with the OpenStack credential on the inventory source (its cloud is named
# devstack), the running servers, reached on their private addresses:
#
#   plugin: stackops.compute.openstack
#   only_clouds: [devstack]
#   server_filters:
#     status: ACTIVE
#   expand_hostvars: true
#   preferred_networks: [private]
#   private: true
#   keyed_groups:
#     - key: openstack.metadata.role
#       prefix: role

# openstack.yml - a source of openstack.cloud's plugin moved over: the plugin line changed, its groups kept,
# and what was read kept for an hour:
#
#   plugin: stackops.compute.openstack
#   legacy_groups: true
#   fail_on_errors: false
#   cache: true
#   cache_plugin: ansible.builtin.jsonfile
#   cache_connection: ~/.cache/ansible-inventory
#   cache_timeout: 3600
'''

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.release import __version__ as ANSIBLE_CORE_VERSION

from ansible_collections.stackops.compute.plugins.module_utils import _inventory, _inventory_read
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._sdk_inventory import (
    HAS_SDK,
    CloudsConfig,
    route_sdk_logs,
    server_query_names,
    unreadable_config,
)

# From ansible-core 2.19 on, what an inventory plugin reads is never templated unless marked trusted; before,
# every string had to be marked unsafe.
MARK_UNSAFE = tuple(int(p) for p in ANSIBLE_CORE_VERSION.split('.')[:2] if p.isdigit()) < (2, 19)


def _unsafe(value):
    if not MARK_UNSAFE:
        return value
    from ansible.utils.unsafe_proxy import wrap_var

    return wrap_var(value)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = 'stackops.compute.openstack'

    def verify_file(self, path):
        if not super(InventoryModule, self).verify_file(path):
            return False
        if _inventory.is_config_file_name(path):
            return True
        self.display.vvv(
            '%s: not named openstack.yml, *.openstack.yml, os.yml or *.os.yml (or .yaml), so not a source of %s'
            % (path, self.NAME)
        )
        return False

    def _read_config_data(self, path):
        try:
            return super(InventoryModule, self)._read_config_data(path)
        except AnsibleParserError as exc:
            text = str(exc)
            if 'Incorrect plugin name' in text and 'openstack.cloud.openstack' in text:
                raise AnsibleParserError(
                    "%s is a source of openstack.cloud's inventory plugin (plugin: openstack.cloud.openstack); to "
                    'read it with %s, change that line to "plugin: %s".' % (path, self.NAME, self.NAME)
                )
            raise

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache=cache)
        self._read_config_data(path)
        if not HAS_SDK:
            raise AnsibleParserError(
                '%s needs the Python library openstacksdk where Ansible runs (pip install openstacksdk).' % self.NAME
            )
        route_sdk_logs(debug=self.display.verbosity > 3)
        regions = self._cached_regions(path, cache)
        policy = _inventory.AddressPolicy(
            private=self.get_option('private'),
            only_ipv4=self.get_option('only_ipv4'),
            use_names=self.get_option('use_names'),
            networks=tuple(self.get_option('preferred_networks') or ()),
        )
        hosts, notes = _inventory.build_hosts(
            regions,
            policy,
            by_id=self.get_option('inventory_hostname') == 'uuid',
            show_all=self.get_option('show_all'),
            legacy=self.get_option('legacy_groups'),
        )
        for level, text in notes:
            if level == 'warning':
                self.display.warning(text)
            else:
                self.display.v(text)
        self._populate(hosts)

    def _cached_regions(self, path, cache):
        key = self.get_cache_key(path)
        use_cache = bool(self.get_option('cache'))
        if use_cache and cache:
            try:
                return self._cache[key]
            except KeyError:
                pass
        regions, complete = self._read_clouds()
        if use_cache and complete:
            self._cache[key] = regions
        return regions

    def _read_clouds(self):
        """The servers of every cloud region: (regions, whether every cloud was read)."""
        try:
            query = _inventory.plan_server_filters(self.get_option('server_filters'), server_query_names())
            config = CloudsConfig(self.get_option('clouds_yaml_path'))
        except ComputeError as exc:
            raise AnsibleParserError(exc.msg)
        plan = _inventory_read.ReadPlan(
            query=query, all_projects=self.get_option('all_projects'), expand=self.get_option('expand_hostvars')
        )
        tasks, failures = _inventory_read.region_tasks(config, self.get_option('only_clouds'))
        self.display.vvv('%s: reading %s' % (self.NAME, ', '.join('%s/%s' % t for t in tasks) or 'no cloud'))
        regions, failed = _inventory_read.read_all(config, tasks, plan)
        failures.extend(failed)
        if failures:
            hint = unreadable_config(config.files)
            lines = [f.line() for f in failures]
            if self.get_option('fail_on_errors') or not regions:
                raise AnsibleParserError(
                    ('No cloud could be read: ' if not regions and len(lines) > 1 else '')
                    + '; '.join(lines)
                    + (' ' + hint if hint else '')
                )
            for line in lines:
                self.display.warning('Skipped %s' % line)
        return regions, not failures

    def _populate(self, hosts):
        strict = self.get_option('strict')
        compose = self.get_option('compose')
        groups = self.get_option('groups')
        keyed_groups = self.get_option('keyed_groups')
        for host in hosts:
            self.inventory.add_host(host.name)
            variables = _unsafe(host.variables)
            for key, value in variables.items():
                self.inventory.set_variable(host.name, key, value)
            self._set_composite_vars(compose, variables, host.name, strict=strict)
            self._add_host_to_composed_groups(groups, variables, host.name, strict=strict)
            self._add_host_to_keyed_groups(keyed_groups, variables, host.name, strict=strict)
            for group in host.legacy_groups:
                self.inventory.add_host(host.name, group=self.inventory.add_group(group))
