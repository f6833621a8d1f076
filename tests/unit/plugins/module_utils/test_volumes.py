# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure volume decisions: boot options to Nova's mapping, attachments, and the snapshots of images."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _volumes

SID = 's-1'


def volume(vid='v-1', name='data1', status='available', attached_to=(), device='/dev/vdb', **extra):
    data = dict(
        id=vid,
        name=name,
        status=status,
        size=1,
        is_multiattach=False,
        attachments=[{'server_id': s, 'device': device, 'volume_id': vid} for s in attached_to],
    )
    data.update(extra)
    return data


def server(status='ACTIVE', volumes=(), image=None, **extra):
    data = dict(
        id=SID,
        name='web1',
        status=status,
        image=image if image is not None else {},
        attached_volumes=[{'id': v, 'delete_on_termination': False} for v in volumes],
    )
    data.update(extra)
    return data


def image_of(snapshots, iid='i-1', name='web1-snap', volume_entry=None):
    mapping = [
        dict(source_type='snapshot', destination_type='volume', snapshot_id=s, boot_index=0 if n == 0 else None)
        for n, s in enumerate(snapshots)
    ]
    if volume_entry:
        mapping.append(dict(source_type='volume', destination_type='volume', volume_id=volume_entry, boot_index=-1))
    return dict(id=iid, name=name, properties={'block_device_mapping': json.dumps(mapping), 'bdm_v2': 'True'})


# ------------------------------------------------------------------ boot options


@pytest.mark.parametrize(
    'params, message',
    [
        ({}, None),
        ({'boot_from_volume': False, 'terminate_volume': False}, None),
        ({'boot_from_volume': True, 'image': 'tiny', 'volume_size': 20}, None),
        ({'boot_volume': 'root1'}, None),
        ({'boot_volume': 'root1', 'terminate_volume': True}, None),
        (
            {'boot_from_volume': True, 'volume_size': 2, 'block_device_mapping': [{'boot_index': 0}]},
            'block_device_mapping cannot be combined with boot_from_volume, volume_size: both describe',
        ),
        (
            {'boot_volume': 'root1', 'block_device_mapping': [{'boot_index': 0}]},
            'block_device_mapping cannot be combined with boot_volume',
        ),
        ({'boot_volume': 'root1', 'image': 'tiny'}, 'image cannot be given with it'),
        ({'boot_volume': 'root1', 'boot_from_volume': True}, 'give one of them'),
        ({'boot_volume': 'root1', 'volume_size': 3}, 'boot_volume has its own size'),
        ({'boot_from_volume': True, 'volume_size': 2}, 'boot_from_volume copies image to a new root volume'),
        ({'boot_from_volume': True, 'image': 'tiny'}, 'boot_from_volume needs volume_size'),
        ({'boot_from_volume': True, 'image': 'tiny', 'volume_size': 0}, 'volume_size must be 1 (GB) or more'),
        ({'volume_size': 20, 'image': 'tiny'}, 'set boot_from_volume=true too'),
        ({'terminate_volume': True, 'image': 'tiny'}, 'it needs boot_from_volume or boot_volume'),
    ],
)
def test_boot_options_that_cannot_work_are_one_line(params, message):
    error = _volumes.boot_option_error(params)
    if message is None:
        assert error is None
    else:
        assert message in error and '\n' not in error


@pytest.mark.parametrize(
    'params, boot_volume, expected',
    [
        (
            {'boot_from_volume': True, 'volume_size': 20, 'terminate_volume': True},
            None,
            [
                {
                    'boot_index': 0,
                    'uuid': 'img-1',
                    'source_type': 'image',
                    'destination_type': 'volume',
                    'volume_size': 20,
                    'delete_on_termination': True,
                }
            ],
        ),
        (
            {'boot_from_volume': True, 'volume_size': 5},
            None,
            [
                {
                    'boot_index': 0,
                    'uuid': 'img-1',
                    'source_type': 'image',
                    'destination_type': 'volume',
                    'volume_size': 5,
                    'delete_on_termination': False,
                }
            ],
        ),
        (
            {'boot_volume': 'root1'},
            'vol-root',
            [
                {
                    'boot_index': 0,
                    'uuid': 'vol-root',
                    'source_type': 'volume',
                    'destination_type': 'volume',
                    'delete_on_termination': False,
                }
            ],
        ),
        ({}, None, []),
    ],
)
def test_openstack_cloud_boot_options_are_the_mapping_nova_documents(params, boot_volume, expected):
    mapping = _volumes.boot_mapping(params, 'img-1', boot_volume)
    assert mapping == expected
    assert _volumes.root_on_volume(mapping) is bool(expected)


