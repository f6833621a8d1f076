#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: server_image
short_description: Snapshot or back up an OpenStack server into an image, or delete such an image
version_added: 1.0.0
description:
  - Makes an image of a server with Nova's C(createImage) (a snapshot), or with C(createBackup) when
    O(backup_type) is given, and waits until Glance says it is V(active).
  - Idempotent by name - when the server already has an image named O(name), that image is reported and no
    new one is made. Give each image a name of its own (for example with a timestamp) to make one per run.
  - Every image it makes carries the labels C(stackops_created_by=stackops.compute) and
    C(stackops_server=<server ID>) besides O(metadata), so that this collection can recognise it later.
  - With O(state=absent) it deletes one image made from a server, found by O(id) or by O(server) and
    O(name). It refuses images that were not made from a server, images made from another server than
    O(server), and protected images unless O(protected=false) asks to unprotect them first.
  - A server booted from a volume is imaged by Nova as a Cinder snapshot of each of its volumes, which the
    new image (of 0 bytes) references in its block device mapping. The module waits until the image and these
    snapshots are available, and deleting such an image first deletes the snapshots that no other image
    references (never a volume), each until Cinder no longer has it; when one cannot be deleted, the image is
    kept and the task fails naming the snapshot. RV(volume_snapshots) lists them, in check mode too. See
    R(Volume-backed servers,ansible_collections.stackops.compute.docsite.volume_backed_servers).
  - Check mode returns the predicted image (its RV(id) is null) and sends no request that changes anything.
    With C(--diff) the module returns the image before and after.
extends_documentation_fragment:
  - stackops.compute.auth
  - stackops.compute.wait
  - stackops.compute.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
    details:
      - An image of the same name and server is reported, not made again.
      - With O(backup_type), Nova's rotation runs only when a new backup is made.
options:
  backup_type:
    description:
      - Make the image with Nova's C(createBackup) instead of C(createImage), with this backup type (any
        word, for example V(daily) or V(weekly)).
      - After the backup, Nova deletes the oldest backups of this type of this server so that O(rotation)
        remain, whatever their names or labels. RV(nova_rotation) lists the images it is expected to
        delete. To choose what is kept with rules of your own, make snapshots and use the
        R(retention filter,ansible_collections.stackops.compute.retention_filter) or the
        R(rotate role,ansible_collections.stackops.compute.rotate_role) instead.
      - Nova does not back up servers booted from a volume; for them the task fails before any request; make
        a snapshot instead (leave out O(backup_type) and O(rotation)).
    type: str
  id:
    description:
      - ID of the image to delete, with O(state=absent). When O(server) is also given, the image must have
        been made from that server.
    type: str
  metadata:
    description:
      - Image properties to set, as text. On a new image they are sent with Nova's request; on an existing
        image the ones that differ are added or replaced. Properties the task does not list are left alone.
      - Nova's own properties (C(instance_uuid), C(image_type), C(backup_type), C(user_id),
        C(base_image_ref), C(owner_id)) cannot be set, nor can the image's Glance attributes (C(name),
        C(visibility), C(protected), C(owner), C(tags), C(min_disk)... and names starting with C(os_glance_)),
        because as properties they would change the image itself, for example publish it.
    type: dict
    aliases: [properties]
  name:
    description:
      - Name of the image. Required with O(state=present); with O(state=absent) it finds the image together
        with O(server).
    type: str
  protected:
    description:
      - Glance's protected flag of the image - a protected image cannot be deleted, by this collection, the
        R(rotate role,ansible_collections.stackops.compute.rotate_role) or anyone, until it is unprotected.
      - V(true) protects the image (a new one right after Nova made it, as Nova's requests take no such
        flag); V(false) unprotects it. With O(state=absent), V(false) unprotects a protected image and then
        deletes it, in one task.
      - Left out, the flag is not changed.
    type: bool
    aliases: [is_protected]
  rotation:
    description:
      - With O(backup_type), how many backups of that type Nova keeps for this server, the new one
        included. At least V(1).
    type: int
  server:
    description:
      - Name or ID of the server. Required with O(state=present).
      - With O(state=absent) the ID of a server that no longer exists is accepted, to delete its images.
    type: str
  state:
    description:
      - V(present) makes the image unless it exists; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - A server can only be imaged while it is C(ACTIVE), C(SHUTOFF), C(PAUSED) or C(SUSPENDED) and no other
    task runs on it; the module says so instead of sending a request Nova would refuse.
  - O(wait) has no effect with O(state=absent) - Glance deletes an image at once.
seealso:
  - module: stackops.compute.server_image_info
author:
  - stackops.compute maintainers (@stackops)
'''

EXAMPLES = r'''
- name: Snapshot a server before an upgrade
  stackops.compute.server_image:
    cloud: prod
    server: web1
    name: web1-before-upgrade
    metadata:
      reason: upgrade to 2.4

- name: Nova backup that keeps the 7 newest daily backups of the server
  stackops.compute.server_image:
    server: web1
    name: "web1-daily-{{ now(utc=true, fmt='%Y%m%d') }}"
    backup_type: daily
    rotation: 7

