# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: pure plans made from the table of server actions.

``plan_action`` turns (server, action, options, facts read before) into a ``Plan``;
``plan_status_transition`` chains state actions for the ``server`` module; ``is_settled``,
``wait_failure`` and ``outcome_error`` say what the wait after a request looks at.
No SDK, no AnsibleModule, no clock here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses

from ansible_collections.stackops.compute.plugins.module_utils._action_rules import (
    Call,
    addresses_of,
    after_resize_status,
    status_of,
)
from ansible_collections.stackops.compute.plugins.module_utils._action_table import (
    ACTION_ALIASES,
    ACTION_NAMES,
    ACTION_OPTIONS,
    ACTIONS,
    TRANSITION_ACTIONS,
)
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._predict import predict_server
from ansible_collections.stackops.compute.plugins.module_utils._server_view import server_view

# Statuses that only say an operation is under way (Nova maps vm_state + task_state to them).
BUSY = ('BUILD', 'REBOOT', 'HARD_REBOOT', 'REBUILD', 'RESIZE', 'REVERT_RESIZE', 'MIGRATING', 'PASSWORD')
# Statuses a server rests in; the server module may ask for the first six.
RESTING = (
    'ACTIVE',
    'SHUTOFF',
    'PAUSED',
    'SUSPENDED',
    'SHELVED',
    'SHELVED_OFFLOADED',
    'RESCUE',
    'VERIFY_RESIZE',
    'ERROR',
    'SOFT_DELETED',
)
# The compute API version that still has the fixed and floating IP actions (removed in 2.44).
NETWORK_PROXY_MICROVERSION = '2.43'


@dataclasses.dataclass(frozen=True)
class Plan(object):
    kind: str  # none | action | read
    action: str
    reason: str = ''
    calls: tuple = ()
    before: dict = None
    after: dict = None
    targets: tuple = ()  # statuses the server may rest in afterwards
    expect: dict = dataclasses.field(default_factory=dict)
    unknown: tuple = ()  # fields of ``after`` check mode cannot know (_predict.UNPREDICTABLE)

    @property
    def changed(self):
        return self.kind == 'action'

    @property
    def kwargs(self):
        return dict(self.calls[-1].kwargs) if self.calls else {}


def block_migration_value(value):
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text == 'auto':
        return 'auto'
    if text in ('true', 'yes', 'on', '1'):
        return True
    if text in ('false', 'no', 'off', '0'):
        return False
    raise ComputeError('block_migration must be auto, true or false, not %r.' % value)


def action_args(params):
    """(action, args) from module params: aliases resolved, options that do not belong refused."""
    action = params['action']
    args = dict((k, params[k]) for k in ACTION_OPTIONS if params.get(k) is not None)
    if action in ACTION_ALIASES:
        action, reboot_type = ACTION_ALIASES[action]
        if args.get('reboot_type') not in (None, reboot_type):
            raise ComputeError('action=%s contradicts reboot_type=%s.' % (params['action'], args['reboot_type']))
        args['reboot_type'] = reboot_type
    if action not in ACTIONS:
        raise ComputeError('Unknown action %r; one of: %s.' % (action, ', '.join(ACTION_NAMES)))
    spec = ACTIONS[action]
    extra = sorted(k for k in args if k not in spec.options)
    if extra:
        takes = 'it takes %s' % ', '.join(spec.options) if spec.options else 'it takes no options'
        raise ComputeError('Action %s does not take %s; %s.' % (action, ', '.join(extra), takes))
    if 'block_migration' in args:
        args['block_migration'] = block_migration_value(args['block_migration'])
    if args.get('reboot_type'):
        args['reboot_type'] = args['reboot_type'].upper()
    args['server'] = params.get('server')
    return action, args


def targets_for(spec, server):
    """Statuses the server may rest in once the action is over."""
    status = status_of(server)
    leads = spec.leads_to
    if leads == 'same':
        return (status,)
    if leads is None:
        return ()
    if isinstance(leads, dict):
        return (leads.get(status, status),)
    if isinstance(leads, str):
        return (leads,)
    return tuple(leads)


def _join(statuses):
    statuses = list(statuses)
    if len(statuses) == 1:
        return statuses[0]
    return '%s or %s' % (', '.join(statuses[:-1]), statuses[-1])


def _label(server, args):
    return (server or {}).get('name') or (args or {}).get('server') or (server or {}).get('id')


