#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only: force a compute service down or up (admin), so that a server on it can be evacuated."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cloud=dict(type='str', required=True),
            host=dict(type='str', required=True),
            forced_down=dict(type='bool', required=True),
        ),
    )
    import openstack

    compute = openstack.connect(cloud=module.params['cloud']).compute
    services = list(compute.services(binary='nova-compute', host=module.params['host']))
    if len(services) != 1:
        module.fail_json(
            msg='Expected one nova-compute service on %s, found %d.' % (module.params['host'], len(services))
        )
    service = services[0]
    changed = bool(service.is_forced_down) != module.params['forced_down']
    if changed:
        compute.update_service_forced_down(service, forced=module.params['forced_down'])
    hosts = sorted(s.host for s in compute.services(binary='nova-compute'))
    module.exit_json(changed=changed, hosts=hosts)


if __name__ == '__main__':
    main()
