# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest

from ansible_collections.stackops.compute.plugins.module_utils._images import (
    Criteria,
    check_metadata,
    criteria_from,
    desired_from_params,
    glance_query,
    image_view,
    matches,
    nova_rotation_victims,
    plan_image,
    present_image,
    rotation_match,
)
from ansible_collections.stackops.compute.plugins.module_utils._retention import parse_duration

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SERVER = {'id': 's1', 'name': 'web1', 'status': 'ACTIVE', 'task_state': None}


def image(name='web1-snap', **over):
    base = dict(
        id='i-' + name,
        name=name,
        status='active',
        created_at='2026-11-27T01:00:00Z',
        owner='p1',
        instance_uuid='s1',
        is_protected=False,
        visibility='private',
        properties={'image_type': 'snapshot', 'stackops_created_by': 'stackops.compute', 'stackops_server': 's1'},
    )
    base.update(over)
    return base


def desired(**params):
    base = dict(state='present', name='web1-snap', wait=True)
    base.update(params)
    return desired_from_params(base)


# ------------------------------------------------------------------ params


@pytest.mark.parametrize(
    'params, message',
    [
        ({'backup_type': 'daily'}, 'rotation is required with backup_type'),
        ({'rotation': 2}, 'rotation needs backup_type'),
        ({'metadata': {'instance_uuid': 'other'}}, 'must not set instance_uuid'),
        ({'metadata': {'image_type': 'x', 'backup_type': 'y'}}, 'must not set backup_type, image_type'),
        ({'metadata': {'visibility': 'public'}}, 'must not set visibility: it is a Glance attribute of the image'),
        ({'metadata': {'name': 'x', 'protected': 'false'}}, 'must not set name, protected: they are Glance attributes'),
        ({'metadata': {'os_glance_import_task': 'x'}}, 'must not set os_glance_import_task'),
    ],
)
def test_desired_rejects(params, message):
    with pytest.raises(ValueError, match=message):
        desired(**params)


def test_metadata_becomes_text():
    assert check_metadata({'a': 1, 'b': None, 'c': True}) == {'a': '1', 'b': '', 'c': 'True'}


def test_rotation_match_checks_labels_nova_and_project():
    assert rotation_match('nightly', 's1', 'p1') == {
        'stackops_created_by': 'stackops.compute',
        'stackops_policy': 'nightly',
        'stackops_server': 's1',
        'instance_uuid': 's1',
        'owner': 'p1',
    }


# ------------------------------------------------------------------ create / none / update / delete


@pytest.mark.parametrize(
    'found, want, action',
    [
        ([], desired(), 'create'),
        ([image()], desired(), 'none'),
        ([image()], desired(metadata={'stackops_server': 's1'}), 'none'),
        ([image()], desired(metadata={'tier': 'gold'}), 'update'),
        ([image()], desired(state='absent'), 'delete'),
        ([], desired(state='absent'), 'none'),
        ([image(status='queued')], desired(), 'none'),
    ],
)
def test_plan_action(found, want, action):
    assert plan_image(found, want, server=SERVER, project_id='p1').action == action


def test_create_snapshot_carries_labels_and_predicts_the_image():
    plan = plan_image([], desired(metadata={'tier': 'gold'}), server=SERVER, project_id='p1')
    assert plan.kind == 'snapshot'
    assert plan.create_metadata == {'tier': 'gold', 'stackops_created_by': 'stackops.compute', 'stackops_server': 's1'}
    assert plan.after['id'] is None and plan.after['status'] == 'active' and plan.after['owner'] == 'p1'
    assert plan.after['properties']['image_type'] == 'snapshot'
    assert plan.changes == ('snapshot server web1 into image web1-snap',)


def test_create_without_wait_predicts_queued():
    assert plan_image([], desired(wait=False), server=SERVER).after['status'] == 'queued'


