# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: read facts for, send, and wait for the server actions of _actions.

``perform_action(cloud, server, action, args)`` runs one action (read, plan, apply, wait) and
``run_transitions(cloud, server, status)`` chains state actions; ``run_action(module, server, action,
args)`` does one for another module (the server module). ``run_server_action(module)`` is the body of
the server_action module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses
import re

from ansible_collections.stackops.compute.plugins.module_utils import _microversions, _policy
from ansible_collections.stackops.compute.plugins.module_utils._action_plan import (
    BUSY,
    action_args,
    action_view,
    instance_action_error,
    is_settled,
    is_stuck,
    new_instance_action,
    outcome_error,
    plan_action,
    plan_status_transition,
    wait_failure,
)
from ansible_collections.stackops.compute.plugins.module_utils._action_table import ACTIONS
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._sdk import describe_server_state
from ansible_collections.stackops.compute.plugins.module_utils._server_view import present_server
from ansible_collections.stackops.compute.plugins.module_utils._server_volumes import wait_attached, wait_detached
from ansible_collections.stackops.compute.plugins.module_utils._wait import CHANGE_DELAY, CHANGE_STEP, intervals, poll


@dataclasses.dataclass
class Outcome(object):
    plan: object
    server: dict = None
    data: dict = dataclasses.field(default_factory=dict)


# ------------------------------------------------------------------------------------------------ read


def find_target_server(cloud, ref, all_projects=False):
    return cloud.find_server(ref, all_projects=all_projects)


def read_facts(cloud, server, action, args):
    """Everything the plan of ``action`` needs besides the server: names resolved to IDs, current state
    the server dict does not show. Reads only."""
    facts = {}
    spec = ACTIONS[action]
    if server is None or spec.read_only:
        return facts
    if spec.lock_guarded and server.get('is_locked'):
        facts['is_admin'] = 'admin' in cloud.current_roles()
    if args.get('image') is not None:
        facts['image'] = _short(cloud.find_image(args['image']), 'id', 'name')
    if action == 'unshelve' and args.get('availability_zone') and server.get('status') == 'SHELVED_OFFLOADED':
        # Nova's own answer to an unknown zone names neither it nor the zones there are.
        cloud.find_availability_zone(args['availability_zone'])
    if action == 'resize':
        facts['flavor'] = _short(
            cloud.find_flavor(args['flavor']), 'id', 'name', 'vcpus', 'ram', 'disk', 'ephemeral', 'swap'
        )
    if action == 'add_fixed_ip':
        facts['network'] = _short(cloud.find_network(args['network']), 'id', 'name')
    if action in ('add_security_group', 'remove_security_group'):
        facts['security_group'] = _short(cloud.find_security_group(args['security_group']), 'id', 'name')
        fetched = cloud.server_call(
            'fetch_server_security_groups', server['id'], 'reading the security groups of server %s' % server['id']
        )
        facts['server_security_groups'] = [_short(g, 'id', 'name') for g in fetched.get('security_groups') or []]
    if action in ('add_floating_ip', 'remove_floating_ip'):
        facts['floating_ip'] = cloud.find_floating_ip(args['address'])
        facts['ports'] = [_short(p, 'id', 'fixed_ips') for p in cloud.list_ports(device_id=server['id'])]
    if action in ('attach_volume', 'detach_volume'):
        facts['volume'] = cloud.find_volume(args['volume'])
    if action == 'evacuate':
        facts['microversion'] = cloud.compute_max_microversion()
    if action == 'clear_password':
        facts['password'] = cloud.server_call(
            'get_server_password', server['id'], 'reading the password of server %s' % server['id']
        )
    if action == 'backup':
        facts['backups'] = find_backups(cloud, server['id'], args['backup_type'])
    if action == 'revert_resize':
        # A revert of a cold migration keeps the flavor; of a resize, it goes back to one Nova does not show.
        moves = [a for a in cloud.list_server_actions(server['id']) if a.get('action') in ('resize', 'migrate')]
        facts['moved_by'] = moves[0]['action'] if moves else None
    if _policy.needs_facts(action, server) and 'admin' not in cloud.current_roles():
        facts['locked_by_admin'] = locked_by_another_project(cloud, server)
    return facts


