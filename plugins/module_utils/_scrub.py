# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the one scrubber every text that leaves a module goes through.

Ansible masks a no_log value only as it was written. Clouds answer with what they were sent: Nova's
error for a ``user_data`` it refuses quotes the base64 text the module sent, a JSON body quotes a
password with its escapes, a URL carries it percent-encoded. ``Scrubber`` knows each secret in every
one of those forms and replaces them wherever they occur (message, warnings, result, diff, the messages
of fleet items, an unexpected exception's text). ``shorten`` cuts the long runs without spaces that an
error body echoing an input is made of.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import re
import threading
from urllib.parse import quote, quote_plus

MASK = '********'
# A form that differs from the secret as written is masked only from this length on: shorter fragments
# (the base64 of a 2-byte secret is 3 characters) occur by chance in any text.
MIN_DERIVED = 6
# A run of characters without white space longer than this, in a message, is an echoed input (base64 user
# data, a JSON body): it is cut to its first SHORT_HEAD characters and its length.
LONG_RUN = 160
SHORT_HEAD = 32
_LONG_RUN_RE = re.compile(r'\S{%d,}' % (LONG_RUN + 1))
# A message longer than this after that (an echoed input with spaces: a dictionary Nova quotes) keeps its
# head and its tail, which names the request.
MESSAGE_LIMIT = 2000
MESSAGE_HEAD = 1400
MESSAGE_TAIL = 400


def _base64_forms(raw: bytes) -> set:
    """The secret's bytes as they show in base64 text (standard and URL-safe, with and without padding),
    alone or anywhere in a larger encoded blob.

    In a blob, the secret starts 0, 1 or 2 bytes into a 3-byte group, and the characters that also carry
    bits of the neighbouring bytes differ from blob to blob; the characters between them (``core``) are the
    same in every blob, so each of the three offsets gives one form.
    """
    forms = set()
    for offset in range(3):
        padded = b'\0' * offset + raw
        first = -(-8 * offset // 6)  # the first character made of the secret's bits only
        end = 8 * len(padded) // 6  # after the last one
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(padded).decode('ascii')
            if offset == 0:
                forms.update((text, text.rstrip('=')))
            forms.add(text[first:end])
    return forms


def variants(secret) -> set:
    """Every form of ``secret`` that is masked: as written, JSON-escaped, Python-quoted, URL-encoded and
    base64 (see ``_base64_forms``). Derived forms shorter than MIN_DERIVED are left out."""
    text = secret if isinstance(secret, str) else str(secret)
    if not text:
        return set()
    derived = set()
    derived.add(json.dumps(text)[1:-1])
    derived.add(json.dumps(text, ensure_ascii=False)[1:-1])
    derived.add(repr(text)[1:-1])
    derived.update((quote(text, safe=''), quote(text), quote_plus(text)))
    derived.update(_base64_forms(text.encode('utf-8')))
    found = set(form for form in derived if len(form) >= MIN_DERIVED)
    found.add(text)
    return found


class Scrubber(object):
    """The secrets of one task, in every form, and what removes them from any value (thread-safe)."""

    def __init__(self, secrets=()):
        self._lock = threading.Lock()
        self._secrets = set()
        self._forms = ()
        self.add(*secrets)

    def add(self, *secrets):
        new = set(str(s) for s in secrets if s not in (None, '') and not isinstance(s, bool))
        with self._lock:
            new -= self._secrets
            if not new:
                return
            self._secrets |= new
            forms = set(self._forms)
            for secret in new:
                forms |= variants(secret)
            # Longest first: a whole encoded secret goes before the core it contains.
            self._forms = tuple(sorted(forms, key=lambda f: (-len(f), f)))

    def __bool__(self):
        return bool(self._forms)

    __nonzero__ = __bool__

    def text(self, text):
        """``text`` with every form of every secret replaced by MASK."""
        forms = self._forms
        if not forms or not isinstance(text, str):
            return text
        for form in forms:
            if form in text:
                text = text.replace(form, MASK)
        return text

    def value(self, value):
        """``value`` (dicts, lists, strings, keys included) with every secret masked; other types as they are.

        The strings are checked together first: in the common case, no secret anywhere, nothing is copied.
        """
        forms = self._forms
        if not forms:
            return value
        strings = []
        _collect_strings(value, strings)
        joined = '\n'.join(strings)
        if not any(form in joined for form in forms):
            return value
        return _map_strings(value, self.text)


def _collect_strings(value, out):
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _collect_strings(key, out)
            _collect_strings(item, out)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _collect_strings(item, out)


def _map_strings(value, change):
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return dict((_map_strings(k, change), _map_strings(v, change)) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_map_strings(v, change) for v in value]
    return value


def shorten(text):
    """A message with each run of more than LONG_RUN characters without white space cut to its head and
    its length ("U0VDUkVU... (66668 characters)"), then, when still longer than MESSAGE_LIMIT, its middle:
    an error body that echoes an input stays readable. Run after the secrets are masked, so that no cut
    leaves part of a secret the scrubber would not recognise."""
    if not isinstance(text, str) or len(text) <= LONG_RUN:
        return text
    text = _LONG_RUN_RE.sub(lambda m: '%s... (%d characters)' % (m.group(0)[:SHORT_HEAD], len(m.group(0))), text)
    if len(text) > MESSAGE_LIMIT:
        cut = len(text) - MESSAGE_HEAD - MESSAGE_TAIL
        text = '%s ... (%d characters) ... %s' % (text[:MESSAGE_HEAD], cut, text[-MESSAGE_TAIL:])
    return text


def shorten_messages(value):
    """``value`` with ``shorten`` applied to every ``msg`` in it (the messages of fleet items)."""
    if isinstance(value, dict):
        return dict((k, shorten(v) if k == 'msg' else shorten_messages(v)) for k, v in value.items())
    if isinstance(value, list):
        return [shorten_messages(v) for v in value]
    return value


def one_line(text):
    """The first non-empty line of ``text``, stripped ('' when there is none)."""
    for line in str(text).splitlines():
        if line.strip():
            return line.strip()
    return ''
