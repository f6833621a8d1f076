# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: what a backup records for a restore, and the restore role's decisions (pure).

The backup role writes, on each image, the settings a new server needs to stand in for the one backed up
(its name, flavor, networks, key, security groups, metadata, and whether it boots from a volume) as one
JSON record in the image property ``stackops_restore``. Nova takes property values of 255 characters at
most, so a longer record is split over ``stackops_restore``, ``stackops_restore_2``, ... and
``stackops_restore_parts`` says how many there are. Every backup writes both keys: a server booted from a
backup inherits that backup's properties, and its own backups must not carry a stale record.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json

from ansible_collections.stackops.compute.plugins.module_utils._images import (
    CREATED_BY,
    LABEL_CREATED_BY,
    LABEL_POLICY,
    LABEL_SERVER,
    newest_first,
)
from ansible_collections.stackops.compute.plugins.module_utils._retention import UTC, image_property, parse_time
from ansible_collections.stackops.compute.plugins.module_utils._volumes import snapshot_ids
from ansible_collections.stackops.compute.plugins.module_utils._workflow import FAIL, SKIP, item_results

RECORD = 'stackops_restore'
RECORD_PARTS = 'stackops_restore_parts'
RECORD_VERSION = 1
# Nova's limit for the value of an image property sent with createImage.
VALUE_LIMIT = 255

# Nova rebuilds servers in these statuses only (compute API check_instance_state of rebuild).
REBUILD_STATUSES = ('ACTIVE', 'SHUTOFF', 'ERROR')

# The rolling role's rebuild: Nova rebuilds the root volume of a volume-backed server only from compute API
# microversion 2.93, which the server_action module does not send.
VOLUME_REFUSAL = (
    'is volume-backed: a rebuild would re-image its root volume (compute API microversion 2.93), which this '
    'role does not do'
)

# In place, a backup of a volume-backed server is a Glance image of 0 bytes that maps Cinder snapshots: Nova
# (2.93) hands it to Cinder, whose re-image from a snapshot makes a temporary volume from it and copies it into
# the root volume with both attached to the cinder-volume host (os-brick, through its root helper). Where that
# copy fails, the root volume goes to error and the server to ERROR, so the role does not send it.
IN_PLACE_VOLUME_REFUSAL = (
    'is volume-backed: restoring it in place would re-image its root volume from the volume snapshot of its '
    'backup (compute API microversion 2.93, and a copy that Cinder makes on its volume host), which this role '
    'does not do; restore it as a new server (restore_in_place: false), which gets new volumes from the '
    'snapshots and leaves the current ones alone'
)


# ---------------------------------------------------------------------------------------------- the record


def image_id_of(server: dict) -> str:
    image = server.get('image')
    return (image.get('id') if isinstance(image, dict) else image) or ''


def is_volume_backed(server: dict) -> bool:
    """A server that boots from a volume: Nova shows no image for it."""
    return not image_id_of(server)


def is_volume_backup(image: dict, record: dict = None) -> bool:
    """A backup of a volume-backed server: Nova's snapshot is an empty image that maps volume snapshots."""
    return bool((record or {}).get('volume_backed') or image_property(image, 'block_device_mapping'))


def flavor_name(server: dict) -> str:
    # From microversion 2.47 Nova embeds the flavor without its ID; original_name is the name it had.
    flavor = server.get('flavor') or {}
    return flavor.get('original_name') or flavor.get('name') or flavor.get('id') or ''


def restore_record(server: dict) -> dict:
    """The settings of a server that a restore as a new server needs."""
    groups = []
    for group in server.get('security_groups') or []:
        name = group.get('name') if isinstance(group, dict) else group
        if name and name not in groups:
            groups.append(name)
    return {
        'v': RECORD_VERSION,
        'name': server.get('name') or '',
        'flavor': flavor_name(server),
        # Nova lists addresses by network name, in the order of the server's interfaces.
        'networks': list((server.get('addresses') or {}).keys()),
        'key_name': server.get('key_name') or None,
        'security_groups': sorted(groups),
        'metadata': dict(server.get('metadata') or {}),
        'volume_backed': is_volume_backed(server),
    }


def record_properties(record: dict) -> dict:
    """The image properties that hold ``record``, each value within Nova's limit."""
    text = json.dumps(record, sort_keys=True, separators=(',', ':'))
    parts = [text[i : i + VALUE_LIMIT] for i in range(0, len(text), VALUE_LIMIT)] or ['']
    props = {RECORD: parts[0], RECORD_PARTS: str(len(parts))}
    for number, part in enumerate(parts[1:], start=2):
        props['%s_%d' % (RECORD, number)] = part
    return props


def read_record(image: dict):
    """The record a backup carries, or None when it has none (made before the backup role wrote one)."""
    props = dict(image.get('properties') or {})
    for key in (RECORD, RECORD_PARTS):
        if key in image and key not in props:
            props[key] = image[key]
    if RECORD not in props or RECORD_PARTS not in props:
        return None
    try:
        count = int(props[RECORD_PARTS])
        text = props[RECORD] + ''.join(props['%s_%d' % (RECORD, n)] for n in range(2, count + 1))
        record = json.loads(text)
    except (KeyError, TypeError, ValueError):
        return None
    return record if isinstance(record, dict) else None


