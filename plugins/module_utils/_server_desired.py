# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the server module's desired state from params, and what a create sends (pure)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import dataclasses

from ansible_collections.stackops.compute.plugins.module_utils._volumes import root_on_volume

STATUSES = ('active', 'shutoff', 'paused', 'suspended', 'shelved', 'shelved_offloaded')

# Options Nova only takes at boot and never shows again (or shows only to admins): they are used
# when the server is created and are not compared with an existing server (documented).
CREATE_ONLY = (
    'admin_password',
    'block_device_mapping',
    'config_drive',
    'disk_config',
    'scheduler_hints',
    'server_group',
    'trusted_image_certificates',
    'user_data',
)


@dataclasses.dataclass(frozen=True)
class Desired(object):
    """What the task asks for. None means the user left it out: unmanaged."""

    name: str = None
    state: str = 'present'
    image: dict = None  # resolved: {'id', 'name'}
    flavor: dict = None  # resolved: {'id', 'name'}
    key_name: str = None
    availability_zone: str = None
    networks: tuple = None  # resolved: ({'uuid'|'port'|'fixed_ip', 'name'}...) or ('auto',) / ('none',)
    security_groups: tuple = None  # names
    metadata: dict = None
    tags: tuple = None
    description: str = None
    hostname: str = None
    access_ipv4: str = None
    access_ipv6: str = None
    status: str = None  # one of STATUSES
    locked: bool = None
    locked_reason: str = None
    purge_metadata: bool = False
    purge_tags: bool = False
    purge_security_groups: bool = False
    confirm_resize: bool = True
    rebuild_on_image_change: bool = False
    floating_ips: tuple = None  # addresses that must be on the server
    delete_floating_ips: bool = False
    auto_ip: bool = None  # at least one floating IP, allocated when there is none
    floating_ip_pool: str = None  # the external network auto_ip allocates from (None: the only one)
    floating_ip_network: str = None  # that network's ID, looked up in the read step
    reuse_ips: bool = False  # take a free floating IP of the project before allocating one
    free_floating_ips: tuple = ()  # with reuse_ips: the project's free ones on the pool, read in the read step
    volumes: tuple = None  # resolved: the volumes (Cinder's dicts) that must be attached
    purge_volumes: bool = False
    volume_attachments: tuple = None  # Nova's record of an existing server's attachments (devices), for purge
    create_only: dict = dataclasses.field(default_factory=dict)


def str_dict(value):
    return dict((str(k), str(v)) for k, v in (value or {}).items())


def _norm_list(values):
    return tuple(sorted(set(str(v) for v in values or ())))


def floating_ip_options(params):
    """``params`` with ``floating_ip_pool`` as one name and ``auto_ip`` implied by it (pure).

    openstack.cloud's ``floating_ip_pools`` (an alias here) is a list, but a floating IP comes from one
    pool: a list of one is that pool, a longer list fails. A pool asks for a floating IP, as it does in
    openstack.cloud, so it implies ``auto_ip: true`` when ``auto_ip`` is left out.
    """
    pool = params.get('floating_ip_pool')
    if isinstance(pool, (list, tuple)):
        if len(pool) > 1:
            raise ValueError(
                'floating_ip_pool (alias floating_ip_pools) names the one pool a floating IP comes from; got %d: %s.'
                % (len(pool), ', '.join(str(p) for p in pool))
            )
        pool = pool[0] if pool else None
    if pool is not None and not isinstance(pool, str):
        raise ValueError('floating_ip_pool (alias floating_ip_pools) is a network name or ID, not %r.' % (pool,))
    out = dict(params)
    out['floating_ip_pool'] = pool or None
    if out['floating_ip_pool'] is None:
        return out
    if params.get('auto_ip') is False:
        raise ValueError(
            'floating_ip_pool %s is where auto_ip allocates a floating IP; it cannot be combined with '
            'auto_ip=false.' % pool
        )
    out['auto_ip'] = True
    return out


def desired_from_params(params, resolved):
    """Build Desired from module params (after floating_ip_options) and the names the read step resolved to IDs."""
    status = params.get('status')
    create_only = dict((k, params.get(k)) for k in CREATE_ONLY if params.get(k) is not None)
    if params.get('server_group') is not None and resolved.get('server_group'):
        create_only['server_group'] = resolved['server_group']
    if resolved.get('block_device_mapping'):
        # openstack.cloud's boot options and volumes, as Nova's mapping (see _server_volumes).
        create_only['block_device_mapping'] = resolved['block_device_mapping']
    if resolved.get('boot_volume'):
        create_only['boot_volume'] = resolved['boot_volume']
    locked = params.get('locked')
    if locked is None and params.get('locked_reason') is not None:
        locked = True
    return Desired(
        name=params.get('name'),
        state=params.get('state') or 'present',
        image=resolved.get('image'),
        flavor=resolved.get('flavor'),
        key_name=params.get('key_name'),
        availability_zone=params.get('availability_zone'),
        networks=tuple(resolved['networks']) if resolved.get('networks') is not None else None,
        security_groups=_norm_list(params['security_groups']) if params.get('security_groups') is not None else None,
        metadata=str_dict(params['metadata']) if params.get('metadata') is not None else None,
        tags=_norm_list(params['tags']) if params.get('tags') is not None else None,
        description=params.get('description'),
        hostname=params.get('hostname'),
        access_ipv4=params.get('access_ipv4'),
        access_ipv6=params.get('access_ipv6'),
        status=status.lower() if status else None,
        locked=locked,
        locked_reason=params.get('locked_reason'),
        purge_metadata=bool(params.get('purge_metadata')),
        purge_tags=bool(params.get('purge_tags')),
        purge_security_groups=bool(params.get('purge_security_groups')),
        confirm_resize=params.get('confirm_resize', True) is not False,
        rebuild_on_image_change=bool(params.get('rebuild_on_image_change')),
        floating_ips=tuple(params['floating_ips']) if params.get('floating_ips') is not None else None,
        auto_ip=params.get('auto_ip'),
        floating_ip_pool=params.get('floating_ip_pool'),
        floating_ip_network=resolved.get('floating_ip_network'),
        reuse_ips=bool(params.get('reuse_ips')),
        free_floating_ips=tuple(resolved.get('free_floating_ips') or ()),
        delete_floating_ips=bool(params.get('delete_floating_ips')),
        volumes=tuple(resolved['volumes']) if resolved.get('volumes') is not None else None,
        purge_volumes=bool(params.get('purge_volumes')),
        volume_attachments=tuple(resolved['volume_attachments']) if resolved.get('volume_attachments') else None,
        create_only=create_only,
    )


