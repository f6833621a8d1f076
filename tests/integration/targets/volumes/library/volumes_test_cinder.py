#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only: what the volumes target needs of Cinder, Glance and Nova that the collection has no module for.

- ``state``: the project's volumes and volume snapshots, read straight from Cinder (the target compares them
  before and after each step: nothing made, nothing gone that should not be);
- ``volume`` / ``volume_absent``: make a volume (empty, or from an image) and wait until it is available, or
  delete it;
- ``flavor`` / ``flavor_absent``: a flavor (admin cloud), for the 0 GB disk case;
- ``image``: a Glance image whose block device mapping names given Cinder snapshots, as a copy of an image of a
  volume-backed server would (for the case of a snapshot two images share);
- ``cleanup``: everything named with the run's prefix (servers, images, volume snapshots, volumes, flavors),
  whatever state the run left it in.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

from ansible.module_utils.basic import AnsibleModule


def wait(read, done, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        found = read()
        if done(found):
            return found
        if time.monotonic() > deadline:
            raise RuntimeError('timed out; last seen %r' % (found,))
        time.sleep(0.5)


def volume_dict(volume):
    return dict(
        id=volume.id,
        name=volume.name,
        status=volume.status,
        size=volume.size,
        servers=sorted(a.get('server_id') for a in volume.attachments or ()),
    )


def cleanup(conn, prefix, admin_cloud):
    """Delete what carries ``prefix``: servers first (their volumes are then free), images, the snapshots
    named for them, volumes, and (with the admin cloud) flavors."""
    import openstack

    removed = []
    servers = [s for s in conn.compute.servers() if (s.name or '').startswith(prefix)]
    # Nova made the root volumes of servers booted from a new volume; they carry no name.
    theirs = set(a['id'] for s in servers for a in s.attached_volumes or ())
    for server in servers:
        conn.compute.delete_server(server)
        removed.append('server %s' % server.name)
    for server in servers:
        wait(lambda server=server: conn.compute.find_server(server.id), lambda s: s is None, 300)
    for image in conn.image.images():
        if (image.name or '').startswith(prefix):
            conn.image.delete_image(image, ignore_missing=True)
            removed.append('image %s' % image.name)
    for snapshot in conn.block_storage.snapshots(details=True):
        if (snapshot.name or '').startswith((prefix, 'snapshot for ' + prefix)):
            conn.block_storage.delete_snapshot(snapshot, ignore_missing=True)
            removed.append('snapshot %s' % snapshot.id)
    for volume in conn.block_storage.volumes(details=True):
        if (volume.name or '').startswith(prefix) or volume.id in theirs:
            # Cinder takes volume_id as a snapshot filter only where its resource_filters allow it: filter here.
            wait(
                lambda volume=volume: [s for s in conn.block_storage.snapshots() if s.volume_id == volume.id],
                lambda s: not s,
                120,
            )
            current = wait(
                lambda volume=volume: conn.block_storage.find_volume(volume.id),
                lambda v: v is None or v.status not in ('detaching', 'attaching', 'reserved', 'in-use'),
                120,
            )
            if current is not None and current.status != 'deleting':
                conn.block_storage.delete_volume(current, ignore_missing=True)
                removed.append('volume %s' % (volume.name or volume.id))
    if admin_cloud:
        admin = openstack.connect(cloud=admin_cloud)
        for flavor in admin.compute.flavors():
            if flavor.name.startswith(prefix):
                admin.compute.delete_flavor(flavor)
                removed.append('flavor %s' % flavor.name)
    return removed


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cloud=dict(type='str', required=True),
            what=dict(
                type='str',
                required=True,
                choices=['state', 'volume', 'volume_absent', 'flavor', 'flavor_absent', 'image', 'cleanup'],
            ),
            name=dict(type='str'),
            size=dict(type='int', default=1),
            image=dict(type='str'),
            snapshots=dict(type='list', elements='str', default=[]),
            admin_cloud=dict(type='str'),
        ),
    )
    import openstack

    params = module.params
    conn = openstack.connect(cloud=params['cloud'])
    what = params['what']
    if what == 'state':
        volumes = [volume_dict(v) for v in conn.block_storage.volumes(details=True)]
        snapshots = [
            dict(id=s.id, name=s.name, status=s.status, volume_id=s.volume_id)
            for s in conn.block_storage.snapshots(details=True)
        ]
        module.exit_json(
            changed=False,
            volumes=sorted(volumes, key=lambda v: v['id']),
            snapshots=sorted(snapshots, key=lambda s: s['id']),
        )
    if what == 'volume':
        found = conn.block_storage.find_volume(params['name'])
        if found is None:
            kwargs = dict(name=params['name'], size=params['size'])
            if params['image']:
                kwargs['image_id'] = conn.image.find_image(params['image'], ignore_missing=False).id
            found = conn.block_storage.create_volume(**kwargs)
        volume = wait(lambda: conn.block_storage.get_volume(found.id), lambda v: v.status in ('available', 'error'))
        if volume.status != 'available':
            module.fail_json(msg='volume %s ended %s' % (volume.id, volume.status))
        module.exit_json(changed=True, volume=volume_dict(volume))
    if what == 'volume_absent':
        found = conn.block_storage.find_volume(params['name'])
        if found is not None:
            conn.block_storage.delete_volume(found)
            wait(lambda: conn.block_storage.find_volume(found.id), lambda v: v is None)
        module.exit_json(changed=found is not None)
    if what == 'flavor':
        found = conn.compute.find_flavor(params['name'])
        if found is None:
            found = conn.compute.create_flavor(name=params['name'], ram=128, vcpus=1, disk=0)
        module.exit_json(changed=True, id=found.id)
    if what == 'flavor_absent':
        found = conn.compute.find_flavor(params['name'])
        if found is not None:
            conn.compute.delete_flavor(found)
        module.exit_json(changed=found is not None)
    if what == 'cleanup':
        module.exit_json(changed=True, removed=cleanup(conn, params['name'], params['admin_cloud']))
    mapping = [
        dict(source_type='snapshot', destination_type='volume', snapshot_id=s, boot_index=0 if n == 0 else None)
        for n, s in enumerate(params['snapshots'])
    ]
    image = conn.image.create_image(
        name=params['name'],
        disk_format='raw',
        container_format='bare',
        block_device_mapping=json.dumps(mapping),
        bdm_v2='True',
    )
    module.exit_json(changed=True, id=image.id)


if __name__ == '__main__':
    main()
