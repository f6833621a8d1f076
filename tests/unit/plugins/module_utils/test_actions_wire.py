# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""From plan to HTTP: what the real openstacksdk sends for actions, through Cloud and the apply helper.

restore and force_delete need a cloud that soft-deletes servers (reclaim_instance_interval > 0), which the
local cloud does not, so their request shape is proven here; so is the microversion of the IP actions.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest import mock

import pytest

openstack = pytest.importorskip('openstack')

import requests  # noqa: E402
from openstack.compute.v2 import _proxy  # noqa: E402
from openstack.compute.v2 import server as sdk_server  # noqa: E402

from ansible_collections.stackops.compute.plugins.module_utils import _action_plan, _apply_actions, _sdk  # noqa: E402

SID = '11111111-1111-4111-8111-111111111111'
# The compute microversion the fake cloud negotiates for SDK resources.
NEGOTIATED = '2.96'


class Conn(object):
    def __init__(self):
        self.compute = _proxy.Proxy(session=None, service_type='compute')


@pytest.fixture
def sent():
    requests_sent = []

    def fake_request(self, url, method, **kwargs):
        requests_sent.append((method, '/' + url.lstrip('/'), kwargs.get('json'), kwargs.get('microversion')))
        response = requests.Response()
        response.status_code = 202
        response._content = b''
        return response

    with (
        mock.patch.object(_proxy.Proxy, 'request', fake_request),
        mock.patch.object(sdk_server.Server, '_get_microversion', return_value=NEGOTIATED),
    ):
        yield requests_sent


def server(status):
    addresses = {'private': [{'addr': '192.0.2.5', 'OS-EXT-IPS:type': 'fixed'}]}
    return {'id': SID, 'name': 'web1', 'status': status, 'task_state': None, 'is_locked': False, 'addresses': addresses}


@pytest.mark.parametrize(
    'action,status,args,facts,body,microversion',
    [
        ('restore', 'SOFT_DELETED', {}, {}, {'restore': None}, NEGOTIATED),
        ('force_delete', 'SOFT_DELETED', {}, {}, {'forceDelete': None}, NEGOTIATED),
        ('force_delete', 'ACTIVE', {}, {}, {'forceDelete': None}, NEGOTIATED),
        (
            'add_fixed_ip',
            'ACTIVE',
            {'network': 'private'},
            {'network': {'id': 'net-1', 'name': 'private'}},
            {'addFixedIp': {'networkId': 'net-1'}},
            '2.43',
        ),
        (
            'remove_fixed_ip',
            'ACTIVE',
            {'address': '192.0.2.5'},
            {},
            {'removeFixedIp': {'address': '192.0.2.5'}},
            '2.43',
        ),
        (
            'add_floating_ip',
            'ACTIVE',
            {'address': '203.0.113.5', 'fixed_address': '192.0.2.5'},
            {'floating_ip': {'port_id': None}, 'ports': []},
            {'addFloatingIp': {'address': '203.0.113.5', 'fixed_address': '192.0.2.5'}},
            '2.43',
        ),
        (
            'remove_floating_ip',
            'ACTIVE',
            {'address': '203.0.113.5'},
            {'floating_ip': {'port_id': 'p1'}, 'ports': [{'id': 'p1'}]},
            {'removeFloatingIp': {'address': '203.0.113.5'}},
            '2.43',
        ),
        ('trigger_crash_dump', 'ACTIVE', {}, {}, {'trigger_crash_dump': None}, NEGOTIATED),
        (
            'evacuate',
            'ERROR',
            {'host': 'compute2', 'admin_password': 'pw'},
            {},
            {'evacuate': {'host': 'compute2', 'adminPass': 'pw'}},
            NEGOTIATED,
        ),
        ('reset_state', 'ACTIVE', {'state': 'error'}, {}, {'os-resetState': {'state': 'error'}}, NEGOTIATED),
        ('lock', 'ACTIVE', {'locked_reason': 'why'}, {}, {'lock': {'locked_reason': 'why'}}, NEGOTIATED),
        (
            'unshelve',
            'SHELVED_OFFLOADED',
            {'availability_zone': 'nova'},
            {},
            {'unshelve': {'availability_zone': 'nova'}},
            NEGOTIATED,
        ),
        ('shelve_offload', 'SHELVED', {}, {}, {'shelveOffload': None}, NEGOTIATED),
    ],
)
def test_action_requests_on_the_wire(sent, action, status, args, facts, body, microversion):
    plan = _action_plan.plan_action(server(status), action, args, facts)
    cloud = _sdk.Cloud(Conn())
    for call in plan.calls:
        _apply_actions.send(cloud, SID, call, action)
    assert sent == [('POST', '/servers/%s/action' % SID, body, microversion)]


def test_lock_with_a_new_reason_on_the_wire(sent):
    current = dict(server('ACTIVE'), is_locked=True, locked_reason='old')
    plan = _action_plan.plan_action(current, 'lock', {'locked_reason': 'new'})
    cloud = _sdk.Cloud(Conn())
    for call in plan.calls:
        _apply_actions.send(cloud, SID, call, 'lock')
    assert [s[2] for s in sent] == [{'unlock': None}, {'lock': {'locked_reason': 'new'}}]
