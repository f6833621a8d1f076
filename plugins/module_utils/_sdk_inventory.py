# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the cloud seam's part for the inventory plugin (many clouds, fast listings).

One of the seam's files (see ``_sdk.py``), for the inventory plugin only: ``CloudsConfig`` reads clouds.yaml as
openstacksdk does and connects to each cloud region; ``InventoryCloud`` is the collection's ``Cloud`` with a
listing of every server in the shape server_info returns, without building an SDK resource per server.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import logging
import sys

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._retry import install_retry_policy
from ansible_collections.stackops.compute.plugins.module_utils._sdk import (
    APP_NAME,
    HAS_SDK,
    SDK_IMPORT_ERROR,
    Cloud,
    identity_v3_directly,
    sdk_errors,
    server_query_names,
    server_to_dict,
    to_plain,
    unreadable_config_files,
    version_cache,
)
from ansible_collections.stackops.compute.plugins.module_utils._server_view import mask_secrets

__all__ = [
    'HAS_SDK',
    'SDK_IMPORT_ERROR',
    'CloudsConfig',
    'InventoryCloud',
    'ServerShaper',
    'route_sdk_logs',
    'server_query_names',
]


def route_sdk_logs(debug=False):
    """openstacksdk's and keystoneauth's log: to stderr with ``debug`` (-vvvv), else nowhere.

    An inventory runs in Ansible's own process, where Python prints any library warning without a handler
    (keystoneauth's "Retrying in 0.5s", for one) to stderr, in the middle of ansible-inventory's output.
    """
    if debug:
        import openstack

        openstack.enable_logging(debug=True, stream=sys.stderr)
        return
    for name in ('keystoneauth', 'openstack'):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def _config_class():
    from openstack.config import loader

    class Config(loader.OpenStackConfig):
        """openstacksdk's configuration, with keystoneauth's v3 password plugin chosen as the modules choose it."""

        def auth_config_hook(self, config):
            return identity_v3_directly(super(Config, self).auth_config_hook(config))

    return Config


class CloudsConfig(object):
    """The clouds of clouds.yaml (and of the OS_* variables), read once, as openstacksdk reads them.

    ``config_files`` are looked at before openstacksdk's usual places; OS_CLIENT_CONFIG_FILE, when set, comes
    first (openstacksdk puts it there). The first file that exists is the one read.
    """

    def __init__(self, config_files=None):
        from openstack.config import loader

        self.files = [str(f) for f in (config_files or ())] + list(loader.CONFIG_FILES)
        with sdk_errors('reading the cloud configuration'):
            self._config = _config_class()(config_files=self.files, app_name=APP_NAME)

    @property
    def file_name(self):
        return self._config.config_filename

    def cloud_names(self):
        return list(self._config.get_cloud_names())

    def region_names(self, cloud):
        """The regions of a cloud, as openstacksdk's own ``get_all()`` lists them ('' for a cloud without)."""
        regions = getattr(self._config, '_get_regions', None)
        if regions is None:
            return ['']
        with sdk_errors('reading the regions of cloud %s' % cloud):
            return [r.get('name') or '' for r in regions(cloud)] or ['']

    def connect(self, cloud, region=''):
        """An ``InventoryCloud`` for one region of a cloud (no request yet)."""
        with sdk_errors('loading cloud %s' % cloud):
            config = self._config.get_one(cloud=cloud, region_name=region or '')
            cache = version_cache()
            if cache is not None and getattr(config, '_discovery_cache', None) is None:
                config._discovery_cache = cache
            from openstack import connection

            conn = connection.Connection(config=config)
        install_retry_policy(conn.session)
        return InventoryCloud(conn)


