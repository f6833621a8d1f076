#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only: Cinder as it really is, for the faults target (read straight, not through the proxy).

``state`` lists the volume snapshots Nova made for the run's images (named ``snapshot for <prefix>...``), each
with the images that reference it, and which of the given volumes still exist; ``cleanup`` deletes what the
run left in Cinder: those snapshots that no image references any more, then the given volumes (a root volume
Cinder kept because snapshots of it existed when its server went).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

from ansible.module_utils.basic import AnsibleModule


def references(image):
    raw = image.properties.get('block_device_mapping') if image.properties else None
    try:
        mapping = json.loads(raw) if isinstance(raw, str) else raw or []
    except ValueError:
        return []
    return [e.get('snapshot_id') for e in mapping if isinstance(e, dict) and e.get('snapshot_id')]


def run_snapshots(conn, prefix):
    """The snapshots Nova made for images named with ``prefix``, each with the images that reference it."""
    referenced = {}
    for image in conn.image.images():
        for snapshot_id in references(image):
            referenced.setdefault(snapshot_id, []).append(image.id)
    return [
        dict(id=s.id, name=s.name, status=s.status, volume_id=s.volume_id, images=referenced.get(s.id, []))
        for s in conn.block_storage.snapshots(details=True)
        if (s.name or '').startswith('snapshot for ' + prefix)
    ]


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cloud=dict(type='str', required=True),
            what=dict(type='str', required=True, choices=['state', 'cleanup']),
            prefix=dict(type='str', default=''),
            volumes=dict(type='list', elements='str', default=[]),
        ),
    )
    import openstack

    conn = openstack.connect(cloud=module.params['cloud'])
    volumes = [v for v in module.params['volumes'] if v]
    snapshots = run_snapshots(conn, module.params['prefix'])
    if module.params['what'] == 'cleanup':
        deleted = []
        for snapshot in snapshots:
            if not snapshot['images']:
                conn.block_storage.delete_snapshot(snapshot['id'], ignore_missing=True)
                deleted.append(snapshot['id'])
        for snapshot in snapshots:
            deadline = time.monotonic() + 120
            while snapshot['id'] in deleted and conn.block_storage.find_snapshot(snapshot['id']) is not None:
                if time.monotonic() > deadline:
                    module.fail_json(msg='volume snapshot %s is still there' % snapshot['id'])
                time.sleep(1)
        for volume_id in volumes:
            deadline = time.monotonic() + 120
            while True:
                volume = conn.block_storage.find_volume(volume_id)
                if volume is None or volume.status not in ('in-use', 'detaching', 'deleting'):
                    break
                if time.monotonic() > deadline:
                    module.fail_json(msg='volume %s is still %s' % (volume_id, volume.status))
                time.sleep(1)
            if volume is not None:
                conn.block_storage.delete_volume(volume)
                deleted.append(volume_id)
        module.exit_json(changed=bool(deleted), deleted=deleted)
    left = [v for v in volumes if conn.block_storage.find_volume(v) is not None]
    module.exit_json(changed=False, snapshots=snapshots, volumes_left=left)


if __name__ == '__main__':
    main()
