# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: pure decisions about images made from servers (no SDK, no clock)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses
import datetime

from ansible_collections.stackops.compute.plugins.module_utils._retention import (
    image_property,
    is_protected,
    parse_time,
)
from ansible_collections.stackops.compute.plugins.module_utils._volumes import (
    attached_ids,
    is_volume_backed,
    plan_snapshot_deletes,
    snapshot_changes,
    snapshot_ids,
    snapshot_refs,
)

# Labels: image properties this collection writes, so that it can later recognise its own images.
LABEL_CREATED_BY = 'stackops_created_by'
LABEL_SERVER = 'stackops_server'
LABEL_POLICY = 'stackops_policy'
CREATED_BY = 'stackops.compute'

# Properties Nova writes on the images it makes. Nova lets createImage metadata override them, which
# would make an image lie about its origin: the module refuses them.
NOVA_PROPERTIES = ('backup_type', 'base_image_ref', 'image_type', 'instance_uuid', 'owner_id', 'user_id')
# Attributes of the image itself in Glance's image API v2 (its schema's base properties). A property of
# one of these names would not be a label: on an existing image the JSON patch would change the attribute
# (publish the image, rename it, unprotect it). Glance also reserves names starting with os_glance_.
GLANCE_ATTRIBUTES = (
    'checksum',
    'container_format',
    'created_at',
    'direct_url',
    'disk_format',
    'file',
    'id',
    'locations',
    'min_disk',
    'min_ram',
    'name',
    'os_hash_algo',
    'os_hash_value',
    'os_hidden',
    'owner',
    'protected',
    'schema',
    'self',
    'size',
    'status',
    'stores',
    'tags',
    'updated_at',
    'virtual_size',
    'visibility',
)
GLANCE_RESERVED_PREFIX = 'os_glance_'

# Nova takes an image of a server in these states only (compute API check_instance_state).
SNAPSHOT_STATUSES = ('ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED')

# Glance statuses an image never comes back from.
FAILED_STATUSES = ('killed', 'deleted', 'pending_delete', 'deactivated')

# Fields a person compares in a diff (volatile ones such as updated_at or size are left out).
VIEW_FIELDS = (
    'id',
    'name',
    'status',
    'image_type',
    'backup_type',
    'instance_uuid',
    'owner',
    'is_protected',
    'visibility',
)


# ---------------------------------------------------------------------------------------------- labels


def provenance_labels(server_id):
    """The labels every image made by server_image carries."""
    return {LABEL_CREATED_BY: CREATED_BY, LABEL_SERVER: server_id}


def policy_labels(policy_name, server_id):
    labels = provenance_labels(server_id)
    labels[LABEL_POLICY] = policy_name
    return labels


def rotation_match(policy_name, server_id, project_id):
    """What an image must carry for a rotation to delete it: our labels, Nova's word, our project.

    ``instance_uuid`` is checked besides our ``stackops_server`` because a server booted from a backup
    inherits the backup's properties, labels included, and its own snapshots would carry them.
    """
    match = policy_labels(policy_name, server_id)
    match['instance_uuid'] = server_id
    match['owner'] = project_id
    return match


def check_metadata(metadata):
    """Image properties from the task, as text; Nova's own keys and Glance's attributes are refused
    (ValueError)."""
    out = dict((str(k), '' if v is None else str(v)) for k, v in (metadata or {}).items())
    reserved = sorted(k for k in out if k in NOVA_PROPERTIES)
    if reserved:
        raise ValueError(
            'metadata must not set %s: Nova writes %s itself to say where the image comes from.'
            % (', '.join(reserved), 'it' if len(reserved) == 1 else 'them')
        )
    glance = sorted(k for k in out if k in GLANCE_ATTRIBUTES or k.startswith(GLANCE_RESERVED_PREFIX))
    if glance:
        raise ValueError(
            'metadata must not set %s: %s Glance attribute%s of the image, not %s, and this module only sets '
            'properties%s.'
            % (
                ', '.join(glance),
                'it is a' if len(glance) == 1 else 'they are',
                '' if len(glance) == 1 else 's',
                'a property' if len(glance) == 1 else 'properties',
                ' (protected has an option of its own)' if 'protected' in glance else '',
            )
        )
    return out


# ---------------------------------------------------------------------------------------------- views


def present_image(image):
    """The image users see: every attribute the SDK returns, plus image_type and backup_type."""
    if image is None:
        return None
    shown = dict(image)
    shown['image_type'] = image_property(image, 'image_type')
    shown['backup_type'] = image_property(image, 'backup_type')
    shown['is_protected'] = is_protected(image)
    # The Cinder snapshots an image of a volume-backed server boots from ([] for other images).
    shown['volume_snapshots'] = snapshot_refs(image)
    return shown


