# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The argument specs of the collection's modules and roles, as Ansible gets them.

``module_specs()`` runs each module's main() with an AnsibleModule stand-in that records what it is given
(the whole spec: connection, wait and the module's own options) and stops; ``role_specs()`` reads the roles'
meta/argument_specs.yml.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os
from unittest import mock

import yaml

from ansible_collections.stackops.compute.plugins.module_utils import _module

MODULES = (
    'compute_service',
    'server',
    'server_action',
    'server_image',
    'server_image_info',
    'server_images',
    'server_info',
    'server_metadata',
    'servers',
)
# Every role a user calls; the workflow role's inputs come from these roles.
ROLES = ('backup', 'drain', 'resize', 'restore', 'rolling', 'rotate')
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


class _Recorded(Exception):
    pass


def module_main(name):
    return importlib.import_module('ansible_collections.stackops.compute.plugins.modules.%s' % name).main


def module_spec(name):
    """(argument_spec, the other AnsibleModule arguments) of one module."""
    seen = {}

    def record(argument_spec, **kwargs):
        seen['spec'] = argument_spec
        seen['kwargs'] = kwargs
        raise _Recorded()

    with mock.patch.object(_module, 'AnsibleModule', record):
        try:
            module_main(name)()
        except _Recorded:
            pass
    return seen['spec'], seen['kwargs']


def module_specs():
    return dict((name, module_spec(name)[0]) for name in MODULES)


def role_specs():
    out = {}
    for role in ROLES:
        with open(os.path.join(ROOT, 'roles', role, 'meta', 'argument_specs.yml')) as handle:
            out[role] = yaml.safe_load(handle)['argument_specs']['main']['options']
    return out
