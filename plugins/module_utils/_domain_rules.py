# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the kinds of rule the table of domains (_domains.TABLE) is made of.

A rule's check(value) returns (problem, value): problem is None or a phrase that follows the option's name
("must be 1 or more; got 0"); value is the value to use (converted where the rule converts). A problem never
repeats a secret, and shows any other value cut to SHOWN_MAX characters.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import ipaddress
import re
import unicodedata

from ansible_collections.stackops.compute.plugins.module_utils import _nova_limits as nova
from ansible_collections.stackops.compute.plugins.module_utils._retention import parse_duration
from ansible_collections.stackops.compute.plugins.module_utils._server_desired import encode_user_data

SHOWN_MAX = 40


def shown(value):
    """A value as a message shows it: its repr, cut to SHOWN_MAX characters."""
    text = repr(value)
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 3] + '...'


def kind(value):
    """What a value is, in words."""
    for types, words in ((bool, 'a boolean'), (str, 'text'), ((int, float), 'a number'), (dict, 'a dictionary')):
        if isinstance(value, types):
            return words
    if isinstance(value, (list, tuple)):
        return 'a list'
    return 'null' if value is None else type(value).__name__


def as_int(value):
    """An integer from an int or the text of one (role inputs come as text from -e); None when it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r'\s*-?[0-9]+\s*', value):
        return int(value)
    return None


# ------------------------------------------------------------------------------------------------ rules


class Number(object):
    def __init__(self, minimum, maximum=nova.MAX_INT, unit='', why=''):
        self.minimum, self.maximum, self.unit, self.why = minimum, maximum, unit, why

    def check(self, value):
        number = as_int(value)
        if number is None:
            return 'must be a whole number; got %s' % kind(value), value
        if self.minimum <= number <= self.maximum:
            return None, number
        unit = ' ' + self.unit if self.unit else ''
        span = (
            '%d or more' % self.minimum if self.maximum == nova.MAX_INT else '%d to %d' % (self.minimum, self.maximum)
        )
        why = ' (%s)' % self.why if self.why else ''
        return 'must be %s%s; got %d%s' % (span, unit, number, why), value


class ConsoleLength(Number):
    """Nova's -1 (the whole log), or a number of lines; 0 would return the whole log as well, unasked."""

    def __init__(self):
        super(ConsoleLength, self).__init__(nova.CONSOLE_LENGTH_MIN, unit='lines')

    def check(self, value):
        problem, number = super(ConsoleLength, self).check(value)
        if problem is None and number == 0:
            return 'must be -1 (the whole log) or a number of lines from 1; got 0', value
        return problem, number


class Text(object):
    """Text of ``low`` to ``high`` characters; ``printable``: Nova's printable characters only; ``edges``: not
    starting or ending with whitespace; ``pattern`` (a compiled regex matched whole) with its words;
    ``lines=False``: no control characters (names kept by Glance or Neutron may hold any other)."""

    def __init__(
        self, low=1, high=nova.NAME_MAX, printable=False, edges=False, pattern=None, words='', secret=False, lines=True
    ):
        self.low, self.high, self.printable, self.edges = low, high, printable, edges
        self.pattern, self.words, self.secret, self.lines = pattern, words, secret, lines

    def got(self, value, words='; got '):
        return '' if self.secret else words + shown(value)

    def check(self, value):
        if not isinstance(value, str):
            return 'must be text; got %s' % kind(value), value
        if len(value) < self.low:
            return ('must not be empty' if self.low == 1 else 'needs %d characters or more' % self.low), value
        if self.high is not None and len(value) > self.high:
            return 'takes at most %d characters; got %d' % (self.high, len(value)), value
        if self.printable:
            bad = next((c for c in value if not nova.is_printable(c)), None)
            if bad is not None:
                return (
                    'takes printable characters only (no control characters or line breaks, nothing beyond U+FFFE); '
                    'got U+%04X at position %d%s' % (ord(bad), value.index(bad) + 1, self.got(value, ' of '))
                ), value
        if not self.lines:
            bad = next((c for c in value if unicodedata.category(c) == 'Cc'), None)
            if bad is not None:
                return 'takes no control characters or line breaks; got U+%04X at position %d%s' % (
                    ord(bad),
                    value.index(bad) + 1,
                    self.got(value, ' of '),
                ), value
        if self.edges and (nova.is_space(value[0]) or nova.is_space(value[-1])):
            return 'must not start or end with whitespace%s' % self.got(value), value
        if self.pattern is not None and not self.pattern.fullmatch(value):
            return 'takes %s%s' % (self.words, self.got(value)), value
        return None, value


class Forbidden(Text):
    """Text without any of ``chars``."""

    def __init__(self, chars, high):
        super(Forbidden, self).__init__(1, high)
        self.chars = chars

    def check(self, value):
        problem, value = super(Forbidden, self).check(value)
        if problem is None and any(c in value for c in self.chars):
            problem = 'must not contain %s; got %s' % (' or '.join(repr(c) for c in self.chars), shown(value))
        return problem, value


class Items(object):
    """A list whose items follow ``rule``, with ``low`` to ``high`` items (optionally distinct)."""

    def __init__(self, rule=None, low=0, high=None, unique=False):
        self.rule, self.low, self.high, self.unique = rule, low, high, unique

    def check(self, value):
        if not isinstance(value, (list, tuple)):
            return 'must be a list; got %s' % kind(value), value
        if len(value) < self.low:
            return ('must not be empty' if self.low == 1 else 'needs %d items or more' % self.low), value
        if self.high is not None and len(value) > self.high:
            return 'takes at most %d items; got %d' % (self.high, len(value)), value
        if self.unique and len(set(map(str, value))) != len(value):
            return 'must not repeat an item', value
        if self.rule is None:
            return None, value
        out = []
        for index, item in enumerate(value):
            problem, item = self.rule.check(item)
            if problem:
                return '[%d] %s' % (index, problem), value
            out.append(item)
        return None, out


