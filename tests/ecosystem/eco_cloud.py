# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local cloud helpers of tests/ecosystem/*.sh: credentials the way AWX injects them, and cleanup.

AWX's OpenStack credential writes a clouds.yaml that holds one cloud named ``devstack`` into the job's
private data dir (a temporary file name, mode 0600) and points OS_CLIENT_CONFIG_FILE at it. This helper
writes such a file from a cloud of the local cloud's clouds.yaml, and makes and removes the keystone
application credential that the second run uses.

    python eco_cloud.py awx-password SOURCE_CLOUD DEST
    python eco_cloud.py appcred-create SOURCE_CLOUD NAME DEST   # prints the credential ID
    python eco_cloud.py appcred-delete SOURCE_CLOUD NAME
    python eco_cloud.py delete-servers SOURCE_CLOUD PREFIX      # servers a failed check left behind
    python eco_cloud.py create-servers SOURCE_CLOUD PREFIX COUNT  # PREFIX-1..COUNT on network private, ACTIVE
    python eco_cloud.py locked-servers SOURCE_CLOUD PREFIX      # "name locked" of each server named PREFIX*
    python eco_cloud.py slices OUTPUT.json COUNT DEST           # AWX's job slices of an inventory update

SOURCE_CLOUD is read from the clouds.yaml that OS_CLIENT_CONFIG_FILE names.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

import openstack
import yaml

# The fields of AWX's OpenStack credential type, and the clouds.yaml keys AWX writes them to.
AWX_AUTH_FIELDS = ('auth_url', 'username', 'password', 'project_name', 'project_domain_name')


def source_cloud(name):
    with open(os.environ['OS_CLIENT_CONFIG_FILE']) as handle:
        return yaml.safe_load(handle)['clouds'][name]


def write_devstack(dest, cloud):
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as handle:
        yaml.safe_dump({'clouds': {'devstack': cloud}}, handle, default_flow_style=False)


def password_cloud(source):
    """What AWX writes for an OpenStack credential: auth fields, domain, region, verify."""
    auth = source['auth']
    devstack = {'auth': dict((key, auth[key]) for key in AWX_AUTH_FIELDS if key in auth), 'verify': True}
    # AWX's "Domain name" field becomes auth.domain_name; openstacksdk uses it as the user's and the
    # project's domain when those are not given.
    if 'user_domain_name' in auth:
        devstack['auth']['domain_name'] = auth['user_domain_name']
    if 'region_name' in source:
        devstack['region_name'] = source['region_name']
    return devstack


def connect(source_name):
    return openstack.connect(cloud=source_name)


def appcred_create(source_name, name, dest):
    source = source_cloud(source_name)
    conn = connect(source_name)
    user_id = conn.current_user_id
    for stale in conn.identity.application_credentials(user_id, name=name):
        conn.identity.delete_application_credential(user_id, stale.id)
    credential = conn.identity.create_application_credential(user_id, name=name, description='tests/ecosystem/awx.sh')
    devstack = {
        'auth_type': 'v3applicationcredential',
        'auth': {
            'auth_url': source['auth']['auth_url'],
            'application_credential_id': credential.id,
            'application_credential_secret': credential.secret,
        },
        'verify': True,
    }
    if 'region_name' in source:
        devstack['region_name'] = source['region_name']
    write_devstack(dest, devstack)
    print(credential.id)


def appcred_delete(source_name, name):
    conn = connect(source_name)
    user_id = conn.current_user_id
    deleted = 0
    for credential in conn.identity.application_credentials(user_id, name=name):
        conn.identity.delete_application_credential(user_id, credential.id)
        deleted += 1
    print('deleted %d application credential(s) named %s' % (deleted, name))


def delete_servers(source_name, prefix):
    conn = connect(source_name)
    leftovers = [server for server in conn.compute.servers() if server.name.startswith(prefix)]
    for server in leftovers:
        if server.is_locked:
            conn.compute.unlock_server(server)
        conn.compute.delete_server(server)
    for server in leftovers:
        conn.compute.wait_for_delete(server, wait=120)
    print('deleted %d server(s) named %s*' % (len(leftovers), prefix))


def create_servers(source_name, prefix, count):
    conn = connect(source_name)
    flavor = conn.compute.find_flavor('m1.tiny', ignore_missing=False)
    image = conn.image.find_image('tiny', ignore_missing=False)
    network = conn.network.find_network('private', ignore_missing=False)
    servers = [
        conn.compute.create_server(
            name='%s-%d' % (prefix, i), flavor_id=flavor.id, image_id=image.id, networks=[{'uuid': network.id}]
        )
        for i in range(1, count + 1)
    ]
    for server in servers:
        conn.compute.wait_for_server(server, wait=300)
    print('created %d server(s) named %s-N' % (count, prefix))


def locked_servers(source_name, prefix):
    conn = connect(source_name)
    for server in sorted(conn.compute.servers(), key=lambda s: s.name):
        if server.name.startswith(prefix):
            print('%s %s' % (server.name, 'locked' if server.is_locked else 'unlocked'))


def slices(output, count, dest):
    """Split the hosts of ``ansible-inventory --list --export`` output as AWX slices a job: every COUNT-th host
    by name, starting with the first, the second... Each slice is an inventory file (the yaml plugin's JSON form)
    with the hosts and their variables as exported (strings from the cloud stay marked unsafe)."""
    with open(output) as handle:
        exported = json.load(handle)
    hostvars = exported['_meta']['hostvars']
    names = sorted(hostvars)
    for number in range(count):
        hosts = dict((name, hostvars[name]) for name in names[number::count])
        with open('%s-%d.json' % (dest, number + 1), 'w') as handle:
            json.dump({'all': {'hosts': hosts}}, handle)
        print('slice %d of %d: %s' % (number + 1, count, ' '.join(sorted(hosts))))


def main(argv):
    command = argv[1] if len(argv) > 1 else ''
    if command == 'awx-password' and len(argv) == 4:
        write_devstack(argv[3], password_cloud(source_cloud(argv[2])))
    elif command == 'appcred-create' and len(argv) == 5:
        appcred_create(argv[2], argv[3], argv[4])
    elif command == 'appcred-delete' and len(argv) == 4:
        appcred_delete(argv[2], argv[3])
    elif command == 'delete-servers' and len(argv) == 4 and len(argv[3]) >= 8:
        delete_servers(argv[2], argv[3])
    elif command == 'create-servers' and len(argv) == 5:
        create_servers(argv[2], argv[3], int(argv[4]))
    elif command == 'locked-servers' and len(argv) == 4:
        locked_servers(argv[2], argv[3])
    elif command == 'slices' and len(argv) == 5:
        slices(argv[2], int(argv[3]), argv[4])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv)
