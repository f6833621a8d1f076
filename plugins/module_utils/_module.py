# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: ComputeModule, the frame every module runs in."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gc

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.stackops.compute.plugins.module_utils import _domains, _sdk
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError

# Keys of a cloud dictionary whose values are secrets (password, application_credential_secret, token...).
SECRET_KEY_PARTS = ('password', 'secret', 'token', 'passcode', 'totp')


def cloud_secrets(cloud):
    """The secret values inside a cloud dictionary (pure).

    ``cloud`` cannot be no_log as a whole: it is usually a cloud name, and Ansible would then mask that name
    in every text of the result.
    """
    found = set()
    if isinstance(cloud, dict):
        for key, value in cloud.items():
            if isinstance(value, dict):
                found.update(cloud_secrets(value))
            elif value not in (None, '') and any(part in str(key).lower() for part in SECRET_KEY_PARTS):
                found.add(str(value))
    return found


def auth_argument_spec():
    """Connection options shared by every module (documented in the auth doc fragment)."""
    return dict(
        cloud=dict(type='raw'),
        auth=dict(type='dict', no_log=True),
        auth_type=dict(type='str'),
        region_name=dict(type='str'),
        interface=dict(type='str', choices=['admin', 'internal', 'public'], aliases=['endpoint_type']),
        validate_certs=dict(type='bool', aliases=['verify']),
        ca_cert=dict(type='str', aliases=['cacert']),
        client_cert=dict(type='str', aliases=['cert']),
        client_key=dict(type='str', aliases=['key'], no_log=False),
        api_timeout=dict(type='int'),
    )


def wait_argument_spec():
    """wait/timeout, for modules that change things (documented in the wait doc fragment)."""
    return dict(
        wait=dict(type='bool', default=True),
        timeout=dict(type='int', default=600),
    )


def _before_exit():
    """The process ends right after the result: spare Python's last full garbage collection over every
    object of openstacksdk and Ansible's module code (about 0.05 s of each task). Objects are still freed
    as the interpreter shuts down; only the search for reference cycles among them is skipped."""
    freeze = getattr(gc, 'freeze', None)
    if freeze is not None:
        freeze()


class ComputeModule(object):
    """Builds the AnsibleModule, connects lazily, and turns ComputeError into one clean failure.

    A module's main() is: ``ComputeModule(spec, ...).run(body)`` where ``body(module)`` returns the
    result dict. Helpers raise ComputeError; only this class calls exit_json / fail_json.
    """

    def __init__(self, argument_spec, waits=False, name=None, **kwargs):
        # ``name``: the module's entry in _domains.TABLE, whose domains its options are checked against.
        self.name = name
        spec = auth_argument_spec()
        if waits:
            spec.update(wait_argument_spec())
        spec.update(argument_spec)
        kwargs.setdefault('supports_check_mode', True)
        self.ansible = AnsibleModule(argument_spec=spec, **kwargs)
        # Masked like no_log options in the result, its invocation and any message.
        self.ansible.no_log_values.update(cloud_secrets(self.ansible.params.get('cloud')))
        self._cloud = None

    @property
    def params(self):
        return self.ansible.params

    @property
    def check_mode(self):
        return self.ansible.check_mode

    @property
    def diff_mode(self):
        return bool(getattr(self.ansible, '_diff', False))

    @property
    def cloud(self):
        if self._cloud is None:
            self._cloud = _sdk.connect(self.params)
        return self._cloud

    def warn(self, message):
        self.ansible.warn(message)

    def run(self, body):
        if not _sdk.HAS_SDK:
            self.ansible.fail_json(msg=missing_required_lib('openstacksdk'), exception=_sdk.SDK_IMPORT_ERROR)
        try:
            # Every option inside its domain before the body sends its first request.
            self.ansible.params.update(_domains.check_module(self.name, self.params))
            result = body(self)
        except ComputeError as exc:
            details = dict(exc.details)
            details.pop('msg', None)
            # A task over many servers may have changed some before others failed.
            changed = bool(details.pop('changed', False))
            _before_exit()
            self.ansible.fail_json(msg=exc.msg, changed=changed, **details)
        _before_exit()
        self.ansible.exit_json(**result)

    def result(self, changed, diff=None, **data):
        """Assemble a result: ``diff`` only when --diff was asked for."""
        return assemble_result(self.diff_mode, changed, diff, data)


def assemble_result(diff_mode, changed, diff, data):
    """A module's result: ``changed``, ``data``, and ``diff`` only in diff mode."""
    out = dict(changed=bool(changed))
    out.update(data)
    if diff is not None and diff_mode:
        out['diff'] = diff
    return out
