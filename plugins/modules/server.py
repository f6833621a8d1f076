#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: server
short_description: Create, update and delete OpenStack compute servers, declaratively
version_added: 1.0.0
description:
  - Makes a server look the way the task says and changes nothing else.
  - An option left out is not managed - the module never changes what the task does not mention.
    Metadata, tags and security groups are merged into what the server has; what the task does not
    list is removed only with O(purge_metadata), O(purge_tags) or O(purge_security_groups).
  - What Nova can change in place is updated in place - name (when the server is found by O(id); never to its ID),
    description, hostname, access IPs, metadata, tags, security groups, floating IPs, status and lock.
  - A different O(flavor) resizes the server and confirms the resize (unless O(confirm_resize=false)).
    A different O(image) rebuilds it only with O(rebuild_on_image_change=true). A different O(key_name),
    O(availability_zone) or O(networks) cannot change in place - the module warns, says what to do, and
    lists it in RV(differences).
  - The desired O(status) and O(locked) are reached with the same actions as
    M(stackops.compute.server_action).
  - A server can boot from a Cinder volume - a new one made from O(image) (O(boot_from_volume)), an existing
    one (O(boot_volume)), or any block device mapping (O(block_device_mapping)). O(volumes) lists volumes that
    must be attached to it; those it has and the task does not list are detached only with
    O(purge_volumes=true). See
    R(Volume-backed servers,ansible_collections.stackops.compute.docsite.volume_backed_servers).
  - Check mode returns the predicted server and sends no request that changes anything. With C(--diff)
    the module returns the server before and after, with managed fields normalized.
extends_documentation_fragment:
  - stackops.compute.auth
  - stackops.compute.wait
  - stackops.compute.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
    details: A second run with the same options changes nothing and sends no request that changes anything.