- name: Ask for snapshots of many servers, then wait for them all
  stackops.compute.server_image:
    server: "{{ item }}"
    name: "{{ item }}-{{ stamp }}"
    wait: false
  loop: [web1, web2, db1]

- name: Keep it, whatever rotation says
  stackops.compute.server_image:
    server: web1
    name: web1-before-upgrade
    protected: true

- name: Delete an image made from a server (unprotecting it first)
  stackops.compute.server_image:
    state: absent
    server: web1
    name: web1-before-upgrade
    protected: false
'''

RETURN = r'''
image:
  description:
    - The image, with every attribute openstacksdk returns plus RV(image.image_type) and RV(image.backup_type).
    - In check mode, the predicted image of a new snapshot, with a null RV(image.id).
  returned: when O(state=present)
  type: dict
  contains:
    id:
      description: Image ID (null for an image check mode would make).
      type: str
    name:
      description: Image name.
      type: str
    status:
      description: Glance status - V(active) once the upload is done; V(queued) or V(saving) before.
      type: str
    instance_uuid:
      description: ID of the server the image was made from.
      type: str
    image_type:
      description: V(snapshot) or V(backup), as Nova wrote it.
      type: str
    backup_type:
      description: Backup type of a backup, null for a snapshot.
      type: str
    owner:
      description: Project that owns the image.
      type: str
    is_protected:
      description: Whether Glance refuses to delete the image.
      type: bool
    created_at:
      description: When Glance created the image (null in check mode).
      type: str
    properties:
      description: Custom properties, labels included.
      type: dict
    volume_snapshots:
      description:
        - The Cinder snapshots the image boots from (an image of a volume-backed server), each with C(id),
          C(device_name), C(boot_index) and C(volume_size) as Nova wrote them, and C(status), C(volume_id),
          C(size) and C(name) as Cinder has them. Empty for other images.
      type: list
      elements: dict
  sample:
    id: 6f1e4a0c-50f3-4e67-9b0e-0d5c9d3c6a7e
    name: web1-before-upgrade
    status: active
    instance_uuid: 2b2ac4a8-5f11-4d6f-a0bd-0d1d8b9c6f43
    image_type: snapshot
    backup_type: null
    owner: 0d5e4ab1b5f54e3f8d2ad5a5b3e8e4f1
    is_protected: false
    created_at: '2026-11-27T01:00:00Z'
    properties:
      image_type: snapshot
      stackops_created_by: stackops.compute
      stackops_server: 2b2ac4a8-5f11-4d6f-a0bd-0d1d8b9c6f43
id:
  description: ID of the image (null for an image check mode would make).
  returned: when O(state=present)
  type: str
changes:
  description: What the task changed (or would change, in check mode), one line each.
  returned: always
  type: list
  elements: str
  sample: [snapshot server web1 into image web1-before-upgrade]
nova_rotation:
  description:
    - With O(backup_type), the IDs of the backups Nova is expected to delete after the new backup - the
      oldest backups of that type of the server beyond O(rotation). Nova deletes them on its own, after the
      upload; this list is read before the request.
    - With C(--diff), C(backups) in C(before) and C(after) lists the server's backups of that type, newest
      first, before the backup and after Nova's rotation.
  returned: always
  type: list
  elements: str
volume_snapshots:
  description:
    - The Cinder snapshots the image references (an image of a volume-backed server; empty for others), as in
      RV(image.volume_snapshots).
    - With O(state=absent), also what deleting the image does to each - C(action) V(delete) (only this image
      references it), V(keep) (another image references it too; C(reason) names it) or V(gone) (Cinder no longer
      has it) - in check mode as in a real run.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 5c5ba67f-c21d-48fd-b23b-15fec53638dd
      volume_id: 53fff5e3-073d-4dd6-878d-cafd5bc8bbaf
      status: available
      size: 20
      device_name: /dev/vda
      boot_index: 0
      volume_size: 20
      name: snapshot for web1-before-upgrade
      action: delete
      reason: only image web1-before-upgrade (6f1e4a0c-50f3-4e67-9b0e-0d5c9d3c6a7e) references it
diff:
  description:
    - The image before and after (ID, name, status, type, server, owner, protection, properties, the IDs of its
      Cinder snapshots), with C(--diff).
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.stackops.compute.plugins.module_utils._images_apply import (
    SERVER_IMAGE_REQUIRED_IF,
    SERVER_IMAGE_REQUIRED_TOGETHER,
    run_server_image,
    server_image_argument_spec,
)
from ansible_collections.stackops.compute.plugins.module_utils._module import ComputeModule


def main():
    module = ComputeModule(
        name='server_image',
        argument_spec=server_image_argument_spec(),
        waits=True,
        required_if=SERVER_IMAGE_REQUIRED_IF,
        required_together=SERVER_IMAGE_REQUIRED_TOGETHER,
    )
    module.run(run_server_image)


if __name__ == '__main__':
    main()
