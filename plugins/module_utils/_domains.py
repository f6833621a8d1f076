# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the domain of every option, checked before the first request.

One table (``TABLE``) says, for every module, for the items of the fleet modules and for the roles, which
values each option takes beyond its Ansible type: the ranges of numbers, which lists may not be empty, and
Nova's input limits (_nova_limits). ComputeModule checks a task's options against it before the module body
runs, the fleet checks each item against its single module's table, and the roles check their inputs through
the ``stackops.compute.option_error`` filter. A value outside its domain fails the task with one line that
names the option and says what it takes; nothing has been sent to the cloud by then. The kinds of rule the
table is made of are in _domain_rules.

Metadata values are text in Nova. A whole number is written as its decimal text (``3`` -> ``"3"``), the one
conversion without doubt; any other value that is not text (true, null, 1.5, a list or a dictionary) fails
naming its key, since Nova would store Python's spelling of it ("True", "None", "{'b': 'c'}").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.stackops.compute.plugins.module_utils import _nova_limits as nova
from ansible_collections.stackops.compute.plugins.module_utils._domain_rules import (
    Address,
    ByOption,
    ConsoleLength,
    Duration,
    Forbidden,
    Hostname,
    Items,
    Metadata,
    Number,
    OneOf,
    Switch,
    Text,
    Timestamp,
    UserData,
)
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError

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
BLOCK_MIGRATION = Switch()

# compute_service (Nova's os-services) and the drain role.
BINARY = Text(1, nova.SERVICE_BINARY_MAX, lines=False)
DISABLED_REASON = Text(1, nova.SERVICE_DISABLED_REASON_MAX)
SERVER_METADATA = ByOption(
    'state',
    dict(present=Metadata(null=', or remove the key with state=absent'), absent=Metadata(values=False)),
    default='present',
)

# The roles' own inputs, besides the options they hand to modules.
OPTIONAL_REF = Text(0, lines=False)  # a name or ID, or '' for "the recorded one" / "none"
OPTIONAL_HOST = Text(0, nova.FQDN_MAX, pattern=re.compile(r'[a-zA-Z0-9._-]*'), words=HOST.words)
MAX_FAILURES = Number(0, why='servers that may fail before the remaining batches are left out')
PORT = Number(0, 65535, why='a TCP port; 0 checks none')
PORT_TIMEOUT = Number(1, 7 * 24 * 3600, 'seconds', 'how long the port is given to answer')
PAUSE = Number(0, 7 * 24 * 3600, 'seconds', 'the longest pause is a week')
# A key of the server as the modules return it (interface_ip, private_v4, access_ipv4...).
ADDRESS_KEY = Text(
    pattern=re.compile(r'[A-Za-z0-9_]+'), words='a key of the server such as interface_ip, private_v4 or access_ipv4'
)
TASKS_FILE = Text(0, None, lines=False)  # a path, or '' for none
# newest, the name or ID of a backup image, or a date or time (_restore.choose_backup strips it).
BACKUP_CHOICE = Text(
    pattern=re.compile(r'\s*\S.*'),
    words='newest, the name or ID of a backup image, or a date or time',
    lines=False,
)
# It ends the new server's name (Nova's name: printable, not ending with whitespace); '' keeps the name.
SUFFIX = Text(
    0,
    nova.NAME_MAX,
    printable=True,
    pattern=re.compile(r'(.*\S)?'),
    words="text that does not end with whitespace (it ends the new server's name)",
)
SELECTION = dict(servers=REFS, select_metadata=METADATA_FILTER, select_tags=TAG_FILTER)


def role(name, **rules):
    """A role's table: its selection inputs and ``rules``, each prefixed with the role's name."""
    return dict(('%s_%s' % (name, option), rule) for option, rule in dict(SELECTION, **rules).items())


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
        block_migration=BLOCK_MIGRATION,
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
    server_metadata=dict(metadata=SERVER_METADATA, server=REF, **WAITS),
    compute_service=dict(binary=BINARY, disabled_reason=DISABLED_REASON, host=HOST),
    backup=role(
        'backup',
        concurrency=CONCURRENCY,
        metadata=METADATA,
        min_interval=Duration(),
        policy=POLICY,
        wait_timeout=TIMEOUT,
    ),
    rotate=role('rotate', policy=POLICY),
    restore=role(
        'restore',
        backup=BACKUP_CHOICE,
        concurrency=CONCURRENCY,
        flavor=OPTIONAL_REF,
        key_name=OPTIONAL_REF,
        metadata=METADATA,
        networks=REFS,
        policy=POLICY,
        security_groups=REFS,
        suffix=SUFFIX,
        timeout=TIMEOUT,
    ),
    resize=role(
        'resize',
        concurrency=CONCURRENCY,
        flavor=REF,
        max_failures=MAX_FAILURES,
        timeout=TIMEOUT,
        verify_address=ADDRESS_KEY,
        verify_port=PORT,
        verify_tasks=TASKS_FILE,
        verify_timeout=PORT_TIMEOUT,
    ),
    drain=role(
        'drain',
        block_migration=BLOCK_MIGRATION,
        concurrency=CONCURRENCY,
        disabled_reason=DISABLED_REASON,
        host=HOST,
        max_failures=MAX_FAILURES,
        target_host=OPTIONAL_HOST,
        timeout=TIMEOUT,
    ),
    rolling=role(
        'rolling',
        batch_size=CONCURRENCY,
        health_address=ADDRESS_KEY,
        health_port=PORT,
        health_tasks=TASKS_FILE,
        health_timeout=PORT_TIMEOUT,
        image=OPTIONAL_REF,
        max_failures=MAX_FAILURES,
        pause=PAUSE,
        run=POLICY,
        tasks=TASKS_FILE,
        timeout=TIMEOUT,
    ),
)


def problems(rules, values, where=''):
    """The first option of ``values`` outside its domain, as one line (or None), and the values to use."""
    out = dict(values)
    for option, rule in rules.items():
        value = values.get(option)
        if isinstance(rule, ByOption):
            rule = rule.rule(values)
        if value is None or rule is None:
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
