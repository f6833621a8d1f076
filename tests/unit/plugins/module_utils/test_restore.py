# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a backup records for a restore, which backup restores a server, and how."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _restore as rs

S1 = '11111111-1111-4111-8111-111111111111'
S2 = '22222222-2222-4222-8222-222222222222'


def server(sid=S1, name='web1', image='base-image', status='ACTIVE', **more):
    data = {
        'id': sid,
        'name': name,
        'status': status,
        'task_state': None,
        'image': {'id': image} if image else '',
        'flavor': {'original_name': 'm1.tiny', 'id': 'm1.tiny'},
        'addresses': {'private': [{'addr': '192.0.2.5'}], 'other': [{'addr': '198.51.100.5'}]},
        'key_name': 'demo-key',
        'security_groups': [{'name': 'web'}, {'name': 'default'}, {'name': 'web'}],
        'metadata': {'role': 'web'},
    }
    data.update(more)
    return data


def backup(name, day, sid=S1, status='active', policy='nightly', record=None, **props):
    labels = {
        'stackops_created_by': 'stackops.compute',
        'stackops_policy': policy,
        'stackops_server': sid,
        'instance_uuid': sid,
    }
    labels.update(rs.record_properties(record if record is not None else rs.restore_record(server(sid))))
    labels.update(props)
    return {
        'id': 'img-%s' % name,
        'name': name,
        'status': status,
        'created_at': '2026-11-%02dT01:00:00Z' % day,
        'properties': labels,
    }


def test_record_holds_what_a_new_server_needs():
    record = rs.restore_record(server())
    assert record == {
        'v': 1,
        'name': 'web1',
        'flavor': 'm1.tiny',
        'networks': ['private', 'other'],
        'key_name': 'demo-key',
        'security_groups': ['default', 'web'],
        'metadata': {'role': 'web'},
        'volume_backed': False,
    }
    assert rs.restore_record(server(image=''))['volume_backed'] is True


@pytest.mark.parametrize('size', [0, 10, 254, 255, 256, 2000])
def test_record_splits_over_properties_of_nova_size(size):
    record = rs.restore_record(server(metadata={'k': 'x' * size}))
    props = rs.record_properties(record)
    assert all(len(v) <= rs.VALUE_LIMIT for v in props.values())
    assert int(props['stackops_restore_parts']) == len([k for k in props if k.startswith('stackops_restore')]) - 1
    assert rs.read_record({'properties': props}) == record


def test_stale_parts_inherited_from_an_older_backup_are_ignored():
    # A server booted from a backup inherits its properties; its own backup writes a shorter record.
    long_props = rs.record_properties(rs.restore_record(server(metadata={'k': 'x' * 600})))
    short = rs.restore_record(server(name='web1-restored'))
    props = dict(long_props, **rs.record_properties(short))
    assert 'stackops_restore_3' in props
    assert rs.read_record({'properties': props}) == short


@pytest.mark.parametrize(
    'props',
    [
        {},
        {'stackops_restore': '{"v": 1}'},
        {'stackops_restore': '{', 'stackops_restore_parts': '1'},
        {'stackops_restore': '[]', 'stackops_restore_parts': '1'},
        {'stackops_restore': '{}', 'stackops_restore_parts': '2'},
    ],
)
def test_no_record_or_a_broken_one_reads_as_none(props):
    assert rs.read_record({'properties': props}) is None


BACKUPS = [
    backup('web1-nightly-26', 26),
    backup('web1-nightly-27', 27),
    backup('web1-nightly-25', 25),
    backup('web1-nightly-28', 28, status='saving'),
]


@pytest.mark.parametrize(
    'which, chosen, why',
    [
        ('newest', 'web1-nightly-27', ''),
        ('', 'web1-nightly-27', ''),
        ('img-web1-nightly-25', 'web1-nightly-25', ''),
        ('web1-nightly-26', 'web1-nightly-26', ''),
        ('web1-nightly-28', None, 'backup web1-nightly-28 is saving, not active'),
        ('2026-11-26', 'web1-nightly-26', ''),
        ('2026-11-26T00:59:59Z', 'web1-nightly-25', ''),
        ('2026-11-26T01:00:00Z', 'web1-nightly-26', ''),
        ('2026-11-24', None, 'no active backup made at or before 2026-11-24'),
        ('yesterday', None, 'no backup is named yesterday'),
    ],
)
def test_choose_backup(which, chosen, why):
    image, reason = rs.choose_backup(BACKUPS, which)
    assert (image or {}).get('name') == chosen
    assert reason == why


def test_choose_backup_without_any():
    assert rs.choose_backup([], 'newest') == (None, 'no backup')
    assert rs.choose_backup([backup('x', 1, status='queued')], 'newest') == (None, 'no active backup')


