# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: read and apply steps of server_image and server_image_info."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._images import (
    Criteria,
    criteria_from,
    desired_from_params,
    glance_query,
    image_view,
    matches,
    newest_first,
    plan_image,
    present_image,
    rotation_diff,
)
from ansible_collections.stackops.compute.plugins.module_utils._retention import image_property, parse_duration
from ansible_collections.stackops.compute.plugins.module_utils._retry import create_once, delete_checked
from ansible_collections.stackops.compute.plugins.module_utils._sdk import is_ambiguous_failure, is_uuid
from ansible_collections.stackops.compute.plugins.module_utils._volumes import (
    VOLUME_FAILED,
    snapshot_refs,
    with_snapshot_states,
)
from ansible_collections.stackops.compute.plugins.module_utils._wait import CHANGE_DELAY

# Glance statuses on the way to active: an existing image in one of them is waited for.
PENDING_STATUSES = ('queued', 'saving', 'importing', 'uploading')

# Checks of server_image's options beyond their types, for the module and for each item of server_images.
SERVER_IMAGE_REQUIRED_IF = [('state', 'present', ('server', 'name'))]
SERVER_IMAGE_REQUIRED_TOGETHER = [('backup_type', 'rotation')]


def server_image_argument_spec():
    """The options of server_image (besides connection, wait and timeout)."""
    return dict(
        backup_type=dict(type='str'),
        id=dict(type='str'),
        metadata=dict(type='dict', aliases=['properties']),
        name=dict(type='str'),
        protected=dict(type='bool', aliases=['is_protected']),
        rotation=dict(type='int'),
        server=dict(type='str'),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
    )


# ---------------------------------------------------------------------------------------------- read


def find_server(cloud, ref, required=True):
    """The server a task names, or a stand-in {'id'} when only its ID is known (it may be gone)."""
    server = cloud.find_server(ref)
    if server is not None:
        return server
    if is_uuid(ref) and not required:
        return {'id': ref}
    raise ComputeError('No server %s %r.' % ('has ID' if is_uuid(ref) else 'is named', ref))


def find_images(cloud, criteria):
    """Images answering the criteria, newest first: filtered by Glance, checked again here."""
    return newest_first([i for i in cloud.list_images_where(glance_query(criteria)) if matches(i, criteria)])


def find_current(cloud, params, server):
    """The images the task's name (or ID) points at: a list, so that duplicates can be reported."""
    if params.get('id'):
        image = cloud.get_image(params['id'])
        if image is None:
            return []
        made_from = image_property(image, 'instance_uuid')
        if server is not None and made_from and made_from != server['id']:
            raise ComputeError(
                'Image %s (%s) was made from server %s, not from %s.'
                % (image.get('name'), image['id'], made_from, server.get('name') or server['id'])
            )
        return [image]
    return find_images(cloud, Criteria(server_id=server['id'], name=params['name']))


def read_snapshots(cloud, image):
    """What deleting ``image`` needs to know of its Cinder snapshots: every other image the caller sees (one
    listing, only for an image that references snapshots) and each snapshot as Cinder has it."""
    refs = snapshot_refs(image)
    if not refs:
        return (), {}
    others = [i for i in cloud.list_images() if i.get('id') != image['id']]
    found = {}
    for ref in refs:
        snapshot = cloud.get_volume_snapshot(ref['id'])
        if snapshot is not None:
            found[ref['id']] = snapshot
    return others, found


def snapshot_states(cloud, images):
    """Each image's ``volume_snapshots`` with Cinder's status: one listing of snapshots for all the images,
    none when no image references any."""
    if not any(snapshot_refs(i) for i in images):
        return images
    snapshots = dict((s['id'], s) for s in cloud.list_volume_snapshots())
    for image in images:
        image['volume_snapshots'] = with_snapshot_states(snapshot_refs(image), snapshots)
    return images


# ---------------------------------------------------------------------------------------------- apply


