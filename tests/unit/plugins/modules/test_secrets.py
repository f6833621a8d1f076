# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets given inline in a cloud dictionary never come back in a result (nor in its invocation, which
ansible-core up to 2.19 returns and shows with -vvv)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _module, _sdk
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.modules import server_info
from ansible_collections.stackops.compute.tests.unit.helpers.modules import run_module

PASSWORD = 'Pw-unit-7f3a9'
APP_SECRET = 'App-unit-91c2'
TOKEN = 'Tok-unit-55d0'


@pytest.mark.parametrize(
    'cloud, secrets',
    [
        ('local', set()),
        ({'auth': {'username': 'u', 'password': PASSWORD}}, {PASSWORD}),
        ({'auth': {'application_credential_id': 'i', 'application_credential_secret': APP_SECRET}}, {APP_SECRET}),
        ({'auth_type': 'v3token', 'auth': {'token': TOKEN, 'project_name': 'p'}}, {TOKEN}),
        ({'auth': {'password': None, 'username': 'u'}, 'region_name': 'r'}, set()),
    ],
)
def test_cloud_secrets(cloud, secrets):
    assert _module.cloud_secrets(cloud) == secrets


class EmptyCloud(object):
    def list_servers(self, *args, **kwargs):
        return []


@pytest.mark.parametrize('fails', [False, True])
def test_inline_secrets_are_masked_in_the_result(monkeypatch, fails):
    def connect(params):
        if fails:
            # A library that quotes what it was given must not get the secret out either.
            raise ComputeError('Authentication failed for password %s' % PASSWORD)
        return EmptyCloud()

    monkeypatch.setattr(_sdk, 'connect', connect)
    cloud = {'auth': {'auth_url': 'http://127.0.0.1:5000/v3', 'username': 'u', 'password': PASSWORD}}
    result = run_module(server_info.main, {'cloud': cloud, 'server': 'web1'})
    assert bool(result.get('failed')) is fails
    assert PASSWORD not in json.dumps(result)
