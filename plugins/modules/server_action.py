#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: server_action
short_description: Run any operation of an OpenStack compute server - power, lock, rescue, resize, move, images...
version_added: 1.0.0
description:
  - Runs one O(action) on one server (O(server)), or on many in one task (O(servers)). Every operation of the
    openstacksdk compute C(Server) resource is an action - see O(action) for each one, the statuses that
    allow it and where it leads.
  - Before sending anything the module reads the server and decides. When the server already is where the
    action leads (O(action=stop) on a C(SHUTOFF) server, O(action=lock) on a locked server,
    O(action=add_security_group) with a group the server has...) nothing is sent and the result is not
    changed. When the action is not allowed now (O(action=confirm_resize) when nothing awaits
    confirmation, O(action=unshelve) of a C(SHUTOFF) server) the task fails with one line naming the
    current status and the statuses that would allow it, and nothing is sent.
  - The rule for no-ops - a B(state) action (start, stop, pause, unpause, suspend, resume, rescue,
    unrescue, shelve, shelve_offload, unshelve, lock, unlock) does nothing when the server already is where
    it leads. V(unshelve) of a server C(ACTIVE) on a host does nothing, as V(start) of an C(ACTIVE) server
    does (with O(host) or O(availability_zone), only where the server is there). V(restore) brings a
    soft-deleted server back, so on a server that is not soft-deleted it fails like Nova does. V(resize),
    V(migrate), V(live_migrate), V(evacuate) (with O(host)), V(reset_state), V(clear_password), the
    security group, floating IP, volume and V(remove_fixed_ip) actions do nothing when what they would do
    already holds.
  - V(reboot), V(rebuild), V(create_image), V(backup), V(change_password), V(add_fixed_ip) and
    V(trigger_crash_dump) can never be no-ops - each run does it again and reports a change. So do
    V(migrate), V(live_migrate) and V(evacuate) without O(host).
  - With O(wait=true) the module returns once the operation really happened, not merely once the server
    shows the status it had before - a reboot or rebuild of an C(ACTIVE) server returns after the server
    went through it. A server that goes to C(ERROR) fails the task at once with Nova's fault. After
    V(resize), V(migrate), V(live_migrate) and V(evacuate) the module also reads the server's instance
    action and fails when Nova recorded an error there (Nova can put a server back to C(ACTIVE) after a
    failed move with the error only in that record).
  - A server busy with another operation (a C(task_state) is set) is waited for before the action is
    planned, when O(wait=true).
  - Read-only actions (V(get_console_output), V(get_console_url), V(get_password), V(fetch_topology),
    V(fetch_security_groups)) return their data under their own keys and never report a change; they run
    in check mode too.
  - Every result includes the refreshed RV(server). Check mode returns the predicted server and sends no
    request that changes anything. With C(--diff) the module returns the server before and after.
  - The administrator password and user data never appear in results, diffs or logs.
extends_documentation_fragment:
  - stackops.compute.auth
  - stackops.compute.wait
  - stackops.compute.attributes
attributes:
  check_mode:
    support: full
    details: Reads only, and predicts the server; read-only actions run as usual.
  diff_mode:
    support: full
  idempotent:
    support: partial
    details:
      - State, move, network, security group and volume actions are no-ops when the server already is where
        they lead.
      - V(reboot), V(rebuild), V(create_image), V(backup), V(change_password), V(add_fixed_ip),
        V(trigger_crash_dump), and moves without O(host), act on every run.
