#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only: allocate or release a floating IP for the server_action_network target."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cloud=dict(type='str', required=True),
            network=dict(type='str', default='public'),
            address=dict(type='str'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
        ),
    )
    import openstack

    conn = openstack.connect(cloud=module.params['cloud'])
    if module.params['state'] == 'present':
        network = conn.network.find_network(module.params['network'], ignore_missing=False)
        ip = conn.network.create_ip(floating_network_id=network.id)
        module.exit_json(changed=True, address=ip.floating_ip_address, id=ip.id)
    found = list(conn.network.ips(floating_ip_address=module.params['address']))
    for ip in found:
        conn.network.delete_ip(ip)
    module.exit_json(changed=bool(found))


if __name__ == '__main__':
    main()
