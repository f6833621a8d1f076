# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A new server whose wait fails: one line, two sentences, and what became of the server."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _server_apply
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError

TIMEOUT = 'Timed out after 0s waiting; last seen: status BUILD, task_state scheduling'


class Cloud(object):
    def __init__(self, wait_error, delete_error=None):
        self.wait_error = wait_error
        self.delete_error = delete_error
        self.deleted = []

    def create_server(self, attrs):
        return {'id': 'id-1', 'name': attrs['name'], 'status': 'BUILD'}

    def wait_for_server(self, server_id, **kwargs):
        raise ComputeError(self.wait_error)

    def delete_server(self, server_id):
        if self.delete_error:
            raise ComputeError(self.delete_error)
        self.deleted.append(server_id)


class Plan(object):
    create_attrs = {'name': 'web1', 'flavorRef': 'f', 'imageRef': 'i'}
    transitions = ()
    lock = None
    floating_add = ()
    allocate_ip = False


class Module(object):
    def __init__(self, cloud, keep_failed=False):
        self.cloud = cloud
        self.params = {'wait': True, 'timeout': 0, 'keep_failed': keep_failed}

    def warn(self, message):
        raise AssertionError('no warning expected: %s' % message)


@pytest.mark.parametrize(
    'wait_error, keep_failed, delete_error, message, deleted',
    [
        (TIMEOUT, False, None, TIMEOUT + '. The failed server id-1 was deleted.', ['id-1']),
        (
            'Server web1 is in ERROR: No valid host.',
            False,
            None,
            'Server web1 is in ERROR: No valid host. The failed server id-1 was deleted.',
            ['id-1'],
        ),
        (TIMEOUT, True, None, TIMEOUT + '. The server id-1 was kept (keep_failed=true).', []),
        (
            TIMEOUT,
            False,
            'HTTP 409: locked',
            TIMEOUT + '. Deleting the failed server id-1 failed too: HTTP 409: locked',
            [],
        ),
    ],
)
def test_a_failed_boot_is_one_line(wait_error, keep_failed, delete_error, message, deleted):
    cloud = Cloud(wait_error, delete_error)
    with pytest.raises(ComputeError) as info:
        _server_apply.apply_create(Module(cloud, keep_failed), Plan())
    assert info.value.msg == message
    assert cloud.deleted == deleted