@pytest.mark.parametrize(
    'rotation, backups, victims',
    [
        (3, [], ()),
        (3, [image('b1', created_at='2026-11-25T00:00:00Z'), image('b2', created_at='2026-11-26T00:00:00Z')], ()),
        (
            2,
            [image('b1', created_at='2026-11-25T00:00:00Z'), image('b2', created_at='2026-11-26T00:00:00Z')],
            ('i-b1',),
        ),
        (
            1,
            [image('b1', created_at='2026-11-25T00:00:00Z'), image('b2', created_at='2026-11-26T00:00:00Z')],
            ('i-b2', 'i-b1'),
        ),
    ],
)
def test_backup_predicts_what_nova_rotates_away(rotation, backups, victims):
    plan = plan_image([], desired(backup_type='daily', rotation=rotation), server=SERVER, backups=backups)
    assert plan.kind == 'backup'
    assert plan.nova_rotation == victims
    assert plan.after['backup_type'] == 'daily'


def test_nova_rotation_victims_newest_first_order():
    backups = [
        image('a', created_at='2026-11-20T00:00:00Z'),
        image('c', created_at='2026-11-22T00:00:00Z'),
        image('b', created_at='2026-11-21T00:00:00Z'),
    ]
    assert nova_rotation_victims(backups, 2) == ('i-b', 'i-a')


@pytest.mark.parametrize(
    'server, message',
    [
        (dict(SERVER, status='ERROR'), 'while it is ERROR'),
        (dict(SERVER, status='SHELVED_OFFLOADED'), 'while it is SHELVED_OFFLOADED'),
        (dict(SERVER, task_state='image_snapshot'), 'busy'),
        (None, 'server is required'),
    ],
)
def test_create_refuses_what_nova_would_refuse(server, message):
    with pytest.raises(ValueError, match=message):
        plan_image([], desired(), server=server)


@pytest.mark.parametrize('status', ['ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED'])
def test_create_from_every_imageable_status(status):
    assert plan_image([], desired(), server=dict(SERVER, status=status)).action == 'create'


def test_existing_failed_image_is_an_error():
    with pytest.raises(ValueError, match='exists but is killed'):
        plan_image([image(status='killed')], desired(), server=SERVER)


def test_duplicates_are_an_error_listing_ids():
    with pytest.raises(ValueError, match='2 images of server s1 are named .*i-a, i-b'):
        plan_image([image('a'), image('b')], desired(), server=SERVER)


def test_existing_snapshot_asked_as_backup_warns():
    plan = plan_image([image()], desired(backup_type='daily', rotation=2), server=SERVER)
    assert plan.action == 'none'
    assert 'already exists as a snapshot' in plan.warnings[0]


def test_update_sets_only_what_differs():
    current = image(properties={'image_type': 'snapshot', 'tier': 'silver', 'keep': 'me'})
    plan = plan_image([current], desired(metadata={'tier': 'gold', 'keep': 'me', 'new': 'x'}), server=SERVER)
    assert plan.update_properties == {'tier': 'gold', 'new': 'x'}
    assert plan.after['properties'] == {'image_type': 'snapshot', 'tier': 'gold', 'keep': 'me', 'new': 'x'}
    assert plan.changes == ('set properties new, tier',)


@pytest.mark.parametrize(
    'current, message',
    [
        (image(is_protected=True), 'is protected'),
        (image(instance_uuid=None, properties={}), 'was not made from a server'),
    ],
)
def test_delete_refuses(current, message):
    with pytest.raises(ValueError, match=message):
        plan_image([current], desired(state='absent'))


def test_delete_of_a_protected_image_with_protected_false_unprotects_first():
    current = image(is_protected=True)
    plan = plan_image([current], desired(state='absent', protected=False))
    assert (plan.action, plan.protect) == ('delete', False)
    assert plan.changes == ('unprotect image web1-snap (i-web1-snap)', 'delete image web1-snap (i-web1-snap)')
    with pytest.raises(ValueError, match='add protected=false to unprotect and delete it in one task'):
        plan_image([current], desired(state='absent', protected=True))
    # An image that is not protected is just deleted.
    plain = plan_image([image()], desired(state='absent', protected=False))
    assert (plain.action, plain.protect, plain.changes) == ('delete', None, ('delete image web1-snap (i-web1-snap)',))


@pytest.mark.parametrize(
    'have, want, action, protect, change',
    [
        (False, True, 'update', True, 'protect image web1-snap (i-web1-snap)'),
        (True, False, 'update', False, 'unprotect image web1-snap (i-web1-snap)'),
        (True, True, 'none', None, None),
        (False, False, 'none', None, None),
        # Left out: unmanaged.
        (True, None, 'none', None, None),
    ],
)
def test_protected_on_an_existing_image(have, want, action, protect, change):
    current = image(is_protected=have)
    plan = plan_image([current], desired(protected=want), server=SERVER)
    assert (plan.action, plan.protect) == (action, protect)
    assert plan.changes == ((change,) if change else ())
    if change:
        assert plan.after['is_protected'] is want
        assert plan.update_properties is None


