# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules with volumes, wired to a fake Cloud that plays Nova, Glance and Cinder: boot from a volume,
attached volumes, attach and detach, the volumes extra, and images of volume-backed servers with their
Cinder snapshots. Check mode writes nothing; wrong input fails in one line before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest
from ansible.module_utils.common import warnings

from ansible_collections.stackops.compute.plugins.module_utils import _apply_actions, _sdk, _server_apply
from ansible_collections.stackops.compute.plugins.modules import (
    server,
    server_action,
    server_image,
    server_image_info,
    server_info,
)
from ansible_collections.stackops.compute.tests.unit.helpers.modules import run_module

SID = '11111111-1111-4111-8111-111111111111'
ROOT = '22222222-2222-4222-8222-222222222222'
WRITES = (
    'create_server',
    'delete_server',
    'attach_volume',
    'detach_volume',
    'create_server_image',
    'create_server_backup',
    'delete_image',
    'update_image',
    'delete_volume_snapshot',
)


class Cloud(object):
    """Nova, Glance and Cinder in memory; every call recorded. Cinder answers a change on the next read."""

    def __init__(self):
        self.servers = {}
        self.volumes = {}
        self.snapshots = {}
        self.images = {}
        self.calls = []
        self.pending = {}  # volume or snapshot ID -> what the next read shows
        self.snapshot_delete_error = None

    def names(self):
        return [c[0] for c in self.calls]

    def writes(self):
        return [c for c in self.calls if c[0] in WRITES]

    def add_volume(self, vid, name, status='available', server_id=None, device=None, size=1):
        self.volumes[vid] = dict(
            id=vid,
            name=name,
            size=size,
            status=status,
            is_multiattach=False,
            is_bootable=False,
            volume_type='local',
            attachments=[{'server_id': server_id, 'device': device}] if server_id else [],
        )

    def add_server(self, volumes=(), image=None, status='ACTIVE'):
        self.servers[SID] = dict(
            id=SID,
            name='web1',
            status=status,
            task_state=None,
            is_locked=False,
            flavor={'original_name': 'm1.tiny'},
            image=image or {},
            addresses={},
            security_groups=[{'name': 'default'}],
            metadata={},
            tags=[],
            attached_volumes=[{'id': v, 'delete_on_termination': v == ROOT} for v in volumes],
        )

    # ---------------------------------------------------------------- Nova
    def find_server(self, ref, all_projects=False):
        self.calls.append(('find_server', ref))
        return copy.deepcopy(next((s for s in self.servers.values() if ref in (s['id'], s['name'])), None))

    def get_server(self, server_id, drop=None):
        self.calls.append(('get_server', server_id))
        return copy.deepcopy(self.servers.get(server_id))

    def list_servers(self, query=None, all_projects=False, limit=None, keep=None, drop=None):
        self.calls.append(('list_servers', all_projects))
        return [copy.deepcopy(s) for s in self.servers.values() if keep is None or keep(s)]

    def compute_max_microversion(self):
        return '2.100'

    def current_project_id(self):
        return 'p1'

    def current_roles(self):
        return ['member']

    def find_flavor(self, ref):
        self.calls.append(('find_flavor', ref))
        return {'id': 'f-' + ref, 'name': ref, 'disk': 0 if ref == 'zero' else 1}

    def find_image(self, ref):
        self.calls.append(('find_image', ref))
        return {'id': 'img-' + ref, 'name': ref}

    def create_server(self, attrs):
        self.calls.append(('create_server', copy.deepcopy(attrs)))
        volumes = [e['uuid'] for e in attrs.get('block_device_mapping') or () if e.get('source_type') == 'volume']
        self.add_server(volumes, image={'id': attrs['image_id']} if attrs.get('image_id') else {})
        return copy.deepcopy(self.servers[SID])

    def wait_for_server(self, server_id, done, failed=None, timeout=600, pauses=None, delay=0):
        assert done(self.servers[server_id])
        return copy.deepcopy(self.servers[server_id])

    def list_volume_attachments(self, server_id):
        self.calls.append(('list_volume_attachments', server_id))
        out = []
        for entry in self.servers[server_id]['attached_volumes']:
            attachment = self.volumes[entry['id']]['attachments'][0]
            out.append({'volumeId': entry['id'], 'device': attachment['device']})
        return out

    def attach_volume(self, server_id, volume_id, device=None):
        self.calls.append(('attach_volume', volume_id, device))
        self.servers[server_id]['attached_volumes'].append({'id': volume_id, 'delete_on_termination': False})
        self.volumes[volume_id]['status'] = 'attaching'
        self.pending[volume_id] = {'status': 'in-use', 'attachments': [{'server_id': server_id, 'device': '/dev/vdz'}]}

    def detach_volume(self, server_id, volume_id):
        self.calls.append(('detach_volume', volume_id))
        attached = self.servers[server_id]['attached_volumes']
        self.servers[server_id]['attached_volumes'] = [v for v in attached if v['id'] != volume_id]
        self.volumes[volume_id]['status'] = 'detaching'
        self.pending[volume_id] = {'status': 'available', 'attachments': []}

    def create_server_image(self, server_id, name, metadata):
        self.calls.append(('create_server_image', name, copy.deepcopy(metadata)))
        mapping = []
        for index, entry in enumerate(self.servers[server_id]['attached_volumes']):
            sid = 'snap-%s-%d' % (name, index)
            self.snapshots[sid] = {'id': sid, 'status': 'creating', 'volume_id': entry['id'], 'size': 1}
            self.pending[sid] = {'status': 'available'}
            mapping.append({'source_type': 'snapshot', 'snapshot_id': sid, 'boot_index': 0 if index == 0 else None})
        properties = dict(metadata, block_device_mapping=json.dumps(mapping), bdm_v2='True')
        iid = 'img-%s' % name
        self.images[iid] = dict(
            id=iid,
            name=name,
            status='active',
            owner='p1',
            is_protected=False,
            instance_uuid=properties.pop('instance_uuid', None),
            created_at='2026-12-01T00:00:00Z',
            properties=properties,
        )
        return iid

    # ---------------------------------------------------------------- Glance
    def list_images_where(self, query):
        self.calls.append(('list_images_where', dict(query)))
        out = []
        for image in self.images.values():
            have = dict(image['properties'], instance_uuid=image.get('instance_uuid'), name=image['name'])
            if all(str(have.get(k)) == str(v) for k, v in query.items() if k not in ('sort_key', 'sort_dir')):
                out.append(copy.deepcopy(image))
        return out

    def list_images(self, **query):
        self.calls.append(('list_images',))
        return [copy.deepcopy(i) for i in self.images.values()]

    def get_image(self, image_id):
        self.calls.append(('get_image', image_id))
        return copy.deepcopy(self.images.get(image_id))

    def wait_for_image(self, image_id, timeout=600, delay=0):
        return copy.deepcopy(self.images[image_id])

    def delete_image(self, image_id):
        self.calls.append(('delete_image', image_id))
        self.images.pop(image_id, None)

    # ---------------------------------------------------------------- Cinder
    def _settled(self, store, key):
        if key in self.pending and key in store:
            store[key].update(self.pending.pop(key))
        return copy.deepcopy(store.get(key))

    def find_volume(self, ref):
        self.calls.append(('find_volume', ref))
        found = [v for v in self.volumes.values() if ref in (v['id'], v['name'])]
        if not found:
            raise _sdk.ComputeError('Volume %r not found.' % ref)
        return copy.deepcopy(found[0])

    def get_volume(self, volume_id):
        return self._settled(self.volumes, volume_id)

    def list_volumes(self, all_projects=False, **query):
        self.calls.append(('list_volumes', all_projects))
        return [copy.deepcopy(v) for v in self.volumes.values()]

    def wait_for_volume(self, volume_id, done, failed=None, timeout=600, delay=0, describe=None):
        return self._poll(lambda: self.get_volume(volume_id), done, failed, 'volume %s' % volume_id)

    def _poll(self, read, done, failed, what):
        """Three reads at most: the fake settles a change on the first read after it."""
        for _attempt in range(3):
            found = read()
            if done(found):
                return found
            reason = failed(found) if failed else None
            if reason:
                raise _sdk.ComputeError(reason)
        raise _sdk.ComputeError('Timed out waiting for %s' % what)

    def get_volume_snapshot(self, snapshot_id):
        self.calls.append(('get_volume_snapshot', snapshot_id))
        return self._settled(self.snapshots, snapshot_id)

    def list_volume_snapshots(self, all_projects=False, **query):
        self.calls.append(('list_volume_snapshots',))
        return [copy.deepcopy(s) for s in self.snapshots.values()]

    def delete_volume_snapshot(self, snapshot_id):
        self.calls.append(('delete_volume_snapshot', snapshot_id))
        if self.snapshot_delete_error == snapshot_id:
            self.snapshots[snapshot_id]['status'] = 'error_deleting'
            return
        self.snapshots.pop(snapshot_id, None)

    def wait_for_volume_snapshot(self, snapshot_id, done, failed=None, timeout=600, delay=0):
        return self._poll(lambda: self.get_volume_snapshot(snapshot_id), done, failed, 'snapshot %s' % snapshot_id)


