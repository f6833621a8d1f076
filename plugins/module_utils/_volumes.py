# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: pure decisions about volumes - booting from one, attachments, the snapshots of images.

openstack.cloud's boot options become Nova's block device mapping here; which volumes a server gains or
loses; and which Cinder snapshots an image of a volume-backed server holds, and which of them may go with
it. No SDK, no AnsibleModule, no clock.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

# openstack.cloud's shorthands for the root disk of a new server.
BOOT_OPTIONS = ('boot_from_volume', 'boot_volume', 'volume_size', 'terminate_volume')

# Server statuses in which Nova attaches and detaches volumes (compute API check_instance_state:
# active, paused, stopped, resized, soft-deleted, shelved and shelved offloaded, with no task running).
ATTACH_STATUSES = ('ACTIVE', 'PAUSED', 'SHUTOFF', 'VERIFY_RESIZE', 'SOFT_DELETED', 'SHELVED', 'SHELVED_OFFLOADED')

# Cinder statuses a volume or snapshot does not come back from on its own.
VOLUME_FAILED = ('error', 'error_attaching', 'error_detaching', 'error_deleting', 'error_restoring')

# The first disk of a server: /dev/vda, /dev/sda, /dev/xvda, /dev/hda (and Nova's legacy /dev/sda1). Nova
# names the root disk first, so an attached data volume never gets this name; a volume there is the root.
ROOT_DEVICE = re.compile(r'^(/dev/)?(x?v|s|h)da\d*$')


# ---------------------------------------------------------------------------------------------- boot


def _given(params: dict, option: str) -> bool:
    value = params.get(option)
    return value is not None and value is not False


def boot_option_error(params: dict):
    """One line when openstack.cloud's boot options are combined in a way that cannot work, else None."""
    given = [o for o in BOOT_OPTIONS if _given(params, o)]
    if not given:
        return None
    if params.get('block_device_mapping'):
        return (
            'block_device_mapping cannot be combined with %s: both describe the disks of the new server; give '
            "block_device_mapping alone (it says everything in Nova's words), or leave it out." % ', '.join(given)
        )
    if _given(params, 'boot_volume'):
        if params.get('boot_from_volume'):
            return 'boot_volume boots from an existing volume and boot_from_volume makes a new one: give one of them.'
        if params.get('image'):
            return 'boot_volume is the disk the server boots from, so image cannot be given with it.'
        if _given(params, 'volume_size'):
            return 'volume_size is the size of the volume boot_from_volume makes; boot_volume has its own size.'
        return None
    if params.get('boot_from_volume'):
        if not params.get('image'):
            return 'boot_from_volume copies image to a new root volume: give image.'
        if params.get('volume_size') is None:
            return 'boot_from_volume needs volume_size, the size in GB of the new root volume.'
        if params['volume_size'] < 1:
            return 'volume_size must be 1 (GB) or more, not %s.' % params['volume_size']
        return None
    if _given(params, 'volume_size'):
        return 'volume_size is the size of the root volume boot_from_volume makes: set boot_from_volume=true too.'
    return (
        'terminate_volume says whether the root volume goes with the server: it needs boot_from_volume or boot_volume.'
    )


def boot_mapping(params: dict, image_id: str = None, boot_volume_id: str = None) -> list:
    """Nova's block device mapping for openstack.cloud's boot options (after boot_option_error); [] for none."""
    terminate = bool(params.get('terminate_volume'))
    if boot_volume_id:
        return [
            dict(
                boot_index=0,
                uuid=boot_volume_id,
                source_type='volume',
                destination_type='volume',
                delete_on_termination=terminate,
            )
        ]
    if params.get('boot_from_volume'):
        return [
            dict(
                boot_index=0,
                uuid=image_id,
                source_type='image',
                destination_type='volume',
                volume_size=params['volume_size'],
                delete_on_termination=terminate,
            )
        ]
    return []


def _boot_index(entry: dict):
    try:
        return int(entry.get('boot_index'))
    except (TypeError, ValueError):
        return None


def root_on_volume(mapping) -> bool:
    """Whether a block device mapping puts the root disk (boot index 0) on a volume."""
    return any(_boot_index(e) == 0 and e.get('destination_type') == 'volume' for e in mapping or ())


