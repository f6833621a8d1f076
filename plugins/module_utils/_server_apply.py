# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the server module's read and apply steps around the pure planner."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.stackops.compute.plugins.module_utils import (
    _action_plan,
    _action_rules,
    _action_table,
    _apply_actions,
    _microversions,
    _policy,
    _predict,
)
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._floating import free_floating_ips, port_for_floating_ip
from ansible_collections.stackops.compute.plugins.module_utils._journal import join_phrases
from ansible_collections.stackops.compute.plugins.module_utils._retry import create_once, delete_checked
from ansible_collections.stackops.compute.plugins.module_utils._sdk import is_ambiguous_failure, is_uuid
from ansible_collections.stackops.compute.plugins.module_utils._server_desired import (
    checked_zone,
    desired_from_params,
    floating_ip_options,
)
from ansible_collections.stackops.compute.plugins.module_utils._server_plan import plan_server
from ansible_collections.stackops.compute.plugins.module_utils._server_view import (
    known_secrets,
    present_server,
    server_view,
)
from ansible_collections.stackops.compute.plugins.module_utils._server_volumes import (
    VOLUME_OPTIONS,
    apply_attachments,
    check_boot_options,
    resolve_volumes,
)
from ansible_collections.stackops.compute.plugins.module_utils._volumes import resolved_image
from ansible_collections.stackops.compute.plugins.module_utils._wait import (
    BOOT_DELAY,
    CHANGE_STEP,
    boot_intervals,
    intervals,
    poll,
)

NETWORK_KEYS = {
    'uuid': ('net-id', 'uuid', 'id', 'network'),
    'name': ('net-name', 'name'),
    'port': ('port-id', 'port'),
    'port_name': ('port-name',),
    'fixed_ip': ('fixed_ip', 'v4-fixed-ip', 'v6-fixed-ip'),
}


# ---------------------------------------------------------------------------------------------- read


def find_current(cloud, params):
    if params.get('id'):
        server = cloud.get_server(params['id'])
        if server is None and params.get('state') == 'present':
            raise ComputeError('No server has ID %s.' % params['id'])
        return server
    return cloud.find_server(params['name'])


def parse_networks(items):
    """The items of ``networks`` to specs (see parse_network) (pure).

    A string with ``=`` is openstack.cloud's form, ``key=value`` pairs separated by commas: each key naming
    a network or port starts a NIC (``"net-id=a,net-name=b"`` is two), and a fixed IP belongs to the NIC
    before it (``"net-name=private,v4-fixed-ip=192.0.2.9"`` is one). Ansible splits a whole ``networks``
    string at its commas before the module sees it, so the NIC before may come from the previous item.
    """
    nics = []
    open_nic = None  # the NIC that a fixed IP written as key=value belongs to
    for item in items:
        if not (isinstance(item, str) and '=' in item):
            nics.append(item)
            open_nic = None
            continue
        for piece in item.split(','):
            key, sep, value = piece.partition('=')
            key, value = key.strip(), value.strip()
            if not sep or not key:
                raise ComputeError('networks: %r in %r is not key=value.' % (piece, item))
            if key in NETWORK_KEYS['fixed_ip']:
                if open_nic is None:
                    raise ComputeError('networks: %r gives a fixed IP before a network or port.' % (item,))
                open_nic[key] = value
            else:
                open_nic = {key: value}
                nics.append(open_nic)
    return [parse_network(nic) for nic in nics]


