# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the decisions of the resize, drain and rolling roles (pure)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.stackops.compute.plugins.module_utils._restore import (
    VOLUME_REFUSAL,
    flavor_name,
    is_volume_backed,
)
from ansible_collections.stackops.compute.plugins.module_utils._workflow import FAIL, SKIP

# Nova resizes ACTIVE and SHUTOFF servers; it moves ACTIVE and PAUSED ones live, ACTIVE and SHUTOFF ones cold.
RESIZE_STATUSES = ('ACTIVE', 'SHUTOFF')
LIVE_STATUSES = ('ACTIVE', 'PAUSED')
COLD_STATUSES = ('ACTIVE', 'SHUTOFF')

# The rolling role's marker: servers done in a rollout carry its name under this metadata key.
ROLLING_MARKER = 'stackops_rolling'
# The statuses each rolling action works on; other servers are skipped.
ROLLING_ACTIONS = {
    'reboot': ('ACTIVE',),
    'reboot_hard': ('ACTIVE',),
    'stop_start': ('ACTIVE',),
    'rebuild': ('ACTIVE', 'SHUTOFF'),
    'tasks': ('ACTIVE',),
}
ROLLING_DONE = {
    'reboot': 'rebooted',
    'reboot_hard': 'rebooted',
    'stop_start': 'restarted',
    'rebuild': 'rebuilt',
    'tasks': 'ran tasks',
}


def _base(server: dict) -> dict:
    return {'server': server.get('name'), 'server_id': server.get('id')}


def _verified(verified: list) -> dict:
    """The shared verification's answers by server ID: ``{id: reason}``, '' when it passed."""
    return dict((v.get('server_id'), '' if v.get('ok') else str(v.get('reason') or 'failed')) for v in verified or [])


def _msg(result, doing: str) -> str:
    """'' when ``result`` (one item of a fleet task) did not fail, else ``doing failed: message``."""
    if result is None:
        return '%s was not sent' % doing
    if result.get('failed'):
        return '%s failed: %s' % (doing, result.get('msg') or 'unknown error')
    return ''


def _answer(registered: dict, server_id: str, key: str = 'results', name: str = None):
    """A fleet task's answer for one server (its items are given by ID), or None when it was not sent.

    A task that failed before it got to its items has no answers: its message stands for each of them.
    """
    registered = registered or {}
    if not registered or registered.get('skipped'):
        return None
    for result in registered.get(key) or []:
        # server_action answers with the name as given (the ID); servers with the item's name (and the ID,
        # unless the item failed).
        if result.get('id') == server_id or result.get('name') in (server_id, name):
            return result
    if registered.get('failed') and not registered.get(key):
        return {'failed': True, 'msg': registered.get('msg') or 'no answer from the task'}
    return None


# ---------------------------------------------------------------------------------------------- resize


def plan_resize(servers: list, flavor: str) -> list:
    """``resize``, ``verify`` (a resize to ``flavor`` awaits confirmation), ``skip`` (already) or ``fail``."""
    decisions = []
    for server in servers or []:
        have = flavor_name(server)
        decision = dict(_base(server), flavor_before=have, flavor=flavor, detail='%s -> %s' % (have, flavor))
        # A resize that awaits confirmation is verified with the server as it is.
        decision['_server'] = server
        status, task = server.get('status'), server.get('task_state')
        if task:
            decisions.append(dict(decision, action=FAIL, reason='busy with %s' % task))
        elif status == 'VERIFY_RESIZE':
            if have == flavor:
                decisions.append(dict(decision, action='verify', reason=''))
            else:
                decisions.append(
                    dict(
                        decision,
                        action=FAIL,
                        reason='awaits confirmation of a resize to %s: confirm or revert it first' % have,
                    )
                )
        elif status not in RESIZE_STATUSES:
            decisions.append(
                dict(
                    decision,
                    action=FAIL,
                    reason='status %s: Nova resizes only %s servers' % (status, ', '.join(RESIZE_STATUSES)),
                )
            )
        elif have == flavor:
            decisions.append(dict(decision, action=SKIP, result='unchanged', detail='', reason='already %s' % flavor))
        else:
            decisions.append(dict(decision, action='resize'))
    return decisions


