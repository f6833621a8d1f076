#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: server_info
short_description: Find OpenStack compute servers and read everything about them
version_added: 1.0.0
description:
  - Lists the servers that match the filters, with every attribute Nova shows and the convenience addresses.
  - Filters go to Nova whenever Nova can apply them, so only matching servers travel. Python applies only what
    Nova cannot (O(metadata), server attributes in O(filters)) and checks again what Nova may quietly ignore
    (O(host), O(hypervisor) and O(project) for users that are not administrators, exact names).
  - A plain call costs one listing request after authentication and version discovery. Pages are read only
    until O(limit) servers are found.
  - Names of flavor and image (O(resolve_names)) and the O(extras) cost more requests; none is read unless asked.
  - O(query) shapes the result with a JMESPath expression, so a task registers only what it needs.
  - Only reads. It never reports a change and runs the same in check mode.
extends_documentation_fragment:
  - stackops.compute.auth
  - stackops.compute.attributes
  - stackops.compute.attributes.info_module
options:
  all_projects:
    description:
      - List the servers of every project, not only the project of the credentials.
      - Administrators only, by Nova's default policy.
    type: bool
    default: false
  availability_zone:
    description:
      - Only servers in this availability zone, matched exactly.
    type: str
  changes_since:
    description:
      - Only servers changed at or after this time, an ISO 8601 date and time such as V(2026-01-31T12:00:00Z).
      - Like Nova, this includes servers deleted since that time, in status C(DELETED).
    type: str
  console_output_length:
    description:
      - With V(console_output) in O(extras), how many of the last lines of the console to return.
      - Left out, the whole console log is returned.
    type: int
  extras:
    description:
      - More about each server, read with more requests. None is read unless listed.
      - V(console_output) - the console log, in RV(servers[].console_output). One request per server.
      - V(topology) - the NUMA topology, in RV(servers[].topology). One request per server; compute microversion
        2.78 or later.
      - V(security_groups) - the full security groups (with rules) of the server's ports, in
        RV(servers[].security_group_details). Two requests for up to 40 servers.
      - V(password) - the encrypted administrator password the guest posted to the metadata service, in
        RV(servers[].password). One request per server. Decrypt it with the private key of the keypair.
      - V(volumes) - the volumes attached to the server with their names, sizes and devices, in
        RV(servers[].volume_details). One listing of the project's volumes (every project's with
        O(all_projects)) for all the servers, however many; needs Cinder.
      - When an extra cannot be read for one server (for example the console of a shelved server), its value
        is V(null) and the module warns; the other servers are unaffected.
    type: list
    elements: str
    choices: [console_output, password, security_groups, topology, volumes]
    default: []
  filters:
    description:
      - More filters, as a dictionary.
      - A key that is a query parameter of Nova's server list (openstacksdk or Nova spelling, for example
        C(key_name), C(locked), C(ip), C(ip6), C(vm_state), C(task_state), C(user_id), C(changes_before),
        C(sort_key)) is sent to Nova as it is. Nova ignores, without error, parameters that the caller's
        role may not use.
      - A key that is a server attribute Nova cannot filter on (for example C(security_groups),
        C(is_locked), C(fault)) is compared in Python with the value of each server. A dictionary value matches
        when the server's value has all its keys with the same values.
      - A key that has an option of its own and is a server attribute (C(name), C(status), C(flavor), C(image),
        C(tags), ...) is compared in Python with the server's value, as openstack.cloud's C(filters) compares
        it; the option (O(server), O(status), O(flavor)...) asks Nova instead, which reads fewer servers. Given
        both ways, or for a key that is no attribute (C(all_tenants), C(limit), ...), it is refused.
      - With an ID in O(server), keys sent to Nova that are not also server attributes cannot be applied,
        and the module warns.
    type: dict
  flavor:
    description:
      - Only servers of this flavor, by name or ID.
      - A name costs one lookup to find the ID Nova filters on.
    type: str
  host:
    description:
      - Only servers on this compute host (Nova's C(host) query parameter).
      - Administrators only. Nova ignores this filter for other users, who cannot see the host either, so
        for them the module returns no server and warns.
    type: str
  hypervisor:
    description:
      - Only servers on this hypervisor (Nova's C(node) query parameter), matched exactly.
      - Administrators only, like O(host).
    type: str
  image:
    description:
      - Only servers booted from this image, by name or ID.
      - A name costs one lookup to find the ID Nova filters on.
    type: str
  limit:
    description:
      - Return at most this many servers.
      - Nova is asked for pages of this size and reading stops as soon as enough servers are found. When
        Python filters too (O(metadata), attributes in O(filters)), pages are read until enough pass.
    type: int
  metadata:
    description:
      - Only servers whose metadata has all these keys with these values.
      - Nova's API cannot filter on metadata, so the servers the other filters select are read and compared
        in Python. Combine with other filters on large clouds.
    type: dict
  name_regex:
    description:
      - Pass O(server) to Nova as a regular expression (Nova matches it anywhere in the name, without case
        on most databases) instead of matching the name exactly.
    type: bool
    default: false
  not_tags:
    description:
      - Leave out servers that have all of these tags.
    type: list
    elements: str
  not_tags_any:
    description:
      - Leave out servers that have any of these tags.
    type: list
    elements: str
    aliases: [not_any_tags]
  project:
    description:
      - Only servers of this project, by name or ID.
      - For a project other than the one of the credentials, set O(all_projects=true) (administrators).
        Without it Nova lists the credentials' own project only, and the module keeps the servers of
        O(project) among them.
      - A name costs no request when it is the credentials' own project, else one identity lookup.
    type: str
  query:
    description:
      - A JMESPath expression applied to the list of servers, after every filter, extra and name.
      - Its result is returned in RV(query_result); RV(servers) is returned as well.
      - Needs the Python library C(jmespath) where the module runs.
    type: str
  resolve_names:
    description:
      - Add RV(servers[].flavor_name) and RV(servers[].image_name), and the image name also as C(image.name) (where
        openstack.cloud's C(detailed) puts it).
      - Flavor names come with the servers from compute microversion 2.47, at no cost. Image names cost one
        image listing for up to 40 distinct images, and one more request for each image that listing does not
        show (hidden, shared or deleted images).
    type: bool
    default: false
    aliases: [detailed]
  server:
    description:
      - Name or ID of the server.
      - An ID reads that server with one request; the other filters are then checked on it.
      - A name matches exactly (Nova is asked with an anchored expression, then names are compared exactly),
        unless O(name_regex=true).
    type: str
    aliases: [name]
  status:
    description:
      - Only servers in one of these statuses, like V(ACTIVE) or V(SHUTOFF), in any case.
    type: list
    elements: str
  tags:
    description:
      - Only servers that have all of these tags.
    type: list
    elements: str
  tags_any:
    description:
      - Only servers that have at least one of these tags.
    type: list
    elements: str
    aliases: [any_tags]
notes:
  - The convenience addresses (RV(servers[].interface_ip) and the others) depend on the option O(interface),
    V(public) when left out.
author:
  - stackops.compute maintainers (@stackops)
'''

EXAMPLES = r'''
- name: Read one server by name
  stackops.compute.server_info:
    cloud: mycloud
    server: web1
  register: web1

- name: Stopped servers tagged web in one availability zone, with flavor and image names
  stackops.compute.server_info:
    cloud: mycloud
    status: SHUTOFF
    tags: [web]
    availability_zone: nova
    resolve_names: true
  register: stopped_web

- name: Servers of a role, by metadata, as name -> address for an inventory
  stackops.compute.server_info:
    cloud: mycloud
    metadata:
      role: db
    query: "[].{name: name, ip: interface_ip}"
  register: dbs

- name: The first 50 servers whose names start with batch-
  stackops.compute.server_info:
    cloud: mycloud
    server: "^batch-"
    name_regex: true
    limit: 50

- name: Every server on a compute host, in all projects (administrators)
  stackops.compute.server_info:
    cloud: mycloud-admin
    host: compute-03
    all_projects: true

- name: Console output and security group rules of one server
  stackops.compute.server_info:
    cloud: mycloud
    server: web1
    extras: [console_output, security_groups]
    console_output_length: 50

- name: Locked servers created by one key, through raw Nova filters
  stackops.compute.server_info:
    cloud: mycloud
    filters:
      locked: true
      key_name: deploy-key

# From a shell:
#   ansible localhost -m stackops.compute.server_info -a "cloud=mycloud server=web1"
'''

RETURN = r'''
servers:
  description:
    - The servers that match, each with every attribute openstacksdk reads from Nova and the convenience
      addresses. Attributes Nova shows to administrators only are V(null) for other users.
    - User data and the administrator password never show; their keys are there, masked or V(null).
  returned: always
  type: list
  elements: dict
  contains:
    access_ipv4:
      description: IPv4 address set as the server's access address (Nova's C(accessIPv4)).
      type: str
    access_ipv6:
      description: IPv6 address set as the server's access address (Nova's C(accessIPv6)).
      type: str
    admin_password:
      description: Always V(null) - Nova shows the administrator password only in its answer to the create
        request. Here because openstack.cloud's results have it.
      type: str
    addresses:
      description: Addresses per network name, each with C(addr), C(version), C(OS-EXT-IPS:type) and
        C(OS-EXT-IPS-MAC:mac_addr).
      type: dict
      sample: {"private": [{"addr": "192.0.2.10", "version": 4, "OS-EXT-IPS:type": "fixed"}]}
    attached_volumes:
      description: The volumes attached to the server, each with C(id) and C(delete_on_termination).
      type: list
      elements: dict
    availability_zone:
      description: The availability zone the server is in.
      type: str
    block_device_mapping:
      description: Block device mapping given at creation; Nova does not show it after, so usually V(null).
      type: list
      elements: dict
    compute_host:
      description: The compute host the server runs on (administrators only).
      type: str
    config_drive:
      description: Whether a config drive is attached, as Nova says it (V(True) or an empty string).
      type: str
    console_output:
      description: The console log (last O(console_output_length) lines), with V(console_output) in O(extras).
      returned: when asked for in O(extras)
      type: str
    created_at:
      description: When the server was created.
      type: str
      sample: '2026-01-31T12:00:00Z'
    description:
      description: The server's description.
      type: str
    disk_config:
      description: How the root disk was partitioned, V(AUTO) or V(MANUAL).
      type: str
    fault:
      description: The last fault, with C(code), C(message), C(created) (and C(details) for administrators),
        when the server is in C(ERROR).
      type: dict
    flavor:
      description: The flavor as the server embeds it. From compute microversion 2.47 it holds the flavor's
        C(original_name), C(vcpus), C(ram), C(disk), C(ephemeral), C(swap) and C(extra_specs); before, its C(id).
      type: dict
    flavor_id:
      description: Flavor reference given at creation; V(null) in listings.
      type: str
    flavor_name:
      description: The name of the server's flavor.
      returned: when O(resolve_names=true)
      type: str
    has_config_drive:
      description: Same as RV(servers[].config_drive).
      type: str
    host:
      description: Host requested at creation; V(null) in listings.
      type: str
    host_id:
      description: An ID of the compute host, hashed per project, to tell whether two servers share a host.
      type: str
    host_status:
      description: State of the compute host (C(UP), C(DOWN), C(MAINTENANCE), C(UNKNOWN)), when the policy
        shows it.
      type: str
    hostname:
      description: The hostname of the guest.
      type: str
    hypervisor_hostname:
      description: The hypervisor the server runs on (administrators only).
      type: str
    id:
      description: The server's ID.
      type: str
    image:
      description:
        - The image the server booted from, with its C(id); empty for a server booted from a volume.
        - With O(resolve_names=true), also its C(name), as openstack.cloud's C(detailed) gives it (the same as
          RV(servers[].image_name)).
      type: dict
    image_id:
      description: Image reference given at creation; V(null) in listings.
      type: str
    image_name:
      description: The name of the server's image; V(null) for a server booted from a volume or an image that
        is gone.
      returned: when O(resolve_names=true)
      type: str
    instance_name:
      description: The hypervisor's name for the server (administrators only).
      type: str
    interface_ip:
      description: The address a client on the side of O(interface) should use - public first for V(public),
        private first for V(internal) and V(admin). Empty when the server has no address.
      type: str
    is_locked:
      description: Whether the server is locked.
      type: bool
    kernel_id:
      description: Kernel image of an AMI-style server (administrators only).
      type: str
    key_name:
      description: The keypair injected at creation.
      type: str
    launch_index:
      description: The index of the server in a multiple create (administrators only).
      type: int
    launched_at:
      description: When the server was last launched.
      type: str
    links:
      description: Nova's links to the server, each with C(href) and C(rel) (V(self), V(bookmark)).
      type: list
      elements: dict
    locked_reason:
      description: Why the server is locked, when a reason was given.
      type: str
    max_count:
      description: Used at creation only; V(null) in listings.
      type: int
    metadata:
      description: The server's metadata.
      type: dict
    min_count:
      description: Used at creation only; V(null) in listings.
      type: int
    name:
      description: The server's name.
      type: str
    networks:
      description: Networks requested at creation; V(null) in listings (see RV(servers[].addresses)).
      type: raw
    password:
      description: The encrypted administrator password the guest posted, empty when none.
      returned: when asked for in O(extras)
      type: str
    personality:
      description: Files injected at creation; V(null) in listings.
      type: list
      elements: dict
    pinned_availability_zone:
      description: The availability zone the server is pinned to, from compute microversion 2.96.
      type: str
    power_state:
      description: The hypervisor's power state (0 no state, 1 running, 3 paused, 4 shut down, 6 crashed,
        7 suspended).
      type: int
    private_v4:
      description: The first private IPv4 address.
      type: str
    private_v6:
      description: The first private IPv6 address.
      type: str
    progress:
      description: How far a build, resize or snapshot got, in percent.
      type: int
    project_id:
      description: The project the server belongs to.
      type: str
    public_v4:
      description: The first public IPv4 address (a floating IP first).
      type: str
    public_v6:
      description: The first public IPv6 address.
      type: str
    ramdisk_id:
      description: Ramdisk image of an AMI-style server (administrators only).
      type: str
    reservation_id:
      description: The reservation of a multiple create (administrators only).
      type: str
    root_device_name:
      description: The root device name, like C(/dev/vda) (administrators only).
      type: str
    scheduler_hints:
      description: Scheduler hints given at creation, from compute microversion 2.100 (administrators).
      type: dict
    security_group_details:
      description: The security groups of the server's ports, each with C(id), C(name), C(description),
        C(project_id), C(security_group_rules), sorted by name.
      returned: when asked for in O(extras)
      type: list
      elements: dict
    security_groups:
      description: The names of the server's security groups, as Nova lists them.
      type: list
      elements: dict
    server_groups:
      description: IDs of the server groups the server belongs to.
      type: list
      elements: str
    status:
      description: The server's status, like C(ACTIVE), C(SHUTOFF), C(ERROR).
      type: str
    tags:
      description: The server's tags.
      type: list
      elements: str
    task_state:
      description: The task in progress, like C(powering-off); V(null) when none.
      type: str
    terminated_at:
      description: When the server was deleted.
      type: str
    topology:
      description: The NUMA topology, with C(nodes) and C(pagesize_kb).
      returned: when asked for in O(extras)
      type: dict
    trusted_image_certificates:
      description: Certificate IDs used to verify the image signature.
      type: list
      elements: str
    updated_at:
      description: When the server last changed.
      type: str
    user_data:
      description: V(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER) when Nova shows the server's user data (to
        administrators, from compute microversion 2.3), else V(null). The user data itself never shows.
      type: str
    user_id:
      description: The user that created the server.
      type: str
    vm_state:
      description: The server's VM state, like C(active), C(stopped).
      type: str
    volume_details:
      description:
        - The volumes attached to the server, in the order Nova lists them, each with C(id), C(name), C(size)
          (GB), C(status), C(device) (as Cinder records the attachment), C(volume_type), C(is_bootable),
          C(is_multiattach) and C(delete_on_termination) (whether Nova deletes it with the server).
        - A volume this user cannot see in Cinder (another project's) has only its C(id) and
          C(delete_on_termination); the rest is V(null).
      returned: when asked for in O(extras)
      type: list
      elements: dict
      sample:
        - {id: 597ffa29-ef2e-4bfc-9753-a2db5ac7fe9f, name: null, size: 20, status: in-use, device: /dev/vda,
           volume_type: ssd, is_bootable: true, is_multiattach: false, delete_on_termination: true}
        - {id: 53fff5e3-073d-4dd6-878d-cafd5bc8bbaf, name: data1, size: 100, status: in-use, device: /dev/vdb,
           volume_type: ssd, is_bootable: false, is_multiattach: false, delete_on_termination: false}
    volumes:
      description: Same as RV(servers[].attached_volumes) (openstacksdk's second name for it).
      type: list
      elements: dict
query_result:
  description: The result of O(query) applied to RV(servers), whatever its shape.
  returned: when O(query) is given
  type: raw
  sample: [{"name": "web1", "ip": "203.0.113.10"}]
'''

from ansible_collections.stackops.compute.plugins.module_utils._info_read import run_info
from ansible_collections.stackops.compute.plugins.module_utils._module import ComputeModule


def main():
    module = ComputeModule(
        name='server_info',
        argument_spec=dict(
            all_projects=dict(type='bool', default=False),
            availability_zone=dict(type='str'),
            changes_since=dict(type='str'),
            console_output_length=dict(type='int'),
            extras=dict(
                type='list',
                elements='str',
                default=[],
                choices=['console_output', 'password', 'security_groups', 'topology', 'volumes'],
            ),
            filters=dict(type='dict'),
            flavor=dict(type='str'),
            host=dict(type='str'),
            hypervisor=dict(type='str'),
            image=dict(type='str'),
            limit=dict(type='int'),
            metadata=dict(type='dict'),
            name_regex=dict(type='bool', default=False),
            not_tags=dict(type='list', elements='str'),
            not_tags_any=dict(type='list', elements='str', aliases=['not_any_tags']),
            project=dict(type='str'),
            query=dict(type='str'),
            resolve_names=dict(type='bool', default=False, aliases=['detailed']),
            server=dict(type='str', aliases=['name']),
            status=dict(type='list', elements='str'),
            tags=dict(type='list', elements='str'),
            tags_any=dict(type='list', elements='str', aliases=['any_tags']),
        ),
        supports_check_mode=True,
    )
    module.run(run_info)


if __name__ == '__main__':
    main()
