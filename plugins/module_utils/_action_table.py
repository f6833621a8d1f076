# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the table of server actions, one row per operation.

One ``ActionSpec`` per operation of the compute Server resource says which statuses allow it, where
it leads, when it is already done, how module options become SDK arguments, and how its wait knows
that the operation really happened; the rules its rows name are in ``_action_rules.py``, the plans
made from it in ``_action_plan.py``. Pure data: no SDK, no AnsibleModule, no clock here.

Idempotence rule: a *state* action (start, stop, pause, unpause, suspend, resume, rescue, unrescue,
shelve, shelve_offload, unshelve, lock, unlock) is a no-op when the server already is where the action
leads: ``unshelve`` on a server ACTIVE on a host (on the host or in the zone the task names, if any) sends
nothing, like ``start`` on an ACTIVE server, and fails only from a status no unshelve leaves for ACTIVE.
``restore`` brings a soft-deleted server back; on a server that is not soft-deleted it fails with its
status, like Nova does.
Resize, migrations, network/security group and volume actions are no-ops when what they would do
already holds. Reboot, rebuild, create_image, backup, change_password, add_fixed_ip and
trigger_crash_dump always act.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses

from ansible_collections.stackops.compute.plugins.module_utils._action_rules import (
    address_expect,
    addresses_of,
    check_reboot,
    console_url_kwargs,
    evacuate_kwargs,
    fixed_ip_expect,
    flavor_view,
    floating_check,
    floating_gone,
    floating_on_server,
    floating_predict,
    group_predict,
    has_group,
    kept,
    live_kwargs,
    lock_calls,
    lock_done,
    lock_predict,
    on_host,
    rebuild_kwargs,
    rebuild_predict,
    rescue_kwargs,
    reset_done,
    resize_check,
    resize_done,
    status_is,
    unshelve_check,
    unshelve_done,
    unshelve_kwargs,
    without_address,
)
from ansible_collections.stackops.compute.plugins.module_utils._volumes import (
    ATTACH_STATUSES,
    attach_check,
    attachment_predict,
    detach_check,
    volume_on_server,
)


@dataclasses.dataclass(frozen=True)
class ActionSpec(object):
    name: str
    method: str  # conn.compute proxy method (or what ``via`` names)
    via: str = 'proxy'
    allowed: tuple = ()  # statuses that allow it; () means any
    leads_to: object = 'same'  # 'same', a status, a tuple of statuses, or {status now: status after}
    is_done: object = None  # (server, args, facts) -> bool: nothing to do
    check: object = None  # (server, args, facts) -> one line why not now, or None
    to_kwargs: object = None  # (args, facts) -> SDK keyword arguments
    to_calls: object = None  # (server, args, facts) -> tuple of Call, when one call is not enough
    predict: object = None  # (server, args, facts) -> fields of the server that change
    expect: object = None  # (server, args, facts) -> what the wait looks for besides status
    options: tuple = ()  # module options this action takes
    required: tuple = ()  # of which these are mandatory
    read_only: bool = False
    result_key: str = None  # read-only actions: where their data goes in the result
    never_noop: bool = False
    lock_guarded: bool = True  # Nova refuses it on a locked server unless the caller is admin
    wait: str = 'task'  # task | status | sync | addresses | gone | volume | none
    instance_action: str = None  # os-instance-actions name read after the wait for a compute-side error
    admin: str = ''  # who may run it under Nova's default policy, when not every member
    hint: str = ''  # added to the "not allowed now" line
    summary: str = ''


# ------------------------------------------------------------------------------------------------
# The table

