# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the record of every request that changed something in the cloud.

``changed`` is sticky: once the cloud accepted a request that changes something, the task (or fleet item)
reports ``changed: true``, whether it then succeeds or fails, and a failure says what was done before it
("Created server web1 and shelved it, then: ..."). The record is kept where every request passes: the
keystoneauth session of the connection calls ``JOURNAL.observe`` for each answer (see
``_retry.install_retry_policy``), so no write of any service escapes it and no module keeps books of its
own. The module frame opens the record of a task, the fleet's runner one per item (``scope``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import re
import threading
from urllib.parse import urlsplit

WRITE_METHODS = ('POST', 'PUT', 'PATCH', 'DELETE')
# Requests sent with a write method that change nothing: a token, a console's output or URL.
TOKEN_PATH = re.compile(r'/auth/tokens/?$')
READ_ONLY_SERVER_ACTIONS = (
    'os-getConsoleOutput',
    'os-getVNCConsole',
    'os-getSPICEConsole',
    'os-getRDPConsole',
    'os-getSerialConsole',
)
READ_ONLY_SERVER_PATHS = ('remote-consoles',)
# Names are learned from answers up to this size (a single server or image, a listing by name); larger
# listings are not parsed again only to name things in a message.
NAME_ANSWER_LIMIT = 512 * 1024

# What each server action body did, in the past tense; {0} is the server, {name}/{address} come from the body.
SERVER_ACTIONS = {
    'os-start': 'started {0}',
    'os-stop': 'stopped {0}',
    'reboot': 'rebooted {0}',
    'pause': 'paused {0}',
    'unpause': 'unpaused {0}',
    'suspend': 'suspended {0}',
    'resume': 'resumed {0}',
    'lock': 'locked {0}',
    'unlock': 'unlocked {0}',
    'rescue': 'rescued {0}',
    'unrescue': 'unrescued {0}',
    'resize': 'resized {0}',
    'confirmResize': 'confirmed the resize of {0}',
    'revertResize': 'reverted the resize of {0}',
    'rebuild': 'rebuilt {0}',
    'createImage': 'started image {name} of {0}',
    'createBackup': 'started backup {name} of {0}',
    'changePassword': 'changed the password of {0}',
    'shelve': 'shelved {0}',
    'shelveOffload': 'offloaded {0}',
    'unshelve': 'unshelved {0}',
    'migrate': 'migrated {0}',
    'os-migrateLive': 'live-migrated {0}',
    'evacuate': 'evacuated {0}',
    'restore': 'restored {0}',
    'forceDelete': 'force-deleted {0}',
    'os-resetState': 'reset the state of {0}',
    'addSecurityGroup': 'added security group {name} to {0}',
    'removeSecurityGroup': 'removed security group {name} from {0}',
    'addFixedIp': 'added a fixed IP to {0}',
    'removeFixedIp': 'removed fixed IP {address} from {0}',
    'addFloatingIp': 'associated floating IP {address} with {0}',
    'removeFloatingIp': 'disassociated floating IP {address} from {0}',
    'trigger_crash_dump': 'triggered a crash dump of {0}',
}


class Write(object):
    """One accepted request that changes something: ``what`` says it in the past tense with ``{0}`` for
    ``target`` (``('server', id)``), which is named when the message is made."""

    __slots__ = ('method', 'path', 'what', 'target', 'status', 'scoped')

    def __init__(self, method, path, what, target=None, status=None):
        self.method = method
        self.path = path
        self.what = what
        self.target = target
        self.status = status
        self.scoped = False

    def __repr__(self):
        return 'Write(%s %s: %s)' % (self.method, self.path, self.what)


def _segments(url):
    return [s for s in urlsplit(str(url or '')).path.split('/') if s]


def _after(segments, collection):
    """The segments after ``collection`` (``servers``, ``images``...) in a path, or None."""
    for index, segment in enumerate(segments):
        if segment == collection:
            return segments[index + 1 :]
    return None


def _body_dict(body):
    return body if isinstance(body, dict) else {}


