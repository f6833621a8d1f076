# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: pure decisions of server_info (which query Nova gets, what Python checks)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses
import datetime
import re

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._sdk import is_uuid

# extra -> the key it adds to each server. Each one costs requests, so none is read unless asked for.
EXTRA_KEYS = {
    'console_output': 'console_output',
    'password': 'password',
    'security_groups': 'security_group_details',
    'topology': 'topology',
    'volumes': 'volume_details',
}

# server_info shows what Nova says, progress, updated_at and links included, as openstack.cloud's does. It
# drops only the SDK's own location record (the secrets are masked where every server result is made).
INFO_DROP_FIELDS = ('location',)

# SDK query names that have an option of their own: ``filters`` may not repeat them.
OPTION_OF_QUERY = {
    'all_projects': 'all_projects',
    'any_tags': 'tags_any',
    'availability_zone': 'availability_zone',
    'changes_since': 'changes_since',
    'compute_host': 'host',
    'flavor': 'flavor',
    'image': 'image',
    'limit': 'limit',
    'marker': 'limit',
    'name': 'server',
    'node': 'hypervisor',
    'not_any_tags': 'not_tags_any',
    'not_tags': 'not_tags',
    'project_id': 'project',
    'status': 'status',
    'tags': 'tags',
}

# Nova returns at most this many servers a page unless the cloud lowers it (``[api] max_limit``).
NOVA_MAX_PAGE = 1000


@dataclasses.dataclass(frozen=True)
class Check(object):
    """One test Python runs on a server dict, because Nova cannot (or may silently not) run it."""

    field: str  # key of the server dict
    # equals | one_of | contains | tags_all | tags_any | not_tags_all | not_tags_any | since | flavor | image
    test: str
    value: object
    option: str  # the option it comes from, for messages
    admin_only: bool = False  # the field is shown to admins only; other users never see it
    narrows: bool = False  # drops servers Nova returned (not just a second look at what Nova filtered)


@dataclasses.dataclass(frozen=True)
class ListPlan(object):
    query: dict  # keyword arguments of the SDK's compute.servers()
    all_projects: bool = False
    limit: int = None
    checks: tuple = ()  # Python checks on listed servers
    server_id: str = None  # read GET /servers/{id} first; list only when no server has this ID
    id_checks: tuple = ()  # Python checks on the server read by ID (what Nova would have filtered)
    unchecked_by_id: tuple = ()  # keys of ``filters`` that cannot be checked on a server read by ID


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def _str_dict(value):
    return dict((str(k), str(v)) for k, v in (value or {}).items())


def exact_regex(text):
    """A Nova regex filter that matches ``text`` only (Nova's regex filters search, they do not anchor)."""
    return '^%s$' % re.escape(text)


