# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How _sdk imports openstacksdk: only the services and cloud-layer code the collection uses, and the
whole of it when openstacksdk is laid out differently. Each case runs in a fresh interpreter, as a module
process does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip('openstack')

SDK = 'ansible_collections.stackops.compute.plugins.module_utils._sdk_base'


def fresh(code):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    out = subprocess.run(
        [sys.executable, '-c', textwrap.dedent(code)], env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_only_what_the_collection_uses_is_imported():
    seen = fresh(
        '''
        import gc, json, sys
        from %s import HAS_SDK, SDK_SERVICES, UNUSED_CLOUD_MIXINS
        import openstack.connection as c
        bases = dict((b.__name__, b.__module__) for b in c.Connection.__mro__)
        print(json.dumps(dict(
            has_sdk=HAS_SDK,
            services=sorted(n for n in SDK_SERVICES if hasattr(c.Connection, n)),
            baremetal=hasattr(c.Connection, 'baremetal'),
            stand_ins=sorted(n for n in UNUSED_CLOUD_MIXINS if getattr(sys.modules[n], '__file__', None) is None),
            mixins=sorted(UNUSED_CLOUD_MIXINS.values()),
            in_mro=sorted(n for n in UNUSED_CLOUD_MIXINS.values() if n in bases),
            compute=bases.get('ComputeCloudMixin'),
            collecting=gc.isenabled(),
        )))
        '''
        % SDK
    )
    assert seen['has_sdk'] is True
    assert seen['services'] == ['compute', 'identity', 'image', 'network']
    assert seen['baremetal'] is False
    assert len(seen['stand_ins']) == 8
    # The stand-ins take the mixins' places; the mixins of the services used are openstacksdk's own.
    assert seen['in_mro'] == seen['mixins']
    assert seen['compute'] == 'openstack.cloud._compute'
    assert seen['collecting'] is True


def test_an_sdk_laid_out_differently_is_imported_whole():
    seen = fresh(
        '''
        import json, sys, types
        # A layout where a module the connection imports lacks what it asks of it.
        sys.modules['openstack.cloud._compute'] = types.ModuleType('openstack.cloud._compute')
        from %s import HAS_SDK
        import openstack.connection as c
        print(json.dumps(dict(
            has_sdk=HAS_SDK,
            compute=[b.__module__ for b in c.Connection.__mro__ if b.__name__ == 'ComputeCloudMixin'],
            baremetal=hasattr(c.Connection, 'baremetal'),
            real_baremetal_mixin=getattr(sys.modules['openstack.cloud._baremetal'], '__file__', None) is not None,
        )))
        '''
        % SDK
    )
    assert seen == {
        'has_sdk': True,
        'compute': ['openstack.cloud._compute'],
        'baremetal': True,
        'real_baremetal_mixin': True,
    }
