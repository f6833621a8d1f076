# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the selection, batching and summary every workflow role shares (pure).

A workflow role (backup, rotate, restore, resize, drain, rolling) runs the same way:

1. select - the servers named, and those matched by metadata, tags or host, each once (``select``);
2. plan - one decision per server, made by the role's planner: an action, or ``skip`` / ``fail`` with
   the reason, decided before anything is sent;
3. batches - the servers to act on, a batch at a time; after each batch ``gate`` says whether the next
   one may start (``<role>_max_failures``), and ``item_results`` lines up what a fleet task answered with
   the servers of the batch;
4. summary - one entry per server, in the order of the plan (``summary``), and one line each plus one
   failure line (``report``).

Nothing here reads the clock or talks to a cloud; the roles' tasks do that through the modules.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

DONE = 'done'
SKIPPED = 'skipped'
FAILED = 'failed'
OUTCOMES = (DONE, SKIPPED, FAILED)

# Decision actions that are not an action on the server: what the summary says without a batch.
SKIP = 'skip'
FAIL = 'fail'
# The result of a server whose batch did not start (the gate stopped the run).
NOT_RUN = 'not run'


def _compact(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(', ', ': '))


def describe_selection(role: str, servers=(), metadata: dict = None, tags=(), host: str = None) -> str:
    """The selection in the role's own input names, for messages."""
    parts = []
    if servers:
        parts.append('%s_servers=%s' % (role, _compact(list(servers))))
    if metadata:
        parts.append('%s_select_metadata=%s' % (role, _compact(dict(metadata))))
    if tags:
        parts.append('%s_select_tags=%s' % (role, _compact(list(tags))))
    if host:
        parts.append('%s_host=%s' % (role, host))
    return ' and '.join(parts) or 'nothing'


def select(
    named: list,
    matched: list = None,
    role: str = 'workflow',
    servers=(),
    metadata: dict = None,
    tags=(),
    host: str = None,
    allow_empty: bool = False,
    keep_missing: bool = False,
) -> dict:
    """The chosen servers, each once: ``{'servers', 'missing', 'error'}``.

    ``named`` holds one server_info answer per name of ``servers`` (each a dict with ``item``, the name,
    and ``servers``, what matched it); ``matched`` the servers found by metadata, tags or host, or None
    when no such filter was given. A name must match exactly one server; with ``keep_missing`` a name that
    matches none is returned in ``missing`` instead (restore brings back deleted servers). A selection
    that chooses no server is an error unless ``allow_empty``.
    """
    chosen, seen, missing, unknown, ambiguous = [], set(), [], [], []

    def add(server):
        if server.get('id') not in seen:
            seen.add(server.get('id'))
            chosen.append(server)

    for answer in named or []:
        name = str(answer.get('item'))
        found = list(answer.get('servers') or [])
        if len(found) == 1:
            add(found[0])
        elif not found:
            (missing if keep_missing else unknown).append(name)
        else:
            ambiguous.append((name, sorted(str(s.get('id')) for s in found)))
    for server in matched or []:
        add(server)

    error = ''
    if unknown:
        error = 'No server matches %s.' % ', '.join(unknown)
    elif ambiguous:
        name, ids = ambiguous[0]
        error = '%d servers are named %s: give one of the IDs %s.' % (len(ids), name, ', '.join(ids))
    elif not chosen and not missing and not allow_empty:
        error = 'No server matches %s; set %s_allow_empty: true to make an empty selection a no-op.' % (
            describe_selection(role, servers, metadata, tags, host),
            role,
        )
    return {'servers': chosen, 'missing': missing, 'error': error}


# ------------------------------------------------------------------------------------------------ batches


