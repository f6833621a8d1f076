# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: how a server is shown (pure): the addresses users read, the fields a diff compares."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
from typing import Optional

from ansible_collections.stackops.compute.plugins.module_utils._volumes import attached_ids

SECRET_MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
# Server fields that hold secrets. openstack.cloud's results have them, so ours have the keys; never the values.
SECRET_SERVER_FIELDS = ('admin_password', 'user_data')


def mask_secrets(server: dict) -> dict:
    """``server`` with each secret field SECRET_MASK when it holds something, None when not (pure)."""
    masked = dict(server)
    for key in SECRET_SERVER_FIELDS:
        masked[key] = SECRET_MASK if masked.get(key) else None
    return masked


def known_secrets(created: Optional[dict], attrs: dict) -> dict:
    """The secret fields of a new server as far as its task knows, masked (pure): a password the task gave or
    Nova returned with the create, user data the task gave. Later reads show neither (Nova shows user data
    to admins only), so the result would otherwise say the server has none."""
    known = {}
    if (created or {}).get('admin_password') or attrs.get('admin_password'):
        known['admin_password'] = SECRET_MASK
    if attrs.get('user_data'):
        known['user_data'] = SECRET_MASK
    return known


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


def is_id_of(value, server) -> bool:
    """Whether ``value`` is ``server``'s ID, however written (any case, with or without dashes) (pure).

    The one rule for options that take a name or an ID (``name`` of server and of each item of servers,
    ``server`` of the other modules): a value that found the server by its ID is an ID, and never becomes the
    server's name.
    """
    server_id = (server or {}).get('id')
    if not value or not server_id:
        return False
    return str(value).replace('-', '').lower() == str(server_id).replace('-', '').lower()


def name_to_set(value, server):
    """The name a task gives ``server`` with ``value``: None when ``value`` is its ID (see is_id_of)."""
    return None if is_id_of(value, server) else value


def present_server(server, interface='public'):
    """The server dict users see: every attribute (openstack.cloud's fields among them, secrets masked) plus
    the convenience addresses."""
    if server is None:
        return None
    shown = mask_secrets(server)
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