@pytest.fixture
def cloud(monkeypatch):
    warnings._global_warnings.clear()
    fake = Cloud()
    monkeypatch.setattr(_sdk, 'connect', lambda params: fake)
    monkeypatch.setattr(_server_apply, 'BOOT_DELAY', 0)
    monkeypatch.setattr(_apply_actions, 'CHANGE_DELAY', 0)
    return fake


def run(main, check_mode=False, diff=False, **args):
    args.update(cloud='local', _ansible_check_mode=check_mode, _ansible_diff=diff)
    return run_module(main, args)


NEW = dict(name='web1', flavor='m1.tiny', networks='none')


def new_server(**args):
    """The arguments of a new server: NEW with ``args`` over it."""
    out = dict(NEW)
    out.update(args)
    return out


# ------------------------------------------------------------------ server: boot from a volume


@pytest.mark.parametrize(
    'shorthand, written',
    [
        (
            dict(image='tiny', boot_from_volume=True, volume_size=3, terminate_volume=True),
            [
                dict(
                    boot_index=0,
                    uuid='img-tiny',
                    source_type='image',
                    destination_type='volume',
                    volume_size=3,
                    delete_on_termination=True,
                )
            ],
        ),
        (
            dict(root_volume='root1'),
            [
                dict(
                    boot_index=0,
                    uuid=ROOT,
                    source_type='volume',
                    destination_type='volume',
                    delete_on_termination=False,
                )
            ],
        ),
    ],
)
def test_openstack_cloud_boot_options_send_what_block_device_mapping_sends(cloud, shorthand, written):
    cloud.add_volume(ROOT, 'root1')
    result = run(server.main, **dict(NEW, **shorthand))
    assert result['changed'] is True, result
    by_shorthand = [c[1] for c in cloud.calls if c[0] == 'create_server'][0]
    assert 'image_id' not in by_shorthand
    cloud.servers.clear()
    cloud.calls = []
    result = run(server.main, **dict(NEW, block_device_mapping=written))
    assert result['changed'] is True, result
    assert [c[1] for c in cloud.calls if c[0] == 'create_server'] == [by_shorthand]


