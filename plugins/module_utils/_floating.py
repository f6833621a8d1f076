# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: pure decisions about floating IPs - which free one to reuse, which port takes it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import zlib
from typing import Optional


def _address_key(ip: dict) -> tuple:
    try:
        return (0, ipaddress.ip_address(ip.get('floating_ip_address') or ''))
    except ValueError:
        return (1, ip.get('floating_ip_address') or '')


def free_floating_ips(ips: list, network_id: str, project_id: str) -> tuple:
    """The floating IPs of ``project_id`` on ``network_id`` that are on no port, by address.

    An admin's listing holds every project's addresses: only the task's own project counts.
    """
    free = [
        {
            'id': ip.get('id'),
            'floating_ip_address': ip.get('floating_ip_address'),
            'revision_number': ip.get('revision_number'),
        }
        for ip in ips or ()
        if not ip.get('port_id')
        and ip.get('floating_network_id') == network_id
        and (ip.get('project_id') or ip.get('tenant_id')) == project_id
    ]
    return tuple(sorted(free, key=_address_key))


def reuse_order(free: tuple, server_id: Optional[str]) -> tuple:
    """The order a server tries the free addresses in (pure, the same on every run).

    Servers asking at once start at different places (a rotation by their ID), so that they rarely try the
    same address first; a server not created yet starts at the lowest address.
    """
    free = tuple(free)
    if not free or not server_id:
        return free
    start = zlib.crc32(str(server_id).encode('utf-8')) % len(free)
    return free[start:] + free[:start]


def port_for_floating_ip(ports: list) -> tuple:
    """(port ID, fixed IPv4 address) that a floating IP goes to: the server's first port with an IPv4
    address (by creation, then ID), as Nova's own association picks; (None, None) when there is none."""
    for port in sorted(ports or (), key=lambda p: (p.get('created_at') or '', p.get('id') or '')):
        for fixed in port.get('fixed_ips') or ():
            address = fixed.get('ip_address') or ''
            try:
                if ipaddress.ip_address(address).version == 4:
                    return port.get('id'), address
            except ValueError:
                continue
    return None, None
