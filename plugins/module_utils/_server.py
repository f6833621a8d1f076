# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: pure decisions about servers (no SDK, no AnsibleModule, no clock)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import dataclasses
import ipaddress

SECRET_MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def _ip_entries(server):
    for network, entries in sorted((server.get('addresses') or {}).items()):
        for entry in entries or []:
            addr = entry.get('addr')
            if not addr:
                continue
            try:
                ip = ipaddress.ip_address(addr)
            except ValueError:
                continue
            yield network, entry.get('OS-EXT-IPS:type') or 'fixed', ip


def convenience_addresses(server, interface='public'):
    """private/public v4/v6 and interface_ip from Nova's ``addresses``.

    public: a floating IP, else a fixed address that is globally routable. private: a fixed address
    that is not. interface_ip: the address a client on the ``interface`` side reaches first.
    """
    out = dict(private_v4='', private_v6='', public_v4='', public_v6='')
    for _network, kind, ip in _ip_entries(server):
        family = 'v4' if ip.version == 4 else 'v6'
        is_public = kind == 'floating' or ip.is_global
        key = ('public_' if is_public else 'private_') + family
        if kind == 'floating' and out[key] and not _was_floating(server, out[key]):
            out[key] = str(ip)
        elif not out[key]:
            out[key] = str(ip)
    if interface in ('internal', 'admin'):
        order = ('private_v4', 'private_v6', 'public_v4', 'public_v6')
    else:
        order = ('public_v4', 'public_v6', 'private_v4', 'private_v6')
    out['interface_ip'] = next((out[k] for k in order if out[k]), '')
    return out


def _was_floating(server, address):
    return any(str(ip) == address and kind == 'floating' for _n, kind, ip in _ip_entries(server))


def present_server(server, interface='public'):
    """The server dict users see: every attribute plus the convenience addresses."""
    if server is None:
        return None
    shown = dict(server)
    shown.update(convenience_addresses(server, interface))
    return shown


# ------------------------------------------------------------------------------------------------
# The server module's planner: desired state from params, then plan(current, desired).

STATUSES = ('active', 'shutoff', 'paused', 'suspended', 'shelved', 'shelved_offloaded')

# Options Nova only takes at boot and never shows again (or shows only to admins): they are used
# when the server is created and are not compared with an existing server (documented).
CREATE_ONLY = (
    'admin_password',
    'block_device_mapping',
    'config_drive',
    'disk_config',
    'scheduler_hints',
    'server_group',
    'trusted_image_certificates',
    'user_data',
)

# Fields the server's PUT /servers/{id} can change, as SDK attribute names.
UPDATABLE = ('name', 'description', 'hostname', 'access_ipv4', 'access_ipv6')


@dataclasses.dataclass(frozen=True)
class Desired(object):
    """What the task asks for. None means the user left it out: unmanaged."""

    name: str = None
    state: str = 'present'
    image: dict = None  # resolved: {'id', 'name'}
    flavor: dict = None  # resolved: {'id', 'name'}
    key_name: str = None
    availability_zone: str = None
    networks: tuple = None  # resolved: ({'uuid'|'port'|'fixed_ip', 'name'}...) or ('auto',) / ('none',)
    security_groups: tuple = None  # names
    metadata: dict = None
    tags: tuple = None
    description: str = None
    hostname: str = None
    access_ipv4: str = None
    access_ipv6: str = None
    status: str = None  # one of STATUSES
    locked: bool = None
    locked_reason: str = None
    purge_metadata: bool = False
    purge_tags: bool = False
    purge_security_groups: bool = False
    confirm_resize: bool = True
    rebuild_on_image_change: bool = False
    floating_ips: tuple = None  # addresses that must be on the server
    delete_floating_ips: bool = False
    auto_ip: bool = None  # at least one floating IP, allocated when there is none
    floating_ip_pool: str = None  # the external network auto_ip allocates from (None: the only one)
    floating_ip_network: str = None  # that network's ID, looked up in the read step
    create_only: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Plan(object):
    action: str  # create | update | delete | none
    before: dict = None
    after: dict = None
    changes: tuple = ()  # human-readable, one per change
    create_attrs: dict = None
    update_attrs: dict = dataclasses.field(default_factory=dict)
    metadata_set: dict = dataclasses.field(default_factory=dict)
    metadata_delete: tuple = ()
    tags: tuple = None  # the whole new tag list, when tags change
    groups_add: tuple = ()
    groups_remove: tuple = ()
    rebuild_image: str = None
    resize_flavor: str = None
    confirm_resize: bool = False
    unlock_first: bool = False
    transitions: tuple = ()  # server_action names, in order
    lock: tuple = None  # ('lock', reason) or ('unlock', None)
    floating_add: tuple = ()  # addresses to associate
    allocate_ip: bool = False  # allocate one floating IP and associate it
    floating_ip_pool: str = None  # where allocate_ip allocates from (None: the cloud's only external network)
    floating_ip_network: str = None  # the ID of floating_ip_pool, when the read step looked it up
    release_ips: tuple = ()  # floating IPs to release after a delete
    differences: tuple = ()  # what differs but is not changed in place (warned)

    @property
    def changed(self):
        return self.action != 'none'