def parse_network(item):
    """One network to {'uuid'|'name'|'port'|'port_name'|'fixed_ip'}, or 'auto' / 'none' (pure)."""
    if isinstance(item, str):
        if item in ('auto', 'none'):
            return item
        return {'uuid': item} if is_uuid(item) else {'name': item}
    if not isinstance(item, dict):
        raise ComputeError('networks: each item must be a network name or ID, or a dictionary; got %r.' % (item,))
    spec = {}
    known = set()
    for key, names in NETWORK_KEYS.items():
        known.update(names)
        for name in names:
            if item.get(name) not in (None, ''):
                spec[key] = item[name]
    unknown = sorted(set(item) - known)
    if unknown:
        raise ComputeError(
            'networks: unknown key(s) %s; use net-id, net-name, port-id, port-name or fixed_ip.' % ', '.join(unknown)
        )
    if 'uuid' in spec and not is_uuid(spec['uuid']):
        spec['name'] = spec.pop('uuid')
    if not (set(spec) & {'uuid', 'name', 'port', 'port_name'}):
        raise ComputeError('networks: %r names no network or port.' % (item,))
    return spec


def resolve_networks(cloud, items, current):
    """Network names/IDs to Nova's boot format; on an existing server only what comparing needs."""
    parsed = parse_networks(items)
    if any(isinstance(p, str) for p in parsed):
        if len(parsed) != 1:
            raise ComputeError('networks: auto and none cannot be combined with other networks.')
        return [parsed[0]]
    have = set((current or {}).get('addresses') or {})
    out = []
    for spec in parsed:
        if current is not None and spec.get('name') in have:
            out.append({'name': spec['name']})
            continue
        entry = {}
        if spec.get('port') or spec.get('port_name'):
            port = cloud.find_port(spec.get('port') or spec.get('port_name'))
            entry['port'] = port['id']
            network = cloud.find_network(port['network_id'])
        else:
            network = cloud.find_network(spec.get('uuid') or spec.get('name'))
            entry['uuid'] = network['id']
        entry['name'] = network.get('name')
        if spec.get('fixed_ip'):
            entry['fixed_ip'] = spec['fixed_ip']
        out.append(entry)
    return out


def resolve(cloud, params, current):
    """Look up what the planner needs, and nothing more (each lookup costs a request)."""
    resolved = {}
    if params.get('state') == 'absent':
        return resolved
    image = params.get('image')
    if image:
        have = (current or {}).get('image') or {}
        if isinstance(have, dict) and have.get('id') == image:
            resolved['image'] = {'id': image, 'name': image}
        else:
            found = cloud.find_image(image)
            resolved['image'] = resolved_image(found)
    flavor = params.get('flavor')
    if flavor:
        have = (current or {}).get('flavor') or {}
        if current is not None and flavor in (have.get('original_name'), have.get('id')):
            resolved['flavor'] = {'id': flavor, 'name': flavor}
        else:
            found = cloud.find_flavor(flavor)
            resolved['flavor'] = {'id': found['id'], 'name': found.get('name'), 'disk': found.get('disk')}
    if params.get('networks') is not None:
        resolved['networks'] = resolve_networks(cloud, params['networks'], current)
    if params.get('server_group') and current is None:
        resolved['server_group'] = cloud.find_server_group(params['server_group'])
    if params.get('key_name') and current is None:
        # Nova's own answer to an unknown keypair does not name it.
        cloud.find_keypair(params['key_name'])
    zone = checked_zone(params.get('availability_zone')) if current is None else None
    if zone:
        # Nova's own answer to an unknown zone names neither it nor the zones there are.
        cloud.find_availability_zone(zone)
    if params.get('auto_ip') and not _action_rules.addresses_of(current, 'floating'):
        resolved.update(resolve_floating_ip_pool(cloud, params))
    resolved.update(resolve_volumes(cloud, params, current, (resolved.get('image') or {}).get('id')))
    return resolved


def resolve_floating_ip_pool(cloud, params):
    """The pool's network ID and, with reuse_ips, the project's free floating IPs on it."""
    resolved = {}
    if params.get('floating_ip_pool'):
        # The pool is used after the other changes of the task: a wrong name must fail before them.
        resolved['floating_ip_network'] = cloud.find_network(params['floating_ip_pool'])['id']
    if not params.get('reuse_ips'):
        return resolved
    network_id = resolved.get('floating_ip_network') or cloud.find_external_network()['id']
    project_id = cloud.current_project_id()
    listed = cloud.list_floating_ips(floating_network_id=network_id, project_id=project_id)
    resolved['floating_ip_network'] = network_id
    resolved['free_floating_ips'] = free_floating_ips(listed, network_id, project_id)
    return resolved