def test_protected_and_properties_in_one_update():
    plan = plan_image([image()], desired(protected=True, metadata={'tier': 'gold'}), server=SERVER)
    assert (plan.update_properties, plan.protect) == ({'tier': 'gold'}, True)
    assert plan.changes == ('set properties tier', 'protect image web1-snap (i-web1-snap)')


def test_a_new_image_asked_protected_is_protected_after_it_is_made():
    plan = plan_image([], desired(protected=True), server=SERVER)
    assert (plan.action, plan.protect) == ('create', True)
    assert plan.changes[-1] == 'protect image web1-snap'
    assert plan.after['is_protected'] is True
    assert plan_image([], desired(protected=False), server=SERVER).protect is None


def test_metadata_protected_points_to_the_option():
    with pytest.raises(ValueError, match='protected has an option of its own'):
        check_metadata({'protected': 'true'})


# ------------------------------------------------------------------ views


def test_present_image_adds_types_and_protection():
    shown = present_image(
        image(properties={'image_type': 'backup', 'backup_type': 'daily'}, is_protected=None, protected=True)
    )
    assert (shown['image_type'], shown['backup_type'], shown['is_protected']) == ('backup', 'daily', True)


def test_image_view_is_stable():
    view = image_view(image())
    assert sorted(view) == [
        'backup_type',
        'id',
        'image_type',
        'instance_uuid',
        'is_protected',
        'name',
        'owner',
        'properties',
        'status',
        'visibility',
        'volume_snapshots',
    ]
    assert view['properties'] == {'stackops_created_by': 'stackops.compute', 'stackops_server': 's1'}
    assert image_view(None) is None


# ------------------------------------------------------------------ finding


def test_criteria_from_params():
    criteria = criteria_from(
        {'newer_than': '1d', 'older_than': '1h', 'properties': {'n': 1}, 'image_type': 'backup'},
        's1',
        NOW,
        parse_duration,
    )
    assert criteria == Criteria(
        server_id='s1',
        image_type='backup',
        properties={'n': '1'},
        created_after=datetime.datetime(2026, 11, 26, 12, tzinfo=UTC),
        created_before=datetime.datetime(2026, 11, 27, 11, tzinfo=UTC),
    )


def test_glance_query_sends_properties_to_glance():
    query = glance_query(
        Criteria(
            server_id='s1',
            name='n',
            image_type='backup',
            backup_type='daily',
            properties={'stackops_policy': 'p'},
            created_after=datetime.datetime(2026, 11, 26, 12, tzinfo=UTC),
        )
    )
    assert query == {
        'sort_key': 'created_at',
        'sort_dir': 'desc',
        'instance_uuid': 's1',
        'name': 'n',
        'image_type': 'backup',
        'backup_type': 'daily',
        'stackops_policy': 'p',
        'created_at': 'gte:2026-11-26T12:00:00Z',
    }


@pytest.mark.parametrize(
    'candidate, criteria, expected',
    [
        (image(), Criteria(), True),
        (image(instance_uuid=None, properties={}), Criteria(), False),
        (image(), Criteria(server_id='s2'), False),
        (image(), Criteria(image_type='backup'), False),
        (image(), Criteria(properties={'stackops_server': 's1'}), True),
        (image(), Criteria(properties={'stackops_policy': 'x'}), False),
        (image(), Criteria(name='other'), False),
        (image(), Criteria(created_after=datetime.datetime(2026, 11, 27, 2, tzinfo=UTC)), False),
        (image(), Criteria(created_after=datetime.datetime(2026, 11, 27, 1, tzinfo=UTC)), True),
        (image(), Criteria(created_before=datetime.datetime(2026, 11, 27, 1, tzinfo=UTC)), False),
        (image(created_at=None), Criteria(created_before=NOW), False),
    ],
)
def test_matches_checks_again_whatever_glance_did(candidate, criteria, expected):
    assert matches(candidate, criteria) is expected
