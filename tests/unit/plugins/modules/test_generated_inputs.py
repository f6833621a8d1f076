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

from ansible_collections.stackops.compute.plugins.filter.option_error import option_error
from ansible_collections.stackops.compute.plugins.module_utils import _sdk
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.tests.unit.helpers import specs
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
}
# Python's words for an exception that escaped into a message.
EXCEPTION_TEXT = re.compile(
    r'Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|object has no attribute|NoneType|not subscriptable|'
    r'unsupported operand|takes \d+ positional|unexpected keyword|<[a-z_.]+ object at 0x'
)

# A valid task of each module, which one generated option at a time then spoils.
BASE = {
    'server': dict(name='web1', image='tiny', flavor='m1.tiny', networks=['private']),
    'server_action': dict(server='web1', action='reboot'),
    'server_image': dict(server='web1', name='img1'),
    'server_image_info': dict(),
    'server_images': dict(images=[dict(server='web1', name='img1')]),
    'server_info': dict(),
    'servers': dict(servers=[dict(name='web1', image='tiny', flavor='m1.tiny', networks=['private'])]),
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
    """Reads answered from one server, one flavor, one image, one network; every write refused (and recorded)."""

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
            'compute_max_microversion': '2.96',
            'current_project_id': 'p1',
            'current_roles': ['member', 'reader'],
            'list_server_actions': [],
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


# ------------------------------------------------------------------------------------------------ values

TEXT = st.one_of(
    st.just(''),
    st.just(' '),
    st.sampled_from(['web1', 'a\nb', 'tab\there', '\x00', '\x1b[31m', 'caf\u00e9', '\U0001f600', 'a,b', 'a/b', '-x']),
    st.text(max_size=20),
    st.text(min_size=250, max_size=300),
    st.text(alphabet=st.characters(codec='utf-8'), max_size=12),
)
INTS = st.one_of(
    st.sampled_from([-(2**63), -2, -1, 0, 1, 2, 100, 101, 255, 256, 2**31 - 1, 2**31, 10**30]),
    st.integers(min_value=-(10**6), max_value=10**6),
)
SCALARS = st.one_of(TEXT, INTS, st.booleans(), st.none(), st.floats(allow_nan=True), st.just([]), st.just({}))


def values_for(option):
    """Values for one option of an argument spec: of its own type (at the edges) or of another."""
    kind = option.get('type', 'str')
    if option.get('choices'):
        own = st.sampled_from(list(option['choices']) + ['', 'NOPE'])
    elif kind == 'int':
        own = INTS
    elif kind == 'bool':
        own = st.sampled_from([True, False, 'maybe', 2])
    elif kind == 'list':
        item = INTS if option.get('elements') == 'int' else TEXT
        if option.get('elements') == 'dict':
            item = st.dictionaries(TEXT, SCALARS, max_size=3)
        own = st.lists(item, max_size=4) | st.lists(st.just('x'), min_size=51, max_size=60)
    elif kind == 'dict':
        own = st.dictionaries(st.one_of(TEXT, st.just('k')), SCALARS, max_size=4)
    else:
        own = TEXT
    return st.one_of(own, own, SCALARS)


def wrong_by_construction(option, value):
    """Whether a value is outside what the option can mean, whatever the cloud (judged without the table)."""
    if isinstance(value, bool) or value is None:
        return False
    if option in ('timeout', 'rotation', 'concurrency', 'limit', 'api_timeout') and isinstance(value, int):
        return value < (0 if option == 'timeout' else 1) or value > 10**7
    if option in ('name', 'flavor', 'image', 'server', 'key_name', 'image_name', 'new_name') and value == '':
        return True
    if option in ('name', 'new_name', 'image_name') and isinstance(value, str):
        return any(c in value for c in '\x00\n\t\x1b') or len(value) > 255
    if option in ('metadata', 'properties') and isinstance(value, dict):
        return any(isinstance(v, (bool, float, list, dict)) or v is None for v in value.values())
    if option == 'tags' and isinstance(value, list):
        return len(value) > 50 or any(isinstance(t, str) and (t == '' or ',' in t or '/' in t) for t in value)
    if option in ('servers', 'images') and value == []:
        return True
    return False


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


ROLE_OPTIONS = specs.role_specs()


@pytest.mark.parametrize('role', sorted(ROLE_OPTIONS))
def test_any_one_role_input_is_judged_in_one_line(role):
    options = ROLE_OPTIONS[role]

    @SETTINGS
    @given(st.data())
    def probe(data):
        name = data.draw(st.sampled_from(sorted(options)))
        value = data.draw(values_for(options[name]))
        message = option_error({name: value}, role)
        assert isinstance(message, str)
        if message:
            assert message.startswith(name) and '\n' not in message and not EXCEPTION_TEXT.search(message)
        short = name.split('_', 1)[1]
        if wrong_by_construction(short, value) and name.endswith(('_concurrency', '_metadata')):
            assert message, (name, value)

    probe()
