# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which free floating IP a server reuses, in which order, and which port takes it (pure, as tables)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.stackops.compute.plugins.module_utils._floating import (
    free_floating_ips,
    port_for_floating_ip,
    reuse_order,
)


def fip(address, port=None, network='ext', project='p1', revision=1):
    return {
        'id': 'id-' + address,
        'floating_ip_address': address,
        'port_id': port,
        'floating_network_id': network,
        'project_id': project,
        'revision_number': revision,
        'status': 'DOWN',
    }


@pytest.mark.parametrize(
    'ips, expected',
    [
        ([], ()),
        # on a port: taken
        ([fip('203.0.113.5', port='port1')], ()),
        # another network or another project (an admin lists every project's): not ours to take
        ([fip('203.0.113.5', network='other'), fip('203.0.113.6', project='p2')], ()),
        # numeric order, not text order
        (
            [fip('203.0.113.20'), fip('203.0.113.3'), fip('203.0.113.100')],
            ('203.0.113.3', '203.0.113.20', '203.0.113.100'),
        ),
        ([fip('203.0.113.7', revision=4)], ('203.0.113.7',)),
    ],
)
def test_free_floating_ips(ips, expected):
    free = free_floating_ips(ips, 'ext', 'p1')
    assert tuple(f['floating_ip_address'] for f in free) == expected
    for entry in free:
        assert set(entry) == {'id', 'floating_ip_address', 'revision_number'}


def test_free_floating_ips_keeps_the_revision_for_the_conditional_update():
    (entry,) = free_floating_ips([fip('203.0.113.7', revision=4)], 'ext', 'p1')
    assert entry == {'id': 'id-203.0.113.7', 'floating_ip_address': '203.0.113.7', 'revision_number': 4}


def test_free_floating_ips_reads_tenant_id_of_older_clouds():
    ip = fip('203.0.113.7')
    ip['tenant_id'] = ip.pop('project_id')
    assert len(free_floating_ips([ip], 'ext', 'p1')) == 1


FREE = tuple({'floating_ip_address': '203.0.113.%d' % n} for n in range(10, 15))


@pytest.mark.parametrize('server_id', [None, ''])
def test_reuse_order_of_a_new_server_starts_at_the_lowest(server_id):
    assert reuse_order(FREE, server_id) == FREE


def test_reuse_order_is_a_rotation_that_is_the_same_every_time():
    order = reuse_order(FREE, '11111111-1111-4111-8111-111111111111')
    assert sorted(order, key=lambda f: f['floating_ip_address']) == list(FREE)
    start = FREE.index(order[0])
    assert order == FREE[start:] + FREE[:start]
    assert reuse_order(FREE, '11111111-1111-4111-8111-111111111111') == order


def test_reuse_order_spreads_servers_over_the_free_addresses():
    firsts = set(reuse_order(FREE, 'server-%d' % n)[0]['floating_ip_address'] for n in range(40))
    assert len(firsts) > 1


def test_reuse_order_of_nothing():
    assert reuse_order((), 'x') == ()


def port(pid, created, *addresses):
    return {'id': pid, 'created_at': created, 'fixed_ips': [{'ip_address': a, 'subnet_id': 's'} for a in addresses]}


@pytest.mark.parametrize(
    'ports, expected',
    [
        ([], (None, None)),
        ([port('p1', '2026-01-01T00:00:00Z', '192.0.2.5')], ('p1', '192.0.2.5')),
        # the first IPv4 address of the oldest port
        (
            [
                port('p2', '2026-01-02T00:00:00Z', '192.0.2.9'),
                port('p1', '2026-01-01T00:00:00Z', '2001:db8::5', '192.0.2.5'),
            ],
            ('p1', '192.0.2.5'),
        ),
        # a port with IPv6 only is skipped
        (
            [port('p1', '2026-01-01T00:00:00Z', '2001:db8::5'), port('p2', '2026-01-02T00:00:00Z', '192.0.2.9')],
            ('p2', '192.0.2.9'),
        ),
        ([port('p1', None, 'not-an-address')], (None, None)),
    ],
)
def test_port_for_floating_ip(ports, expected):
    assert port_for_floating_ip(ports) == expected