def resolve_security_group_names(cloud, params, current=None):
    groups = params.get('security_groups')
    if groups is None:
        return params
    # Groups the server is not in yet are looked up, so that a wrong name fails before any change.
    have = set(g.get('name') for g in (current or {}).get('security_groups') or [])
    names = [g if g in have else cloud.find_security_group(g)['name'] for g in groups]
    out = dict(params)
    out['security_groups'] = names
    return out


# ---------------------------------------------------------------------------------------------- apply


def apply_create(module, plan):
    cloud = module.cloud
    name = plan.create_attrs.get('name')

    def find_by_name():
        # Read afresh: a Cloud may answer find_servers from what it read before the create (the fleet's does).
        return [s for s in cloud.list_servers({'name': '^%s$' % re.escape(name)}) if s.get('name') == name]

    # A create whose answer was lost looks for the server by name before it is sent again.
    server, found = create_once(
        lambda: cloud.create_server(plan.create_attrs),
        find_by_name,
        'server %s' % name,
        is_ambiguous_failure,
    )
    if found:
        module.warn('The answer to creating server %s was lost; found the server by name: %s.' % (name, server['id']))
    server_id = server['id']
    # Later reads show neither the password Nova returned nor the user data: the result says they exist.
    secrets = known_secrets(server, plan.create_attrs)
    if not module.params['wait'] and not (plan.transitions or plan.lock or plan.floating_add or plan.allocate_ip):
        return dict(cloud.get_server(server_id) or server, **secrets)
    try:
        server = cloud.wait_for_server(
            server_id,
            done=lambda s: s.get('status') == 'ACTIVE',
            failed=lambda s: _apply_actions.error_reason(s) if s.get('status') == 'ERROR' else None,
            timeout=module.params['timeout'],
            pauses=boot_intervals(),
            delay=BOOT_DELAY,
        )
    except ComputeError as exc:
        # A timeout's or a fault's line may end without a full stop; the sentence after it needs one.
        reason = exc.msg if exc.msg.endswith('.') else exc.msg + '.'
        if module.params['keep_failed']:
            raise ComputeError(
                '%s The server %s was kept (keep_failed=true).' % (reason, server_id), server_id=server_id
            )
        try:
            cloud.delete_server(server_id)
        except ComputeError as cleanup:
            raise ComputeError(
                '%s Deleting the failed server %s failed too: %s' % (reason, server_id, cleanup.msg),
                server_id=server_id,
            )
        raise ComputeError('%s The failed server %s was deleted.' % (reason, server_id))
    return dict(_apply_status_and_lock(module, plan, server), **secrets)


def _apply_floating_ips(module, plan, server):
    for address in plan.floating_add:
        server = _apply_actions.run_action(module, server, 'add_floating_ip', {'address': address})
    if plan.allocate_ip:
        server = _give_floating_ip(module, plan, server)
    return server


def _give_floating_ip(module, plan, server):
    """A floating IP for the server: a free one of the project (reuse_ips), else a new one.

    A free address is taken with a conditional update, which fails when another task changed it since it was
    listed; the next one is tried then. A new address is allocated already associated with the server's port:
    allocated first and associated after, it would be free for a moment to any task reusing free addresses.
    """
    cloud = module.cloud
    label = server.get('name') or server['id']
    port_id, fixed_ip = port_for_floating_ip(cloud.list_ports(device_id=server['id']))
    if port_id is None:
        raise ComputeError('Server %s has no port with an IPv4 address to associate a floating IP with.' % label)
    for candidate in plan.reuse_candidates:
        if candidate.get('revision_number') is None:
            raise ComputeError(
                'reuse_ips takes a free floating IP with a conditional update, and this cloud gives floating IPs '
                'no revision number; leave reuse_ips out to allocate one.'
            )
        if cloud.take_floating_ip(candidate['id'], candidate['revision_number'], port_id, fixed_ip) is None:
            continue  # another task changed it since the listing
        shown = _wait_for_floating_ip(module, server, candidate, port_id)
        if shown is not None:
            return shown
    network_id = plan.floating_ip_network or (
        cloud.find_network(plan.floating_ip_pool)['id']
        if plan.floating_ip_pool
        else cloud.find_external_network()['id']
    )
    created = cloud.create_floating_ip(network_id, port_id=port_id, fixed_ip_address=fixed_ip)
    return _wait_for_floating_ip(module, server, created, None)


