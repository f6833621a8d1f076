#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only: force a compute service down or up (admin), so that a server on it can be evacuated.

Nova refuses to lift forced_down from the source host of an evacuation until that compute service has
restarted and cleaned up; ``restart_command`` runs first when given (the local cloud's restart).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cloud=dict(type='str', required=True),
            host=dict(type='str', required=True),
            forced_down=dict(type='bool', required=True),
            restart_command=dict(type='list', elements='str'),
        ),
    )
    import openstack

    compute = openstack.connect(cloud=module.params['cloud']).compute
    host = module.params['host']

    def service():
        found = list(compute.services(binary='nova-compute', host=host))
        if len(found) != 1:
            module.fail_json(msg='Expected one nova-compute service on %s, found %d.' % (host, len(found)))
        return found[0]

    current = service()
    changed = bool(current.is_forced_down) != module.params['forced_down']
    if changed:
        if module.params['restart_command']:
            module.run_command(module.params['restart_command'], check_rc=True)
        compute.update_service_forced_down(current, forced=module.params['forced_down'])
        deadline = time.monotonic() + 120
        want = 'down' if module.params['forced_down'] else 'up'
        while service().state != want:
            if time.monotonic() > deadline:
                module.fail_json(msg='nova-compute on %s did not report %s in 120 s.' % (host, want))
            time.sleep(1)
    hosts = sorted(s.host for s in compute.services(binary='nova-compute'))
    module.exit_json(changed=changed, hosts=hosts)


if __name__ == '__main__':
    main()