def _str_dict(value):
    return dict((str(k), str(v)) for k, v in (value or {}).items())


def _norm_list(values):
    return tuple(sorted(set(str(v) for v in values or ())))


def floating_ip_options(params):
    """``params`` with ``floating_ip_pool`` as one name and ``auto_ip`` implied by it (pure).

    openstack.cloud's ``floating_ip_pools`` (an alias here) is a list, but a floating IP comes from one
    pool: a list of one is that pool, a longer list fails. A pool asks for a floating IP, as it does in
    openstack.cloud, so it implies ``auto_ip: true`` when ``auto_ip`` is left out.
    """
    pool = params.get('floating_ip_pool')
    if isinstance(pool, (list, tuple)):
        if len(pool) > 1:
            raise ValueError(
                'floating_ip_pool (alias floating_ip_pools) names the one pool a floating IP comes from; got %d: %s.'
                % (len(pool), ', '.join(str(p) for p in pool))
            )
        pool = pool[0] if pool else None
    if pool is not None and not isinstance(pool, str):
        raise ValueError('floating_ip_pool (alias floating_ip_pools) is a network name or ID, not %r.' % (pool,))
    out = dict(params)
    out['floating_ip_pool'] = pool or None
    if out['floating_ip_pool'] is None:
        return out
    if params.get('auto_ip') is False:
        raise ValueError(
            'floating_ip_pool %s is where auto_ip allocates a floating IP; it cannot be combined with '
            'auto_ip=false.' % pool
        )
    out['auto_ip'] = True
    return out


def desired_from_params(params, resolved):
    """Build Desired from module params (after floating_ip_options) and the names the read step resolved to IDs."""
    status = params.get('status')
    create_only = dict((k, params.get(k)) for k in CREATE_ONLY if params.get(k) is not None)
    if params.get('server_group') is not None and resolved.get('server_group'):
        create_only['server_group'] = resolved['server_group']
    locked = params.get('locked')
    if locked is None and params.get('locked_reason') is not None:
        locked = True
    return Desired(
        name=params.get('name'),
        state=params.get('state') or 'present',
        image=resolved.get('image'),
        flavor=resolved.get('flavor'),
        key_name=params.get('key_name'),
        availability_zone=params.get('availability_zone'),
        networks=tuple(resolved['networks']) if resolved.get('networks') is not None else None,
        security_groups=_norm_list(params['security_groups']) if params.get('security_groups') is not None else None,
        metadata=_str_dict(params['metadata']) if params.get('metadata') is not None else None,
        tags=_norm_list(params['tags']) if params.get('tags') is not None else None,
        description=params.get('description'),
        hostname=params.get('hostname'),
        access_ipv4=params.get('access_ipv4'),
        access_ipv6=params.get('access_ipv6'),
        status=status.lower() if status else None,
        locked=locked,
        locked_reason=params.get('locked_reason'),
        purge_metadata=bool(params.get('purge_metadata')),
        purge_tags=bool(params.get('purge_tags')),
        purge_security_groups=bool(params.get('purge_security_groups')),
        confirm_resize=params.get('confirm_resize', True) is not False,
        rebuild_on_image_change=bool(params.get('rebuild_on_image_change')),
        floating_ips=tuple(params['floating_ips']) if params.get('floating_ips') is not None else None,
        auto_ip=params.get('auto_ip'),
        floating_ip_pool=params.get('floating_ip_pool'),
        floating_ip_network=resolved.get('floating_ip_network'),
        delete_floating_ips=bool(params.get('delete_floating_ips')),
        create_only=create_only,
    )


