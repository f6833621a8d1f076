# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the block storage (Cinder) calls of the cloud seam, and Nova's volume attachments."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._sdk_base import (
    is_uuid,
    only_one,
    sdk_errors,
    sdk_exc,
    to_plain,
)
from ansible_collections.stackops.compute.plugins.module_utils._wait import CHANGE_DELAY, CHANGE_STEP, intervals, poll

# Fields of a volume or snapshot that only say where the SDK read it from.
VOLATILE_VOLUME_FIELDS = ('location', 'links')


def volume_to_dict(resource):
    """A volume or volume snapshot as a plain dict, without the SDK's own records."""
    data = to_plain(resource)
    for key in VOLATILE_VOLUME_FIELDS:
        data.pop(key, None)
    return data


def describe_volume_state(volume):
    if not volume:
        return 'gone'
    parts = ['status %s' % volume.get('status')]
    servers = sorted(a.get('server_id') for a in volume.get('attachments') or () if a.get('server_id'))
    if servers:
        parts.append('attached to %s' % ', '.join(servers))
    return ', '.join(parts)


class BlockStorageMixin(object):
    """Volumes and volume snapshots (Cinder), and Nova's attachments of volumes to servers."""

    # ---------------------------------------------------------------- volumes

    def get_volume(self, volume_id):
        """The volume with this ID as a dict, or None when there is none."""
        with sdk_errors('reading volume %s' % volume_id):
            try:
                return volume_to_dict(self.conn.block_storage.get_volume(volume_id))
            except sdk_exc.NotFoundException:
                return None

    def find_volume(self, name_or_id):
        """One volume by ID or exact name; an error when there is none or the name is ambiguous."""
        found = []
        if is_uuid(name_or_id):
            volume = self.get_volume(name_or_id)
            found = [volume] if volume is not None else []
        if not found:
            with sdk_errors('looking up volume %s' % name_or_id):
                listed = self.conn.block_storage.volumes(details=True, name=name_or_id)
                found = [volume_to_dict(v) for v in listed if v.name == name_or_id]
        if not found:
            raise ComputeError('Volume %r not found.' % name_or_id)
        return only_one('volume', name_or_id, found)

    def list_volumes(self, all_projects=False, **query):
        """Volumes with details, every page; ``all_projects`` (admins) lists every project's."""
        if all_projects:
            query['all_projects'] = True
        with sdk_errors('listing volumes'):
            return [volume_to_dict(v) for v in self.conn.block_storage.volumes(details=True, **query)]

    def wait_for_volume(self, volume_id, done, failed=None, timeout=600, delay=CHANGE_DELAY, describe=None):
        """Poll the volume until ``done(volume)`` (None when it is gone); ``failed`` stops at once."""
        return poll(
            lambda: self.get_volume(volume_id),
            done,
            failed,
            timeout=timeout,
            describe=describe or (lambda v: 'volume %s: %s' % (volume_id, describe_volume_state(v))),
            pauses=intervals(CHANGE_STEP),
            delay=delay,
        )

    # ---------------------------------------------------------------- volume snapshots

    def get_volume_snapshot(self, snapshot_id):
        """The volume snapshot with this ID as a dict, or None when there is none."""
        with sdk_errors('reading volume snapshot %s' % snapshot_id):
            try:
                return volume_to_dict(self.conn.block_storage.get_snapshot(snapshot_id))
            except sdk_exc.NotFoundException:
                return None

    def list_volume_snapshots(self, all_projects=False, **query):
        """Volume snapshots with details, every page."""
        if all_projects:
            query['all_projects'] = True
        with sdk_errors('listing volume snapshots'):
            return [volume_to_dict(s) for s in self.conn.block_storage.snapshots(details=True, **query)]

    def delete_volume_snapshot(self, snapshot_id):
        with sdk_errors('deleting volume snapshot %s' % snapshot_id):
            self.conn.block_storage.delete_snapshot(snapshot_id, ignore_missing=True)

    def wait_for_volume_snapshot(self, snapshot_id, done, failed=None, timeout=600, delay=0):
        """Poll the snapshot until ``done(snapshot)`` (None when it is gone); ``failed`` stops at once."""
        return poll(
            lambda: self.get_volume_snapshot(snapshot_id),
            done,
            failed,
            timeout=timeout,
            describe=lambda s: 'volume snapshot %s: %s' % (snapshot_id, 'gone' if s is None else s.get('status')),
            pauses=intervals(CHANGE_STEP),
            delay=delay,
        )

    # ---------------------------------------------------------------- Nova's volume attachments

    def attach_volume(self, server_id, volume_id, device=None):
        """Nova's os-volume_attachments POST: attach a volume to a server (Nova asks Cinder)."""
        body = {'volumeId': volume_id}
        if device:
            body['device'] = device
        with sdk_errors('attaching volume %s to server %s' % (volume_id, server_id)):
            response = self.conn.compute.post(
                '/servers/%s/os-volume_attachments' % server_id, json={'volumeAttachment': body}
            )
            sdk_exc.raise_from_response(response)
            return (response.json() or {}).get('volumeAttachment') or {}

    def detach_volume(self, server_id, volume_id):
        """Nova's os-volume_attachments DELETE: detach a volume from a server."""
        with sdk_errors('detaching volume %s from server %s' % (volume_id, server_id)):
            response = self.conn.compute.delete('/servers/%s/os-volume_attachments/%s' % (server_id, volume_id))
            sdk_exc.raise_from_response(response)

    def list_volume_attachments(self, server_id):
        """Nova's record of the volumes attached to a server: [{'volumeId', 'device', ...}]."""
        with sdk_errors('listing the volume attachments of server %s' % server_id):
            response = self.conn.compute.get('/servers/%s/os-volume_attachments' % server_id)
            sdk_exc.raise_from_response(response)
            return (response.json() or {}).get('volumeAttachments') or []
