#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: server_images
short_description: Snapshot or back up many OpenStack servers, or delete their images, in one task
version_added: 1.1.0
description:
  - Does what M(stackops.compute.server_image) does, for every item of O(images), in one task - the same
    options, the same decisions, the same results per image - with one connection, and a bounded number of
    images worked on at once (O(concurrency)).
  - The servers the items name are read with one listing per shared name prefix, not one lookup each
    (servers given by ID are read one by one, as M(stackops.compute.server_image) reads them).
  - An item that fails does not stop the others. The task fails once all items are over, with one line
    naming the images that failed; each failed item has its own RV(images[].msg).
  - Check mode returns the predicted image of every item and sends no request that changes anything. With
    C(--diff) every item has its own RV(images[].diff).
extends_documentation_fragment:
  - stackops.compute.auth
  - stackops.compute.wait
  - stackops.compute.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: Per image, in RV(images[].diff).
  idempotent:
    support: full
    details: An image of the same name and server is reported, not made again.
options:
  concurrency:
    description:
      - How many images are worked on at the same time (threads in this task). Each snapshot makes the
        hypervisor upload a disk to Glance, so this bounds that load too.
    type: int
    default: 10
  defaults:
    description:
      - Options applied to every item of O(images) - any option of M(stackops.compute.server_image) except
        O(wait), O(timeout) and the connection options. An item's own value wins.
    type: dict
    default: {}
  images:
    description:
      - The images, one dictionary each, with the options of M(stackops.compute.server_image) (C(server),
        C(name), C(metadata), C(protected), C(backup_type), C(rotation), C(id), C(state)), except O(wait),
        O(timeout) and the connection options, which are this task's.
      - Each image (its name and server, or its ID) may appear once.
    type: list
    elements: dict
    required: true
seealso:
  - module: stackops.compute.server_image
  - module: stackops.compute.server_image_info
  - ref: ansible_collections.stackops.compute.backup_role
    description: The backup role chooses the servers, quiesces them, snapshots them with this module in batches
      and reports.
author:
  - stackops.compute maintainers (@stackops)
'''

EXAMPLES = r'''
- name: Snapshot three servers before an upgrade, two at a time, and wait for every image
  stackops.compute.server_images:
    cloud: prod
    concurrency: 2
    defaults:
      metadata:
        reason: upgrade to 2.4
    images:
      - {server: web1, name: web1-before-upgrade}
      - {server: web2, name: web2-before-upgrade}
      - {server: db1, name: db1-before-upgrade}

- name: Delete them
  stackops.compute.server_images:
    cloud: prod
    defaults:
      state: absent
    images:
      - {server: web1, name: web1-before-upgrade}
      - {server: web2, name: web2-before-upgrade}
      - {server: db1, name: db1-before-upgrade}
'''

RETURN = r'''
diff:
  description:
    - With C(--diff), the diff of every image that has one (RV(images[].diff)), each with its item's name as
      C(before_header) and C(after_header), so that Ansible shows them one after the other.
  returned: when diff mode is on
  type: list
  elements: dict
images:
  description:
    - One result per item of O(images), in the same order - the result M(stackops.compute.server_image)
      returns for that image, plus the item's name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The item, as C(<image name> of <server>) (or the image ID when the item gives only C(id)).
      type: str
      sample: web1-before-upgrade of web1
    changed:
      description: Whether this image was made, changed or deleted (or would be, in check mode).
      type: bool
    failed:
      description: True when this item failed; RV(images[].msg) says why.
      type: bool
      returned: when the item failed
    msg:
      description: Why this item failed.
      type: str
      returned: when the item failed
    id:
      description: ID of the image (null for an image check mode would make).
      type: str
      returned: when the item's state is present and it did not fail
    image:
      description: The image after the task, as M(stackops.compute.server_image) returns it.
      type: dict
      returned: when the item's state is present and it did not fail
    changes:
      description: What the task changed (or would change, in check mode) for this item, one line each.
      type: list
      elements: str
      returned: when the item did not fail
    nova_rotation:
      description: With C(backup_type), the IDs of the backups Nova is expected to delete after the new one.
      type: list
      elements: str
      returned: when the item did not fail
    volume_snapshots:
      description:
        - The Cinder snapshots of an image of a volume-backed server, and with C(state=absent) what deleting
          the image does to each, as M(stackops.compute.server_image) returns them.
      type: list
      elements: dict
      returned: when the item did not fail, and with C(state=absent) also when it failed deleting a snapshot
    diff:
      description: The image before and after.
      type: dict
      returned: when diff mode is on and the item did not fail
'''

from ansible_collections.stackops.compute.plugins.module_utils._fleet import fleet_argument_spec, run_server_images
from ansible_collections.stackops.compute.plugins.module_utils._module import ComputeModule


def main():
    module = ComputeModule(name='server_images', argument_spec=fleet_argument_spec('images'), waits=True)
    module.run(run_server_images)


if __name__ == '__main__':
    main()
