# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._info import (
    NOVA_MAX_PAGE,
    Check,
    add_names,
    chunks,
    contains,
    exact_regex,
    groups_by_server,
    hidden_fields,
    lookups_needed,
    matches,
    names_to_look_up,
    parse_time,
    passes,
    plan_listing,
)

SID = '5b2c8f4e-8d0a-4a57-9c3e-0f6f1b0c9a11'
FLAVOR_ID = '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f'
IMAGE_ID = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a'
PROJECT_ID = '1f2e3d4c5b6a47988a9b0c1d2e3f4a5b'

# A few names of the SDK's server query mapping ({SDK or Nova name: SDK name}), as _sdk.server_query_names gives.
QUERY_NAMES = {
    'name': 'name',
    'status': 'status',
    'flavor': 'flavor',
    'image': 'image',
    'tags': 'tags',
    'key_name': 'key_name',
    'locked': 'locked',
    'vm_state': 'vm_state',
    'ipv4_address': 'ipv4_address',
    'ip': 'ipv4_address',
    'compute_host': 'compute_host',
    'host': 'compute_host',
    'limit': 'limit',
    'changes_before': 'changes_before',
    'changes-before': 'changes_before',
    'all_projects': 'all_projects',
    'all_tenants': 'all_projects',
    'tags-any': 'any_tags',
    'any_tags': 'any_tags',
}
ATTRIBUTES = (
    'id',
    'name',
    'status',
    'key_name',
    'vm_state',
    'metadata',
    'security_groups',
    'is_locked',
    'fault',
    'flavor',
    'image',
    'tags',
    'compute_host',
)

RESOLVED = {
    'flavor': {'id': FLAVOR_ID, 'name': 'm1.tiny'},
    'image': {'id': IMAGE_ID, 'name': 'tiny'},
    'project': {'id': PROJECT_ID, 'name': 'demo'},
}


def plan(params, resolved=None):
    return plan_listing(params, resolved, query_names=QUERY_NAMES, attribute_names=ATTRIBUTES)


# ---------------------------------------------------------------------------------------------- query


@pytest.mark.parametrize(
    'params, query',
    [
        ({}, {}),
        ({'server': 'web1'}, {'name': '^web1$'}),
        ({'server': 'web.1+(x)'}, {'name': r'^web\.1\+\(x\)$'}),
        ({'server': 'web-.*', 'name_regex': True}, {'name': 'web-.*'}),
        ({'status': ['shutoff']}, {'status': 'SHUTOFF'}),
        ({'status': ['ACTIVE', 'shutoff']}, {'status': ['ACTIVE', 'SHUTOFF']}),
        ({'flavor': 'm1.tiny'}, {'flavor': FLAVOR_ID}),
        ({'flavor': FLAVOR_ID}, {'flavor': FLAVOR_ID}),
        ({'image': 'tiny'}, {'image': IMAGE_ID}),
        ({'host': 'compute-1'}, {'compute_host': 'compute-1'}),
        ({'hypervisor': 'node.1'}, {'node': r'^node\.1$'}),
        ({'availability_zone': 'nova'}, {'availability_zone': '^nova$'}),
        ({'tags': ['a', 'b']}, {'tags': 'a,b'}),
        ({'tags_any': ['a', 'b']}, {'any_tags': 'a,b'}),
        ({'not_tags': ['a']}, {'not_tags': 'a'}),
        ({'not_tags_any': ['a', 'b']}, {'not_any_tags': 'a,b'}),
        ({'changes_since': '2026-01-31T12:00:00Z'}, {'changes_since': '2026-01-31T12:00:00Z'}),
        ({'project': 'demo'}, {}),
        ({'project': 'demo', 'all_projects': True}, {'project_id': PROJECT_ID}),
        ({'metadata': {'role': 'db'}}, {}),
        ({'limit': 5}, {}),
        ({'limit': 5, 'metadata': {'role': 'db'}}, {'limit': NOVA_MAX_PAGE}),
        ({'filters': {'key_name': 'demo-key', 'ip': '192.0.2.'}}, {'key_name': 'demo-key', 'ipv4_address': '192.0.2.'}),
        ({'filters': {'changes-before': '2030-01-01T00:00:00Z'}}, {'changes_before': '2030-01-01T00:00:00Z'}),
        ({'filters': {'security_groups': [{'name': 'web'}]}}, {}),
        ({'server': SID}, {'name': exact_regex(SID)}),
    ],
)
def test_query_goes_to_nova(params, query):
    assert plan(params, RESOLVED).query == query


