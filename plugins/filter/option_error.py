# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The option_error filter: a role's inputs against the collection's table of domains (option_error.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.stackops.compute.plugins.module_utils._domains import TABLE, problems


def option_error(values, role):
    """The one line that names the first input outside its domain, or '' when every input is inside."""
    if role not in TABLE:
        raise AnsibleFilterError('option_error: no table for %r; known: %s' % (role, ', '.join(sorted(TABLE))))
    if not isinstance(values, dict):
        raise AnsibleFilterError('option_error: the input must be a dictionary of inputs')
    message, _values = problems(TABLE[role], dict(values))
    return message or ''


class FilterModule(object):
    def filters(self):
        return {'option_error': option_error}
