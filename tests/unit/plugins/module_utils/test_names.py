# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Messages that name what was not found: the names there are, closest first and capped, from every lookup
of the seam; the availability zone of a new server (or an unshelve) checked before anything changes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from types import SimpleNamespace
from unittest import mock

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _apply_actions, _sdk, _server_apply
from ansible_collections.stackops.compute.plugins.module_utils._errors import (
    NAMES_SHOWN,
    ComputeError,
    closest_first,
    not_found,
)
from ansible_collections.stackops.compute.plugins.module_utils._server_desired import checked_zone

pytest.importorskip('openstack')

FLAVORS = ['m1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge', 'm1.huge', 'c1.big', 'd1.a']
MANY = ['net-%02d' % n for n in range(30)]


@pytest.mark.parametrize(
    'wanted, names, expected',
    [
        ('m1.hueg', FLAVORS, 'm1.huge, c1.big, d1.a, m1.large, m1.medium, m1.small, m1.tiny, m1.xlarge'),
        # A part of a name finds it; case does not matter.
        ('tiny', FLAVORS, 'm1.tiny, c1.big, d1.a, m1.huge, m1.large, m1.medium, m1.small, m1.xlarge'),
        ('UBUNTU', ['cirros', 'ubuntu-24.04', 'Ubuntu-22.04'], 'Ubuntu-22.04, ubuntu-24.04, cirros'),
        # Names of one or two characters are not "part" of everything.
        ('m1.hueg', ['e', 'm1', 'm1.huge'], 'm1.huge, e, m1'),
        # Capped: the closest stay, the rest are counted.
        ('net-7', MANY, 'net-07, net-17, net-27, net-00, net-01, net-02, net-03, net-04, net-05, net-06 and 20 more'),
        ('x', ['b', 'a', 'a', None, ''], 'a, b'),
        ('x', [], 'none'),
    ],
)
def test_closest_first(wanted, names, expected):
    assert closest_first(wanted, names) == expected


def test_a_capped_list_shows_as_many_names_as_promised():
    shown = closest_first('zzz', MANY).split(' and ')[0].split(', ')
    assert len(shown) == NAMES_SHOWN


def test_not_found_is_one_line():
    assert not_found('Flavor', 'm1.hueg', ['m1.tiny', 'm1.huge']).msg == (
        "Flavor 'm1.hueg' not found; available: m1.huge, m1.tiny."
    )


@pytest.mark.parametrize(
    'given, zone',
    [
        (None, None),
        ('', None),
        ('nova', 'nova'),
        ('nova::node1', 'nova'),  # a node: Nova still checks the zone
        ('nova:host1', None),  # a host forced (admins): Nova checks no zone
        ('nova:host1:node1', None),
        ('nova:', None),
        (':host1', None),
        ('::node1', None),  # the default zone
        ('a:b:c:d', None),  # Nova refuses the form itself
    ],
)
def test_checked_zone(given, zone):
    assert checked_zone(given) == zone


# ------------------------------------------------------------------------------------------------ the seam


def res(**fields):
    return SimpleNamespace(to_dict=lambda computed=False: dict(fields), **fields)


class Proxy(object):
    """A service proxy: each listed call answers from ``answers`` (a list, or an exception to raise)."""

    def __init__(self, **answers):
        self.answers = answers
        self.calls = []

    def __getattr__(self, name):
        if name.startswith('__') or name not in self.answers:
            raise AttributeError(name)

        def call(*args, **kwargs):
            self.calls.append((name, kwargs))
            answer = self.answers[name]
            if isinstance(answer, Exception):
                raise answer
            return answer(*args, **kwargs) if callable(answer) else iter(answer)

        return call


def cloud(**services):
    return _sdk.Cloud(SimpleNamespace(current_project_id='p1', **services))


def forbidden():
    from openstack import exceptions

    return exceptions.ForbiddenException('Policy does not allow os_compute_api:os-availability-zone:list.')


def zones(*entries):
    return [res(name=name, state={'available': up}, hosts=None) for name, up in entries]