# ---------------------------------------------------------------------------------------------- backups


def is_backup_of(image: dict, server_id: str, policy: str = None) -> bool:
    """Made by the backup role from this server (labels and Nova's instance_uuid agree), under ``policy``."""
    return (
        image_property(image, LABEL_CREATED_BY) == CREATED_BY
        and bool(image_property(image, LABEL_POLICY))
        and (not policy or image_property(image, LABEL_POLICY) == policy)
        and image_property(image, LABEL_SERVER) == server_id
        and image_property(image, 'instance_uuid') == server_id
    )


def parse_when(text: str):
    """``2026-11-27`` (the end of that UTC day) or an ISO 8601 time: the latest creation time accepted."""
    text = str(text).strip()
    try:
        day = datetime.datetime.strptime(text, '%Y-%m-%d')
    except ValueError:
        day = None
    if day is not None:
        return day.replace(tzinfo=UTC) + datetime.timedelta(days=1) - datetime.timedelta(microseconds=1)
    return parse_time(text) if 'T' in text or ' ' in text else None


def choose_backup(backups: list, which: str = 'newest'):
    """``(image, '')`` or ``(None, why)``: the backup ``which`` names among one server's backups.

    ``which`` is ``newest``, an image ID, an image name, or a date or time (the newest backup made at or
    before it; a date alone means the end of that UTC day).
    """
    active = [i for i in newest_first(backups) if i.get('status') == 'active']
    which = str(which or 'newest').strip()
    if which == 'newest':
        if active:
            return active[0], ''
        return None, 'no active backup' if backups else 'no backup'
    by_key = [i for i in backups if which in (i.get('id'), i.get('name'))]
    if by_key:
        chosen = by_key[0]
        if chosen.get('status') != 'active':
            return None, 'backup %s is %s, not active' % (which, chosen.get('status'))
        return chosen, ''
    latest = parse_when(which)
    if latest is None:
        return None, 'no backup is named %s' % which
    older = [i for i in active if (parse_time(i.get('created_at')) or latest) <= latest]
    if older:
        return older[0], ''
    return None, 'no active backup made at or before %s' % which


# ---------------------------------------------------------------------------------------------- plan


def _settings(record: dict, overrides: dict) -> dict:
    """The new server's options: the record, with the role's inputs over it (metadata merged)."""
    record = record or {}
    metadata = dict(record.get('metadata') or {})
    metadata.update(overrides.get('metadata') or {})
    out = {
        'flavor': overrides.get('flavor') or record.get('flavor'),
        'networks': list(overrides.get('networks') or record.get('networks') or []),
        'key_name': overrides.get('key_name') or record.get('key_name'),
        'security_groups': list(overrides.get('security_groups') or record.get('security_groups') or []),
        'metadata': metadata,
    }
    return out


def _backups_for(ref: str, images: list, policy: str, existing_id: str = None):
    """The backups of a server (by its ID), or of a deleted one named ``ref`` (its old ID or name)."""
    if existing_id:
        return [i for i in images if is_backup_of(i, existing_id, policy)], ''
    owners = {}
    for image in images:
        server_id = image_property(image, LABEL_SERVER)
        record = read_record(image) or {}
        if ref in (server_id, record.get('name')) and is_backup_of(image, server_id, policy):
            owners.setdefault(server_id, []).append(image)
    if len(owners) > 1:
        return [], 'backups of %d deleted servers named %s (%s): give the ID' % (
            len(owners),
            ref,
            ', '.join(sorted(owners)),
        )
    return (list(owners.values())[0] if owners else []), ''


def _restored_from(server: dict, images: list):
    """The backup of another server that ``server`` runs, if it runs one."""
    if not server:
        return None
    for image in images or []:
        if image.get('id') == image_id_of(server) and image_property(image, LABEL_SERVER) != server.get('id'):
            return image
    return None


def plan_restore(
    servers: list,
    missing=(),
    images=(),
    existing=(),
    backup: str = 'newest',
    in_place: bool = False,
    suffix: str = '-restored',
    policy: str = None,
    overrides: dict = None,
) -> list:
    """One decision per server: ``rebuild`` (in place), ``create`` (a new server), ``skip`` or ``fail``."""
    overrides = overrides or {}
    by_name = {}
    for server in existing or []:
        by_name.setdefault(server.get('name'), []).append(server)
    targets = [(s.get('name'), s) for s in servers or []] + [(str(ref), None) for ref in missing or []]
    decisions = []
    for ref, server in targets:
        backups, problem = _backups_for(ref, list(images or []), policy, server and server.get('id'))
        chosen, why = (None, problem) if problem else choose_backup(backups, backup)
        record = read_record(chosen) if chosen else None
        decision = {
            'server': ref if server is None else server.get('name'),
            'server_id': server.get('id') if server else image_property(chosen or {}, LABEL_SERVER) or '',
            'mode': 'in place' if in_place else 'new server',
            'image': (chosen or {}).get('name') or '',
            'image_id': (chosen or {}).get('id') or '',
            'backup_created_at': (chosen or {}).get('created_at') or '',
            'new_server': '',
        }
        if chosen is None and server is None and not backups and not problem:
            why = 'no server and no backup matches %s' % ref
        source = _restored_from(server, images) if chosen is None and not backups else None
        if source is not None:
            # A server an earlier restore made: it carries the metadata of the server it stands in for, so
            # the same selection chooses it again.
            reason = 'a restore of %s from backup %s, with no backup of its own' % (
                (read_record(source) or {}).get('name') or image_property(source, LABEL_SERVER),
                source.get('name'),
            )
            decisions.append(dict(decision, action=SKIP, result='skipped', reason=reason))
            continue
        if chosen is None:
            decisions.append(
                dict(decision, action=FAIL, reason='%s%s' % (why, ' under policy %s' % policy if policy else ''))
            )
            continue
        if in_place:
            decisions.append(_plan_in_place(decision, server, chosen, record))
        else:
            decisions.append(_plan_new(decision, chosen, record, overrides, suffix, by_name))
    return decisions