def is_write(method, url, body=None):
    """Whether a request changes something in the cloud (pure)."""
    method = (method or '').upper()
    if method not in WRITE_METHODS:
        return False
    path = urlsplit(str(url or '')).path
    if TOKEN_PATH.search(path):
        return False
    rest = _after(_segments(url), 'servers') or []
    if method == 'POST' and len(rest) == 2:
        if rest[1] in READ_ONLY_SERVER_PATHS:
            return False
        if rest[1] == 'action' and any(key in READ_ONLY_SERVER_ACTIONS for key in _body_dict(body)):
            return False
    return True


def _server_write(method, rest, body):
    """(what, server ID) for a write under /servers (pure)."""
    body = _body_dict(body)
    if not rest:
        return 'created {0}', None
    server_id, tail = rest[0], rest[1:]
    if not tail:
        return {'PUT': 'updated {0}', 'DELETE': 'deleted {0}'}.get(method, '%s {0}' % method), server_id
    kind = tail[0]
    if kind == 'action':
        key = next(iter(body), '?')
        args = body.get(key) if isinstance(body.get(key), dict) else {}
        template = SERVER_ACTIONS.get(key, 'sent %s to {0}' % key)
        what = template.replace('{name}', str(args.get('name'))).replace('{address}', str(args.get('address')))
        return what, server_id
    item = tail[1] if len(tail) > 1 else None
    if kind == 'metadata':
        if method == 'DELETE':
            return 'deleted metadata %s of {0}' % item, server_id
        return ('set metadata %s on {0}' % item) if item else 'set metadata on {0}', server_id
    if kind == 'tags':
        if item:
            return ('removed tag %s from {0}' if method == 'DELETE' else 'added tag %s to {0}') % item, server_id
        return ('removed the tags of {0}' if method == 'DELETE' else 'set the tags of {0}'), server_id
    if kind == 'os-server-password':
        return 'cleared the password of {0}', server_id
    if kind == 'os-interface':
        return ('detached port %s from {0}' % item) if method == 'DELETE' else 'attached a port to {0}', server_id
    if kind == 'os-volume_attachments':
        return ('detached volume %s from {0}' % item) if method == 'DELETE' else 'attached a volume to {0}', server_id
    return '%s %s of {0}' % (method, '/'.join(tail)), server_id


def describe(method, url, body=None, answer=None):
    """A Write for a request the cloud accepted (pure): what it did, and to what."""
    method = (method or '').upper()
    segments = _segments(url)
    path = '/'.join(segments)
    answer = _body_dict(answer)
    rest = _after(segments, 'servers')
    if rest is not None:
        what, server_id = _server_write(method, rest, body)
        if server_id is None:
            server_id = _body_dict(answer.get('server')).get('id')
        return Write(method, path, what, ('server', server_id), None)
    rest = _after(segments, 'images')
    if rest is not None:
        image_id = rest[0] if rest else answer.get('id')
        tail = rest[1:]
        if not rest:
            what = 'created {0}'
        elif not tail:
            what = {'PATCH': 'updated {0}', 'DELETE': 'deleted {0}'}.get(method, '%s {0}' % method)
        elif tail[0] == 'file':
            what = 'uploaded the data of {0}'
        else:
            what = '%s %s of {0}' % (method, '/'.join(tail))
        return Write(method, path, what, ('image', image_id), None)
    rest = _after(segments, 'floatingips')
    if rest is not None:
        if not rest:
            address = _body_dict(answer.get('floatingip')).get('floating_ip_address')
            return Write(method, path, 'allocated floating IP %s' % (address or ''), None, None)
        what = {'DELETE': 'released {0}', 'PUT': 'updated {0}'}.get(method, '%s {0}' % method)
        return Write(method, path, what, ('floating IP', rest[0]), None)
    return Write(method, path, '%s %s' % (method, path), None, None)