def encode_user_data(user_data):
    """Nova wants user data base64-encoded; users write plain text (already-encoded data passes through)."""
    if user_data is None:
        return None
    raw = user_data.encode('utf-8') if not isinstance(user_data, bytes) else user_data
    try:
        if base64.b64encode(base64.b64decode(raw, validate=True)) == raw.strip():
            return raw.strip().decode('ascii')
    except (ValueError, TypeError):
        pass
    return base64.b64encode(raw).decode('ascii')


def create_attrs(desired):
    """The openstacksdk create_server attributes for Desired."""
    attrs = dict(name=desired.name, flavor_id=desired.flavor['id'])
    if desired.image:
        attrs['image_id'] = desired.image['id']
    for key in ('key_name', 'availability_zone', 'description', 'hostname', 'access_ipv4', 'access_ipv6'):
        if getattr(desired, key) is not None:
            attrs[key] = getattr(desired, key)
    if desired.networks is not None:
        if desired.networks in (('auto',), ('none',)):
            attrs['networks'] = desired.networks[0]
        else:
            attrs['networks'] = [
                dict((k, v) for k, v in n.items() if k in ('uuid', 'port', 'fixed_ip')) for n in desired.networks
            ]
    if desired.security_groups is not None:
        attrs['security_groups'] = [{'name': g} for g in desired.security_groups]
    if desired.metadata is not None:
        attrs['metadata'] = dict(desired.metadata)
    if desired.tags is not None:
        attrs['tags'] = list(desired.tags)
    only = desired.create_only
    if only.get('user_data') is not None:
        attrs['user_data'] = encode_user_data(only['user_data'])
    if only.get('admin_password') is not None:
        attrs['admin_password'] = only['admin_password']
    if only.get('config_drive') is not None:
        attrs['config_drive'] = only['config_drive']
    if only.get('disk_config') is not None:
        attrs['disk_config'] = only['disk_config']
    if only.get('block_device_mapping') is not None:
        attrs['block_device_mapping'] = only['block_device_mapping']
    if only.get('trusted_image_certificates') is not None:
        attrs['trusted_image_certificates'] = only['trusted_image_certificates']
    hints = dict(only.get('scheduler_hints') or {})
    if only.get('server_group') is not None:
        hints['group'] = only['server_group']['id'] if isinstance(only['server_group'], dict) else only['server_group']
    if hints:
        attrs['scheduler_hints'] = hints
    if not desired.image and not only.get('block_device_mapping'):
        raise ValueError('image')
    return attrs


def server_view(server):
    """The fields a person compares: what the module manages, normalized (sorted, names, no volatility)."""
    if server is None:
        return None
    flavor = server.get('flavor') or {}
    image = server.get('image') or {}
    return dict(
        id=server.get('id'),
        name=server.get('name'),
        status=server.get('status'),
        flavor=flavor.get('original_name') or flavor.get('name') or flavor.get('id'),
        image=image.get('id') if isinstance(image, dict) else image,
        key_name=server.get('key_name'),
        availability_zone=server.get('availability_zone'),
        networks=sorted((server.get('addresses') or {}).keys()),
        security_groups=sorted(set(g.get('name') for g in server.get('security_groups') or [] if g.get('name'))),
        metadata=dict(server.get('metadata') or {}),
        tags=sorted(server.get('tags') or []),
        description=server.get('description'),
        hostname=server.get('hostname'),
        access_ipv4=server.get('access_ipv4') or '',
        access_ipv6=server.get('access_ipv6') or '',
        is_locked=bool(server.get('is_locked')),
        locked_reason=server.get('locked_reason'),
    )