def resize_outcomes(
    batch: list,
    resized: dict = None,
    verified=(),
    confirmed: dict = None,
    reverted: dict = None,
    check: bool = False,
) -> list:
    """Per server of a batch: resized and confirmed, unchanged, reverted after a failed verification, failed."""
    checks = _verified(verified)
    outcomes = []
    for decision in batch:
        sid = decision.get('server_id')
        out = {'server_id': sid}
        if decision.get('action') == 'resize':
            sent = _answer(resized, sid)
            problem = _msg(sent, 'resize')
            if problem:
                outcomes.append(dict(out, outcome='failed', result='failed', reason=problem))
                continue
            if not sent.get('changed'):
                outcomes.append(dict(out, outcome='skipped', result='unchanged', detail='', reason=sent.get('msg', '')))
                continue
        if check:
            outcomes.append(dict(out, outcome='done', result='would resize'))
        elif sid not in checks:
            outcomes.append(dict(out, outcome='failed', result='failed', reason='not verified; it awaits confirmation'))
        elif checks[sid]:
            back = _msg(_answer(reverted, sid), 'revert')
            reason = 'verification failed: %s; %s' % (
                checks[sid],
                back or 'reverted to %s' % decision.get('flavor_before'),
            )
            outcomes.append(dict(out, outcome='failed', result='failed' if back else 'reverted', reason=reason))
        else:
            problem = _msg(_answer(confirmed, sid), 'confirm')
            if problem:
                outcomes.append(dict(out, outcome='failed', result='failed', reason=problem))
            else:
                outcomes.append(dict(out, outcome='done', result='resized'))
    return outcomes


# ---------------------------------------------------------------------------------------------- drain


def _unmovable(server: dict, method: str) -> str:
    status, task = server.get('status'), server.get('task_state')
    if task:
        return 'busy with %s' % task
    if method == 'live' and status not in LIVE_STATUSES:
        return 'status %s: live migration moves only %s servers (drain_method is live)' % (
            status,
            ', '.join(LIVE_STATUSES),
        )
    if method == 'cold' and status not in COLD_STATUSES:
        return 'status %s: cold migration moves only %s servers (drain_method is cold)' % (
            status,
            ', '.join(COLD_STATUSES),
        )
    if status not in LIVE_STATUSES + COLD_STATUSES:
        hint = '; shelve_offload it to free the host' if status == 'SHELVED' else ''
        return 'status %s: Nova moves %s servers live and %s servers cold%s' % (
            status,
            ' and '.join(LIVE_STATUSES),
            ' and '.join(COLD_STATUSES),
            hint,
        )
    return ''


def plan_drain(servers: list, host: str, method: str = 'auto', unmovable: str = 'fail') -> list:
    """``live``, ``cold``, ``skip`` (not on the host) or, for a server that cannot move, ``fail`` or ``skip``."""
    decisions = []
    for server in servers or []:
        here = server.get('compute_host')
        decision = dict(
            _base(server),
            project_id=server.get('project_id'),
            status=server.get('status'),
            from_host=here,
            to_host=here,
            method='',
        )
        if here != host:
            reason = 'on %s, not on %s' % (here, host)
            decisions.append(dict(decision, action=SKIP, result='not on host', reason=reason))
            continue
        why = _unmovable(server, method)
        if why:
            action = FAIL if unmovable == 'fail' else SKIP
            decisions.append(dict(decision, action=action, result='cannot move', reason=why))
            continue
        status = server.get('status')
        live = method == 'live' or (method == 'auto' and status in LIVE_STATUSES)
        decisions.append(dict(decision, action='live' if live else 'cold', method='live' if live else 'cold'))
    return decisions


