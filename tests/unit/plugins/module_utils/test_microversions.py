# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which options need which compute microversion, and the one-line refusal."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _microversions
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError


@pytest.mark.parametrize(
    'params, creating, needs',
    [
        ({}, True, []),
        ({'hostname': 'web', 'tags': None}, False, [('hostname', '2.90')]),
        ({'tags': ['a']}, False, [('tags', '2.26')]),
        ({'tags': ['a']}, True, [('tags', '2.26'), ('tags', '2.52')]),
        ({'tags': []}, True, []),
        ({'locked_reason': 'freeze', 'description': 'd'}, False, [('description', '2.19'), ('locked_reason', '2.73')]),
        ({'trusted_image_certificates': ['c']}, True, [('trusted_image_certificates', '2.63')]),
    ],
)
def test_server_needs(params, creating, needs):
    assert _microversions.server_needs(params, creating) == needs


@pytest.mark.parametrize(
    'action, args, needs',
    [
        ('reboot', {'reboot_type': 'SOFT'}, []),
        ('trigger_crash_dump', {}, [('action trigger_crash_dump', '2.17')]),
        ('fetch_topology', {}, [('action fetch_topology', '2.78')]),
        ('rebuild', {'image': 'x', 'key_name': 'k', 'user_data': 'u'}, [('key_name', '2.54'), ('user_data', '2.57')]),
        ('lock', {'locked_reason': 'r'}, [('locked_reason', '2.73')]),
        ('get_console_url', {'console_type': 'novnc'}, []),
        ('get_console_url', {'console_type': 'spice-direct'}, [('console_type spice-direct', '2.99')]),
    ],
)
def test_action_needs(action, args, needs):
    assert _microversions.action_needs(action, args) == needs


def test_info_needs():
    assert _microversions.info_needs({'tags': ['a'], 'extras': ['topology', 'password']}) == [
        ('tags', '2.26'),
        ('extras topology', '2.78'),
    ]
    assert _microversions.info_needs({'extras': []}) == []


@pytest.mark.parametrize(
    'needs, available, message',
    [
        ([], '2.1', None),
        ([('tags', '2.26')], '2.26', None),
        ([('tags', '2.26')], '2.100', None),
        # 2.9 is older than 2.26: versions compare as numbers, not text.
        ([('tags', '2.26')], '2.9', 'tags needs compute API microversion 2.26; the cloud offers up to 2.9.'),
        (
            [('tags', '2.26'), ('hostname', '2.90')],
            '2.20',
            'hostname needs compute API microversion 2.90; the cloud offers up to 2.20.',
        ),
    ],
)
def test_missing(needs, available, message):
    assert _microversions.missing(needs, available) == message


class FakeCloud(object):
    def __init__(self, version):
        self.version = version
        self.asked = 0

    def compute_max_microversion(self):
        self.asked += 1
        return self.version


def test_check_asks_the_cloud_only_when_needed():
    cloud = FakeCloud('2.20')
    _microversions.check(cloud, [])
    assert cloud.asked == 0
    expected = '^locked_reason needs compute API microversion 2.73; the cloud offers up to 2.20.$'
    with pytest.raises(ComputeError, match=expected):
        _microversions.check(cloud, [('locked_reason', '2.73')])
    _microversions.check(FakeCloud('2.100'), [('locked_reason', '2.73')])
