# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the server_info module's read steps around the pure planner in _info."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.stackops.compute.plugins.module_utils import _info, _microversions
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._sdk import (
    server_attribute_names,
    server_query_names,
)
from ansible_collections.stackops.compute.plugins.module_utils._server_view import present_server
from ansible_collections.stackops.compute.plugins.module_utils._volumes import attached_ids, volume_details

try:
    import jmespath

    JMESPATH_IMPORT_ERROR = None
except ImportError:
    jmespath = None
    JMESPATH_IMPORT_ERROR = traceback.format_exc()

# IDs per request when many servers, images or groups are read in one go: short enough for any proxy.
IDS_PER_REQUEST = 40


def compile_query(expression):
    """The compiled JMESPath expression, checked before any request is sent."""
    if not expression:
        return None
    if jmespath is None:
        raise ComputeError(
            missing_required_lib('jmespath') + ' It is needed for the option query.', exception=JMESPATH_IMPORT_ERROR
        )
    try:
        return jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as exc:
        raise ComputeError('query is not a valid JMESPath expression: %s' % str(exc).replace('\n', ' '))


def resolve_filters(cloud, params):
    """Names of flavor, image and project to IDs, one lookup each, only for names."""
    resolved = {}
    for kind, value in sorted(_info.lookups_needed(params).items()):
        if kind == 'flavor':
            flavor = cloud.find_flavor(value)
            resolved['flavor'] = {'id': flavor['id'], 'name': flavor.get('name')}
        elif kind == 'image':
            image = cloud.find_image(value)
            resolved['image'] = {'id': image['id'], 'name': image.get('name')}
        else:
            resolved['project'] = cloud.find_project(value)
    return resolved


def read_servers(module, plan):
    """The servers the plan selects: by ID first when it has one, else one paginated listing."""
    cloud = module.cloud
    if plan.server_id:
        server = cloud.get_server(plan.server_id, drop=_info.INFO_DROP_FIELDS)
        if server is not None:
            if plan.unchecked_by_id:
                module.warn('filters %s are not applied to a server given by ID.' % ', '.join(plan.unchecked_by_id))
            return [server] if _info.matches(server, plan.id_checks) else []
    hidden = set()

    def keep(server):
        hidden.update(_info.hidden_fields(server, plan.checks))
        return _info.matches(server, plan.checks)

    servers = cloud.list_servers(
        plan.query, all_projects=plan.all_projects, limit=plan.limit, keep=keep, drop=_info.INFO_DROP_FIELDS
    )
    for option in sorted(hidden):
        module.warn(
            '%s filters on a field Nova shows to administrators only; this user cannot see it on the '
            'servers, so they were left out.' % option
        )
    return servers


def add_names(cloud, servers):
    """flavor_name and image_name: flavors from the servers (microversion >= 2.47) and one image listing."""
    flavor_ids, image_ids = _info.names_to_look_up(servers)
    flavor_names = {}
    for flavor_id in flavor_ids:
        try:
            flavor_names[flavor_id] = cloud.find_flavor(flavor_id).get('name')
        except ComputeError:
            flavor_names[flavor_id] = None
    image_names = {}
    for chunk in _info.chunks(image_ids, IDS_PER_REQUEST):
        for image in cloud.list_images(id='in:' + ','.join(chunk)):
            image_names[image['id']] = image.get('name')
    # Hidden, community or deleted images are not in the default listing: read those one by one.
    for image_id in image_ids:
        if image_id not in image_names:
            image = cloud.get_image(image_id)
            image_names[image_id] = image.get('name') if image else None
    return [_info.add_names(s, flavor_names, image_names) for s in servers]


def add_security_group_details(cloud, servers):
    """The full security groups of each server's ports: two requests per IDS_PER_REQUEST servers."""
    ports = []
    for chunk in _info.chunks([s['id'] for s in servers], IDS_PER_REQUEST):
        ports.extend(cloud.list_ports(device_id=chunk))
    group_ids = sorted(set(g for p in ports for g in p.get('security_group_ids') or ()))
    groups = []
    for chunk in _info.chunks(group_ids, IDS_PER_REQUEST):
        groups.extend(cloud.list_security_groups(id=chunk))
    found = _info.groups_by_server(ports, groups)
    for server in servers:
        server['security_group_details'] = found.get(server['id'], [])


def add_volume_details(cloud, servers, all_projects=False):
    """The attached volumes of every server from one listing of volumes, whatever the number of servers (none
    when no server has a volume)."""
    volumes = {}
    if any(attached_ids(s) for s in servers):
        volumes = dict((v['id'], v) for v in cloud.list_volumes(all_projects=all_projects))
    for server in servers:
        server['volume_details'] = volume_details(server, volumes)


def _console_output(cloud, server_id, params):
    kwargs = {}
    if params.get('console_output_length'):
        kwargs['length'] = params['console_output_length']
    out = cloud.server_call(
        'get_server_console_output', server_id, 'reading the console output of server %s' % server_id, **kwargs
    )
    return out.get('output') if isinstance(out, dict) else out


def _topology(cloud, server_id, params):
    return cloud.get_server_topology(server_id)


def _password(cloud, server_id, params):
    return cloud.server_call('get_server_password', server_id, 'reading the password of server %s' % server_id)


PER_SERVER_EXTRAS = (('console_output', _console_output), ('topology', _topology), ('password', _password))


def add_extras(module, servers):
    """The extras asked for. One server's failure (a shelved server has no console) warns and gives None."""
    extras = set(module.params.get('extras') or ())
    if 'security_groups' in extras and servers:
        add_security_group_details(module.cloud, servers)
    if 'volumes' in extras and servers:
        add_volume_details(module.cloud, servers, module.params.get('all_projects'))
    for extra, read in PER_SERVER_EXTRAS:
        if extra not in extras:
            continue
        for server in servers:
            try:
                server[_info.EXTRA_KEYS[extra]] = read(module.cloud, server['id'], module.params)
            except ComputeError as exc:
                server[_info.EXTRA_KEYS[extra]] = None
                module.warn('%s of server %s (%s): %s' % (extra, server.get('name'), server['id'], exc.msg))


def run_info(module):
    params = module.params
    expression = compile_query(params.get('query'))
    names = dict(query_names=server_query_names(), attribute_names=server_attribute_names())
    # Plan once before any request, so that a wrong option fails without touching the cloud.
    plan = _info.plan_listing(params, None, **names)
    _microversions.check(module.cloud, _microversions.info_needs(params))
    resolved = resolve_filters(module.cloud, params)
    if resolved:
        plan = _info.plan_listing(params, resolved, **names)
    servers = read_servers(module, plan)
    if params.get('resolve_names') and servers:
        servers = add_names(module.cloud, servers)
    add_extras(module, servers)
    interface = params.get('interface') or 'public'
    servers = [present_server(s, interface) for s in servers]
    data = dict(servers=servers)
    if expression is not None:
        data['query_result'] = expression.search(servers)
    return module.result(False, **data)
