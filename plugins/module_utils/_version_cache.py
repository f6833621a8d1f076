# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the API version documents of the clouds, kept between tasks.

Every task is a new module process, and keystoneauth asks a service which API versions it speaks before
the first request to it (Nova's ``GET /v2.1`` for its microversions, Glance's and Neutron's ``GET /``):
one request per service and task, always with the same public answer. The answers are kept for ``TTL``
seconds in one file in the user's cache folder on the host that runs the module. Only version documents
are kept: never a token, a catalog or a credential.

``STACKOPS_COMPUTE_VERSION_CACHE`` names another folder, or ``off`` to keep nothing. A file that cannot
be read or written is the same as no file: the documents are then asked for again, as without a cache.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile
import threading
import time

ENV = 'STACKOPS_COMPUTE_VERSION_CACHE'
OFF = ('off', 'no', 'false', '0')
FILE_NAME = 'versions.json'
# Long enough for a playbook's loops to share one answer; short enough that an upgraded cloud's new
# microversions are seen within minutes.
TTL = 600
# A document stored "in the future" (a clock set back) is trusted for this much at most.
SKEW = 60


def cache_path(environ=None, home=None):
    """The cache file, or None when the cache is off (pure given its arguments)."""
    environ = os.environ if environ is None else environ
    value = (environ.get(ENV) or '').strip()
    if value.lower() in OFF:
        return None
    if value:
        folder = value
    else:
        base = environ.get('XDG_CACHE_HOME') or os.path.join(home or os.path.expanduser('~'), '.cache')
        folder = os.path.join(base, 'stackops-compute')
    return os.path.join(folder, FILE_NAME)


def fresh_entries(entries, now, ttl=TTL):
    """Of ``{url: {'stored': t, 'versions': [...]}}``, those stored within ``ttl`` of ``now`` (pure)."""
    kept = {}
    if not isinstance(entries, dict):
        return kept
    for url, entry in entries.items():
        if not isinstance(entry, dict) or not isinstance(entry.get('versions'), list):
            continue
        stored = entry.get('stored')
        if isinstance(stored, (int, float)) and now - ttl <= stored <= now + SKEW:
            kept[url] = entry
    return kept


def read_entries(path, now):
    """The fresh entries of the file at ``path``; {} when it is missing or unreadable."""
    try:
        with open(path) as handle:
            return fresh_entries(json.load(handle), now)
    except (OSError, ValueError):
        return {}


def write_entry(path, url, versions, now):
    """Add one document to the file, dropping stale ones; written whole and renamed into place, so a
    concurrent task reads either the old file or the new one. Returns whether it was written."""
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        entries = read_entries(path, now)
        entries[url] = {'stored': now, 'versions': versions}
        handle, temporary = tempfile.mkstemp(prefix='.versions-', dir=folder)
        try:
            with os.fdopen(handle, 'w') as out:
                json.dump(entries, out, sort_keys=True)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        return True
    except (OSError, ValueError, TypeError):
        return False


class VersionCache(dict):
    """keystoneauth's discovery cache of one session (a dict of URL to discovery object), backed by the
    file at ``path``.

    ``build(url, versions)`` makes keystoneauth's discovery object from stored versions without a request;
    ``export(discovery)`` gives the versions of one keystoneauth found, to store.
    """

    def __init__(self, path, build, export, clock=time.time):
        super(VersionCache, self).__init__()
        self._path = path
        self._build = build
        self._export = export
        self._clock = clock
        self._stored = None
        self._lock = threading.Lock()

    def _stored_versions(self):
        with self._lock:
            if self._stored is None:
                entries = read_entries(self._path, self._clock())
                self._stored = dict((url, entry['versions']) for url, entry in entries.items())
            return self._stored

    def get(self, url, default=None):
        found = super(VersionCache, self).get(url)
        if found is not None:
            return found
        versions = self._stored_versions().get(url)
        if versions is None:
            return default
        try:
            found = self._build(url, versions)
        except Exception:
            return default
        super(VersionCache, self).__setitem__(url, found)
        return found

    def __setitem__(self, url, discovery):
        known = url in self
        super(VersionCache, self).__setitem__(url, discovery)
        if known or url in self._stored_versions():
            return
        try:
            versions = self._export(discovery)
        except Exception:
            return
        if versions:
            self._stored[url] = versions
            write_entry(self._path, url, versions, self._clock())