def locked_by_another_project(cloud, server):
    """Whether the newest lock of ``server`` came from another project (Nova's locked_by=admin, which its
    API does not show; only an admin may unlock it then)."""
    lock = next((a for a in cloud.list_server_actions(server['id']) if a.get('action') == 'lock'), None)
    owner = server.get('project_id')
    return bool(lock and owner and lock.get('project_id') and lock['project_id'] != owner)


HTTP_ANSWER = re.compile(r'HTTP 403: .*')
POLICY_TAIL = re.compile(r'\. The policy of the cloud forbids it.*$')


def policy_refusal(cloud, error, action, server, args, facts):
    """A 403 the default policy table explains, said as check mode says it, with Nova's answer; else None."""
    if (getattr(error, 'details', None) or {}).get('status_code') != 403:
        return None
    found = HTTP_ANSWER.search(error.msg)
    answer = POLICY_TAIL.sub('', found.group(0)) if found else error.msg
    line = _policy.explain_refusal(action, _label(server), cloud.current_roles(), answer, args, facts)
    return ComputeError(line, status_code=403) if line else None


def _label(server):
    return server.get('name') or server['id']


def find_backups(cloud, server_id, backup_type):
    """The server's backups of ``backup_type``: what Nova's rotation chooses from (server_image's query)."""
    from ansible_collections.stackops.compute.plugins.module_utils._images import Criteria
    from ansible_collections.stackops.compute.plugins.module_utils._images_apply import find_images

    return find_images(cloud, Criteria(server_id=server_id, image_type='backup', backup_type=backup_type))


def rotation_data(action, args, facts, image):
    """For a backup: ``nova_rotation`` (the IDs of the backups Nova's rotation deletes) and the backups
    before and after it for the diff; {} for other actions."""
    if action != 'backup':
        return {}
    from ansible_collections.stackops.compute.plugins.module_utils._images import (
        nova_rotation_victims,
        rotation_diff,
    )

    backups = facts.get('backups') or []
    victims = nova_rotation_victims(backups, args['rotation'])
    before, after = rotation_diff(backups, victims, image or {'name': args.get('image_name')}, args['rotation'])
    return dict(nova_rotation=list(victims), backups_before=before, backups_after=after)


def _short(record, *keys):
    return dict((k, (record or {}).get(k)) for k in keys)


def settle(cloud, server, timeout=600):
    """Wait until an operation already under way ends (reads only), so that the plan sees a resting server."""

    def resting(current):
        return current is None or (not current.get('task_state') and current.get('status') not in BUSY)

    if resting(server):
        return server
    label = server.get('name') or server['id']
    return poll(
        lambda: cloud.get_server(server['id']),
        resting,
        timeout=timeout,
        pauses=intervals(CHANGE_STEP),
        describe=lambda s: 'server %s still busy before the action: %s' % (label, describe_server_state(s)),
    )


# ------------------------------------------------------------------------------------------------ apply


def send(cloud, server_id, call, action, label=None):
    """Send one Call of a plan; returns what the cloud answered (plain data)."""
    doing = '%s of server %s' % (action, label or server_id)
    if call.via == 'proxy':
        return cloud.server_call(call.method, server_id, doing, **call.kwargs)
    if call.via == 'resource':
        return cloud.server_resource_call(call.method, server_id, doing, **call.kwargs)
    if call.via == 'request':
        return cloud.server_action_request(server_id, {call.method: dict(call.kwargs)}, doing, call.microversion)
    if call.via == 'create_image':
        return cloud.create_server_image(server_id, call.kwargs['name'], call.kwargs.get('metadata'))
    if call.via == 'backup':
        return cloud.create_server_backup(
            server_id,
            call.kwargs['name'],
            call.kwargs['backup_type'],
            call.kwargs['rotation'],
            call.kwargs.get('metadata') or {},
        )
    if call.via == 'topology':
        return cloud.get_server_topology(server_id)
    if call.via == 'volume':
        return getattr(cloud, call.method)(server_id, **call.kwargs)
    raise ComputeError('Internal error: unknown call kind %r for %s.' % (call.via, action))