def item_results(count: int, registered: dict, key: str = 'results') -> list:
    """What a fleet task (servers, server_images, server_action with servers) answered, one per item.

    The fleet modules answer one result per item, in order, also when the task fails because some item
    did. A task that failed before it got to the items (the cloud unreachable, say) has none: its message
    stands for every item. A task that was skipped answers ``None`` for each item.
    """
    registered = registered or {}
    if registered.get('skipped'):
        return [None] * count
    results = list(registered.get(key) or [])
    if len(results) == count:
        return [dict(r) for r in results]
    message = registered.get('msg') or 'no answer from the task'
    return [{'failed': True, 'changed': False, 'msg': message}] * count


def failure_count(outcomes: list) -> int:
    return sum(1 for o in outcomes or [] if o.get('outcome') == FAILED)


def gate(outcomes: list, max_failures: int, role: str = 'workflow') -> str:
    """Why the next batch must not start ('' when it may): more than ``max_failures`` servers failed."""
    failed = failure_count(outcomes)
    limit = int(max_failures)
    if failed > limit:
        return 'stopped after %d failure%s (%s_max_failures is %d)' % (failed, '' if failed == 1 else 's', role, limit)
    return ''


# ------------------------------------------------------------------------------------------------ summary


def entry(decision: dict, **outcome) -> dict:
    """A summary entry: the decision's public keys (internal ones start with _), then the outcome."""
    out = dict((k, v) for k, v in decision.items() if not str(k).startswith('_') and k != 'action')
    out.setdefault('reason', '')
    out.setdefault('detail', '')
    out.update(outcome)
    return out


def summary(decisions: list, outcomes=(), stop_reason: str = '') -> list:
    """One entry per decided server, in the plan's order.

    A server decided ``skip`` or ``fail`` is reported so, with the planner's reason. A server acted on
    has its outcome (matched by ``server_id``). A server whose batch never started is ``skipped``, result
    ``not run``, with ``stop_reason``.
    """
    by_id = {}
    for outcome in outcomes or []:
        by_id[outcome.get('server_id')] = outcome
    entries = []
    for decision in decisions or []:
        action = decision.get('action')
        if action == SKIP:
            entries.append(entry(decision, outcome=SKIPPED, result=decision.get('result') or 'skipped'))
        elif action == FAIL:
            entries.append(entry(decision, outcome=FAILED, result=decision.get('result') or 'failed'))
        elif decision.get('server_id') in by_id:
            found = dict(by_id[decision.get('server_id')])
            found.pop('server_id', None)
            entries.append(entry(decision, **found))
        else:
            entries.append(
                entry(decision, outcome=SKIPPED, result=NOT_RUN, reason=stop_reason or 'its batch did not run')
            )
    return entries


def line(item: dict) -> str:
    """``web1: resized m1.tiny -> m1.small (reason)``."""
    text = '%s: %s' % (item.get('server'), item.get('result'))
    if item.get('detail'):
        text += ' %s' % item['detail']
    if item.get('reason'):
        text += ' (%s)' % item['reason']
    return text


def report(entries: list, role: str = 'workflow') -> dict:
    """``{'lines', 'message', 'done', 'skipped', 'failed'}``: a line per server, and one failure line."""
    entries = list(entries or [])
    counts = dict((o, sum(1 for e in entries if e.get('outcome') == o)) for o in OUTCOMES)
    failed = [e for e in entries if e.get('outcome') == FAILED]
    message = ''
    if failed:
        message = '%s failed for %d of %d server%s: %s.' % (
            role,
            len(failed),
            len(entries),
            '' if len(entries) == 1 else 's',
            '; '.join('%s (%s)' % (e.get('server'), e.get('reason') or e.get('result')) for e in failed),
        )
        not_run = [e for e in entries if e.get('result') == NOT_RUN]
        if not_run:
            message = message[:-1] + '; not run: %s (%s).' % (
                ', '.join(str(e.get('server')) for e in not_run),
                not_run[0].get('reason'),
            )
    lines = [{'server': e.get('server'), 'line': line(e)} for e in entries]
    return dict(lines=lines, message=message, **counts)
