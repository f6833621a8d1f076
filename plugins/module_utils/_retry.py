# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: which requests are retried, creates that never make two, and the record
of what the cloud accepted.

Reads are retried by keystoneauth itself (its ``connect_retries`` and ``status_code_retries``), set per
request from the HTTP method: keystoneauth and openstacksdk apply those knobs to every method alike (and
openstacksdk's defaults retry Glance writes on 503), and a write that is sent again after a lost answer
may happen twice. Writes are sent once; a create whose answer was lost looks for what it made before it
tries again (``create_once``). Every answer also goes to the journal (``_journal.JOURNAL``), which keeps
the writes the cloud accepted: the session is the one place every request of every service passes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._journal import JOURNAL

READ_METHODS = ('GET', 'HEAD')
# keystoneauth's back-off starts at 0.5 s and doubles. A 5xx answer (a proxy or load balancer in front of
# an API worker that restarts) is retried 5 times, at most 15.5 s of waiting. A connection that fails is
# retried twice, at most 1.5 s: a reset is as rare as a 5xx, but a refused or unresolvable endpoint is
# most often a wrong URL, which should fail fast.
READ_STATUS_RETRIES = 5
READ_CONNECT_RETRIES = 2
RETRIABLE_STATUS_CODES = (500, 502, 503, 504)
# Asking Keystone for a token changes nothing a second request could duplicate.
TOKEN_PATH = re.compile(r'/auth/tokens/?(\?|$)')

# A create is sent at most this many times, each one after a lookup found nothing.
CREATE_ATTEMPTS = 3
# Seconds between an ambiguous failure and the lookup, so the cloud has recorded what it accepted.
CREATE_SETTLE = 1.0


def is_retried(method, url):
    """Whether a request may be sent again after a 5xx answer or a lost connection (pure)."""
    method = (method or '').upper()
    return method in READ_METHODS or (method == 'POST' and bool(TOKEN_PATH.search(str(url or ''))))


def retry_settings(method, url):
    """keystoneauth retry keyword arguments for one request (pure)."""
    if is_retried(method, url):
        return dict(
            connect_retries=READ_CONNECT_RETRIES,
            status_code_retries=READ_STATUS_RETRIES,
            retriable_status_codes=list(RETRIABLE_STATUS_CODES),
        )
    return dict(connect_retries=0, status_code_retries=0)


def install_retry_policy(session, journal=JOURNAL):
    """Make every request of a keystoneauth session follow ``retry_settings``, and show every answer to
    ``journal`` (which keeps the accepted writes).

    Every openstacksdk proxy (compute, image, network...) and the authentication plugin send their
    requests through the one session of a connection, so this covers them all.
    """
    send = session.request

    def request(url, method, **kwargs):
        kwargs.update(retry_settings(method, url))
        response = send(url, method, **kwargs)
        journal.observe(method, url, kwargs.get('json'), response)
        return response

    session.request = request
    return session


def create_once(create, find, what, is_ambiguous, attempts=CREATE_ATTEMPTS, settle=CREATE_SETTLE, sleep=None):
    """``create()`` at most ``attempts`` times, never making two of ``what``.

    When a create fails in a way that leaves open whether the cloud made it (``is_ambiguous(error)``: a
    5xx answer, a connection lost after sending), ``find()`` lists what carries its name: one match is
    the result, none means the create did not happen and is sent again, several are reported. Other
    failures are raised as they are. Returns ``(result, found)``: ``found`` is true when the result came
    from the lookup (the result is then what ``find()`` returned for it).
    """
    sleep = sleep or time.sleep
    last = None
    for _attempt in range(attempts):
        try:
            return create(), False
        except ComputeError as exc:
            if not is_ambiguous(exc):
                raise
            last = exc
        sleep(settle)
        try:
            found = list(find())
        except ComputeError as exc:
            raise ComputeError(
                '%s; whether %s was made anyway is unknown: looking for it failed too: %s' % (last.msg, what, exc.msg)
            )
        if len(found) == 1:
            return found[0], True
        if found:
            raise ComputeError(
                '%s; looking for %s afterwards found %d of them, so nothing was sent again.'
                % (last.msg, what, len(found))
            )
    raise ComputeError('%s (%s was not made: %d attempts, each checked afterwards).' % (last.msg, what, attempts))


def delete_checked(delete, read, what, is_ambiguous, gone=None):
    """``delete()``; when its answer is lost, read back what is true instead of assuming.

    ``read()`` returns the thing or None; ``gone(thing)`` says how it is gone (``'is gone'``) or None when it
    is still there (default: gone when ``read()`` found nothing). Returns None, or a warning when the delete
    failed ambiguously but the thing is gone anyway; raises one-line ComputeErrors otherwise.
    """
    gone = gone or (lambda thing: 'is gone' if thing is None else None)
    try:
        delete()
        return None
    except ComputeError as exc:
        if not is_ambiguous(exc):
            raise
        lost = exc
    try:
        thing = read()
    except ComputeError as exc:
        raise ComputeError(
            '%s; whether %s is gone is unknown: reading it back failed too: %s' % (lost.msg, what, exc.msg)
        )
    how = gone(thing)
    if how is None:
        raise ComputeError('%s; %s is still there, status %s.' % (lost.msg, what, (thing or {}).get('status')))
    return '%s; %s %s nonetheless.' % (lost.msg, what, how)