@pytest.mark.parametrize(
    'listed, wanted, message',
    [
        (zones(('nova', True), ('az2', True)), 'az2', None),
        (zones(('nova', True), ('az2', True)), 'az3', "Availability zone 'az3' not found; available: az2, nova."),
        (
            zones(('nova', True), ('az2', False)),
            'az2',
            "Availability zone 'az2' is not available (no compute service of it is enabled); available: nova.",
        ),
        (forbidden(), 'az3', None),  # the policy hides the zones: Nova decides
    ],
)
def test_find_availability_zone(listed, wanted, message):
    compute = Proxy(availability_zones=listed)
    if message is None:
        cloud(compute=compute).find_availability_zone(wanted)
    else:
        with pytest.raises(ComputeError) as info:
            cloud(compute=compute).find_availability_zone(wanted)
        assert info.value.msg == message


def named(names):
    return [res(id='id-' + n, name=n) for n in names]


def lookups():
    """Each lookup of the seam with a name nothing matches, and the services that answer it."""
    many = ['web-%02d' % n for n in range(25)]
    nothing = dict(find_keypair=lambda *a, **k: None, find_server_group=lambda *a, **k: None)
    return [
        ('find_flavor', 'Flavor', dict(compute=Proxy(flavors=named(many)))),
        (
            'find_keypair',
            'Keypair',
            dict(compute=Proxy(keypairs=named(many), **nothing)),
        ),
        (
            'find_server_group',
            'Server group',
            dict(compute=Proxy(server_groups=named(many), **nothing)),
        ),
        ('find_network', 'Network', dict(network=Proxy(networks=lambda **q: iter([] if q else named(many))))),
        (
            'find_security_group',
            'Security group',
            dict(
                network=Proxy(find_security_group=lambda *a, **k: None, security_groups=named(many)),
            ),
        ),
        ('find_image', 'Image', dict(image=Proxy(images=lambda **q: iter([] if 'name' in q else named(many))))),
    ]


@pytest.mark.parametrize('method, kind, services', lookups(), ids=lambda v: v if isinstance(v, str) else '')
def test_every_lookup_lists_the_names_there_are_closest_first(method, kind, services):
    with pytest.raises(ComputeError) as info:
        getattr(cloud(**services), method)('web-7')
    assert info.value.msg == (
        "%s 'web-7' not found; available: web-07, web-17, web-00, web-01, web-02, web-03, web-04, web-05, web-06, "
        'web-08 and 15 more.' % kind
    )


def test_the_image_names_are_read_in_large_pages():
    image = Proxy(images=lambda **q: iter([]))
    with pytest.raises(ComputeError):
        cloud(image=image).find_image('nothing')
    assert image.calls == [('images', {'name': 'nothing'}), ('images', {'limit': 1000})]


# ------------------------------------------------------------------------------------------------ who asks


@pytest.mark.parametrize(
    'zone, current, asked',
    [
        ('az2', None, [mock.call('az2')]),
        ('az2::node1', None, [mock.call('az2')]),
        ('az2:host1', None, []),
        ('az2', {'id': 's1', 'availability_zone': 'nova'}, []),  # an existing server: a warning, no lookup
        (None, None, []),
    ],
)
def test_a_new_server_looks_its_zone_up_first(zone, current, asked):
    cloud = mock.Mock()
    _server_apply.resolve(cloud, {'state': 'present', 'availability_zone': zone}, current)
    assert cloud.find_availability_zone.call_args_list == asked


@pytest.mark.parametrize(
    'status, asked',
    [('SHELVED_OFFLOADED', [mock.call('az2')]), ('SHELVED', [])],
)
def test_unshelve_to_a_zone_looks_it_up_first(status, asked):
    cloud = mock.Mock()
    _apply_actions.read_facts(cloud, {'id': 's1', 'status': status}, 'unshelve', {'availability_zone': 'az2'})
    assert cloud.find_availability_zone.call_args_list == asked