def checked_zone(availability_zone):
    """The zone Nova checks when a server is created with ``availability_zone``, or None when it checks none
    (pure).

    Nova also reads ``zone:host``, ``zone::node`` and ``zone:host:node`` (a host is an admin's to force): with
    a host it checks no zone, and an empty zone is the cloud's default one.
    """
    if not availability_zone or ':' not in availability_zone:
        return availability_zone or None
    zone, _sep, rest = availability_zone.partition(':')
    if rest.startswith(':') and rest.count(':') == 1:
        return zone or None
    return None


def encode_user_data(user_data):
    """Nova wants user data base64-encoded; users write plain text (already-encoded data passes through)."""
    if user_data is None:
        return None
    raw = user_data.encode('utf-8') if not isinstance(user_data, bytes) else user_data
    try:
        if base64.b64encode(base64.b64decode(raw, validate=True)) == raw.strip():
            return raw.strip().decode('ascii')
    except (ValueError, TypeError):
        pass
    return base64.b64encode(raw).decode('ascii')


def create_attrs(desired):
    """The openstacksdk create_server attributes for Desired."""
    attrs = dict(name=desired.name, flavor_id=desired.flavor['id'])
    # A root disk on a volume comes from the mapping: Nova then takes no image reference besides.
    if desired.image and not root_on_volume(desired.create_only.get('block_device_mapping')):
        attrs['image_id'] = desired.image['id']
    for key in ('key_name', 'availability_zone', 'description', 'hostname', 'access_ipv4', 'access_ipv6'):
        if getattr(desired, key) is not None:
            attrs[key] = getattr(desired, key)
    if desired.networks is not None:
        if desired.networks in (('auto',), ('none',)):
            attrs['networks'] = desired.networks[0]
        else:
            attrs['networks'] = [
                dict((k, v) for k, v in n.items() if k in ('uuid', 'port', 'fixed_ip')) for n in desired.networks
            ]
    if desired.security_groups is not None:
        attrs['security_groups'] = [{'name': g} for g in desired.security_groups]
    if desired.metadata is not None:
        attrs['metadata'] = dict(desired.metadata)
    if desired.tags is not None:
        attrs['tags'] = list(desired.tags)
    only = desired.create_only
    if only.get('user_data') is not None:
        attrs['user_data'] = encode_user_data(only['user_data'])
    if only.get('admin_password') is not None:
        attrs['admin_password'] = only['admin_password']
    if only.get('config_drive') is not None:
        attrs['config_drive'] = only['config_drive']
    if only.get('disk_config') is not None:
        attrs['disk_config'] = only['disk_config']
    if only.get('block_device_mapping') is not None:
        attrs['block_device_mapping'] = only['block_device_mapping']
    if only.get('trusted_image_certificates') is not None:
        attrs['trusted_image_certificates'] = only['trusted_image_certificates']
    hints = dict(only.get('scheduler_hints') or {})
    if only.get('server_group') is not None:
        hints['group'] = only['server_group']['id'] if isinstance(only['server_group'], dict) else only['server_group']
    if hints:
        attrs['scheduler_hints'] = hints
    if not desired.image and not only.get('block_device_mapping'):
        raise ValueError('image')
    return attrs


def predicted_new_server(desired):
    """What a server made from Desired will look like (check mode has no real one to show)."""
    status = (desired.status or 'active').upper()
    mapping = desired.create_only.get('block_device_mapping')
    # Nova shows no image for a server whose root disk is a volume (openstacksdk: an empty dict).
    image = {'id': desired.image['id']} if desired.image and not root_on_volume(mapping) else {}
    # The volumes the mapping names are attached at boot; a root volume Nova makes has no ID before it exists.
    volumes = [
        {'id': e['uuid'], 'delete_on_termination': bool(e.get('delete_on_termination'))}
        for e in mapping or ()
        if e.get('source_type') == 'volume' and e.get('uuid')
    ]
    return dict(
        id=None,
        name=desired.name,
        status=status,
        flavor={'original_name': desired.flavor['name'], 'id': desired.flavor['id']},
        image=image,
        key_name=desired.key_name,
        availability_zone=desired.availability_zone,
        addresses=dict(
            (n.get('name') or n.get('uuid') or n.get('port'), []) for n in desired.networks or () if isinstance(n, dict)
        ),
        security_groups=[{'name': g} for g in (desired.security_groups or ('default',))],
        metadata=dict(desired.metadata or {}),
        tags=list(desired.tags or ()),
        description=desired.description,
        hostname=desired.hostname,
        access_ipv4=desired.access_ipv4 or '',
        access_ipv6=desired.access_ipv6 or '',
        is_locked=bool(desired.locked),
        locked_reason=desired.locked_reason if desired.locked else None,
        attached_volumes=volumes,
    )