def image_view(image):
    """The fields of an image that a diff compares, with its custom properties."""
    if image is None:
        return None
    shown = present_image(image)
    view = dict((k, shown.get(k)) for k in VIEW_FIELDS)
    view['properties'] = dict(
        sorted(
            (k, v)
            for k, v in (image.get('properties') or {}).items()
            if k not in ('image_type', 'backup_type', 'block_device_mapping')
        )
    )
    view['volume_snapshots'] = snapshot_ids(image)
    return view


def is_made_from_server(image):
    """Nova's instance_uuid says so; an image of a volume-backed server made elsewhere lacks it (Nova writes
    it only on images it uploads), but its mapping of Cinder snapshots says so too."""
    return bool(image_property(image, 'instance_uuid')) or bool(snapshot_refs(image))


# ---------------------------------------------------------------------------------------------- finding


@dataclasses.dataclass(frozen=True)
class Criteria(object):
    """Which images made from servers an info request wants. None means any."""

    server_id: str = None
    name: str = None
    image_type: str = None
    backup_type: str = None
    properties: dict = None
    created_after: datetime.datetime = None
    created_before: datetime.datetime = None


def _seconds(params, option, parse_duration):
    try:
        return parse_duration(params[option])
    except ValueError as exc:
        raise ValueError('%s: %s' % (option, exc))


def criteria_from(params, server_id, now, parse_duration):
    """Criteria from server_image_info params; ``now`` turns newer_than / older_than into times."""
    created_after = created_before = None
    if params.get('newer_than') not in (None, ''):
        created_after = now - datetime.timedelta(seconds=_seconds(params, 'newer_than', parse_duration))
    if params.get('older_than') not in (None, ''):
        created_before = now - datetime.timedelta(seconds=_seconds(params, 'older_than', parse_duration))
    properties = None
    if params.get('properties'):
        properties = dict((str(k), str(v)) for k, v in params['properties'].items())
    return Criteria(
        server_id=server_id,
        name=params.get('name'),
        image_type=params.get('image_type'),
        backup_type=params.get('backup_type'),
        properties=properties,
        created_after=created_after,
        created_before=created_before,
    )


def _glance_time(when):
    return when.strftime('%Y-%m-%dT%H:%M:%SZ')


def glance_query(criteria):
    """Glance v2 list filters for the criteria: properties are matched by Glance itself.

    Glance treats any query key that is not one of its own as an exact property match, so the
    server, the image type and the labels narrow the list on the server side, newest first.
    """
    query = {'sort_key': 'created_at', 'sort_dir': 'desc'}
    if criteria.server_id:
        query['instance_uuid'] = criteria.server_id
    if criteria.name:
        query['name'] = criteria.name
    if criteria.image_type:
        query['image_type'] = criteria.image_type
    if criteria.backup_type:
        query['backup_type'] = criteria.backup_type
    for key, value in sorted((criteria.properties or {}).items()):
        query.setdefault(key, value)
    created = []
    if criteria.created_after is not None:
        created.append('gte:' + _glance_time(criteria.created_after))
    if criteria.created_before is not None:
        created.append('lt:' + _glance_time(criteria.created_before))
    if created:
        # Glance takes one created_at filter: the other bound is checked in matches().
        query['created_at'] = created[0]
    return query


def matches(image, criteria):
    """Whether an image answers the criteria; checked again here whatever the cloud filtered."""
    if not is_made_from_server(image):
        return False
    wanted = dict(criteria.properties or {})
    for key in ('image_type', 'backup_type'):
        if getattr(criteria, key):
            wanted[key] = getattr(criteria, key)
    if criteria.server_id:
        wanted['instance_uuid'] = criteria.server_id
    for key, value in wanted.items():
        have = image_property(image, key)
        if have is None or str(have) != str(value):
            return False
    if criteria.name is not None and image.get('name') != criteria.name:
        return False
    created = parse_time(image.get('created_at'))
    if criteria.created_after is not None and (created is None or created < criteria.created_after):
        return False
    if criteria.created_before is not None and (created is None or created >= criteria.created_before):
        return False
    return True


def newest_first(images):
    return sorted(images, key=lambda i: (str(i.get('created_at') or ''), str(i.get('id') or '')), reverse=True)


# ---------------------------------------------------------------------------------------------- planning


@dataclasses.dataclass(frozen=True)
class Desired(object):
    """What a server_image task asks for."""

    state: str = 'present'
    name: str = None
    image_id: str = None
    backup_type: str = None
    rotation: int = None
    metadata: dict = None  # None: unmanaged
    protected: bool = None  # Glance's protected flag; None: unmanaged
    wait: bool = True


