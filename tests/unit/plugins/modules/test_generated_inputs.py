# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generated inputs (hypothesis): every option of every module, of the fleet modules' items and of the roles.

Values come from each option's type in the argument spec: wrong types, numbers at and beyond their edges,
negatives, empty and huge text, unicode and control characters, lists empty and full, dictionaries with
values that are not text. Each input runs the module's main() against a fake cloud that answers reads
and refuses every write. Whatever the input, the task must end with a result (no exception escapes), a
failure must be one line without Python's words for an exception, and nothing that changes the cloud
may be sent before a failure of the input: the only write a run may see is the first one, which the fake
refuses. Inputs that are wrong by construction (a negative timeout, an empty name, metadata that is not
text...) must fail before the first request of any kind.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.stackops.compute.plugins.module_utils import _sdk
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.tests.unit.helpers import specs
from ansible_collections.stackops.compute.tests.unit.helpers.generated import (
    EXCEPTION_TEXT,
    values_for,
    wrong_by_construction,
)
from ansible_collections.stackops.compute.tests.unit.helpers.modules import run_module

SID = '11111111-1111-4111-8111-111111111111'
REFUSED = 'fake cloud refuses'
WRITES = {
    'create_server',
    'update_server',
    'delete_server',
    'set_server_metadata',
    'delete_server_metadata',
    'add_server_tag',
    'remove_server_tag',
    'server_call',
    'server_resource_call',
    'server_action_request',
    'delete_floating_ip',
    'create_floating_ip',
    'update_image',
    'delete_image',
    'create_server_image',
    'create_server_backup',
    'set_image_properties',
    'attach_volume',
    'detach_volume',
    'delete_volume_snapshot',
    'set_compute_service_status',
}
# A valid task of each module, which one generated option at a time then spoils.
BASE = {
    'server': dict(name='web1', image='tiny', flavor='m1.tiny', networks=['private']),
    'server_action': dict(server='web1', action='reboot'),
    'server_image': dict(server='web1', name='img1'),
    'server_image_info': dict(),
    'server_images': dict(images=[dict(server='web1', name='img1')]),
    'server_info': dict(),
    'servers': dict(servers=[dict(name='web1', image='tiny', flavor='m1.tiny', networks=['private'])]),
    'server_metadata': dict(server='web1', metadata=dict(role='web')),
    'compute_service': dict(host='compute1', enabled=False, disabled_reason='maintenance'),
}
# Options that name the cloud or its credentials: generated values would only test openstacksdk's parser.
CONNECTION = {'cloud', 'auth', 'auth_type', 'region_name', 'interface', 'validate_certs', 'ca_cert', 'client_cert'}
CONNECTION |= {'client_key'}


def server_data():
    return dict(
        id=SID,
        name='web1',
        status='ACTIVE',
        vm_state='active',
        task_state=None,
        power_state=1,
        is_locked=False,
        flavor={'original_name': 'm1.tiny', 'id': 'm1.tiny'},
        image={'id': 'img-tiny'},
        addresses={'private': [{'addr': '192.0.2.10', 'OS-EXT-IPS:type': 'fixed', 'version': 4}]},
        security_groups=[{'name': 'default'}],
        metadata={},
        tags=[],
        project_id='p1',
    )