def _settle(module, image):
    if image is None or not module.params['wait']:
        return image
    if image.get('status') in PENDING_STATUSES:
        image = module.cloud.wait_for_image(image['id'], timeout=module.params['timeout'])
    wait_for_snapshots(module.cloud, image, module.params['timeout'])
    return image


def wait_for_snapshots(cloud, image, timeout):
    """Until every Cinder snapshot the image references is available (Nova answers while they are made);
    one that ends in error fails the task, naming it."""
    for ref in snapshot_refs(image):

        def failed(snapshot, ref=ref):
            if snapshot is None:
                return 'Volume snapshot %s of image %s disappeared while it was being made.' % (ref['id'], image['id'])
            if snapshot.get('status') in VOLUME_FAILED:
                return 'Volume snapshot %s of image %s (%s) ended %s.' % (
                    ref['id'],
                    image.get('name'),
                    image['id'],
                    snapshot['status'],
                )
            return None

        cloud.wait_for_volume_snapshot(
            ref['id'], lambda snapshot: (snapshot or {}).get('status') == 'available', failed, timeout=timeout
        )


def apply_create(module, plan, server, desired):
    cloud = module.cloud

    def create():
        if plan.kind == 'backup':
            return cloud.create_server_backup(
                server['id'], desired.name, desired.backup_type, desired.rotation, plan.create_metadata
            )
        return cloud.create_server_image(server['id'], desired.name, plan.create_metadata)

    # Nova registers the image in Glance before it answers: after a lost answer, the image of this
    # server with this name is the one the request made, and asking again would make a second one.
    what = 'image %s of server %s' % (desired.name, server.get('name') or server['id'])
    image_id, found = create_once(
        create,
        lambda: [i['id'] for i in find_images(cloud, Criteria(server_id=server['id'], name=desired.name))],
        what,
        is_ambiguous_failure,
    )
    if found:
        module.warn('The answer to creating %s was lost; found the image by name: %s.' % (what, image_id))
    if module.params['wait']:
        # Nova answers before the hypervisor has uploaded anything: the first read waits as a change's does.
        image = cloud.wait_for_image(image_id, timeout=module.params['timeout'], delay=CHANGE_DELAY)
        wait_for_snapshots(cloud, image, module.params['timeout'])
    else:
        image = cloud.get_image(image_id) or dict(plan.after, id=image_id, status='queued')
    if plan.protect:
        # Nova's requests take no protected flag: Glance's is set once the image exists.
        image = cloud.update_image(image_id, is_protected=True)
    return image


def delete_snapshots(module, plan):
    """Delete the Cinder snapshots the plan gives up, each until Cinder no longer has it. One that cannot be
    deleted stops the task before the image goes, so the image still names what is left."""
    cloud = module.cloud
    image = plan.before
    done = []
    for entry in plan.volume_snapshots:
        if entry['action'] != 'delete':
            continue
        try:
            warning = delete_checked(
                lambda entry=entry: cloud.delete_volume_snapshot(entry['id']),
                lambda entry=entry: cloud.get_volume_snapshot(entry['id']),
                'volume snapshot %s' % entry['id'],
                is_ambiguous_failure,
                gone=lambda found: 'is gone' if found is None or found.get('status') == 'deleting' else None,
            )
            if warning:
                module.warn(warning)
            cloud.wait_for_volume_snapshot(
                entry['id'],
                lambda found: found is None,
                lambda found: (
                    'it went to %s' % found['status'] if found and found.get('status') in VOLUME_FAILED else None
                ),
                timeout=module.params['timeout'],
            )
        except ComputeError as exc:
            raise ComputeError(
                'Could not delete volume snapshot %s of image %s (%s): %s Image %s was kept, so that it still names '
                'its snapshots%s.'
                % (
                    entry['id'],
                    image.get('name'),
                    image['id'],
                    exc.msg if exc.msg.endswith('.') else exc.msg + '.',
                    image['id'],
                    '; deleted before: %s' % ', '.join(done) if done else '',
                ),
                changed=bool(done),
                volume_snapshots=list(plan.volume_snapshots),
            )
        done.append(entry['id'])


