# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The version cache: API version documents kept between tasks, never anything else."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _version_cache as vc

NOVA = 'http://127.0.0.1:8774/v2.1'
NOVA_VERSIONS = [
    {
        'id': 'v2.1',
        'status': 'CURRENT',
        'min_version': '2.1',
        'version': '2.96',
        'links': [{'href': NOVA + '/', 'rel': 'self'}],
    }
]
NOW = 1800000000.0


@pytest.mark.parametrize(
    'environ, expected',
    [
        ({}, '/home/u/.cache/stackops-compute/versions.json'),
        ({'XDG_CACHE_HOME': '/xdg'}, '/xdg/stackops-compute/versions.json'),
        ({vc.ENV: '/elsewhere'}, '/elsewhere/versions.json'),
        ({vc.ENV: ' '}, '/home/u/.cache/stackops-compute/versions.json'),
        ({vc.ENV: 'off'}, None),
        ({vc.ENV: 'OFF'}, None),
        ({vc.ENV: 'false'}, None),
        ({vc.ENV: '0'}, None),
        ({vc.ENV: 'no', 'XDG_CACHE_HOME': '/xdg'}, None),
    ],
)
def test_cache_path(environ, expected):
    assert vc.cache_path(environ, home='/home/u') == expected


def test_fresh_entries_keep_what_is_young_and_well_formed():
    entries = {
        'young': {'stored': NOW - 10, 'versions': []},
        'edge': {'stored': NOW - vc.TTL, 'versions': []},
        'stale': {'stored': NOW - vc.TTL - 1, 'versions': []},
        'clock set back a little': {'stored': NOW + 30, 'versions': []},
        'from the far future': {'stored': NOW + vc.SKEW + 1, 'versions': []},
        'no time': {'versions': []},
        'time as text': {'stored': str(NOW), 'versions': []},
        'no versions': {'stored': NOW},
        'versions not a list': {'stored': NOW, 'versions': {}},
        'not a dict': [NOW, []],
    }
    assert sorted(vc.fresh_entries(entries, NOW)) == ['clock set back a little', 'edge', 'young']
    assert vc.fresh_entries(['not', 'a', 'dict'], NOW) == {}


def test_write_then_read(tmp_path):
    path = str(tmp_path / 'cache' / 'versions.json')
    assert vc.read_entries(path, NOW) == {}
    assert vc.write_entry(path, NOVA, NOVA_VERSIONS, NOW)
    assert vc.write_entry(path, 'http://127.0.0.1:9292', [{'id': 'v2.16', 'status': 'CURRENT'}], NOW + 1)
    entries = vc.read_entries(path, NOW + 2)
    assert entries[NOVA] == {'stored': NOW, 'versions': NOVA_VERSIONS}
    assert sorted(entries) == ['http://127.0.0.1:8774/v2.1', 'http://127.0.0.1:9292']
    # Only the owner reads the folder and the file; no temporary file is left behind.
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    assert os.listdir(os.path.dirname(path)) == ['versions.json']
    # A stale entry goes with the next write.
    assert vc.write_entry(path, 'http://127.0.0.1:9696', [], NOW + vc.TTL + 0.5)
    assert sorted(json.load(open(path))) == ['http://127.0.0.1:9292', 'http://127.0.0.1:9696']


def test_unusable_files_are_no_cache(tmp_path):
    broken = tmp_path / 'versions.json'
    broken.write_text('{not json')
    assert vc.read_entries(str(broken), NOW) == {}
    # A file where the folder should be: nothing written, nothing raised.
    blocker = tmp_path / 'blocker'
    blocker.write_text('')
    assert not vc.write_entry(str(blocker / 'versions.json'), NOVA, NOVA_VERSIONS, NOW)


class Recorder(object):
    def __init__(self):
        self.built = []
        self.exported = []

    def build(self, url, versions):
        self.built.append(url)
        return ('discovery', url, tuple(v['id'] for v in versions))

    def export(self, discovery):
        self.exported.append(discovery)
        return [{'id': discovery[2][0], 'status': 'CURRENT'}]


def test_a_document_found_in_one_task_serves_the_next(tmp_path):
    path = str(tmp_path / 'versions.json')
    first, second = Recorder(), Recorder()
    cache = vc.VersionCache(path, first.build, first.export, clock=lambda: NOW)
    assert cache.get(NOVA) is None
    assert cache.get(NOVA, 'default') == 'default'
    cache[NOVA] = ('discovery', NOVA, ('v2.1',))
    cache[NOVA] = ('discovery', NOVA, ('v2.1',))
    assert first.exported == [('discovery', NOVA, ('v2.1',))]

    later = vc.VersionCache(path, second.build, second.export, clock=lambda: NOW + 60)
    assert later.get(NOVA) == ('discovery', NOVA, ('v2.1',))
    assert later.get(NOVA) == ('discovery', NOVA, ('v2.1',))
    assert second.built == [NOVA]
    # keystoneauth stores what it found in every cache it checked: that is not written again.
    later[NOVA] = later.get(NOVA)
    assert second.exported == []

    expired = vc.VersionCache(path, second.build, second.export, clock=lambda: NOW + vc.TTL + 1)
    assert expired.get(NOVA) is None


def test_a_document_that_does_not_build_is_asked_for_again(tmp_path):
    path = str(tmp_path / 'versions.json')
    vc.write_entry(path, NOVA, NOVA_VERSIONS, NOW)

    def refuse(url, versions):
        raise ValueError('not a version document')

    assert vc.VersionCache(path, refuse, None, clock=lambda: NOW).get(NOVA) is None


def test_keystoneauth_discovers_from_the_file_without_a_request(tmp_path):
    pytest.importorskip('openstack')
    discover = pytest.importorskip('keystoneauth1.discover')
    from ansible_collections.stackops.compute.plugins.module_utils import _sdk

    path = str(tmp_path / 'versions.json')

    class Session(object):
        auth = None

        def __init__(self, cache, answers):
            self._discovery_cache = cache
            self.answers = answers
            self.asked = []

        def get(self, url, headers=None, authenticated=None):
            self.asked.append(url)
            return _sdk._StoredAnswer(self.answers[url])

    first = Session(_sdk.version_cache(path), {NOVA: NOVA_VERSIONS})
    found = discover.get_discovery(first, NOVA)
    assert first.asked == [NOVA]
    assert json.load(open(path))[NOVA]['versions'] == NOVA_VERSIONS

    second = Session(_sdk.version_cache(path), {})
    again = discover.get_discovery(second, NOVA)
    assert second.asked == []
    assert again.raw_version_data() == found.raw_version_data()
    assert [v.max_microversion for v in again.version_data()] == [(2, 96)]


def test_the_cache_can_be_turned_off(monkeypatch):
    pytest.importorskip('openstack')
    from ansible_collections.stackops.compute.plugins.module_utils import _sdk

    monkeypatch.setenv(vc.ENV, 'off')
    assert _sdk.version_cache() is None
