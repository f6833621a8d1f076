# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: ComputeModule, the frame every module runs in.

The frame keeps three promises for every module: ``changed`` is true once the cloud accepted a write
(``_journal``), no secret leaves in any encoding (``_scrub``), and no exception escapes: anything
unexpected ends the task with one line that says so.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gc
import math
import sys
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.stackops.compute.plugins.module_utils import _domains, _sdk
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._journal import JOURNAL, done_before
from ansible_collections.stackops.compute.plugins.module_utils._scrub import (
    Scrubber,
    one_line,
    shorten,
    shorten_messages,
)

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


# A secret the task did not pass (a password in clouds.yaml) is masked from this length on: the short
# passwords of test clouds ('demo', 'admin') would blank those words in every name and message.
CONNECTION_SECRET_MIN = 8


def connection_secrets(cloud):
    """The secrets a connection holds: its configuration's (from clouds.yaml too) and its token, when it
    has one already (no request is made for it)."""
    if not isinstance(cloud, _sdk.Cloud):
        return set()
    conn = cloud.conn
    found = cloud_secrets(getattr(getattr(conn, 'config', None), 'config', None) or {})
    access = getattr(getattr(getattr(conn, 'session', None), 'auth', None), 'auth_ref', None)
    token = getattr(access, 'auth_token', None)
    if isinstance(token, str) and token:
        found.add(token)
    return set(secret for secret in found if len(secret) >= CONNECTION_SECRET_MIN)


def module_name(name):
    """The module's short name from Ansible's ('stackops.compute.server', 'server' or 'server.py')."""
    name = str(name or 'module')
    if name.endswith('.py'):
        name = name[:-3]
    return name.rsplit('.', 1)[-1]


def calling_module_name():
    """The name of the collection's module whose main() is running, when Python imported it by that name
    (unit tests); Ansible runs a module as __main__ and says its name in its own arguments instead."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_globals.get('__name__') or ''
        if '.plugins.modules.' in name:
            return name
        frame = frame.f_back
    return None


def internal_error(name, exc):
    """The one line an unexpected exception ends a task (or a fleet item) with."""
    text = one_line(exc) or '(no message)'
    kind = type(exc).__name__
    return 'internal error in stackops.compute.%s, please report: %s: %s' % (module_name(name), kind, text)


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


def ansible_module(spec, kwargs):
    """The AnsibleModule of a task, or its one-line failure when an int option is an infinite number.

    ansible-core 2.21 converts int options through Decimal, and the OverflowError an infinite number (``.inf``)
    raises there escapes its check of types. The options are then read again with ints taken as they are
    (no_log options stay masked), and the task fails naming the option.
    """
    try:
        return AnsibleModule(argument_spec=spec, **kwargs)
    except OverflowError:
        loose = dict((k, dict(v, type='raw') if v.get('type') == 'int' else v) for k, v in spec.items())
        module = AnsibleModule(argument_spec=loose, **kwargs)
        infinite = sorted(k for k in loose if isinstance(module.params.get(k), float) and math.isinf(module.params[k]))
        module.fail_json(
            msg='%s must be a whole number; got an infinite number.' % ' and '.join(infinite or ['an option'])
        )
        raise  # fail_json does not return


class ComputeModule(object):
    """Builds the AnsibleModule, connects lazily, and turns ComputeError into one clean failure.

    A module's main() is: ``ComputeModule(spec, ...).run(body)`` where ``body(module)`` returns the
    result dict. Helpers raise ComputeError; only this class calls exit_json / fail_json.
    """

    def __init__(self, argument_spec, waits=False, name=None, **kwargs):
        spec = auth_argument_spec()
        if waits:
            spec.update(wait_argument_spec())
        spec.update(argument_spec)
        kwargs.setdefault('supports_check_mode', True)
        self.ansible = ansible_module(spec, kwargs)
        # The module's short name: its entry in _domains.TABLE (whose domains its options are checked
        # against) and the name its internal errors carry.
        self.name = module_name(name or calling_module_name() or getattr(self.ansible, '_name', None))
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

    def scrubber(self):
        """What removes this task's secrets from a text: the no_log values (options, secrets of a cloud
        dictionary, the fleet items' secrets) and the connection's, in every encoding."""
        secrets = set(self.ansible.no_log_values)
        if self._cloud is not None:
            secrets |= connection_secrets(self._cloud)
        return Scrubber(secrets)

    def warn(self, message):
        self.ansible.warn(shorten(self.scrubber().text(message)))

    def run(self, body):
        """``body(self)`` -> the result. Every way out goes through ``_exit`` or ``_fail``: a ComputeError
        is its one line, anything else one line that says it is an internal error; ``changed`` is true
        when the cloud accepted a write, and a failure says what was done before it."""
        if not _sdk.HAS_SDK:
            self.ansible.fail_json(msg=missing_required_lib('openstacksdk'), exception=_sdk.SDK_IMPORT_ERROR)
        JOURNAL.reset()
        try:
            # Every option inside its domain before the body sends its first request.
            self.ansible.params.update(_domains.check_module(self.name, self.params))
            result = body(self)
        except ComputeError as exc:
            details = dict(exc.details)
            details.pop('msg', None)
            # A task over many servers may have changed some before others failed.
            changed = bool(details.pop('changed', False))
            self._fail(done_before(exc.msg, JOURNAL.unscoped()), changed, details)
        except Exception as exc:  # the frame's promise: nothing unexpected escapes as a traceback
            self._fail(
                done_before(internal_error(self.name, exc), JOURNAL.unscoped()),
                False,
                dict(exception=traceback.format_exc()),
            )
        result = dict(result)
        result['changed'] = bool(result.get('changed')) or bool(JOURNAL.writes)
        self._exit(result)

    def _exit(self, result):
        result = shorten_messages(self.scrubber().value(result))
        _before_exit()
        try:
            self.ansible.exit_json(**result)
        except Exception as exc:  # a result Ansible cannot take (it raised while serializing it)
            self._fail(internal_error(self.name, exc), result.get('changed'), {})

    def _fail(self, msg, changed, details):
        scrub = self.scrubber()
        details = shorten_messages(scrub.value(details))
        msg = shorten(scrub.text(msg))
        _before_exit()
        self.ansible.fail_json(msg=msg, changed=bool(changed) or bool(JOURNAL.writes), **details)

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
