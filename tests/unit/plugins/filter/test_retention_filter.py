# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retention filter is wired to plan_retention: arguments, labels and errors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.stackops.compute.plugins.filter.retention import FilterModule

NOW = '2026-11-27T12:00:00Z'
retention = FilterModule().filters()['retention']


def image(name, day, **props):
    labels = dict(stackops_created_by='stackops.compute', stackops_policy='nightly', stackops_server='s1')
    labels.update(props)
    return dict(
        id='id-' + name,
        name=name,
        created_at='2026-11-%02dT01:00:00Z' % day,
        status='active',
        is_protected=False,
        owner='p1',
        instance_uuid='s1',
        properties=labels,
    )


IMAGES = [image('a', 27), image('b', 26), image('c', 25), image('d', 24)]


def names(items):
    return [i['name'] for i in items]


@pytest.mark.parametrize(
    'args, kwargs, keep',
    [
        ((), {}, ['a', 'b', 'c', 'd']),
        (({'keep_last': 2},), {}, ['a', 'b']),
        ((), {'keep_last': 3}, ['a', 'b', 'c']),
        # Keyword rules win over the dictionary.
        (({'keep_last': 1},), {'keep_last': 3}, ['a', 'b', 'c']),
        (({'max_age': '2d'},), {}, ['a', 'b']),
        (({'max_age': '2d', 'min_keep': 3},), {}, ['a', 'b', 'c']),
    ],
)
def test_policy_arguments(args, kwargs, keep):
    assert names(retention(IMAGES, *args, now=NOW, **kwargs)['keep']) == keep


def test_labels_guard_deletion():
    foreign = [
        image('other-policy', 23, stackops_policy='weekly'),
        image('other-server', 22, stackops_server='s2'),
        dict(image('other-project', 21), owner='p2'),
        dict(image('unlabelled', 20), properties={}),
    ]
    result = retention(
        IMAGES + foreign, {'keep_last': 1}, now=NOW, policy_name='nightly', server_id='s1', project_id='p1'
    )
    assert names(result['delete']) == ['b', 'c', 'd']
    assert names(result['keep']) == ['a', 'other-policy', 'other-server', 'other-project', 'unlabelled']
    reasons = dict((i['name'], i['reasons']) for i in result['keep'])
    assert reasons['other-policy'] == ['not stackops_policy=nightly (has weekly)']
    assert reasons['other-project'] == ['not owner=p1 (has p2)']
    assert 'not stackops_created_by=stackops.compute (has none)' in reasons['unlabelled']


def test_match_adds_properties():
    result = retention(IMAGES, {'keep_last': 1}, now=NOW, match={'tier': 'gold'})
    assert result['delete'] == []


@pytest.mark.parametrize(
    'kwargs, message',
    [
        ({'policy_name': 'nightly'}, 'missing server_id, project_id'),
        ({'policy_name': 'nightly', 'server_id': 's1'}, 'missing project_id'),
        ({'keep_dayly': 3}, 'unknown retention rule'),
        ({'keep_last': -2}, 'keep_last must be'),
        ({'max_age': 'forever'}, 'duration must be'),
        ({'now': 'tomorrow'}, 'now must be'),
    ],
)
def test_errors(kwargs, message):
    kwargs.setdefault('now', NOW)
    with pytest.raises(AnsibleFilterError, match=message):
        retention(IMAGES, **kwargs)


@pytest.mark.parametrize(
    'images, policy, message',
    [
        ('not a list', None, 'must be a list of images, not text$'),
        ({'id': 'x'}, None, 'must be a list of images, not a dictionary$'),
        (IMAGES, 'keep_last=3', 'policy must be a dictionary of rules, not text$'),
        (IMAGES, [1], 'policy must be a dictionary of rules, not a list$'),
        (IMAGES, 3, 'policy must be a dictionary of rules, not a number$'),
        ([1, 2], None, 'item 0'),
    ],
)
def test_bad_input(images, policy, message):
    with pytest.raises(AnsibleFilterError, match=message):
        retention(images, policy, now=NOW)