@pytest.mark.parametrize(
    'params, checks',
    [
        ({}, ()),
        ({'server': 'web1'}, (Check('name', 'equals', 'web1', 'server'),)),
        ({'server': 'web', 'name_regex': True}, ()),
        # Nova filters these itself: nothing to check again.
        (
            {
                'status': ['ACTIVE'],
                'flavor': 'm1.tiny',
                'image': 'tiny',
                'tags': ['a'],
                'not_tags_any': ['b'],
                'changes_since': '2026-01-31T12:00:00Z',
            },
            (),
        ),
        ({'host': 'c1'}, (Check('compute_host', 'equals', 'c1', 'host', admin_only=True),)),
        ({'hypervisor': 'n1'}, (Check('hypervisor_hostname', 'equals', 'n1', 'hypervisor', admin_only=True),)),
        ({'availability_zone': 'nova'}, (Check('availability_zone', 'equals', 'nova', 'availability_zone'),)),
        ({'project': 'demo'}, (Check('project_id', 'equals', PROJECT_ID, 'project'),)),
        ({'metadata': {'n': 1}}, (Check('metadata', 'contains', {'n': '1'}, 'metadata', narrows=True),)),
        ({'filters': {'is_locked': True}}, (Check('is_locked', 'contains', True, 'filters', narrows=True),)),
        ({'filters': {'key_name': 'k'}}, ()),
        # openstack.cloud's filters on attributes that have an option of their own: compared as it compares them
        ({'filters': {'status': 'ACTIVE'}}, (Check('status', 'contains', 'ACTIVE', 'filters', narrows=True),)),
        ({'filters': {'name': 'web1'}}, (Check('name', 'contains', 'web1', 'filters', narrows=True),)),
        (
            {'filters': {'flavor': {'original_name': 'm1.tiny'}}},
            (Check('flavor', 'contains', {'original_name': 'm1.tiny'}, 'filters', narrows=True),),
        ),
    ],
)
def test_python_checks_only_what_nova_cannot(params, checks):
    assert plan(params, RESOLVED).checks == checks


def test_openstack_cloud_style_filters_are_not_sent_to_nova_twice():
    listing = plan({'filters': {'status': 'ACTIVE', 'name': 'web1'}}, RESOLVED)
    assert 'status' not in listing.query and 'name' not in listing.query
    assert [c.field for c in listing.id_checks] == ['name', 'status']


@pytest.mark.parametrize(
    'params, expected',
    [
        ({}, {}),
        (
            {'flavor': 'm1.tiny', 'image': 'tiny', 'project': 'demo'},
            {'flavor': 'm1.tiny', 'image': 'tiny', 'project': 'demo'},
        ),
        # IDs need no lookup ...
        ({'flavor': FLAVOR_ID, 'image': IMAGE_ID, 'project': PROJECT_ID}, {}),
        # ... except a flavor when the server is read by ID: from 2.47 the server names its flavor, no ID.
        ({'server': SID, 'flavor': FLAVOR_ID}, {'flavor': FLAVOR_ID}),
        ({'server': SID, 'name_regex': True, 'flavor': FLAVOR_ID}, {}),
    ],
)
def test_lookups_only_for_names(params, expected):
    assert lookups_needed(params) == expected


def test_server_id_is_read_by_id_and_every_filter_is_checked_on_it():
    result = plan(
        {
            'server': SID,
            'status': ['active'],
            'flavor': FLAVOR_ID,
            'image': 'tiny',
            'tags': ['a'],
            'tags_any': ['b', 'c'],
            'not_tags': ['d'],
            'not_tags_any': ['e'],
            'metadata': {'k': 'v'},
            'changes_since': '2026-01-31T12:00:00Z',
            'availability_zone': 'nova',
            'filters': {'vm_state': 'active', 'ip': '192.0.2.'},
        },
        RESOLVED,
    )
    assert result.server_id == SID
    assert set((c.field, c.test) for c in result.id_checks) == {
        ('status', 'one_of'),
        ('flavor', 'flavor'),
        ('image', 'image'),
        ('tags', 'tags_all'),
        ('tags', 'tags_any'),
        ('tags', 'not_tags_all'),
        ('tags', 'not_tags_any'),
        ('metadata', 'contains'),
        ('updated_at', 'since'),
        ('availability_zone', 'equals'),
        ('vm_state', 'contains'),
    }
    assert result.unchecked_by_id == ('ip',)


