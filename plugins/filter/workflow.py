# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The workflow filters: thin wrappers over the pure decisions of the workflow roles (documented in
workflow_*.yml). The roles call them; each does no I/O and reads no clock unless ``now`` is left out."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.stackops.compute.plugins.module_utils import _workflow
from ansible_collections.stackops.compute.plugins.module_utils._restore import plan_restore, restore_outcomes
from ansible_collections.stackops.compute.plugins.module_utils._workflow_images import (
    backup_outcomes,
    plan_backup,
    plan_rotate,
    rotate_outcomes,
)
from ansible_collections.stackops.compute.plugins.module_utils._workflow_moves import (
    drain_outcomes,
    plan_drain,
    plan_resize,
    plan_rolling,
    resize_outcomes,
    rolling_outcomes,
)

PLANNERS = {
    'backup': plan_backup,
    'drain': plan_drain,
    'resize': plan_resize,
    'restore': plan_restore,
    'rolling': plan_rolling,
    'rotate': plan_rotate,
}
OUTCOMES = {
    'backup': backup_outcomes,
    'drain': drain_outcomes,
    'resize': resize_outcomes,
    'restore': restore_outcomes,
    'rolling': rolling_outcomes,
    'rotate': rotate_outcomes,
}


def plain(value):
    """Ansible's own subclasses of dict, list and str as the plain types (for the pure code)."""
    if isinstance(value, dict):
        return dict((str(k), plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _list(value, name, what):
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise AnsibleFilterError('%s: the input must be a list of %s' % (name, what))
    return plain(value)


def _call(name, function, *args, **kwargs):
    try:
        return function(*[plain(a) for a in args], **dict((k, plain(v)) for k, v in kwargs.items()))
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('%s: %s' % (name, exc))


def _role(name, role, table):
    if role not in table:
        raise AnsibleFilterError('%s: role must be one of %s; got %r' % (name, ', '.join(sorted(table)), role))
    return table[role]


def workflow_select(named, matched=None, **kwargs):
    """The chosen servers, each once, and what is wrong with the selection."""
    return _call(
        'workflow_select', _workflow.select, _list(named, 'workflow_select', 'server_info answers'), matched, **kwargs
    )


def workflow_plan(servers, role, **kwargs):
    """One decision per server, by the role's planner."""
    return _call(
        'workflow_plan', _role('workflow_plan', role, PLANNERS), _list(servers, 'workflow_plan', 'servers'), **kwargs
    )


def workflow_outcomes(batch, role, **kwargs):
    """What the tasks of a batch did for each server of it, by the role's reading of their answers."""
    return _call(
        'workflow_outcomes',
        _role('workflow_outcomes', role, OUTCOMES),
        _list(batch, 'workflow_outcomes', 'decisions'),
        **kwargs,
    )


def workflow_gate(outcomes, max_failures=0, role='workflow'):
    """Why the next batch must not start, or ''."""
    return _call('workflow_gate', _workflow.gate, _list(outcomes, 'workflow_gate', 'outcomes'), max_failures, role)


def workflow_summary(decisions, outcomes=None, stop_reason=''):
    """One entry per server: done, skipped or failed, and why."""
    return _call(
        'workflow_summary',
        _workflow.summary,
        _list(decisions, 'workflow_summary', 'decisions'),
        _list(outcomes, 'workflow_summary', 'outcomes'),
        stop_reason,
    )


def workflow_report(entries, role='workflow'):
    """A line per server, the counts, and one failure line."""
    return _call('workflow_report', _workflow.report, _list(entries, 'workflow_report', 'summary entries'), role)


class FilterModule(object):
    def filters(self):
        return {
            'workflow_gate': workflow_gate,
            'workflow_outcomes': workflow_outcomes,
            'workflow_plan': workflow_plan,
            'workflow_report': workflow_report,
            'workflow_select': workflow_select,
            'workflow_summary': workflow_summary,
        }
