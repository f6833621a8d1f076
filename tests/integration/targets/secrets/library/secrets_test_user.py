#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only: a Keystone user of its own (member of a project) with a password and an application
credential whose secrets the test chooses, so that the secrets test can grep for them. Needs an admin cloud.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cloud=dict(type='str', required=True),
            name=dict(type='str', required=True),
            password=dict(type='str', no_log=True),
            project=dict(type='str', default='demo'),
            role=dict(type='str', default='member'),
            app_secret=dict(type='str', no_log=True),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
        ),
    )
    import openstack

    params = module.params
    admin = openstack.connect(cloud=params['cloud'])
    user = admin.identity.find_user(params['name'], ignore_missing=True)
    if params['state'] == 'absent':
        if user is not None:
            admin.identity.delete_user(user)
        module.exit_json(changed=user is not None)
    project = admin.identity.find_project(params['project'], ignore_missing=False)
    if user is None:
        user = admin.identity.create_user(
            name=params['name'], password=params['password'], default_project_id=project.id, domain_id='default'
        )
    role = admin.identity.find_role(params['role'], ignore_missing=False)
    admin.identity.assign_project_role_to_user(project, user, role)
    # The user makes its own application credential (Keystone lets only the owner do that).
    auth = dict(admin.config.config['auth'])
    auth.update(
        username=params['name'],
        password=params['password'],
        project_name=params['project'],
        user_domain_name='Default',
        project_domain_name='Default',
    )
    mine = openstack.connect(auth=auth, region_name=admin.config.get_region_name())
    credential = mine.identity.create_application_credential(
        user=user.id, name='%s-app' % params['name'], secret=params['app_secret']
    )
    module.exit_json(
        changed=True,
        user_id=user.id,
        auth_url=auth['auth_url'],
        application_credential_id=credential.id,
    )


if __name__ == '__main__':
    main()