def test_volumes_at_boot_from_an_image_spell_out_the_image_disk():
    # Nova refuses extra volumes without the root disk in the mapping ("Boot sequence ... not valid").
    mapping = _volumes.with_attached_volumes([], ['v-1', 'v-2'], 'img-1')
    assert mapping[0] == {
        'boot_index': 0,
        'uuid': 'img-1',
        'source_type': 'image',
        'destination_type': 'local',
        'delete_on_termination': True,
    }
    assert [(e['uuid'], e['boot_index'], e['delete_on_termination']) for e in mapping[1:]] == [
        ('v-1', -1, False),
        ('v-2', -1, False),
    ]


def test_volumes_at_boot_from_a_volume_keep_that_root_and_skip_what_it_names():
    root = _volumes.boot_mapping({'boot_volume': 'r'}, None, 'vol-root')
    mapping = _volumes.with_attached_volumes(root, ['vol-root', 'v-1'], None)
    assert [e['uuid'] for e in mapping] == ['vol-root', 'v-1']
    assert _volumes.with_attached_volumes(root, [], None) == root


@pytest.mark.parametrize(
    'flavor, image, mapping, refused',
    [
        ({'name': 'zero', 'disk': 0}, {'name': 'tiny'}, None, True),
        ({'name': 'zero', 'disk': 0}, {'name': 'tiny'}, [{'boot_index': 0, 'destination_type': 'local'}], True),
        ({'name': 'zero', 'disk': 0}, {'name': 'tiny'}, [{'boot_index': '0', 'destination_type': 'volume'}], False),
        ({'name': 'zero', 'disk': 0}, None, [{'boot_index': 0, 'destination_type': 'volume'}], False),
        ({'name': 'm1.tiny', 'disk': 1}, {'name': 'tiny'}, None, False),
        # a flavor named the way the server has it is not looked up: its disk is unknown, never refused
        ({'name': 'm1.tiny'}, {'name': 'tiny'}, None, False),
        # an image of a volume-backed server: Nova makes its root volume from the snapshot the image maps
        ({'name': 'zero', 'disk': 0}, {'name': 'bfv-backup', 'root_on_volume': True}, None, False),
    ],
)
def test_zero_disk_flavor_with_an_image_says_how_to_boot_from_a_volume(flavor, image, mapping, refused):
    error = _volumes.zero_disk_error(flavor, image, mapping)
    assert bool(error) is refused
    if refused:
        assert 'boot_from_volume=true and volume_size=<GB>' in error and 'zero' in error


VOLUME_IMAGE_BDM = (
    '[{"boot_index": 0, "source_type": "snapshot", "destination_type": "volume", "snapshot_id": "snap-1"},'
    ' {"boot_index": null, "source_type": "snapshot", "destination_type": "volume", "snapshot_id": "snap-2"}]'
)


@pytest.mark.parametrize(
    'image, expected',
    [
        ({'id': 'i', 'name': 'tiny', 'properties': {}}, {'id': 'i', 'name': 'tiny'}),
        (
            {'id': 'i', 'name': 'bfv', 'properties': {'block_device_mapping': VOLUME_IMAGE_BDM}},
            {'id': 'i', 'name': 'bfv', 'root_on_volume': True},
        ),
        # openstacksdk may lift the property to the top level
        ({'id': 'i', 'block_device_mapping': VOLUME_IMAGE_BDM}, {'id': 'i', 'name': None, 'root_on_volume': True}),
        # a mapping with no root volume (only a data volume) boots from the image's own bytes
        (
            {'id': 'i', 'block_device_mapping': '[{"boot_index": -1, "destination_type": "volume"}]'},
            {'id': 'i', 'name': None},
        ),
    ],
)
def test_a_resolved_image_says_whether_it_boots_from_a_volume(image, expected):
    assert _volumes.resolved_image(image) == expected


