# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: how a server is shown (pure): the addresses users read, the fields a diff compares."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.stackops.compute.plugins.module_utils._volumes import attached_ids

SECRET_MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def _ip_entries(server):
    for network, entries in sorted((server.get('addresses') or {}).items()):
        for entry in entries or []:
            addr = entry.get('addr')
            if not addr:
                continue
            try:
                ip = ipaddress.ip_address(addr)
            except ValueError:
                continue
            yield network, entry.get('OS-EXT-IPS:type') or 'fixed', ip


def convenience_addresses(server, interface='public'):
    """private/public v4/v6 and interface_ip from Nova's ``addresses``.

    public: a floating IP, else a fixed address that is globally routable. private: a fixed address
    that is not. interface_ip: the address a client on the ``interface`` side reaches first.
    """
    out = dict(private_v4='', private_v6='', public_v4='', public_v6='')
    for _network, kind, ip in _ip_entries(server):
        family = 'v4' if ip.version == 4 else 'v6'
        is_public = kind == 'floating' or ip.is_global
        key = ('public_' if is_public else 'private_') + family
        if kind == 'floating' and out[key] and not _was_floating(server, out[key]):
            out[key] = str(ip)
        elif not out[key]:
            out[key] = str(ip)
    if interface in ('internal', 'admin'):
        order = ('private_v4', 'private_v6', 'public_v4', 'public_v6')
    else:
        order = ('public_v4', 'public_v6', 'private_v4', 'private_v6')
    out['interface_ip'] = next((out[k] for k in order if out[k]), '')
    return out


def _was_floating(server, address):
    return any(str(ip) == address and kind == 'floating' for _n, kind, ip in _ip_entries(server))


def present_server(server, interface='public'):
    """The server dict users see: every attribute plus the convenience addresses."""
    if server is None:
        return None
    shown = dict(server)
    shown.update(convenience_addresses(server, interface))
    return shown


def server_view(server):
    """The fields a person compares: what the module manages, normalized (sorted, names, no volatility)."""
    if server is None:
        return None
    flavor = server.get('flavor') or {}
    image = server.get('image') or {}
    return dict(
        id=server.get('id'),
        name=server.get('name'),
        status=server.get('status'),
        flavor=flavor.get('original_name') or flavor.get('name') or flavor.get('id'),
        image=image.get('id') if isinstance(image, dict) else image,
        key_name=server.get('key_name'),
        availability_zone=server.get('availability_zone'),
        networks=sorted((server.get('addresses') or {}).keys()),
        security_groups=sorted(set(g.get('name') for g in server.get('security_groups') or [] if g.get('name'))),
        metadata=dict(server.get('metadata') or {}),
        tags=sorted(server.get('tags') or []),
        description=server.get('description'),
        hostname=server.get('hostname'),
        access_ipv4=server.get('access_ipv4') or '',
        access_ipv6=server.get('access_ipv6') or '',
        is_locked=bool(server.get('is_locked')),
        locked_reason=server.get('locked_reason'),
        volumes=sorted(attached_ids(server)),
    )


def floating_addresses(server):
    return sorted(str(ip) for _n, kind, ip in _ip_entries(server or {}) if kind == 'floating')
