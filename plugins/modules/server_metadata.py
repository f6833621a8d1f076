#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: server_metadata
short_description: Set or remove metadata keys of an OpenStack compute server
version_added: 1.1.0
description:
  - Sets the keys of O(metadata) on a server (O(state=present)), or removes them (O(state=absent)). Keys the
    task does not name are never touched, and the server itself is never created or deleted.
  - The options and their meaning are those of openstack.cloud's C(server_metadata), so a task moves by
    changing the module name. M(stackops.compute.server) manages metadata too, together with the rest of
    the server (and deletes the server with O(stackops.compute.server#module:state=absent)).
  - Check mode returns the predicted server and sends no request that changes anything. With C(--diff)
    the module returns the server's metadata before and after.
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
    details: Keys that already have their value, or are already gone, send no request.
options:
  metadata:
    description:
      - The metadata keys, as a dictionary. The string form C("key1=value1,key2=value2") is accepted too
        (Ansible turns it into a dictionary).
      - With O(state=present), each key is set to its value (values are kept as text). A key without a value
        fails the task.
      - With O(state=absent), the keys are removed; their values do not matter and may be left empty.
    type: dict
    required: true
    aliases: [meta]
  server:
    description:
      - Name or ID of the server. Several servers with this name make the module fail and list their IDs.
    type: str
    required: true
    aliases: [name]
  state:
    description:
      - V(present) sets the keys of O(metadata) to their values; V(absent) removes them.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Nova changes metadata only of C(ACTIVE), C(SHUTOFF), C(PAUSED) and C(SUSPENDED) servers that are not
    busy, and of a locked server only for an admin. A task that would change the metadata of another server
    fails with one line before sending anything. With O(wait=true), an operation under way on the server
    (a reboot, say) is waited for first.
  - Setting keys is one request whatever their number; removing keys is one request per key (Nova's API
    removes one key at a time).
seealso:
  - module: stackops.compute.server
  - module: stackops.compute.server_info
author:
  - stackops.compute maintainers (@stackops)
'''

EXAMPLES = r'''
- name: Set two keys (the server's other keys are kept)
  stackops.compute.server_metadata:
    cloud: mycloud
    server: web1
    metadata:
      role: web
      owner: team-a

- name: The same, in openstack.cloud's string form
  stackops.compute.server_metadata:
    cloud: mycloud
    name: web1
    meta: "role=web,owner=team-a"

- name: Remove two keys (their values do not matter)
  stackops.compute.server_metadata:
    cloud: mycloud
    server: web1
    state: absent
    metadata:
      owner:
      draining:
'''

RETURN = r'''
server:
  description:
    - The server after the task, as M(stackops.compute.server) returns it (every attribute openstacksdk
      reads, plus C(private_v4), C(private_v6), C(public_v4), C(public_v6) and C(interface_ip)).
    - In check mode, the server with the predicted metadata.
  returned: always
  type: dict
  sample:
    id: 8d1c5a3e-0d0a-4b5f-9b68-0e0b2f2d6f10
    name: web1
    status: ACTIVE
    metadata: {role: web, owner: team-a}
id:
  description: ID of the server.
  returned: always
  type: str
changes:
  description: What the task changed (or would change, in check mode), one line each.
  returned: always
  type: list
  elements: str
  sample: [add metadata owner, change metadata role]
diff:
  description: The server's ID, name and metadata before and after, with C(--diff).
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.stackops.compute.plugins.module_utils._metadata_apply import (
    run_server_metadata,
    server_metadata_argument_spec,
)
from ansible_collections.stackops.compute.plugins.module_utils._module import ComputeModule


def main():
    module = ComputeModule(argument_spec=server_metadata_argument_spec(), waits=True)
    module.run(run_server_metadata)


if __name__ == '__main__':
    main()