@pytest.mark.parametrize(
    'args, message',
    [
        (
            dict(image='tiny', boot_from_volume=True, volume_size=3, block_device_mapping=[{'boot_index': 0}]),
            'block_device_mapping cannot be combined with boot_from_volume, volume_size',
        ),
        (dict(image='tiny', boot_volume='root1'), 'image cannot be given with it'),
        (dict(image='tiny', boot_from_volume=True), 'boot_from_volume needs volume_size'),
        (dict(image='tiny', volume_size=3), 'set boot_from_volume=true too'),
    ],
)
def test_boot_options_that_cannot_work_fail_before_any_request(cloud, args, message):
    result = run(server.main, **dict(NEW, **args))
    assert result['failed'] is True and message in result['msg'] and '\n' not in result['msg']
    assert cloud.calls == []


def test_a_zero_disk_flavor_with_an_image_fails_before_the_create(cloud):
    result = run(server.main, **new_server(image='tiny', flavor='zero'))
    assert result['failed'] is True
    assert 'Flavor zero has a 0 GB root disk' in result['msg'] and 'boot_from_volume=true' in result['msg']
    assert cloud.writes() == []
    result = run(server.main, **new_server(image='tiny', flavor='zero', boot_from_volume=True, volume_size=1))
    assert result['changed'] is True, result


def test_volumes_of_a_new_server_are_attached_at_boot_and_predicted_in_check_mode(cloud):
    cloud.add_volume('v-1', 'data1')
    checked = run(server.main, check_mode=True, diff=True, **dict(NEW, image='tiny', volumes=['data1']))
    assert checked['changed'] is True and cloud.writes() == []
    assert checked['diff']['after']['volumes'] == ['v-1']
    real = run(server.main, diff=True, **dict(NEW, image='tiny', volumes=['data1']))
    mapping = [c[1] for c in cloud.calls if c[0] == 'create_server'][0]['block_device_mapping']
    assert [(e['uuid'], e['boot_index'], e['destination_type']) for e in mapping] == [
        ('img-tiny', 0, 'local'),
        ('v-1', -1, 'volume'),
    ]
    assert real['diff']['after']['volumes'] == checked['diff']['after']['volumes']


