# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""connect: which cloud a task uses, and what it says when that is unknown or not chosen."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _sdk
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError

P = '/etc/openstack/clouds.yaml'
THREE = ['local', 'local-admin', 'local-alt']
NOWHERE = 'no clouds.yaml was read (OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack/, /etc/openstack/)'


@pytest.mark.parametrize(
    'chosen, from_env, path, names, env_cloud, own_auth, expected',
    [
        # A cloud that clouds.yaml defines, or the one the OS_* variables describe.
        ('local', False, P, THREE, None, False, ''),
        ('local-alt', True, P, THREE, None, False, ''),
        ('envvars', True, P, THREE, 'envvars', False, ''),
        # One cloud and no choice: openstacksdk takes it.
        (None, False, P, ['devstack'], None, False, ''),
        # No clouds.yaml and no choice: the OS_* variables or the task's auth say it all.
        (None, False, None, [], None, False, ''),
        (None, False, P, THREE, 'envvars', False, ''),
        (None, False, P, THREE, None, True, ''),
        # Several and no choice.
        (
            None,
            False,
            P,
            THREE,
            None,
            False,
            'No cloud chosen: clouds.yaml (%s) defines local, local-admin, local-alt; set cloud: or OS_CLOUD.' % P,
        ),
        # An unknown cloud names the known ones, and says where the name came from.
        (
            'lcoal',
            False,
            P,
            THREE,
            None,
            False,
            'Cloud lcoal was not found: clouds.yaml (%s) defines local, local-admin, local-alt.' % P,
        ),
        (
            'lcoal',
            True,
            P,
            THREE,
            'envvars',
            False,
            'Cloud lcoal (from OS_CLOUD) was not found: clouds.yaml (%s) defines local, local-admin, local-alt.' % P,
        ),
        ('lcoal', False, P, [], None, True, 'Cloud lcoal was not found: clouds.yaml (%s) defines no cloud.' % P),
        ('local', False, None, [], None, False, 'Cloud local was not found: %s.' % NOWHERE),
    ],
)
def test_cloud_choice_problem(chosen, from_env, path, names, env_cloud, own_auth, expected):
    assert _sdk.cloud_choice_problem(chosen, from_env, path, names, env_cloud, own_auth) == expected


# ------------------------------------------------------------------ through openstacksdk's own loader

CLOUD = (
    '  {name}:\n'
    '    auth:\n'
    '      auth_url: http://127.0.0.1:5000/v3\n'
    '      username: {name}\n'
    '      password: p\n'
    '      project_name: p\n'
    '      user_domain_name: Default\n'
    '      project_domain_name: Default\n'
)


@pytest.fixture
def clouds_yaml(tmp_path, monkeypatch):
    """Write a clouds.yaml and make it the only configuration openstacksdk sees."""
    pytest.importorskip('openstack')
    for name in list(os.environ):
        if name.startswith('OS_'):
            monkeypatch.delenv(name)
    monkeypatch.setattr('openstack.config.loader.CONFIG_FILES', [])
    monkeypatch.setenv('STACKOPS_COMPUTE_VERSION_CACHE', 'off')
    path = tmp_path / 'clouds.yaml'

    def write(text):
        path.write_text(text)
        monkeypatch.setenv('OS_CLIENT_CONFIG_FILE', str(path))
        return str(path)

    return write


def connect_message(params):
    with pytest.raises(ComputeError) as raised:
        _sdk.connect(params)
    return raised.value.msg


def test_several_clouds_and_none_chosen(clouds_yaml):
    path = clouds_yaml('clouds:\n' + ''.join(CLOUD.format(name=name) for name in THREE))
    assert connect_message({}) == (
        'No cloud chosen: clouds.yaml (%s) defines local, local-admin, local-alt; set cloud: or OS_CLOUD.' % path
    )


def test_an_unknown_cloud_lists_the_known_ones(clouds_yaml, monkeypatch):
    path = clouds_yaml('clouds:\n' + ''.join(CLOUD.format(name=name) for name in THREE))
    known = 'clouds.yaml (%s) defines local, local-admin, local-alt.' % path
    assert connect_message({'cloud': 'lcoal'}) == 'Cloud lcoal was not found: %s' % known
    monkeypatch.setenv('OS_CLOUD', 'lcoal')
    assert connect_message({}) == 'Cloud lcoal (from OS_CLOUD) was not found: %s' % known


@pytest.mark.parametrize('params, env', [({'cloud': 'local-alt'}, {}), ({}, {'OS_CLOUD': 'local-alt'})])
def test_a_chosen_cloud_connects(clouds_yaml, monkeypatch, params, env):
    clouds_yaml('clouds:\n' + ''.join(CLOUD.format(name=name) for name in THREE))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert _sdk.connect(params).conn.config.auth['username'] == 'local-alt'


def test_the_only_cloud_needs_no_choice(clouds_yaml):
    clouds_yaml('clouds:\n' + CLOUD.format(name='devstack'))
    assert _sdk.connect({}).conn.config.auth['username'] == 'devstack'


def test_the_tasks_own_auth_needs_no_choice(clouds_yaml):
    clouds_yaml('clouds:\n' + ''.join(CLOUD.format(name=name) for name in THREE))
    auth = {'auth_url': 'http://127.0.0.1:5000/v3', 'username': 'mine', 'password': 'p', 'project_name': 'p'}
    auth.update(user_domain_name='Default', project_domain_name='Default')
    assert _sdk.connect({'auth': auth}).conn.config.auth['username'] == 'mine'


def test_a_clouds_yaml_that_does_not_parse(clouds_yaml):
    # openstacksdk before 4.14 raises at it, later ones skip it: the task says the same either way.
    path = clouds_yaml('clouds:\n  local:\n    auth: {auth_url: x\n   username: [demo\n')
    message = connect_message({'cloud': 'local'})
    assert message.startswith('Cloud local was not found: %s. %s was skipped: it is not valid YAML (' % (NOWHERE, path))
    assert 'line' in message and '\n' not in message
