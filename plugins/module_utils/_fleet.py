# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: many servers in one task.

The fleet forms (the servers and server_images modules, server_action with ``servers``) run the single
forms' code once per item, in a bounded pool of threads, against a ``FleetCloud``: the servers of every
item come from a few listings read up front, and each lookup (flavor, image, network...) is made once per
distinct value and shared by the items. Nothing here decides what happens to a server; the planners of the
single forms do.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.stackops.compute.plugins.module_utils import _domains
from ansible_collections.stackops.compute.plugins.module_utils._apply_actions import run_server_action
from ansible_collections.stackops.compute.plugins.module_utils._domain_rules import shown
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._journal import JOURNAL, done_before
from ansible_collections.stackops.compute.plugins.module_utils._module import (
    assemble_result,
    auth_argument_spec,
    internal_error,
)
from ansible_collections.stackops.compute.plugins.module_utils._sdk import (
    DROPPED_SERVER_FIELDS,
    Cloud,
    is_gone,
    is_uuid,
)

DEFAULT_CONCURRENCY = 10
# Nova filters names with a regular expression but takes no alternation (a|b): servers are listed by the
# prefix their names share, in groups whose common prefix has at least this many characters.
SHARED_PREFIX = 3
# Polls are shared through listings (see FleetCloud) while the listings hold at most this many servers;
# beyond it, each wait reads its own server.
SHARED_POLL_LIMIT = 200
# Lookups whose answer does not depend on the item asking: made once per distinct argument.
SHARED_LOOKUPS = (
    'compute_max_microversion',
    'current_project_id',
    'current_roles',
    'find_availability_zone',
    'find_external_network',
    'find_flavor',
    'find_image',
    'find_keypair',
    'find_network',
    'find_security_group',
    'find_server_group',
)


# ------------------------------------------------------------------------------------------------ pure


def common_prefix(a, b):
    return os.path.commonprefix([a, b])


def name_filters(names, shared=SHARED_PREFIX):
    """Nova name filters (anchored regular expressions) that together match at least ``names``: the
    prefix of each group of names that share ``shared`` characters or more, or an exact name."""
    groups = []
    for name in sorted(set(names)):
        if groups and len(common_prefix(groups[-1][0], name)) >= shared:
            groups[-1] = (common_prefix(groups[-1][0], name), groups[-1][1] + 1)
        else:
            groups.append((name, 1))
    return ['^%s%s' % (re.escape(prefix), '$' if count == 1 else '') for prefix, count in groups]


def duplicates(values):
    """Values that appear more than once, in the order they first repeat."""
    seen, repeated = set(), []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def merge_item(defaults, item):
    """One item's options: the item's over ``defaults`` (both with unset options as None)."""
    merged = dict(defaults)
    merged.update(dict((k, v) for k, v in item.items() if v is not None))
    return merged


def failure_message(results, noun='servers'):
    """One line naming the items that failed, or None when none did."""
    failed = [r for r in results if r.get('failed')]
    if not failed:
        return None
    return '%d of %d %s failed: %s. See the msg of each in the results.' % (
        len(failed),
        len(results),
        noun,
        ', '.join(str(r.get('name')) for r in failed),
    )


def item_diffs(results):
    """The items' diffs as one list, each headed by its item's name (how Ansible shows several diffs)."""
    diffs = []
    for result in results:
        if result.get('diff'):
            name = str(result.get('name'))
            diffs.append(dict(result['diff'], before_header=name, after_header=name))
    return diffs


def pool_size(concurrency, count):
    return max(1, min(int(concurrency or DEFAULT_CONCURRENCY), count or 1))


# ------------------------------------------------------------------------------------------------ run


def run_items(items, work, concurrency=DEFAULT_CONCURRENCY):
    """``work(item)`` for every item in at most ``concurrency`` threads; results in the order of ``items``."""
    if not items:
        return []
    size = pool_size(concurrency, len(items))
    if size == 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=size) as pool:
        return list(pool.map(work, items))


class _Once(object):
    """A value computed by the first thread that asks; later askers get it (or its error) too."""

    def __init__(self):
        self.lock = threading.Lock()
        self.done = False
        self.value = None
        self.error = None

    def get(self, compute):
        with self.lock:
            if not self.done:
                try:
                    self.value = compute()
                except ComputeError as exc:
                    self.error = exc
                self.done = True
        if self.error is not None:
            raise self.error
        return copy.deepcopy(self.value)