def test_a_volume_attached_elsewhere_fails_before_the_create(cloud):
    cloud.add_volume('v-1', 'data1', status='in-use', server_id='other', device='/dev/vdb')
    result = run(server.main, **dict(NEW, image='tiny', volumes=['data1']))
    assert result['failed'] is True and 'is attached to server other' in result['msg']
    assert cloud.writes() == []


# ------------------------------------------------------------------ server: attached volumes


def test_volumes_in_four_steps_then_purge_never_the_root(cloud):
    cloud.add_volume(ROOT, None, status='in-use', server_id=SID, device='/dev/vda')
    cloud.add_volume('v-1', 'data1')
    cloud.add_volume('v-2', 'data2')
    cloud.add_server([ROOT])
    args = dict(name='web1', volumes=['data1', 'data2'])
    checked = run(server.main, check_mode=True, diff=True, **args)
    assert checked['changed'] is True and cloud.writes() == []
    assert checked['changes'] == ['attach volume data1 (v-1)', 'attach volume data2 (v-2)']
    assert checked['diff']['after']['volumes'] == sorted([ROOT, 'v-1', 'v-2'])
    real = run(server.main, diff=True, **args)
    assert real['changes'] == checked['changes'] and real['diff'] == checked['diff']
    assert [c[:2] for c in cloud.writes()] == [('attach_volume', 'v-1'), ('attach_volume', 'v-2')]
    assert cloud.volumes['v-1']['status'] == 'in-use'
    cloud.calls = []
    again = run(server.main, **args)
    assert again['changed'] is False and cloud.writes() == []
    assert run(server.main, check_mode=True, **args)['changed'] is False
    purge = dict(name='web1', volumes=['data2'], purge_volumes=True)
    checked = run(server.main, check_mode=True, **purge)
    assert checked['changes'] == ['detach volume v-1'] and cloud.writes() == []
    real = run(server.main, **purge)
    assert real['changes'] == ['detach volume v-1'] and cloud.writes() == [('detach_volume', 'v-1')]
    # The root disk is never detached, even when the task lists no volume at all.
    everything = run(server.main, name='web1', volumes=[], purge_volumes=True)
    assert everything['changes'] == ['detach volume v-2']
    assert ('detach_volume', ROOT) not in cloud.writes()


def test_an_attachment_nova_gives_up_fails_with_one_line(cloud):
    cloud.add_volume('v-1', 'data1')
    cloud.add_server([])
    original = cloud.attach_volume

    def give_up(server_id, volume_id, device=None):
        original(server_id, volume_id, device)
        cloud.pending[volume_id] = {'status': 'available', 'attachments': []}

    cloud.attach_volume = give_up
    result = run(server.main, name='web1', volumes=['data1'])
    assert result['failed'] is True and result['changed'] is True
    assert 'Nova gave up attaching volume data1 (v-1)' in result['msg']


# ------------------------------------------------------------------ server_action


def test_attach_and_detach_volume_wait_for_cinder_and_are_idempotent(cloud):
    cloud.add_volume('v-1', 'data1')
    cloud.add_server([])
    checked = run(server_action.main, check_mode=True, server='web1', action='attach_volume', volume='data1')
    assert checked['changed'] is True and cloud.writes() == []
    assert [v['id'] for v in checked['server']['attached_volumes']] == ['v-1']
    real = run(server_action.main, server='web1', action='attach_volume', volume='data1', device='/dev/vdc')
    assert real['changed'] is True and cloud.writes() == [('attach_volume', 'v-1', '/dev/vdc')]
    assert cloud.volumes['v-1']['status'] == 'in-use'
    again = run(server_action.main, server='web1', action='attach_volume', volume='data1')
    assert again['changed'] is False and len(cloud.writes()) == 1
    detached = run(server_action.main, server='web1', action='detach_volume', volume='data1')
    assert detached['changed'] is True and cloud.volumes['v-1']['status'] == 'available'
    assert run(server_action.main, server='web1', action='detach_volume', volume='data1')['changed'] is False


def test_detaching_the_root_disk_fails_before_any_request(cloud):
    cloud.add_volume(ROOT, 'root1', status='in-use', server_id=SID, device='/dev/vda')
    cloud.add_server([ROOT])
    result = run(server_action.main, server='web1', action='detach_volume', volume='root1')
    assert result['failed'] is True and 'is its root disk (/dev/vda)' in result['msg']
    assert cloud.writes() == []


# ------------------------------------------------------------------ server_info


