# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verdict on every case of the bad_input target, from its result and from the access logs.

Arguments: the local cloud's access log folder (tests/localcloud/README.md, "Request log"), the run's
prefix, and a JSON file {"cases": [...], "results": [...]}: each case carries its index; each result is a
task result whose "item" is the case.

A case passes when its task failed with one line that matches the case's pattern, without a traceback,
module output or exception text, without "changed", and when it sent no request that changes something.
Its requests are the log lines whose User-Agent ends with "stackops-bench/<prefix>.<index>" (tests/bench/ua
puts it there), so requests of other users of the cloud are never counted. A request changes something
when its method is not GET or HEAD; asking Keystone for a token (POST /v3/auth/tokens) changes nothing. A
case marked `refused` may send such a request when the cloud refuses it (status 400 or more): the cases
where the cloud's policy, which the module cannot read, forbids the action.

Prints {"failures": [...], "writing": [...], "reached": cases with any request, "requests": their number,
"probe": the number of requests marked "probe"}.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import re
import sys

AGENT = 'stackops-bench/'
READS = ('GET', 'HEAD')
HEADER = 'Validation of arguments failed:\n'


def requests_by_marker(logs, prefix):
    """{marker after the prefix: [log lines]} for every request of this run."""
    found = {}
    start = AGENT + prefix + '.'
    for path in sorted(glob.glob(os.path.join(logs, 'access-*.log'))):
        with open(path, errors='replace') as handle:
            for line in handle:
                if start not in line:
                    continue
                fields = line.rstrip('\n').split(' ', 7)
                agent = fields[7].split() if len(fields) == 8 else []
                if agent and agent[-1].startswith(start):
                    found.setdefault(agent[-1][len(start) :], []).append(line.rstrip('\n'))
    return found


def changes_something(line):
    fields = line.split(' ', 7)
    if fields[2] in READS:
        return False
    return not (fields[2] == 'POST' and fields[3].split('?')[0].endswith('/auth/tokens'))


def case_of(result):
    case = result.get('item')
    return case if isinstance(case, dict) and 'index' in case else None


def message_of(result):
    """The line a person reads: the first failed item's of a task with a loop ("One or more items failed"
    follows them), without the header line of a role's argument validation (Ansible's own format)."""
    items = [r for r in result.get('results') or [] if isinstance(r, dict) and r.get('failed')]
    message = str((items[0] if items else result).get('msg', ''))
    return message[len(HEADER) :] if message.startswith(HEADER) else message


def problems_of(case, result):
    message = message_of(result)
    text = json.dumps(result)
    exceptions = [e for e in re.findall(r'"exception": "[^"]*"', text) if '(traceback unavailable)' not in e]
    checks = [
        (result.get('failed'), 'did not fail'),
        (re.search(case['msg'], message), 'message does not match'),
        ('\n' not in message.strip(), 'message has several lines'),
        ('Traceback' not in text, 'traceback'),
        (not ('module_stdout' in result or 'module_stderr' in result), 'module output'),
        (not exceptions, 'exception'),
        (not result.get('changed'), 'changed'),
    ]
    return [words for ok, words in checks if not ok]


def main(logs, prefix, results_file):
    with open(results_file) as handle:
        data = json.load(handle)
    requests = requests_by_marker(logs, prefix)
    results = {}
    for result in data['results']:
        case = case_of(result)
        if case is not None:
            result = dict(result)
            result.pop('item', None)
            results[case['index']] = result
    failures, writing = [], []
    for case in data['cases']:
        index = case['index']
        result = results.get(index)
        problems = ['no result'] if result is None else problems_of(case, result)
        writes = [line for line in requests.get(str(index), []) if changes_something(line)]
        if case.get('refused'):
            writes = [line for line in writes if int(line.split(' ', 7)[4]) < 400]
        if writes:
            problems.append('sent a request that changes something')
            writing.append({'case': index, 'requests': writes})
        if problems:
            failures.append({'case': index, 'expected': case['msg'], 'problems': problems, 'result': result})
    cases = [k for k in requests if k.isdigit()]
    print(
        json.dumps(
            {
                'failures': failures,
                'writing': writing,
                'reached': len(cases),
                'requests': sum(len(requests[k]) for k in cases),
                'probe': len(requests.get('probe', [])),
            }
        )
    )


if __name__ == '__main__':
    main(*sys.argv[1:4])
