# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the compute (Nova) calls of the cloud seam."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError, closest_first, not_found
from ansible_collections.stackops.compute.plugins.module_utils._sdk_base import (
    is_uuid,
    only_one,
    sdk_errors,
    sdk_exc,
    to_plain,
)
from ansible_collections.stackops.compute.plugins.module_utils._server_view import mask_secrets
from ansible_collections.stackops.compute.plugins.module_utils._wait import CHANGE_DELAY, CHANGE_STEP, intervals, poll

# openstacksdk's own record of where it read the server from: not Nova's, and not in openstack.cloud's
# results. Everything else Nova says is kept (progress, updated_at and links too, which openstack.cloud
# returns; diffs never compare them).
DROPPED_SERVER_FIELDS = ('location',)


def server_to_dict(server, drop=DROPPED_SERVER_FIELDS):
    """A server as a plain dict without the ``drop`` fields, its secrets masked: the administrator password
    Nova returns with a create, and the user data it shows admins, never leave the seam."""
    data = to_plain(server)
    for key in drop:
        data.pop(key, None)
    return mask_secrets(data)


def is_gone(server):
    """A server Nova has deleted but not yet removed: between the compute host's delete and the removal of
    its record, Nova shows it, status DELETED, in reads and listings. Nothing can be done with it any more."""
    return server.get('status') == 'DELETED'


