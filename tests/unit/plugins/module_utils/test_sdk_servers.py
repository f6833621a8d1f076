# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the seam makes of an SDK server (openstack.cloud's fields kept, secrets masked), and Neutron's
conditional update of a floating IP (412: someone else's)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _sdk

openstack = pytest.importorskip('openstack')

MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def sdk_server(**body):
    from openstack.compute.v2 import server as server_mod

    return server_mod.Server.existing(id='s1', name='web1', status='ACTIVE', **body)


def test_a_server_keeps_openstack_clouds_fields_and_masks_its_secrets():
    links = [{'href': 'http://nova/v2.1/servers/s1', 'rel': 'self'}]
    data = _sdk.server_to_dict(
        sdk_server(adminPass='Pw1', user_data='I2Nsb3VkLWNvbmZpZw==', links=links, progress=0, updated='2026-01-01')
    )
    assert data['admin_password'] == MASK and data['user_data'] == MASK
    assert data['links'] == links and data['progress'] == 0 and data['updated_at'] == '2026-01-01'
    assert 'location' not in data
    assert 'Pw1' not in repr(data) and 'I2Nsb3Vk' not in repr(data)


def test_a_server_without_secrets_has_their_keys_empty():
    data = _sdk.server_to_dict(sdk_server())
    assert data['admin_password'] is None and data['user_data'] is None


class FakeNetwork(object):
    def __init__(self, error=None):
        self.error = error
        self.calls = []

    def update_ip(self, ip_id, if_revision=None, **attrs):
        self.calls.append((ip_id, if_revision, attrs))
        if self.error is not None:
            raise self.error
        return dict(id=ip_id, revision_number=if_revision + 1, **attrs)


class FakeConn(object):
    def __init__(self, network):
        self.network = network


def test_take_floating_ip_sends_the_revision_it_read_and_returns_the_address():
    network = FakeNetwork()
    taken = _sdk.Cloud(FakeConn(network)).take_floating_ip('fip-1', 4, 'port-1', '192.0.2.5')
    assert network.calls == [('fip-1', 4, {'port_id': 'port-1', 'fixed_ip_address': '192.0.2.5'})]
    assert taken['port_id'] == 'port-1' and taken['revision_number'] == 5


def test_take_floating_ip_is_none_when_another_client_changed_it_first():
    error = openstack.exceptions.PreconditionFailedException(message='Constrained to 4, but current revision is 5')
    assert _sdk.Cloud(FakeConn(FakeNetwork(error))).take_floating_ip('fip-1', 4, 'port-1', '192.0.2.5') is None


def test_take_floating_ip_fails_in_one_line_on_other_errors():
    error = openstack.exceptions.BadRequestException(
        message='This server does not support constraining operations based on revision numbers'
    )
    with pytest.raises(_sdk.ComputeError, match='^Failed while associating floating IP fip-1: .*revision numbers'):
        _sdk.Cloud(FakeConn(FakeNetwork(error))).take_floating_ip('fip-1', 4, 'port-1', '192.0.2.5')


class FakeCompute(object):
    """GET /servers/{id} and the server listing, with SDK resources as openstacksdk returns them."""

    def __init__(self, servers):
        self.known = servers

    def get_server(self, server_id):
        found = [s for s in self.known if s['id'] == server_id]
        if not found:
            raise openstack.exceptions.NotFoundException(message='not found')
        return sdk_server_from(found[0])

    def servers(self, details=True, all_projects=False, **query):
        return [sdk_server_from(s) for s in self.known]


def sdk_server_from(data):
    from openstack.compute.v2 import server as server_mod

    return server_mod.Server.existing(**data)


class ComputeConn(object):
    def __init__(self, servers):
        self.compute = FakeCompute(servers)


SID = '11111111-1111-4111-8111-111111111111'


@pytest.mark.parametrize('ref', ['web1', SID])
def test_a_server_nova_has_deleted_but_still_shows_is_not_found(ref):
    # Between the compute host's delete and the removal of its record, Nova shows the server as DELETED.
    cloud = _sdk.Cloud(ComputeConn([{'id': SID, 'name': 'web1', 'status': 'DELETED'}]))
    assert cloud.find_servers(ref) == []
    assert cloud.find_server(ref) is None
    assert cloud.get_server(SID)['status'] == 'DELETED'


def test_a_live_server_of_the_same_name_is_found_beside_a_deleted_one():
    cloud = _sdk.Cloud(
        ComputeConn(
            [{'id': SID, 'name': 'web1', 'status': 'DELETED'}, {'id': 's2', 'name': 'web1', 'status': 'ACTIVE'}]
        )
    )
    assert [s['id'] for s in cloud.find_servers('web1')] == ['s2']