def read_result(plan, answer):
    """The data a read-only action returns, under its key."""
    spec = ACTIONS[plan.action]
    if plan.action == 'get_console_output':
        answer = (answer or {}).get('output', '')
    elif plan.action == 'get_console_url':
        answer = dict((k, (answer or {}).get(k)) for k in ('url', 'type', 'protocol'))
    elif plan.action == 'fetch_security_groups':
        answer = (answer or {}).get('security_groups') or []
    elif plan.action == 'get_password':
        answer = answer or ''
    return {spec.result_key: answer}


def apply_plan(cloud, plan, wait=True, timeout=600):
    """Send the requests of an 'action' plan; with ``wait``, return once the operation really happened."""
    spec = ACTIONS[plan.action]
    server_id = plan.before['id']
    known = None
    if wait and spec.instance_action:
        known = set(a.get('request_id') for a in cloud.list_server_actions(server_id))
    label = plan.before.get('name')
    answers = [send(cloud, server_id, call, plan.action, label) for call in plan.calls]
    data = {}
    if plan.action in ('create_image', 'backup'):
        data['image'] = {'id': answers[-1], 'name': plan.kwargs['name'], 'status': None}
    if not wait:
        return _finish(cloud, plan, cloud.get_server(server_id), data, wait=False, timeout=timeout)
    server = wait_for_plan(cloud, plan, timeout, known)
    if spec.wait == 'gone':
        server = None
    if known is not None:
        error = recorded_error(cloud, plan, known)
        if error:
            raise ComputeError(error, server=present_server(server))
    error = outcome_error(plan, server)
    if error:
        raise ComputeError(error + '.', server=present_server(server))
    return _finish(cloud, plan, server, data, wait=True, timeout=timeout)


def _finish(cloud, plan, server, data, wait, timeout):
    if 'image' in data:
        image_id = data['image']['id']
        image = cloud.wait_for_image(image_id, timeout=timeout) if wait else cloud.get_image(image_id)
        if image:
            data['image'] = dict(id=image.get('id') or image_id, name=image.get('name'), status=image.get('status'))
    return Outcome(plan=plan, server=server, data=data)


def recorded_error(cloud, plan, known):
    """One line when Nova recorded an error in the instance action this plan started, else None."""
    if known is None:
        return None
    server_id = plan.before['id']
    record = new_instance_action(known, cloud.list_server_actions(server_id), ACTIONS[plan.action].instance_action)
    if record is None:
        return None
    detailed = cloud.get_server_action(server_id, record['request_id']) or record
    error = instance_action_error(detailed)
    if not error:
        return None
    return '%s of server %s failed: %s' % (plan.action, plan.before.get('name') or server_id, error)


def wait_for_plan(cloud, plan, timeout=600, known=None):
    """Poll the server until ``is_settled``; fail at once on ERROR (with Nova's fault) or disappearance."""
    server_id = plan.before['id']
    label = plan.before.get('name') or server_id
    if ACTIONS[plan.action].wait == 'volume':
        # Nova attaches and detaches on its own time; Cinder's volume says when it is over.
        waits = {'attach_volume': wait_attached, 'detach_volume': wait_detached}
        waits[plan.action](cloud, plan.before, plan.kwargs['volume_id'], timeout)
        return cloud.get_server(server_id)

    def describe(server):
        return '%s of server %s not over: %s' % (plan.action, label, describe_server_state(server))

    return poll(
        lambda: cloud.get_server(server_id),
        # poll() asks done() first: a server that ended in ERROR is not done, so failed() names the fault.
        lambda s: is_settled(plan, s) and not wait_failure(plan, s),
        lambda s: wait_failure(plan, s) or (recorded_error(cloud, plan, known) if is_stuck(plan, s) else None),
        timeout=timeout,
        describe=describe,
        pauses=intervals(CHANGE_STEP),
        delay=0 if ACTIONS[plan.action].wait in ('sync', 'none') else CHANGE_DELAY,
    )


