# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ComputeModule ends a module run the quick way: garbage collector frozen, then the result."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gc

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _module
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.tests.unit.helpers.modules import run_module


def _main(body):
    def main():
        _module.ComputeModule(dict(name=dict(type='str'))).run(body)

    return main


def _fails(module):
    raise ComputeError('Server x not found.')


@pytest.mark.parametrize(
    'body, failed',
    [
        (lambda module: module.result(False, name=module.params['name']), False),
        (_fails, True),
    ],
)
def test_the_collector_is_frozen_before_the_result(monkeypatch, body, failed):
    seen = []
    monkeypatch.setattr(_module._sdk, 'HAS_SDK', True)
    monkeypatch.setattr(_module, '_before_exit', lambda: seen.append('frozen'))

    def recorded(real):
        def record(self, *args, **kwargs):
            seen.append('result')
            return real(self, *args, **kwargs)

        return record

    for name in ('exit_json', 'fail_json'):
        monkeypatch.setattr(_module.AnsibleModule, name, recorded(getattr(_module.AnsibleModule, name)))
    result = run_module(_main(body), {'name': 'x'})
    assert seen == ['frozen', 'result']
    assert bool(result.get('failed')) is failed


def test_before_exit_freezes(monkeypatch):
    if not hasattr(gc, 'freeze'):
        pytest.skip('no gc.freeze on this Python')
    try:
        _module._before_exit()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
