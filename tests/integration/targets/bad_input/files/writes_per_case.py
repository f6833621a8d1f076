# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The requests that change something, sent by the collection during each case of the bad_input target.

Reads the local cloud's access logs (tests/localcloud/README.md, "Request log") and a JSON list of marks,
one taken before each case and one after the last: each mark is `wc -l` of every access log. The lines a
log gained between two marks were written during that case. A line counts when its User-Agent is the
collection's (it starts with "stackops-compute ") and its method is not GET or HEAD; asking Keystone for
a token (POST /v3/auth/tokens) changes nothing and is left out. Prints a JSON list: for each case, the
lines that count ("lines"), and the indexes of the cases that have any ("writing").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

AGENT = 'stackops-compute '
READS = ('GET', 'HEAD')


def parse_mark(text):
    """`wc -l` output -> {log file name: lines}."""
    counts = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1] != 'total':
            counts[os.path.basename(parts[1])] = int(parts[0])
    return counts


def counts(line):
    fields = line.rstrip('\n').split(' ', 7)
    if len(fields) < 8 or not fields[7].startswith(AGENT) or fields[2] in READS:
        return False
    return not (fields[2] == 'POST' and fields[3].split('?')[0].endswith('/auth/tokens'))


def main(logs, marks_file):
    with open(marks_file) as handle:
        marks = [parse_mark(m) for m in json.load(handle)]
    lines = {}
    for name in marks[0]:
        with open(os.path.join(logs, name), errors='replace') as handle:
            lines[name] = handle.readlines()
    found = []
    for index in range(len(marks) - 1):
        before, after = marks[index], marks[index + 1]
        case = []
        for name, start in sorted(before.items()):
            case.extend(line.rstrip('\n') for line in lines[name][start : after.get(name, start)] if counts(line))
        found.append(case)
    print(json.dumps({'lines': found, 'writing': [index for index, case in enumerate(found) if case]}))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
