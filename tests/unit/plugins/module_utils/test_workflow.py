# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pattern every workflow role shares: selection, fleet answers per item, the gate, summary and report."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _workflow as wf


def srv(sid, name=None):
    return {'id': sid, 'name': name or 'web%s' % sid}


def named(name, *servers):
    return {'item': name, 'servers': list(servers)}


@pytest.mark.parametrize(
    'answers, matched, kwargs, ids, missing, error',
    [
        # Names and matches together, each server once, names first.
        ([named('web1', srv('1')), named('web2', srv('2'))], [srv('2'), srv('3')], {}, ['1', '2', '3'], [], ''),
        ([], [srv('3')], {}, ['3'], [], ''),
        # Every unknown name is named in one line.
        ([named('web9'), named('web1', srv('1')), named('web8')], None, {}, ['1'], [], 'No server matches web9, web8.'),
        (
            [named('db', srv('a', 'db'), srv('b', 'db'))],
            None,
            {},
            ['a', 'b'][:0],
            [],
            '2 servers are named db: give one of the IDs a, b.',
        ),
        # keep_missing: restore looks for deleted servers among the backups.
        ([named('gone')], None, {'keep_missing': True}, [], ['gone'], ''),
        # An empty selection fails naming it in the role's own words, unless allowed.
        (
            [],
            [],
            {'role': 'backup', 'metadata': {'backup': 'nightly'}, 'tags': ['web']},
            [],
            [],
            'No server matches backup_select_metadata={"backup": "nightly"} and backup_select_tags=["web"]; '
            'set backup_allow_empty: true to make an empty selection a no-op.',
        ),
        ([], [], {'role': 'drain', 'host': 'compute1', 'allow_empty': True}, [], [], ''),
        (
            [],
            [],
            {'role': 'drain', 'host': 'compute1'},
            [],
            [],
            'No server matches drain_host=compute1; set drain_allow_empty: true to make an empty selection a no-op.',
        ),
    ],
)
def test_select(answers, matched, kwargs, ids, missing, error):
    chosen = wf.select(answers, matched, **kwargs)
    assert chosen['error'] == error
    assert chosen['missing'] == missing
    if not error or ids:
        assert [s['id'] for s in chosen['servers']] == ids


@pytest.mark.parametrize(
    'registered, expected',
    [
        ({'results': [{'name': 'a'}, {'name': 'b'}]}, [{'name': 'a'}, {'name': 'b'}]),
        # Failed before its items: the task's message stands for each.
        (
            {'failed': True, 'msg': 'Cannot reach the cloud'},
            [{'failed': True, 'changed': False, 'msg': 'Cannot reach the cloud'}] * 2,
        ),
        ({'skipped': True}, [None, None]),
        (None, [{'failed': True, 'changed': False, 'msg': 'no answer from the task'}] * 2),
    ],
)
def test_item_results(registered, expected):
    assert wf.item_results(2, registered) == expected


@pytest.mark.parametrize(
    'outcomes, limit, stop',
    [
        ([], 0, ''),
        ([{'outcome': 'done'}, {'outcome': 'skipped'}], 0, ''),
        ([{'outcome': 'failed'}], 0, 'stopped after 1 failure (resize_max_failures is 0)'),
        ([{'outcome': 'failed'}], 1, ''),
        ([{'outcome': 'failed'}, {'outcome': 'failed'}], '1', 'stopped after 2 failures (resize_max_failures is 1)'),
    ],
)
def test_gate(outcomes, limit, stop):
    assert wf.gate(outcomes, limit, 'resize') == stop


DECISIONS = [
    {'server': 'a', 'server_id': '1', 'action': 'resize', 'flavor': 'm1.small', '_server': {}},
    {'server': 'b', 'server_id': '2', 'action': 'skip', 'result': 'unchanged', 'reason': 'already m1.small'},
    {'server': 'c', 'server_id': '3', 'action': 'fail', 'reason': 'busy with rebooting'},
    {'server': 'd', 'server_id': '4', 'action': 'resize', 'flavor': 'm1.small'},
]


def test_summary_keeps_the_plan_order_and_says_why():
    outcomes = [{'server_id': '1', 'outcome': 'failed', 'result': 'reverted', 'reason': 'verification failed'}]
    entries = wf.summary(DECISIONS, outcomes, stop_reason='stopped after 1 failure (resize_max_failures is 0)')
    assert [(e['server'], e['outcome'], e['result']) for e in entries] == [
        ('a', 'failed', 'reverted'),
        ('b', 'skipped', 'unchanged'),
        ('c', 'failed', 'failed'),
        ('d', 'skipped', 'not run'),
    ]
    assert entries[3]['reason'] == 'stopped after 1 failure (resize_max_failures is 0)'
    # Internal keys and the action stay out; every entry has a reason and a detail.
    assert all('_server' not in e and 'action' not in e and 'reason' in e and 'detail' in e for e in entries)
    assert entries[0]['flavor'] == 'm1.small'


def test_report_one_line_per_server_and_one_failure_line():
    entries = wf.summary(
        DECISIONS,
        [{'server_id': '1', 'outcome': 'done', 'result': 'resized', 'detail': 'm1.tiny -> m1.small'}],
        stop_reason='stopped after 1 failure (resize_max_failures is 0)',
    )
    report = wf.report(entries, 'resize')
    assert [x['line'] for x in report['lines']] == [
        'a: resized m1.tiny -> m1.small',
        'b: unchanged (already m1.small)',
        'c: failed (busy with rebooting)',
        'd: not run (stopped after 1 failure (resize_max_failures is 0))',
    ]
    assert (report['done'], report['skipped'], report['failed']) == (1, 2, 1)
    assert report['message'] == (
        'resize failed for 1 of 4 servers: c (busy with rebooting); '
        'not run: d (stopped after 1 failure (resize_max_failures is 0)).'
    )
    assert '\n' not in report['message']


def test_report_without_failures_has_no_message():
    assert wf.report([{'server': 'a', 'outcome': 'done', 'result': 'backed up'}], 'backup')['message'] == ''
    assert wf.report([], 'backup')['message'] == ''