@dataclasses.dataclass(frozen=True)
class ImagePlan(object):
    action: str  # create | update | delete | none
    before: dict = None
    after: dict = None
    changes: tuple = ()
    kind: str = None  # snapshot | backup, for create
    create_metadata: dict = None  # createImage / createBackup metadata (labels included)
    update_properties: dict = None  # properties to set on an existing image
    nova_rotation: tuple = ()  # backups Nova is expected to delete after createBackup
    protect: bool = None  # Glance's protected flag to set (after a create or update, before a delete)
    volume_snapshots: tuple = ()  # delete: what happens to each Cinder snapshot the image references
    warnings: tuple = ()

    @property
    def changed(self):
        return self.action != 'none'


def desired_from_params(params):
    metadata = None
    if params.get('metadata') is not None:
        metadata = check_metadata(params['metadata'])
    rotation = params.get('rotation')
    if params.get('backup_type') and rotation is None:
        raise ValueError(
            'rotation is required with backup_type: Nova deletes the oldest backups of that type beyond it.'
        )
    if rotation is not None and not params.get('backup_type'):
        raise ValueError('rotation needs backup_type: only backups are rotated by Nova.')
    return Desired(
        state=params.get('state') or 'present',
        name=params.get('name'),
        image_id=params.get('id'),
        backup_type=params.get('backup_type'),
        rotation=rotation,
        metadata=metadata,
        protected=params.get('protected'),
        wait=params.get('wait', True) is not False,
    )


def predicted_image(desired, server, project_id):
    """What createImage / createBackup will make (check mode has no real image to show)."""
    kind = 'backup' if desired.backup_type else 'snapshot'
    properties = dict(desired.metadata or {})
    properties.update(provenance_labels(server['id']))
    properties['image_type'] = kind
    if desired.backup_type:
        properties['backup_type'] = desired.backup_type
    return dict(
        id=None,
        name=desired.name,
        status='active' if desired.wait else 'queued',
        instance_uuid=server['id'],
        owner=project_id,
        is_protected=bool(desired.protected),
        visibility='private',
        created_at=None,
        properties=properties,
        image_type=kind,
        backup_type=desired.backup_type,
    )


def nova_rotation_victims(backups, rotation):
    """The backups Nova deletes after one more backup: all but the newest ``rotation - 1`` of that type."""
    ordered = newest_first(backups)
    return tuple(i['id'] for i in ordered[max(rotation - 1, 0) :])


def backup_label(image):
    return '%s (%s)' % (image.get('name'), image.get('id') or 'new')


def rotation_diff(backups, victims, new, rotation=1):
    """The server's backups of one type before and after one more backup and Nova's rotation, newest
    first, as "name (id)": what ``--diff`` shows of a rotation (pure). With a rotation below 1, Nova
    deletes the new backup too."""
    ordered = newest_first(backups)
    before = [backup_label(i) for i in ordered]
    kept = [backup_label(new)] if rotation >= 1 else []
    after = kept + [backup_label(i) for i in ordered if i['id'] not in victims]
    return before, after


def plan_image(found, desired, server=None, project_id=None, backups=(), others=(), snapshots=None):
    """Decide what to do with the images ``found`` under the task's name (or ID).

    ``server`` is the server dict (needed to create), ``backups`` the existing backups of the same
    backup_type of that server (to say what Nova's rotation will delete). To delete an image of a
    volume-backed server, ``others`` are the other images the caller sees and ``snapshots`` what Cinder
    says of each snapshot the image references ({ID: snapshot}; missing: gone). Raises ValueError with one
    line when the task cannot be done.
    """
    found = list(found or [])
    if len(found) > 1:
        ids = sorted(i['id'] for i in found)
        raise ValueError(
            '%d images of server %s are named %r: %s. Give the image ID instead.'
            % (len(found), (server or {}).get('id') or found[0].get('instance_uuid'), desired.name, ', '.join(ids))
        )
    current = found[0] if found else None
    if desired.state == 'absent':
        return _plan_delete(current, desired, others, snapshots or {})
    if current is not None:
        return _plan_existing(current, desired)
    return _plan_create(desired, server, project_id, backups)