def _plan_in_place(decision: dict, server: dict, chosen: dict, record: dict) -> dict:
    if server is None:
        return dict(decision, action=FAIL, reason='the server no longer exists; restore it as a new server')
    if is_volume_backed(server) or is_volume_backup(chosen, record):
        return dict(decision, action=FAIL, reason='%s %s' % (server.get('name'), IN_PLACE_VOLUME_REFUSAL))
    if image_id_of(server) == chosen.get('id'):
        return dict(decision, action=SKIP, result='already restored', reason='it runs backup %s' % chosen.get('name'))
    if server.get('status') not in REBUILD_STATUSES:
        return dict(
            decision,
            action=FAIL,
            reason='status %s: Nova rebuilds only %s servers' % (server.get('status'), ', '.join(REBUILD_STATUSES)),
        )
    if server.get('task_state'):
        return dict(decision, action=FAIL, reason='busy with %s' % server.get('task_state'))
    item = {'name': server.get('name'), 'id': server.get('id'), 'image': chosen.get('id')}
    item['rebuild_on_image_change'] = True
    return dict(decision, action='rebuild', detail='from %s' % chosen.get('name'), _item=item)


def _plan_new(decision: dict, chosen: dict, record: dict, overrides: dict, suffix: str, by_name: dict) -> dict:
    name = '%s%s' % ((record or {}).get('name') or decision['server'], suffix or '')
    decision = dict(decision, new_server=name)
    settings = _settings(record, overrides)
    lacking = [k for k in ('flavor', 'networks') if not settings[k]]
    if lacking:
        return dict(
            decision,
            action=FAIL,
            reason='backup %s records no %s (it was made before the backup role recorded them); give %s'
            % (chosen.get('name'), ' or '.join(lacking), ' and '.join('restore_%s' % k for k in lacking)),
        )
    same = by_name.get(name) or []
    if len(same) == 1 and image_id_of(same[0]) == chosen.get('id'):
        return dict(
            decision,
            action=SKIP,
            result='already restored',
            new_server_id=same[0].get('id'),
            reason='%s runs backup %s' % (name, chosen.get('name')),
        )
    if same:
        return dict(
            decision,
            action=FAIL,
            reason='a server named %s exists already (%s) and does not run backup %s; choose another '
            'restore_suffix or delete it' % (name, ', '.join(sorted(s.get('id') for s in same)), chosen.get('name')),
        )
    # A backup of a volume-backed server is enough as the image: Nova makes the new server's volumes from the
    # Cinder snapshots the image maps, as the mapping says (size, device, delete on termination).
    item = dict((k, v) for k, v in settings.items() if v not in (None, [], {}))
    item.update(name=name, image=chosen.get('id'))
    where = '%s on %s' % (settings['flavor'], ', '.join(settings['networks']))
    snapshots = snapshot_ids(chosen)
    if snapshots:
        where += '; new volumes from volume snapshot%s %s' % ('s' if len(snapshots) > 1 else '', ', '.join(snapshots))
    detail = 'as %s from %s (%s)' % (name, chosen.get('name'), where)
    return dict(decision, action='create', detail=detail, _item=item)


# ---------------------------------------------------------------------------------------------- outcomes


def restore_outcomes(batch: list, answered: dict, check: bool = False) -> list:
    """What the servers task did for each server of a batch."""
    outcomes = []
    for decision, result in zip(batch, item_results(len(batch), answered, 'servers'), strict=True):
        result = result or {'failed': True, 'msg': 'not sent'}
        out = {'server_id': decision.get('server_id'), 'changes': list(result.get('changes') or [])}
        if decision.get('action') == 'create':
            out['new_server_id'] = result.get('id') or ''
        if result.get('failed'):
            out.update(outcome='failed', result='failed', reason=str(result.get('msg') or 'unknown error'))
        elif not result.get('changed'):
            out.update(outcome='skipped', result='already restored', reason='nothing to change')
        else:
            out.update(outcome='done', result='would restore' if check else 'restored')
        outcomes.append(out)
    return outcomes
