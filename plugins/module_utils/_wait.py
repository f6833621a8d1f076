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
# BUILD to ACTIVE takes about 1.5 s on a fast cloud (the local cloud's fake hypervisor): a boot is
# polled first after 1 s, then every 0.25 s backing off.
BOOT_DELAY = 1.0
BOOT_STEP = 0.25
# A change that Nova's compute service carries out (stop, start, reboot, delete...) is not over at once
# even on a fast cloud: measured on the local cloud from the 202 to the settled server, stop 0.2 s,
# start 0.35 s, reboot and delete 0.4 s. A read right after the request only ever finds it under way, so
# the first read of such a wait comes after this long.
CHANGE_DELAY = 0.4
# Then every 0.25 s backing off: most such changes are over within a second on a fast cloud (pause 0.2 s,
# reboot 0.6 s, resize 3 s), and the backoff to 3 s keeps minute-long migrations cheap.
CHANGE_STEP = 0.25


def intervals(first=FIRST_INTERVAL, most=MAX_INTERVAL, factor=BACKOFF):
    """Yield the pauses between polls: growing geometrically up to ``most``."""
    current = first
    while True:
        yield current
        current = min(most, current * factor)


def boot_intervals():
    """Pauses between the polls of a boot (after its ``BOOT_DELAY``): short steps that back off as usual."""
    return intervals(BOOT_STEP)


def poll(
    fetch,
    done,
    failed=None,
    timeout=600,
    describe=None,
    clock=time.monotonic,
    sleep=time.sleep,
    pauses=None,
    delay=0,
):
    """Call ``fetch`` until ``done(value)`` holds; return that value.

    ``delay`` seconds pass before the first call (for a change that cannot be over at once, such as a boot).

    ``failed(value)`` returns a message to stop at once with a ComputeError (for example a server in
    ERROR with Nova's fault). On timeout the error names the last state seen, through ``describe``.
    """
    deadline = clock() + timeout
    waits = pauses if pauses is not None else intervals()
    last = None
    if delay:
        sleep(min(delay, timeout))
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
