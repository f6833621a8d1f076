# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The examples of a Markdown file that tests/ecosystem/readme.sh runs, written out in their order.

A code block is run when the line before its opening fence is an HTML comment that names readme.sh
(``<!-- tests/ecosystem/readme.sh runs this block ... -->``); the comment does not show on a rendered
page. ``sh`` blocks become NN.sh, ``yaml`` blocks (plays) NN.yml in OUTDIR. Every ``ansible``
command line in a ``sh`` block must be in a block that runs, so an example cannot be added untested.

    python readme_examples.py README.md OUTDIR    # prints the files it wrote, one a line
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import sys

MARKER = re.compile(r'^<!--.*\btests/ecosystem/readme\.sh\b.*-->\s*$')
FENCE = re.compile(r'^```(\w*)')
SUFFIX = {'sh': 'sh', 'yaml': 'yml'}
ANSIBLE_COMMAND = re.compile(r'^\s*(\$\s+)?ansible(-playbook)?\s')


def code_blocks(lines):
    """(first line number, language, marked, lines) for each fenced block, in order."""
    blocks = []
    block = None
    for number, line in enumerate(lines, 1):
        fence = FENCE.match(line)
        if block is None and fence:
            marked = number > 1 and bool(MARKER.match(lines[number - 2]))
            block = (number, fence.group(1), marked, [])
        elif block is not None and line.startswith('```'):
            blocks.append(block)
            block = None
        elif block is not None:
            block[3].append(line)
    if block is not None:
        raise ValueError('line %d: a code block is never closed' % block[0])
    return blocks


def examples(text):
    """The blocks to run as (language, text), and the problems that stop the check."""
    lines = text.splitlines()
    problems = []
    chosen = []
    fence_lines = set()
    for number, language, marked, body in code_blocks(lines):
        fence_lines.add(number)
        if marked and language not in SUFFIX:
            problems.append('line %d: readme.sh runs sh and yaml blocks, not %r' % (number, language or 'plain'))
        elif marked:
            chosen.append((language, '\n'.join(body) + '\n'))
        elif language == 'sh':
            for offset, line in enumerate(body, 1):
                if ANSIBLE_COMMAND.match(line):
                    problems.append('line %d: %r is in a block that readme.sh does not run' % (number + offset, line))
    for number, line in enumerate(lines, 1):
        if MARKER.match(line) and number + 1 not in fence_lines:
            problems.append('line %d: the readme.sh comment is not right above a code block' % number)
    if not chosen:
        problems.append('no code block is marked for readme.sh')
    return chosen, problems


def main(argv):
    source, outdir = argv[1:3]
    with open(source) as handle:
        chosen, problems = examples(handle.read())
    if problems:
        for problem in problems:
            print('%s: %s' % (source, problem), file=sys.stderr)
        return 1
    for index, (language, body) in enumerate(chosen, 1):
        path = os.path.join(outdir, '%02d.%s' % (index, SUFFIX[language]))
        with open(path, 'w') as handle:
            handle.write(body)
        print(path)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