def plan(servers, images=None, **kwargs):
    return rs.plan_restore(servers, images=BACKUPS if images is None else images, **kwargs)


def test_new_server_from_the_recorded_settings_with_overrides():
    (decision,) = plan([server()], overrides={'metadata': {'restored': 'yes'}, 'flavor': 'm1.small'})
    assert decision['action'] == 'create'
    assert decision['new_server'] == 'web1-restored'
    assert decision['image'] == 'web1-nightly-27'
    assert decision['_item'] == {
        'name': 'web1-restored',
        'image': 'img-web1-nightly-27',
        'flavor': 'm1.small',
        'networks': ['private', 'other'],
        'key_name': 'demo-key',
        'security_groups': ['default', 'web'],
        'metadata': {'role': 'web', 'restored': 'yes'},
    }
    assert decision['detail'] == 'as web1-restored from web1-nightly-27 (m1.small on private, other)'


@pytest.mark.parametrize(
    'existing, action, reason',
    [
        (
            [server(S2, 'web1-restored', image='img-web1-nightly-27')],
            'skip',
            'web1-restored runs backup web1-nightly-27',
        ),
        (
            [server(S2, 'web1-restored', image='other')],
            'fail',
            'a server named web1-restored exists already (%s) and does not run backup web1-nightly-27; choose another '
            'restore_suffix or delete it' % S2,
        ),
    ],
)
def test_new_server_name_taken(existing, action, reason):
    (decision,) = plan([server()], existing=existing)
    assert (decision['action'], decision['reason']) == (action, reason)


def test_a_deleted_server_is_found_by_name_or_old_id_through_its_backups():
    for ref in ('web1', S1):
        (decision,) = plan([], missing=[ref], suffix='')
        assert decision['action'] == 'create'
        assert decision['server_id'] == S1
        assert decision['new_server'] == 'web1'
    (decision,) = plan([], missing=['web9'])
    assert (decision['action'], decision['reason']) == ('fail', 'no server and no backup matches web9')


def test_two_deleted_servers_of_one_name_are_ambiguous():
    images = BACKUPS + [backup('web1-nightly-b', 27, sid=S2, record=rs.restore_record(server(S2)))]
    (decision,) = plan([], images=images, missing=['web1'])
    assert decision['action'] == 'fail'
    assert decision['reason'] == 'backups of 2 deleted servers named web1 (%s, %s): give the ID' % (S1, S2)


def test_backups_are_the_servers_own_under_the_policy():
    foreign = [
        backup('other-policy', 27, policy='weekly'),
        # Labelled for S1, but Nova made it from S2 (booted from S1's backup): not S1's.
        dict(backup('inherited', 27), properties=dict(backup('inherited', 27)['properties'], instance_uuid=S2)),
    ]
    (decision,) = plan([server()], images=foreign + BACKUPS[:1], policy='nightly')
    assert decision['image'] == 'web1-nightly-26'
    (decision,) = plan([server()], images=foreign, policy='nightly')
    assert (decision['action'], decision['reason']) == ('fail', 'no backup under policy nightly')


def test_a_backup_without_record_needs_flavor_and_networks():
    images = [backup('old', 20, record={})]
    images[0]['properties'] = dict(
        (k, v) for k, v in images[0]['properties'].items() if not k.startswith('stackops_restore')
    )
    (decision,) = plan([server()], images=images)
    assert decision['action'] == 'fail'
    assert decision['reason'] == (
        'backup old records no flavor or networks (it was made before the backup role recorded them); '
        'give restore_flavor and restore_networks'
    )
    (decision,) = plan([server()], images=images, overrides={'flavor': 'm1.tiny', 'networks': ['private']})
    assert decision['_item'] == {
        'name': 'web1-restored',
        'image': 'img-old',
        'flavor': 'm1.tiny',
        'networks': ['private'],
    }


@pytest.mark.parametrize(
    'target, images, action, reason',
    [
        (server(), BACKUPS, 'rebuild', ''),
        (server(image='img-web1-nightly-27'), BACKUPS, 'skip', 'it runs backup web1-nightly-27'),
        (
            server(status='SUSPENDED'),
            BACKUPS,
            'fail',
            'status SUSPENDED: Nova rebuilds only ACTIVE, SHUTOFF, ERROR servers',
        ),
        (server(task_state='rebooting'), BACKUPS, 'fail', 'busy with rebooting'),
        (server(image=''), BACKUPS, 'fail', 'web1 ' + rs.IN_PLACE_VOLUME_REFUSAL),
        # a server booted from a backup of a volume-backed server shows that image, its backups map snapshots
        (
            server(),
            [backup('bfv', 27, block_device_mapping='[{"source_type": "snapshot"}]')],
            'fail',
            'web1 ' + rs.IN_PLACE_VOLUME_REFUSAL,
        ),
    ],
)
def test_in_place(target, images, action, reason):
    (decision,) = plan([target], images=images, in_place=True)
    assert (decision['action'], decision['reason'] if 'reason' in decision else '') == (action, reason)
    if action == 'rebuild':
        assert decision['_item'] == {
            'name': 'web1',
            'id': S1,
            'image': 'img-web1-nightly-27',
            'rebuild_on_image_change': True,
        }
        assert decision['mode'] == 'in place'