@pytest.mark.parametrize(
    'params',
    [
        {'server': SID, 'name_regex': True},
        {'server': 'web1'},
    ],
)
def test_no_read_by_id(params):
    assert plan(params).server_id is None


def test_all_projects_and_limit():
    result = plan({'all_projects': True, 'limit': 3})
    assert result.all_projects is True
    assert result.limit == 3


@pytest.mark.parametrize(
    'params, message',
    [
        ({'limit': 0}, 'limit must be 1 or more'),
        ({'changes_since': 'yesterday'}, 'not an ISO 8601'),
        ({'filters': {'all_tenants': True}}, 'use the option all_projects'),
        ({'server': 'x', 'filters': {'name': 'x'}}, 'filters: name and the option server ask for the same'),
        ({'status': 'ACTIVE', 'filters': {'status': 'ACTIVE'}}, 'filters: status and the option status ask for'),
        ({'filters': {'tags-any': 'a'}}, 'use the option tags_any'),
        ({'filters': {'limit': 3}}, 'use the option limit'),
        ({'filters': {'colour': 'red'}}, 'colour is neither a query parameter'),
    ],
)
def test_bad_options_fail_clearly(params, message):
    with pytest.raises(ComputeError) as err:
        plan(params)
    assert message in err.value.msg


def test_exact_regex():
    assert exact_regex('a.b') == r'^a\.b$'


# ---------------------------------------------------------------------------------------------- checks

SERVER = {
    'id': SID,
    'name': 'web1',
    'status': 'SHUTOFF',
    'tags': ['a', 'b'],
    'metadata': {'role': 'db', 'n': '1'},
    # openstacksdk copies the embedded flavor's name into its id.
    'flavor': {'original_name': 'm1.tiny', 'name': 'm1.tiny', 'id': 'm1.tiny', 'vcpus': 1},
    'image': {'id': IMAGE_ID},
    'updated_at': '2026-02-01T00:00:00Z',
    'project_id': PROJECT_ID,
    'compute_host': None,
    'security_groups': [{'name': 'default'}, {'name': 'web'}],
    'is_locked': False,
}


@pytest.mark.parametrize(
    'check, expected',
    [
        (Check('name', 'equals', 'web1', 'server'), True),
        (Check('name', 'equals', 'WEB1', 'server'), False),
        (Check('status', 'one_of', ('ACTIVE', 'SHUTOFF'), 'status'), True),
        (Check('status', 'one_of', ('ACTIVE',), 'status'), False),
        (Check('metadata', 'contains', {'role': 'db'}, 'metadata'), True),
        (Check('metadata', 'contains', {'role': 'db', 'n': '2'}, 'metadata'), False),
        (Check('metadata', 'contains', {'other': 'x'}, 'metadata'), False),
        (Check('tags', 'tags_all', ('a', 'b'), 'tags'), True),
        (Check('tags', 'tags_all', ('a', 'c'), 'tags'), False),
        (Check('tags', 'tags_any', ('c', 'b'), 'tags_any'), True),
        (Check('tags', 'tags_any', ('c',), 'tags_any'), False),
        (Check('tags', 'not_tags_all', ('a', 'b'), 'not_tags'), False),
        (Check('tags', 'not_tags_all', ('a', 'c'), 'not_tags'), True),
        (Check('tags', 'not_tags_any', ('c', 'b'), 'not_tags_any'), False),
        (Check('tags', 'not_tags_any', ('c',), 'not_tags_any'), True),
        (Check('flavor', 'flavor', {'id': FLAVOR_ID, 'name': 'm1.tiny'}, 'flavor'), True),
        (Check('flavor', 'flavor', {'id': 'other', 'name': 'm1.small'}, 'flavor'), False),
        (Check('image', 'image', IMAGE_ID, 'image'), True),
        (Check('image', 'image', 'other', 'image'), False),
        (Check('updated_at', 'since', '2026-01-31T12:00:00Z', 'changes_since'), True),
        (Check('updated_at', 'since', '2026-02-01T00:00:00+00:00', 'changes_since'), True),
        (Check('updated_at', 'since', '2026-02-01T00:00:01Z', 'changes_since'), False),
        (Check('compute_host', 'equals', 'c1', 'host', admin_only=True), False),
        (Check('security_groups', 'contains', [{'name': 'default'}, {'name': 'web'}], 'filters'), True),
        (Check('is_locked', 'contains', False, 'filters'), True),
        (Check('is_locked', 'contains', True, 'filters'), False),
    ],
)
def test_passes(check, expected):
    assert passes(SERVER, check) is expected