class Journal(object):
    """The writes the cloud accepted during one task, and the names of what they touched.

    ``scope()`` opens a record for the calling thread (a fleet item); a write goes to the task's record and
    to every scope open in the thread that sent it.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._local = threading.local()
        self.writes = []
        self.names = {}

    def reset(self):
        with self._lock:
            self.writes = []
            self.names = {}

    def _scopes(self):
        scopes = getattr(self._local, 'scopes', None)
        if scopes is None:
            scopes = self._local.scopes = []
        return scopes

    @contextlib.contextmanager
    def scope(self):
        """The writes sent by this thread inside the ``with`` block (a list that grows as they come)."""
        mine = []
        scopes = self._scopes()
        scopes.append(mine)
        try:
            yield mine
        finally:
            scopes.remove(mine)

    def unscoped(self):
        """The writes sent outside any scope (by the task itself, not by a fleet item)."""
        with self._lock:
            return [w for w in self.writes if not w.scoped]

    def record(self, write):
        scopes = self._scopes()
        with self._lock:
            write.scoped = bool(scopes)
            self.writes.append(write)
            for scope in scopes:
                scope.append(write)
        return write

    def learn(self, kind, thing):
        """Remember the name of a server or image (a dict with id and name) for messages."""
        if isinstance(thing, dict) and thing.get('id') and thing.get('name'):
            self.names[(kind, thing['id'])] = thing['name']

    def observe(self, method, url, body, response):
        """Called by the session for each answer: record it when it is an accepted write; learn names from
        answers that carry servers or images."""
        status = getattr(response, 'status_code', None)
        if not isinstance(status, int) or status >= 400:
            return None
        method = (method or '').upper()
        final_url = getattr(response, 'url', None) or url
        if method != 'DELETE':
            self._learn_names(method, final_url, body, response)
        if not is_write(method, final_url, body):
            return None
        write = describe(method, final_url, body, _json_of(response))
        write.status = status
        return self.record(write)

    def _learn_names(self, method, url, body, response):
        segments = _segments(url)
        kind = 'server' if 'servers' in segments else 'image' if 'images' in segments else None
        if kind is None:
            return
        listing = method == 'GET' and segments[-1] in ('servers', 'detail', 'images')
        if listing and 'name=' not in urlsplit(str(url)).query:
            # A listing that is not a lookup by name (server_info, a rotation's images): nothing to name.
            return
        length = (getattr(response, 'headers', None) or {}).get('Content-Length')
        if length is not None and str(length).isdigit() and int(length) > NAME_ANSWER_LIMIT:
            return
        answer = _json_of(response)
        if kind == 'server':
            sent = _body_dict(_body_dict(body).get('server'))
            made = _body_dict(answer.get('server'))
            if made.get('id') and sent.get('name') and not made.get('name'):
                made = dict(made, name=sent['name'])
            self.learn('server', made)
            for server in answer.get('servers') or ():
                self.learn('server', server)
            action = _body_dict(body)
            for key in ('createImage', 'createBackup'):
                if isinstance(action.get(key), dict) and answer.get('image_id'):
                    self.learn('image', {'id': answer['image_id'], 'name': action[key].get('name')})
        else:
            self.learn('image', answer)
            for image in answer.get('images') or ():
                self.learn('image', image)

    def name(self, target):
        kind, ident = target
        known = self.names.get((kind, ident))
        if known:
            return '%s %s' % (kind, known)
        return '%s %s' % (kind, ident) if ident else kind

    def summary(self, writes=None):
        """The writes in one clause, each thing named once ("created server web1 and shelved it"), or ''."""
        writes = self.writes if writes is None else writes
        phrases = []
        last = None
        for write in writes:
            if write.target is None:
                phrases.append(write.what.replace('{0}', '').strip())
                last = None
                continue
            subject = 'it' if write.target == last else self.name(write.target)
            phrases.append(write.what.replace('{0}', subject))
            last = write.target
        return join_phrases(phrases)


def join_phrases(phrases):
    """'a', 'a and b', 'a, b and c'."""
    phrases = [p for p in phrases if p]
    if len(phrases) <= 1:
        return ''.join(phrases)
    return '%s and %s' % (', '.join(phrases[:-1]), phrases[-1])


def _json_of(response):
    try:
        answer = response.json()
    except Exception:  # no JSON (a 204), or not parseable: nothing to learn from
        return {}
    return answer if isinstance(answer, dict) else {}


JOURNAL = Journal()


def done_before(msg, writes, journal=JOURNAL):
    """``msg`` preceded by what ``writes`` did ("Created server web1 and shelved it, then: msg")."""
    summary = journal.summary(writes)
    if not summary:
        return msg
    return '%s%s, then: %s' % (summary[0].upper(), summary[1:], msg)
