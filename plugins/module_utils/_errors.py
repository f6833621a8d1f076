# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the one error type helpers raise, and how a message lists names."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib

# How many names a message lists before "and N more".
NAMES_SHOWN = 10
# difflib's similarity from which a name counts as close to the one asked for (difflib's own default).
CLOSE = 0.6
# A name that contains the one asked for (or is contained in it) counts as close from this many characters.
CLOSE_PART = 3


class ComputeError(Exception):
    """A failure a person can act on: one line in ``msg``, structured facts in ``details``."""

    def __init__(self, msg, **details):
        super(ComputeError, self).__init__(msg)
        self.msg = msg
        self.details = details


def closest_first(wanted, names, shown=NAMES_SHOWN):
    """``names`` as a message lists them (pure): those close to ``wanted`` first, the closest first, then the
    others in order; at most ``shown`` of them, then "and N more"; "none" when there are none.

    Close means difflib's similarity without regard to case, or a name that contains ``wanted`` or is part
    of it (from CLOSE_PART characters: "tiny" finds "m1.tiny")."""
    unique = sorted(set(str(n) for n in names if n not in (None, '')))
    if not unique:
        return 'none'
    key = str(wanted).lower()
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(key)
    scores = {}
    for name in unique:
        lower = name.lower()
        matcher.set_seq1(lower)
        if min(len(key), len(lower)) >= CLOSE_PART and (key in lower or lower in key):
            scores[name] = max(CLOSE, matcher.ratio())
        elif matcher.real_quick_ratio() >= CLOSE and matcher.quick_ratio() >= CLOSE and matcher.ratio() >= CLOSE:
            scores[name] = matcher.ratio()
    ordered = sorted(scores, key=lambda n: (-scores[n], n)) + [n for n in unique if n not in scores]
    text = ', '.join(ordered[:shown])
    if len(ordered) > shown:
        text += ' and %d more' % (len(ordered) - shown)
    return text


def not_found(kind, wanted, names):
    """The error for a ``kind`` (a flavor, an image ...) that no name or ID matched, listing ``names``."""
    return ComputeError('%s %r not found; available: %s.' % (kind, wanted, closest_first(wanted, names)))