def plan_action(server, action, args=None, facts=None):
    """What ``action`` does to ``server`` now. ``facts``: what the read step found (resolved image, flavor,
    network, security groups, floating IP and ports, password, whether the caller is admin).

    Raises ComputeError with one line when the action is not allowed now; nothing is sent then.
    """
    args = dict(args or {})
    facts = dict(facts or {})
    spec = ACTIONS.get(action)
    if spec is None:
        raise ComputeError('Unknown action %r; one of: %s.' % (action, ', '.join(ACTION_NAMES)))
    if server is None:
        if action == 'force_delete':
            return Plan(kind='none', action=action, reason='the server is already gone')
        raise ComputeError('Server %s not found.' % args.get('server'))
    name = _label(server, args)
    if spec.read_only:
        return Plan(
            kind='read',
            action=action,
            calls=(Call(spec.via, spec.method, _kwargs(spec, args, facts)),),
            before=server,
            after=server,
            targets=(status_of(server),),
        )
    status = status_of(server)
    if server.get('task_state') or status in BUSY:
        raise ComputeError(
            'Cannot %s server %s: it is busy (status %s, task_state %s); wait until that ends.'
            % (action, name, status, server.get('task_state'))
        )
    if spec.is_done is not None and spec.is_done(server, args, facts):
        reason = '%s is already done for server %s (status %s%s)' % (
            action,
            name,
            status,
            ', locked' if server.get('is_locked') else '',
        )
        return Plan(kind='none', action=action, reason=reason, before=server, after=server, targets=(status,))
    if spec.allowed and status not in spec.allowed:
        raise ComputeError(
            'Cannot %s server %s: its status is %s; %s needs %s%s.'
            % (action, name, status, action, _join(spec.allowed), ' (%s)' % spec.hint if spec.hint else '')
        )
    if spec.check is not None:
        why = spec.check(server, args, facts)
        if why:
            raise ComputeError('Cannot %s server %s: %s' % (action, name, why))
    if spec.lock_guarded and server.get('is_locked') and not facts.get('is_admin'):
        reason = server.get('locked_reason')
        raise ComputeError(
            'Cannot %s server %s: it is locked%s; unlock it first (action=unlock), or use an admin '
            'cloud.' % (action, name, ' (%s)' % reason if reason else '')
        )
    targets = _targets(spec, server, args, facts)
    after = dict(server)
    if targets:
        after['status'] = targets[0]
    if spec.predict is not None:
        after.update(spec.predict(server, args, facts))
    # What Nova changes besides (vm_state, power_state, host, zone), and what check mode cannot know.
    after, unknown = predict_server(action, server, after, args, facts)
    if spec.to_calls is not None:
        calls = tuple(spec.to_calls(server, args, facts))
    else:
        calls = (
            Call(
                spec.via,
                spec.method,
                _kwargs(spec, args, facts),
                NETWORK_PROXY_MICROVERSION if spec.via == 'request' else None,
            ),
        )
    expect = spec.expect(server, args, facts) if spec.expect is not None else {}
    if spec.name in ('live_migrate', 'evacuate') and server.get('compute_host'):
        # Nova clears task_state before it records the new host at the end of an evacuation (the resource
        # tracker sets it last): the wait also looks for the host to change, when the host shows.
        expect = dict(expect, moved_from=server['compute_host'])
    return Plan(
        kind='action',
        action=action,
        reason=spec.summary,
        calls=calls,
        before=server,
        after=after,
        targets=targets,
        expect=expect,
        unknown=unknown,
    )


def _version(text):
    try:
        return tuple(int(part) for part in str(text).split('.')[:2])
    except ValueError:
        return None


def _targets(spec, server, args, facts):
    if spec.name == 'evacuate':
        # Since microversion 2.95 an evacuated server is left stopped on its new host.
        version = _version(facts.get('microversion')) if facts.get('microversion') else None
        before = targets_for(spec, server)
        if version is None:
            return ('SHUTOFF',) + tuple(s for s in before if s != 'SHUTOFF')
        return ('SHUTOFF',) if version >= (2, 95) else before
    if spec.name == 'reset_state':
        return ('ACTIVE',) if args.get('state') == 'active' else ('ERROR',)
    if spec.name in ('confirm_resize', 'revert_resize'):
        first = after_resize_status(server, args, None)
        return (first,) + tuple(s for s in ('ACTIVE', 'SHUTOFF') if s != first)
    return targets_for(spec, server)


def _kwargs(spec, args, facts):
    return dict(spec.to_kwargs(args, facts)) if spec.to_kwargs is not None else {}


# ------------------------------------------------------------------------------------------------
# Status transitions for the server module


def _edges():
    edges = []
    for name in TRANSITION_ACTIONS:
        spec = ACTIONS[name]
        lead = spec.leads_to if isinstance(spec.leads_to, str) else spec.leads_to[0]
        for status in spec.allowed:
            edges.append((status, name, lead))
    return edges


def plan_status_transition(server, target_status):
    """The state actions, in order, that take a server (or a status) to ``target_status``; [] when there.

    Shortest path over the table (start, stop, pause, unpause, suspend, resume, unrescue, shelve,
    shelve_offload, unshelve); e.g. PAUSED -> SHUTOFF is [unpause, stop].
    """
    start = server if isinstance(server, str) or server is None else status_of(server)
    target = (target_status or '').upper()
    if start == target:
        return []
    frontier = [(start, [])]
    seen = set([start])
    edges = _edges()
    while frontier:
        nxt = []
        for status, path in frontier:
            for source, name, lead in edges:
                if source != status or lead in seen:
                    continue
                if lead == target:
                    return path + [name]
                seen.add(lead)
                nxt.append((lead, path + [name]))
        frontier = nxt
    raise ComputeError(
        'No action takes a server from %s to %s%s.'
        % (start, target, '; confirm_resize or revert_resize it first' if start == 'VERIFY_RESIZE' else '')
    )


