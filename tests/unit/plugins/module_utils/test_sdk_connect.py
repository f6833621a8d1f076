# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect: a password cloud whose auth_url names Keystone v3 authenticates without asking for versions."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _sdk

AUTH = {'auth_url': 'https://keystone.example.com:5000/v3', 'username': 'u', 'password': 'p'}


@pytest.mark.parametrize(
    'auth_type, auth, expected',
    [
        ('password', AUTH, 'v3password'),
        ('password', dict(AUTH, auth_url='https://keystone.example.com/identity/v3/'), 'v3password'),
        ('password', dict(AUTH, user_domain_name='Default', project_name='p'), 'v3password'),
        # The URL does not say which version: let keystoneauth discover it.
        ('password', dict(AUTH, auth_url='https://keystone.example.com:5000'), 'password'),
        ('password', dict(AUTH, auth_url='https://keystone.example.com:5000/v2.0'), 'password'),
        ('password', dict(AUTH, auth_url='https://keystone.example.com/v3x'), 'password'),
        # Only the generic plugin takes a default domain.
        ('password', dict(AUTH, default_domain_name='Default'), 'password'),
        ('password', dict(AUTH, default_domain_id='default'), 'password'),
        # Other plugins are the user's choice.
        ('v3applicationcredential', AUTH, 'v3applicationcredential'),
        ('token', AUTH, 'token'),
        ('v3password', AUTH, 'v3password'),
    ],
)
def test_identity_v3_directly(auth_type, auth, expected):
    config = {'auth_type': auth_type, 'auth': auth}
    assert _sdk.identity_v3_directly(config)['auth_type'] == expected
    assert config['auth_type'] == auth_type


def test_no_auth_is_left_alone():
    assert _sdk.identity_v3_directly({'auth_type': 'password'}) == {'auth_type': 'password'}


def test_generic_only_keys_are_what_keystoneauth_says():
    loading = pytest.importorskip('keystoneauth1.loading')
    generic = set(o.dest for o in loading.get_plugin_loader('password').get_options())
    v3 = set(o.dest for o in loading.get_plugin_loader('v3password').get_options())
    assert generic - v3 == set(_sdk.GENERIC_ONLY_AUTH_KEYS)
    assert not v3 - generic


def test_cloud_region_uses_v3password(tmp_path, monkeypatch):
    pytest.importorskip('openstack')
    clouds = tmp_path / 'clouds.yaml'
    clouds.write_text(
        'clouds:\n'
        '  c:\n'
        '    auth:\n'
        '      auth_url: http://127.0.0.1:5000/v3\n'
        '      username: u\n'
        '      password: p\n'
        '      project_name: p\n'
        '      user_domain_name: Default\n'
        '      project_domain_name: Default\n'
    )
    monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(clouds))
    region = _sdk._cloud_region({'cloud': 'c'})
    assert region.config['auth_type'] == 'v3password'
    assert type(region.get_auth()).__name__ == 'Password'
    assert type(region.get_auth()).__module__.startswith('keystoneauth1.identity.v3')