def predicted_new_server(desired):
    """What a server made from Desired will look like (check mode has no real one to show)."""
    status = (desired.status or 'active').upper()
    image = {'id': desired.image['id']} if desired.image else ''
    return dict(
        id=None,
        name=desired.name,
        status=status,
        flavor={'original_name': desired.flavor['name'], 'id': desired.flavor['id']},
        image=image,
        key_name=desired.key_name,
        availability_zone=desired.availability_zone,
        addresses=dict(
            (n.get('name') or n.get('uuid') or n.get('port'), []) for n in desired.networks or () if isinstance(n, dict)
        ),
        security_groups=[{'name': g} for g in (desired.security_groups or ('default',))],
        metadata=dict(desired.metadata or {}),
        tags=list(desired.tags or ()),
        description=desired.description,
        hostname=desired.hostname,
        access_ipv4=desired.access_ipv4 or '',
        access_ipv6=desired.access_ipv6 or '',
        is_locked=bool(desired.locked),
        locked_reason=desired.locked_reason if desired.locked else None,
    )


def plan_server(current, desired, transition_for=None):
    """Decide what to do. ``transition_for(status_now, status_wanted)`` lists server_action names.

    Pure: everything it needs was read before; it raises ValueError with one line when the task asks
    for something that cannot be done from here.
    """
    if desired.state == 'absent':
        if current is None:
            return Plan(action='none')
        release = tuple(floating_addresses(current)) if desired.delete_floating_ips else ()
        changes = ('delete server %s' % current['id'],) + tuple('release floating IP %s' % a for a in release)
        return Plan(action='delete', before=current, after=None, changes=changes, release_ips=release)
    if current is None:
        return _plan_create(desired, transition_for)
    return _plan_update(current, desired, transition_for)


def _plan_create(desired, transition_for):
    if desired.flavor is None:
        raise ValueError('flavor is required to create server %r.' % desired.name)
    if desired.image is None and not desired.create_only.get('block_device_mapping'):
        raise ValueError('image (or block_device_mapping) is required to create server %r.' % desired.name)
    after = predicted_new_server(desired)
    transitions = ()
    if desired.status and desired.status != 'active':
        transitions = tuple(transition_for('ACTIVE', desired.status.upper())) if transition_for else ()
    lock = ('lock', desired.locked_reason) if desired.locked else None
    floating_add, allocate = plan_floating_ips({}, desired)
    _predict_floating(after, floating_add, allocate)
    changes = ['create server %s' % desired.name]
    changes.extend('then associate floating IP %s' % a for a in floating_add)
    if allocate:
        changes.append('then %s' % _allocate_change(desired))
    changes.extend('then %s' % a for a in transitions)
    if lock:
        changes.append('then lock')
    return Plan(
        action='create',
        before=None,
        after=after,
        changes=tuple(changes),
        create_attrs=create_attrs(desired),
        transitions=transitions,
        lock=lock,
        floating_add=floating_add,
        allocate_ip=allocate,
        floating_ip_pool=desired.floating_ip_pool if allocate else None,
        floating_ip_network=desired.floating_ip_network if allocate else None,
    )


def _allocate_change(desired):
    pool = ' from %s' % desired.floating_ip_pool if desired.floating_ip_pool else ''
    return 'allocate and associate a floating IP%s' % pool


def floating_addresses(server):
    return sorted(str(ip) for _n, kind, ip in _ip_entries(server or {}) if kind == 'floating')


def plan_floating_ips(current, desired):
    """Addresses to associate, and whether to allocate one (auto_ip with none on the server)."""
    have = set(floating_addresses(current))
    add = tuple(sorted(set(desired.floating_ips or ()) - have))
    allocate = bool(desired.auto_ip) and not have and not add and not desired.floating_ips
    return add, allocate


def _predict_floating(after, add, allocate):
    if not add and not allocate:
        return
    addresses = dict((k, list(v)) for k, v in (after.get('addresses') or {}).items())
    network = sorted(addresses)[0] if addresses else 'floating'
    for address in add:
        addresses.setdefault(network, []).append({'addr': address, 'OS-EXT-IPS:type': 'floating', 'version': 4})
    if allocate:
        addresses.setdefault(network, []).append({'addr': '', 'OS-EXT-IPS:type': 'floating', 'version': 4})
    after['addresses'] = addresses