class FleetCloud(object):
    """A Cloud for many items at once (see the module docstring); the rest goes to the wrapped Cloud.

    Reads of one server (every poll of every wait) are answered from a listing of the task's servers read
    after the read was asked for: while one listing is on its way, the threads that ask meanwhile wait for
    the next one and share it. Ten waits polling at once cost one request per round, not ten.
    """

    def __init__(self, cloud):
        self._cloud = cloud
        self._lock = threading.Lock()
        self._memo = {}
        self._servers = {}
        self._filters = []
        self._all_projects = False
        self._listed = threading.Condition()
        self._listing = None
        self._reading = False
        self._tracked = set()

    def __getattr__(self, name):
        attr = getattr(self._cloud, name)
        if name not in SHARED_LOOKUPS:
            return attr

        def shared(*args, **kwargs):
            key = (name, args, tuple(sorted(kwargs.items())))
            with self._lock:
                once = self._memo.setdefault(key, _Once())
            return once.get(lambda: attr(*args, **kwargs))

        return shared

    def preload_servers(self, refs, all_projects=False):
        """Read the servers that ``refs`` (names or IDs) name: one listing per group of names that share a
        prefix (see ``name_filters``); IDs are read as the single form reads them."""
        all_projects = bool(all_projects)
        names = [r for r in refs if r and not is_uuid(r)]
        found = dict(((n, all_projects), []) for n in names)
        filters = name_filters(names)
        listed = 0
        for pattern in filters:
            for server in self._cloud.list_servers({'name': pattern}, all_projects=all_projects):
                listed += 1
                key = (server.get('name'), all_projects)
                if key in found and not is_gone(server):
                    found[key].append(server)
                    self._tracked.add(server.get('id'))
        self._servers.update(found)
        # Shared polls pay off while the listings hold mostly this task's servers.
        if names and listed <= SHARED_POLL_LIMIT:
            self._filters = filters
            self._all_projects = all_projects

    def create_server(self, attrs):
        server = self._cloud.create_server(attrs)
        if any(re.search(f, server.get('name') or '') for f in self._filters):
            self._tracked.add(server.get('id'))
        return server

    def get_server(self, server_id, drop=DROPPED_SERVER_FIELDS):
        if server_id not in self._tracked or drop != DROPPED_SERVER_FIELDS or not self._filters:
            return self._cloud.get_server(server_id, drop)
        server = self.fresh_listing().get(server_id)
        if server is None:
            # Gone, or renamed out of this task's listings (a rebuild with a new name): asked for alone.
            return self._cloud.get_server(server_id, drop)
        return copy.deepcopy(server)

    def fresh_listing(self):
        """The task's servers by ID, from listings that started after this call; one at a time, shared."""
        asked = time.monotonic()
        with self._listed:
            while True:
                if self._listing is not None and self._listing[0] >= asked:
                    return self._listing[1]
                if not self._reading:
                    self._reading = True
                    break
                self._listed.wait()
        started = time.monotonic()
        listing = None
        try:
            found = {}
            for pattern in self._filters:
                for server in self._cloud.list_servers({'name': pattern}, all_projects=self._all_projects):
                    found[server.get('id')] = server
            listing = (started, found)
        finally:
            with self._listed:
                self._reading = False
                if listing is not None:
                    self._listing = listing
                self._listed.notify_all()
        return listing[1]

    # The Cloud's own waits, polling through this class's get_server.
    def wait_for_server(self, server_id, done, failed=None, timeout=600, pauses=None, delay=0):
        return Cloud.wait_for_server(self, server_id, done, failed, timeout=timeout, pauses=pauses, delay=delay)

    def wait_for_server_gone(self, server_id, timeout=600):
        return Cloud.wait_for_server_gone(self, server_id, timeout=timeout)

    def find_servers(self, name_or_id, all_projects=False):
        known = self._servers.get((name_or_id, bool(all_projects)))
        if known is not None:
            return copy.deepcopy(known)
        return self._cloud.find_servers(name_or_id, all_projects=all_projects)

    def find_server(self, name_or_id, all_projects=False):
        # The Cloud's own rule for ambiguous names, over this class's find_servers.
        return Cloud.find_server(self, name_or_id, all_projects=all_projects)


