# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""sdk_errors: keystoneauth and configuration failures become one line that names the problem."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _sdk
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError

pytest.importorskip('openstack')
ksa_exc = pytest.importorskip('keystoneauth1.exceptions')


def failure(exc):
    with pytest.raises(ComputeError) as info:
        with _sdk.sdk_errors('listing servers'):
            raise exc
    return info.value.msg


def test_unauthorized_says_to_check_the_credentials():
    msg = failure(ksa_exc.Unauthorized('The request you have made requires authentication.', http_status=401))
    assert msg.startswith('Authentication failed while listing servers: check the credentials of the cloud (')


@pytest.mark.parametrize(
    'url, start',
    [
        # Keystone answers 404 to an unknown application credential or token.
        ('http://127.0.0.1:5000/v3/auth/tokens', 'Authentication failed while listing servers: check the credentials'),
        ('http://127.0.0.1:8774/v2.1/servers/x', 'Failed while listing servers: '),
    ],
)
def test_not_found(url, start):
    msg = failure(ksa_exc.NotFound('Could not find Application Credential: x.', url=url, http_status=404))
    assert msg.startswith(start)


def test_connect_failure_without_pool_details():
    text = (
        'Unable to establish connection to http://127.0.0.1:9/v3/auth/tokens: '
        "HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: /v3/auth/tokens "
        "(Caused by NewConnectionError('Failed to establish a new connection: [Errno 111] Connection refused'))"
    )
    msg = failure(ksa_exc.ConnectFailure(text))
    assert msg == (
        'Cannot reach the cloud while listing servers: Unable to establish connection to '
        'http://127.0.0.1:9/v3/auth/tokens (connection refused)'
    )


def test_a_clouds_yaml_that_does_not_parse_is_named(tmp_path, monkeypatch):
    broken = tmp_path / 'clouds.yaml'
    broken.write_text('clouds:\n  local:\n    auth: {auth_url: x\n   username: [demo\n')
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(broken))
    message = _sdk.unreadable_config_files()
    assert message.startswith('%s was skipped: it is not valid YAML (' % broken)
    assert 'line' in message and '\n' not in message


def test_readable_clouds_yaml_gives_nothing(tmp_path, monkeypatch):
    good = tmp_path / 'clouds.yaml'
    good.write_text('clouds:\n  local:\n    auth: {auth_url: x}\n')
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(good))
    monkeypatch.setattr('openstack.config.loader.CONFIG_FILES', [])
    assert _sdk.unreadable_config_files() == ''