def _wait_for_floating_ip(module, server, ip, port_id):
    """The server once Nova shows the floating IP on it, or None when the address left the server's port
    ``port_id`` before that (a client that moves addresses without the condition took it). Without
    ``port_id`` (an address allocated for the server) only the server is read."""
    cloud = module.cloud
    address = ip['floating_ip_address']
    if not module.params['wait']:
        return cloud.get_server(server['id']) or server

    def fetch():
        current = cloud.get_server(server['id'])
        if address in [a[1] for a in _action_rules.addresses_of(current, 'floating')]:
            return current, True
        if port_id is None:
            return current, None
        now = cloud.get_floating_ip(ip['id'])
        return current, None if now is not None and now.get('port_id') == port_id else False

    found, shown = poll(
        fetch,
        lambda seen: seen[1] is not None,
        failed=lambda seen: (
            'Server %s disappeared while waiting for its floating IP.' % server['id'] if seen[0] is None else None
        ),
        timeout=module.params['timeout'],
        describe=lambda seen: (
            'floating IP %s not shown on server %s yet' % (address, server.get('name') or server['id'])
        ),
        pauses=intervals(CHANGE_STEP),
    )
    return found if shown else None


def _apply_status_and_lock(module, plan, server):
    server = _apply_floating_ips(module, plan, server)
    for action in plan.transitions:
        server = _apply_actions.run_action(module, server, action, {})
    server = _apply_late_attachments(module, plan, server)
    if plan.lock:
        kind, reason = plan.lock
        args = {'locked_reason': reason} if kind == 'lock' and reason else {}
        server = _apply_actions.run_action(module, server, kind, args)
    return server


def apply_update(module, plan):
    cloud = module.cloud
    server = plan.before
    server_id = server['id']
    if plan.unlock_first:
        server = _apply_actions.run_action(module, server, 'unlock', {})
    if plan.rebuild_image:
        server = _apply_actions.run_action(module, server, 'rebuild', {'image': plan.rebuild_image})
    if plan.resize_flavor:
        server = _apply_actions.run_action(module, server, 'resize', {'flavor': plan.resize_flavor})
    if plan.confirm_resize:
        server = _apply_actions.run_action(module, server, 'confirm_resize', {})
    if (plan.volumes_attach or plan.volumes_detach) and not plan.volumes_late:
        server = apply_attachments(module, plan, server)
    if plan.update_attrs:
        cloud.update_server(server_id, plan.update_attrs)
    if plan.metadata_set:
        cloud.set_server_metadata(server_id, plan.metadata_set)
    if plan.metadata_delete:
        cloud.delete_server_metadata(server_id, plan.metadata_delete)
    if plan.tags is not None:
        cloud.server_resource_call('set_tags', server_id, 'setting tags on server %s' % server_id, tags=list(plan.tags))
    for group in plan.groups_add:
        cloud.server_call(
            'add_security_group_to_server',
            server_id,
            'adding security group %s to server %s' % (group, server_id),
            security_group=group,
        )
    for group in plan.groups_remove:
        cloud.server_call(
            'remove_security_group_from_server',
            server_id,
            'removing security group %s from server %s' % (group, server_id),
            security_group=group,
        )
    server = cloud.get_server(server_id) or server
    return _apply_status_and_lock(module, plan, server)