class ItemModule(object):
    """What the single-server code needs of a module, for one item of a fleet task."""

    def __init__(self, parent, cloud, params):
        self.params = params
        self.cloud = cloud
        self.check_mode = parent.check_mode
        self.diff_mode = parent.diff_mode
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)

    def result(self, changed, diff=None, **data):
        return assemble_result(self.diff_mode, changed, diff, data)


def run_item(parent, cloud, params, body, name):
    """``body(item_module)`` for one item: its result with ``name``, or ``failed`` and ``msg``.

    The item's frame, as ComputeModule.run is the task's: ``changed`` is true when the cloud accepted a
    write of this item, a failure says what the item did before it, and an unexpected exception fails
    this item with one line instead of ending the task.
    """
    item = ItemModule(parent, cloud, params)
    with JOURNAL.scope() as writes:
        try:
            result = body(item)
        except ComputeError as exc:
            result = dict(changed=bool(exc.details.get('changed')), failed=True, msg=done_before(exc.msg, writes))
            for key, value in exc.details.items():
                result.setdefault(key, value)
        except Exception as exc:  # one item's surprise is that item's failure, in one line
            msg = done_before(internal_error(getattr(parent, 'name', None), exc), writes)
            result = dict(changed=False, failed=True, msg=msg)
        result['changed'] = bool(result.get('changed')) or bool(writes)
    out = dict(name=name)
    out.update(result)
    return out, item.warnings


# ------------------------------------------------------------------------------------------------ options


def unset_spec(spec):
    """``spec`` without defaults or required options: what a partial set of options (an item, the
    defaults) is checked against, so that an option left out stays None."""
    out = {}
    for key, option in spec.items():
        option = dict(option)
        option.pop('default', None)
        option.pop('required', None)
        out[key] = option
    return out


def validate_options(spec, values, where, mutually_exclusive=None, noun='server', **checks):
    """Options checked and converted as Ansible does for a module (types, choices, aliases, and the
    ``checks`` ArgumentSpecValidator takes: required_if, required_together...); returns them and the values
    to hide from output (no_log options)."""
    if not isinstance(values, dict):
        raise ComputeError('%s must be a dictionary of %s options, not %s.' % (where, noun, shown(values)))
    # As for a module's own options, null means left out.
    values = dict((k, v) for k, v in values.items() if v is not None)
    result = ArgumentSpecValidator(spec, mutually_exclusive=mutually_exclusive, **checks).validate(values)
    if result.error_messages:
        # Ansible's messages repeat the value given: its line breaks would split the one line.
        text = '; '.join(result.error_messages).replace('\r', '\\r').replace('\n', '\\n')
        raise ComputeError('%s: %s.' % (where, text))
    return result.validated_parameters, set(result._no_log_values)


def fleet_items(params, key, spec, where_item, noun='server', domains=None, **checks):
    """The full options of every item of the option ``key``: the task's ``defaults`` merged in, each checked
    as its single module checks its options (``checks``: mutually_exclusive, required_if...), and the
    task's connection, wait and timeout added; with the values to hide from output (no_log options).

    ``where_item(where, item)`` names an item in the messages of its full check (it may refuse the item).
    ``domains``: the rules of _domains each item's options must follow, as the single module's do.
    """
    loose = unset_spec(spec)
    defaults, secrets = validate_options(loose, params.get('defaults') or {}, 'defaults', noun=noun)
    shared = dict((k, params.get(k)) for k in list(auth_argument_spec()) + ['wait', 'timeout'])
    items = []
    for index, raw in enumerate(params.get(key) or []):
        where = '%s[%d]' % (key, index)
        item, hidden = validate_options(loose, raw, where, noun=noun)
        secrets |= hidden
        merged = dict((k, v) for k, v in merge_item(defaults, item).items() if v is not None)
        named = where_item(where, item)
        full, hidden = validate_options(spec, merged, named, noun=noun, **checks)
        secrets |= hidden
        full = _domains.check(domains or {}, full, '%s: ' % named)
        full.update(shared)
        items.append(full)
    return items, secrets


# The server and server_image code is imported by the functions of the servers and server_images modules
# only: a server_action task (the module most often run in a loop) does not compile and run it.


def _server_where(where, item):
    if not item.get('name'):
        raise ComputeError('%s: name is required.' % where)
    return '%s (%s)' % (where, item['name'])


