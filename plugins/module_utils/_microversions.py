# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: which options need which compute API microversion, checked before any change.

Without the check, a cloud older than an option gets a request it cannot read, and answers with a
schema dump (400 "Additional properties are not allowed") or a bare 404; with it, the task fails with
one line naming the option, the microversion it needs and the one the cloud offers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.stackops.compute.plugins.module_utils._domains import check_versioned
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError

# (option, value or None for any value, microversion): from the compute API reference.
SERVER_OPTIONS = (
    ('description', None, '2.19'),
    ('tags', None, '2.26'),
    ('trusted_image_certificates', None, '2.63'),
    ('locked_reason', None, '2.73'),
    ('hostname', None, '2.90'),
)
# Server tags sent in the create request itself (the module does so for a new server).
SERVER_CREATE_OPTIONS = (('tags', None, '2.52'),)

ACTION_OPTIONS = (
    ('description', None, '2.19'),
    ('key_name', None, '2.54'),
    ('user_data', None, '2.57'),
    ('locked_reason', None, '2.73'),
    ('hostname', None, '2.90'),
    ('console_type', 'webmks', '2.8'),
    ('console_type', 'spice-direct', '2.99'),
)
ACTIONS = (
    ('trigger_crash_dump', '2.17'),
    ('fetch_topology', '2.78'),
)

INFO_OPTIONS = (
    ('tags', None, '2.26'),
    ('tags_any', None, '2.26'),
    ('not_tags', None, '2.26'),
    ('not_tags_any', None, '2.26'),
)
INFO_EXTRAS = (('topology', '2.78'),)


def version_tuple(text):
    """'2.90' -> (2, 90)."""
    return tuple(int(part) for part in str(text).split('.')[:2])


def _given(params, option, value):
    have = params.get(option)
    if have in (None, [], {}):
        return False
    return value is None or have == value


def server_needs(params, creating):
    """[(what, microversion)] the server module's params need (pure)."""
    table = SERVER_OPTIONS + (SERVER_CREATE_OPTIONS if creating else ())
    return [(option, version) for option, value, version in table if _given(params, option, value)]


def action_needs(action, args):
    """[(what, microversion)] one server action needs (pure)."""
    needs = [('action %s' % name, version) for name, version in ACTIONS if name == action]
    for option, value, version in ACTION_OPTIONS:
        if _given(args, option, value):
            label = option if value is None else '%s %s' % (option, value)
            needs.append((label, version))
    return needs


def info_needs(params):
    """[(what, microversion)] the server_info module's params need (pure)."""
    needs = [(option, version) for option, value, version in INFO_OPTIONS if _given(params, option, value)]
    extras = params.get('extras') or ()
    needs.extend(('extras %s' % name, version) for name, version in INFO_EXTRAS if name in extras)
    return needs


def missing(needs, available):
    """The one need ``available`` does not meet (the highest), as a message; None when all are met (pure)."""
    unmet = [(what, version) for what, version in needs if version_tuple(version) > version_tuple(available)]
    if not unmet:
        return None
    what, version = max(unmet, key=lambda item: version_tuple(item[1]))
    return '%s needs compute API microversion %s; the cloud offers up to %s.' % (what, version, available)


def check(cloud, needs, values=None):
    """Fail with one line when the cloud is older than what the task needs, or when ``values`` (the task's
    options) break a limit of the microversion the cloud offers; no request when nothing is needed."""
    if not needs:
        return
    available = cloud.compute_max_microversion()
    message = missing(needs, available)
    if message:
        raise ComputeError(message)
    if values:
        check_versioned(values, available)