def _apply_late_attachments(module, plan, server):
    """Attach and detach after the status transitions, when the status before refused it."""
    if plan.volumes_late and (plan.volumes_attach or plan.volumes_detach):
        return apply_attachments(module, plan, server)
    return server


def is_deleted(server):
    """How a server read back after a delete is on its way out, or None when it is not (pure)."""
    if server is None or server.get('status') in ('DELETED', 'SOFT_DELETED'):
        return 'is gone'
    if server.get('task_state') == 'deleting':
        return 'is being deleted'
    return None


def apply_delete(module, plan):
    server_id = plan.before['id']
    # A delete whose answer was lost is read back, never assumed done or not done.
    warning = delete_checked(
        lambda: module.cloud.delete_server(server_id),
        lambda: module.cloud.get_server(server_id),
        'server %s (%s)' % (plan.before.get('name'), server_id),
        is_ambiguous_failure,
        gone=is_deleted,
    )
    if warning:
        module.warn(warning)
    if module.params['wait'] or plan.release_ips:
        module.cloud.wait_for_server_gone(server_id, timeout=module.params['timeout'])
    for address in plan.release_ips:
        module.cloud.delete_floating_ip(address)


# ---------------------------------------------------------------------------------------------- run


def predicted_server(current, plan):
    """Check mode: the plan's server with what Nova changes besides along the way (vm_state, power_state,
    host, zone...), and the fields check mode cannot know (see _predict)."""
    steps = []
    status = 'ACTIVE' if current is None else current.get('status')
    if plan.action == 'create':
        steps.append(('create', 'ACTIVE'))
    if plan.rebuild_image:
        status = 'ACTIVE' if status == 'ERROR' else status
        steps.append(('rebuild', status))
    if plan.resize_flavor:
        steps.append(('resize', 'VERIFY_RESIZE'))
    if plan.confirm_resize:
        stopped = (current or {}).get('power_state') == _predict.SHUTDOWN
        steps.append(('confirm_resize', 'SHUTOFF' if stopped else 'ACTIVE'))
    for action in plan.transitions:
        leads = _action_table.ACTIONS[action].leads_to
        steps.append((action, leads if isinstance(leads, str) else leads[0]))
    start = dict(plan.after, status='ACTIVE' if current is None else current.get('status'))
    server, unknown = _predict.predict_steps(start, steps)
    server['status'] = plan.after.get('status')
    if plan.allocate_ip:
        # Neutron picks the address of a floating IP it allocates.
        unknown = tuple(sorted(set(unknown) | {'addresses'}))
    return server, unknown


def check_policy(cloud, plan, label):
    """Check mode: fail as the real run would when Nova's default policy refuses one of the status changes
    of the plan to this token - with what the run would have done before (changed, like the real run)."""
    for action in plan.transitions:
        refused = _policy.refusal(action, label, cloud.current_roles())
        if refused is None:
            continue
        marker = next((c for c in plan.changes if action in c.split()), None)
        before = plan.changes[: plan.changes.index(marker)] if marker else plan.changes
        steps = [re.sub(r'^then ', '', c) for c in before]
        if not steps:
            raise ComputeError(refused, status_code=403)
        raise ComputeError('Would %s, then: %s' % (join_phrases(steps), refused), status_code=403, changed=True)


