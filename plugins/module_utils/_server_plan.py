# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the server module's plan(current, desired); no SDK, no AnsibleModule, no clock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses

from ansible_collections.stackops.compute.plugins.module_utils._floating import reuse_order
from ansible_collections.stackops.compute.plugins.module_utils._server_desired import (
    create_attrs,
    predicted_new_server,
    str_dict,
)
from ansible_collections.stackops.compute.plugins.module_utils._server_view import (
    floating_addresses,
    known_secrets,
    name_to_set,
)
from ansible_collections.stackops.compute.plugins.module_utils._volumes import (
    ATTACH_STATUSES,
    attach_error,
    plan_attachments,
    volume_label,
    with_attachments,
    zero_disk_error,
)

# Fields the server's PUT /servers/{id} can change, as SDK attribute names.
UPDATABLE = ('name', 'description', 'hostname', 'access_ipv4', 'access_ipv6')


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
    reuse_candidates: tuple = ()  # with allocate_ip and reuse_ips: the free floating IPs to try first, in order
    release_ips: tuple = ()  # floating IPs to release after a delete
    volumes_attach: tuple = ()  # volumes (Cinder's dicts) to attach
    volumes_detach: tuple = ()  # IDs of volumes to detach
    volumes_late: bool = False  # attach and detach after the status transitions (the server's status refuses it now)
    differences: tuple = ()  # what differs but is not changed in place (warned)

    @property
    def changed(self):
        return self.action != 'none'


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
        raise ValueError(
            'image (or boot_volume, or block_device_mapping) is required to create server %r.' % desired.name
        )
    zero_disk = zero_disk_error(desired.flavor, desired.image, desired.create_only.get('block_device_mapping'))
    if zero_disk:
        raise ValueError(zero_disk)
    for volume in (desired.create_only.get('boot_volume'),) + tuple(desired.volumes or ()):
        refusal = attach_error(volume, None) if volume else None
        if refusal:
            raise ValueError(refusal)
    attrs = create_attrs(desired)
    after = predicted_new_server(desired)
    # Nova returns a password with the create, one of its own when the task gives none (unless the cloud
    # turned that off).
    after.update(known_secrets({'admin_password': True}, attrs))
    transitions = ()
    if desired.status and desired.status != 'active':
        transitions = tuple(transition_for('ACTIVE', desired.status.upper())) if transition_for else ()
    lock = ('lock', desired.locked_reason) if desired.locked else None
    floating_add, allocate = plan_floating_ips({}, desired)
    # Which free address a new server takes depends on its ID, known once it exists.
    candidates = reuse_order(desired.free_floating_ips, None) if allocate and desired.reuse_ips else ()
    _predict_floating(after, floating_add, allocate)
    changes = ['create server %s' % desired.name]
    changes.extend('then associate floating IP %s' % a for a in floating_add)
    if allocate:
        changes.append('then %s' % _allocate_change(desired, candidates))
    changes.extend('then %s' % a for a in transitions)
    if lock:
        changes.append('then lock')
    return Plan(
        action='create',
        before=None,
        after=after,
        changes=tuple(changes),
        create_attrs=attrs,
        transitions=transitions,
        lock=lock,
        floating_add=floating_add,
        allocate_ip=allocate,
        floating_ip_pool=desired.floating_ip_pool if allocate else None,
        floating_ip_network=desired.floating_ip_network if allocate else None,
        reuse_candidates=candidates,
    )


def _allocate_change(desired, candidates=(), server_id=None):
    if candidates and server_id:
        return 'associate free floating IP %s' % candidates[0]['floating_ip_address']
    if candidates:
        return 'associate one of the %d free floating IPs of the project' % len(candidates)
    pool = ' from %s' % desired.floating_ip_pool if desired.floating_ip_pool else ''
    return 'allocate and associate a floating IP%s' % pool


def plan_floating_ips(current, desired):
    """Addresses to associate, and whether to allocate one (auto_ip with none on the server)."""
    have = set(floating_addresses(current))
    add = tuple(sorted(set(desired.floating_ips or ()) - have))
    allocate = bool(desired.auto_ip) and not have and not add and not desired.floating_ips
    return add, allocate


def _predict_floating(after, add, allocate, reused=None):
    """The addresses after associating ``add``, and a new address (not known yet: empty) or ``reused``."""
    if not add and not allocate:
        return
    addresses = dict((k, list(v)) for k, v in (after.get('addresses') or {}).items())
    network = sorted(addresses)[0] if addresses else 'floating'
    for address in add:
        addresses.setdefault(network, []).append({'addr': address, 'OS-EXT-IPS:type': 'floating', 'version': 4})
    if allocate:
        addresses.setdefault(network, []).append({'addr': reused or '', 'OS-EXT-IPS:type': 'floating', 'version': 4})
    after['addresses'] = addresses


def _plan_update(current, desired, transition_for):
    after = dict(current)
    changes = []
    differences = []
    update_attrs = {}
    status = current.get('status')

    # In-place PUT fields. A name that is the server's own ID found it, and is not a new name.
    for key in UPDATABLE:
        want = name_to_set(desired.name, current) if key == 'name' else getattr(desired, key)
        if want is None:
            continue
        if (current.get(key) or '') != want:
            update_attrs[key] = want
            after[key] = want
            changes.append('set %s to %r' % (key, want))

    # Metadata: merge by default, purge only on request.
    metadata_set, metadata_delete = {}, ()
    if desired.metadata is not None:
        have = str_dict(current.get('metadata'))
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

    # Volumes: attach what the task lists, detach the others only with purge_volumes.
    volumes_attach, volumes_detach, volumes_late = _plan_volumes(current, desired)
    if volumes_attach or volumes_detach:
        after.update(with_attachments(after, volumes_attach, volumes_detach))
        changes.extend('attach volume %s' % volume_label(v) for v in volumes_attach)
        changes.extend('detach volume %s' % v for v in volumes_detach)

    # Floating IPs: associate what the task lists, allocate one for auto_ip when there is none.
    floating_add, allocate = plan_floating_ips(current, desired)
    candidates = reuse_order(desired.free_floating_ips, current.get('id')) if allocate and desired.reuse_ips else ()
    if floating_add or allocate:
        _predict_floating(after, floating_add, allocate, candidates[0]['floating_ip_address'] if candidates else None)
        changes.extend('associate floating IP %s' % a for a in floating_add)
        if allocate:
            changes.append(_allocate_change(desired, candidates, current.get('id')))

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
        or volumes_attach
        or volumes_detach
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
        reuse_candidates=candidates,
        volumes_attach=volumes_attach,
        volumes_detach=volumes_detach,
        volumes_late=volumes_late,
        differences=tuple(differences),
    )


def _plan_volumes(current, desired):
    """(attach, detach, late): the volume changes, done after the status transitions when the server's
    status refuses them now but the status the task asks for allows them."""
    if desired.volumes is None:
        return (), (), False
    attach, detach, error = plan_attachments(
        current, desired.volumes, desired.purge_volumes, desired.volume_attachments
    )
    late = False
    if error and current.get('status') not in ATTACH_STATUSES and desired.status:
        target = desired.status.upper()
        if target in ATTACH_STATUSES:
            attach, detach, error = plan_attachments(
                dict(current, status=target), desired.volumes, desired.purge_volumes, desired.volume_attachments
            )
            late = True
    if error:
        raise ValueError(error)
    return attach, detach, late
