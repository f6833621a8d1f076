#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: compute_service
short_description: Read, enable or disable the compute service of an OpenStack host (administrators)
version_added: 1.1.0
description:
  - Finds the Nova service of O(binary) on O(host) and enables or disables it. A disabled C(nova-compute)
    service keeps its servers running, but the scheduler places no new server on that host - the first step
    of draining it (the R(drain role,ansible_collections.stackops.compute.drain_role) does this).
  - Without O(enabled) it only reads the service. An unknown host fails with one line that lists the hosts
    Nova has a service of O(binary) on.
  - Check mode returns the predicted service and sends no request that changes anything. With C(--diff) the
    module returns the service before and after.
  - Nova's default policy allows this to administrators only.
extends_documentation_fragment:
  - stackops.compute.auth
  - stackops.compute.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
    details: A service already enabled, or disabled with the same reason, is not changed.
options:
  binary:
    description:
      - The service, as Nova names its binaries.
    type: str
    default: nova-compute
  disabled_reason:
    description:
      - With O(enabled=false), why the service is disabled. A disabled service whose reason differs is
        disabled again with this one.
    type: str
  enabled:
    description:
      - V(true) enables the service, V(false) disables it. Left out, the service is only read.
    type: bool
  host:
    description:
      - The host, as Nova names it (the C(compute_host) of its servers, C(Host) in C(openstack compute service list)).
    type: str
    required: true
seealso:
  - ref: ansible_collections.stackops.compute.drain_role
    description: Moves every server off a host, and disables its compute service first.
author:
  - stackops.compute maintainers (@stackops)
'''

EXAMPLES = r'''
- name: No new servers on compute1 (maintenance)
  stackops.compute.compute_service:
    cloud: prod-admin
    host: compute1
    enabled: false
    disabled_reason: disk replacement, ticket 4711

- name: Back in service
  stackops.compute.compute_service:
    cloud: prod-admin
    host: compute1
    enabled: true

- name: Read it
  stackops.compute.compute_service:
    cloud: prod-admin
    host: compute1
  register: compute1
'''

RETURN = r'''
service:
  description: The service after the task (in check mode, as predicted).
  returned: success
  type: dict
  contains:
    id:
      description: The service's ID (a UUID from microversion 2.53 on).
      type: str
    binary:
      description: The binary.
      type: str
      sample: nova-compute
    host:
      description: The host.
      type: str
      sample: compute1
    status:
      description: V(enabled) or V(disabled).
      type: str
      sample: disabled
    state:
      description: V(up) or V(down) - whether the service reports to Nova.
      type: str
      sample: up
    disabled_reason:
      description: Why it is disabled.
      type: str
      sample: disk replacement, ticket 4711
    is_forced_down:
      description: Whether an administrator forced it down.
      type: bool
    availability_zone:
      description: The availability zone of the host.
      type: str
    updated_at:
      description: When the service last reported.
      type: str
changes:
  description: What the task changed (or would change, in check mode), one line each.
  returned: success
  type: list
  elements: str
  sample: ['disable the nova-compute service of compute1 (disk replacement, ticket 4711)']
hosts:
  description: Every host with a service of O(binary).
  returned: success
  type: list
  elements: str
  sample: [compute1, compute2]
'''

from ansible_collections.stackops.compute.plugins.module_utils._compute_service import run_compute_service
from ansible_collections.stackops.compute.plugins.module_utils._module import ComputeModule


def main():
    module = ComputeModule(
        argument_spec=dict(
            binary=dict(type='str', default='nova-compute'),
            disabled_reason=dict(type='str'),
            enabled=dict(type='bool'),
            host=dict(type='str', required=True),
        ),
    )
    module.run(run_compute_service)


if __name__ == '__main__':
    main()