options:
  access_ipv4:
    description:
      - V(rebuild) - IPv4 access address to set on the rebuilt server.
    type: str
  access_ipv6:
    description:
      - V(rebuild) - IPv6 access address to set on the rebuilt server.
    type: str
  action:
    description:
      - The operation. Allowed statuses and the status it leads to in brackets; C(admin) marks what Nova's
        default policy keeps for administrators.
      - V(reboot) [ACTIVE; HARD also SHUTOFF, PAUSED, SUSPENDED, ERROR -> ACTIVE] - O(reboot_type). Never a no-op.
      - V(reboot_soft), V(reboot_hard) - the same as V(reboot) with O(reboot_type), as openstack.cloud spells them.
      - V(start) [SHUTOFF -> ACTIVE]. V(stop) [ACTIVE, ERROR -> SHUTOFF].
      - V(pause) [ACTIVE -> PAUSED]. V(unpause) [PAUSED -> ACTIVE].
      - V(suspend) [ACTIVE -> SUSPENDED]. V(resume) [SUSPENDED -> ACTIVE].
      - V(lock) [any] - O(locked_reason); a different reason on a locked server unlocks and locks again
        (Nova keeps the old reason otherwise). V(unlock) [any] (admin for a server an admin locked).
      - V(rescue) [ACTIVE, SHUTOFF, ERROR -> RESCUE] - O(image), O(admin_password). V(unrescue) [RESCUE -> ACTIVE].
      - V(resize) [ACTIVE, SHUTOFF -> VERIFY_RESIZE] - O(flavor); a no-op when the server has that flavor.
      - V(confirm_resize), V(revert_resize) [VERIFY_RESIZE -> ACTIVE or SHUTOFF, as before the resize]. They
        fail when nothing awaits confirmation; for a resize that can run again and again, use
        M(stackops.compute.server) with its O(stackops.compute.server#module:flavor) option.
      - V(rebuild) [ACTIVE, SHUTOFF, ERROR -> same, ERROR -> ACTIVE] - O(image) and optionally O(new_name),
        O(admin_password), O(preserve_ephemeral), O(access_ipv4), O(access_ipv6), O(metadata), O(user_data),
        O(key_name), O(description), O(hostname). Never a no-op.
      - V(create_image) [ACTIVE, SHUTOFF, PAUSED, SUSPENDED] - O(image_name), O(metadata); returns RV(image).
        Never a no-op.
      - V(backup) [ACTIVE, SHUTOFF, PAUSED, SUSPENDED] - O(image_name), O(backup_type), O(rotation),
        O(metadata); returns RV(image). Never a no-op.
      - V(change_password) [ACTIVE] - O(admin_password); needs an agent in the guest. Never a no-op.
      - V(get_password) [any, read-only] - the encrypted password the guest posted, in RV(password).
        V(clear_password) [any] - forgets it; a no-op when there is none.
      - V(shelve) [ACTIVE, SHUTOFF, PAUSED, SUSPENDED -> SHELVED or SHELVED_OFFLOADED].
        V(shelve_offload) [SHELVED -> SHELVED_OFFLOADED] (admin).
      - V(unshelve) [SHELVED, SHELVED_OFFLOADED -> ACTIVE] - O(availability_zone), O(host) (admin), both
        for SHELVED_OFFLOADED servers only; a no-op on an C(ACTIVE) server.
      - V(migrate) [ACTIVE, SHUTOFF -> VERIFY_RESIZE] - O(host) (admin); then V(confirm_resize).
        V(live_migrate) [ACTIVE, PAUSED -> same] - O(host) (admin), O(block_migration), O(force).
        Project managers or admins.
      - V(evacuate) [ACTIVE, SHUTOFF, ERROR -> SHUTOFF] (admin) - O(host), O(admin_password), O(force); the
        server's compute service must be down (or forced down). Nova leaves an evacuated server stopped from
        microversion 2.95 on; on clouds older than that it keeps its status (ERROR -> ACTIVE).
      - V(restore) [SOFT_DELETED -> ACTIVE] - only on clouds that soft-delete (C(reclaim_instance_interval) > 0).
      - V(force_delete) [any] - deletes at once, also a SOFT_DELETED server; RV(server) is then null, and a
        server that is already gone is a no-op.
      - V(reset_state) [any] (admin) - O(state); changes only Nova's record, nothing on the host.
      - V(add_security_group), V(remove_security_group) [any] - O(security_group).
      - V(add_fixed_ip) [any] - O(network); adds one more address on the server's port in that network.
        Never a no-op. V(remove_fixed_ip) [any] - O(address).
      - V(add_floating_ip) [any] - O(address) (allocated to the project) and optionally O(fixed_address).
        V(remove_floating_ip) [any] - O(address); the floating IP stays allocated.
      - V(attach_volume) [ACTIVE, PAUSED, SHUTOFF, VERIFY_RESIZE, SOFT_DELETED, SHELVED, SHELVED_OFFLOADED] -
        O(volume) and optionally O(device); needs Cinder. It returns once Cinder says the volume is C(in-use)
        (C(reserved) for a SHELVED_OFFLOADED server, which Nova attaches when it is unshelved). A no-op when the
        volume is attached to the server; it fails first when the volume is attached to another server (and is
        not multi-attach) or is not C(available).
      - V(detach_volume) [the same statuses] - O(volume); returns once Cinder no longer shows it attached. A
        no-op when it is not attached. Nova does not detach the root disk of a server booted from a volume;
        the module says so before sending anything.
      - V(trigger_crash_dump) [ACTIVE, PAUSED, RESCUE, VERIFY_RESIZE, ERROR] - Nova reports no progress for
        it, so the module returns once Nova accepted it. Never a no-op.
      - V(get_console_output) [any, read-only] - O(length); RV(console_output).
      - V(get_console_url) [any, read-only] - O(console_type); RV(console). Creates a short-lived console token.
      - V(fetch_topology) [any, read-only] - RV(topology) (host CPU details for admins only).
      - V(fetch_security_groups) [any, read-only] - RV(security_groups) with their rules.
      - Except V(lock), V(unlock), V(create_image), V(backup), V(evacuate), V(reset_state), the password,
        security group and floating IP actions and the read-only ones, Nova refuses an action on a locked
        server unless the caller is an admin; the module says so before sending anything.
    type: str
    required: true
    choices: [add_fixed_ip, add_floating_ip, add_security_group, attach_volume, backup, change_password,
              clear_password, confirm_resize, create_image, detach_volume, evacuate, fetch_security_groups,
              fetch_topology, force_delete, get_console_output, get_console_url, get_password, live_migrate, lock,
              migrate, pause, reboot, reboot_hard, reboot_soft, rebuild, remove_fixed_ip, remove_floating_ip,
              remove_security_group, rescue, reset_state, resize, restore, resume, revert_resize, shelve,
              shelve_offload, start, stop, suspend, trigger_crash_dump, unlock, unpause, unrescue, unshelve]
  address:
    description:
      - V(remove_fixed_ip) - the fixed address to remove.
      - V(add_floating_ip), V(remove_floating_ip) - the floating IP address.
    type: str
  admin_password:
    description:
      - V(change_password) - the new administrator password.
      - V(rebuild), V(rescue), V(evacuate) - the administrator password of the rebuilt, rescued or
        evacuated server.
      - Never logged or returned.
    type: str
  all_projects:
    description:
      - Look the server up in every project (admins), so that an admin can act on other projects' servers
        by name. An ID is found in any project the caller may see, with or without this.
    type: bool
    default: false
  availability_zone:
    description:
      - V(unshelve) - the availability zone to unshelve a C(SHELVED_OFFLOADED) server into. A zone Nova does
        not list as available fails before the request, naming the zones there are.
    type: str
  backup_type:
    description:
      - V(backup) - the backup type, for example V(daily) or V(weekly); rotation counts backups of one type.
    type: str
  block_migration:
    description:
      - V(live_migrate) - V(auto) (the default when left out), V(true) or V(false).
    type: raw
  console_type:
    description:
      - V(get_console_url) - the type of console. Left out, V(novnc).
    type: str
    choices: [novnc, xvpvnc, spice-html5, spice-direct, rdp-html5, serial, webmks]
  description:
    description:
      - V(rebuild) - the description to set on the rebuilt server.
    type: str
  device:
    description:
      - V(attach_volume) - the device name to ask Nova for, such as V(/dev/vdb). Left out, the hypervisor
        chooses (most ignore a name given anyway, and the guest may see another).
    type: str
  fixed_address:
    description:
      - V(add_floating_ip) - which fixed address of the server the floating IP points to, when it has several.
    type: str
  flavor:
    description:
      - V(resize) - the new flavor, by name or ID.
    type: str
  force:
    description:
      - V(live_migrate), V(evacuate) - with O(host), skip the scheduler's checks of that host. Unsafe.
    type: bool
  host:
    description:
      - V(migrate), V(live_migrate), V(evacuate), V(unshelve) - the compute host to move the server to
        (admins). Left out, the scheduler picks one.
      - With O(host), V(migrate), V(live_migrate) and V(evacuate) are no-ops when the server is already on
        that host (admins see the host).
    type: str
  hostname:
    description:
      - V(rebuild) - the hostname to set on the rebuilt server.
    type: str
  image:
    description:
      - V(rebuild) - the image to rebuild from, by name or ID.
      - V(rescue) - the image to boot for rescue; left out, the server's own image.
    type: str
    aliases: [rescue_image_ref]
  image_name:
    description:
      - V(create_image), V(backup) - the name of the new image.
    type: str
  key_name:
    description:
      - V(rebuild) - the keypair to put on the rebuilt server.
    type: str
  length:
    description:
      - V(get_console_output) - how many lines from the end of the console log. Left out, all of it.
    type: int
  locked_reason:
    description:
      - V(lock) - why the server is locked.
    type: str
  metadata:
    description:
      - V(rebuild) - metadata of the rebuilt server (it replaces what the server had).
      - V(create_image), V(backup) - properties of the new image.
    type: dict
  network:
    description:
      - V(add_fixed_ip) - the network, by name or ID, the new fixed address comes from.
    type: str
  new_name:
    description:
      - V(rebuild) - a new name for the rebuilt server.
    type: str
  preserve_ephemeral:
    description:
      - V(rebuild) - keep the ephemeral disk.
    type: bool
  reboot_type:
    description:
      - V(reboot) - V(SOFT) (the default when left out) asks the guest, V(HARD) power-cycles.
    type: str
    choices: [SOFT, HARD]
  rotation:
    description:
      - V(backup) - how many backups of O(backup_type) to keep; older ones are deleted.
    type: int
  security_group:
    description:
      - V(add_security_group), V(remove_security_group) - the security group, by name or ID.
    type: str
  server:
    description:
      - The server, by name or ID. A name that several servers share fails and lists their IDs.
      - One of O(server) and O(servers) is required.
    type: str
    aliases: [name]
  servers:
    description:
      - Many servers, by name or ID, for the same O(action) with the same options. Each one is found, planned
        and acted on as O(server) would be, in up to O(concurrency) threads, and has its own entry in
        RV(results). Servers whose names share a prefix are read with one listing.
      - A server that fails does not stop the others; the task fails once all are over, with one line naming
        the servers that failed.
      - Mutually exclusive with O(server).
    type: list
    elements: str
  concurrency:
    description:
      - With O(servers), how many servers are acted on at the same time (threads in this task).
    type: int
    default: 10
  state:
    description:
      - V(reset_state) - the state to record.
    type: str
    choices: [active, error]
  user_data:
    description:
      - V(rebuild) - new user data (plain text or base64). Never logged or returned.
    type: str
  volume:
    description:
      - V(attach_volume), V(detach_volume) - the volume, by name or ID.
    type: str
notes:
  - Options that do not belong to the chosen O(action) are refused with one line, never ignored.
  - "Ad hoc use works too: C(ansible localhost -m stackops.compute.server_action -a \"server=web1 action=reboot\")."
  - The fixed and floating IP actions exist in the compute API up to microversion 2.43 only; the module
    sends them at 2.43. Clouds whose Nova has dropped them answer with an error - use the network API there.
  - V(get_console_url) needs the console type enabled in Nova (for example C([vnc] enabled)).
seealso:
  - module: stackops.compute.server
  - module: stackops.compute.server_info
author:
  - stackops.compute maintainers (@stackops)
'''

EXAMPLES = r'''
- name: Stop many servers, ten at a time, in one task
  stackops.compute.server_action:
    cloud: mycloud
    servers: [web1, web2, web3, web4]
    action: stop
    concurrency: 10

- name: Reboot a server and wait until it went through the reboot
  stackops.compute.server_action:
    cloud: mycloud
    server: web1
    action: reboot

- name: Power-cycle it
  stackops.compute.server_action:
    cloud: mycloud
    server: web1
    action: reboot
    reboot_type: HARD

- name: Stop (no change when it is already SHUTOFF)
  stackops.compute.server_action:
    cloud: mycloud
    server: web1
    action: stop

- name: Lock with a reason
  stackops.compute.server_action:
    cloud: mycloud
    server: web1
    action: lock
    locked_reason: maintenance window

- name: Rebuild from another image, with a new key
  stackops.compute.server_action:
    cloud: mycloud
    server: web1
    action: rebuild
    image: ubuntu-24.04
    key_name: ops-2026

- name: Resize, then confirm
  block:
    - stackops.compute.server_action:
        cloud: mycloud
        server: web1
        action: resize
        flavor: m1.medium
    - stackops.compute.server_action:
        cloud: mycloud
        server: web1
        action: confirm_resize

- name: Snapshot into an image and wait until the image is active
  stackops.compute.server_action:
    cloud: mycloud
    server: web1
    action: create_image
    image_name: web1-before-upgrade
  register: snap

- name: Daily backup, keeping seven
  stackops.compute.server_action:
    cloud: mycloud
    server: web1
    action: backup
    image_name: web1-daily
    backup_type: daily
    rotation: 7

- name: Attach a floating IP
  stackops.compute.server_action:
    cloud: mycloud
    server: web1
    action: add_floating_ip
    address: 203.0.113.10

- name: Live-migrate another project's server to a given host (admin)
  stackops.compute.server_action:
    cloud: mycloud-admin
    server: web1
    all_projects: true
    action: live_migrate
    host: compute2

- name: Read the last 20 lines of the console
  stackops.compute.server_action:
    cloud: mycloud
    server: web1
    action: get_console_output
    length: 20
  register: console

- name: What would a shelve do? (check mode, with the diff)
  stackops.compute.server_action:
    cloud: mycloud
    server: web1
    action: shelve
  check_mode: true
  diff: true
'''

RETURN = r'''
action:
  description: The action, as planned (V(reboot_soft) and V(reboot_hard) are reported as V(reboot)).
  returned: success
  type: str
  sample: reboot
results:
  description:
    - With O(servers), one result per server in the same order - what the task returns with O(server) for
      that server (RV(action), RV(server), RV(msg), the data of read-only actions, C(diff) with C(--diff)),
      plus C(name) (the name or ID as given) and C(changed).
    - A server that failed has C(failed=true) and its reason in C(msg).
  returned: with O(servers)
  type: list
  elements: dict
  sample:
    - name: web1
      changed: true
      action: stop
      server: {id: 5f6bb9bd-2e63-4e3e-9a3b-1a9f0e8a8c11, name: web1, status: SHUTOFF}
    - name: web2
      changed: false
      action: stop
      msg: 'Nothing to do: stop is already done for server web2 (status SHUTOFF).'
      server: {id: 0c1d1f5e-8d7a-4b0e-b1a4-3f3c2f3e9e21, name: web2, status: SHUTOFF}
msg:
  description: Why nothing was sent, when nothing was.
  returned: when nothing needed doing
  type: str
  sample: 'Nothing to do: stop is already done for server web1 (status SHUTOFF).'
server:
  description:
    - The server after the action, as Nova returns it, with the convenience addresses. In check mode, the
      server as predicted. Null after V(force_delete) (when it waited, or in check mode).
    - Never holds the administrator password or user data.
  returned: success, with O(server)
  type: dict
  contains:
    id:
      description: The server's ID.
      type: str
      sample: 5f6bb9bd-2e63-4e3e-9a3b-1a9f0e8a8c11
    name:
      description: The server's name.
      type: str
      sample: web1
    status:
      description: Nova's status.
      type: str
      sample: SHUTOFF
    task_state:
      description: The operation under way, if any.
      type: str
      sample: null
    is_locked:
      description: Whether the server is locked.
      type: bool
      sample: false
    locked_reason:
      description: Why it is locked.
      type: str
      sample: maintenance window
    compute_host:
      description: The compute host (admins only).
      type: str
      sample: compute1
    flavor:
      description: The flavor, as embedded in the server.
      type: dict
      sample: {original_name: m1.small, vcpus: 1, ram: 256, disk: 2}
    addresses:
      description: Addresses per network.
      type: dict
    private_v4:
      description: The first private IPv4 address.
      type: str
      sample: 192.0.2.10
    public_v4:
      description: The first public IPv4 address (floating or routable).
      type: str
      sample: 203.0.113.10
    private_v6:
      description: The first private IPv6 address.
      type: str
    public_v6:
      description: The first public IPv6 address.
      type: str
    interface_ip:
      description: The address to reach the server at, from the O(interface) side.
      type: str
console_output:
  description: V(get_console_output) - the console log.
  returned: when O(action=get_console_output)
  type: str
  sample: "login: "
console:
  description: V(get_console_url) - the remote console.
  returned: when O(action=get_console_url)
  type: dict
  contains:
    url:
      description: Where to open the console.
      type: str
    type:
      description: The console type.
      type: str
      sample: novnc
    protocol:
      description: The remote console protocol.
      type: str
      sample: vnc
password:
  description: V(get_password) - the administrator password the guest posted, encrypted with the server's
    key pair; empty when there is none.
  returned: when O(action=get_password)
  type: str
topology:
  description: V(fetch_topology) - the NUMA topology (C(nodes), C(pagesize_kb)).
  returned: when O(action=fetch_topology)
  type: dict
  sample: {nodes: [], pagesize_kb: null}
security_groups:
  description: V(fetch_security_groups) - the server's security groups with their rules.
  returned: when O(action=fetch_security_groups)
  type: list
  elements: dict
image:
  description: V(create_image), V(backup) - the new image. C(id) and C(status) are null in check mode.
  returned: when O(action=create_image) or O(action=backup) and something was sent or predicted
  type: dict
  contains:
    id:
      description: The image's ID.
      type: str
    name:
      description: The image's name.
      type: str
    status:
      description: The image's status - V(active) after a wait.
      type: str
      sample: active
unpredictable:
  description:
    - Check mode only - the fields of the predicted RV(server) that check mode cannot know for this action
      (the host the scheduler picks, a time, a power state the hypervisor decides, the flavor
      V(revert_resize) goes back to...). They are null in RV(server), except C(status) (its most likely
      value) and C(addresses) (the ones known). Every other field is what the real run returns.
    - The table, with the reason for each, is in C(docs/server_action.md).
  returned: in check mode, when the action changes something
  type: list
  elements: str
  sample: [availability_zone, compute_host, host_id, host_status, hypervisor_hostname, launched_at]
nova_rotation:
  description:
    - V(backup) - the IDs of the backups Nova's rotation deletes after the new one is made, in check mode
      and in a real run alike - the server's backups of O(backup_type) beyond the newest O(rotation), the
      new one counted (Nova's own rule, read before the request).
    - With C(--diff), C(backups) in C(before) and C(after) lists the server's backups of that type, newest
      first, before the backup and after Nova's rotation.
  returned: when O(action=backup) and something was sent or predicted
  type: list
  elements: str
  sample: [0c1d1f5e-8d7a-4b0e-b1a4-3f3c2f3e9e21]
'''

from ansible_collections.stackops.compute.plugins.module_utils._action_table import (
    ACTION_ALIASES,
    ACTION_NAMES,
    required_if,
)
from ansible_collections.stackops.compute.plugins.module_utils._fleet import DEFAULT_CONCURRENCY, run_server_actions
from ansible_collections.stackops.compute.plugins.module_utils._module import ComputeModule


def main():
    module = ComputeModule(
        name='server_action',
        argument_spec=dict(
            access_ipv4=dict(type='str'),
            access_ipv6=dict(type='str'),
            action=dict(type='str', required=True, choices=sorted(ACTION_NAMES + tuple(ACTION_ALIASES))),
            address=dict(type='str'),
            admin_password=dict(type='str', no_log=True),
            all_projects=dict(type='bool', default=False),
            availability_zone=dict(type='str'),
            backup_type=dict(type='str'),
            block_migration=dict(type='raw'),
            concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
            console_type=dict(
                type='str', choices=['novnc', 'xvpvnc', 'spice-html5', 'spice-direct', 'rdp-html5', 'serial', 'webmks']
            ),
            description=dict(type='str'),
            device=dict(type='str'),
            fixed_address=dict(type='str'),
            flavor=dict(type='str'),
            force=dict(type='bool'),
            host=dict(type='str'),
            hostname=dict(type='str'),
            image=dict(type='str', aliases=['rescue_image_ref']),
            image_name=dict(type='str'),
            key_name=dict(type='str', no_log=False),
            length=dict(type='int'),
            locked_reason=dict(type='str'),
            metadata=dict(type='dict'),
            network=dict(type='str'),
            new_name=dict(type='str'),
            preserve_ephemeral=dict(type='bool'),
            reboot_type=dict(type='str', choices=['SOFT', 'HARD']),
            rotation=dict(type='int'),
            security_group=dict(type='str'),
            server=dict(type='str', aliases=['name']),
            servers=dict(type='list', elements='str'),
            state=dict(type='str', choices=['active', 'error']),
            user_data=dict(type='str', no_log=True),
            volume=dict(type='str'),
        ),
        waits=True,
        required_if=required_if(),
        required_one_of=[('server', 'servers')],
        mutually_exclusive=[('server', 'servers')],
    )
    module.run(run_server_actions)


if __name__ == '__main__':
    main()
