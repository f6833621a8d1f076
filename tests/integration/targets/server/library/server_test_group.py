#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only: create or delete a server group for the server target (the collection has no module for it)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cloud=dict(type='str', required=True),
            name=dict(type='str', required=True),
            policy=dict(type='str', default='anti-affinity'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
        ),
    )
    import openstack

    conn = openstack.connect(cloud=module.params['cloud'])
    found = conn.compute.find_server_group(module.params['name'])
    if module.params['state'] == 'present':
        if found is not None:
            module.exit_json(changed=False, id=found.id)
        group = conn.compute.create_server_group(name=module.params['name'], policy=module.params['policy'])
        module.exit_json(changed=True, id=group.id)
    if found is not None:
        conn.compute.delete_server_group(found)
    module.exit_json(changed=found is not None)


if __name__ == '__main__':
    main()