def test_flavor_by_id_before_microversion_2_47():
    server = {'flavor': {'id': FLAVOR_ID, 'links': []}}
    assert passes(server, Check('flavor', 'flavor', {'id': FLAVOR_ID, 'name': None}, 'flavor'))
    assert not passes(server, Check('flavor', 'flavor', {'id': 'other', 'name': None}, 'flavor'))


def test_matches_needs_every_check():
    checks = (Check('name', 'equals', 'web1', 'server'), Check('status', 'one_of', ('ACTIVE',), 'status'))
    assert not matches(SERVER, checks)
    assert matches(SERVER, checks[:1])
    assert matches(SERVER, ())


def test_hidden_fields_name_admin_only_options():
    checks = (Check('compute_host', 'equals', 'c1', 'host', admin_only=True), Check('name', 'equals', 'x', 'server'))
    assert hidden_fields(SERVER, checks) == {'host'}
    assert hidden_fields(dict(SERVER, compute_host='c2'), checks) == set()


@pytest.mark.parametrize(
    'expected, actual, result',
    [
        ({'a': '1'}, {'a': '1', 'b': '2'}, True),
        ({'a': 1}, {'a': '1'}, True),
        ({'a': {'b': 'c'}}, {'a': {'b': 'c', 'd': 'e'}}, True),
        ({'a': '1'}, None, False),
        ('x', 'x', True),
        (True, 'True', False),
        ([1], [1], True),
    ],
)
def test_contains(expected, actual, result):
    assert contains(expected, actual) is result


def test_parse_time_without_zone_is_utc():
    assert parse_time('2026-01-31T12:00:00') == parse_time('2026-01-31T12:00:00Z')


# ---------------------------------------------------------------------------------------------- names


def test_names_to_look_up_once_per_distinct_id():
    servers = [
        {'flavor': {'original_name': 'm1.tiny', 'id': 'm1.tiny'}, 'image': {'id': 'i1'}},
        {'flavor': {'original_name': 'm1.tiny'}, 'image': {'id': 'i1'}},
        {'flavor': {'id': 'f-old'}, 'image': {'id': 'i2'}},
        {'flavor': {'id': 'f-old'}, 'image': ''},
    ]
    assert names_to_look_up(servers) == (['f-old'], ['i1', 'i2'])


def test_add_names():
    named = add_names({'flavor': {'original_name': 'm1.tiny'}, 'image': {'id': 'i1'}}, {}, {'i1': 'tiny'})
    assert (named['flavor_name'], named['image_name']) == ('m1.tiny', 'tiny')


@pytest.mark.parametrize(
    'image, names, expected',
    [
        # openstack.cloud's detailed servers carry the image name in image.name
        ({'id': 'i1', 'links': []}, {'i1': 'tiny'}, {'id': 'i1', 'links': [], 'name': 'tiny'}),
        # an image that is gone has no name
        ({'id': 'i1'}, {}, {'id': 'i1', 'name': None}),
        # a server booted from a volume has no image
        ('', {}, ''),
        ({}, {}, {}),
    ],
)
def test_add_names_puts_the_image_name_in_image(image, names, expected):
    server = {'flavor': {'original_name': 'm1.tiny'}, 'image': image}
    named = add_names(server, {}, names)
    assert named['image'] == expected
    assert server['image'] == image
    named = add_names({'flavor': {'id': 'f1'}, 'image': ''}, {'f1': 'm1.small'}, {})
    assert (named['flavor_name'], named['image_name']) == ('m1.small', None)


def test_chunks():
    assert chunks(range(5), 2) == [[0, 1], [2, 3], [4]]
    assert chunks([], 2) == []


def test_groups_by_server():
    ports = [
        {'device_id': 's1', 'security_group_ids': ['g2', 'g1']},
        {'device_id': 's1', 'security_group_ids': ['g1']},
        {'device_id': 's2', 'security_group_ids': ['g-unseen']},
    ]
    groups = [{'id': 'g1', 'name': 'web'}, {'id': 'g2', 'name': 'default'}]
    assert groups_by_server(ports, groups) == {
        's1': [{'id': 'g2', 'name': 'default'}, {'id': 'g1', 'name': 'web'}],
        's2': [],
    }
