# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fill the local cloud's demo project with N servers named bench-NNNN, or empty it (benchmarks only)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys
import time

import openstack


def servers(conn):
    return [s for s in conn.compute.servers(name='^bench-') if s.name.startswith('bench-')]


def fill(conn, size):
    have = servers(conn)
    missing = size - len(have)
    started = time.monotonic()
    flavor = conn.compute.find_flavor('m1.tiny')
    image = conn.image.find_image('tiny')
    batch = 50
    made = len(have)
    while made < size:
        count = min(batch, size - made)
        conn.compute.create_server(
            name='bench-%04d' % made,
            flavor_id=flavor.id,
            image_id=image.id,
            networks='none',
            min_count=count,
            max_count=count,
        )
        made += count
    while missing > 0:
        active = [s for s in servers(conn) if s.status == 'ACTIVE']
        errors = [s for s in servers(conn) if s.status == 'ERROR']
        if errors:
            sys.exit('%d bench servers went to ERROR' % len(errors))
        if len(active) >= size:
            break
        time.sleep(2)
    print('bench: %d servers present (%.0f s to boot %d)' % (size, time.monotonic() - started, max(missing, 0)))


def empty(conn):
    for server in servers(conn):
        conn.compute.delete_server(server, ignore_missing=True)
    while servers(conn):
        time.sleep(2)
    print('bench: no bench servers left')


def main():
    conn = openstack.connect(cloud='local')
    if sys.argv[1] == 'fill':
        fill(conn, int(sys.argv[2]))
    else:
        empty(conn)


if __name__ == '__main__':
    main()
