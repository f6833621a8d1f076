# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the one poll loop every wait goes through."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError

# A server on a fast cloud changes state in about a second; a slow one takes minutes.
# Start quick and back off, so short waits stay short and long waits stay cheap.
FIRST_INTERVAL = 0.4
MAX_INTERVAL = 3.0
BACKOFF = 1.3


def intervals(first=FIRST_INTERVAL, most=MAX_INTERVAL, factor=BACKOFF):
    """Yield the pauses between polls: growing geometrically up to ``most``."""
    current = first
    while True:
        yield current
        current = min(most, current * factor)


def poll(fetch, done, failed=None, timeout=600, describe=None, clock=time.monotonic, sleep=time.sleep, pauses=None):
    """Call ``fetch`` until ``done(value)`` holds; return that value.

    ``failed(value)`` returns a message to stop at once with a ComputeError (for example a server in
    ERROR with Nova's fault). On timeout the error names the last state seen, through ``describe``.
    """
    deadline = clock() + timeout
    waits = pauses if pauses is not None else intervals()
    last = None
    while True:
        last = fetch()
        if done(last):
            return last
        if failed is not None:
            reason = failed(last)
            if reason:
                raise ComputeError(reason)
        remaining = deadline - clock()
        if remaining <= 0:
            seen = describe(last) if describe else repr(last)
            raise ComputeError('Timed out after %ss waiting; last seen: %s' % (timeout, seen), timeout=timeout)
        sleep(min(next(waits), max(remaining, 0.05)))