def test_in_place_of_a_deleted_server_fails():
    (decision,) = plan([], missing=['web1'], in_place=True)
    assert decision['reason'] == 'the server no longer exists; restore it as a new server'


BFV_MAPPING = (
    '[{"boot_index": 0, "source_type": "snapshot", "destination_type": "volume", "snapshot_id": "snap-root",'
    ' "volume_size": 1, "delete_on_termination": true},'
    ' {"boot_index": null, "source_type": "snapshot", "destination_type": "volume", "snapshot_id": "snap-data"}]'
)


def bfv_backup(day=27, **more):
    return backup(
        'bfv-%d' % day, day, record=rs.restore_record(server(image='')), block_device_mapping=BFV_MAPPING, **more
    )


def test_a_volume_backed_server_comes_back_as_a_new_server_from_its_backup_alone():
    (decision,) = plan([server(image='')], images=[bfv_backup()])
    assert decision['action'] == 'create'
    # The image alone: Nova makes the volumes from the snapshots it maps; no mapping of the role's own.
    assert decision['_item'] == {
        'name': 'web1-restored',
        'image': 'img-bfv-27',
        'flavor': 'm1.tiny',
        'networks': ['private', 'other'],
        'key_name': 'demo-key',
        'security_groups': ['default', 'web'],
        'metadata': {'role': 'web'},
    }
    assert decision['detail'] == (
        'as web1-restored from bfv-27 (m1.tiny on private, other; new volumes from volume snapshots snap-root, '
        'snap-data)'
    )


def test_one_snapshot_is_named_in_the_singular():
    image = backup('bfv-27', 27, block_device_mapping='[{"source_type": "snapshot", "snapshot_id": "s1"}]')
    (decision,) = plan([server(image='')], images=[image])
    assert decision['detail'].endswith('; new volumes from volume snapshot s1)')


def test_a_new_server_from_a_volume_backed_backup_is_restored_once():
    # Nova shows the image a server was booted from even when the image maps its root to a volume.
    existing = [server(sid=S2, name='web1-restored', image='img-bfv-27')]
    (decision,) = plan([server(image='')], images=[bfv_backup()], existing=existing)
    assert (decision['action'], decision['result']) == ('skip', 'already restored')
    assert decision['new_server_id'] == S2


def test_a_volume_backed_server_is_still_refused_in_place():
    (decision,) = plan([server(image='')], images=[bfv_backup()], in_place=True)
    assert decision['action'] == 'fail'
    assert decision['reason'].startswith('web1 is volume-backed: restoring it in place would re-image its root')
    assert 'compute API microversion 2.93' in decision['reason']
    assert 'restore_in_place: false' in decision['reason']
    assert '\n' not in decision['reason']


@pytest.mark.parametrize(
    'answer, check, outcome, result',
    [
        ({'name': 'web1-restored', 'changed': True, 'id': 'new', 'changes': ['create']}, False, 'done', 'restored'),
        ({'name': 'web1-restored', 'changed': True, 'id': None}, True, 'done', 'would restore'),
        ({'name': 'web1-restored', 'changed': False, 'id': 'new'}, False, 'skipped', 'already restored'),
        (
            {'name': 'web1-restored', 'changed': False, 'failed': True, 'msg': 'No valid host'},
            False,
            'failed',
            'failed',
        ),
    ],
)
def test_outcomes(answer, check, outcome, result):
    (decision,) = plan([server()])
    (out,) = rs.restore_outcomes([decision], {'servers': [answer]}, check=check)
    assert (out['outcome'], out['result']) == (outcome, result)
    assert out['server_id'] == S1
    if answer.get('failed'):
        assert out['reason'] == 'No valid host'


def test_a_server_an_earlier_restore_made_is_skipped():
    restored = server(S2, 'web1-restored', image='img-web1-nightly-27')
    decisions = plan([server(), restored], existing=[restored])
    assert [(d['server'], d['action']) for d in decisions] == [('web1', 'skip'), ('web1-restored', 'skip')]
    assert decisions[1]['reason'] == 'a restore of web1 from backup web1-nightly-27, with no backup of its own'
