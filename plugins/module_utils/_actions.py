# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the table of server actions, and pure plans made from it.

One ``ActionSpec`` per operation of the compute Server resource says which statuses allow it, where
it leads, when it is already done, how module options become SDK arguments, and how its wait knows
that the operation really happened. ``plan_action`` turns (server, action, options, facts read
before) into a ``Plan``; ``plan_status_transition`` chains state actions for the ``server`` module.
No SDK, no AnsibleModule, no clock here.

Idempotence rule: a *state* action (start, stop, pause, unpause, suspend, resume, rescue, unrescue,
shelve, shelve_offload, lock, unlock) is a no-op when the server already is where the action leads.
``unshelve`` and ``restore`` bring a server back from somewhere (off its host, soft-deleted) and pick
a place for it again; on a server that is not there they fail with its status, like Nova does.
Resize, migrations and network/security group actions are no-ops when what they would do already
holds. Reboot, rebuild, create_image, backup, change_password, add_fixed_ip and
trigger_crash_dump always act.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._server_desired import encode_user_data
from ansible_collections.stackops.compute.plugins.module_utils._server_view import server_view

# Statuses that only say an operation is under way (Nova maps vm_state + task_state to them).
BUSY = ('BUILD', 'REBOOT', 'HARD_REBOOT', 'REBUILD', 'RESIZE', 'REVERT_RESIZE', 'MIGRATING', 'PASSWORD')
# Statuses a server rests in; the server module may ask for the first six.
RESTING = (
    'ACTIVE',
    'SHUTOFF',
    'PAUSED',
    'SUSPENDED',
    'SHELVED',
    'SHELVED_OFFLOADED',
    'RESCUE',
    'VERIFY_RESIZE',
    'ERROR',
    'SOFT_DELETED',
)
# The compute API version that still has the fixed and floating IP actions (removed in 2.44).
NETWORK_PROXY_MICROVERSION = '2.43'
# power_state 4 is SHUTDOWN: a server resized while stopped stays stopped after confirm or revert.
POWER_SHUTDOWN = 4

CONSOLE_PROTOCOLS = {
    'novnc': 'vnc',
    'xvpvnc': 'vnc',
    'spice-html5': 'spice',
    'spice-direct': 'spice',
    'rdp-html5': 'rdp',
    'serial': 'serial',
    'webmks': 'mks',
}


@dataclasses.dataclass(frozen=True)
class Call(object):
    """One request of a plan. ``via``: proxy (conn.compute.<method>), resource (Server.<method>),
    request (a raw action body at ``microversion``), or a Cloud helper: create_image, backup, topology."""

    via: str
    method: str
    kwargs: dict = dataclasses.field(default_factory=dict)
    microversion: str = None


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
    wait: str = 'task'  # task | status | sync | addresses | gone | none
    instance_action: str = None  # os-instance-actions name read after the wait for a compute-side error
    admin: str = ''  # who may run it under Nova's default policy, when not every member
    hint: str = ''  # added to the "not allowed now" line
    summary: str = ''


@dataclasses.dataclass(frozen=True)
class Plan(object):
    kind: str  # none | action | read
    action: str
    reason: str = ''
    calls: tuple = ()
    before: dict = None
    after: dict = None
    targets: tuple = ()  # statuses the server may rest in afterwards
    expect: dict = dataclasses.field(default_factory=dict)

    @property
    def changed(self):
        return self.kind == 'action'

    @property
    def kwargs(self):
        return dict(self.calls[-1].kwargs) if self.calls else {}


# ------------------------------------------------------------------------------------------------
# Small pure readers of a server dict


def status_of(server):
    return (server or {}).get('status')


def flavor_matches(server, flavor):
    have = (server or {}).get('flavor') or {}
    names = set(v for v in (have.get('original_name'), have.get('name'), have.get('id')) if v)
    return bool(names & set(v for v in (flavor.get('name'), flavor.get('id')) if v))