class FakeCloud(object):
    """Reads answered from one server, one flavor, one image, one network, two compute services; every write
    refused (and recorded)."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)

        def call(*args, **kwargs):
            self.calls.append(name)
            if name in WRITES:
                raise ComputeError('%s %s.' % (REFUSED, name))
            return self.read(name, *args, **kwargs)

        return call

    def read(self, name, *args, **kwargs):
        found = {
            'find_server': server_data(),
            'get_server': server_data(),
            'find_servers': [server_data()],
            'list_servers': [server_data()],
            'find_flavor': {'id': 'f1', 'name': 'm1.tiny', 'vcpus': 1, 'ram': 256, 'disk': 1},
            'find_image': {'id': 'img-tiny', 'name': 'tiny'},
            'find_network': {'id': 'net-1', 'name': 'private'},
            'find_port': {'id': 'port-1', 'network_id': 'net-1'},
            'find_security_group': {'id': 'sg-1', 'name': 'default'},
            'find_keypair': {'name': 'ops'},
            'find_server_group': {'id': 'sg1', 'name': 'group'},
            'find_external_network': {'id': 'ext-1', 'name': 'public'},
            'find_project': {'id': 'p1', 'name': 'demo'},
            'find_volume': {'id': 'vol-1', 'name': 'data', 'status': 'available', 'size': 1, 'attachments': []},
            'compute_max_microversion': '2.96',
            'current_project_id': 'p1',
            'current_roles': ['member', 'reader'],
            'list_server_actions': [],
            'list_compute_services': [
                {'id': 'svc-1', 'binary': 'nova-compute', 'host': 'compute1', 'status': 'enabled'},
                {'id': 'svc-2', 'binary': 'nova-compute', 'host': 'compute2', 'status': 'enabled'},
            ],
        }
        if name in found:
            return copy.deepcopy(found[name])
        if name.startswith('list_') or name.startswith('find_images'):
            return []
        return None


@pytest.fixture
def fake(monkeypatch):
    cloud = FakeCloud()
    monkeypatch.setattr(_sdk, 'connect', lambda params: cloud)
    monkeypatch.setattr(_sdk, 'HAS_SDK', True)
    return cloud


# ------------------------------------------------------------------------------------------------ checks


def messages_of(result):
    """The failure message of a result and of each of its items."""
    out = [result.get('msg')] if result.get('failed') else []
    for key in ('results', 'servers', 'images'):
        for item in result.get(key) or []:
            if isinstance(item, dict) and item.get('failed'):
                out.append(item.get('msg'))
    return [m for m in out if m is not None]


# Ansible's own checks of a module's options (types, choices) fail before the module runs, in Ansible's
# words, which repeat the value given (line breaks included).
ANSIBLE_CHECKS = re.compile(
    r"^(argument '|value of |Unsupported parameters|missing required|parameters are|one of the)"
)


def check_outcome(fake, result, option, value):
    messages = messages_of(result)
    for message in messages:
        assert isinstance(message, str) and message.strip(), result
        assert '\n' not in message.strip() or ANSIBLE_CHECKS.match(message), message
        assert ANSIBLE_CHECKS.match(message) or not EXCEPTION_TEXT.search(message), message
    writes = [c for c in fake.calls if c in WRITES]
    if result.get('failed'):
        # At most the first write was sent, and the failure says it was refused (per item for fleets).
        refused = [m for m in messages if REFUSED in m]
        assert not writes or refused, (writes, messages)
    if wrong_by_construction(option, value):
        assert result.get('failed'), (option, value, result)
        assert fake.calls == [], (option, value, fake.calls, messages)


def run(module, args):
    try:
        return run_module(specs.module_main(module), dict(args, cloud='local'))
    except AssertionError:
        raise
    except BaseException as exc:  # noqa: BLE001 - what escapes main() is the finding
        pytest.fail('%s escaped %s with %r: %s' % (type(exc).__name__, module, args, exc))


SPECS = dict((name, specs.module_spec(name)[0]) for name in specs.MODULES)
SETTINGS = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)


def option_and_value(spec):
    names = sorted(n for n in spec if n not in CONNECTION)
    return st.sampled_from(names).flatmap(lambda n: st.tuples(st.just(n), values_for(spec[n])))


@pytest.mark.parametrize('module', specs.MODULES)
def test_any_one_option_ends_cleanly(module, monkeypatch):
    @SETTINGS
    @given(st.data())
    def probe(data):
        cloud = FakeCloud()
        monkeypatch.setattr(_sdk, 'connect', lambda params: cloud)
        option, value = data.draw(option_and_value(SPECS[module]))
        args = dict(BASE[module])
        args[option] = value
        for check_mode in (False, True):
            cloud.calls[:] = []
            result = run(module, dict(args, _ansible_check_mode=check_mode))
            check_outcome(cloud, result, option, value)
            if check_mode:
                assert not [c for c in cloud.calls if c in WRITES], cloud.calls

    probe()


ITEM_SPECS = {
    'servers': ('servers', 'server'),
    'server_images': ('images', 'server_image'),
}


@pytest.mark.parametrize('module', sorted(ITEM_SPECS))
def test_any_one_option_of_an_item_ends_cleanly(module, monkeypatch):
    key, single = ITEM_SPECS[module]
    spec = dict((k, v) for k, v in SPECS[single].items() if k not in CONNECTION and k not in ('wait', 'timeout'))

    @SETTINGS
    @given(st.data())
    def probe(data):
        cloud = FakeCloud()
        monkeypatch.setattr(_sdk, 'connect', lambda params: cloud)
        option, value = data.draw(option_and_value(spec))
        args = copy.deepcopy(BASE[module])
        args[key][0][option] = value
        result = run(module, args)
        check_outcome(cloud, result, option, value)

    probe()


@pytest.mark.parametrize('module', ['server_info', 'compute_service'])
def test_an_infinite_number_fails_in_one_line_naming_the_option(module, fake):
    # ansible-core 2.21's own check of int options lets the OverflowError of .inf escape.
    result = run(module, dict(BASE[module], api_timeout=float('inf')))
    assert result['failed'] is True and 'api_timeout' in result['msg'] and '\n' not in result['msg'], result
    assert not EXCEPTION_TEXT.search(result['msg']) or ANSIBLE_CHECKS.match(result['msg']), result
    assert fake.calls == []
