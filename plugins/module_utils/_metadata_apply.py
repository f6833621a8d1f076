# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: read and apply steps of server_metadata around its pure planner."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._metadata import (
    metadata_view,
    plan_metadata,
    text_metadata,
    why_not_now,
)
from ansible_collections.stackops.compute.plugins.module_utils._server_view import present_server


def server_metadata_argument_spec() -> dict:
    """The options of server_metadata besides the connection, wait and timeout."""
    return dict(
        metadata=dict(type='dict', required=True, aliases=['meta']),
        server=dict(type='str', required=True, aliases=['name']),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
    )


def find_server(module) -> dict:
    """The server the task names (a name or an ID), settled when an operation on it is under way."""
    ref = module.params['server']
    server = module.cloud.find_server(ref)
    if server is None:
        raise ComputeError('Server %s not found.' % ref)
    if module.params['wait'] and server.get('task_state'):
        # Imported here: the action table is needed only when the server is busy.
        from ansible_collections.stackops.compute.plugins.module_utils._apply_actions import settle

        server = settle(module.cloud, server, timeout=module.params['timeout'])
        if server is None:
            raise ComputeError('Server %s disappeared while an operation on it ended.' % ref)
    return server


def apply_plan(module, server: dict, plan) -> dict:
    """Send the plan: one request that sets keys (Nova merges them), one per key removed; read back."""
    cloud = module.cloud
    if plan.to_set:
        cloud.set_server_metadata(server['id'], plan.to_set)
    if plan.to_delete:
        cloud.delete_server_metadata(server['id'], plan.to_delete)
    return cloud.get_server(server['id']) or dict(server, metadata=plan.after)


def run_server_metadata(module) -> dict:
    params = module.params
    state = params['state']
    try:
        wanted = text_metadata(params['metadata'], state)
    except ValueError as exc:
        raise ComputeError(str(exc))
    server = find_server(module)
    plan = plan_metadata(server.get('metadata'), wanted, state)
    if plan.changed:
        is_admin = bool(server.get('is_locked')) and 'admin' in module.cloud.current_roles()
        why = why_not_now(server, is_admin)
        if why:
            raise ComputeError(why)
    if not plan.changed:
        after = server
    elif module.check_mode:
        after = dict(server, metadata=plan.after)
    else:
        after = apply_plan(module, server, plan)
    interface = params.get('interface') or 'public'
    diff = dict(before=metadata_view(server, plan.before), after=metadata_view(after, after.get('metadata') or {}))
    return module.result(
        plan.changed,
        diff=diff,
        changes=list(plan.changes),
        id=after['id'],
        server=present_server(after, interface),
    )