def addresses_of(server, kind=None):
    """[(network, address, kind)] of a server, optionally only 'fixed' or 'floating'."""
    out = []
    for network, entries in sorted(((server or {}).get('addresses') or {}).items()):
        for entry in entries or []:
            entry_kind = entry.get('OS-EXT-IPS:type') or 'fixed'
            if entry.get('addr') and (kind is None or entry_kind == kind):
                out.append((network, entry['addr'], entry_kind))
    return out


def group_names(groups):
    return sorted(set(g.get('name') for g in groups or () if g.get('name')))


def _same_group(have, group):
    if have.get('id') and group.get('id'):
        return have['id'] == group['id']
    return have.get('name') == group.get('name')


def _has_group(facts):
    group = facts.get('security_group') or {}
    return any(_same_group(have, group) for have in facts.get('server_security_groups') or ())


def _port_ids(facts):
    return set(p.get('id') for p in facts.get('ports') or ())


def _floating_on_server(args, facts):
    fip = facts.get('floating_ip')
    if not fip or fip.get('port_id') not in _port_ids(facts):
        return False
    want_fixed = args.get('fixed_address')
    return want_fixed is None or fip.get('fixed_ip_address') == want_fixed


def _kept(args, *names):
    return dict((n, args[n]) for n in names if args.get(n) is not None)


# ------------------------------------------------------------------------------------------------
# Per-action rules that do not fit in one lambda


def _status_is(*statuses):
    return lambda server, args, facts: status_of(server) in statuses


def _on_host(server, args, facts):
    """A move to a named host is done when the server is there (the host shows to admins only)."""
    return bool(args.get('host')) and server.get('compute_host') == args.get('host')


def _check_reboot(server, args, facts):
    if (args.get('reboot_type') or 'SOFT') == 'SOFT' and status_of(server) != 'ACTIVE':
        return (
            'its status is %s; a SOFT reboot needs ACTIVE (a HARD reboot also works from SHUTOFF, PAUSED, '
            'SUSPENDED or ERROR).' % status_of(server)
        )
    return None


def _lock_done(server, args, facts):
    reason = args.get('locked_reason')
    return bool(server.get('is_locked')) and (reason is None or reason == server.get('locked_reason'))


def _lock_calls(server, args, facts):
    lock = Call('proxy', 'lock_server', _kept(args, 'locked_reason'))
    # Nova ignores a new reason when the owner locks a locked server: unlock, then lock again.
    if server.get('is_locked'):
        return (Call('proxy', 'unlock_server'), lock)
    return (lock,)


def _lock_predict(server, args, facts):
    reason = args.get('locked_reason')
    return {'is_locked': True, 'locked_reason': reason if reason is not None else server.get('locked_reason')}


def _resize_done(server, args, facts):
    return status_of(server) in ('ACTIVE', 'SHUTOFF', 'VERIFY_RESIZE') and flavor_matches(server, facts['flavor'])


def _resize_check(server, args, facts):
    if status_of(server) == 'VERIFY_RESIZE':
        return (
            'its status is VERIFY_RESIZE: an earlier resize awaits confirmation; confirm_resize or '
            'revert_resize it first.'
        )
    return None


def _flavor_view(flavor):
    keys = ('vcpus', 'ram', 'disk', 'ephemeral', 'swap')
    view = dict((k, flavor.get(k)) for k in keys if flavor.get(k) is not None)
    view['original_name'] = flavor.get('name')
    return view


def _after_resize_status(server, args, facts):
    return 'SHUTOFF' if server.get('power_state') == POWER_SHUTDOWN else 'ACTIVE'


def _rebuild_kwargs(args, facts):
    kwargs = {'image': facts['image']['id']}
    if args.get('new_name') is not None:
        kwargs['name'] = args['new_name']
    kwargs.update(
        _kept(
            args,
            'admin_password',
            'preserve_ephemeral',
            'access_ipv4',
            'access_ipv6',
            'metadata',
            'key_name',
            'description',
            'hostname',
        )
    )
    if args.get('user_data') is not None:
        kwargs['user_data'] = encode_user_data(args['user_data'])
    return kwargs