def with_attached_volumes(mapping, volume_ids, image_id=None) -> list:
    """``mapping`` plus an entry for each volume to attach at boot (not already in it).

    Nova takes extra volumes at boot only with the root disk spelled out in the mapping too: a server booted
    from an image gets that image's local disk as boot index 0, as openstacksdk writes it.
    """
    mapping = [dict(e) for e in mapping or ()]
    named = set(e.get('uuid') or e.get('volume_id') for e in mapping)
    extra = [v for v in volume_ids if v not in named]
    if not extra:
        return mapping
    if image_id and not any(_boot_index(e) == 0 for e in mapping):
        mapping.insert(
            0,
            dict(
                boot_index=0,
                uuid=image_id,
                source_type='image',
                destination_type='local',
                delete_on_termination=True,
            ),
        )
    for volume_id in extra:
        mapping.append(
            dict(
                boot_index=-1,
                uuid=volume_id,
                source_type='volume',
                destination_type='volume',
                delete_on_termination=False,
            )
        )
    return mapping


def resolved_image(image: dict) -> dict:
    """What the server planner needs of an image: its ID and name, and whether it boots from a volume."""
    out = {'id': image['id'], 'name': image.get('name')}
    if root_on_volume(image_mapping(image)):
        out['root_on_volume'] = True
    return out


def zero_disk_error(flavor: dict, image: dict, mapping) -> str:
    """One line when a flavor with a 0 GB disk would boot from an image (Nova refuses it), else None.

    An image of a volume-backed server maps its root disk to a volume made from a Cinder snapshot
    (``root_on_volume`` in the resolved image): Nova boots it on such a flavor.
    """
    if not flavor or flavor.get('disk') != 0 or not image or root_on_volume(mapping):
        return None
    if image.get('root_on_volume'):
        return None
    return (
        'Flavor %s has a 0 GB root disk, so Nova boots it from a volume only (its default policy refuses an '
        'image, because the disk would be as large as the image makes it). Boot from a volume: add '
        'boot_from_volume=true and volume_size=<GB> to copy image %s to a new root volume, or give boot_volume, '
        'or a block_device_mapping with a boot_index 0 volume.'
        % (flavor.get('name') or flavor.get('id'), image.get('name') or image.get('id'))
    )


# ---------------------------------------------------------------------------------------------- attachments


def attached_ids(server) -> list:
    """The IDs of the volumes attached to a server, as Nova lists them."""
    out = []
    for entry in (server or {}).get('attached_volumes') or ():
        volume_id = entry.get('id') if isinstance(entry, dict) else entry
        if volume_id and volume_id not in out:
            out.append(volume_id)
    return out


def is_volume_backed(server) -> bool:
    """Whether a server boots from a volume: Nova shows no image for it, and it has volumes."""
    image = (server or {}).get('image')
    image_id = image.get('id') if isinstance(image, dict) else image
    return not image_id and bool(attached_ids(server))


def is_root_device(device, root_device_name=None) -> bool:
    if not device:
        return False
    if root_device_name:
        return device == root_device_name
    return bool(ROOT_DEVICE.match(device))


def attachment_of(volume: dict, server_id: str):
    """Cinder's attachment of ``volume`` to the server, or None."""
    for attachment in (volume or {}).get('attachments') or ():
        if attachment.get('server_id') == server_id:
            return attachment
    return None


def volume_label(volume: dict) -> str:
    name = volume.get('name')
    return '%s (%s)' % (name, volume['id']) if name and name != volume['id'] else volume['id']


def attach_error(volume: dict, server: dict):
    """One line when Nova would refuse to attach ``volume`` to ``server`` now, else None."""
    server_label = (server or {}).get('name') or (server or {}).get('id') or 'the new server'
    others = sorted(
        a.get('server_id') for a in volume.get('attachments') or () if a.get('server_id') != (server or {}).get('id')
    )
    status = volume.get('status')
    if others and not volume.get('is_multiattach'):
        return 'Volume %s is attached to server %s; detach it there first (server_action action=detach_volume).' % (
            volume_label(volume),
            ', '.join(others),
        )
    if status not in ('available', 'in-use'):
        return 'Volume %s is %s; Nova attaches a volume that is available (to server %s).' % (
            volume_label(volume),
            status,
            server_label,
        )
    return None