# ------------------------------------------------------------------ attachments


@pytest.mark.parametrize(
    'device, root, expected',
    [
        ('/dev/vda', None, True),
        ('/dev/sda', None, True),
        ('/dev/xvda', None, True),
        ('/dev/hda', None, True),
        ('/dev/sda1', None, True),
        ('vda', None, True),
        ('/dev/vdb', None, False),
        ('/dev/sdaa', None, False),
        ('/dev/vdb', '/dev/vdb', True),
        ('/dev/vda', '/dev/vdb', False),
        (None, None, False),
    ],
)
def test_the_root_disk_is_the_first_device(device, root, expected):
    assert _volumes.is_root_device(device, root) is expected


def test_volume_backed_servers_show_no_image_and_have_volumes():
    assert _volumes.is_volume_backed(server(volumes=['v-root']))
    assert _volumes.is_volume_backed(server(volumes=['v-root'], image=''))
    assert not _volumes.is_volume_backed(server(volumes=['v-1'], image={'id': 'img-1'}))
    assert not _volumes.is_volume_backed(server())


def test_listed_volumes_are_attached_when_missing_and_left_alone_when_attached():
    current = server(volumes=['v-1'])
    wanted = (volume('v-1', status='in-use', attached_to=[SID]), volume('v-2', name='data2'))
    attach, detach, error = _volumes.plan_attachments(current, wanted)
    assert [v['id'] for v in attach] == ['v-2'] and detach == () and error is None
    assert _volumes.plan_attachments(server(volumes=['v-1', 'v-2']), wanted) == ((), (), None)


def test_unlisted_volumes_are_detached_only_with_purge_and_never_the_root():
    current = server(volumes=['v-root', 'v-1', 'v-2'])
    attachments = [
        {'volumeId': 'v-root', 'device': '/dev/vda'},
        {'volumeId': 'v-1', 'device': '/dev/vdb'},
        {'volumeId': 'v-2', 'device': '/dev/vdc'},
    ]
    wanted = (volume('v-1', status='in-use', attached_to=[SID]),)
    assert _volumes.plan_attachments(current, wanted, purge=False, attachments=attachments) == ((), (), None)
    attach, detach, error = _volumes.plan_attachments(current, wanted, purge=True, attachments=attachments)
    assert attach == () and detach == ('v-2',) and error is None
    _attach, detach, _error = _volumes.plan_attachments(current, (), purge=True, attachments=attachments)
    assert detach == ('v-1', 'v-2')


@pytest.mark.parametrize(
    'status, wanted, message',
    [
        ('SUSPENDED', volume(), 'server web1 is SUSPENDED'),
        ('ACTIVE', volume(status='in-use', attached_to=['other']), 'is attached to server other; detach it there'),
        ('ACTIVE', volume(status='error'), 'Volume data1 (v-1) is error; Nova attaches a volume that is available'),
        ('ACTIVE', volume(status='creating'), 'is creating'),
        ('ACTIVE', volume(status='in-use', attached_to=['other'], is_multiattach=True), None),
    ],
)
def test_attachments_nova_would_refuse_are_one_line(status, wanted, message):
    _attach, _detach, error = _volumes.plan_attachments(server(status=status), (wanted,))
    if message is None:
        assert error is None
    else:
        assert message in error


def test_attachments_show_in_the_server_after():
    after = _volumes.with_attachments(server(volumes=['v-1', 'v-2']), attach=(volume('v-3'),), detach=('v-1',))
    assert _volumes.attached_ids(after) == ['v-2', 'v-3']


