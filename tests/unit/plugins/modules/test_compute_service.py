# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""compute_service wired to a fake compute proxy: read, enable, disable with a reason, check mode sends nothing,
an unknown host fails naming the hosts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import types

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _sdk
from ansible_collections.stackops.compute.plugins.modules import compute_service
from ansible_collections.stackops.compute.tests.unit.helpers.modules import run_module


class FakeCompute(object):
    """The compute proxy calls the seam makes, recorded."""

    def __init__(self):
        self.calls = []
        self.rows = {
            'compute1': {
                'id': 's1',
                'binary': 'nova-compute',
                'host': 'compute1',
                'status': 'enabled',
                'state': 'up',
                'disabled_reason': None,
                'is_forced_down': False,
            },
            'compute2': {
                'id': 's2',
                'binary': 'nova-compute',
                'host': 'compute2',
                'status': 'disabled',
                'state': 'up',
                'disabled_reason': 'maintenance',
                'is_forced_down': False,
            },
        }

    def services(self, binary=None):
        self.calls.append(('services', binary))
        return [dict(r) for r in self.rows.values() if r['binary'] == binary]

    def _row(self, service_id):
        return next(r for r in self.rows.values() if r['id'] == service_id)

    def enable_service(self, service_id, host=None, binary=None):
        self.calls.append(('enable_service', service_id, host, binary))
        row = self._row(service_id)
        row.update(status='enabled', disabled_reason=None)
        return dict(row)

    def disable_service(self, service_id, host=None, binary=None, disabled_reason=None):
        self.calls.append(('disable_service', service_id, host, binary, disabled_reason))
        row = self._row(service_id)
        row.update(status='disabled', disabled_reason=disabled_reason)
        return dict(row)


@pytest.fixture
def compute(monkeypatch):
    fake = FakeCompute()
    monkeypatch.setattr(_sdk, 'connect', lambda params: _sdk.Cloud(types.SimpleNamespace(compute=fake)))
    return fake


def run(check_mode=False, diff=False, **args):
    args.update(cloud='local-admin', _ansible_check_mode=check_mode, _ansible_diff=diff)
    return run_module(compute_service.main, args)


def writes(fake):
    return [c for c in fake.calls if c[0] != 'services']


def test_read_only(compute):
    result = run(host='compute1')
    assert result['changed'] is False
    assert result['service']['status'] == 'enabled'
    assert result['hosts'] == ['compute1', 'compute2']
    assert writes(compute) == []


def test_disable_in_four_steps(compute):
    args = dict(host='compute1', enabled=False, disabled_reason='disk replacement')
    checked = run(check_mode=True, diff=True, **args)
    assert checked['changed'] is True
    assert checked['service']['status'] == 'disabled'
    assert checked['changes'] == ['disable the nova-compute service of compute1 (disk replacement)']
    assert checked['diff']['before']['status'] == 'enabled'
    assert checked['diff']['after'] == {
        'host': 'compute1',
        'binary': 'nova-compute',
        'status': 'disabled',
        'disabled_reason': 'disk replacement',
    }
    assert writes(compute) == []
    real = run(**args)
    assert real['changed'] is True
    assert real['service']['disabled_reason'] == 'disk replacement'
    assert writes(compute) == [('disable_service', 's1', 'compute1', 'nova-compute', 'disk replacement')]
    assert run(**args)['changed'] is False
    assert run(check_mode=True, **args)['changed'] is False
    assert len(writes(compute)) == 1


@pytest.mark.parametrize(
    'args, changed, call',
    [
        (dict(host='compute2', enabled=True), True, ('enable_service', 's2', 'compute2', 'nova-compute')),
        (dict(host='compute2', enabled=False), False, None),
        (dict(host='compute2', enabled=False, disabled_reason='maintenance'), False, None),
        (
            dict(host='compute2', enabled=False, disabled_reason='other'),
            True,
            ('disable_service', 's2', 'compute2', 'nova-compute', 'other'),
        ),
        (dict(host='compute1', enabled=True), False, None),
    ],
)
def test_enable_and_reasons(compute, args, changed, call):
    result = run(**args)
    assert result['changed'] is changed
    assert writes(compute) == ([call] if call else [])


@pytest.mark.parametrize(
    'args, msg',
    [
        (
            dict(host='compute9', enabled=False),
            "No nova-compute service on host 'compute9'; hosts with one: compute1, compute2.",
        ),
        (dict(host='compute1', disabled_reason='x'), 'disabled_reason needs enabled=false.'),
        (dict(host='compute1', enabled=True, disabled_reason='x'), 'disabled_reason needs enabled=false.'),
    ],
)
def test_failures_are_one_line_and_send_nothing(compute, args, msg):
    result = run(**args)
    assert result['failed'] is True
    assert result['msg'] == msg
    assert writes(compute) == []
