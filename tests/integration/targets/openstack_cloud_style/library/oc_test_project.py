#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only: a project of its own with a member user, a keypair and free floating IPs, so that the
openstack.cloud-style target knows every floating IP of its project (reuse_ips takes only free ones of the
project). Needs an admin cloud. state=absent releases the project's floating IPs and deletes what it made.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule


def user_cloud(admin, name, password):
    auth = dict(admin.config.config['auth'])
    auth.update(
        username=name,
        password=password,
        project_name=name,
        user_domain_name='Default',
        project_domain_name='Default',
    )
    for key in ('user_domain_id', 'project_domain_id', 'project_id'):
        auth.pop(key, None)
    return dict(auth=auth, region_name=admin.config.get_region_name(), identity_api_version='3', auth_type='password')


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cloud=dict(type='str', required=True),
            name=dict(type='str', required=True),
            # Not masked: the test needs it back inside the cloud it returns (a throwaway, loopback-only user).
            password=dict(type='str', no_log=False, required=True),
            public_key=dict(type='str'),
            free_ips=dict(type='int', default=0),
            external_network=dict(type='str', default='public'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
        ),
    )
    import openstack

    params = module.params
    name = params['name']
    admin = openstack.connect(cloud=params['cloud'])
    project = admin.identity.find_project(name, ignore_missing=True)
    user = admin.identity.find_user(name, ignore_missing=True)
    if params['state'] == 'absent':
        released = []
        if project is not None:
            for ip in admin.network.ips(project_id=project.id):
                admin.network.delete_ip(ip, ignore_missing=True)
                released.append(ip.floating_ip_address)
        if user is not None:
            admin.identity.delete_user(user)
        if project is not None:
            admin.identity.delete_project(project)
        module.exit_json(changed=bool(project or user), released=sorted(released))

    if project is None:
        project = admin.identity.create_project(name=name, domain_id='default')
    if user is None:
        user = admin.identity.create_user(
            name=name, password=params['password'], default_project_id=project.id, domain_id='default'
        )
    role = admin.identity.find_role('member', ignore_missing=False)
    admin.identity.assign_project_role_to_user(project, user, role)
    cloud = user_cloud(admin, name, params['password'])
    mine = openstack.connect(**cloud)
    if params['public_key'] and mine.compute.find_keypair('%s-key' % name, ignore_missing=True) is None:
        mine.compute.create_keypair(name='%s-key' % name, public_key=params['public_key'])
    network = mine.network.find_network(params['external_network'], ignore_missing=False)
    have = [ip for ip in mine.network.ips(project_id=project.id) if not ip.port_id]
    for _count in range(params['free_ips'] - len(have)):
        have.append(mine.network.create_ip(floating_network_id=network.id))
    module.exit_json(
        changed=True,
        cloud=cloud,
        project_id=project.id,
        keypair='%s-key' % name if params['public_key'] else None,
        free_ips=sorted(ip.floating_ip_address for ip in have),
    )


if __name__ == '__main__':
    main()