_SPECS = (
    ActionSpec(
        'reboot',
        'reboot_server',
        allowed=('ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED', 'ERROR'),
        leads_to='ACTIVE',
        check=check_reboot,
        never_noop=True,
        options=('reboot_type',),
        to_kwargs=lambda a, f: {'reboot_type': a.get('reboot_type') or 'SOFT'},
        summary='Reboot (SOFT by default, or HARD).',
    ),
    ActionSpec(
        'start',
        'start_server',
        allowed=('SHUTOFF',),
        leads_to='ACTIVE',
        is_done=status_is('ACTIVE'),
        summary='Power on a SHUTOFF server.',
    ),
    ActionSpec(
        'stop',
        'stop_server',
        allowed=('ACTIVE', 'ERROR'),
        leads_to='SHUTOFF',
        is_done=status_is('SHUTOFF'),
        summary='Power off.',
    ),
    ActionSpec(
        'pause',
        'pause_server',
        allowed=('ACTIVE',),
        leads_to='PAUSED',
        is_done=status_is('PAUSED'),
        summary='Pause in memory.',
    ),
    ActionSpec(
        'unpause',
        'unpause_server',
        allowed=('PAUSED',),
        leads_to='ACTIVE',
        is_done=status_is('ACTIVE'),
        summary='Unpause.',
    ),
    ActionSpec(
        'suspend',
        'suspend_server',
        allowed=('ACTIVE',),
        leads_to='SUSPENDED',
        is_done=status_is('SUSPENDED'),
        summary='Suspend to disk.',
    ),
    ActionSpec(
        'resume',
        'resume_server',
        allowed=('SUSPENDED',),
        leads_to='ACTIVE',
        is_done=status_is('ACTIVE'),
        summary='Resume a SUSPENDED server.',
    ),
    ActionSpec(
        'lock',
        'lock_server',
        is_done=lock_done,
        to_calls=lock_calls,
        predict=lock_predict,
        options=('locked_reason',),
        lock_guarded=False,
        wait='sync',
        summary='Lock, with an optional reason; a new reason on a locked server unlocks and locks again.',
    ),
    ActionSpec(
        'unlock',
        'unlock_server',
        is_done=lambda s, a, f: not s.get('is_locked'),
        predict=lambda s, a, f: {'is_locked': False, 'locked_reason': None},
        lock_guarded=False,
        wait='sync',
        admin='admin to unlock a server an admin locked',
        summary='Unlock.',
    ),
    ActionSpec(
        'rescue',
        'rescue_server',
        allowed=('ACTIVE', 'SHUTOFF', 'ERROR'),
        leads_to='RESCUE',
        is_done=status_is('RESCUE'),
        options=('admin_password', 'image'),
        to_kwargs=rescue_kwargs,
        summary='Boot the rescue image (or the server image) with the disk attached.',
    ),
    ActionSpec(
        'unrescue',
        'unrescue_server',
        allowed=('RESCUE',),
        leads_to='ACTIVE',
        is_done=status_is('ACTIVE'),
        summary='Leave rescue mode.',
    ),
    ActionSpec(
        'resize',
        'resize_server',
        allowed=('ACTIVE', 'SHUTOFF', 'VERIFY_RESIZE'),
        leads_to='VERIFY_RESIZE',
        is_done=resize_done,
        check=resize_check,
        options=('flavor',),
        required=('flavor',),
        to_kwargs=lambda a, f: {'flavor': f['flavor']['id']},
        predict=lambda s, a, f: {'flavor': flavor_view(f['flavor'])},
        instance_action='resize',
        summary='Resize to another flavor; the server then waits in VERIFY_RESIZE.',
    ),
    ActionSpec(
        'confirm_resize',
        'confirm_server_resize',
        allowed=('VERIFY_RESIZE',),
        leads_to=('ACTIVE', 'SHUTOFF'),
        wait='status',
        hint='nothing awaits confirmation now',
        summary='Confirm a resize or cold migration that awaits confirmation.',
    ),
    ActionSpec(
        'revert_resize',
        'revert_server_resize',
        allowed=('VERIFY_RESIZE',),
        leads_to=('ACTIVE', 'SHUTOFF'),
        hint='nothing awaits confirmation now',
        summary='Go back to the flavor and host before the resize or cold migration.',
    ),
    ActionSpec(
        'rebuild',
        'rebuild_server',
        allowed=('ACTIVE', 'SHUTOFF', 'ERROR'),
        leads_to={'ACTIVE': 'ACTIVE', 'SHUTOFF': 'SHUTOFF', 'ERROR': 'ACTIVE'},
        never_noop=True,
        options=(
            'access_ipv4',
            'access_ipv6',
            'admin_password',
            'description',
            'hostname',
            'image',
            'key_name',
            'metadata',
            'new_name',
            'preserve_ephemeral',
            'user_data',
        ),
        required=('image',),
        to_kwargs=rebuild_kwargs,
        predict=rebuild_predict,
        summary='Rebuild from an image; the disk is replaced.',
    ),
    ActionSpec(
        'create_image',
        'create_server_image',
        via='create_image',
        allowed=('ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED'),
        never_noop=True,
        lock_guarded=False,
        options=('image_name', 'metadata'),
        required=('image_name',),
        to_kwargs=lambda a, f: {'name': a['image_name'], 'metadata': a.get('metadata')},
        summary='Snapshot the server into a new image.',
    ),
    ActionSpec(
        'backup',
        'create_server_backup',
        via='backup',
        allowed=('ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED'),
        never_noop=True,
        lock_guarded=False,
        options=('backup_type', 'image_name', 'metadata', 'rotation'),
        required=('backup_type', 'image_name', 'rotation'),
        to_kwargs=lambda a, f: {
            'name': a['image_name'],
            'backup_type': a['backup_type'],
            'rotation': a['rotation'],
            'metadata': a.get('metadata'),
        },
        summary='Snapshot into a backup image and keep the newest O(rotation) backups of that type.',
    ),
    ActionSpec(
        'change_password',
        'change_server_password',
        allowed=('ACTIVE',),
        never_noop=True,
        options=('admin_password',),
        required=('admin_password',),
        wait='sync',
        to_kwargs=lambda a, f: {'new_password': a['admin_password']},
        summary="Set the guest's administrator password (needs a guest agent).",
    ),
    ActionSpec(
        'get_password',
        'get_server_password',
        read_only=True,
        result_key='password',
        lock_guarded=False,
        summary='Read the encrypted administrator password the guest posted (empty when none).',
    ),
    ActionSpec(
        'clear_password',
        'clear_server_password',
        is_done=lambda s, a, f: not f.get('password'),
        lock_guarded=False,
        wait='sync',
        summary='Forget the encrypted password the guest posted.',
    ),
    ActionSpec(
        'shelve',
        'shelve_server',
        allowed=('ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED'),
        leads_to=('SHELVED', 'SHELVED_OFFLOADED'),
        is_done=status_is('SHELVED', 'SHELVED_OFFLOADED'),
        summary='Shelve (some clouds offload at once).',
    ),
    ActionSpec(
        'shelve_offload',
        'shelve_offload_server',
        allowed=('SHELVED',),
        leads_to='SHELVED_OFFLOADED',
        is_done=status_is('SHELVED_OFFLOADED'),
        admin='admin',
        summary='Free the host of a SHELVED server.',
    ),
    ActionSpec(
        'unshelve',
        'unshelve_server',
        allowed=('SHELVED', 'SHELVED_OFFLOADED'),
        leads_to='ACTIVE',
        is_done=unshelve_done,
        check=unshelve_check,
        options=('availability_zone', 'host'),
        to_kwargs=unshelve_kwargs,
        admin='admin for host',
        summary='Bring a shelved server back (to a host or availability zone when offloaded).',
    ),
    ActionSpec(
        'migrate',
        'migrate_server',
        allowed=('ACTIVE', 'SHUTOFF'),
        leads_to='VERIFY_RESIZE',
        is_done=on_host,
        options=('host',),
        to_kwargs=lambda a, f: kept(a, 'host'),
        instance_action='migrate',
        admin='project manager or admin; admin for host',
        summary='Cold-migrate to another host; the server then waits in VERIFY_RESIZE.',
    ),
    ActionSpec(
        'live_migrate',
        'live_migrate_server',
        allowed=('ACTIVE', 'PAUSED'),
        is_done=on_host,
        options=('block_migration', 'force', 'host'),
        to_kwargs=live_kwargs,
        instance_action='live-migration',
        admin='project manager or admin; admin for host',
        summary='Live-migrate to another host.',
    ),
    ActionSpec(
        'evacuate',
        'evacuate_server',
        allowed=('ACTIVE', 'SHUTOFF', 'ERROR'),
        leads_to={'ACTIVE': 'ACTIVE', 'SHUTOFF': 'SHUTOFF', 'ERROR': 'ACTIVE'},
        is_done=on_host,
        options=('admin_password', 'force', 'host'),
        to_kwargs=evacuate_kwargs,
        lock_guarded=False,
        instance_action='evacuate',
        admin='admin',
        summary='Rebuild the server on another host when its host is down.',
    ),
    ActionSpec(
        'restore',
        'restore_server',
        allowed=('SOFT_DELETED',),
        leads_to='ACTIVE',
        hint='only soft-deleted servers can be restored',
        summary='Undo a soft delete (clouds with reclaim_instance_interval > 0).',
    ),
    ActionSpec(
        'force_delete',
        'force_delete',
        via='resource',
        leads_to=(),
        wait='gone',
        predict=lambda s, a, f: {'status': 'DELETED'},
        summary='Delete at once, also a SOFT_DELETED server.',
    ),
    ActionSpec(
        'reset_state',
        'reset_server_state',
        leads_to=None,
        is_done=reset_done,
        options=('state',),
        required=('state',),
        to_kwargs=lambda a, f: {'state': a['state']},
        lock_guarded=False,
        wait='sync',
        admin='admin',
        summary="Set Nova's record of the server to active or error (nothing on the host).",
    ),
    ActionSpec(
        'add_security_group',
        'add_security_group_to_server',
        is_done=lambda s, a, f: has_group(f),
        options=('security_group',),
        required=('security_group',),
        lock_guarded=False,
        wait='sync',
        to_kwargs=lambda a, f: {'security_group': f['security_group']['id']},
        predict=group_predict(True),
        summary="Add a security group to all of the server's ports.",
    ),
    ActionSpec(
        'remove_security_group',
        'remove_security_group_from_server',
        is_done=lambda s, a, f: not has_group(f),
        options=('security_group',),
        required=('security_group',),
        lock_guarded=False,
        wait='sync',
        to_kwargs=lambda a, f: {'security_group': f['security_group']['id']},
        predict=group_predict(False),
        summary="Remove a security group from the server's ports.",
    ),
    ActionSpec(
        'add_fixed_ip',
        'addFixedIp',
        via='request',
        never_noop=True,
        options=('network',),
        required=('network',),
        wait='addresses',
        expect=fixed_ip_expect,
        to_kwargs=lambda a, f: {'networkId': f['network']['id']},
        summary="Add one more fixed address from a network the server's port is on.",
    ),
    ActionSpec(
        'remove_fixed_ip',
        'removeFixedIp',
        via='request',
        options=('address',),
        required=('address',),
        is_done=lambda s, a, f: a['address'] not in [x[1] for x in addresses_of(s, 'fixed')],
        wait='addresses',
        expect=address_expect(False),
        to_kwargs=lambda a, f: {'address': a['address']},
        predict=lambda s, a, f: without_address(s, a['address']),
        summary='Remove a fixed address.',
    ),
    ActionSpec(
        'add_floating_ip',
        'addFloatingIp',
        via='request',
        options=('address', 'fixed_address'),
        required=('address',),
        is_done=lambda s, a, f: floating_on_server(a, f),
        check=floating_check,
        lock_guarded=False,
        wait='addresses',
        expect=address_expect(True),
        to_kwargs=lambda a, f: kept(a, 'address', 'fixed_address'),
        predict=floating_predict,
        summary='Associate an allocated floating IP (with one of its fixed addresses).',
    ),
    ActionSpec(
        'remove_floating_ip',
        'removeFloatingIp',
        via='request',
        options=('address',),
        required=('address',),
        is_done=floating_gone,
        lock_guarded=False,
        wait='addresses',
        expect=address_expect(False),
        to_kwargs=lambda a, f: {'address': a['address']},
        predict=lambda s, a, f: without_address(s, a['address']),
        summary='Disassociate a floating IP (it stays allocated).',
    ),
    ActionSpec(
        'attach_volume',
        'attach_volume',
        via='volume',
        allowed=ATTACH_STATUSES,
        is_done=volume_on_server,
        check=attach_check,
        options=('device', 'volume'),
        required=('volume',),
        wait='volume',
        to_kwargs=lambda a, f: {'volume_id': f['volume']['id'], 'device': a.get('device')},
        predict=attachment_predict(True),
        summary='Attach a volume (at O(device) when given); over once Cinder says it is in-use.',
    ),
    ActionSpec(
        'detach_volume',
        'detach_volume',
        via='volume',
        allowed=ATTACH_STATUSES,
        is_done=lambda s, a, f: not volume_on_server(s, a, f),
        check=detach_check,
        options=('volume',),
        required=('volume',),
        wait='volume',
        to_kwargs=lambda a, f: {'volume_id': f['volume']['id']},
        predict=attachment_predict(False),
        summary='Detach a volume (never the root disk); over once Cinder says it is no longer attached.',
    ),
    ActionSpec(
        'trigger_crash_dump',
        'trigger_server_crash_dump',
        allowed=('ACTIVE', 'PAUSED', 'RESCUE', 'VERIFY_RESIZE', 'ERROR'),
        never_noop=True,
        wait='none',
        summary='Send an NMI so the guest dumps its kernel; Nova reports no progress for it.',
    ),
    ActionSpec(
        'get_console_output',
        'get_server_console_output',
        read_only=True,
        result_key='console_output',
        options=('length',),
        to_kwargs=lambda a, f: kept(a, 'length'),
        lock_guarded=False,
        summary='Read the console log (the last O(length) lines).',
    ),
    ActionSpec(
        'get_console_url',
        'create_server_remote_console',
        read_only=True,
        result_key='console',
        options=('console_type',),
        to_kwargs=console_url_kwargs,
        lock_guarded=False,
        summary='Get a remote console URL (novnc by default).',
    ),
    ActionSpec(
        'fetch_topology',
        'get_server_topology',
        via='topology',
        read_only=True,
        result_key='topology',
        lock_guarded=False,
        summary='Read the NUMA topology (host details for admins).',
    ),
    ActionSpec(
        'fetch_security_groups',
        'fetch_server_security_groups',
        read_only=True,
        result_key='security_groups',
        lock_guarded=False,
        summary='Read the security groups with their rules.',
    ),
)

ACTIONS = dict((spec.name, spec) for spec in _SPECS)
ACTION_NAMES = tuple(sorted(ACTIONS))
# openstack.cloud.server_action spells reboots as actions of their own.
ACTION_ALIASES = {'reboot_soft': ('reboot', 'SOFT'), 'reboot_hard': ('reboot', 'HARD')}
ACTION_OPTIONS = tuple(sorted(set(o for spec in _SPECS for o in spec.options)))
# Actions the server module chains to reach a status, in the order ties are broken.
TRANSITION_ACTIONS = (
    'start',
    'stop',
    'unpause',
    'resume',
    'unrescue',
    'unshelve',
    'pause',
    'suspend',
    'shelve',
    'shelve_offload',
)


def required_if():
    """AnsibleModule required_if rules from the table."""
    return [('action', spec.name, list(spec.required)) for spec in _SPECS if spec.required]