def _plan_update(current, desired, transition_for):
    after = dict(current)
    changes = []
    differences = []
    update_attrs = {}
    status = current.get('status')

    # In-place PUT fields.
    for key in UPDATABLE:
        want = getattr(desired, key)
        if want is None:
            continue
        if (current.get(key) or '') != want:
            update_attrs[key] = want
            after[key] = want
            changes.append('set %s to %r' % (key, want))

    # Metadata: merge by default, purge only on request.
    metadata_set, metadata_delete = {}, ()
    if desired.metadata is not None:
        have = _str_dict(current.get('metadata'))
        metadata_set = dict((k, v) for k, v in desired.metadata.items() if have.get(k) != v)
        if desired.purge_metadata:
            metadata_delete = tuple(sorted(k for k in have if k not in desired.metadata))
        if metadata_set or metadata_delete:
            new = dict(have)
            new.update(metadata_set)
            for k in metadata_delete:
                new.pop(k, None)
            after['metadata'] = new
            if metadata_set:
                changes.append('set metadata %s' % ', '.join(sorted(metadata_set)))
            if metadata_delete:
                changes.append('delete metadata %s' % ', '.join(metadata_delete))

    # Tags: merge by default, purge only on request. Nova replaces the list in one request.
    tags = None
    if desired.tags is not None:
        have = set(current.get('tags') or [])
        new = set(desired.tags) if desired.purge_tags else have | set(desired.tags)
        if new != have:
            tags = tuple(sorted(new))
            after['tags'] = list(tags)
            added, removed = sorted(new - have), sorted(have - new)
            if added:
                changes.append('add tags %s' % ', '.join(added))
            if removed:
                changes.append('remove tags %s' % ', '.join(removed))

    # Security groups (by name, as Nova shows them).
    groups_add, groups_remove = (), ()
    if desired.security_groups is not None:
        have = set(g.get('name') for g in current.get('security_groups') or [] if g.get('name'))
        groups_add = tuple(sorted(set(desired.security_groups) - have))
        if desired.purge_security_groups:
            groups_remove = tuple(sorted(have - set(desired.security_groups)))
        if groups_add or groups_remove:
            new = (have | set(groups_add)) - set(groups_remove)
            after['security_groups'] = [{'name': g} for g in sorted(new)]
            changes.extend('add security group %s' % g for g in groups_add)
            changes.extend('remove security group %s' % g for g in groups_remove)

    # Image: rebuild only when asked to.
    rebuild_image = None
    have_image = (current.get('image') or {}).get('id') if isinstance(current.get('image'), dict) else None
    if desired.image is not None and have_image and desired.image['id'] != have_image:
        if desired.rebuild_on_image_change:
            rebuild_image = desired.image['id']
            after['image'] = {'id': rebuild_image}
            changes.append('rebuild from image %s' % (desired.image.get('name') or rebuild_image))
        else:
            differences.append(
                'image: the server runs image %s, the task asks for %s (%s); set '
                'rebuild_on_image_change=true to rebuild it, which replaces its disk'
                % (have_image, desired.image.get('name'), desired.image['id'])
            )

    # Flavor: resize, then confirm unless told to leave it for verification.
    resize_flavor, confirm = None, False
    have_flavor = (current.get('flavor') or {}).get('original_name') or (current.get('flavor') or {}).get('id')
    if desired.flavor is not None and desired.flavor['name'] != have_flavor and desired.flavor['id'] != have_flavor:
        if status in ('ACTIVE', 'SHUTOFF'):
            resize_flavor = desired.flavor['id']
            confirm = desired.confirm_resize
            after['flavor'] = {'original_name': desired.flavor['name'], 'id': desired.flavor['id']}
            if not confirm:
                after['status'] = 'VERIFY_RESIZE'
            changes.append('resize to flavor %s%s' % (desired.flavor['name'], '' if confirm else ' (left to verify)'))
        else:
            raise ValueError(
                'Cannot resize server %s to flavor %s: its status is %s; resize needs ACTIVE or SHUTOFF.'
                % (current.get('name'), desired.flavor['name'], status)
            )
    elif status == 'VERIFY_RESIZE' and desired.confirm_resize and desired.flavor is not None:
        confirm = True
        after['status'] = 'ACTIVE'
        changes.append('confirm the resize to flavor %s' % have_flavor)

    # What cannot change in place: say so, never ignore it.
    if desired.key_name is not None and desired.key_name != current.get('key_name'):
        differences.append(
            'key_name: the server has %r, the task asks for %r; Nova cannot change it in place '
            '(rebuild with server_action action=rebuild key_name=..., or recreate the server)'
            % (current.get('key_name'), desired.key_name)
        )
    if desired.availability_zone is not None and desired.availability_zone != current.get('availability_zone'):
        differences.append(
            'availability_zone: the server is in %r, the task asks for %r; move it with '
            'server_action action=migrate (admin) or recreate it'
            % (current.get('availability_zone'), desired.availability_zone)
        )
    if desired.networks is not None and desired.networks not in (('auto',), ('none',)):
        have_nets = set((current.get('addresses') or {}).keys())
        want = set(n.get('name') for n in desired.networks if n.get('name'))
        missing = sorted(want - have_nets)
        if missing:
            differences.append(
                'networks: the server is not on %s; attach an interface or recreate the server' % ', '.join(missing)
            )

    # Floating IPs: associate what the task lists, allocate one for auto_ip when there is none.
    floating_add, allocate = plan_floating_ips(current, desired)
    if floating_add or allocate:
        _predict_floating(after, floating_add, allocate)
        changes.extend('associate floating IP %s' % a for a in floating_add)
        if allocate:
            changes.append(_allocate_change(desired))

    # Status transitions.
    transitions = ()
    final_status = after.get('status')
    if desired.status is not None:
        target = desired.status.upper()
        start = 'ACTIVE' if confirm or resize_flavor else final_status
        if rebuild_image:
            start = 'ACTIVE' if status != 'SHUTOFF' else 'SHUTOFF'
        if start != target:
            if transition_for is None:
                raise ValueError('no status transitions available')
            transitions = tuple(transition_for(start, target))
            after['status'] = target
            changes.extend('%s (to reach %s)' % (a, target) for a in transitions)

    # Lock last: a locked server refuses the changes above.
    lock = None
    is_locked = bool(current.get('is_locked'))
    unlock_first = False
    other_changes = bool(
        update_attrs
        or metadata_set
        or metadata_delete
        or tags is not None
        or groups_add
        or groups_remove
        or rebuild_image
        or resize_flavor
        or confirm
        or transitions
        or floating_add
        or allocate
    )
    if desired.locked is True:
        reason_differs = desired.locked_reason is not None and desired.locked_reason != current.get('locked_reason')
        if not is_locked or reason_differs or other_changes:
            if is_locked:
                unlock_first = True
            lock = (
                'lock',
                desired.locked_reason if desired.locked_reason is not None else current.get('locked_reason'),
            )
            if not is_locked or reason_differs:
                changes.append('lock%s' % (' (%s)' % lock[1] if lock[1] else ''))
            after['is_locked'] = True
            after['locked_reason'] = lock[1]
    elif desired.locked is False:
        if is_locked:
            lock = ('unlock', None)
            unlock_first = other_changes
            changes.append('unlock')
            after['is_locked'] = False
            after['locked_reason'] = None
    elif is_locked and other_changes:
        raise ValueError(
            'Server %s is locked (%s), so Nova refuses the changes this task asks for (%s); set '
            'locked=false to unlock it, or locked=true to unlock, change and lock it again.'
            % (current.get('name'), current.get('locked_reason') or 'no reason given', '; '.join(changes))
        )
    if lock and lock[0] == 'unlock' and unlock_first:
        lock = None  # unlocking first already leaves it unlocked

    action = 'update' if (other_changes or lock or unlock_first) else 'none'
    return Plan(
        action=action,
        before=current,
        after=after,
        changes=tuple(changes),
        update_attrs=update_attrs,
        metadata_set=metadata_set,
        metadata_delete=metadata_delete,
        tags=tags,
        groups_add=groups_add,
        groups_remove=groups_remove,
        rebuild_image=rebuild_image,
        resize_flavor=resize_flavor,
        confirm_resize=confirm,
        unlock_first=unlock_first,
        transitions=transitions,
        lock=lock,
        floating_add=floating_add,
        allocate_ip=allocate,
        floating_ip_pool=desired.floating_ip_pool if allocate else None,
        floating_ip_network=desired.floating_ip_network if allocate else None,
        differences=tuple(differences),
    )
