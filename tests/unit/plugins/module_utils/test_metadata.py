# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""server_metadata's pure decisions as tables: which keys are set or removed, and when Nova would refuse."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest

from ansible_collections.stackops.compute.plugins.module_utils._metadata import (
    metadata_view,
    plan_metadata,
    text_metadata,
    why_not_now,
)


@pytest.mark.parametrize(
    'current, wanted, state, to_set, to_delete, after, changes',
    [
        # present: set what is new or differs, keep the rest
        ({}, {'a': '1'}, 'present', {'a': '1'}, (), {'a': '1'}, ('add metadata a',)),
        ({'a': '1', 'b': '2'}, {'a': '1'}, 'present', {}, (), {'a': '1', 'b': '2'}, ()),
        (
            {'a': '1', 'b': '2'},
            {'a': '9', 'c': '3'},
            'present',
            {'a': '9', 'c': '3'},
            (),
            {'a': '9', 'b': '2', 'c': '3'},
            ('add metadata c', 'change metadata a'),
        ),
        (None, {'a': '1'}, 'present', {'a': '1'}, (), {'a': '1'}, ('add metadata a',)),
        # absent: remove the named keys the server has, whatever their values; never others
        ({'a': '1', 'b': '2'}, {'a': None}, 'absent', {}, ('a',), {'b': '2'}, ('remove metadata a',)),
        ({'a': '1', 'b': '2'}, {'b': 'x', 'a': 'y'}, 'absent', {}, ('a', 'b'), {}, ('remove metadata a, b',)),
        ({'a': '1'}, {'gone': None}, 'absent', {}, (), {'a': '1'}, ()),
        ({}, {'a': None}, 'absent', {}, (), {}, ()),
    ],
)
def test_plan_metadata(current, wanted, state, to_set, to_delete, after, changes):
    plan = plan_metadata(current, wanted, state)
    assert plan.to_set == to_set
    assert plan.to_delete == to_delete
    assert plan.after == after
    assert plan.changes == changes
    assert plan.changed is bool(to_set or to_delete)
    assert plan.before == dict(current or {})


@pytest.mark.parametrize(
    'metadata, state, expected',
    [
        ({'a': 1, 'b': True, 'c': 'x'}, 'present', {'a': '1', 'b': 'True', 'c': 'x'}),
        ({'a': None, 'b': ''}, 'absent', {'a': None, 'b': ''}),
        ({1: 'x'}, 'present', {'1': 'x'}),
        ({}, 'present', {}),
    ],
)
def test_text_metadata(metadata, state, expected):
    assert text_metadata(metadata, state) == expected


@pytest.mark.parametrize(
    'metadata, message',
    [
        ({'a': None}, 'key a has no value'),
        ({'a': {'b': 1}}, 'the value of key a is a dict'),
        ({'a': [1]}, 'the value of key a is a list'),
    ],
)
def test_text_metadata_refuses(metadata, message):
    with pytest.raises(ValueError, match=message):
        text_metadata(metadata, 'present')


def test_a_number_the_server_has_as_text_is_no_change():
    plan = plan_metadata({'port': '80'}, text_metadata({'port': 80}, 'present'), 'present')
    assert plan.changed is False


@pytest.mark.parametrize(
    'server, is_admin, message',
    [
        ({'status': 'ACTIVE'}, False, None),
        ({'status': 'SHUTOFF'}, False, None),
        ({'status': 'PAUSED'}, False, None),
        ({'status': 'SUSPENDED'}, False, None),
        ({'status': 'SHELVED_OFFLOADED'}, False, 'its status is SHELVED_OFFLOADED'),
        ({'status': 'ERROR'}, True, 'its status is ERROR'),
        ({'status': 'ACTIVE', 'task_state': 'rebooting'}, False, 'busy \\(task_state rebooting\\)'),
        ({'status': 'ACTIVE', 'is_locked': True, 'locked_reason': 'freeze'}, False, 'locked \\(freeze\\)'),
        ({'status': 'ACTIVE', 'is_locked': True}, True, None),
    ],
)
def test_why_not_now(server, is_admin, message):
    server = dict(server, name='web1')
    why = why_not_now(server, is_admin)
    if message is None:
        assert why is None
    else:
        assert why.startswith('Cannot change the metadata of server web1: ')
        assert re.search(message, why), why


def test_metadata_view():
    assert metadata_view(None, {}) == {}
    assert metadata_view({'id': 'i', 'name': 'n', 'status': 'ACTIVE'}, {'a': '1'}) == {
        'id': 'i',
        'name': 'n',
        'metadata': {'a': '1'},
    }