class InventoryCloud(Cloud):
    """``Cloud`` with what an inventory reads: every server in one listing, and the flavors."""

    @property
    def region_name(self):
        return self.conn.config.get_region_name() or ''

    @property
    def interface(self):
        return self.conn.config.get_interface() or 'public'

    def list_flavors(self):
        with sdk_errors('listing flavors'):
            return [to_plain(f) for f in self.conn.compute.flavors(details=True, is_public=None)]

    def list_server_dicts(self, query=None, all_projects=False, drop=()):
        """Every server the query selects, as ``list_servers`` returns them, from one paginated listing.

        Nova's JSON is shaped by ``ServerShaper`` instead of an SDK resource per server, which costs about
        ten times less. When this openstacksdk is laid out differently from the one the shaper knows,
        ``list_servers`` does the work.
        """
        shaper = ServerShaper.for_sdk()
        if shaper is None:
            return self.list_servers(query, all_projects=all_projects, drop=drop)
        query = dict(query or {})
        if all_projects:
            query['all_projects'] = True
        servers = []
        with sdk_errors('listing servers'):
            from openstack import exceptions as sdk_exc

            params = shaper.query_params(query)
            microversion = shaper.microversion(self.conn.compute)
            while True:
                response = self.conn.compute.get(
                    '/servers/detail', params=params, microversion=microversion, headers={'Accept': 'application/json'}
                )
                sdk_exc.raise_from_response(response)
                data = response.json()
                page = data.get('servers') or []
                servers.extend(shaper.shape(raw, drop) for raw in page)
                links = data.get('servers_links') or ()
                if not page or not any(link.get('rel') == 'next' for link in links):
                    return servers
                params = dict(params, marker=page[-1]['id'])


# A server as Nova's list shows it, with every kind of value the SDK converts: the shaper checks itself against
# the SDK's own resource on it before it is used.
SAMPLE_SERVER = {
    'id': '0b5c8f4e-8d0a-4a57-9c3e-0f6f1b0c9a11',
    'name': 'sample',
    'status': 'ACTIVE',
    'tenant_id': 'p',
    'user_id': 'u',
    'metadata': {'role': 'web'},
    'tags': ['a'],
    'locked': False,
    'locked_reason': None,
    'hostId': 'h',
    'created': '2026-01-01T00:00:00Z',
    'updated': '2026-01-01T00:00:01Z',
    'accessIPv4': '',
    'accessIPv6': '',
    'addresses': {'n': [{'addr': '192.0.2.1', 'version': 4, 'OS-EXT-IPS:type': 'fixed'}]},
    'flavor': {'original_name': 'm1', 'vcpus': 1, 'ram': 128, 'disk': 1, 'ephemeral': 0, 'swap': 0, 'extra_specs': {}},
    'image': {'id': 'i', 'links': [{'rel': 'bookmark', 'href': 'x'}]},
    'os-extended-volumes:volumes_attached': [{'id': 'v', 'delete_on_termination': False}],
    'security_groups': [{'name': 'default'}],
    'OS-EXT-AZ:availability_zone': 'nova',
    'OS-EXT-STS:power_state': 1,
    'OS-EXT-STS:task_state': None,
    'OS-EXT-STS:vm_state': 'active',
    'OS-SRV-USG:launched_at': '2026-01-01T00:00:02.000000',
    'OS-SRV-USG:terminated_at': None,
    'OS-DCF:diskConfig': 'MANUAL',
    'config_drive': '',
    'progress': 0,
    'key_name': None,
    'description': None,
    'host_status': None,
    'server_groups': [],
    'pinned_availability_zone': None,
    'links': [{'rel': 'self', 'href': 'x'}],
    'fault': {'code': 500, 'message': 'm', 'created': '2026-01-01T00:00:00Z'},
    'unknown-key': 'dropped',
}


