# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests only: add a marker to the User-Agent of every keystoneauth request of this process.

The benchmark and the bad_input integration target put this folder on PYTHONPATH and name the marker in
STACKOPS_BENCH_UA, so the services' access logs tell each benchmark step's (or each bad input's) requests
apart from everyone else's on a shared cloud. Neither openstacksdk nor keystoneauth reads a User-Agent
addition from the environment, hence this hook. It imports nothing itself: keystoneauth1.session is patched
when (and if) the process imports it, so processes that never talk to a cloud pay nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

MARKER = os.environ.get('STACKOPS_BENCH_UA', '')
TARGET = 'keystoneauth1.session'


class _Patcher:
    """A meta path finder that only wraps the loader of keystoneauth1.session."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != TARGET:
            return None
        sys.meta_path.remove(self)
        try:
            import importlib.util

            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module):
            original(module)
            module.DEFAULT_USER_AGENT = '%s stackops-bench/%s' % (module.DEFAULT_USER_AGENT, MARKER)

        loader.exec_module = exec_module
        return spec


if MARKER and TARGET not in sys.modules:
    sys.meta_path.insert(0, _Patcher())
