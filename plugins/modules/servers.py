#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: servers
short_description: Create, update and delete many OpenStack compute servers in one task
version_added: 1.0.0
description:
  - Does what M(stackops.compute.server) does, for every item of O(servers), in one task - the same
    options, the same decisions, the same results per server - with one connection, a few reads for all of
    them, and a bounded number of servers worked on at once (O(concurrency)).
  - The servers named in O(servers) are read with one listing per shared name prefix (one listing of
    C(web*) for C(web1) to C(web50)), not one lookup each. Flavors, images, networks, security groups,
    keypairs and server groups are looked up once per distinct value. Volumes (C(volumes), C(boot_volume))
    are read by each item that names them, since attaching one changes what the next item sees.
    Then each item is planned on its own and applied, in up to O(concurrency) threads; with O(wait=true)
    each one is waited for as M(stackops.compute.server) waits, but the polls of all of them share one
    listing of the task's servers at a time instead of one request per server.
  - An item that fails does not stop the others. The task fails once all items are over, with one line
    naming the servers that failed; each failed item has its own RV(servers[].msg).
  - Check mode returns the predicted server of every item and sends no request that changes anything. With
    C(--diff) every item has its own RV(servers[].diff).
extends_documentation_fragment:
  - stackops.compute.auth
  - stackops.compute.wait
  - stackops.compute.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: Per server, in RV(servers[].diff).
  idempotent:
    support: full
    details: A second run with the same options changes nothing and sends no request that changes anything.
options:
  concurrency:
    description:
      - How many servers are worked on at the same time (threads in this task).
      - Each boot, resize or deletion waits on the cloud, so more threads finish sooner, up to what the cloud
        accepts at once (its API workers, its scheduler, and the rate limits of the project).
    type: int
    default: 10
  defaults:
    description:
      - Options applied to every item of O(servers) - any option of M(stackops.compute.server) except
        O(wait), O(timeout) and the connection options. An item's own value wins.
    type: dict
    default: {}
  servers:
    description:
      - The servers, one dictionary each, with the options of M(stackops.compute.server) (for example
        C(name), C(image), C(flavor), C(networks), C(metadata), C(status), C(state)), except O(wait),
        O(timeout) and the connection options, which are this task's.
      - C(name) is required in every item, and each name may appear once. As in M(stackops.compute.server), a
        C(name) holding a server's ID finds that server and never becomes its name.
      - C(admin_password) and C(user_data) are hidden in results and logs, as with M(stackops.compute.server).
    type: list
    elements: dict
    required: true
seealso:
  - module: stackops.compute.server
  - module: stackops.compute.server_action
    description: Its O(stackops.compute.server_action#module:servers) option runs one action on many servers.
author:
  - stackops.compute maintainers (@stackops)
'''

EXAMPLES = r'''
- name: Web servers, two at a time
  stackops.compute.servers:
    cloud: mycloud
    concurrency: 2
    defaults:
      image: ubuntu-24.04
      flavor: m1.small
      networks: [private]
      security_groups: [default, web]
      metadata: {role: web}
    servers:
      - name: web1
      - name: web2
      - name: web3

- name: A few servers that differ
  stackops.compute.servers:
    cloud: mycloud
    defaults:
      image: ubuntu-24.04
      networks: [private]
    servers:
      - name: db1
        flavor: m1.medium
        tags: [db]
      - name: cache1
        flavor: m1.small
        status: shutoff

- name: Delete them all
  stackops.compute.servers:
    cloud: mycloud
    defaults:
      state: absent
    servers:
      - name: db1
      - name: cache1
'''

RETURN = r'''
diff:
  description:
    - With C(--diff), the diff of every server that has one (RV(servers[].diff)), each with its name as
      C(before_header) and C(after_header), so that Ansible shows them one after the other.
  returned: when diff mode is on
  type: list
  elements: dict
servers:
  description:
    - One result per item of O(servers), in the same order - the result M(stackops.compute.server) returns
      for that server, plus its name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The item's name.
      type: str
      sample: web1
    changed:
      description: Whether this server changed (or would change, in check mode).
      type: bool
    failed:
      description: True when this item failed; RV(servers[].msg) says why.
      type: bool
      returned: when the item failed
    msg:
      description: Why this item failed.
      type: str
      returned: when the item failed
    id:
      description: ID of the server (null for a server check mode would create).
      type: str
      returned: when the item's state is present and it did not fail
    server:
      description:
        - The server after the task, as M(stackops.compute.server) returns it (in check mode, as predicted).
        - Never holds the administrator password or user data.
      type: dict
      returned: when the item's state is present and it did not fail
    changes:
      description: What the task changed (or would change, in check mode) on this server, one line each.
      type: list
      elements: str
      returned: when the item did not fail
    differences:
      description: What differs from the item but cannot change in place, with what to do about it.
      type: list
      elements: str
      returned: when the item did not fail
    diff:
      description: The server before and after, managed fields only.
      type: dict
      returned: when diff mode is on and the item did not fail
'''

from ansible_collections.stackops.compute.plugins.module_utils._fleet import fleet_argument_spec, run_servers
from ansible_collections.stackops.compute.plugins.module_utils._module import ComputeModule


def main():
    module = ComputeModule(name='servers', argument_spec=fleet_argument_spec('servers'), waits=True)
    module.run(run_servers)


if __name__ == '__main__':
    main()