class ComputeMixin(object):
    """Servers, their actions and waits, flavors, keypairs, server groups, and Nova's backups and snapshots."""

    # ---------------------------------------------------------------- servers: read

    def get_server(self, server_id, drop=DROPPED_SERVER_FIELDS):
        """The server with this ID as a dict, or None when it is gone."""
        with sdk_errors('reading server %s' % server_id):
            try:
                return server_to_dict(self.conn.compute.get_server(server_id), drop)
            except sdk_exc.NotFoundException:
                return None

    def find_servers(self, name_or_id, all_projects=False):
        """Servers matching an ID or an exact name (one request either way), without the ones that are gone."""
        if is_uuid(name_or_id):
            found = self.get_server(name_or_id)
            if found is not None and not is_gone(found):
                return [found]
        # Nova matches names as a regular expression: anchor it and keep exact matches only.
        query = {'name': '^%s$' % re.escape(name_or_id)}
        return [
            s
            for s in self.list_servers(query, all_projects=all_projects)
            if s.get('name') == name_or_id and not is_gone(s)
        ]

    def find_server(self, name_or_id, all_projects=False):
        """One server by name or ID, None when there is none, an error when the name is ambiguous."""
        found = self.find_servers(name_or_id, all_projects=all_projects)
        if len(found) > 1:
            ids = sorted(s['id'] for s in found)
            raise ComputeError(
                '%d servers are named %r: %s. Give the ID instead of the name.'
                % (len(found), name_or_id, ', '.join(ids)),
                server_ids=ids,
            )
        return found[0] if found else None

    def list_servers(self, query=None, all_projects=False, limit=None, keep=None, drop=DROPPED_SERVER_FIELDS):
        """Servers as dicts, paginated by the SDK; stops after ``limit`` when given.

        ``keep(server)`` filters in Python while the pages are read, so ``limit`` counts kept servers only
        and no page is fetched once enough are kept.
        """
        query = dict(query or {})
        if limit:
            query.setdefault('limit', min(limit, 1000))
        result = []
        with sdk_errors('listing servers'):
            for server in self.conn.compute.servers(details=True, all_projects=all_projects, **query):
                data = server_to_dict(server, drop)
                if keep is not None and not keep(data):
                    continue
                result.append(data)
                if limit and len(result) >= limit:
                    break
        return result

    # ---------------------------------------------------------------- servers: write

    def create_server(self, attrs):
        with sdk_errors('creating server %s' % attrs.get('name')):
            return server_to_dict(self.conn.compute.create_server(**attrs))

    def update_server(self, server_id, attrs):
        with sdk_errors('updating server %s' % server_id):
            return server_to_dict(self.conn.compute.update_server(server_id, **attrs))

    def delete_server(self, server_id, force=False):
        with sdk_errors('deleting server %s' % server_id):
            self.conn.compute.delete_server(server_id, ignore_missing=True, force=force)

    def set_server_metadata(self, server_id, metadata):
        with sdk_errors('setting metadata on server %s' % server_id):
            self.conn.compute.set_server_metadata(server_id, **metadata)

    def delete_server_metadata(self, server_id, keys):
        with sdk_errors('deleting metadata %s from server %s' % (', '.join(sorted(keys)), server_id)):
            self.conn.compute.delete_server_metadata(server_id, list(keys))

    def add_server_tag(self, server_id, tag):
        with sdk_errors('adding tag %s to server %s' % (tag, server_id)):
            self.conn.compute.add_tag_to_server(server_id, tag)

    def remove_server_tag(self, server_id, tag):
        with sdk_errors('removing tag %s from server %s' % (tag, server_id)):
            self.conn.compute.remove_tag_from_server(server_id, tag)

    def server_call(self, method, server_id, doing, **kwargs):
        """Call compute proxy ``method`` on a server (one of the operations of the Server resource)."""
        with sdk_errors(doing):
            return to_plain(getattr(self.conn.compute, method)(server_id, **kwargs))

    def server_resource_call(self, method, server_id, doing, **kwargs):
        """Call a Server resource method that the proxy does not wrap (topology, force_delete...)."""
        with sdk_errors(doing):
            server = _server_class().existing(id=server_id)
            return to_plain(getattr(server, method)(self.conn.compute, **kwargs))

    def get_server_topology(self, server_id):
        """A server's NUMA topology. Needs microversion 2.78, which the SDK's fetch_topology does not send."""
        with sdk_errors('reading the topology of server %s' % server_id):
            response = self.conn.compute.get('/servers/%s/topology' % server_id, microversion='2.78')
            sdk_exc.raise_from_response(response)
            return response.json()

    def server_action_request(self, server_id, body, doing, microversion=None):
        """POST one server action body at a given microversion; returns the JSON answer or None.

        For actions Nova removed from later microversions while the SDK sends its newest one (the fixed and
        floating IP actions exist up to 2.43 only).
        """
        with sdk_errors(doing):
            kwargs = {'microversion': microversion} if microversion else {}
            response = self.conn.compute.post('/servers/%s/action' % server_id, json=body, **kwargs)
            sdk_exc.raise_from_response(response)
            try:
                return response.json()
            except ValueError:
                return None

    def list_server_actions(self, server_id):
        """The server's instance actions (newest first), without events."""
        with sdk_errors('listing the actions of server %s' % server_id):
            return [to_plain(a) for a in self.conn.compute.server_actions(server_id)]

    def get_server_action(self, server_id, request_id):
        """One instance action with its events (Nova shows events to admins only)."""
        with sdk_errors('reading action %s of server %s' % (request_id, server_id)):
            return to_plain(self.conn.compute.get_server_action(request_id, server_id, ignore_missing=True))

    # ---------------------------------------------------------------- waits

    def wait_for_server(self, server_id, done, failed=None, timeout=600, pauses=None, delay=0):
        """Poll the server until ``done(server)``; ERROR fails at once with Nova's fault."""

        def fetch():
            return self.get_server(server_id)

        def fail(server):
            if server is None:
                return 'Server %s disappeared while waiting.' % server_id
            if failed is not None:
                return failed(server)
            return None

        return poll(fetch, done, fail, timeout=timeout, describe=describe_server_state, pauses=pauses, delay=delay)

    def wait_for_server_gone(self, server_id, timeout=600):
        return poll(
            lambda: self.get_server(server_id),
            lambda s: s is None or s.get('status') == 'DELETED',
            timeout=timeout,
            describe=describe_server_state,
            pauses=intervals(CHANGE_STEP),
            delay=CHANGE_DELAY,
        )

    # ---------------------------------------------------------------- lookups

    def find_flavor(self, name_or_id):
        # One listing answers both questions (a flavor ID can be any string, so the SDK's find asks for the
        # ID first and lists after a 404): an ID match wins over a name match, as in the SDK.
        with sdk_errors('looking up flavor %s' % name_or_id):
            flavors = [to_plain(f) for f in self.conn.compute.flavors(details=True, is_public=None)]
        found = [f for f in flavors if f.get('id') == name_or_id] or [f for f in flavors if f.get('name') == name_or_id]
        if not found:
            raise not_found('Flavor', name_or_id, [f.get('name') or f.get('id') for f in flavors])
        return only_one('flavor', name_or_id, found)

    def find_keypair(self, name):
        with sdk_errors('looking up keypair %s' % name):
            keypair = self.conn.compute.find_keypair(name, ignore_missing=True)
            if keypair is None:
                raise not_found('Keypair', name, [k.name for k in self.conn.compute.keypairs()])
            return to_plain(keypair)

    def find_server_group(self, name_or_id):
        with sdk_errors('looking up server group %s' % name_or_id):
            group = self.conn.compute.find_server_group(name_or_id, ignore_missing=True)
            if group is None:
                raise not_found('Server group', name_or_id, [g.name or g.id for g in self.conn.compute.server_groups()])
            return to_plain(group)

    def find_availability_zone(self, name):
        """``name`` when Nova lists it as an available zone; an error naming the available zones when it does
        not. None when the cloud's policy does not let this user list the zones: Nova then decides alone."""
        with sdk_errors('listing availability zones'):
            try:
                zones = [to_plain(z) for z in self.conn.compute.availability_zones()]
            except sdk_exc.ForbiddenException:
                return None
        available = [z.get('name') for z in zones if (z.get('state') or {}).get('available')]
        if name in available:
            return name
        if name in [z.get('name') for z in zones]:
            raise ComputeError(
                'Availability zone %r is not available (no compute service of it is enabled); available: %s.'
                % (name, closest_first(name, available))
            )
        raise not_found('Availability zone', name, available)

    def compute_max_microversion(self):
        """The highest compute microversion both the SDK and the cloud speak, as a string."""
        with sdk_errors('discovering the compute API version'):
            data = self.conn.compute.get_endpoint_data()
            version = getattr(data, 'max_microversion', None)
            if not version:
                return '2.1'
            offered = tuple(version[:2])
            # compute_api_version: 2.60 in clouds.yaml pins requests to 2.60: the cloud offers no more to us.
            pinned = getattr(self.conn.compute, 'default_microversion', None)
            if pinned and '.' in str(pinned):
                offered = min(offered, tuple(int(p) for p in str(pinned).split('.')[:2]))
            return '%d.%d' % offered

    # ---------------------------------------------------------------- images made from servers

    def create_server_image(self, server_id, name, metadata):
        """Nova createImage (a snapshot); returns the new image's ID."""
        with sdk_errors('creating image %s of server %s' % (name, server_id)):
            server = _server_class().existing(id=server_id)
            return server.create_image(self.conn.compute, name, metadata)

    def create_server_backup(self, server_id, name, backup_type, rotation, metadata):
        """Nova createBackup with metadata (the SDK's backup() sends none); returns the image ID."""
        from openstack import utils as sdk_utils

        body = {'createBackup': {'name': name, 'backup_type': backup_type, 'rotation': rotation, 'metadata': metadata}}
        with sdk_errors('backing up server %s into image %s' % (server_id, name)):
            # 2.45 returns the image ID in the body; before it, in the Location header.
            microversion = '2.45' if sdk_utils.supports_microversion(self.conn.compute, '2.45') else None
            response = self.conn.compute.post('/servers/%s/action' % server_id, json=body, microversion=microversion)
            sdk_exc.raise_from_response(response)
            try:
                image_id = (response.json() or {}).get('image_id')
            except ValueError:
                image_id = None
            return image_id or response.headers['Location'].rsplit('/', 1)[1]


def _server_class():
    from openstack.compute.v2 import server as server_mod

    return server_mod.Server


def server_query_names():
    """Names the server list accepts as query parameters: {SDK or Nova name: SDK name}."""
    names = {}
    for sdk_name, nova in _server_class()._query_mapping._mapping.items():
        nova_name = nova.get('name', sdk_name) if isinstance(nova, dict) else nova
        names[sdk_name] = sdk_name
        names.setdefault(nova_name, sdk_name)
    return names


def server_attribute_names():
    """The attribute names of an SDK server, as they appear in server dicts."""
    return sorted(set(name for name, _field in _server_class()._attributes_iterator()))


def describe_server_state(server):
    if not server:
        return 'no server'
    parts = ['status %s' % server.get('status')]
    if server.get('task_state'):
        parts.append('task_state %s' % server.get('task_state'))
    fault = (server.get('fault') or {}).get('message')
    if fault:
        parts.append('fault %s' % fault)
    return ', '.join(parts)
