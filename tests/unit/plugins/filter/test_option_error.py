# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generated inputs (hypothesis) for the roles: every input of their argument specs through the option_error
filter, which must judge it in one line naming the input (see tests/unit/plugins/modules/test_generated_inputs.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.stackops.compute.plugins.filter.option_error import option_error
from ansible_collections.stackops.compute.tests.unit.helpers import specs
from ansible_collections.stackops.compute.tests.unit.helpers.generated import (
    EXCEPTION_TEXT,
    role_input_wrong_by_construction,
    values_for,
    wrong_by_construction,
)

SETTINGS = settings(
    max_examples=100, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)
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
        if role_input_wrong_by_construction(name, value):
            assert message, (name, value)

    probe()
