# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the small pure rules the action table's rows name.

Readers of a server dict, and per-action checks, SDK arguments, predictions and wait expectations that do
not fit in one lambda of the table (``_action_table.py``). No SDK, no AnsibleModule, no clock here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses

from ansible_collections.stackops.compute.plugins.module_utils._server_desired import encode_user_data

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
    request (a raw action body at ``microversion``), or a Cloud helper: create_image, backup, topology, volume
    (``method`` names Cloud.attach_volume or Cloud.detach_volume)."""

    via: str
    method: str
    kwargs: dict = dataclasses.field(default_factory=dict)
    microversion: str = None


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


def has_group(facts):
    group = facts.get('security_group') or {}
    return any(_same_group(have, group) for have in facts.get('server_security_groups') or ())


def _port_ids(facts):
    return set(p.get('id') for p in facts.get('ports') or ())


def floating_on_server(args, facts):
    fip = facts.get('floating_ip')
    if not fip or fip.get('port_id') not in _port_ids(facts):
        return False
    want_fixed = args.get('fixed_address')
    return want_fixed is None or fip.get('fixed_ip_address') == want_fixed


def kept(args, *names):
    return dict((n, args[n]) for n in names if args.get(n) is not None)


# ------------------------------------------------------------------------------------------------
# Per-action rules that do not fit in one lambda


def status_is(*statuses):
    return lambda server, args, facts: status_of(server) in statuses


def on_host(server, args, facts):
    """A move to a named host is done when the server is there (the host shows to admins only)."""
    return bool(args.get('host')) and server.get('compute_host') == args.get('host')


def check_reboot(server, args, facts):
    if (args.get('reboot_type') or 'SOFT') == 'SOFT' and status_of(server) != 'ACTIVE':
        return (
            'its status is %s; a SOFT reboot needs ACTIVE (a HARD reboot also works from SHUTOFF, PAUSED, '
            'SUSPENDED or ERROR).' % status_of(server)
        )
    return None


def lock_done(server, args, facts):
    reason = args.get('locked_reason')
    return bool(server.get('is_locked')) and (reason is None or reason == server.get('locked_reason'))


def lock_calls(server, args, facts):
    lock = Call('proxy', 'lock_server', kept(args, 'locked_reason'))
    # Nova ignores a new reason when the owner locks a locked server: unlock, then lock again.
    if server.get('is_locked'):
        return (Call('proxy', 'unlock_server'), lock)
    return (lock,)


def lock_predict(server, args, facts):
    reason = args.get('locked_reason')
    return {'is_locked': True, 'locked_reason': reason if reason is not None else server.get('locked_reason')}


def resize_done(server, args, facts):
    return status_of(server) in ('ACTIVE', 'SHUTOFF', 'VERIFY_RESIZE') and flavor_matches(server, facts['flavor'])


def resize_check(server, args, facts):
    if status_of(server) == 'VERIFY_RESIZE':
        return (
            'its status is VERIFY_RESIZE: an earlier resize awaits confirmation; confirm_resize or '
            'revert_resize it first.'
        )
    return None


def flavor_view(flavor):
    keys = ('vcpus', 'ram', 'disk', 'ephemeral', 'swap')
    view = dict((k, flavor.get(k)) for k in keys if flavor.get(k) is not None)
    view['original_name'] = flavor.get('name')
    return view


def after_resize_status(server, args, facts):
    return 'SHUTOFF' if server.get('power_state') == POWER_SHUTDOWN else 'ACTIVE'


def rebuild_kwargs(args, facts):
    kwargs = {'image': facts['image']['id']}
    if args.get('new_name') is not None:
        kwargs['name'] = args['new_name']
    kwargs.update(
        kept(
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


def rebuild_predict(server, args, facts):
    after = {'image': {'id': facts['image']['id']}}
    if args.get('new_name') is not None:
        after['name'] = args['new_name']
    for key in ('access_ipv4', 'access_ipv6', 'key_name', 'description', 'hostname'):
        if args.get(key) is not None:
            after[key] = args[key]
    if args.get('metadata') is not None:
        after['metadata'] = dict((str(k), str(v)) for k, v in args['metadata'].items())
    return after


def rescue_kwargs(args, facts):
    kwargs = {}
    if args.get('admin_password') is not None:
        kwargs['admin_pass'] = args['admin_password']
    if facts.get('image'):
        kwargs['image'] = facts['image']['id']
    return kwargs


def unshelve_done(server, args, facts):
    """An ACTIVE server is on a host already: nothing to unshelve, as there is nothing to start on an ACTIVE
    server. A host or availability zone the task names must be where it runs (the host shows to admins)."""
    if status_of(server) != 'ACTIVE':
        return False
    if args.get('host') and server.get('compute_host') != args['host']:
        return False
    return not args.get('availability_zone') or server.get('availability_zone') == args['availability_zone']


def unshelve_check(server, args, facts):
    if (args.get('host') or args.get('availability_zone')) and status_of(server) != 'SHELVED_OFFLOADED':
        return (
            'its status is %s; Nova places an unshelved server on a chosen host or availability zone only '
            'when it is SHELVED_OFFLOADED (shelve_offload it first).' % status_of(server)
        )
    return None


def unshelve_kwargs(args, facts):
    return kept(args, 'availability_zone', 'host')


def live_kwargs(args, facts):
    kwargs = {
        'host': args.get('host'),
        'force': bool(args.get('force')),
        'block_migration': args.get('block_migration', 'auto'),
    }
    return kwargs


def evacuate_kwargs(args, facts):
    kwargs = kept(args, 'host', 'force')
    if args.get('admin_password') is not None:
        kwargs['admin_pass'] = args['admin_password']
    return kwargs


def reset_done(server, args, facts):
    want = args.get('state')
    vm_state = server.get('vm_state') or {'ACTIVE': 'active', 'ERROR': 'error'}.get(status_of(server))
    return vm_state == want and not server.get('task_state')


def group_predict(add):
    def predict(server, args, facts):
        group = facts['security_group']
        have = list(facts.get('server_security_groups') or server.get('security_groups') or ())
        if add:
            have.append({'name': group['name'], 'id': group.get('id')})
        else:
            have = [g for g in have if not _same_group(g, group)]
        return {'security_groups': [{'name': n} for n in group_names(have)]}

    return predict


def fixed_ip_expect(server, args, facts):
    network = facts['network']['name']
    count = len([a for a in addresses_of(server, 'fixed') if a[0] == network])
    return {'network': network, 'more_than': count}


def without_address(server, address):
    addresses = {}
    for network, entries in (server.get('addresses') or {}).items():
        addresses[network] = [e for e in entries or [] if e.get('addr') != address]
    return {'addresses': addresses}


def floating_check(server, args, facts):
    if not facts.get('floating_ip'):
        return 'floating IP %s does not exist in this project; allocate it first.' % args['address']
    return None


def floating_predict(server, args, facts):
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


def floating_gone(server, args, facts):
    return not facts.get('floating_ip') or facts['floating_ip'].get('port_id') not in _port_ids(facts)


def address_expect(present):
    return lambda server, args, facts: {'address': args['address'], 'present': present}


def console_url_kwargs(args, facts):
    console_type = args.get('console_type') or 'novnc'
    return {'protocol': CONSOLE_PROTOCOLS[console_type], 'type': console_type}
