# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the seam imports openstacksdk: all of it, as openstacksdk lays itself out, with the garbage collector
off only while it loads. Runs in a fresh interpreter, as a module process does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip('openstack')


def test_the_whole_sdk_is_imported_and_collection_comes_back_on():
    code = '''
        import gc, json
        SERVICES = ('block_storage', 'compute', 'identity', 'image', 'network')
        from ansible_collections.stackops.compute.plugins.module_utils._sdk import HAS_SDK
        import openstack.connection as c
        print(json.dumps(dict(
            has_sdk=HAS_SDK,
            services=[n for n in SERVICES if hasattr(c.Connection, n)],
            collecting=gc.isenabled(),
        )))
        '''
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    out = subprocess.run(
        [sys.executable, '-c', textwrap.dedent(code)], env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {
        'has_sdk': True,
        'services': ['block_storage', 'compute', 'identity', 'image', 'network'],
        'collecting': True,
    }
