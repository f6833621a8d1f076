# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the domain of every option, checked before the first request.

One table (``TABLE``) says, for every module, for the items of the fleet modules and for the roles, which
values each option takes beyond its Ansible type: the ranges of numbers, which lists may not be empty, and
Nova's input limits (_nova_limits). ComputeModule checks a task's options against it before the module body
runs, the fleet checks each item against its single module's table, and the roles check their inputs through
the ``stackops.compute.option_errors`` filter. A value outside its domain fails the task with one line that
names the option and says what it takes; nothing has been sent to the cloud by then.

Metadata values are text in Nova. A whole number is written as its decimal text (``3`` -> ``"3"``), the one
conversion without doubt; any other value that is not text (true, null, 1.5, a list or a dictionary) fails
naming its key, since Nova would store Python's spelling of it ("True", "None", "{'b': 'c'}").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import ipaddress
import re
import unicodedata

from ansible_collections.stackops.compute.plugins.module_utils import _nova_limits as nova
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
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
# A rule's check(value) returns (problem, value): problem is None or a phrase that follows the option's name
# ("must be 1 or more; got 0"); value is the value to use (converted where the rule converts).


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

    ``filter``: the metadata a task looks for, not what it writes: any key, and the same values."""

    def __init__(self, filter=False):
        self.filter = filter

    def check(self, value):
        if not isinstance(value, dict):
            return 'must be a dictionary; got %s' % kind(value), value
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
                    'key %s: the value must be text, not %s (Nova would store %s); quote it in the task'
                    % (shown(key), kind(item), shown(str(item)))
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


# ------------------------------------------------------------------------------------------------ domains

TIMEOUT = Number(0, 7 * 24 * 3600, 'seconds', '0 looks once; the longest wait is a week')
API_TIMEOUT = Number(1, 3600, 'seconds', 'for each request to the cloud')
CONCURRENCY = Number(1, 100, why='servers or images worked on at once')
ROTATION = Number(
    1,
    why='with 0, Nova deletes every backup of that type, the new one included; '
    'delete backups with server_image state=absent',
)
LIMIT = Number(1)
CONSOLE_LENGTH = ConsoleLength()

NAME = Text(printable=True, edges=True)  # Nova's parameter_types.name
# A name or ID this collection looks up: images, networks and security groups may have any name.
REF = Text(lines=False)
FILTER = Text(high=None, lines=False)  # text a listing is filtered by
REFS = Items(REF)
REQUIRED_REFS = Items(REF, low=1)
REQUIRED_ITEMS = Items(low=1)
DESCRIPTION = Text(0, nova.DESCRIPTION_MAX, printable=True)
LOCKED_REASON = Text(1, nova.LOCKED_REASON_MAX)
BACKUP_TYPE = Text(printable=True)
TAG = Forbidden(nova.TAG_FORBIDDEN, nova.TAG_MAX)
TAGS = Items(TAG, high=nova.TAGS_MAX_ITEMS)
TAG_FILTER = Items(TAG)
HOSTNAME = Hostname()
HOST = Text(1, nova.FQDN_MAX, pattern=nova.FQDN_RE, words='letters, digits, - . and _ only')
ADMIN_PASSWORD = Text(1, None, secret=True)  # Nova sets no limit; an empty one would be a password of ''
USER_DATA = UserData()
METADATA = Metadata()
METADATA_FILTER = Metadata(filter=True)
TRUSTED_CERTS = Items(Text(1, None), low=1, high=nova.TRUSTED_CERTS_MAX_ITEMS, unique=True)
STATUSES = Items(OneOf(nova.SERVER_STATUSES, "Nova's statuses"))
POLICY = Text(pattern=re.compile(r'[A-Za-z0-9._-]+'), words='a word of letters, digits, . _ and - only')

VOLUME_SIZE = Number(1, unit='GB', why='the size of the new root volume')
DEVICE = Text(1, nova.NAME_MAX, lines=False)

CONNECTION = dict(api_timeout=API_TIMEOUT)
WAITS = dict(timeout=TIMEOUT)

# The options of server and server_image, also what each item of servers and server_images is checked
# against (their wait and timeout are the task's).
SERVER = dict(
    access_ipv4=Address(4),
    access_ipv6=Address(6),
    admin_password=ADMIN_PASSWORD,
    availability_zone=NAME,
    boot_volume=REF,
    description=DESCRIPTION,
    flavor=REF,
    floating_ips=Items(Address()),
    hostname=HOSTNAME,
    id=REF,
    image=REF,
    key_name=REF,
    locked_reason=LOCKED_REASON,
    metadata=METADATA,
    name=NAME,
    security_groups=REFS,
    server_group=REF,
    tags=TAGS,
    trusted_image_certificates=TRUSTED_CERTS,
    user_data=USER_DATA,
    volume_size=VOLUME_SIZE,
    volumes=REFS,
)

SERVER_IMAGE = dict(
    backup_type=BACKUP_TYPE,
    id=REF,
    metadata=METADATA,
    name=NAME,
    rotation=ROTATION,
    server=REF,
)

# module (or role) -> option -> rule. Options not listed take any value of their Ansible type and choices.
TABLE = dict(
    server=dict(SERVER, **WAITS),
    servers=dict(concurrency=CONCURRENCY, servers=REQUIRED_ITEMS, **WAITS),
    server_action=dict(
        access_ipv4=Address(4),
        access_ipv6=Address(6),
        address=Address(),
        admin_password=ADMIN_PASSWORD,
        availability_zone=NAME,
        backup_type=BACKUP_TYPE,
        concurrency=CONCURRENCY,
        description=DESCRIPTION,
        device=DEVICE,
        fixed_address=Address(),
        flavor=REF,
        host=HOST,
        hostname=HOSTNAME,
        image=REF,
        image_name=NAME,
        key_name=REF,
        length=CONSOLE_LENGTH,
        locked_reason=LOCKED_REASON,
        metadata=METADATA,
        network=REF,
        new_name=NAME,
        rotation=ROTATION,
        security_group=REF,
        server=REF,
        servers=REQUIRED_REFS,
        user_data=USER_DATA,
        volume=REF,
        **WAITS,
    ),
    server_image=dict(SERVER_IMAGE, **WAITS),
    server_images=dict(concurrency=CONCURRENCY, images=REQUIRED_ITEMS, **WAITS),
    server_image_info=dict(
        backup_type=BACKUP_TYPE,
        name=FILTER,
        newer_than=Duration(),
        older_than=Duration(),
        properties=METADATA_FILTER,
        server=REF,
    ),
    server_info=dict(
        availability_zone=FILTER,
        changes_since=Timestamp(),
        console_output_length=CONSOLE_LENGTH,
        flavor=REF,
        host=FILTER,
        hypervisor=FILTER,
        image=REF,
        limit=LIMIT,
        metadata=METADATA_FILTER,
        not_tags=TAG_FILTER,
        not_tags_any=TAG_FILTER,
        project=REF,
        server=FILTER,
        status=STATUSES,
        tags=TAG_FILTER,
        tags_any=TAG_FILTER,
    ),
    backup=dict(
        backup_concurrency=CONCURRENCY,
        backup_metadata=METADATA,
        backup_min_interval=Duration(),
        backup_policy=POLICY,
        backup_select_metadata=METADATA_FILTER,
        backup_select_tags=TAG_FILTER,
        backup_servers=REFS,
        backup_wait_timeout=TIMEOUT,
    ),
    rotate=dict(
        rotate_policy=POLICY,
        rotate_select_metadata=METADATA_FILTER,
        rotate_select_tags=TAG_FILTER,
        rotate_servers=REFS,
    ),
)


def problems(rules, values, where=''):
    """The first option of ``values`` outside its domain, as one line (or None), and the values to use."""
    out = dict(values)
    for option, rule in rules.items():
        value = values.get(option)
        if value is None:
            continue
        problem, value = rule.check(value)
        if problem:
            return '%s%s %s.' % (where, option, problem), values
        out[option] = value
    return None, out


def check(rules, values, where=''):
    """``values`` with conversions applied (metadata numbers as text), or ComputeError naming the option."""
    message, out = problems(rules, dict(values), where)
    if message:
        raise ComputeError(message)
    return out


def check_module(name, params):
    """A module's options, checked (ComputeModule calls it before the module's body)."""
    return check(dict(CONNECTION, **TABLE.get(name, {})), params)


def check_versioned(values, microversion, where=''):
    """What depends on the microversion in use (the hostname rule), once it is known; before any change."""
    hostname = values.get('hostname')
    if hostname is not None:
        problem, _value = HOSTNAME.check(hostname, microversion)
        if problem:
            raise ComputeError('%shostname %s.' % (where, problem))