# ------------------------------------------------------------------------------------------------
# What the wait looks at (pure, so that the rules are tested as tables)


def is_settled(plan, server):
    """Whether the operation of ``plan`` is over, judged from a server read after the request.

    Nova's API sets the server's task_state in the same request that answers 202 (rebooting, powering-off,
    rebuilding, resize_prep, image_snapshot, shelving, migrating...) and only the compute service clears it,
    so any read after the answer sees either the operation under way or its end: "task_state is None and
    the status rests" cannot be the state from before the request.
    """
    spec = ACTIONS[plan.action]
    if spec.wait == 'gone':
        return server is None or status_of(server) == 'DELETED'
    if server is None:
        return False
    resting = not server.get('task_state') and status_of(server) not in BUSY
    if status_of(server) == 'SHELVED_OFFLOADED' and server.get('compute_host'):
        # Nova records SHELVED_OFFLOADED before it frees the host and only then clears the host
        # (visible to admins only): until then the offload is still under way.
        return False
    if plan.expect.get('moved_from') and server.get('compute_host') == plan.expect['moved_from']:
        return False
    if spec.wait == 'task':
        return resting
    if spec.wait == 'status':
        return resting and status_of(server) in plan.targets
    if spec.wait == 'addresses':
        return resting and _addresses_settled(plan.expect, server)
    return True


def _addresses_settled(expect, server):
    if 'more_than' in expect:
        return len([a for a in addresses_of(server, 'fixed') if a[0] == expect['network']]) > expect['more_than']
    present = expect['address'] in [a[1] for a in addresses_of(server)]
    return present == expect['present']


def wait_failure(plan, server):
    """A message that ends the wait at once, or None."""
    spec = ACTIONS[plan.action]
    name = _label(plan.before, None)
    if server is None:
        if spec.wait == 'gone':
            return None
        return 'Server %s disappeared during %s.' % (name, plan.action)
    if status_of(server) == 'ERROR' and not server.get('task_state') and 'ERROR' not in plan.targets:
        fault = (server.get('fault') or {}).get('message') or 'Nova recorded no fault message'
        return 'Server %s went to ERROR during %s: %s' % (name, plan.action, fault)
    return None


def is_stuck(plan, server):
    """A move whose server rests on its old host: Nova gave up, or has not recorded the new host yet;
    the instance action tells which."""
    if not plan.expect.get('moved_from') or server is None:
        return False
    resting = not server.get('task_state') and status_of(server) not in BUSY
    return resting and server.get('compute_host') == plan.expect['moved_from']


def outcome_error(plan, server):
    """After the wait: one line when the server did not end where the action leads, else None."""
    spec = ACTIONS[plan.action]
    if spec.wait in ('gone', 'none', 'sync') or server is None or not plan.targets:
        return None
    if status_of(server) not in plan.targets:
        return 'Server %s ended %s after %s instead of %s' % (
            _label(plan.before, None),
            status_of(server),
            plan.action,
            _join(plan.targets),
        )
    before_host = (plan.before or {}).get('compute_host')
    if spec.name in ('live_migrate', 'evacuate') and before_host and server.get('compute_host') == before_host:
        return 'Server %s is still on host %s after %s' % (_label(plan.before, None), before_host, plan.action)
    return None


def new_instance_action(before_ids, actions, kind):
    """The newest instance action of ``kind`` whose request ID was not there before the request."""
    for record in actions or ():
        if record.get('action') == kind and record.get('request_id') not in before_ids:
            return record
    return None


def instance_action_error(record):
    """One line from a failed instance action (events and their details show to admins only), or None."""
    if not record:
        return None
    failed = [e for e in record.get('events') or () if (e.get('result') or '').lower() == 'error']
    if not failed and not record.get('message'):
        return None
    # Nova records the same failure on several events (conductor and compute): say each detail once.
    by_detail = {}
    for event in failed:
        detail = event.get('details') or ((event.get('traceback') or '').strip().splitlines() or [''])[-1].strip()
        by_detail.setdefault(detail, []).append(event.get('event'))
    parts = [
        '%s failed%s' % (', '.join(names), ': %s' % detail if detail else '') for detail, names in by_detail.items()
    ]
    if not parts:
        parts.append('%s (the events with details show to admins only)' % record.get('message'))
    return 'Nova recorded an error for %s (request %s): %s' % (
        record.get('action'),
        record.get('request_id'),
        '; '.join(parts),
    )


def action_view(server):
    """The fields of a server a diff shows for an action: the server module's view (no secrets, nothing
    volatile), plus where it runs and its addresses, which moves and address actions change."""
    if server is None:
        return {}
    view = server_view(server)
    view.update(
        compute_host=server.get('compute_host'),
        addresses=['%s %s (%s)' % a for a in addresses_of(server)],
    )
    return view