def parse_time(text):
    """An ISO 8601 timestamp as an aware datetime (UTC when it names no zone)."""
    value = str(text).strip()
    if value.endswith('Z') or value.endswith('z'):
        value = value[:-1] + '+00:00'
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise ComputeError('changes_since: %r is not an ISO 8601 date and time, like 2026-01-31T12:00:00Z.' % text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed


def server_is_id(params):
    server = params.get('server')
    return bool(server) and is_uuid(server) and not params.get('name_regex')


def lookups_needed(params):
    """Which names must become IDs before planning: {'flavor'|'image'|'project': name}.

    IDs go to Nova as they are; only a name costs a lookup. A flavor is always looked up when the server
    is read by ID, because from microversion 2.47 Nova describes a server's flavor by name, not ID.
    """
    needed = {}
    flavor = params.get('flavor')
    if flavor and (not is_uuid(flavor) or server_is_id(params)):
        needed['flavor'] = flavor
    for kind in ('image', 'project'):
        value = params.get(kind)
        if value and not is_uuid(value):
            needed[kind] = value
    return needed


def _resolved_id(resolved, kind, value):
    found = (resolved or {}).get(kind)
    return found['id'] if found else value


def _tag_filters(params):
    """(option, SDK query name, Python test) of each tag filter that is set."""
    for option, sdk_name, test in (
        ('tags', 'tags', 'tags_all'),
        ('tags_any', 'any_tags', 'tags_any'),
        ('not_tags', 'not_tags', 'not_tags_all'),
        ('not_tags_any', 'not_any_tags', 'not_tags_any'),
    ):
        tags = _as_list(params.get(option))
        if tags:
            yield option, sdk_name, tags, test


def plan_listing(params, resolved=None, query_names=None, attribute_names=()):
    """Module params -> ListPlan (pure).

    ``resolved`` holds what ``lookups_needed`` asked for, as {'flavor'|'image'|'project': {'id', 'name'}}.
    ``query_names`` maps every SDK and Nova name of the server list query to its SDK name and
    ``attribute_names`` lists the attributes of an SDK server: both are only needed for ``filters``.
    """
    query = {}
    checks = []
    id_checks = []
    unchecked = []

    def both(check):
        checks.append(check)
        id_checks.append(check)

    server = params.get('server')
    if server:
        if params.get('name_regex'):
            query['name'] = server
        else:
            # Nova matches names as a regex and, on MySQL, without case: anchor it, then keep exact matches.
            query['name'] = exact_regex(server)
            checks.append(Check('name', 'equals', server, 'server'))

    statuses = [s.upper() for s in _as_list(params.get('status'))]
    if statuses:
        # Several statuses go as a repeated query parameter, which Nova ORs.
        query['status'] = statuses[0] if len(statuses) == 1 else statuses
        id_checks.append(Check('status', 'one_of', tuple(statuses), 'status'))

    if params.get('flavor'):
        flavor = (resolved or {}).get('flavor') or {'id': params['flavor'], 'name': None}
        query['flavor'] = flavor['id']
        id_checks.append(Check('flavor', 'flavor', dict(id=flavor['id'], name=flavor.get('name')), 'flavor'))

    if params.get('image'):
        image_id = _resolved_id(resolved, 'image', params['image'])
        query['image'] = image_id
        id_checks.append(Check('image', 'image', image_id, 'image'))

    if params.get('host'):
        # Nova silently ignores host for users that are not admins: check it again.
        query['compute_host'] = params['host']
        both(Check('compute_host', 'equals', params['host'], 'host', admin_only=True))

    if params.get('hypervisor'):
        query['node'] = exact_regex(params['hypervisor'])
        both(Check('hypervisor_hostname', 'equals', params['hypervisor'], 'hypervisor', admin_only=True))

    if params.get('availability_zone'):
        # A regex filter for users from microversion 2.83, ignored for them before.
        query['availability_zone'] = exact_regex(params['availability_zone'])
        both(Check('availability_zone', 'equals', params['availability_zone'], 'availability_zone'))

    for option, sdk_name, tags, test in _tag_filters(params):
        query[sdk_name] = ','.join(tags)
        id_checks.append(Check('tags', test, tuple(tags), option))

    if params.get('changes_since'):
        parse_time(params['changes_since'])
        query['changes_since'] = params['changes_since']
        id_checks.append(Check('updated_at', 'since', params['changes_since'], 'changes_since'))

    if params.get('project'):
        project_id = _resolved_id(resolved, 'project', params['project'])
        if params.get('all_projects'):
            query['project_id'] = project_id
        # Without all_projects Nova lists the caller's own project whatever is asked: check it.
        both(Check('project_id', 'equals', project_id, 'project'))

    if params.get('metadata'):
        both(Check('metadata', 'contains', _str_dict(params['metadata']), 'metadata', narrows=True))

    for key, value in sorted((params.get('filters') or {}).items()):
        _plan_filter(key, value, query, checks, id_checks, unchecked, query_names or {}, attribute_names, params)

    limit = params.get('limit')
    if limit is not None and limit < 1:
        raise ComputeError('limit must be 1 or more, not %s.' % limit)
    if limit and any(c.narrows for c in checks):
        # Python drops some servers: read full pages rather than pages of ``limit``.
        query['limit'] = NOVA_MAX_PAGE

    return ListPlan(
        query=query,
        all_projects=bool(params.get('all_projects')),
        limit=limit or None,
        checks=tuple(checks),
        server_id=server if server_is_id(params) else None,
        id_checks=tuple(id_checks),
        unchecked_by_id=tuple(unchecked),
    )


def _plan_filter(key, value, query, checks, id_checks, unchecked, query_names, attribute_names, params):
    if key in query_names:
        sdk_name = query_names[key]
        option = OPTION_OF_QUERY.get(sdk_name)
        if option is not None and params.get(option) not in (None, False, '', [], {}):
            raise ComputeError('filters: %s and the option %s ask for the same; give it once.' % (key, option))
        if option is not None and key not in attribute_names:
            raise ComputeError('filters: use the option %s instead of the key %s.' % (option, key))
        if option is not None:
            # openstack.cloud's filters compare server attributes (filters: {status: ACTIVE}); so do these,
            # in Python. The option of its own sends it to Nova.
            check = Check(key, 'contains', value, 'filters', narrows=True)
            checks.append(check)
            id_checks.append(check)
            return
        query[sdk_name] = value
        if sdk_name in attribute_names:
            id_checks.append(Check(sdk_name, 'contains', value, 'filters'))
        else:
            unchecked.append(key)
        return
    if key in attribute_names:
        check = Check(key, 'contains', value, 'filters', narrows=True)
        checks.append(check)
        id_checks.append(check)
        return
    raise ComputeError(
        'filters: %s is neither a query parameter of the server list nor a server attribute. '
        'Query parameters: %s.' % (key, ', '.join(sorted(query_names)))
    )


# ---------------------------------------------------------------------------------------------- checks


def contains(expected, actual):
    """Whether ``actual`` has everything ``expected`` has: dicts by their keys, the rest by equality."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return False
        return all(contains(v, actual.get(k)) for k, v in expected.items())
    if isinstance(actual, (str, int, float)) and not isinstance(actual, bool) and not isinstance(expected, bool):
        return str(expected) == str(actual)
    return expected == actual


def _flavor_matches(flavor, wanted):
    flavor = flavor or {}
    # From microversion 2.47 the server embeds its flavor's name, not its ID (openstacksdk then copies the
    # name into ``id``): compare names. Before, only the ID is there.
    if flavor.get('original_name'):
        return flavor['original_name'] in (wanted.get('name'), wanted['id'])
    return flavor.get('id') is not None and flavor['id'] == wanted['id']


def _image_id(server):
    image = server.get('image')
    if isinstance(image, dict):
        return image.get('id')
    return image or server.get('image_id')


def passes(server, check):
    actual = server.get(check.field)
    if check.test == 'equals':
        return actual == check.value
    if check.test == 'one_of':
        return actual in check.value
    if check.test == 'contains':
        return contains(check.value, actual)
    if check.test == 'flavor':
        return _flavor_matches(actual, check.value)
    if check.test == 'image':
        return _image_id(server) == check.value
    if check.test == 'since':
        return actual is not None and parse_time(actual) >= parse_time(check.value)
    tags = set(actual or ())
    wanted = set(check.value)
    if check.test == 'tags_all':
        return wanted <= tags
    if check.test == 'tags_any':
        return bool(wanted & tags)
    if check.test == 'not_tags_all':
        return not wanted <= tags
    if check.test == 'not_tags_any':
        return not wanted & tags
    raise ValueError('unknown check %s' % check.test)


def matches(server, checks):
    return all(passes(server, check) for check in checks)


def hidden_fields(server, checks):
    """Options whose admin-only field this server does not show: the caller cannot filter on them."""
    return set(c.option for c in checks if c.admin_only and server.get(c.field) is None)


# ---------------------------------------------------------------------------------------------- names


def image_id_of(server):
    """The ID of the image the server booted from, None for a server booted from a volume."""
    return _image_id(server) or None


def flavor_name_of(server):
    """The flavor name Nova embeds (microversion >= 2.47), else None."""
    return (server.get('flavor') or {}).get('original_name') or None


def flavor_id_of(server):
    """The flavor ID, which Nova gives only before microversion 2.47."""
    flavor = server.get('flavor') or {}
    if flavor.get('original_name'):
        return None
    return flavor.get('id') or server.get('flavor_id') or None


def names_to_look_up(servers):
    """(flavor IDs, image IDs) whose names the servers do not carry, each once, sorted."""
    flavors = set()
    images = set()
    for server in servers:
        if flavor_name_of(server) is None and flavor_id_of(server):
            flavors.add(flavor_id_of(server))
        if image_id_of(server):
            images.add(image_id_of(server))
    return sorted(flavors), sorted(images)


def add_names(server, flavor_names, image_names):
    """flavor_name and image_name on a server dict, from what it carries and the names looked up; the image
    name also as ``image.name``, where openstack.cloud's detailed servers have it."""
    named = dict(server)
    named['flavor_name'] = flavor_name_of(server) or flavor_names.get(flavor_id_of(server))
    named['image_name'] = image_names.get(image_id_of(server))
    if isinstance(server.get('image'), dict) and image_id_of(server):
        named['image'] = dict(server['image'], name=named['image_name'])
    return named


def chunks(items, size):
    """Lists of at most ``size`` items, so that query strings stay short."""
    items = list(items)
    return [items[i : i + size] for i in range(0, len(items), size)]


def groups_by_server(ports, groups):
    """{server ID: its ports' security groups (full dicts), sorted by name then ID}."""
    by_id = dict((g['id'], g) for g in groups)
    found = {}
    for port in ports:
        ids = found.setdefault(port.get('device_id'), set())
        ids.update(port.get('security_group_ids') or ())
    return dict(
        (server_id, sorted((by_id[i] for i in ids if i in by_id), key=lambda g: (g.get('name') or '', g['id'])))
        for server_id, ids in found.items()
    )
