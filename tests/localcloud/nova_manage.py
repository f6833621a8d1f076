"""nova-manage steps of ``localcloud up``, several in one process.

A nova-manage run spends about 2.5 s of CPU importing nova before a second of real work; on
two cores busy with a whole cloud starting, that import is what the bring-up waits for.
This calls nova-manage's own command methods (``nova.cmd.manage`` of the pinned nova
release) after a single import and configuration parse:

    nova_manage.py setup CELL0_URL --config-file ...
        api_db sync; cell_v2 map_cell0 --database_connection CELL0_URL;
        cell_v2 create_cell --name cell1
    nova_manage.py discover HOSTS --config-file ...
        wait until HOSTS compute hosts have registered in the cell database (the import is
        done meanwhile), then cell_v2 discover_hosts --verbose
"""

from __future__ import annotations

import os
import sys
import time

from nova import config, context, objects
from nova.cmd import manage
from oslo_log import log as logging

POLL = 0.2
TIMEOUT = 180.0


def load_config(config_args: list[str]) -> None:
    config.parse_args(['nova-manage', *config_args])
    logging.setup(manage.CONF, 'nova')
    objects.register_all()


def setup(cell0_url: str) -> int:
    manage.ApiDbCommands().sync()
    cells = manage.CellV2Commands()
    rc = cells.map_cell0(database_connection=cell0_url)
    return rc or cells.create_cell(name='cell1', verbose=True) or 0


def registered_hosts() -> set[str]:
    nodes = objects.ComputeNodeList.get_all(context.get_admin_context())
    return {node.host for node in nodes}


def discover(expected: int) -> int:
    deadline = time.monotonic() + TIMEOUT
    while len(registered_hosts()) < expected:
        if time.monotonic() > deadline:
            print(f'only {sorted(registered_hosts())} registered, expected {expected} hosts')
            return 1
        time.sleep(POLL)
    return manage.CellV2Commands().discover_hosts(verbose=True) or 0


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] not in ('setup', 'discover'):
        print(__doc__, file=sys.stderr)
        return 2
    command, value, config_args = argv[1], argv[2], argv[3:]
    load_config(config_args)
    if command == 'setup':
        return setup(value)
    return discover(int(value))


if __name__ == '__main__':
    rc = main(sys.argv)
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip the interpreter's teardown: it waits seconds for nova's idle background threads,
    # and every change above is committed already.
    os._exit(rc)