class Metadata(object):
    """Nova metadata: keys of Nova's characters, values text (whole numbers become their text).

    ``filter``: the metadata a task looks for, not what it writes: any key, and the same values.
    ``values=False``: keys to remove (server_metadata state=absent): any key, any value, nothing converted.
    ``null``: what the message for a null value adds after "quote it in the task"."""

    def __init__(self, filter=False, values=True, null=''):
        self.filter, self.values, self.null = filter, values, null

    def check(self, value):
        if not isinstance(value, dict):
            return 'must be a dictionary; got %s' % kind(value), value
        if not self.values:
            return None, dict((str(key), item) for key, item in value.items())
        out = {}
        for key, item in value.items():
            key = str(key)
            if not self.filter and not nova.METADATA_KEY_RE.fullmatch(key):
                return 'key %s: Nova takes keys of 1 to 255 %s' % (shown(key), nova.METADATA_KEY_CHARACTERS), value
            number = as_int(item) if not isinstance(item, str) else None
            if number is not None:
                item = str(number)
            if not isinstance(item, str):
                return (
                    'key %s: the value must be text, not %s (Nova would store %s); quote it in the task%s'
                    % (shown(key), kind(item), shown(str(item)), self.null if item is None else '')
                ), value
            if not self.filter and len(item) > nova.METADATA_VALUE_MAX:
                return 'key %s: the value takes at most %d characters; got %d' % (
                    shown(key),
                    nova.METADATA_VALUE_MAX,
                    len(item),
                ), value
            out[key] = item
        return None, out


class UserData(object):
    """User data whose base64 form (as the module sends it) fits Nova's 65535 characters."""

    def check(self, value):
        if not isinstance(value, str):
            return 'must be text; got %s' % kind(value), value
        size = len(encode_user_data(value))
        if size > nova.USER_DATA_MAX:
            return (
                'is %d characters once base64-encoded; Nova takes at most %d (about 48 KiB of data)'
                % (size, nova.USER_DATA_MAX)
            ), value
        return None, value


class Hostname(object):
    """Nova's hostname: from 2.94 a name of letters, digits, '-', '.', '_' (1-255); 2.90 to 2.93 one label.

    The offline check takes the newer rule; ``check_versioned`` the one of the microversion in use."""

    fqdn = Text(1, nova.FQDN_MAX, pattern=nova.FQDN_RE, words='letters, digits, - . and _ only')
    label = Text(
        2,
        nova.HOSTNAME_LABEL_MAX,
        pattern=nova.HOSTNAME_LABEL_RE,
        words='one label of letters, digits and - (not at either end) before compute API microversion 2.94',
    )

    def check(self, value, microversion=None):
        if microversion is not None and _version(microversion) < _version(nova.HOSTNAME_FQDN_SINCE):
            return self.label.check(value)
        return self.fqdn.check(value)


def _version(text):
    return tuple(int(part) for part in str(text).split('.')[:2])


class Address(object):
    def __init__(self, version=None):
        self.version = version

    def check(self, value):
        words = {4: 'an IPv4 address', 6: 'an IPv6 address', None: 'an IP address'}[self.version]
        try:
            address = ipaddress.ip_address(value) if isinstance(value, str) else None
        except ValueError:
            address = None
        if address is None or (self.version and address.version != self.version):
            return 'must be %s; got %s' % (words, shown(value)), value
        return None, value


class OneOf(object):
    """One of ``choices`` (without regard to case), listed in the message."""

    def __init__(self, choices, words):
        self.choices, self.words = choices, words

    def check(self, value):
        if isinstance(value, str) and value.upper() in self.choices:
            return None, value
        return 'must be one of %s: %s; got %s' % (self.words, ', '.join(self.choices), shown(value)), value


class Duration(object):
    def check(self, value):
        try:
            parse_duration(value)
        except ValueError as exc:
            return 'is not a duration: %s' % exc, value
        return None, value


class Timestamp(object):
    def check(self, value):
        text = str(value).strip()
        if text[-1:] in ('Z', 'z'):
            text = text[:-1] + '+00:00'
        try:
            datetime.datetime.fromisoformat(text)
        except ValueError:
            return 'is not an ISO 8601 date and time, like 2026-01-31T12:00:00Z; got %s' % shown(value), value
        return None, value


class Switch(object):
    """auto, true or false (block_migration): a boolean, or one of the words server_action reads as one."""

    WORDS = ('auto', 'true', 'false', 'yes', 'no', 'on', 'off', '1', '0')

    def check(self, value):
        if isinstance(value, bool) or (isinstance(value, (str, int)) and str(value).strip().lower() in self.WORDS):
            return None, value
        return 'must be auto, true or false; got %s' % shown(value), value


class ByOption(object):
    """The rule of an option whose domain depends on another option: ``rules`` by that option's value
    (``default`` when it is not given). server_metadata's metadata is written with state=present, and only
    its keys count with state=absent."""

    def __init__(self, option, rules, default):
        self.option, self.rules, self.default = option, rules, default

    def rule(self, values):
        given = values.get(self.option)
        return self.rules.get(self.default if given is None else given)