def plan_attachments(server: dict, wanted, purge: bool = False, attachments=None):
    """(volumes to attach, volume IDs to detach, one line why not, or None) for an existing server.

    ``wanted``: the volumes the task lists, read from Cinder. ``attachments``: Nova's record of the server's
    attachments (with devices), needed to tell the root volume apart when ``purge`` detaches the unlisted ones;
    the root volume is never detached (Nova refuses it).
    """
    have = attached_ids(server)
    attach = tuple(v for v in wanted or () if v['id'] not in have)
    detach = ()
    if purge:
        keep = set(v['id'] for v in wanted or ())
        root = server.get('root_device_name')
        devices = dict((a.get('volumeId') or a.get('id'), a.get('device')) for a in attachments or ())
        detach = tuple(i for i in have if i not in keep and not is_root_device(devices.get(i), root))
    if not attach and not detach:
        return (), (), None
    status = server.get('status')
    if status not in ATTACH_STATUSES:
        return (
            attach,
            detach,
            'Nova attaches and detaches volumes while a server is %s; server %s is %s.'
            % (', '.join(ATTACH_STATUSES), server.get('name') or server.get('id'), status),
        )
    for volume in attach:
        error = attach_error(volume, server)
        if error:
            return attach, detach, error
    return attach, detach, None


def with_attachments(server: dict, attach=(), detach=()) -> dict:
    """The server with its ``attached_volumes`` after attaching and detaching (for check mode and diffs)."""
    after = dict(server)
    volumes = [dict(v) if isinstance(v, dict) else {'id': v} for v in server.get('attached_volumes') or ()]
    volumes = [v for v in volumes if v.get('id') not in detach]
    for volume in attach:
        volumes.append({'id': volume['id'], 'delete_on_termination': False})
    after['attached_volumes'] = volumes
    return after


def is_attached(volume, server_id: str, server_status: str = None) -> bool:
    """Whether Cinder shows ``volume`` attached to the server (reserved, for a shelved offloaded server)."""
    if volume is None:
        return False
    if server_status == 'SHELVED_OFFLOADED' and volume.get('status') == 'reserved':
        return True
    return volume.get('status') == 'in-use' and attachment_of(volume, server_id) is not None


def is_detached(volume, server_id: str) -> bool:
    """Whether Cinder no longer shows ``volume`` attached to the server (or it is gone)."""
    if volume is None:
        return True
    return attachment_of(volume, server_id) is None and volume.get('status') in ('available', 'in-use')


def attach_failure(volume, server_id: str):
    """One line when an attachment that Nova accepted ended without the volume attached, else None."""
    if volume is None:
        return 'Volume disappeared while it was being attached.'
    status = volume.get('status')
    if status in VOLUME_FAILED:
        return 'Volume %s went to %s while it was being attached.' % (volume_label(volume), status)
    # Nova reserves the volume before it answers: available again means the attachment was given up.
    if status == 'available' and attachment_of(volume, server_id) is None:
        return "Nova gave up attaching volume %s: it is available again (see the server's instance actions)." % (
            volume_label(volume)
        )
    return None


def detach_failure(volume, server_id: str):
    if volume is not None and volume.get('status') in VOLUME_FAILED:
        return 'Volume %s went to %s while it was being detached.' % (volume_label(volume), volume.get('status'))
    return None