def run_server(module):
    params = module.params
    if params.get('state') == 'present' and not params.get('name') and not params.get('id'):
        raise ComputeError('name or id is required.')
    try:
        params = floating_ip_options(params)
    except ValueError as exc:
        raise ComputeError(str(exc))
    if params.get('state') == 'present':
        check_boot_options(params)
    cloud = module.cloud
    current = find_current(cloud, params)
    if params.get('state') == 'present':
        _microversions.check(cloud, _microversions.server_needs(params, creating=current is None), params)
    params = resolve_security_group_names(cloud, params, current)
    desired = desired_from_params(params, resolve(cloud, params, current))
    try:
        plan = plan_server(current, desired, transition_for=_action_plan.plan_status_transition)
    except ValueError as exc:
        raise ComputeError(str(exc))

    for difference in plan.differences:
        module.warn('Server %s: %s.' % (params.get('name') or params.get('id'), difference))

    if plan.changed and module.check_mode:
        check_policy(cloud, plan, params.get('name') or (current or {}).get('name') or params.get('id'))
    server = plan.after
    unknown = None
    if plan.changed and module.check_mode and plan.action in ('create', 'update'):
        server, unknown = predicted_server(current, plan)
    if plan.changed and not module.check_mode:
        if plan.action == 'create':
            server = apply_create(module, plan)
        elif plan.action == 'update':
            server = apply_update(module, plan)
        elif plan.action == 'delete':
            apply_delete(module, plan)
            server = None
    elif not plan.changed:
        server = current

    interface = params.get('interface') or 'public'
    data = dict(changes=list(plan.changes), differences=list(plan.differences))
    if unknown is not None:
        data['unpredictable'] = list(unknown)
    if params['state'] == 'present':
        data['server'] = present_server(server, interface)
        data['id'] = (server or {}).get('id')
    diff = dict(
        before=server_view(plan.before if plan.changed else current) or {},
        after=server_view(server if params['state'] == 'present' else None) or {},
    )
    return module.result(plan.changed, diff=diff, **data)


# ---------------------------------------------------------------------------------------------- options
SERVER_MUTUALLY_EXCLUSIVE = (('auto_ip', 'floating_ips'), ('floating_ip_pool', 'floating_ips'))


def server_argument_spec():
    """The server module's own options (also what each item of the servers module takes)."""
    spec = dict(
        access_ipv4=dict(type='str'),
        access_ipv6=dict(type='str'),
        admin_password=dict(type='str', no_log=True),
        auto_ip=dict(type='bool', aliases=['auto_floating_ip', 'public_ip']),
        availability_zone=dict(type='str'),
        block_device_mapping=dict(type='list', elements='dict'),
        config_drive=dict(type='bool'),
        confirm_resize=dict(type='bool', default=True),
        delete_floating_ips=dict(type='bool', default=False, aliases=['delete_ips', 'delete_fip']),
        description=dict(type='str'),
        disk_config=dict(type='str', choices=['AUTO', 'MANUAL']),
        flavor=dict(type='str'),
        # raw: openstack.cloud's floating_ip_pools is a list (of one pool, see floating_ip_options).
        floating_ip_pool=dict(type='raw', aliases=['floating_ip_pools']),
        floating_ips=dict(type='list', elements='str'),
        hostname=dict(type='str'),
        id=dict(type='str'),
        image=dict(type='str'),
        keep_failed=dict(type='bool', default=False),
        key_name=dict(type='str', no_log=False),
        locked=dict(type='bool'),
        locked_reason=dict(type='str'),
        metadata=dict(type='dict', aliases=['meta']),
        name=dict(type='str'),
        networks=dict(type='list', elements='raw', aliases=['nics', 'network']),
        purge_metadata=dict(type='bool', default=False),
        purge_security_groups=dict(type='bool', default=False),
        purge_tags=dict(type='bool', default=False),
        rebuild_on_image_change=dict(type='bool', default=False),
        reuse_ips=dict(type='bool', default=False),
        scheduler_hints=dict(type='dict'),
        security_groups=dict(type='list', elements='str'),
        server_group=dict(type='str'),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        status=dict(type='str', choices=['active', 'shutoff', 'paused', 'suspended', 'shelved', 'shelved_offloaded']),
        tags=dict(type='list', elements='str'),
        trusted_image_certificates=dict(type='list', elements='str'),
        user_data=dict(type='str', no_log=True, aliases=['userdata']),
    )
    spec.update(VOLUME_OPTIONS)
    return spec
