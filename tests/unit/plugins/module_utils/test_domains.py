# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The table of domains: each rule's edges, as rows (option, value, the message or None)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import os

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _domains
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.tests.unit.helpers import specs

B64_LIMIT_TEXT = '#' * (65535 // 4 * 3)  # not base64 itself: encodes to 65532 characters


@pytest.mark.parametrize(
    'module, option, value, message',
    [
        # numbers
        ('server', 'timeout', 0, None),
        ('server', 'timeout', 604800, None),
        ('server', 'timeout', -1, 'timeout must be 0 to 604800 seconds; got -1 (0 looks once'),
        ('server', 'timeout', 10**30, 'timeout must be 0 to 604800 seconds; got 1000000000000000000000000000000'),
        ('server', 'api_timeout', 0, 'api_timeout must be 1 to 3600 seconds; got 0'),
        ('server_info', 'api_timeout', 1, None),
        ('servers', 'concurrency', 0, 'concurrency must be 1 to 100; got 0'),
        ('server_images', 'concurrency', 101, 'concurrency must be 1 to 100; got 101'),
        ('server_action', 'rotation', 0, 'rotation must be 1 or more; got 0 (with 0, Nova deletes every backup'),
        ('server_image', 'rotation', -3, 'rotation must be 1 or more; got -3'),
        ('server_image', 'rotation', 2**31, 'rotation must be 1 or more; got 2147483648'),
        ('server_image', 'rotation', 1, None),
        ('server_info', 'limit', 0, 'limit must be 1 or more; got 0'),
        ('server_info', 'console_output_length', -1, None),
        ('server_info', 'console_output_length', 0, 'console_output_length must be -1 (the whole log) or a number'),
        ('server_action', 'length', -2, 'length must be -1 or more lines; got -2'),
        ('server_action', 'length', True, 'length must be a whole number; got a boolean'),
        # required lists
        ('servers', 'servers', [], 'servers must not be empty'),
        ('server_images', 'images', [], 'images must not be empty'),
        ('server_action', 'servers', [], 'servers must not be empty'),
        ('server_action', 'servers', ['web1', ''], r'servers [1] must not be empty'),
        # Nova's limits
        ('server', 'name', 'w' * 255, None),
        ('server', 'name', 'w' * 256, 'name takes at most 255 characters; got 256'),
        ('server', 'name', '', 'name must not be empty'),
        ('server', 'name', ' web', 'name must not start or end with whitespace'),
        ('server', 'name', 'web\u00a0one', None),
        ('server', 'name', 'web\n1', 'name takes printable characters only'),
        ('server', 'name', 'web\U0001f600', 'got U+1F600 at position 4'),
        ('server', 'description', '', None),
        ('server', 'description', 'two\nlines', 'description takes printable characters only'),
        ('server', 'tags', ['a' * 60], None),
        ('server', 'tags', ['a' * 61], 'tags [0] takes at most 60 characters; got 61'),
        ('server', 'tags', ['a,b'], "tags [0] must not contain ',' or '/'"),
        ('server', 'tags', [''], 'tags [0] must not be empty'),
        ('server', 'tags', ['t%d' % i for i in range(51)], 'tags takes at most 50 items; got 51'),
        ('server', 'metadata', {'a-b_c:d. e': 'v' * 255}, None),
        ('server', 'metadata', {'a/b': 'v'}, "metadata key 'a/b': Nova takes keys of 1 to 255 letters, digits"),
        ('server', 'metadata', {'k': 'v' * 256}, "metadata key 'k': the value takes at most 255 characters; got 256"),
        (
            'server',
            'metadata',
            {'k': True},
            "metadata key 'k': the value must be text, not a boolean (Nova would store",
        ),
        ('server', 'metadata', {'k': None}, "metadata key 'k': the value must be text, not null"),
        ('server', 'metadata', {'k': {'b': 'c'}}, "metadata key 'k': the value must be text, not a dictionary"),
        ('server', 'metadata', {'k': 1.5}, "metadata key 'k': the value must be text, not a number"),
        ('server', 'hostname', 'web-1.example.org', None),
        ('server', 'hostname', 'web 1', 'hostname takes letters, digits, - . and _ only'),
        ('server', 'user_data', B64_LIMIT_TEXT, None),
        ('server', 'user_data', B64_LIMIT_TEXT + '###', 'user_data is 65536 characters once base64-encoded'),
        ('server', 'admin_password', '', 'admin_password must not be empty'),
        ('server', 'access_ipv4', '2001:db8::1', 'access_ipv4 must be an IPv4 address'),
        ('server', 'access_ipv6', '2001:db8::1', None),
        ('server', 'floating_ips', ['203.0.113.300'], 'floating_ips [0] must be an IP address'),
        ('server', 'trusted_image_certificates', [], 'trusted_image_certificates must not be empty'),
        ('server', 'trusted_image_certificates', ['a', 'a'], 'must not repeat an item'),
        ('server', 'locked_reason', '', 'locked_reason must not be empty'),
        ('server', 'flavor', 'm1.\ttiny', 'flavor takes no control characters'),
        ('server', 'image', 'ubuntu \U0001f600', None),
        ('server_action', 'host', 'compute_1.example', None),
        ('server_action', 'host', 'compute/1', 'host takes letters, digits'),
        ('server_action', 'image_name', ' nightly', 'image_name must not start or end with whitespace'),
        ('server_image', 'backup_type', '', 'backup_type must not be empty'),
        # filters
        ('server_info', 'status', ['active', 'SHUTOFF'], None),
        ('server_info', 'status', ['running'], "status [0] must be one of Nova's statuses: ACTIVE, BUILD"),
        ('server_info', 'changes_since', 'yesterday', 'changes_since is not an ISO 8601 date and time'),
        ('server_info', 'changes_since', '2026-01-31T12:00:00Z', None),
        ('server_info', 'metadata', {'any/key': 3}, None),
        ('server_info', 'metadata', {'k': True}, "metadata key 'k': the value must be text, not a boolean"),
        ('server_info', 'tags', ['a,b'], "tags [0] must not contain ','"),
        ('server_image_info', 'newer_than', '5x', 'newer_than is not a duration'),
        # roles
        ('backup', 'backup_policy', 'bad policy!', 'backup_policy takes a word of letters, digits, . _ and - only'),
        ('backup', 'backup_concurrency', '5', None),
        ('backup', 'backup_concurrency', '0', 'backup_concurrency must be 1 to 100; got 0'),
        ('backup', 'backup_wait_timeout', -5, 'backup_wait_timeout must be 0 to 604800 seconds'),
        ('backup', 'backup_metadata', {'k': None}, "backup_metadata key 'k': the value must be text"),
        ('rotate', 'rotate_servers', [''], 'rotate_servers [0] must not be empty'),
        ('restore', 'restore_backup', ' newest', None),
        ('restore', 'restore_backup', '2026-11-27T06:00:00Z', None),
        ('restore', 'restore_backup', '  ', 'restore_backup takes newest, the name or ID of a backup image, or a date'),
        ('restore', 'restore_suffix', '', None),
        ('restore', 'restore_suffix', '-old ', 'restore_suffix takes text that does not end with whitespace'),
        ('restore', 'restore_suffix', '-\n', 'restore_suffix takes printable characters only'),
        ('restore', 'restore_flavor', '', None),
        ('restore', 'restore_networks', ['private', ''], 'restore_networks [1] must not be empty'),
        ('restore', 'restore_policy', 'night ly', 'restore_policy takes a word of letters, digits'),
        ('restore', 'restore_concurrency', 0, 'restore_concurrency must be 1 to 100; got 0'),
        ('restore', 'restore_timeout', -1, 'restore_timeout must be 0 to 604800 seconds; got -1'),
        ('resize', 'resize_flavor', '', 'resize_flavor must not be empty'),
        ('resize', 'resize_verify_port', 0, None),
        ('resize', 'resize_verify_port', 65535, None),
        (
            'resize',
            'resize_verify_port',
            70000,
            'resize_verify_port must be 0 to 65535; got 70000 (a TCP port; 0 checks',
        ),
        ('resize', 'resize_verify_address', 'private v4', 'resize_verify_address takes a key of the server'),
        ('resize', 'resize_verify_timeout', 0, 'resize_verify_timeout must be 1 to 604800 seconds; got 0'),
        ('resize', 'resize_max_failures', -1, 'resize_max_failures must be 0 or more; got -1'),
        ('resize', 'resize_verify_tasks', '', None),
        ('drain', 'drain_host', '', 'drain_host must not be empty'),
        ('drain', 'drain_host', 'compute/1', 'drain_host takes letters, digits, - . and _ only'),
        ('drain', 'drain_target_host', '', None),
        ('drain', 'drain_target_host', 'compute 2', 'drain_target_host takes letters, digits, - . and _ only'),
        ('drain', 'drain_block_migration', 'auto', None),
        ('drain', 'drain_block_migration', False, None),
        ('drain', 'drain_block_migration', 'sometimes', 'drain_block_migration must be auto, true or false'),
        ('drain', 'drain_disabled_reason', '', 'drain_disabled_reason must not be empty'),
        ('drain', 'drain_concurrency', '101', 'drain_concurrency must be 1 to 100; got 101'),
        ('rolling', 'rolling_run', 'patch-2026.12_a', None),
        ('rolling', 'rolling_run', 'patch now!', 'rolling_run takes a word of letters, digits, . _ and - only'),
        ('rolling', 'rolling_batch_size', 0, 'rolling_batch_size must be 1 to 100; got 0'),
        ('rolling', 'rolling_health_port', -1, 'rolling_health_port must be 0 to 65535; got -1'),
        ('rolling', 'rolling_pause', -1, 'rolling_pause must be 0 to 604800 seconds; got -1'),
        ('rolling', 'rolling_image', '', None),
        ('rolling', 'rolling_tasks', '/tmp/a\tb.yml', 'rolling_tasks takes no control characters'),
        # modules
        ('server_metadata', 'metadata', {'a': None}, "metadata key 'a': the value must be text, not null"),
        ('server_metadata', 'metadata', {'port': 8080}, None),
        ('server_metadata', 'server', '', 'server must not be empty'),
        ('compute_service', 'host', 'compute_1.example', None),
        ('compute_service', 'host', 'compute/1', 'host takes letters, digits, - . and _ only'),
        ('compute_service', 'disabled_reason', '', 'disabled_reason must not be empty'),
        ('compute_service', 'disabled_reason', 'r' * 256, 'disabled_reason takes at most 255 characters; got 256'),
        ('compute_service', 'binary', '', 'binary must not be empty'),
        ('server_action', 'block_migration', 'True', None),
        ('server_action', 'block_migration', 1, None),
        ('server_action', 'block_migration', 2, 'block_migration must be auto, true or false; got 2'),
    ],
)
def test_domains(module, option, value, message):
    rules = dict(_domains.CONNECTION, **_domains.TABLE[module])
    found, _values = _domains.problems(rules, {option: value})
    if message is None:
        assert found is None
    else:
        assert found is not None and found.startswith(option) and message in found, found
        assert '\n' not in found


def test_whole_numbers_in_metadata_become_their_text_and_nothing_else_changes():
    out = _domains.check_module('server', {'metadata': {'port': 8080, 'role': 'web'}, 'name': 'web1', 'wait': True})
    assert out == {'metadata': {'port': '8080', 'role': 'web'}, 'name': 'web1', 'wait': True}


@pytest.mark.parametrize(
    'state, metadata, message',
    [
        ('present', {'a': None}, 'or remove the key with state=absent'),
        ('present', {'a/b': 'c'}, "metadata key 'a/b': Nova takes keys"),
        ('absent', {'a': None, 'b': [1], 'a/b': True}, None),
        ('absent', 'a', 'metadata must be a dictionary'),
    ],
)
def test_server_metadata_is_written_with_present_and_only_its_keys_count_with_absent(state, metadata, message):
    found, values = _domains.problems(_domains.TABLE['server_metadata'], {'metadata': metadata, 'state': state})
    if message is None:
        assert found is None and values['metadata'] == metadata
    else:
        assert found is not None and message in found, found


def test_secrets_never_show_in_the_message():
    with pytest.raises(ComputeError) as info:
        _domains.check(_domains.TABLE['server'], {'user_data': 'secret-' * 20000})
    assert 'secret' not in info.value.msg


@pytest.mark.parametrize(
    'user_data, fits',
    [
        (base64.b64encode(b'x' * 49149).decode(), True),  # already base64: sent as it is, 65532 characters
        ('#' * 49149, True),  # plain text: 65532 characters once encoded
        ('#' * 49152, False),  # 65536 once encoded
        ('x' * 49152, True),  # text that is base64 already is sent as it is
        (base64.b64encode(b'x' * 49152).decode(), False),  # 65536 as it is
    ],
)
def test_user_data_counts_as_it_is_sent(user_data, fits):
    # The limit is checked on what encode_user_data makes of the text, the one rule of what is sent.
    assert (_domains.problems(_domains.TABLE['server'], {'user_data': user_data})[0] is None) is fits


@pytest.mark.parametrize(
    'hostname, microversion, message',
    [
        ('web-1', '2.90', None),
        ('web.example.org', '2.90', 'hostname takes one label'),
        ('w', '2.93', 'hostname needs 2 characters or more'),
        ('web.example.org', '2.94', None),
        ('-web', '2.90', 'hostname takes one label'),
    ],
)
def test_hostname_follows_the_microversion_in_use(hostname, microversion, message):
    if message is None:
        _domains.check_versioned({'hostname': hostname}, microversion)
    else:
        with pytest.raises(ComputeError, match=message):
            _domains.check_versioned({'hostname': hostname}, microversion)


def test_every_table_names_options_of_its_module_or_role():
    # A misspelt option in the table would silently check nothing.
    for module, spec in specs.module_specs().items():
        assert set(_domains.TABLE[module]) <= set(spec), module
    for role, options in specs.role_specs().items():
        assert set(_domains.TABLE[role]) <= set(options), role
    assert set(_domains.SERVER) <= set(specs.module_specs()['server'])


def test_every_module_and_role_is_in_the_generated_tests():
    # A module or role merged without its table and generated tests would go unchecked.
    modules = sorted(
        name[:-3]
        for name in os.listdir(os.path.join(specs.ROOT, 'plugins', 'modules'))
        if name.endswith('.py') and not name.startswith('_')
    )
    roles = sorted(
        name
        for name in os.listdir(os.path.join(specs.ROOT, 'roles'))
        if os.path.exists(os.path.join(specs.ROOT, 'roles', name, 'meta', 'argument_specs.yml')) and name != 'workflow'
    )
    assert sorted(specs.MODULES) == modules
    assert sorted(specs.ROLES) == roles
    assert set(specs.MODULES) | set(specs.ROLES) <= set(_domains.TABLE)


def test_every_number_a_role_takes_has_a_domain():
    for role, options in specs.role_specs().items():
        numbers = set(name for name, option in options.items() if option.get('type') == 'int')
        assert numbers <= set(_domains.TABLE[role]), (role, sorted(numbers - set(_domains.TABLE[role])))