class ServerShaper(object):
    """openstacksdk's ``Server(**nova_json).to_dict(computed=False)``, computed from the SDK's own attribute
    table once per process instead of a resource per server.

    Each attribute is looked up and converted as the SDK's descriptor does (its conversion function, its
    default, its alias). Values that become SDK resources (the embedded flavor and image, volume attachments)
    are built by the SDK itself, once per distinct value, and copied.
    """

    _cached = {}

    def __init__(self, server_cls, resource_cls, body_cls, convert):
        self._server_cls = server_cls
        self._resource_cls = resource_cls
        self._convert = convert
        # {server-side name: attribute}, as the SDK maps a response's keys (later attributes win).
        mapping = server_cls._get_mapping(body_cls)
        self._names = dict(mapping)
        self._attrs = set(mapping.values())
        self._by_lower = {}
        for server_name, attr in mapping.items():
            for key in (server_name.lower(), attr.lower()):
                self._by_lower.setdefault(key, []).append(server_name)
        self._fields = []
        seen = set()
        for attr, field in server_cls._attributes_iterator(body_cls):
            if attr in seen:
                continue
            seen.add(attr)
            self._fields.append((attr, field))
        self._field_of = dict(self._fields)
        self._memo = {}

    @classmethod
    def for_sdk(cls):
        """The shaper for the installed openstacksdk, or None when it cannot reproduce the SDK exactly."""
        if 'shaper' not in cls._cached:
            cls._cached['shaper'] = cls._build()
        return cls._cached['shaper']

    @classmethod
    def _build(cls):
        try:
            from openstack import fields, resource
            from openstack.compute.v2 import server as server_mod

            server_cls = server_mod.Server
            if server_cls._store_unknown_attrs_as_properties or server_cls._allow_unknown_attrs_in_body:
                return None
            if list(server_cls._attributes_iterator(fields.Header)):
                return None
            shaper = cls(server_cls, resource.Resource, fields.Body, fields._convert_type)
            shaper.query_params({'all_projects': True, 'name': 'x'})
            expected = server_to_dict(server_cls.existing(**copy.deepcopy(SAMPLE_SERVER)), ())
            if shaper.shape(copy.deepcopy(SAMPLE_SERVER), ()) != expected:
                return None
            return shaper
        except Exception:
            return None

    def query_params(self, query):
        """The SDK's query keyword arguments as Nova's query parameters, as the SDK's listing sends them."""
        return self._server_cls._query_mapping._transpose(query, self._server_cls)

    def microversion(self, adapter):
        """The compute microversion the SDK's listing of servers sends."""
        return self._server_cls._get_microversion(adapter)

    def shape(self, raw, drop=()):
        body = self._consume(raw)
        shaped = {}
        for attr, field in self._fields:
            value = self._value(body, attr, field, set())
            for key in (attr, field.aka):
                if key and key not in shaped:
                    shaped[key] = value if key == attr else copy.deepcopy(value)
        for key in drop:
            shaped.pop(key, None)
        # As the seam's server_to_dict: user data and the password can hold secrets, masked.
        return mask_secrets(shaped)

    def _consume(self, raw):
        body = {}
        for key, value in raw.items():
            if key in self._attrs or self._names.get(key):
                for server_name in self._by_lower.get(key.lower(), ()):
                    body[server_name] = value
        return body

    def _value(self, body, attr, field, seen):
        if attr == 'id':
            return body.get('id')
        if field.name not in body:
            value = field.default
            if field.alias and field.alias not in seen and field.alias in self._field_of:
                seen.add(attr)
                value = self._value(body, field.alias, self._field_of[field.alias], seen)
            return self._plain(value, copy_it=True)
        raw = body[field.name]
        if raw is None:
            return None
        if self._makes_resource(field):
            key = (attr, json.dumps(raw, sort_keys=True, default=str))
            if key not in self._memo:
                self._memo[key] = self._plain(self._convert(copy.deepcopy(raw), field.data_type, field.list_type))
            return copy.deepcopy(self._memo[key])
        return self._plain(self._convert(raw, field.data_type, field.list_type))

    def _makes_resource(self, field):
        return any(
            isinstance(t, type) and issubclass(t, self._resource_cls) for t in (field.data_type, field.list_type)
        )

    def _plain(self, value, copy_it=False):
        """A converted attribute as the SDK's ``to_dict`` gives it: resources as dicts."""
        if isinstance(value, self._resource_cls):
            return to_plain(value.to_dict())
        if value and isinstance(value, list):
            return [to_plain(v.to_dict()) if isinstance(v, self._resource_cls) else v for v in value]
        if copy_it and isinstance(value, (list, dict)):
            return copy.deepcopy(value)
        return value


def unreadable_config(files):
    """One line about the first of ``files`` that exists and is not valid YAML, or '' (the seam's check)."""
    return unreadable_config_files(list(files or ()))


def cloud_not_found(name, config):
    """The error for a cloud that clouds.yaml does not define."""
    return ComputeError(
        'Cloud %s is not in %s; it has: %s.'
        % (name, config.file_name or 'any clouds.yaml', ', '.join(sorted(config.cloud_names())) or 'no cloud')
    )
