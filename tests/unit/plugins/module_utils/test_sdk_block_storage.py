# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The block storage calls of _sdk.Cloud against fake Cinder and Nova adapters."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _sdk

pytest.importorskip('openstack')

VID = '53fff5e3-073d-4dd6-878d-cafd5bc8bbaf'


class Volume(dict):
    """What the SDK yields: attribute access and to_dict()."""

    def __getattr__(self, name):
        return self[name]

    def to_dict(self, computed=True):
        return dict(self, location=None)


class FakeBlockStorage(object):
    def __init__(self, volumes):
        self.volumes_by_id = dict((v['id'], v) for v in volumes)
        self.calls = []

    def get_volume(self, volume_id):
        from openstack import exceptions

        self.calls.append(('get_volume', volume_id))
        if volume_id not in self.volumes_by_id:
            raise exceptions.NotFoundException('no volume')
        return Volume(self.volumes_by_id[volume_id])

    def volumes(self, details=True, **query):
        self.calls.append(('volumes', query))
        # Cinder's name filter is exact; the SDK may also match more loosely: the seam compares again.
        return [Volume(v) for v in self.volumes_by_id.values() if query.get('name', v['name']) in v['name']]


class Response(object):
    status_code = 200
    headers = {}

    def __init__(self, body=None):
        self.body = body

    def json(self):
        return self.body


class FakeCompute(object):
    def __init__(self):
        self.calls = []

    def post(self, url, json=None, **kwargs):
        self.calls.append(('POST', url, json))
        return Response({'volumeAttachment': dict(json['volumeAttachment'], device='/dev/vdb')})

    def delete(self, url, **kwargs):
        self.calls.append(('DELETE', url))
        return Response()

    def get(self, url, **kwargs):
        self.calls.append(('GET', url))
        return Response({'volumeAttachments': [{'volumeId': VID, 'device': '/dev/vdb'}]})


class FakeConn(object):
    def __init__(self, volumes):
        self.block_storage = FakeBlockStorage(volumes)
        self.compute = FakeCompute()


def cloud(*volumes):
    return _sdk.Cloud(FakeConn(list(volumes)))


def test_a_volume_id_is_read_directly_and_a_name_is_matched_exactly():
    found = cloud({'id': VID, 'name': 'data1'}, {'id': 'v-2', 'name': 'data10'})
    assert found.find_volume(VID)['name'] == 'data1'
    assert found.conn.block_storage.calls == [('get_volume', VID)]
    assert found.find_volume('data1')['id'] == VID
    assert 'location' not in found.find_volume('data1')


def test_a_missing_or_ambiguous_volume_is_one_line():
    with pytest.raises(_sdk.ComputeError, match="Volume 'nope' not found."):
        cloud({'id': VID, 'name': 'data1'}).find_volume('nope')
    with pytest.raises(_sdk.ComputeError, match="2 volumes are named 'twin'"):
        cloud({'id': VID, 'name': 'twin'}, {'id': 'v-2', 'name': 'twin'}).find_volume('twin')


def test_attachments_go_through_novas_os_volume_attachments():
    found = cloud()
    assert found.attach_volume('s-1', VID, '/dev/vdb')['device'] == '/dev/vdb'
    found.detach_volume('s-1', VID)
    assert found.list_volume_attachments('s-1') == [{'volumeId': VID, 'device': '/dev/vdb'}]
    assert found.conn.compute.calls == [
        ('POST', '/servers/s-1/os-volume_attachments', {'volumeAttachment': {'volumeId': VID, 'device': '/dev/vdb'}}),
        ('DELETE', '/servers/s-1/os-volume_attachments/%s' % VID),
        ('GET', '/servers/s-1/os-volume_attachments'),
    ]