def test_the_volumes_extra_lists_volumes_once_for_every_server(cloud):
    cloud.add_volume(ROOT, 'root1', status='in-use', server_id=SID, device='/dev/vda', size=20)
    cloud.add_server([ROOT])
    other = dict(copy.deepcopy(cloud.servers[SID]), id='s-2', name='web2', attached_volumes=[])
    cloud.servers['s-2'] = other
    result = run(server_info.main, extras=['volumes'])
    assert cloud.names().count('list_volumes') == 1
    details = dict((s['name'], s['volume_details']) for s in result['servers'])
    assert details['web2'] == []
    assert details['web1'][0]['name'] == 'root1' and details['web1'][0]['device'] == '/dev/vda'
    assert details['web1'][0]['size'] == 20 and details['web1'][0]['delete_on_termination'] is True


# ------------------------------------------------------------------ images of volume-backed servers


def volume_backed(cloud):
    cloud.add_volume(ROOT, 'root1', status='in-use', server_id=SID, device='/dev/vda')
    cloud.add_volume('v-1', 'data1', status='in-use', server_id=SID, device='/dev/vdb')
    cloud.add_server([ROOT, 'v-1'])


def test_a_nova_backup_of_a_volume_backed_server_fails_before_any_request(cloud):
    volume_backed(cloud)
    result = run(server_image.main, server='web1', name='bk', backup_type='daily', rotation=2)
    assert result['failed'] is True and 'Nova does not back up server web1' in result['msg']
    assert cloud.writes() == []


def test_a_snapshot_of_a_volume_backed_server_waits_for_its_cinder_snapshots(cloud):
    volume_backed(cloud)
    checked = run(server_image.main, check_mode=True, server='web1', name='snap')
    assert checked['changed'] is True and cloud.writes() == []
    assert 'Nova makes a Cinder snapshot of each of its 2 volumes, which the image references' in checked['changes']
    real = run(server_image.main, server='web1', name='snap')
    metadata = [c[2] for c in cloud.calls if c[0] == 'create_server_image'][0]
    # Nova writes neither on these images; the module does, so they are found like any other snapshot.
    assert metadata['instance_uuid'] == SID and metadata['image_type'] == 'snapshot'
    assert [s['status'] for s in real['volume_snapshots']] == ['available', 'available']
    assert [s['volume_id'] for s in real['volume_snapshots']] == [ROOT, 'v-1']
    again = run(server_image.main, server='web1', name='snap')
    assert again['changed'] is False
    listed = run(server_image_info.main, server='web1')
    assert [s['id'] for s in listed['images'][0]['volume_snapshots']] == ['snap-snap-0', 'snap-snap-1']
    assert cloud.names().count('list_volume_snapshots') >= 1


def test_deleting_the_image_deletes_only_the_snapshots_no_other_image_references(cloud):
    volume_backed(cloud)
    run(server_image.main, server='web1', name='snap')
    # Another image that boots from the same root snapshot: that snapshot must stay.
    cloud.images['img-copy'] = dict(
        id='img-copy',
        name='copy',
        status='active',
        properties={'block_device_mapping': json.dumps([{'source_type': 'snapshot', 'snapshot_id': 'snap-snap-0'}])},
    )
    volumes_before = copy.deepcopy(cloud.volumes)
    cloud.calls = []
    checked = run(server_image.main, check_mode=True, diff=True, server='web1', name='snap', state='absent')
    assert cloud.writes() == [] and 'img-snap' in cloud.images
    assert [(s['id'], s['action']) for s in checked['volume_snapshots']] == [
        ('snap-snap-0', 'keep'),
        ('snap-snap-1', 'delete'),
    ]
    assert checked['diff']['before']['volume_snapshots'] == ['snap-snap-0', 'snap-snap-1']
    real = run(server_image.main, server='web1', name='snap', state='absent')
    assert real['changes'] == checked['changes']
    assert list(cloud.writes()) == [('delete_volume_snapshot', 'snap-snap-1'), ('delete_image', 'img-snap')]
    assert sorted(cloud.snapshots) == ['snap-snap-0'] and cloud.volumes == volumes_before
    assert run(server_image.main, server='web1', name='snap', state='absent')['changed'] is False


def test_a_snapshot_that_cannot_be_deleted_keeps_the_image(cloud):
    volume_backed(cloud)
    run(server_image.main, server='web1', name='snap')
    cloud.calls = []
    cloud.snapshot_delete_error = 'snap-snap-1'
    result = run(server_image.main, server='web1', name='snap', state='absent')
    assert result['failed'] is True and result['changed'] is True
    assert 'Could not delete volume snapshot snap-snap-1 of image snap (img-snap)' in result['msg']
    assert 'Image img-snap was kept' in result['msg'] and 'deleted before: snap-snap-0' in result['msg']
    assert 'img-snap' in cloud.images and ('delete_image', 'img-snap') not in cloud.writes()
