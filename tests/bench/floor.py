# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's floor: each scenario as a plain openstacksdk script (benchmarks only).

What a careful script author would write: look names up once, send every request of a batch without
waiting in between, then wait for the whole batch with one listing per second. The same functions also
bring a project to the state a scenario starts from (bench.py imports them; those requests carry the
benchmark's setup marker and are not counted).

    python floor.py SCENARIO CLOUD [NAME...]     (the scenario's servers are named NAME...)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import sys
import time

import openstack

APP_NAME = 'stackops-bench-floor'
POLL = 1.0
TIMEOUT = 600


def connect(cloud):
    return openstack.connect(cloud=cloud, app_name=APP_NAME)


def listing(conn, names):
    """The project's servers whose names are in ``names`` (one GET /servers/detail)."""
    wanted = set(names)
    return [s for s in conn.compute.servers() if s.name in wanted]


def wait_for(conn, names, done, what):
    """Poll one listing until ``done(servers)``; fail on ERROR or after TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        servers = listing(conn, names)
        errors = [s.name for s in servers if s.status == 'ERROR']
        if errors:
            raise SystemExit('floor: %s went to ERROR while %s' % (', '.join(sorted(errors)), what))
        if done(servers):
            return servers
        if time.monotonic() > deadline:
            raise SystemExit('floor: timed out while %s' % what)
        time.sleep(POLL)


def all_in(status, count):
    return lambda servers: len(servers) == count and all(s.status == status and not s.task_state for s in servers)


def create(conn, names, network='private', metadata=None, volume_size=None):
    """Create the servers of ``names`` that are missing, then wait until all are ACTIVE. With ``volume_size``
    each boots from a new volume of that size made from the image, deleted with the server."""
    have = set(s.name for s in listing(conn, names))
    missing = [n for n in names if n not in have]
    if missing:
        flavor = conn.compute.find_flavor('m1.tiny', ignore_missing=False)
        image = conn.image.find_image('tiny', ignore_missing=False)
        nets = 'none'
        if network != 'none':
            nets = [{'uuid': conn.network.find_network(network, ignore_missing=False).id}]
        boot = dict(image_id=image.id)
        if volume_size:
            root = dict(boot_index=0, uuid=image.id, source_type='image', destination_type='volume')
            boot = dict(block_device_mapping=[dict(root, volume_size=volume_size, delete_on_termination=True)])
        for name in missing:
            conn.compute.create_server(name=name, flavor_id=flavor.id, networks=nets, metadata=metadata or {}, **boot)
    wait_for(conn, names, all_in('ACTIVE', len(names)), 'creating')
    return len(missing)


def act(conn, names, action):
    """stop or start every server of ``names`` that is not already there, then wait for all."""
    source, target = ('ACTIVE', 'SHUTOFF') if action == 'stop' else ('SHUTOFF', 'ACTIVE')
    servers = listing(conn, names)
    todo = [s for s in servers if s.status == source]
    for server in todo:
        if action == 'stop':
            conn.compute.stop_server(server)
        else:
            conn.compute.start_server(server)
    wait_for(conn, names, all_in(target, len(names)), action + 'ping')
    return len(todo)


def delete(conn, names):
    servers = listing(conn, names)
    for server in servers:
        conn.compute.delete_server(server, ignore_missing=True)
    wait_for(conn, names, lambda servers: not servers, 'deleting')
    return len(servers)


def list_all(conn):
    """Every server of the project as plain data, like a server_info task returns it."""
    servers = [s.to_dict(computed=False) for s in conn.compute.servers()]
    json.dumps(servers, default=str)
    return 0


def info(conn, name):
    servers = [s.to_dict(computed=False) for s in conn.compute.servers(name='^%s$' % name) if s.name == name]
    if len(servers) != 1:
        raise SystemExit('floor: %d servers named %s' % (len(servers), name))
    return 0


def backup(conn, policy, select_key):
    """Snapshot every server with metadata ``select_key``, labelled with ``policy``; wait for the images."""
    servers = [s for s in conn.compute.servers() if s.metadata.get(select_key)]
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    for server in servers:
        conn.compute.create_server_image(
            server,
            '%s-%s-%s' % (server.name, policy, stamp),
            metadata={'stackops_policy': policy, 'stackops_server': server.id},
        )
    deadline = time.monotonic() + TIMEOUT
    while True:
        images = [
            i
            for i in conn.image.images(owner=conn.current_project_id)
            if (i.properties or {}).get('stackops_policy') == policy
        ]
        if len(images) >= len(servers) and all(i.status == 'active' for i in images):
            return len(servers)
        if any(i.status in ('killed', 'deleted') for i in images) or time.monotonic() > deadline:
            raise SystemExit('floor: backups of %s did not become active' % policy)
        time.sleep(POLL)


def main(argv):
    scenario, cloud, args = argv[0], argv[1], argv[2:]
    conn = connect(cloud)
    if scenario in ('create', 'rerun'):
        changed = create(conn, args)
    elif scenario == 'bootvol':
        changed = create(conn, args, volume_size=1)
    elif scenario in ('stop', 'start'):
        changed = act(conn, args, scenario)
    elif scenario == 'delete':
        changed = delete(conn, args)
    elif scenario == 'list':
        changed = list_all(conn)
    elif scenario == 'info':
        changed = info(conn, args[0])
    elif scenario == 'backup':
        changed = backup(conn, args[0], args[1])
    else:
        raise SystemExit('floor: unknown scenario %s' % scenario)
    print(json.dumps({'changed': changed}))


if __name__ == '__main__':
    main(sys.argv[1:])
