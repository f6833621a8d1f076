# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hypothesis strategies for the generated-input tests: values of an option from its argument spec, and the
judgement of which values are wrong by construction (made without the collection's own table)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from hypothesis import strategies as st

# Python's words for an exception that escaped into a message.
EXCEPTION_TEXT = re.compile(
    r'Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|object has no attribute|NoneType|not subscriptable|'
    r'unsupported operand|takes \d+ positional|unexpected keyword|<[a-z_.]+ object at 0x'
)


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


def role_input_wrong_by_construction(name, value):
    """Whether a number given to a role input is outside what the input can mean (judged without the table):
    a port beyond 0 to 65535, no server at a time, a negative count of failures or seconds."""
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    if name.endswith('_port'):
        return not 0 <= value <= 65535
    if name.endswith(('_concurrency', '_batch_size')):
        return value < 1
    if name.endswith(('_max_failures', '_timeout', '_pause')):
        return value < 0
    return False
