# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() in-process, the same way on ansible-core 2.16 to 2.21.

Import from ``ansible_collections.stackops.compute.tests.unit.helpers.modules``: ``run_module(main, args)``
returns the result dict the module printed; ``patch_module_args(args)`` is the bare context manager.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import gc
import io
import json
from unittest import mock

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

try:
    # ansible-core 2.19+: module args also carry a serialization profile, which this sets.
    from ansible.module_utils.testing import patch_module_args as _core_patch_module_args
except ImportError:
    _core_patch_module_args = None


@contextlib.contextmanager
def patch_module_args(args=None):
    """Give ``args`` to every AnsibleModule created inside the ``with`` block."""
    args = dict(args or {})
    if _core_patch_module_args is not None:
        with _core_patch_module_args(args):
            yield
        return
    serialized = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
    with mock.patch.object(basic, '_ANSIBLE_ARGS', serialized):
        yield


@contextlib.contextmanager
def _as_a_module():
    """Make module_utils behave as in a module process even after a test imported controller code.

    From ansible-core 2.19 on, importing controller code (a filter plugin, ansible.errors) marks the
    process as the controller, and warn() then goes to the display instead of the module's result.
    """
    try:
        from ansible.module_utils import _internal
    except ImportError:
        yield
        return
    if not hasattr(_internal, 'is_controller'):
        yield
        return
    with mock.patch.object(_internal, 'is_controller', False):
        yield


def run_module(main, args=None):
    """Run ``main()`` with ``args`` and return the result it printed, as a dict.

    exit_json / fail_json run for real, so no_log masking, warnings and ``failed`` are what Ansible
    would get. A main() that returns without calling either fails the test.
    """
    printed = io.StringIO()
    with patch_module_args(args), _as_a_module(), contextlib.redirect_stdout(printed):
        try:
            main()
        except SystemExit:
            pass
        else:
            raise AssertionError('main() returned without calling exit_json or fail_json')
        finally:
            # A module freezes the garbage collector right before it exits (its process ends there);
            # this process goes on.
            if hasattr(gc, 'unfreeze'):
                gc.unfreeze()
    lines = [line for line in printed.getvalue().splitlines() if line.strip()]
    if not lines:
        raise AssertionError('main() printed no result')
    return json.loads(lines[-1])
