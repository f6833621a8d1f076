# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retention filter: a thin wrapper over plan_retention (documented in retention.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.stackops.compute.plugins.module_utils._images import rotation_match
from ansible_collections.stackops.compute.plugins.module_utils._retention import plan_retention

LABEL_ARGS = ('policy_name', 'server_id', 'project_id')


def _kind(value):
    """What a value is, in words (Ansible's own subclasses of str, list and dict have private names)."""
    for types, words in ((str, 'text'), (bool, 'a boolean'), ((int, float), 'a number'), (dict, 'a dictionary')):
        if isinstance(value, types):
            return words
    if isinstance(value, (list, tuple)):
        return 'a list'
    return 'none' if value is None else type(value).__name__


def retention(images, policy=None, now=None, policy_name=None, server_id=None, project_id=None, match=None, **rules):
    """Split images into keep and delete lists under a retention policy."""
    if not isinstance(images, (list, tuple)):
        raise AnsibleFilterError('retention: the input must be a list of images, not %s' % _kind(images))
    if policy is not None and not isinstance(policy, dict):
        raise AnsibleFilterError('retention: policy must be a dictionary of rules, not %s' % _kind(policy))
    merged = dict(policy or {})
    merged.update(rules)
    labels = dict(
        (k, v)
        for k, v in (('policy_name', policy_name), ('server_id', server_id), ('project_id', project_id))
        if v not in (None, '')
    )
    if labels and len(labels) != len(LABEL_ARGS):
        missing = ', '.join(k for k in LABEL_ARGS if k not in labels)
        raise AnsibleFilterError('retention: policy_name, server_id and project_id go together; missing %s' % missing)
    required = dict(match or {})
    if labels:
        required.update(rotation_match(policy_name, server_id, project_id))
    try:
        return plan_retention(list(images), merged, now, match=required or None)
    except ValueError as exc:
        raise AnsibleFilterError('retention: %s' % exc)


class FilterModule(object):
    def filters(self):
        return {'retention': retention}
