# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The workflow filters are wired to the pure decisions: dispatch by role, plain values, errors in words."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.stackops.compute.plugins.filter.workflow import FilterModule

FILTERS = FilterModule().filters()


def test_every_filter_has_its_documentation():
    import pathlib

    folder = pathlib.Path(__file__).resolve().parents[4] / 'plugins' / 'filter'
    assert sorted(FILTERS) == sorted(p.stem for p in folder.glob('workflow_*.yml'))


def test_plan_then_summary_then_report():
    servers = [
        {'id': '1', 'name': 'web1', 'status': 'ACTIVE', 'task_state': None, 'flavor': {'original_name': 'm1.tiny'}},
        {'id': '2', 'name': 'web2', 'status': 'ACTIVE', 'task_state': None, 'flavor': {'original_name': 'm1.small'}},
    ]
    plan = FILTERS['workflow_plan'](servers, 'resize', flavor='m1.small')
    assert [d['action'] for d in plan] == ['resize', 'skip']
    outcomes = FILTERS['workflow_outcomes'](
        plan[:1],
        'resize',
        resized={'results': [{'name': '1', 'changed': True}]},
        verified=[{'server_id': '1', 'ok': True}],
        confirmed={'results': [{'name': '1', 'changed': True}]},
        check=False,
    )
    assert FILTERS['workflow_gate'](outcomes, 0, 'resize') == ''
    summary = FILTERS['workflow_summary'](plan, outcomes)
    report = FILTERS['workflow_report'](summary, 'resize')
    assert [x['line'] for x in report['lines']] == [
        'web1: resized m1.tiny -> m1.small',
        'web2: unchanged (already m1.small)',
    ]
    assert report['message'] == ''


def test_select():
    chosen = FILTERS['workflow_select']([{'item': 'web9', 'servers': []}], role='backup', servers=['web9'])
    assert chosen['error'] == 'No server matches web9.'


@pytest.mark.parametrize(
    'name, args, kwargs, msg',
    [
        (
            'workflow_plan',
            ([], 'paint'),
            {},
            "workflow_plan: role must be one of backup, drain, resize, restore, rolling, rotate; got 'paint'",
        ),
        ('workflow_outcomes', ([], 'paint'), {}, 'workflow_outcomes: role must be one of'),
        ('workflow_plan', ('servers', 'resize'), {}, 'workflow_plan: the input must be a list of servers'),
        ('workflow_summary', ({}, []), {}, 'workflow_summary: the input must be a list of decisions'),
        (
            'workflow_plan',
            ([{'id': '1', 'name': 'a'}], 'rotate'),
            {'images': [], 'retention': {'keep_last': -1}, 'policy': 'p', 'project_id': 'x'},
            'workflow_plan: keep_last must be a whole number of 0 or more',
        ),
        (
            'workflow_plan',
            ([{'id': '1', 'name': 'a'}], 'resize'),
            {'colour': 'red'},
            'workflow_plan: plan_resize.. got an unexpected keyword argument .colour.',
        ),
    ],
)
def test_errors_are_one_line(name, args, kwargs, msg):
    with pytest.raises(AnsibleFilterError, match=msg):
        FILTERS[name](*args, **kwargs)