def _plan_delete(current, desired, others=(), snapshots=None):
    if current is None:
        return ImagePlan(action='none')
    if not is_made_from_server(current):
        raise ValueError(
            'Image %s (%s) was not made from a server; server_image deletes snapshots and backups '
            'only.' % (current.get('name'), current['id'])
        )
    changes = []
    protect = None
    if is_protected(current):
        if desired.protected is not False:
            raise ValueError(
                'Image %s (%s) is protected; add protected=false to unprotect and delete it in one task.'
                % (current.get('name'), current['id'])
            )
        protect = False
        changes.append('unprotect image %s (%s)' % (current.get('name'), current['id']))
    # Its Cinder snapshots go first: when one cannot be deleted, the image stays and still names them.
    volume_snapshots = plan_snapshot_deletes(current, others, snapshots or {})
    changes.extend(snapshot_changes(volume_snapshots, current))
    changes.append('delete image %s (%s)' % (current.get('name'), current['id']))
    return ImagePlan(
        action='delete',
        before=current,
        after=None,
        changes=tuple(changes),
        protect=protect,
        volume_snapshots=tuple(volume_snapshots),
    )


def _plan_existing(current, desired):
    status = current.get('status')
    if status in FAILED_STATUSES:
        raise ValueError(
            'Image %s (%s) exists but is %s; delete it (state=absent) or choose another name.'
            % (current.get('name'), current['id'], status)
        )
    warnings = []
    kind = image_property(current, 'image_type')
    if desired.backup_type and (kind != 'backup' or image_property(current, 'backup_type') != desired.backup_type):
        has = '%s backup' % image_property(current, 'backup_type') if kind == 'backup' else kind or 'image'
        warnings.append(
            'image %s (%s) already exists as a %s; it is reported as it is and no %s backup is made'
            % (current.get('name'), current['id'], has, desired.backup_type)
        )
    update = {}
    if desired.metadata:
        props = dict((k, v) for k, v in (current.get('properties') or {}).items())
        for key, value in desired.metadata.items():
            have = image_property(current, key)
            if have is None or str(have) != value:
                update[key] = value
                props[key] = value
    protect = None
    if desired.protected is not None and desired.protected != is_protected(current):
        protect = desired.protected
    if not update and protect is None:
        return ImagePlan(action='none', before=current, after=current, warnings=tuple(warnings))
    after = dict(current)
    changes = []
    if update:
        after['properties'] = props
        changes.append('set properties %s' % ', '.join(sorted(update)))
    if protect is not None:
        after['is_protected'] = protect
        changes.append('%s image %s (%s)' % ('protect' if protect else 'unprotect', current.get('name'), current['id']))
    return ImagePlan(
        action='update',
        before=current,
        after=after,
        update_properties=update or None,
        protect=protect,
        changes=tuple(changes),
        warnings=tuple(warnings),
    )


def _plan_create(desired, server, project_id, backups):
    if not desired.name:
        raise ValueError('name is required to make an image.')
    if server is None:
        raise ValueError('server is required to make an image.')
    status = server.get('status')
    if status not in SNAPSHOT_STATUSES:
        raise ValueError(
            'Nova cannot take an image of server %s while it is %s; it needs one of %s.'
            % (server.get('name') or server['id'], status, ', '.join(SNAPSHOT_STATUSES))
        )
    if server.get('task_state'):
        raise ValueError(
            'Server %s is busy (%s); Nova takes an image only when no task runs.'
            % (server.get('name') or server['id'], server['task_state'])
        )
    metadata = dict(desired.metadata or {})
    metadata.update(provenance_labels(server['id']))
    kind = 'backup' if desired.backup_type else 'snapshot'
    changes = [
        '%s server %s into image %s'
        % ('back up' if kind == 'backup' else 'snapshot', server.get('name') or server['id'], desired.name)
    ]
    if is_volume_backed(server):
        if kind == 'backup':
            raise ValueError(
                'Nova does not back up server %s: it boots from a volume, and createBackup refuses such servers. '
                'Leave out backup_type and rotation to make a snapshot (Nova keeps a Cinder snapshot of each of '
                'its volumes), and rotate snapshots with the rotate role.' % (server.get('name') or server['id'])
            )
        # Nova writes neither on the image of a volume-backed server; they say where it comes from as
        # they do for every other snapshot, so that finding and rotating images works the same.
        metadata.update(instance_uuid=server['id'], image_type='snapshot')
        count = len(attached_ids(server))
        changes.append(
            'Nova makes a Cinder snapshot of each of its %d volume%s, which the image references'
            % (count, '' if count == 1 else 's')
        )
    victims = ()
    if kind == 'backup':
        victims = nova_rotation_victims(backups, desired.rotation)
        if victims:
            changes.append(
                'Nova rotation (%s, rotation %d) deletes %s'
                % (desired.backup_type, desired.rotation, ', '.join(victims))
            )
    if desired.protected:
        changes.append('protect image %s' % desired.name)
    return ImagePlan(
        action='create',
        before=None,
        after=predicted_image(desired, server, project_id),
        changes=tuple(changes),
        kind=kind,
        create_metadata=metadata,
        nova_rotation=victims,
        protect=True if desired.protected else None,
    )