def perform_action(cloud, server, action, args=None, wait=True, timeout=600, check_mode=False):
    """Read facts, plan and (unless check mode) apply one action. Returns an Outcome whose ``server`` is
    the refreshed server, or the predicted one in check mode."""
    args = dict(args or {})
    facts = read_facts(cloud, server, action, args)
    plan = plan_action(server, action, args, facts)
    if plan.kind == 'none':
        return Outcome(plan=plan, server=server)
    if plan.kind == 'read':
        answer = send(cloud, server['id'], plan.calls[0], action, server.get('name'))
        return Outcome(plan=plan, server=server, data=read_result(plan, answer))
    if check_mode:
        # No request, so no 403 to hear: Nova's default policy says what it would refuse.
        refused = _policy.refusal(action, _label(server), cloud.current_roles(), args, facts)
        if refused:
            raise ComputeError(refused, status_code=403)
        data = {'unpredictable': list(plan.unknown)}
        if action in ('create_image', 'backup'):
            data['image'] = {'id': None, 'name': plan.kwargs['name'], 'status': None}
        data.update(rotation_data(action, args, facts, data.get('image')))
        return Outcome(plan=plan, server=plan.after if plan.after.get('status') != 'DELETED' else None, data=data)
    try:
        outcome = apply_plan(cloud, plan, wait=wait, timeout=timeout)
    except ComputeError as exc:
        raise policy_refusal(cloud, exc, action, server, args, facts) or exc
    outcome.data.update(rotation_data(action, args, facts, outcome.data.get('image')))
    return outcome


def run_action(module, server, action, args=None):
    """One action for another module (the server module): returns the refreshed server, or the predicted
    one in check mode. A server still busy with an earlier step is waited for first (reads only)."""
    timeout = 600 if module.params.get('timeout') is None else module.params['timeout']
    server = settle(module.cloud, server, timeout)
    outcome = perform_action(
        module.cloud,
        server,
        action,
        args,
        wait=module.params.get('wait', True),
        timeout=timeout,
        check_mode=module.check_mode,
    )
    return outcome.server


def error_reason(server):
    """For waits of other modules: a server in ERROR ends the wait at once with Nova's fault."""
    if not server or server.get('status') != 'ERROR':
        return None
    fault = (server.get('fault') or {}).get('message') or 'Nova recorded no fault message'
    return 'Server %s is in ERROR: %s' % (server.get('name') or server.get('id'), fault)


def run_transitions(cloud, server, target_status, timeout=600, check_mode=False):
    """Take ``server`` to ``target_status`` with state actions (for the server module).

    Each step is planned again on the server the previous step left (a cloud that offloads on shelve makes
    shelve_offload a no-op). Steps always wait: the next one needs the previous one over. Returns
    (server, [names of the actions that ran]).
    """
    done = []
    current = server
    for name in plan_status_transition(server, target_status):
        outcome = perform_action(cloud, current, name, {}, wait=True, timeout=timeout, check_mode=check_mode)
        if outcome.plan.changed:
            done.append(name)
        current = outcome.server
    return current, done


# ------------------------------------------------------------------------------------------------ module


def run_server_action(module):
    """The server_action module: find, settle, read facts, plan, apply or predict, report."""
    params = module.params
    action, args = action_args(params)
    cloud = module.cloud
    _microversions.check(cloud, _microversions.action_needs(action, args), args)
    interface = params.get('interface') or 'public'
    wait = params.get('wait', True)
    timeout = 600 if params.get('timeout') is None else params['timeout']
    server = find_target_server(cloud, params['server'], all_projects=params.get('all_projects'))
    if wait and server is not None:
        server = settle(cloud, server, timeout)
    outcome = perform_action(cloud, server, action, args, wait=wait, timeout=timeout, check_mode=module.check_mode)
    plan = outcome.plan
    result = dict(action=action, server=present_server(outcome.server, interface))
    result.update(outcome.data)
    backups = (result.pop('backups_before', None), result.pop('backups_after', None))
    if plan.kind == 'none':
        result['msg'] = 'Nothing to do: %s.' % plan.reason
    diff = None
    if plan.kind != 'read':
        diff = {'before': action_view(plan.before), 'after': action_view(outcome.server)}
        if backups[0] is not None:
            # What Nova's rotation deletes shows as backups of that type gone after.
            diff['before']['backups'], diff['after']['backups'] = backups
    return module.result(plan.changed, diff=diff, **result)