def volume_details(server: dict, volumes_by_id: dict) -> list:
    """The volumes attached to a server, as server_info's volumes extra shows them."""
    delete = dict(
        (e.get('id'), e.get('delete_on_termination'))
        for e in server.get('attached_volumes') or ()
        if isinstance(e, dict)
    )
    out = []
    for volume_id in attached_ids(server):
        volume = volumes_by_id.get(volume_id) or {}
        attachment = attachment_of(volume, server.get('id')) or {}
        out.append(
            dict(
                id=volume_id,
                name=volume.get('name'),
                size=volume.get('size'),
                status=volume.get('status'),
                device=attachment.get('device'),
                volume_type=volume.get('volume_type'),
                is_bootable=volume.get('is_bootable'),
                is_multiattach=volume.get('is_multiattach'),
                delete_on_termination=delete.get(volume_id),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------- snapshots of images


def image_mapping(image) -> list:
    """The block device mapping Nova wrote on an image of a volume-backed server (a list of dicts)."""
    image = image or {}
    raw = image.get('block_device_mapping')
    if raw is None:
        raw = (image.get('properties') or {}).get('block_device_mapping')
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    return [e for e in raw or () if isinstance(e, dict)]


def snapshot_refs(image) -> list:
    """The Cinder snapshots an image boots from: [{'id', 'device_name', 'boot_index', 'volume_size'}].

    Only entries whose source is a snapshot: an image may also name a volume to boot from (source
    ``volume``), which belongs to no image and is never deleted with one.
    """
    refs = []
    for entry in image_mapping(image):
        snapshot_id = entry.get('snapshot_id')
        if entry.get('source_type') == 'snapshot' and snapshot_id and snapshot_id not in [r['id'] for r in refs]:
            refs.append(
                dict(
                    id=snapshot_id,
                    device_name=entry.get('device_name'),
                    boot_index=_boot_index(entry),
                    volume_size=entry.get('volume_size'),
                )
            )
    return refs


def snapshot_ids(image) -> list:
    return [r['id'] for r in snapshot_refs(image)]


def with_snapshot_states(refs, snapshots_by_id: dict) -> list:
    """The image's snapshot references with what Cinder says of each (status None: not found)."""
    out = []
    for ref in refs:
        snapshot = snapshots_by_id.get(ref['id']) or {}
        item = dict(ref)
        item.update(
            status=snapshot.get('status'),
            volume_id=snapshot.get('volume_id'),
            size=snapshot.get('size'),
            name=snapshot.get('name'),
        )
        out.append(item)
    return out


def plan_snapshot_deletes(image: dict, others, snapshots_by_id: dict) -> list:
    """What deleting ``image`` does to each Cinder snapshot it references (pure).

    ``others``: the other images the caller can see. A snapshot another image also references stays; one
    Cinder no longer has is already gone; every other one is deleted with the image. Volumes are never
    touched. Each entry is the reference with Cinder's view and ``action`` (delete | keep | gone) and
    ``reason``.
    """
    shared = {}
    for other in others or ():
        if other.get('id') == image.get('id'):
            continue
        for snapshot_id in snapshot_ids(other):
            shared.setdefault(snapshot_id, []).append(other)
    out = []
    for entry in with_snapshot_states(snapshot_refs(image), snapshots_by_id):
        users = shared.get(entry['id'])
        if users:
            entry.update(
                action='keep',
                reason='image %s references it too'
                % ', '.join('%s (%s)' % (o.get('name'), o.get('id')) for o in users),
            )
        elif entry['status'] is None:
            entry.update(action='gone', reason='Cinder has no such snapshot (already deleted, or not visible)')
        else:
            entry.update(action='delete', reason='only image %s (%s) references it' % (image.get('name'), image['id']))
        out.append(entry)
    return out


def snapshot_changes(entries, image: dict) -> list:
    """The change lines of deleting an image's snapshots (what check mode lists)."""
    lines = []
    for entry in entries:
        if entry['action'] == 'delete':
            lines.append(
                'delete volume snapshot %s (of volume %s), which image %s references'
                % (entry['id'], entry.get('volume_id'), image.get('name') or image['id'])
            )
    return lines


# ---------------------------------------------------------------------------------------------- server_action rows


def volume_on_server(server, args, facts) -> bool:
    """attach_volume and detach_volume: whether the volume (read in the facts) is attached to the server."""
    volume = facts['volume']
    return volume['id'] in attached_ids(server) or attachment_of(volume, server.get('id')) is not None


def attach_check(server, args, facts):
    return attach_error(facts['volume'], server)


def detach_check(server, args, facts):
    attachment = attachment_of(facts['volume'], server.get('id')) or {}
    if is_root_device(attachment.get('device'), server.get('root_device_name')):
        return 'volume %s is its root disk (%s), which Nova does not detach.' % (
            volume_label(facts['volume']),
            attachment.get('device'),
        )
    return None


def attachment_predict(attach: bool):
    def predict(server, args, facts):
        volume = facts['volume']
        if attach:
            return {'attached_volumes': with_attachments(server, attach=(volume,))['attached_volumes']}
        return {'attached_volumes': with_attachments(server, detach=(volume['id'],))['attached_volumes']}

    return predict