def drain_outcomes(
    batch: list,
    host: str,
    live: dict = None,
    migrated: dict = None,
    confirmed: dict = None,
    check: bool = False,
) -> list:
    """Per server of a batch: where it went, or why it did not."""
    outcomes = []
    for decision in batch:
        sid, method = decision.get('server_id'), decision.get('action')
        out = {'server_id': sid}
        if method == 'live':
            steps = [(_answer(live, sid), 'live migration')]
        else:
            steps = [(_answer(migrated, sid), 'cold migration')]
            if not check:
                steps.append((_answer(confirmed, sid), 'confirm'))
        problem = next((m for m in (_msg(r, doing) for r, doing in steps) if m), '')
        if problem:
            outcomes.append(dict(out, outcome='failed', result='failed', reason=problem))
            continue
        if check:
            outcomes.append(dict(out, outcome='done', result='would %s-migrate' % method, detail='off %s' % host))
            continue
        landed = (steps[-1][0].get('server') or {}).get('compute_host')
        if not landed or landed == host:
            reason = 'still on %s after the %s' % (host, steps[0][1])
            outcomes.append(dict(out, outcome='failed', result='failed', to_host=landed, reason=reason))
            continue
        detail = '%s -> %s' % (host, landed)
        outcomes.append(dict(out, outcome='done', result='%s-migrated' % method, to_host=landed, detail=detail))
    return outcomes


# ---------------------------------------------------------------------------------------------- rolling


def plan_rolling(servers: list, action: str, run: str, image: str = None) -> list:
    """The rollout ``run`` of ``action``: ``skip`` for servers done in it or not in a status the action
    works on, ``fail`` for busy ones (and volume-backed ones for a rebuild), the action for the others."""
    statuses = ROLLING_ACTIONS[action]
    decisions = []
    for server in servers or []:
        decision = dict(_base(server), rollout=run, _server=server)
        # The servers item that marks the server done in this rollout (metadata is merged, nothing else set).
        decision['_mark'] = {'name': server.get('name'), 'id': server.get('id'), 'metadata': {ROLLING_MARKER: run}}
        status, task = server.get('status'), server.get('task_state')
        marker = (server.get('metadata') or {}).get(ROLLING_MARKER)
        if marker == run:
            decisions.append(dict(decision, action=SKIP, result='already done', reason='done in rollout %s' % run))
        elif status not in statuses:
            decisions.append(
                dict(
                    decision,
                    action=SKIP,
                    reason='status %s: rolling %s acts on %s servers only' % (status, action, ', '.join(statuses)),
                )
            )
        elif task:
            decisions.append(dict(decision, action=FAIL, reason='busy with %s' % task))
        elif action == 'rebuild' and is_volume_backed(server):
            decisions.append(dict(decision, action=FAIL, reason='%s %s' % (server.get('name'), VOLUME_REFUSAL)))
        else:
            decisions.append(dict(decision, action=action, detail='from image %s' % image if image else ''))
    return decisions


def _tasks_problem(tasks: dict, server_id: str) -> str:
    if server_id not in tasks:
        return 'your tasks did not run'
    return 'your tasks failed: %s' % tasks[server_id] if tasks[server_id] else ''


def rolling_outcomes(
    batch: list,
    action: str,
    acted=(),
    ran=(),
    healthy=(),
    marked: dict = None,
    check: bool = False,
) -> list:
    """Per server of a batch: the action (``acted``, the server_action tasks in order; ``ran``, the user's
    tasks, as the shared verification reports them), the health gate, then the rollout's marker."""
    tasks, gate = _verified(ran), _verified(healthy)
    doing = action.replace('_', '/')
    outcomes = []
    for decision in batch:
        sid = decision.get('server_id')
        out = {'server_id': sid}
        problem = next((m for m in (_msg(_answer(r, sid), doing) for r in acted or []) if m), '')
        if not problem and action == 'tasks' and not check:
            problem = _tasks_problem(tasks, sid)
        marking = ''
        if marked and not marked.get('skipped'):
            marking = _msg(_answer(marked, sid, 'servers', decision.get('server')), 'marking')
        if problem:
            outcomes.append(dict(out, outcome='failed', result='failed', reason=problem))
        elif check:
            outcomes.append(
                dict(out, outcome='done', result='would run your tasks' if action == 'tasks' else 'would %s' % doing)
            )
        elif gate.get(sid):
            outcomes.append(dict(out, outcome='failed', result='unhealthy', reason='health gate: %s' % gate[sid]))
        elif marking:
            outcomes.append(dict(out, outcome='failed', result='failed', reason=marking))
        else:
            outcomes.append(dict(out, outcome='done', result=ROLLING_DONE[action]))
    return outcomes
