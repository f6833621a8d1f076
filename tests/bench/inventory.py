# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's inventory scenario (bench.py imports it): ``ansible-inventory --list`` of a project of N
servers with this collection's inventory plugin and with openstack.cloud's, next to the floor script's listing.

The run's ``inv`` project holds servers that no compute host takes: their flavor asks for more vCPUs than the
cloud has, so the scheduler puts them in ERROR at once. Booting 1,000 servers on the fake compute hosts takes
most of an hour and holds up every other client of the shared cloud; these take minutes, and Nova lists them
with the same request and the same detailed view (plus each one's fault). Both sources read that cloud with
``show_all: true`` (the servers have no address, and both plugins leave such servers out by default);
everything else is each plugin's default. Their output goes to a file, whose hosts are counted: a step that
lists fewer hosts than the project has servers fails.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import sys
import time

SOURCES = {
    'ours': ('ours.openstack.yml', 'stackops.compute.openstack'),
    'theirs': ('theirs.openstack.yml', 'openstack.cloud.openstack'),
}
DEFAULT_SIZES = '200 1000'
# /usr/bin/time's record of a step: peak memory (kB, a number alone, as bench.py reads it) and the CPU seconds
# of the process (user + system), which a busy machine changes less than the wall time.
TIME_FORMAT = '%M cpu=%U+%S'
# openstack.cloud's plugin at 1,000 servers adds minutes to a run and no target: it is measured up to this size.
THEIRS_UP_TO = 200


def sizes(environ):
    return sorted(set(int(s) for s in (environ.get('BENCH_INVENTORY_SIZES') or DEFAULT_SIZES).split()))


def write_sources(work, cloud):
    """One inventory source per plugin, in the run's folder; returns {client: path}."""
    paths = {}
    for client, (name, plugin) in SOURCES.items():
        path = os.path.join(work, name)
        with open(path, 'w') as handle:
            handle.write('plugin: %s\nonly_clouds: [%s]\nshow_all: true\n' % (plugin, cloud))
        paths[client] = path
    return paths


def command(venv, source, output, rss):
    """ansible-inventory --list of ``source`` into ``output``, its peak memory into ``rss``."""
    return [
        '/usr/bin/time',
        '-o',
        rss,
        '-f',
        TIME_FORMAT,
        os.path.join(venv, 'bin', 'ansible-inventory'),
        '-i',
        source,
        '--list',
        '--output',
        output,
    ]


def environment():
    """Settings of the inventory steps: a source that fails fails the step."""
    return {'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': 'true', 'ANSIBLE_INVENTORY_ENABLED': 'auto'}


def count_hosts(output):
    """The number of hosts in ansible-inventory's output, then the output is removed (it is megabytes)."""
    try:
        with open(output) as handle:
            return len((json.load(handle).get('_meta') or {}).get('hostvars') or {})
    except (OSError, ValueError):
        return None
    finally:
        if os.path.exists(output):
            os.remove(output)


def cpu_seconds(path):
    """The CPU seconds /usr/bin/time recorded in ``path`` (TIME_FORMAT), or None."""
    try:
        with open(path) as handle:
            text = handle.read()
    except OSError:
        return None
    found = re.findall(r'cpu=([0-9.]+)\+([0-9.]+)', text)
    return round(sum(float(u) + float(s) for u, s in found), 2) if found else None


# vCPUs that no host of the local cloud has (two fake hosts of 1,000, allocation ratio 100).
NO_HOST_VCPUS = 500000


def flavor_name(rid):
    return 'bench-%s-nohost' % rid


def fill(cloud, role, size, batch=50, timeout=1800):
    """Servers named ``<role>-NNNN`` in ``role``'s project until it has ``size``, all of them in ERROR."""
    admin, conn, project = cloud.admin, cloud.conn(role), cloud.projects[role]
    flavor = admin.compute.find_flavor(flavor_name(cloud.rid), ignore_missing=True)
    if flavor is None:
        # Private, so that no one else's flavor listing shows it.
        flavor = admin.compute.create_flavor(
            name=flavor_name(cloud.rid), ram=128, vcpus=NO_HOST_VCPUS, disk=1, is_public=False
        )
        admin.compute.flavor_add_tenant_access(flavor, project.id)
    image = conn.image.find_image('tiny', ignore_missing=False)
    started = time.monotonic()
    made = len(list(conn.compute.servers()))
    while made < size:
        count = min(batch, size - made)
        conn.compute.create_server(
            name='%s-%04d' % (role, made),
            flavor_id=flavor.id,
            image_id=image.id,
            networks='none',
            min_count=count,
            max_count=count,
        )
        made += count
    while True:
        servers = list(conn.compute.servers())
        if len(servers) >= size and all(s.status == 'ERROR' for s in servers):
            break
        if time.monotonic() - started > timeout:
            raise SystemExit('bench: %d servers of project %s did not reach ERROR in time' % (size, role))
        time.sleep(2)
    print(
        'bench: project %s: %d servers, in ERROR (%.0f s)' % (role, size, time.monotonic() - started), file=sys.stderr
    )


def remove_flavors(admin, rid):
    flavor = admin.compute.find_flavor(flavor_name(rid), ignore_missing=True)
    if flavor is not None:
        admin.compute.delete_flavor(flavor, ignore_missing=True)


def clients_at(size, chosen):
    return [c for c in chosen if c != 'theirs' or size <= THEIRS_UP_TO]


def target_rows(get, ratio, report, add):
    """The issue's targets for the inventory plugin, as rows of the report's target table."""
    inventory_sizes = report.get('inventory_sizes') or []
    small = [s for s in inventory_sizes if s <= THEIRS_UP_TO]
    for size, other, label, limit in (
        (small[-1] if small else None, 'theirs', "no slower than openstack.cloud's plugin", 1.0),
        (inventory_sizes[-1] if inventory_sizes else None, 'floor', 'within 1.3× a plain openstacksdk listing', 1.3),
    ):
        ours, them = (get('inventory', 'ours', size), get('inventory', other, size)) if size else (None, None)
        r = ratio(ours, them, 'wall')
        measured = '-'
        if r:
            measured = '%.2f× (%.2f s vs %.2f s; %g vs %g requests)' % (
                r,
                ours['wall']['median'],
                them['wall']['median'],
                ours['requests']['median'],
                them['requests']['median'],
            )
            if ours.get('outside') and them.get('outside'):
                measured += "; outside the cloud's answers %.2f s vs %.2f s (%.2f×)" % (
                    ours['outside']['median'],
                    them['outside']['median'],
                    ours['outside']['median'] / them['outside']['median'],
                )
            if ours.get('cpu') and them.get('cpu'):
                measured += '; CPU %.2f s vs %.2f s (%.2f×)' % (
                    ours['cpu']['median'],
                    them['cpu']['median'],
                    ours['cpu']['median'] / them['cpu']['median'],
                )
        add('ansible-inventory at %s servers %s' % (size or 'N', label), measured, None if r is None else r <= limit)
