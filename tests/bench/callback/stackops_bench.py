# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmarks only: count what the OpenStack tasks of a play changed, per server.

A loop counts each item; a task that acts on many servers (a result with a list of per-server results
under ``servers`` or ``results``) counts each of them. With the time these tasks took (from the start of
the task to its result, so a loop counts whole). Written as JSON to $STACKOPS_BENCH_RESULT when the play
ends.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r'''
name: stackops_bench
type: aggregate
short_description: Count changed and failed servers for the benchmark
description:
  - Counts per-server changes of the stackops.compute and openstack.cloud tasks of a play.
requirements:
  - STACKOPS_BENCH_RESULT names the JSON file to write.
'''

COUNTED = ('stackops.compute.', 'openstack.cloud.')


def units(result, nested=False):
    """(changed, failed) for each server a task result speaks of."""
    for key in ('servers', 'results'):
        items = result.get(key)
        if isinstance(items, list) and items and all(isinstance(i, dict) and 'changed' in i for i in items):
            found = []
            for item in items:
                found.extend(units(item, nested='ansible_loop_var' not in item))
            return found
    # An item of a many-server result carries msg only when it failed.
    failed = bool(result.get('failed')) or (nested and bool(result.get('msg')))
    return [(bool(result.get('changed')), failed)]


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'stackops_bench'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.counts = {'tasks': 0, 'servers': 0, 'changed': 0, 'failed': 0, 'failures': [], 'task_seconds': 0.0}
        self.task_started = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.task_started = time.monotonic()

    def _count(self, result, failed):
        action = result._task.action or ''
        if not action.startswith(COUNTED):
            return
        self.counts['tasks'] += 1
        if self.task_started is not None:
            self.counts['task_seconds'] += time.monotonic() - self.task_started
        for changed, item_failed in units(result._result):
            self.counts['servers'] += 1
            self.counts['changed'] += int(changed)
            self.counts['failed'] += int(item_failed)
        if failed:
            self.counts['failures'].append('%s: %s' % (result._task.get_name(), result._result.get('msg', '')))

    def v2_runner_on_ok(self, result):
        self._count(result, False)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._count(result, True)

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('STACKOPS_BENCH_RESULT')
        if path:
            with open(path, 'w') as handle:
                json.dump(self.counts, handle)