def server_items(params):
    """The full server-module options of every item of the servers module, and the secret values."""
    from ansible_collections.stackops.compute.plugins.module_utils._server_apply import (
        SERVER_MUTUALLY_EXCLUSIVE,
        server_argument_spec,
    )

    items, secrets = fleet_items(
        params,
        'servers',
        server_argument_spec(),
        _server_where,
        domains=_domains.SERVER,
        mutually_exclusive=list(SERVER_MUTUALLY_EXCLUSIVE),
    )
    repeated = duplicates(i['name'] for i in items)
    if repeated:
        raise ComputeError('servers: each name may appear once; repeated: %s.' % ', '.join(repeated))
    return items, secrets


def fleet_argument_spec(items):
    """The options of a fleet module whose items are in the option ``items``."""
    spec = dict(
        concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
        defaults=dict(type='dict', default={}),
    )
    spec[items] = dict(type='list', elements='dict', required=True)
    return spec


def image_label(item):
    """How an item of server_images is named in results and messages."""
    if item.get('name'):
        return '%s of %s' % (item['name'], item['server']) if item.get('server') else item['name']
    return item.get('id') or '?'


def image_items(params):
    """The full server_image options of every item of the server_images module (none of them is secret)."""
    from ansible_collections.stackops.compute.plugins.module_utils._images_apply import (
        SERVER_IMAGE_REQUIRED_IF,
        SERVER_IMAGE_REQUIRED_TOGETHER,
        server_image_argument_spec,
    )

    items, _secrets = fleet_items(
        params,
        'images',
        server_image_argument_spec(),
        lambda where, item: where,
        noun='image',
        domains=_domains.SERVER_IMAGE,
        required_if=SERVER_IMAGE_REQUIRED_IF,
        required_together=SERVER_IMAGE_REQUIRED_TOGETHER,
    )
    repeated = duplicates(image_label(i) for i in items)
    if repeated:
        raise ComputeError('images: each image may appear once; repeated: %s.' % ', '.join(repeated))
    return items


# ------------------------------------------------------------------------------------------------ modules


def _finish(module, outcomes, key, noun, **data):
    results = []
    for result, warnings in outcomes:
        results.append(result)
        for message in warnings:
            module.warn(message)
    changed = any(r.get('changed') for r in results)
    data[key] = results
    message = failure_message(results, noun)
    if message:
        raise ComputeError(message, changed=changed, **data)
    return module.result(changed, diff=item_diffs(results), **data)


def run_servers(module):
    """The servers module: the server module's read, plan and apply for every item, in a bounded pool."""
    from ansible_collections.stackops.compute.plugins.module_utils._server_apply import run_server

    items, secrets = server_items(module.params)
    module.ansible.no_log_values.update(secrets)
    cloud = FleetCloud(module.cloud)
    cloud.preload_servers([i['name'] for i in items if not i.get('id')])
    outcomes = run_items(
        items,
        lambda item: run_item(module, cloud, item, run_server, item['name']),
        module.params.get('concurrency'),
    )
    return _finish(module, outcomes, 'servers', 'servers')


def run_server_actions(module):
    """The server_action module: one server (``server``) or many (``servers``, in a bounded pool)."""
    params = module.params
    refs = params.get('servers')
    if not refs:
        return run_server_action(module)
    repeated = duplicates(refs)
    if repeated:
        raise ComputeError('servers: each server may appear once; repeated: %s.' % ', '.join(repeated))
    cloud = FleetCloud(module.cloud)
    cloud.preload_servers(refs, all_projects=params.get('all_projects'))

    def work(ref):
        item = dict(params, server=ref, servers=None)
        return run_item(module, cloud, item, run_server_action, ref)

    outcomes = run_items(list(refs), work, params.get('concurrency'))
    # The action as planned (reboot_hard is reported as reboot), from any server that got that far.
    action = next((r['action'] for r, _w in outcomes if r.get('action')), params.get('action'))
    return _finish(module, outcomes, 'results', 'servers', action=action)


def run_server_images(module):
    """The server_images module: server_image's read, plan and apply for every item, in a bounded pool."""
    from ansible_collections.stackops.compute.plugins.module_utils._images_apply import run_server_image

    items = image_items(module.params)
    cloud = FleetCloud(module.cloud)
    cloud.preload_servers([i['server'] for i in items if i.get('server')])
    outcomes = run_items(
        items,
        lambda item: run_item(module, cloud, item, run_server_image, image_label(item)),
        module.params.get('concurrency'),
    )
    return _finish(module, outcomes, 'images', 'images')