def _rebuild_predict(server, args, facts):
    after = {'image': {'id': facts['image']['id']}}
    if args.get('new_name') is not None:
        after['name'] = args['new_name']
    for key in ('access_ipv4', 'access_ipv6', 'key_name', 'description', 'hostname'):
        if args.get(key) is not None:
            after[key] = args[key]
    if args.get('metadata') is not None:
        after['metadata'] = dict((str(k), str(v)) for k, v in args['metadata'].items())
    return after


def _rescue_kwargs(args, facts):
    kwargs = {}
    if args.get('admin_password') is not None:
        kwargs['admin_pass'] = args['admin_password']
    if facts.get('image'):
        kwargs['image'] = facts['image']['id']
    return kwargs


def _unshelve_check(server, args, facts):
    if (args.get('host') or args.get('availability_zone')) and status_of(server) != 'SHELVED_OFFLOADED':
        return (
            'its status is %s; Nova places an unshelved server on a chosen host or availability zone only '
            'when it is SHELVED_OFFLOADED (shelve_offload it first).' % status_of(server)
        )
    return None


def _unshelve_kwargs(args, facts):
    return _kept(args, 'availability_zone', 'host')


def _host_predict(server, args, facts):
    return {'compute_host': args['host']} if args.get('host') else {}


def _live_kwargs(args, facts):
    kwargs = {
        'host': args.get('host'),
        'force': bool(args.get('force')),
        'block_migration': args.get('block_migration', 'auto'),
    }
    return kwargs


def _evacuate_kwargs(args, facts):
    kwargs = _kept(args, 'host', 'force')
    if args.get('admin_password') is not None:
        kwargs['admin_pass'] = args['admin_password']
    return kwargs


def _reset_done(server, args, facts):
    want = args.get('state')
    vm_state = server.get('vm_state') or {'ACTIVE': 'active', 'ERROR': 'error'}.get(status_of(server))
    return vm_state == want and not server.get('task_state')


def _group_predict(add):
    def predict(server, args, facts):
        group = facts['security_group']
        have = list(facts.get('server_security_groups') or server.get('security_groups') or ())
        if add:
            have.append({'name': group['name'], 'id': group.get('id')})
        else:
            have = [g for g in have if not _same_group(g, group)]
        return {'security_groups': [{'name': n} for n in group_names(have)]}

    return predict


def _fixed_ip_expect(server, args, facts):
    network = facts['network']['name']
    count = len([a for a in addresses_of(server, 'fixed') if a[0] == network])
    return {'network': network, 'more_than': count}


def _without_address(server, address):
    addresses = {}
    for network, entries in (server.get('addresses') or {}).items():
        addresses[network] = [e for e in entries or [] if e.get('addr') != address]
    return {'addresses': addresses}


def _floating_check(server, args, facts):
    if not facts.get('floating_ip'):
        return 'floating IP %s does not exist in this project; allocate it first.' % args['address']
    return None


def _floating_predict(server, args, facts):
    fixed = args.get('fixed_address') or (facts.get('floating_ip') or {}).get('fixed_ip_address')
    addresses = dict((k, list(v or [])) for k, v in (server.get('addresses') or {}).items())
    network = next((n for n, a, _k in addresses_of(server, 'fixed') if a == fixed), None)
    if network is None:
        network = next(iter(sorted(addresses)), 'unknown')
    entries = [e for e in addresses.get(network, []) if e.get('addr') != args['address']]
    version = 6 if ':' in args['address'] else 4
    entries.append({'addr': args['address'], 'OS-EXT-IPS:type': 'floating', 'version': version})
    addresses[network] = entries
    return {'addresses': addresses}


def _floating_gone(server, args, facts):
    return not facts.get('floating_ip') or facts['floating_ip'].get('port_id') not in _port_ids(facts)


def _address_expect(present):
    return lambda server, args, facts: {'address': args['address'], 'present': present}


def _console_url_kwargs(args, facts):
    console_type = args.get('console_type') or 'novnc'
    return {'protocol': CONSOLE_PROTOCOLS[console_type], 'type': console_type}