def apply_delete(module, image):
    """Delete an image; when the answer is lost, read it back and say what is true, never assume."""
    cloud = module.cloud
    warning = delete_checked(
        lambda: cloud.delete_image(image['id']),
        lambda: cloud.get_image(image['id']),
        'image %s (%s)' % (image.get('name'), image['id']),
        is_ambiguous_failure,
        gone=lambda found: 'is gone' if found is None or found.get('status') == 'deleted' else None,
    )
    if warning:
        module.warn(warning)


def apply_plan(module, plan, server, desired):
    cloud = module.cloud
    if plan.action == 'create':
        return apply_create(module, plan, server, desired)
    if plan.action == 'update':
        image = plan.before
        if plan.update_properties:
            image = cloud.set_image_properties(image['id'], plan.update_properties)
        if plan.protect is not None:
            image = cloud.update_image(image['id'], is_protected=plan.protect)
        return _settle(module, image)
    if plan.action == 'delete':
        if plan.protect is False:
            cloud.update_image(plan.before['id'], is_protected=False)
        delete_snapshots(module, plan)
        apply_delete(module, plan.before)
        return None
    return _settle(module, plan.before)


# ---------------------------------------------------------------------------------------------- run


def run_server_image(module):
    params = module.params
    cloud = module.cloud
    try:
        desired = desired_from_params(params)
    except ValueError as exc:
        raise ComputeError(str(exc))
    if desired.state == 'present' and not (params.get('server') and params.get('name')):
        raise ComputeError('server and name are required to make an image (state=present).')
    if desired.state == 'absent' and not params.get('id') and not (params.get('server') and params.get('name')):
        raise ComputeError('id, or server and name, are required to delete an image (state=absent).')

    server = None
    if params.get('server'):
        server = find_server(cloud, params['server'], required=desired.state == 'present')
    found = find_current(cloud, params, server)
    others, snapshots = (), {}
    if desired.state == 'absent' and len(found) == 1:
        others, snapshots = read_snapshots(cloud, found[0])
    backups = ()
    if desired.state == 'present' and not found and desired.backup_type:
        backups = find_images(
            cloud, Criteria(server_id=server['id'], image_type='backup', backup_type=desired.backup_type)
        )
    project_id = cloud.current_project_id() if desired.state == 'present' and not found else None
    try:
        plan = plan_image(
            found, desired, server=server, project_id=project_id, backups=backups, others=others, snapshots=snapshots
        )
    except ValueError as exc:
        raise ComputeError(str(exc))
    for warning in plan.warnings:
        module.warn(warning)

    if module.check_mode:
        image = plan.after
    else:
        image = apply_plan(module, plan, server, desired)

    data = dict(changes=list(plan.changes), nova_rotation=list(plan.nova_rotation))
    if desired.state == 'present':
        data['image'] = present_image(image)
        data['id'] = (image or {}).get('id')
        if image is not None and image.get('id'):
            snapshot_states(cloud, [data['image']])
        data['volume_snapshots'] = list(data['image']['volume_snapshots'] if data['image'] else [])
    else:
        data['volume_snapshots'] = list(plan.volume_snapshots)
    diff = dict(
        before=image_view(plan.before) or {}, after=image_view(image if desired.state == 'present' else None) or {}
    )
    if plan.action == 'create' and plan.kind == 'backup':
        # What Nova's rotation deletes shows in the diff as backups of that type gone after.
        diff['before']['backups'], diff['after']['backups'] = rotation_diff(
            backups, plan.nova_rotation, image or plan.after, desired.rotation
        )
    return module.result(plan.changed, diff=diff, **data)


def run_server_image_info(module):
    params = module.params
    cloud = module.cloud
    server_id = None
    if params.get('server'):
        server_id = find_server(cloud, params['server'], required=False)['id']
    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        criteria = criteria_from(params, server_id, now, parse_duration)
    except ValueError as exc:
        raise ComputeError(str(exc))
    images = snapshot_states(cloud, [present_image(i) for i in find_images(cloud, criteria)])
    return module.result(False, images=images, project_id=cloud.current_project_id())
