# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the volumes of a server - what the read step looks up, and attach and detach.

The decisions are in ``_volumes.py``; this file reads what they need (the volumes a task names, Nova's record
of a server's attachments) and carries out the plan: Nova attaches and detaches, and the wait is over when
Cinder says the volume is ``in-use`` (``reserved`` for a shelved offloaded server) or no longer attached.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._volumes import (
    BOOT_OPTIONS,
    attach_failure,
    attached_ids,
    boot_mapping,
    boot_option_error,
    detach_failure,
    is_attached,
    is_detached,
    root_on_volume,
    with_attached_volumes,
)

# The server module's options for volumes (openstack.cloud's names).
VOLUME_OPTIONS = dict(
    boot_from_volume=dict(type='bool'),
    boot_volume=dict(type='str', aliases=['root_volume']),
    purge_volumes=dict(type='bool', default=False),
    terminate_volume=dict(type='bool'),
    volume_size=dict(type='int'),
    volumes=dict(type='list', elements='str'),
)


def check_boot_options(params):
    """Fail with one line, before any request, when the boot options cannot work together."""
    error = boot_option_error(params)
    if error:
        raise ComputeError(error)


# ---------------------------------------------------------------------------------------------- read


def resolve_volumes(cloud, params, current, image_id=None):
    """What the planner needs about volumes: the volumes ``volumes`` names, Nova's attachments of an existing
    server when ``purge_volumes`` may detach, and for a new server the block device mapping the boot options
    and the volumes make."""
    resolved = {}
    refs = params.get('volumes')
    if refs is not None:
        have = attached_ids(current)
        volumes = []
        for ref in refs:
            # An ID the server already has needs no lookup; a name does (it may name another volume).
            volume = {'id': ref} if ref in have else cloud.find_volume(ref)
            if volume['id'] not in [v['id'] for v in volumes]:
                volumes.append(volume)
        resolved['volumes'] = volumes
        listed = set(v['id'] for v in volumes)
        if current is not None and params.get('purge_volumes') and set(have) - listed:
            # Which unlisted volume is the root disk (never detached) shows in the attachments' devices.
            resolved['volume_attachments'] = cloud.list_volume_attachments(current['id'])
    if current is None:
        boot_volume = cloud.find_volume(params['boot_volume']) if params.get('boot_volume') else None
        mapping = params.get('block_device_mapping') or boot_mapping(
            params, image_id, boot_volume['id'] if boot_volume else None
        )
        volume_ids = [v['id'] for v in resolved.get('volumes') or ()]
        if volume_ids or any(params.get(o) not in (None, False) for o in BOOT_OPTIONS):
            root_image = None if root_on_volume(mapping) else image_id
            resolved['block_device_mapping'] = with_attached_volumes(mapping, volume_ids, root_image)
        if boot_volume is not None:
            resolved['boot_volume'] = boot_volume
    return resolved


# ---------------------------------------------------------------------------------------------- apply


def wait_attached(cloud, server, volume_id, timeout):
    server_id = server['id']
    return cloud.wait_for_volume(
        volume_id,
        lambda v: is_attached(v, server_id, server.get('status')),
        lambda v: attach_failure(v, server_id),
        timeout=timeout,
    )


def wait_detached(cloud, server, volume_id, timeout):
    server_id = server['id']
    return cloud.wait_for_volume(
        volume_id,
        lambda v: is_detached(v, server_id),
        lambda v: detach_failure(v, server_id),
        timeout=timeout,
    )


def attach(cloud, server, volume_id, device=None, wait=True, timeout=600):
    """Ask Nova to attach the volume; with ``wait``, return once Cinder shows it attached."""
    cloud.attach_volume(server['id'], volume_id, device)
    return wait_attached(cloud, server, volume_id, timeout) if wait else None


def detach(cloud, server, volume_id, wait=True, timeout=600):
    """Ask Nova to detach the volume; with ``wait``, return once Cinder no longer shows it attached."""
    cloud.detach_volume(server['id'], volume_id)
    return wait_detached(cloud, server, volume_id, timeout) if wait else None


def apply_attachments(module, plan, server):
    """The server module's attach and detach: every request first, then the waits."""
    cloud = module.cloud
    wait = module.params.get('wait', True)
    timeout = module.params.get('timeout') or 600
    for volume in plan.volumes_attach:
        cloud.attach_volume(server['id'], volume['id'])
    for volume_id in plan.volumes_detach:
        cloud.detach_volume(server['id'], volume_id)
    if wait:
        try:
            for volume in plan.volumes_attach:
                wait_attached(cloud, server, volume['id'], timeout)
            for volume_id in plan.volumes_detach:
                wait_detached(cloud, server, volume_id, timeout)
        except ComputeError as exc:
            # Nova accepted the requests: the task changed the server, whatever the wait found.
            raise ComputeError(
                'Server %s: %s' % (server.get('name') or server['id'], exc.msg), server_id=server['id'], changed=True
            )
    return cloud.get_server(server['id']) or server