options:
  access_ipv4:
    description:
      - IPv4 address to show as the server's access address (Nova's C(accessIPv4)). Updated in place.
    type: str
  access_ipv6:
    description:
      - IPv6 address to show as the server's access address (Nova's C(accessIPv6)). Updated in place.
    type: str
  admin_password:
    description:
      - Administrator password set at boot. Used at creation only; never shown in results or diffs.
    type: str
  auto_ip:
    description:
      - Make sure the server has a floating IP - when it has none, allocate one from O(floating_ip_pool) and
        associate it (or, with O(reuse_ips=true), take one the project has that is free). Not combined with
        O(floating_ips).
      - Left out, it is V(true) when O(floating_ip_pool) is given, and not managed otherwise (unlike
        openstack.cloud's, which defaults to V(true)). V(false) allocates nothing and removes nothing.
    type: bool
    aliases: [auto_floating_ip, public_ip]
  availability_zone:
    description:
      - Availability zone to boot in. On an existing server a different zone is reported in RV(differences).
      - A new server's zone is looked up before anything is created; a zone Nova does not list as available
        fails naming the zones there are. Nova's C(zone:host) forms, which force a host, are left to Nova.
    type: str
  block_device_mapping:
    description:
      - Block device mapping (Nova's C(block_device_mapping_v2)) as a list of dictionaries with Nova's keys
        (C(boot_index), C(uuid), C(source_type), C(destination_type), C(volume_size), C(volume_type),
        C(delete_on_termination), ...). Used at creation only. Booting from a volume needs Cinder.
      - It says everything openstack.cloud's O(boot_from_volume), O(boot_volume), O(volume_size) and
        O(terminate_volume) say, and more (a volume type, a device name, a second disk); it cannot be combined
        with them. O(volumes) given too are added to it.
    type: list
    elements: dict
  boot_from_volume:
    description:
      - Boot from a new volume of O(volume_size) GB that Nova makes from O(image) - openstack.cloud's option,
        the same as a O(block_device_mapping) of one entry with C(boot_index=0), C(source_type=image),
        C(destination_type=volume). Used at creation only.
      - O(terminate_volume) says whether the volume is deleted with the server (by default it is kept).
    type: bool
  boot_volume:
    description:
      - Name or ID of an existing, bootable volume to boot from - openstack.cloud's option, the same as a
        O(block_device_mapping) of one entry with C(boot_index=0), C(source_type=volume),
        C(destination_type=volume). Not combined with O(image). Used at creation only.
    type: str
    aliases: [root_volume]
  config_drive:
    description:
      - Whether to attach a config drive. Used at creation only.
    type: bool
  confirm_resize:
    description:
      - After a resize caused by a different O(flavor), confirm it.
      - With V(false) the server is left in C(VERIFY_RESIZE) for a person to check; confirm or revert it
        with M(stackops.compute.server_action). A later run with this option V(true) confirms it.
    type: bool
    default: true
  delete_floating_ips:
    description:
      - With O(state=absent), also release the floating IPs associated with the server.
    type: bool
    default: false
    aliases: [delete_ips, delete_fip]
  description:
    description:
      - Free-form description of the server. Updated in place.
    type: str
  disk_config:
    description:
      - How the root disk is partitioned (Nova's C(OS-DCF:diskConfig)). Used at creation only.
    type: str
    choices: [AUTO, MANUAL]
  flavor:
    description:
      - Flavor name or ID. Needed to create a server.
      - On an existing server a different flavor resizes it; see O(confirm_resize).
      - Nova boots a flavor with a 0 GB disk from a volume only (its default policy refuses an image); with
        O(image) and no volume to boot from, the task fails before anything is made and says how to boot from a
        volume.
    type: str
  floating_ip_pool:
    description:
      - Name or ID of the external network that O(auto_ip) allocates from. Left out, the cloud's only
        external network.
      - Asks for a floating IP, as in openstack.cloud - O(auto_ip) left out is then V(true); with
        O(auto_ip=false) the task fails. Not combined with O(floating_ips).
      - The alias C(floating_ip_pools) is openstack.cloud's spelling, which takes a list. A floating IP comes
        from one pool, so a list of one name is that pool, and a longer list fails.
    type: raw
    aliases: [floating_ip_pools]
  floating_ips:
    description:
      - Floating IP addresses (already allocated to the project) that must be associated with the server.
        Addresses not listed are left alone.
    type: list
    elements: str
  hostname:
    description:
      - Hostname inside the guest (needs compute microversion 2.90). Updated in place.
    type: str
  id:
    description:
      - ID of the server. With an ID the server is found by it, and O(name) renames it.
      - Needed when several servers share a name.
    type: str
  image:
    description:
      - Image name or ID to boot from. Needed to create a server unless O(block_device_mapping) boots from a
        volume.
      - On an existing server a different image is reported in RV(differences), or rebuilds the server with
        O(rebuild_on_image_change=true).
    type: str
  keep_failed:
    description:
      - When a new server ends in C(ERROR), the module fails with Nova's fault and deletes the server. With
        V(true) the failed server is kept for inspection.
    type: bool
    default: false
  key_name:
    description:
      - Name of the keypair to inject. On an existing server a different keypair is reported in
        RV(differences).
    type: str
  locked:
    description:
      - Whether the server is locked. Left out, the lock is not managed - but a locked server refuses other
        changes, and the module says so.
    type: bool
  locked_reason:
    description:
      - Why the server is locked (needs compute microversion 2.73). Implies O(locked=true) when O(locked) is
        left out.
    type: str
  metadata:
    description:
      - Metadata key/value pairs. Merged into the server's metadata; see O(purge_metadata).
    type: dict
    aliases: [meta]
  name:
    description:
      - Name of the server. Finds the server unless O(id) is given.
      - As in openstack.cloud, it may hold the server's ID instead. A server found by its ID keeps its name -
        a value that is the server's ID is never made its name (also with O(id) given).
      - Several servers with this name make the module fail and list their IDs.
    type: str
  networks:
    description:
      - Networks to attach at creation. Each item is a network name or ID, or a dictionary with one of
        C(net-id)/C(uuid)/C(id), C(net-name)/C(name), C(port-id)/C(port), C(port-name), and optionally
        C(fixed_ip) (alias C(v4-fixed-ip), C(v6-fixed-ip)).
      - The strings V(auto) and V(none) ask Nova to allocate a network or none at all.
      - A string with C(=) is openstack.cloud's form, comma-separated C(key=value) pairs with the keys above.
        Each key that names a network or port is one more NIC; a fixed IP belongs to the NIC before it. So
        C("net-id=ID1,net-name=db") is two NICs, and C("net-name=private,v4-fixed-ip=192.0.2.9") is one.
      - The alias C(network) takes openstack.cloud's single network, a string - the same as a list of that
        one network.
      - On an existing server, networks it is not on are reported in RV(differences).
    type: list
    elements: raw
    aliases: [nics, network]
  purge_metadata:
    description:
      - Remove metadata keys that O(metadata) does not list.
    type: bool
    default: false
  purge_security_groups:
    description:
      - Remove security groups that O(security_groups) does not list.
    type: bool
    default: false
  purge_tags:
    description:
      - Remove tags that O(tags) does not list.
    type: bool
    default: false
  purge_volumes:
    description:
      - Detach the volumes that O(volumes) does not list. The root disk of a server booted from a volume is never
        detached (Nova refuses it).
    type: bool
    default: false
  rebuild_on_image_change:
    description:
      - Rebuild the server when O(image) differs from the image it runs. A rebuild replaces its root disk.
    type: bool
    default: false
  reuse_ips:
    description:
      - When O(auto_ip) (or O(floating_ip_pool)) gets the server a floating IP, take one the project already has
        on the pool that is on no port, and allocate one only when there is none - openstack.cloud's meaning.
      - Left out it is V(false) (openstack.cloud's default is V(true)) - a free address may be one someone keeps
        for later, so taking it is asked for.
      - Safe when several tasks reuse at once - each free address is taken with Neutron's conditional update
        (C(If-Match) on its revision number), which fails when another task took it first; the task then tries
        the next one, and allocates when none is left. Servers asking at once try the free addresses in
        different orders. An address that leaves the server's port before Nova shows it on the server (a client
        that moves addresses without a condition) counts as lost, and the next one is taken.
      - What it costs - one listing of the project's floating IPs on the pool in the read step, and, while
        waiting for Nova to show the address on the server, one read of the address per poll; each address
        another task took first costs one more request. Needs Neutron's C(revision-if-match) extension.
    type: bool
    default: false
  scheduler_hints:
    description:
      - Hints for the scheduler (Nova's C(os:scheduler_hints)). Used at creation only.
    type: dict
  security_groups:
    description:
      - Security group names (or IDs). Added to the server's groups; see O(purge_security_groups).
      - Left out at creation, Nova puts the server in the project's C(default) group.
    type: list
    elements: str
  server_group:
    description:
      - Server group name or ID to boot in (a scheduler hint). Used at creation only.
    type: str
  state:
    description:
      - Whether the server should exist.
    type: str
    choices: [present, absent]
    default: present
  status:
    description:
      - Status the server should be in. Left out, the status is not managed (a new server ends C(ACTIVE)).
      - Nova's default policy lets only an admin offload a shelved server, so V(shelved_offloaded) needs an
        admin cloud unless the cloud offloads shelved servers on its own.
    type: str
    choices: [active, shutoff, paused, suspended, shelved, shelved_offloaded]
  tags:
    description:
      - Tags (needs compute microversion 2.26). Added to the server's tags; see O(purge_tags).
    type: list
    elements: str
  terminate_volume:
    description:
      - With O(boot_from_volume) or O(boot_volume), whether Nova deletes the root volume with the server
        (C(delete_on_termination)). Left out, the volume is kept. Used at creation only.
      - Cinder keeps a volume that has snapshots - for example while an image of the server (see
        M(stackops.compute.server_image)) references one - even with V(true).
    type: bool
  trusted_image_certificates:
    description:
      - IDs of certificates trusted to verify the image's signature. Used at creation only.
    type: list
    elements: str
  user_data:
    description:
      - User data for cloud-init, as plain text; the module encodes it. Used at creation only, never shown.
    type: str
    aliases: [userdata]
  volume_size:
    description:
      - With O(boot_from_volume), the size in GB of the new root volume. At least V(1).
    type: int
  volumes:
    description:
      - Volumes (names or IDs) that must be attached to the server. A new server gets them at boot, in its
        block device mapping; an existing one gets those it lacks attached, and the task returns once Cinder says
        they are C(in-use). Volumes it has that are not listed are left alone; see O(purge_volumes).
      - A listed volume attached to another server (and not multi-attach), or not C(available), fails the task
        before any change.
      - openstack.cloud attaches these at creation only; here they are compared on every run.
    type: list
    elements: str
notes:
  - Options used at creation only (O(admin_password), O(block_device_mapping), O(config_drive),
    O(disk_config), O(scheduler_hints), O(server_group), O(trusted_image_certificates), O(user_data)) are not
    compared with an existing server, because Nova does not show them back (or shows them to admins only).
  - A server in C(ERROR), C(SHELVED), C(SHELVED_OFFLOADED), C(RESIZE), C(VERIFY_RESIZE) or C(RESCUE) is
    reported as it is; the module acts on it only for what the task asks.
  - Check mode cannot know the ID of a root volume Nova has yet to make (O(boot_from_volume)); the predicted
    server lists only the volumes that exist already.
seealso:
  - module: stackops.compute.server_action
  - module: stackops.compute.server_info
author:
  - stackops.compute maintainers (@stackops)
'''

EXAMPLES = r'''
- name: A web server, stopped, with two tags (the rest of its tags are kept)
  stackops.compute.server:
    cloud: mycloud
    name: web1
    image: ubuntu-24.04
    flavor: m1.small
    key_name: ops
    networks:
      - private
    security_groups: [default, web]
    metadata:
      role: web
    tags: [prod, web]
    status: shutoff

- name: Resize it, leaving the resize for a person to verify
  stackops.compute.server:
    cloud: mycloud
    name: web1
    flavor: m1.medium
    confirm_resize: false

- name: Make metadata exactly this, removing other keys
  stackops.compute.server:
    cloud: mycloud
    name: web1
    metadata:
      role: web
    purge_metadata: true

- name: Lock it with a reason
  stackops.compute.server:
    cloud: mycloud
    name: web1
    locked: true
    locked_reason: change freeze

- name: Boot from a new 20 GB volume made from an image, deleted with the server (needs Cinder)
  stackops.compute.server:
    cloud: mycloud
    name: db1
    image: ubuntu-24.04
    flavor: m1.small
    networks: [private]
    boot_from_volume: true
    volume_size: 20
    terminate_volume: true

- name: The same in Nova's words, with a volume type
  stackops.compute.server:
    cloud: mycloud
    name: db1
    flavor: m1.small
    networks: [private]
    block_device_mapping:
      - boot_index: 0
        uuid: 5f2e0b3c-7d1a-4c5e-9a61-0f4c1b2d3e4f  # the image's ID
        source_type: image
        destination_type: volume
        volume_size: 20
        volume_type: ssd
        delete_on_termination: true

- name: Two data volumes attached, and no other (the root disk stays)
  stackops.compute.server:
    cloud: mycloud
    name: db1
    volumes: [db1-data, db1-logs]
    purge_volumes: true

- name: A floating IP from the pool "public", the openstack.cloud way
  stackops.compute.server:
    cloud: mycloud
    name: web1
    floating_ip_pools: [public]

- name: A floating IP the project has that is free, else a new one
  stackops.compute.server:
    cloud: mycloud
    name: web2
    auto_ip: true
    reuse_ips: true

- name: Delete it
  stackops.compute.server:
    cloud: mycloud
    name: web1
    state: absent
'''

RETURN = r'''
server:
  description:
    - The server after the task, with every attribute openstacksdk reads (see
      M(stackops.compute.server_info) for the list), plus C(private_v4), C(private_v6), C(public_v4),
      C(public_v6) and C(interface_ip).
    - The fields of openstack.cloud's result are there, C(links), C(progress) and C(updated_at) among them.
      C(admin_password) and C(user_data) hold V(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER) when the server has one as
      far as the task knows (the task gave it, or Nova made the password at creation), V(null) otherwise - never
      the secret itself.
    - In check mode, the predicted server. Absent when O(state=absent).
  returned: when O(state=present)
  type: dict
  sample:
    id: 8d1c5a3e-0d0a-4b5f-9b68-0e0b2f2d6f10
    name: web1
    status: ACTIVE
    flavor: {original_name: m1.small, vcpus: 1, ram: 256, disk: 2}
    metadata: {role: web}
    tags: [prod, web]
    private_v4: 192.0.2.15
    interface_ip: 192.0.2.15
    links: [{href: 'https://nova.example.com/v2.1/servers/8d1c5a3e-0d0a-4b5f-9b68-0e0b2f2d6f10', rel: self}]
    progress: 0
    updated_at: '2026-01-31T12:00:05Z'
    admin_password: VALUE_SPECIFIED_IN_NO_LOG_PARAMETER
    user_data: null
    attached_volumes: [{id: 53fff5e3-073d-4dd6-878d-cafd5bc8bbaf, delete_on_termination: false}]
  contains:
    admin_password:
      description: V(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER) when the server has an administrator password as far as
        the task knows (the task gave one, or Nova made one and returned it with the create), else V(null).
      type: str
    links:
      description: Nova's links to the server, each with C(href) and C(rel).
      type: list
      elements: dict
    progress:
      description: How far a build, resize or snapshot got, in percent. Not compared in diffs.
      type: int
    updated_at:
      description: When the server last changed. Not compared in diffs.
      type: str
    user_data:
      description: V(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER) when the server has user data as far as the task knows
        (the task gave it, or Nova shows it to an admin), else V(null).
      type: str
id:
  description: ID of the server (null for a server check mode would create).
  returned: when O(state=present)
  type: str
changes:
  description: What the task changed (or would change, in check mode), one line each.
  returned: always
  type: list
  elements: str
  sample:
    - set metadata role
    - add tags web
    - attach volume data1 (53fff5e3-073d-4dd6-878d-cafd5bc8bbaf)
    - stop (to reach SHUTOFF)
differences:
  description: What differs from the task but cannot change in place, with what to do about it.
  returned: always
  type: list
  elements: str
unpredictable:
  description:
    - Check mode only - the fields of the predicted RV(server) that check mode cannot know (for a new
      server its ID, host and addresses; after a resize its host; a power state the hypervisor decides...).
      They are null in RV(server), except C(status) and C(addresses) (their most likely values). Every other
      field is what the real run returns.
    - The table, with the reason for each, is in C(docs/server_action.md).
  returned: in check mode, when the task changes something and O(state=present)
  type: list
  elements: str
  sample: [availability_zone, compute_host, created_at, host_id, id, launched_at]
diff:
  description:
    - The server before and after, managed fields only, with C(--diff). C(volumes) lists the IDs of the
      attached volumes, sorted.
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.stackops.compute.plugins.module_utils._module import ComputeModule
from ansible_collections.stackops.compute.plugins.module_utils._server_apply import (
    SERVER_MUTUALLY_EXCLUSIVE,
    run_server,
    server_argument_spec,
)


def main():
    module = ComputeModule(
        name='server',
        argument_spec=server_argument_spec(),
        waits=True,
        required_one_of=[('name', 'id')],
        mutually_exclusive=SERVER_MUTUALLY_EXCLUSIVE,
    )
    module.run(run_server)


if __name__ == '__main__':
    main()
