# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the inventory plugin's reads: every cloud region at once, one listing each."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import concurrent.futures
import dataclasses

from ansible_collections.stackops.compute.plugins.module_utils import _info
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._info_read import IDS_PER_REQUEST

# Regions read at the same time. Each is one connection waiting on its cloud; more than this many clouds
# are rare, and the threads only wait.
MAX_CONCURRENT_REGIONS = 8


@dataclasses.dataclass(frozen=True)
class ReadPlan(object):
    """What to read from each cloud region."""

    query: dict  # keyword arguments of the SDK's server listing
    all_projects: bool = False
    expand: bool = False  # flavor_name and image_name


@dataclasses.dataclass(frozen=True)
class Failure(object):
    """A cloud (or one region of it) that could not be read."""

    cloud: str
    region: str
    msg: str

    def line(self) -> str:
        where = 'cloud %s' % self.cloud
        if self.region:
            where += ', region %s' % self.region
        return '%s: %s' % (where, self.msg)


def region_tasks(config, only_clouds=()):
    """(tasks as [(cloud, region)], failures) for the clouds to read, in the order they are named."""
    names = config.cloud_names()
    tasks, failures = [], []
    # str(): a name from the inventory file would carry the file's trust as a template into the host variables.
    for cloud in [str(c) for c in only_clouds or ()] or names:
        if cloud not in names:
            from ansible_collections.stackops.compute.plugins.module_utils._sdk_inventory import cloud_not_found

            failures.append(Failure(cloud, '', cloud_not_found(cloud, config).msg))
            continue
        try:
            tasks.extend((cloud, region) for region in config.region_names(cloud))
        except ComputeError as exc:
            failures.append(Failure(cloud, '', exc.msg))
    return tasks, failures


def read_region(config, cloud: str, region: str, plan: ReadPlan) -> dict:
    """One region's servers (and names with ``expand``): ``{'cloud', 'region', 'interface', 'servers'}``."""
    conn = config.connect(cloud, region)
    servers = conn.list_server_dicts(plan.query, all_projects=plan.all_projects, drop=_info.INFO_DROP_FIELDS)
    if plan.expand and servers:
        servers = add_names(conn, servers)
    return {'cloud': cloud, 'region': region or conn.region_name, 'interface': conn.interface, 'servers': servers}


def add_names(conn, servers: list) -> list:
    """flavor_name and image_name as server_info's ``resolve_names`` gives them, from at most one flavor listing
    (only when the servers do not embed their flavor's name, before compute microversion 2.47) and one image
    listing by ID (40 IDs a request). An image the listing does not show (deleted, hidden, shared and not
    accepted) has no name; it costs no request of its own."""
    flavor_ids, image_ids = _info.names_to_look_up(servers)
    flavor_names = {}
    if flavor_ids:
        flavor_names = dict((f.get('id'), f.get('name')) for f in conn.list_flavors())
    image_names = {}
    for chunk in _info.chunks(image_ids, IDS_PER_REQUEST):
        for image in conn.list_images(id='in:' + ','.join(chunk)):
            image_names[image['id']] = image.get('name')
    return [_info.add_names(s, flavor_names, image_names) for s in servers]


def read_all(config, tasks: list, plan: ReadPlan, workers: int = MAX_CONCURRENT_REGIONS, read=read_region):
    """Every (cloud, region) of ``tasks`` read at the same time: (results, failures), both in the order of ``tasks``.

    A region that fails becomes a ``Failure`` with one line; the others are read all the same.
    """
    if not tasks:
        return [], []
    outcomes = [None] * len(tasks)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(workers, len(tasks)))) as pool:
        futures = dict((pool.submit(read, config, cloud, region, plan), i) for i, (cloud, region) in enumerate(tasks))
        for future in concurrent.futures.as_completed(futures):
            i = futures[future]
            cloud, region = tasks[i]
            try:
                outcomes[i] = future.result()
            except ComputeError as exc:
                outcomes[i] = Failure(cloud, region, exc.msg)
            except Exception as exc:
                # No traceback reaches the user: the exception's own first line says what went wrong.
                text = str(exc).strip().splitlines()
                outcomes[i] = Failure(cloud, region, '%s: %s' % (type(exc).__name__, text[0] if text else 'no message'))
    results = [o for o in outcomes if not isinstance(o, Failure)]
    failures = [o for o in outcomes if isinstance(o, Failure)]
    return results, failures
