# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""run_module / patch_module_args behave the same on every ansible-core the collection supports."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stackops.compute.tests.unit.helpers.modules import patch_module_args, run_module


def echo_main():
    module = AnsibleModule(
        argument_spec=dict(name=dict(type='str', required=True), password=dict(type='str', no_log=True)),
        supports_check_mode=True,
    )
    if module.params['name'] == 'boom':
        module.fail_json(msg='boom happened')
    module.exit_json(changed=not module.check_mode, name=module.params['name'], echo=module.params['password'])


def test_exit_json_result():
    result = run_module(echo_main, {'name': 'web1'})
    assert result['changed'] is True
    assert result['name'] == 'web1'
    assert not result.get('failed')


def test_check_mode_and_no_log_masking():
    result = run_module(echo_main, {'name': 'web1', 'password': 'sekrit', '_ansible_check_mode': True})
    assert result['changed'] is False
    assert result['echo'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


@pytest.mark.parametrize(
    'args, message',
    [
        ({'name': 'boom'}, 'boom happened'),
        ({}, 'missing required arguments: name'),
    ],
)
def test_fail_json_result(args, message):
    result = run_module(echo_main, args)
    assert result['failed'] is True
    assert message in result['msg']


def test_patch_module_args_reaches_ansible_module():
    with patch_module_args({'name': 'db1'}):
        module = AnsibleModule(argument_spec=dict(name=dict(type='str')))
    assert module.params['name'] == 'db1'


def test_main_that_never_exits_is_reported():
    with pytest.raises(AssertionError, match='without calling exit_json'):
        run_module(lambda: None, {})
