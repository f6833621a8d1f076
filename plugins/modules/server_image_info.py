#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: server_image_info
short_description: List the images made from OpenStack servers - snapshots and backups
version_added: 1.0.0
description:
  - Lists images that Nova made from servers (they carry Nova's C(instance_uuid) property), newest first.
    An image of a server booted from a volume references Cinder snapshots (RV(images[].volume_snapshots)); Nova
    writes no C(instance_uuid) on it, so one made elsewhere is listed only when O(server) is left out, while
    those M(stackops.compute.server_image) and the backup role make carry it and are listed like any other.
  - Narrow the list by server, image type, backup type, name, properties (labels) and age. Glance applies
    every filter itself, so only matching images travel; the module checks them all again before it
    returns them.
  - The images this collection makes carry the labels C(stackops_created_by), C(stackops_server) and, when
    the backup role made them, C(stackops_policy); filter on them with O(properties).
  - Only reads. It never reports a change and runs the same in check mode.
extends_documentation_fragment:
  - stackops.compute.auth
  - stackops.compute.attributes
  - stackops.compute.attributes.info_module
options:
  backup_type:
    description:
      - Only backups of this backup type (Nova's C(backup_type) property).
    type: str
  image_type:
    description:
      - Only snapshots (Nova's C(createImage)) or only backups (C(createBackup)).
    type: str
    choices: [snapshot, backup]
  name:
    description:
      - Only images with exactly this name.
    type: str
  newer_than:
    description:
      - Only images created less than this long ago, for example V(12h), V(7d), V(2w), V(1d12h) or a number
        of seconds. V(m) means minutes.
    type: str
  older_than:
    description:
      - Only images created at least this long ago, in the same format as O(newer_than).
    type: str
  properties:
    description:
      - Only images that have all these properties with these values (compared as text).
    type: dict
    aliases: [metadata, labels]
  server:
    description:
      - Only images made from this server, by name or ID.
      - The ID of a server that no longer exists is accepted, to find the images it left.
      - Left out, images made from any server that the project can see are listed.
    type: str
seealso:
  - module: stackops.compute.server_image
author:
  - stackops.compute maintainers (@stackops)
'''

EXAMPLES = r'''
- name: Snapshots and backups of a server
  stackops.compute.server_image_info:
    cloud: prod
    server: web1
  register: web1_images

- name: The images the backup role made for web1 under the nightly policy in the last day
  stackops.compute.server_image_info:
    server: web1
    properties:
      stackops_policy: nightly
    newer_than: 1d
  register: recent

- name: Daily Nova backups older than two weeks, of any server
  stackops.compute.server_image_info:
    image_type: backup
    backup_type: daily
    older_than: 2w
'''

RETURN = r'''
images:
  description:
    - The images, newest first, with every attribute openstacksdk returns plus RV(images[].image_type) and
      RV(images[].backup_type).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Image ID.
      type: str
    name:
      description: Image name.
      type: str
    status:
      description: Glance status (V(active) once the upload is done).
      type: str
    created_at:
      description: When Glance created the image, in UTC.
      type: str
    instance_uuid:
      description: ID of the server the image was made from.
      type: str
    image_type:
      description: V(snapshot) or V(backup).
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
    properties:
      description: Custom properties, labels included.
      type: dict
    volume_snapshots:
      description:
        - The Cinder snapshots an image of a volume-backed server boots from, each with C(id), C(device_name),
          C(boot_index), C(volume_size) as Nova wrote them and C(status), C(volume_id), C(size), C(name) as Cinder
          has them (V(null) for a snapshot Cinder does not have). Empty for other images.
        - Read with one listing of the project's snapshots for all the images, only when an image references
          snapshots.
      type: list
      elements: dict
  sample:
    - id: 6f1e4a0c-50f3-4e67-9b0e-0d5c9d3c6a7e
      name: web1-nightly-20261127T010000Z
      status: active
      created_at: '2026-11-27T01:00:02Z'
      instance_uuid: 2b2ac4a8-5f11-4d6f-a0bd-0d1d8b9c6f43
      image_type: snapshot
      backup_type: null
      owner: 0d5e4ab1b5f54e3f8d2ad5a5b3e8e4f1
      is_protected: false
      properties:
        image_type: snapshot
        stackops_created_by: stackops.compute
        stackops_policy: nightly
        stackops_server: 2b2ac4a8-5f11-4d6f-a0bd-0d1d8b9c6f43
project_id:
  description: ID of the project the credentials are scoped to (the owner of the images they make).
  returned: always
  type: str
'''

from ansible_collections.stackops.compute.plugins.module_utils._images_apply import run_server_image_info
from ansible_collections.stackops.compute.plugins.module_utils._module import ComputeModule


def main():
    module = ComputeModule(
        name='server_image_info',
        argument_spec=dict(
            backup_type=dict(type='str'),
            image_type=dict(type='str', choices=['snapshot', 'backup']),
            name=dict(type='str'),
            newer_than=dict(type='str'),
            older_than=dict(type='str'),
            properties=dict(type='dict', aliases=['metadata', 'labels']),
            server=dict(type='str'),
        ),
    )
    module.run(run_server_image_info)


if __name__ == '__main__':
    main()