@pytest.mark.parametrize(
    'found, status, attached, failure',
    [
        (volume(status='in-use', attached_to=[SID]), 'ACTIVE', True, None),
        (volume(status='attaching'), 'ACTIVE', False, None),
        (volume(status='reserved'), 'ACTIVE', False, None),
        (volume(status='reserved'), 'SHELVED_OFFLOADED', True, None),
        (volume(status='in-use', attached_to=['other'], is_multiattach=True), 'ACTIVE', False, None),
        (volume(status='available'), 'ACTIVE', False, 'Nova gave up attaching volume data1 (v-1)'),
        (volume(status='error_attaching'), 'ACTIVE', False, 'went to error_attaching'),
        (None, 'ACTIVE', False, 'disappeared'),
    ],
)
def test_an_attachment_is_over_when_cinder_says_in_use(found, status, attached, failure):
    assert _volumes.is_attached(found, SID, status) is attached
    got = _volumes.attach_failure(found, SID)
    if failure is None:
        assert got is None
    else:
        assert failure in got


@pytest.mark.parametrize(
    'found, detached',
    [
        (volume(status='available'), True),
        (volume(status='detaching', attached_to=[SID]), False),
        (volume(status='in-use', attached_to=[SID]), False),
        (volume(status='in-use', attached_to=['other'], is_multiattach=True), True),
        (None, True),
    ],
)
def test_a_detachment_is_over_when_cinder_no_longer_shows_it(found, detached):
    assert _volumes.is_detached(found, SID) is detached


def test_volume_details_come_from_the_listing_with_the_device_of_this_server():
    current = server(volumes=['v-root', 'v-hidden'])
    current['attached_volumes'][0]['delete_on_termination'] = True
    listing = {'v-root': volume('v-root', name=None, status='in-use', attached_to=[SID], device='/dev/vda', size=20)}
    details = _volumes.volume_details(current, listing)
    assert details[0] == dict(
        id='v-root',
        name=None,
        size=20,
        status='in-use',
        device='/dev/vda',
        volume_type=None,
        is_bootable=None,
        is_multiattach=False,
        delete_on_termination=True,
    )
    assert (
        details[1]['id'] == 'v-hidden' and details[1]['size'] is None and details[1]['delete_on_termination'] is False
    )


# ------------------------------------------------------------------ the snapshots of images


def test_snapshot_references_come_from_the_mapping_nova_wrote_and_never_name_a_volume():
    image = image_of(['snap-1', 'snap-2'], volume_entry='vol-9')
    assert _volumes.snapshot_ids(image) == ['snap-1', 'snap-2']
    assert _volumes.snapshot_refs(image)[0]['boot_index'] == 0
    # The SDK may give the mapping as a list, and images of other servers have none.
    listed = dict(id='i-2', block_device_mapping=[{'source_type': 'snapshot', 'snapshot_id': 'snap-3'}])
    assert _volumes.snapshot_ids(listed) == ['snap-3']
    assert _volumes.snapshot_ids({'id': 'i-3', 'properties': {}}) == []
    assert _volumes.snapshot_ids({'id': 'i-4', 'properties': {'block_device_mapping': 'not json'}}) == []


def test_deleting_an_image_deletes_exactly_the_snapshots_only_it_references():
    image = image_of(['snap-1', 'snap-2', 'snap-3'])
    others = [image, image_of(['snap-2'], iid='i-other', name='copy')]
    found = {
        'snap-1': {'id': 'snap-1', 'status': 'available', 'volume_id': 'vol-1'},
        'snap-2': {'id': 'snap-2', 'status': 'available', 'volume_id': 'vol-2'},
    }
    entries = _volumes.plan_snapshot_deletes(image, others, found)
    assert [(e['id'], e['action']) for e in entries] == [('snap-1', 'delete'), ('snap-2', 'keep'), ('snap-3', 'gone')]
    assert 'image copy (i-other) references it too' in entries[1]['reason']
    changes = _volumes.snapshot_changes(entries, image)
    assert changes == ['delete volume snapshot snap-1 (of volume vol-1), which image web1-snap references']