# ------------------------------------------------------------------------------------------------
# The table

_SPECS = (
    ActionSpec(
        'reboot',
        'reboot_server',
        allowed=('ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED', 'ERROR'),
        leads_to='ACTIVE',
        check=_check_reboot,
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
        is_done=_status_is('ACTIVE'),
        summary='Power on a SHUTOFF server.',
    ),
    ActionSpec(
        'stop',
        'stop_server',
        allowed=('ACTIVE', 'ERROR'),
        leads_to='SHUTOFF',
        is_done=_status_is('SHUTOFF'),
        summary='Power off.',
    ),
    ActionSpec(
        'pause',
        'pause_server',
        allowed=('ACTIVE',),
        leads_to='PAUSED',
        is_done=_status_is('PAUSED'),
        summary='Pause in memory.',
    ),
    ActionSpec(
        'unpause',
        'unpause_server',
        allowed=('PAUSED',),
        leads_to='ACTIVE',
        is_done=_status_is('ACTIVE'),
        summary='Unpause.',
    ),
    ActionSpec(
        'suspend',
        'suspend_server',
        allowed=('ACTIVE',),
        leads_to='SUSPENDED',
        is_done=_status_is('SUSPENDED'),
        summary='Suspend to disk.',
    ),
    ActionSpec(
        'resume',
        'resume_server',
        allowed=('SUSPENDED',),
        leads_to='ACTIVE',
        is_done=_status_is('ACTIVE'),
        summary='Resume a SUSPENDED server.',
    ),
    ActionSpec(
        'lock',
        'lock_server',
        is_done=_lock_done,
        to_calls=_lock_calls,
        predict=_lock_predict,
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
        is_done=_status_is('RESCUE'),
        options=('admin_password', 'image'),
        to_kwargs=_rescue_kwargs,
        summary='Boot the rescue image (or the server image) with the disk attached.',
    ),
    ActionSpec(
        'unrescue',
        'unrescue_server',
        allowed=('RESCUE',),
        leads_to='ACTIVE',
        is_done=_status_is('ACTIVE'),
        summary='Leave rescue mode.',
    ),
    ActionSpec(
        'resize',
        'resize_server',
        allowed=('ACTIVE', 'SHUTOFF', 'VERIFY_RESIZE'),
        leads_to='VERIFY_RESIZE',
        is_done=_resize_done,
        check=_resize_check,
        options=('flavor',),
        required=('flavor',),
        to_kwargs=lambda a, f: {'flavor': f['flavor']['id']},
        predict=lambda s, a, f: {'flavor': _flavor_view(f['flavor'])},
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
        to_kwargs=_rebuild_kwargs,
        predict=_rebuild_predict,
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
        is_done=_status_is('SHELVED', 'SHELVED_OFFLOADED'),
        summary='Shelve (some clouds offload at once).',
    ),
    ActionSpec(
        'shelve_offload',
        'shelve_offload_server',
        allowed=('SHELVED',),
        leads_to='SHELVED_OFFLOADED',
        is_done=_status_is('SHELVED_OFFLOADED'),
        admin='admin',
        summary='Free the host of a SHELVED server.',
    ),
    ActionSpec(
        'unshelve',
        'unshelve_server',
        allowed=('SHELVED', 'SHELVED_OFFLOADED'),
        leads_to='ACTIVE',
        check=_unshelve_check,
        options=('availability_zone', 'host'),
        to_kwargs=_unshelve_kwargs,
        predict=_host_predict,
        admin='admin for host',
        summary='Bring a shelved server back (to a host or availability zone when offloaded).',
    ),
    ActionSpec(
        'migrate',
        'migrate_server',
        allowed=('ACTIVE', 'SHUTOFF'),
        leads_to='VERIFY_RESIZE',
        is_done=_on_host,
        options=('host',),
        to_kwargs=lambda a, f: _kept(a, 'host'),
        predict=_host_predict,
        instance_action='migrate',
        admin='project manager or admin; admin for host',
        summary='Cold-migrate to another host; the server then waits in VERIFY_RESIZE.',
    ),
    ActionSpec(
        'live_migrate',
        'live_migrate_server',
        allowed=('ACTIVE', 'PAUSED'),
        is_done=_on_host,
        options=('block_migration', 'force', 'host'),
        to_kwargs=_live_kwargs,
        predict=_host_predict,
        instance_action='live-migration',
        admin='project manager or admin; admin for host',
        summary='Live-migrate to another host.',
    ),
    ActionSpec(
        'evacuate',
        'evacuate_server',
        allowed=('ACTIVE', 'SHUTOFF', 'ERROR'),
        leads_to={'ACTIVE': 'ACTIVE', 'SHUTOFF': 'SHUTOFF', 'ERROR': 'ACTIVE'},
        is_done=_on_host,
        options=('admin_password', 'force', 'host'),
        to_kwargs=_evacuate_kwargs,
        predict=_host_predict,
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
        is_done=_reset_done,
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
        is_done=lambda s, a, f: _has_group(f),
        options=('security_group',),
        required=('security_group',),
        lock_guarded=False,
        wait='sync',
        to_kwargs=lambda a, f: {'security_group': f['security_group']['id']},
        predict=_group_predict(True),
        summary="Add a security group to all of the server's ports.",
    ),
    ActionSpec(
        'remove_security_group',
        'remove_security_group_from_server',
        is_done=lambda s, a, f: not _has_group(f),
        options=('security_group',),
        required=('security_group',),
        lock_guarded=False,
        wait='sync',
        to_kwargs=lambda a, f: {'security_group': f['security_group']['id']},
        predict=_group_predict(False),
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
        expect=_fixed_ip_expect,
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
        expect=_address_expect(False),
        to_kwargs=lambda a, f: {'address': a['address']},
        predict=lambda s, a, f: _without_address(s, a['address']),
        summary='Remove a fixed address.',
    ),
    ActionSpec(
        'add_floating_ip',
        'addFloatingIp',
        via='request',
        options=('address', 'fixed_address'),
        required=('address',),
        is_done=lambda s, a, f: _floating_on_server(a, f),
        check=_floating_check,
        lock_guarded=False,
        wait='addresses',
        expect=_address_expect(True),
        to_kwargs=lambda a, f: _kept(a, 'address', 'fixed_address'),
        predict=_floating_predict,
        summary='Associate an allocated floating IP (with one of its fixed addresses).',
    ),
    ActionSpec(
        'remove_floating_ip',
        'removeFloatingIp',
        via='request',
        options=('address',),
        required=('address',),
        is_done=_floating_gone,
        lock_guarded=False,
        wait='addresses',
        expect=_address_expect(False),
        to_kwargs=lambda a, f: {'address': a['address']},
        predict=lambda s, a, f: _without_address(s, a['address']),
        summary='Disassociate a floating IP (it stays allocated).',
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
        to_kwargs=lambda a, f: _kept(a, 'length'),
        lock_guarded=False,
        summary='Read the console log (the last O(length) lines).',
    ),
    ActionSpec(
        'get_console_url',
        'create_server_remote_console',
        read_only=True,
        result_key='console',
        options=('console_type',),
        to_kwargs=_console_url_kwargs,
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


def block_migration_value(value):
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text == 'auto':
        return 'auto'
    if text in ('true', 'yes', 'on', '1'):
        return True
    if text in ('false', 'no', 'off', '0'):
        return False
    raise ComputeError('block_migration must be auto, true or false, not %r.' % value)


def action_args(params):
    """(action, args) from module params: aliases resolved, options that do not belong refused."""
    action = params['action']
    args = dict((k, params[k]) for k in ACTION_OPTIONS if params.get(k) is not None)
    if action in ACTION_ALIASES:
        action, reboot_type = ACTION_ALIASES[action]
        if args.get('reboot_type') not in (None, reboot_type):
            raise ComputeError('action=%s contradicts reboot_type=%s.' % (params['action'], args['reboot_type']))
        args['reboot_type'] = reboot_type
    if action not in ACTIONS:
        raise ComputeError('Unknown action %r; one of: %s.' % (action, ', '.join(ACTION_NAMES)))
    spec = ACTIONS[action]
    extra = sorted(k for k in args if k not in spec.options)
    if extra:
        takes = 'it takes %s' % ', '.join(spec.options) if spec.options else 'it takes no options'
        raise ComputeError('Action %s does not take %s; %s.' % (action, ', '.join(extra), takes))
    if 'block_migration' in args:
        args['block_migration'] = block_migration_value(args['block_migration'])
    if args.get('reboot_type'):
        args['reboot_type'] = args['reboot_type'].upper()
    args['server'] = params.get('server')
    return action, args


def targets_for(spec, server):
    """Statuses the server may rest in once the action is over."""
    status = status_of(server)
    leads = spec.leads_to
    if leads == 'same':
        return (status,)
    if leads is None:
        return ()
    if isinstance(leads, dict):
        return (leads.get(status, status),)
    if isinstance(leads, str):
        return (leads,)
    return tuple(leads)


def _join(statuses):
    statuses = list(statuses)
    if len(statuses) == 1:
        return statuses[0]
    return '%s or %s' % (', '.join(statuses[:-1]), statuses[-1])


def _label(server, args):
    return (server or {}).get('name') or (args or {}).get('server') or (server or {}).get('id')


def plan_action(server, action, args=None, facts=None):
    """What ``action`` does to ``server`` now. ``facts``: what the read step found (resolved image, flavor,
    network, security groups, floating IP and ports, password, whether the caller is admin).

    Raises ComputeError with one line when the action is not allowed now; nothing is sent then.
    """
    args = dict(args or {})
    facts = dict(facts or {})
    spec = ACTIONS.get(action)
    if spec is None:
        raise ComputeError('Unknown action %r; one of: %s.' % (action, ', '.join(ACTION_NAMES)))
    if server is None:
        if action == 'force_delete':
            return Plan(kind='none', action=action, reason='the server is already gone')
        raise ComputeError('Server %s not found.' % args.get('server'))
    name = _label(server, args)
    if spec.read_only:
        return Plan(
            kind='read',
            action=action,
            calls=(Call(spec.via, spec.method, _kwargs(spec, args, facts)),),
            before=server,
            after=server,
            targets=(status_of(server),),
        )
    status = status_of(server)
    if server.get('task_state') or status in BUSY:
        raise ComputeError(
            'Cannot %s server %s: it is busy (status %s, task_state %s); wait until that ends.'
            % (action, name, status, server.get('task_state'))
        )
    if spec.is_done is not None and spec.is_done(server, args, facts):
        reason = '%s is already done for server %s (status %s%s)' % (
            action,
            name,
            status,
            ', locked' if server.get('is_locked') else '',
        )
        return Plan(kind='none', action=action, reason=reason, before=server, after=server, targets=(status,))
    if spec.allowed and status not in spec.allowed:
        raise ComputeError(
            'Cannot %s server %s: its status is %s; %s needs %s%s.'
            % (action, name, status, action, _join(spec.allowed), ' (%s)' % spec.hint if spec.hint else '')
        )
    if spec.check is not None:
        why = spec.check(server, args, facts)
        if why:
            raise ComputeError('Cannot %s server %s: %s' % (action, name, why))
    if spec.lock_guarded and server.get('is_locked') and not facts.get('is_admin'):
        reason = server.get('locked_reason')
        raise ComputeError(
            'Cannot %s server %s: it is locked%s; unlock it first (action=unlock), or use an admin '
            'cloud.' % (action, name, ' (%s)' % reason if reason else '')
        )
    targets = _targets(spec, server, args, facts)
    after = dict(server)
    if targets:
        after['status'] = targets[0]
    if spec.predict is not None:
        after.update(spec.predict(server, args, facts))
    after['task_state'] = None
    if spec.to_calls is not None:
        calls = tuple(spec.to_calls(server, args, facts))
    else:
        calls = (
            Call(
                spec.via,
                spec.method,
                _kwargs(spec, args, facts),
                NETWORK_PROXY_MICROVERSION if spec.via == 'request' else None,
            ),
        )
    expect = spec.expect(server, args, facts) if spec.expect is not None else {}
    if spec.name in ('live_migrate', 'evacuate') and server.get('compute_host'):
        # Nova clears task_state before it records the new host at the end of an evacuation (the resource
        # tracker sets it last): the wait also looks for the host to change, when the host shows.
        expect = dict(expect, moved_from=server['compute_host'])
    return Plan(
        kind='action',
        action=action,
        reason=spec.summary,
        calls=calls,
        before=server,
        after=after,
        targets=targets,
        expect=expect,
    )


def _version(text):
    try:
        return tuple(int(part) for part in str(text).split('.')[:2])
    except ValueError:
        return None


def _targets(spec, server, args, facts):
    if spec.name == 'evacuate':
        # Since microversion 2.95 an evacuated server is left stopped on its new host.
        version = _version(facts.get('microversion')) if facts.get('microversion') else None
        before = targets_for(spec, server)
        if version is None:
            return ('SHUTOFF',) + tuple(s for s in before if s != 'SHUTOFF')
        return ('SHUTOFF',) if version >= (2, 95) else before
    if spec.name == 'reset_state':
        return ('ACTIVE',) if args.get('state') == 'active' else ('ERROR',)
    if spec.name in ('confirm_resize', 'revert_resize'):
        first = _after_resize_status(server, args, None)
        return (first,) + tuple(s for s in ('ACTIVE', 'SHUTOFF') if s != first)
    return targets_for(spec, server)


def _kwargs(spec, args, facts):
    return dict(spec.to_kwargs(args, facts)) if spec.to_kwargs is not None else {}


# ------------------------------------------------------------------------------------------------
# Status transitions for the server module


def _edges():
    edges = []
    for name in TRANSITION_ACTIONS:
        spec = ACTIONS[name]
        lead = spec.leads_to if isinstance(spec.leads_to, str) else spec.leads_to[0]
        for status in spec.allowed:
            edges.append((status, name, lead))
    return edges


def plan_status_transition(server, target_status):
    """The state actions, in order, that take a server (or a status) to ``target_status``; [] when there.

    Shortest path over the table (start, stop, pause, unpause, suspend, resume, unrescue, shelve,
    shelve_offload, unshelve); e.g. PAUSED -> SHUTOFF is [unpause, stop].
    """
    start = server if isinstance(server, str) or server is None else status_of(server)
    target = (target_status or '').upper()
    if start == target:
        return []
    frontier = [(start, [])]
    seen = set([start])
    edges = _edges()
    while frontier:
        nxt = []
        for status, path in frontier:
            for source, name, lead in edges:
                if source != status or lead in seen:
                    continue
                if lead == target:
                    return path + [name]
                seen.add(lead)
                nxt.append((lead, path + [name]))
        frontier = nxt
    raise ComputeError(
        'No action takes a server from %s to %s%s.'
        % (start, target, '; confirm_resize or revert_resize it first' if start == 'VERIFY_RESIZE' else '')
    )


# ------------------------------------------------------------------------------------------------
# What the wait looks at (pure, so that the rules are tested as tables)


def is_settled(plan, server):
    """Whether the operation of ``plan`` is over, judged from a server read after the request.

    Nova's API sets the server's task_state in the same request that answers 202 (rebooting, powering-off,
    rebuilding, resize_prep, image_snapshot, shelving, migrating...) and only the compute service clears it,
    so any read after the answer sees either the operation under way or its end: "task_state is None and
    the status rests" cannot be the state from before the request.
    """
    spec = ACTIONS[plan.action]
    if spec.wait == 'gone':
        return server is None or status_of(server) == 'DELETED'
    if server is None:
        return False
    resting = not server.get('task_state') and status_of(server) not in BUSY
    if status_of(server) == 'SHELVED_OFFLOADED' and server.get('compute_host'):
        # Nova records SHELVED_OFFLOADED before it frees the host and only then clears the host
        # (visible to admins only): until then the offload is still under way.
        return False
    if plan.expect.get('moved_from') and server.get('compute_host') == plan.expect['moved_from']:
        return False
    if spec.wait == 'task':
        return resting
    if spec.wait == 'status':
        return resting and status_of(server) in plan.targets
    if spec.wait == 'addresses':
        return resting and _addresses_settled(plan.expect, server)
    return True


def _addresses_settled(expect, server):
    if 'more_than' in expect:
        return len([a for a in addresses_of(server, 'fixed') if a[0] == expect['network']]) > expect['more_than']
    present = expect['address'] in [a[1] for a in addresses_of(server)]
    return present == expect['present']


def wait_failure(plan, server):
    """A message that ends the wait at once, or None."""
    spec = ACTIONS[plan.action]
    name = _label(plan.before, None)
    if server is None:
        if spec.wait == 'gone':
            return None
        return 'Server %s disappeared during %s.' % (name, plan.action)
    if status_of(server) == 'ERROR' and not server.get('task_state') and 'ERROR' not in plan.targets:
        fault = (server.get('fault') or {}).get('message') or 'Nova recorded no fault message'
        return 'Server %s went to ERROR during %s: %s' % (name, plan.action, fault)
    return None


def is_stuck(plan, server):
    """A move whose server rests on its old host: Nova gave up, or has not recorded the new host yet;
    the instance action tells which."""
    if not plan.expect.get('moved_from') or server is None:
        return False
    resting = not server.get('task_state') and status_of(server) not in BUSY
    return resting and server.get('compute_host') == plan.expect['moved_from']


def outcome_error(plan, server):
    """After the wait: one line when the server did not end where the action leads, else None."""
    spec = ACTIONS[plan.action]
    if spec.wait in ('gone', 'none', 'sync') or server is None or not plan.targets:
        return None
    if status_of(server) not in plan.targets:
        return 'Server %s ended %s after %s instead of %s' % (
            _label(plan.before, None),
            status_of(server),
            plan.action,
            _join(plan.targets),
        )
    before_host = (plan.before or {}).get('compute_host')
    if spec.name in ('live_migrate', 'evacuate') and before_host and server.get('compute_host') == before_host:
        return 'Server %s is still on host %s after %s' % (_label(plan.before, None), before_host, plan.action)
    return None


def new_instance_action(before_ids, actions, kind):
    """The newest instance action of ``kind`` whose request ID was not there before the request."""
    for record in actions or ():
        if record.get('action') == kind and record.get('request_id') not in before_ids:
            return record
    return None


def instance_action_error(record):
    """One line from a failed instance action (events and their details show to admins only), or None."""
    if not record:
        return None
    failed = [e for e in record.get('events') or () if (e.get('result') or '').lower() == 'error']
    if not failed and not record.get('message'):
        return None
    # Nova records the same failure on several events (conductor and compute): say each detail once.
    by_detail = {}
    for event in failed:
        detail = event.get('details') or ((event.get('traceback') or '').strip().splitlines() or [''])[-1].strip()
        by_detail.setdefault(detail, []).append(event.get('event'))
    parts = [
        '%s failed%s' % (', '.join(names), ': %s' % detail if detail else '') for detail, names in by_detail.items()
    ]
    if not parts:
        parts.append('%s (the events with details show to admins only)' % record.get('message'))
    return 'Nova recorded an error for %s (request %s): %s' % (
        record.get('action'),
        record.get('request_id'),
        '; '.join(parts),
    )


def action_view(server):
    """The fields of a server a diff shows for an action: the server module's view (no secrets, nothing
    volatile), plus where it runs and its addresses, which moves and address actions change."""
    if server is None:
        return {}
    view = server_view(server)
    view.update(
        compute_host=server.get('compute_host'),
        addresses=['%s %s (%s)' % a for a in addresses_of(server)],
    )
    return view
