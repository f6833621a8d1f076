# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the only module that imports openstacksdk.

Everything that talks to a cloud goes through ``Cloud``. It returns plain dicts (never SDK
resources), and turns every SDK or keystoneauth exception into one ``ComputeError`` whose message a
person can act on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import gc
import importlib
import re
import sys
import traceback
import types

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._retry import install_retry_policy
from ansible_collections.stackops.compute.plugins.module_utils._version_cache import VersionCache, cache_path
from ansible_collections.stackops.compute.plugins.module_utils._wait import CHANGE_DELAY, CHANGE_STEP, intervals, poll

# The services the collection talks to. openstacksdk's Connection class carries a descriptor for each of
# the ~25 services it knows, each importing its proxy; the connection of a module process gets these four
# only, which takes about 12 % (0.04 s of CPU) off importing openstacksdk (see "Where the time goes" in
# docs/performance.md).
SDK_SERVICES = {
    'compute': 'ComputeService',
    'identity': 'IdentityService',
    'image': 'ImageService',
    'network': 'NetworkService',
}

# The cloud-layer mixins Connection inherits for services the collection never calls (its calls go
# through the proxies of the four services above). Each imports its service's resources; empty classes
# stand in for them, another ~10 % of the import.
UNUSED_CLOUD_MIXINS = {
    'openstack.cloud._accelerator': 'AcceleratorCloudMixin',
    'openstack.cloud._baremetal': 'BaremetalCloudMixin',
    'openstack.cloud._block_storage': 'BlockStorageCloudMixin',
    'openstack.cloud._coe': 'CoeCloudMixin',
    'openstack.cloud._dns': 'DnsCloudMixin',
    'openstack.cloud._object_store': 'ObjectStoreCloudMixin',
    'openstack.cloud._orchestration': 'OrchestrationCloudMixin',
    'openstack.cloud._shared_file_system': 'SharedFileSystemCloudMixin',
}


def _stand_in(module_name, build):
    """Put a module in ``sys.modules`` whose attributes ``build(name)`` makes when first asked for."""
    shim = types.ModuleType(module_name)

    def attribute(name):
        value = build(name)
        setattr(shim, name, value)
        return value

    shim.__getattr__ = attribute
    sys.modules[module_name] = shim


def _lighter_sdk(services=None, mixins=None):
    """Stand in for ``openstack._services_mixin`` and the unused cloud-layer mixins before openstacksdk is
    first imported: ``import openstack`` then builds Connection from what the collection uses."""
    if 'openstack' in sys.modules or 'openstack._services_mixin' in sys.modules:
        return

    def services_mixin(name):
        if name != 'ServicesMixin':
            raise AttributeError(name)
        attrs = {}
        for service_type, class_name in (services or SDK_SERVICES).items():
            described = importlib.import_module('openstack.%s.%s_service' % (service_type, service_type))
            attrs[service_type] = getattr(described, class_name)(service_type=service_type)
        return type('ServicesMixin', (object,), attrs)

    _stand_in('openstack._services_mixin', services_mixin)
    for module_name, class_name in (UNUSED_CLOUD_MIXINS if mixins is None else mixins).items():
        _stand_in(module_name, lambda name, wanted=class_name: _empty_class(name, wanted))


def _empty_class(name, wanted):
    if name != wanted:
        raise AttributeError(name)
    return type(name, (object,), {})


def _forget_sdk():
    for name in [n for n in sys.modules if n == 'openstack' or n.startswith('openstack.')]:
        del sys.modules[name]


# Importing openstacksdk makes a few hundred thousand objects, none of them garbage, and Python's cyclic
# garbage collector would walk them over and over while they are made (about 0.03 s of a task).
_collecting = gc.isenabled()
gc.disable()
try:
    _lighter_sdk()
    try:
        import openstack
    except Exception:
        # An openstacksdk laid out differently from the ones this was measured with (or none at all: then
        # the second import fails the same way): import all of it.
        _forget_sdk()
        import openstack
    from keystoneauth1 import exceptions as ksa_exc
    from openstack import exceptions as sdk_exc

    HAS_SDK = True
    SDK_IMPORT_ERROR = None
except ImportError:
    HAS_SDK = False
    SDK_IMPORT_ERROR = traceback.format_exc()
finally:
    if _collecting:
        gc.enable()

APP_NAME = 'stackops-compute'
UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$')

# module option -> openstacksdk config key
CONNECTION_KEYS = {
    'auth': 'auth',
    'auth_type': 'auth_type',
    'region_name': 'region_name',
    'interface': 'interface',
    'validate_certs': 'verify',
    'ca_cert': 'cacert',
    'client_cert': 'cert',
    'client_key': 'key',
    'api_timeout': 'api_timeout',
}

# Server fields that only say how far an operation got; they never describe what the user manages.
VOLATILE_SERVER_FIELDS = ('progress', 'updated_at', 'links', 'location', 'admin_password')


def is_uuid(value):
    return bool(value) and bool(UUID_RE.match(str(value)))


def connection_kwargs(params):
    """openstacksdk keyword arguments from module params (pure; unit-tested)."""
    cloud = params.get('cloud')
    given = dict((CONNECTION_KEYS[k], params[k]) for k in CONNECTION_KEYS if params.get(k) is not None)
    if isinstance(cloud, dict):
        if given:
            raise ComputeError(
                'When cloud is a dictionary, put %s inside it instead of beside it.'
                % ', '.join(sorted(k for k in CONNECTION_KEYS if params.get(k) is not None))
            )
        return dict(cloud)
    if cloud is not None and not isinstance(cloud, str):
        raise ComputeError(
            'cloud must be the name of a cloud in clouds.yaml or a dictionary, not %s.' % type(cloud).__name__
        )
    if cloud:
        given['cloud'] = cloud
    return given


def describe_http_error(exc):
    """One line from an SDK HTTP error: status, Nova's own message, request ID."""
    status = getattr(exc, 'status_code', None)
    details = getattr(exc, 'details', None) or getattr(exc, 'message', None) or str(exc)
    text = str(details).strip().splitlines()[0] if str(details).strip() else str(exc)
    request_id = getattr(exc, 'request_id', None)
    parts = ['HTTP %s' % status if status else 'Error', text]
    line = ': '.join(parts)
    if request_id:
        line += ' (request %s)' % request_id
    return line


@contextlib.contextmanager
def sdk_errors(doing):
    """Turn SDK and keystoneauth exceptions raised while ``doing`` into ComputeError."""
    try:
        yield
    except ComputeError:
        raise
    except sdk_exc.ResourceTimeout as exc:
        raise ComputeError('Timed out while %s: %s' % (doing, exc))
    except sdk_exc.HttpException as exc:
        status = getattr(exc, 'status_code', None)
        if status == 401:
            raise ComputeError(
                'Authentication failed while %s: check the credentials of the cloud (%s).'
                % (doing, describe_http_error(exc)),
                status_code=status,
            )
        if status == 403:
            raise ComputeError(
                'Not allowed while %s: %s. The policy of the cloud forbids it for this '
                'user; an admin cloud may be needed.' % (doing, describe_http_error(exc)),
                status_code=status,
            )
        raise ComputeError('Failed while %s: %s' % (doing, describe_http_error(exc)), status_code=status)
    except ksa_exc.Unauthorized as exc:
        raise ComputeError(
            'Authentication failed while %s: check the credentials of the cloud (%s).' % (doing, _first_line(exc))
        )
    except ksa_exc.NotFound as exc:
        # Keystone answers 404 to an unknown application credential or token.
        if '/auth/tokens' in str(getattr(exc, 'url', '') or ''):
            raise ComputeError(
                'Authentication failed while %s: check the credentials of the cloud (%s).' % (doing, _first_line(exc))
            )
        raise ComputeError('Failed while %s: %s' % (doing, _first_line(exc)))
    except ksa_exc.ConnectFailure as exc:
        raise ComputeError('Cannot reach the cloud while %s: %s' % (doing, _connect_failure(exc)))
    except ksa_exc.MissingRequiredOptions as exc:
        raise ComputeError('Incomplete authentication while %s: %s' % (doing, _first_line(exc)))
    except ksa_exc.ClientException as exc:
        raise ComputeError('Failed while %s: %s' % (doing, _first_line(exc)))
    except sdk_exc.ConfigException as exc:
        raise ComputeError('Cloud configuration error while %s: %s' % (doing, _first_line(exc)))
    except sdk_exc.SDKException as exc:
        raise ComputeError('Failed while %s: %s' % (doing, _first_line(exc)))


def _connect_failure(exc):
    """keystoneauth's 'Unable to establish connection to URL' without urllib3's pool details."""
    text = _first_line(exc)
    head = re.split(r': HTTPS?ConnectionPool\(', text)[0]
    for reason in ('Connection refused', 'timed out', 'Name or service not known', 'No route to host'):
        if reason in text and reason not in head:
            return '%s (%s)' % (head, reason.lower())
    return head


def unreadable_config_files():
    """One line about the clouds.yaml files openstacksdk skipped because they do not parse, or ''.

    openstacksdk only logs a warning for them and goes on, so the error it raises then ("Cloud x was not
    found") would point away from the real problem.
    """
    import os

    import yaml
    from openstack.config import loader

    paths = [os.environ.get('OS_CLIENT_CONFIG_FILE')] + list(loader.CONFIG_FILES)
    for path in paths:
        if not path or not os.path.isfile(path):
            continue
        try:
            with open(path) as handle:
                yaml.safe_load(handle)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            mark = getattr(exc, 'problem_mark', None)
            where = ' at line %d, column %d' % (mark.line + 1, mark.column + 1) if mark is not None else ''
            problem = getattr(exc, 'problem', None) or _first_line(exc)
            return '%s was skipped: it is not valid YAML (%s%s).' % (path, problem, where)
    return ''


def _first_line(exc):
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def is_ambiguous_failure(error):
    """Whether a write that raised ``error`` may still have happened: a 5xx answer or a lost connection.

    A 4xx answer means the cloud refused the request; a 5xx answer or a connection that broke after the
    request was sent leaves it open (the cloud may have done it and lost only the answer).
    """
    seen = error
    while seen is not None:
        status = getattr(seen, 'status_code', None) or getattr(seen, 'http_status', None)
        if status is None and isinstance(seen, ComputeError):
            status = seen.details.get('status_code')
        if isinstance(status, int):
            return status >= 500
        if HAS_SDK and isinstance(seen, ksa_exc.ConnectionError):
            return not isinstance(seen, ksa_exc.SSLError)
        seen = seen.__cause__ or seen.__context__
    return False


# Options of keystoneauth's generic ``password`` plugin that its ``v3password`` plugin does not take.
GENERIC_ONLY_AUTH_KEYS = ('default_domain_id', 'default_domain_name')


def identity_v3_directly(config):
    """Choose keystoneauth's ``v3password`` for a ``password`` cloud whose ``auth_url`` names v3 (pure).

    The generic ``password`` plugin first asks Keystone which API versions it has (``GET /v3``), then
    builds the v3 plugin anyway when the URL already says v3. Asking for that plugin directly saves the
    request on every task. A cloud that sets an option only the generic plugin takes (the default
    domain) keeps the generic plugin.
    """
    auth = config.get('auth') or {}
    url = str(auth.get('auth_url') or '').rstrip('/')
    if (
        config.get('auth_type') == 'password'
        and url.endswith('/v3')
        and not any(auth.get(key) for key in GENERIC_ONLY_AUTH_KEYS)
    ):
        config = dict(config, auth_type='v3password')
    return config


def _cloud_region(kwargs):
    """openstacksdk's CloudRegion for ``kwargs``, resolved as ``openstack.connect`` resolves it."""
    from openstack.config import loader

    class Config(loader.OpenStackConfig):
        def auth_config_hook(self, config):
            return identity_v3_directly(super(Config, self).auth_config_hook(config))

    region = Config(app_name=APP_NAME).get_one(**kwargs)
    cache = version_cache()
    if cache is not None and getattr(region, '_discovery_cache', None) is None:
        # The session openstacksdk makes for this region takes its discovery cache from here.
        region._discovery_cache = cache
    return region


class _StoredAnswer(object):
    """What keystoneauth's discovery reads of a session's answer to ``GET <version document>``, from
    versions kept by the version cache (no request)."""

    headers = {}
    text = ''

    def __init__(self, versions):
        self._versions = versions

    def get(self, url, headers=None, authenticated=None):
        return self

    def json(self):
        return {'versions': self._versions}


def version_cache(path=None):
    """keystoneauth's discovery cache backed by the version cache file, or None when it is off."""
    from keystoneauth1 import discover

    path = path or cache_path()
    if path is None:
        return None

    def build(url, versions):
        return discover.Discover(_StoredAnswer(versions), url)

    def export(found):
        return found.raw_version_data(allow_experimental=True, allow_deprecated=True, allow_unknown=True)

    return VersionCache(path, build, export)


def connect(params):
    """A ``Cloud`` for the module params (cloud name or dict, auth, region...)."""
    kwargs = connection_kwargs(params)
    try:
        with sdk_errors('loading the cloud configuration'):
            conn = openstack.connection.Connection(config=_cloud_region(kwargs))
    except ComputeError as exc:
        skipped = unreadable_config_files()
        if skipped:
            raise ComputeError('%s %s' % (exc.msg, skipped))
        raise
    install_retry_policy(conn.session)
    return Cloud(conn)


def to_plain(value):
    """SDK resources and munches to plain dicts and lists."""
    if hasattr(value, 'to_dict'):
        return to_plain(value.to_dict(computed=False))
    if isinstance(value, dict):
        return dict((k, to_plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


def server_to_dict(server, drop=VOLATILE_SERVER_FIELDS):
    """A server as a plain dict without the ``drop`` fields (and never its user data)."""
    data = to_plain(server)
    for key in drop:
        data.pop(key, None)
    # user data can hold secrets; Nova shows it to admins only anyway.
    data.pop('user_data', None)
    return data


class Cloud(object):
    """The one seam between the collection and openstacksdk."""

    def __init__(self, conn):
        self.conn = conn

    # ---------------------------------------------------------------- servers: read

    def get_server(self, server_id, drop=VOLATILE_SERVER_FIELDS):
        """The server with this ID as a dict, or None when it is gone."""
        with sdk_errors('reading server %s' % server_id):
            try:
                return server_to_dict(self.conn.compute.get_server(server_id), drop)
            except sdk_exc.NotFoundException:
                return None

    def find_servers(self, name_or_id, all_projects=False):
        """Servers matching an ID or an exact name (one request either way)."""
        if is_uuid(name_or_id):
            found = self.get_server(name_or_id)
            if found is not None:
                return [found]
        # Nova matches names as a regular expression: anchor it and keep exact matches only.
        query = {'name': '^%s$' % re.escape(name_or_id)}
        return [s for s in self.list_servers(query, all_projects=all_projects) if s.get('name') == name_or_id]

    def find_server(self, name_or_id, all_projects=False):
        """One server by name or ID, None when there is none, an error when the name is ambiguous."""
        found = self.find_servers(name_or_id, all_projects=all_projects)
        if len(found) > 1:
            ids = sorted(s['id'] for s in found)
            raise ComputeError(
                '%d servers are named %r: %s. Give the ID instead of the name.'
                % (len(found), name_or_id, ', '.join(ids)),
                server_ids=ids,
            )
        return found[0] if found else None

    def list_servers(self, query=None, all_projects=False, limit=None, keep=None, drop=VOLATILE_SERVER_FIELDS):
        """Servers as dicts, paginated by the SDK; stops after ``limit`` when given.

        ``keep(server)`` filters in Python while the pages are read, so ``limit`` counts kept servers only
        and no page is fetched once enough are kept.
        """
        query = dict(query or {})
        if limit:
            query.setdefault('limit', min(limit, 1000))
        result = []
        with sdk_errors('listing servers'):
            for server in self.conn.compute.servers(details=True, all_projects=all_projects, **query):
                data = server_to_dict(server, drop)
                if keep is not None and not keep(data):
                    continue
                result.append(data)
                if limit and len(result) >= limit:
                    break
        return result

    # ---------------------------------------------------------------- servers: write

    def create_server(self, attrs):
        with sdk_errors('creating server %s' % attrs.get('name')):
            return server_to_dict(self.conn.compute.create_server(**attrs))

    def update_server(self, server_id, attrs):
        with sdk_errors('updating server %s' % server_id):
            return server_to_dict(self.conn.compute.update_server(server_id, **attrs))

    def delete_server(self, server_id, force=False):
        with sdk_errors('deleting server %s' % server_id):
            self.conn.compute.delete_server(server_id, ignore_missing=True, force=force)

    def set_server_metadata(self, server_id, metadata):
        with sdk_errors('setting metadata on server %s' % server_id):
            self.conn.compute.set_server_metadata(server_id, **metadata)

    def delete_server_metadata(self, server_id, keys):
        with sdk_errors('deleting metadata %s from server %s' % (', '.join(sorted(keys)), server_id)):
            self.conn.compute.delete_server_metadata(server_id, list(keys))

    def add_server_tag(self, server_id, tag):
        with sdk_errors('adding tag %s to server %s' % (tag, server_id)):
            self.conn.compute.add_tag_to_server(server_id, tag)

    def remove_server_tag(self, server_id, tag):
        with sdk_errors('removing tag %s from server %s' % (tag, server_id)):
            self.conn.compute.remove_tag_from_server(server_id, tag)

    def server_call(self, method, server_id, doing, **kwargs):
        """Call compute proxy ``method`` on a server (one of the operations of the Server resource)."""
        with sdk_errors(doing):
            return to_plain(getattr(self.conn.compute, method)(server_id, **kwargs))

    def server_resource_call(self, method, server_id, doing, **kwargs):
        """Call a Server resource method that the proxy does not wrap (topology, force_delete...)."""
        with sdk_errors(doing):
            server = _server_class().existing(id=server_id)
            return to_plain(getattr(server, method)(self.conn.compute, **kwargs))

    def get_server_topology(self, server_id):
        """A server's NUMA topology. Needs microversion 2.78, which the SDK's fetch_topology does not send."""
        with sdk_errors('reading the topology of server %s' % server_id):
            response = self.conn.compute.get('/servers/%s/topology' % server_id, microversion='2.78')
            sdk_exc.raise_from_response(response)
            return response.json()

    def server_action_request(self, server_id, body, doing, microversion=None):
        """POST one server action body at a given microversion; returns the JSON answer or None.

        For actions Nova removed from later microversions while the SDK sends its newest one (the fixed and
        floating IP actions exist up to 2.43 only).
        """
        with sdk_errors(doing):
            kwargs = {'microversion': microversion} if microversion else {}
            response = self.conn.compute.post('/servers/%s/action' % server_id, json=body, **kwargs)
            sdk_exc.raise_from_response(response)
            try:
                return response.json()
            except ValueError:
                return None

    def list_server_actions(self, server_id):
        """The server's instance actions (newest first), without events."""
        with sdk_errors('listing the actions of server %s' % server_id):
            return [to_plain(a) for a in self.conn.compute.server_actions(server_id)]

    def get_server_action(self, server_id, request_id):
        """One instance action with its events (Nova shows events to admins only)."""
        with sdk_errors('reading action %s of server %s' % (request_id, server_id)):
            return to_plain(self.conn.compute.get_server_action(request_id, server_id, ignore_missing=True))

    def current_roles(self):
        """Role names of the token (no request: the token is already there)."""
        with sdk_errors('reading the roles of the current user'):
            return list(self.conn.session.auth.get_access(self.conn.session).role_names or [])

    # ---------------------------------------------------------------- waits

    def wait_for_server(self, server_id, done, failed=None, timeout=600, pauses=None, delay=0):
        """Poll the server until ``done(server)``; ERROR fails at once with Nova's fault."""

        def fetch():
            return self.get_server(server_id)

        def fail(server):
            if server is None:
                return 'Server %s disappeared while waiting.' % server_id
            if failed is not None:
                return failed(server)
            return None

        return poll(fetch, done, fail, timeout=timeout, describe=describe_server_state, pauses=pauses, delay=delay)

    def wait_for_server_gone(self, server_id, timeout=600):
        return poll(
            lambda: self.get_server(server_id),
            lambda s: s is None or s.get('status') == 'DELETED',
            timeout=timeout,
            describe=describe_server_state,
            pauses=intervals(CHANGE_STEP),
            delay=CHANGE_DELAY,
        )

    # ---------------------------------------------------------------- lookups

    def find_flavor(self, name_or_id):
        # One listing answers both questions (a flavor ID can be any string, so the SDK's find asks for the
        # ID first and lists after a 404): an ID match wins over a name match, as in the SDK.
        with sdk_errors('looking up flavor %s' % name_or_id):
            flavors = [to_plain(f) for f in self.conn.compute.flavors(details=True, is_public=None)]
        found = [f for f in flavors if f.get('id') == name_or_id] or [f for f in flavors if f.get('name') == name_or_id]
        if not found:
            names = sorted(f.get('name') or f.get('id') for f in flavors)
            raise ComputeError('Flavor %r not found; available: %s.' % (name_or_id, ', '.join(names) or 'none'))
        return _only_one('flavor', name_or_id, found)

    def find_image(self, name_or_id):
        with sdk_errors('looking up image %s' % name_or_id):
            if is_uuid(name_or_id):
                image = self.conn.image.find_image(name_or_id, ignore_missing=True)
                found = [to_plain(image)] if image is not None else []
            else:
                # Image IDs are UUIDs: a name goes straight to the listing (one request instead of two).
                found = [to_plain(i) for i in self.conn.image.images(name=name_or_id)]
        if not found:
            raise ComputeError('Image %r not found.' % name_or_id)
        return _only_one('image', name_or_id, found)

    def find_network(self, name_or_id):
        with sdk_errors('looking up network %s' % name_or_id):
            if is_uuid(name_or_id):
                network = self.conn.network.find_network(name_or_id, ignore_missing=True)
            else:
                # Network IDs are UUIDs: a name goes straight to the listing (one request instead of two).
                found = [to_plain(n) for n in self.conn.network.networks(name=name_or_id)]
                network = _only_one('network', name_or_id, found) if found else None
            if network is None:
                names = sorted(n.name for n in self.conn.network.networks())
                raise ComputeError('Network %r not found; available: %s.' % (name_or_id, ', '.join(names) or 'none'))
            return to_plain(network)

    def find_port(self, name_or_id):
        with sdk_errors('looking up port %s' % name_or_id):
            port = self.conn.network.find_port(name_or_id, ignore_missing=True)
            if port is None:
                raise ComputeError('Port %r not found.' % name_or_id)
            return to_plain(port)

    def list_ports(self, **query):
        with sdk_errors('listing ports'):
            return [to_plain(p) for p in self.conn.network.ports(**query)]

    def find_security_group(self, name_or_id):
        with sdk_errors('looking up security group %s' % name_or_id):
            group = self.conn.network.find_security_group(
                name_or_id, ignore_missing=True, project_id=self.current_project_id()
            )
            if group is None:
                group = self.conn.network.find_security_group(name_or_id, ignore_missing=True)
            if group is None:
                raise ComputeError('Security group %r not found.' % name_or_id)
            return to_plain(group)

    def list_security_groups(self, **query):
        with sdk_errors('listing security groups'):
            return [to_plain(g) for g in self.conn.network.security_groups(**query)]

    def find_keypair(self, name):
        with sdk_errors('looking up keypair %s' % name):
            keypair = self.conn.compute.find_keypair(name, ignore_missing=True)
            if keypair is None:
                raise ComputeError('Keypair %r not found.' % name)
            return to_plain(keypair)

    def find_server_group(self, name_or_id):
        with sdk_errors('looking up server group %s' % name_or_id):
            group = self.conn.compute.find_server_group(name_or_id, ignore_missing=True)
            if group is None:
                raise ComputeError('Server group %r not found.' % name_or_id)
            return to_plain(group)

    def find_floating_ip(self, address):
        with sdk_errors('looking up floating IP %s' % address):
            ips = list(self.conn.network.ips(floating_ip_address=address))
            return to_plain(ips[0]) if ips else None

    def list_floating_ips(self, **query):
        with sdk_errors('listing floating IPs'):
            return [to_plain(ip) for ip in self.conn.network.ips(**query)]

    def find_external_network(self):
        """The one external network of the cloud (the floating IP pool), or an error naming them."""
        with sdk_errors('looking up external networks'):
            networks = [to_plain(n) for n in self.conn.network.networks(is_router_external=True)]
        if len(networks) == 1:
            return networks[0]
        if not networks:
            raise ComputeError('No external network to allocate a floating IP from.')
        raise ComputeError(
            'Several external networks (%s): choose one with floating_ip_pool.'
            % ', '.join(sorted(n.get('name') or n['id'] for n in networks))
        )

    def delete_floating_ip(self, address):
        with sdk_errors('releasing floating IP %s' % address):
            for ip in self.conn.network.ips(floating_ip_address=address):
                self.conn.network.delete_ip(ip, ignore_missing=True)

    def create_floating_ip(self, network_id, **attrs):
        with sdk_errors('allocating a floating IP'):
            return to_plain(self.conn.network.create_ip(floating_network_id=network_id, **attrs))

    def current_project_id(self):
        with sdk_errors('reading the current project'):
            return self.conn.current_project_id

    def find_project(self, name_or_id):
        """A project as {'id', 'name'}; the token's own project costs no request."""
        with sdk_errors('looking up project %s' % name_or_id):
            access = self.conn.session.auth.get_access(self.conn.session)
            if name_or_id in (access.project_id, access.project_name):
                return {'id': access.project_id, 'name': access.project_name}
            project = self.conn.identity.find_project(name_or_id, ignore_missing=True)
            if project is None:
                raise ComputeError('Project %r not found, or not visible to this user.' % name_or_id)
            return {'id': project.id, 'name': project.name}

    def compute_max_microversion(self):
        """The highest compute microversion both the SDK and the cloud speak, as a string."""
        with sdk_errors('discovering the compute API version'):
            data = self.conn.compute.get_endpoint_data()
            version = getattr(data, 'max_microversion', None)
            if not version:
                return '2.1'
            offered = tuple(version[:2])
            # compute_api_version: 2.60 in clouds.yaml pins requests to 2.60: the cloud offers no more to us.
            pinned = getattr(self.conn.compute, 'default_microversion', None)
            if pinned and '.' in str(pinned):
                offered = min(offered, tuple(int(p) for p in str(pinned).split('.')[:2]))
            return '%d.%d' % offered

    # ---------------------------------------------------------------- images

    def list_images(self, **query):
        with sdk_errors('listing images'):
            return [to_plain(i) for i in self.conn.image.images(**query)]

    def get_image(self, image_id):
        with sdk_errors('reading image %s' % image_id):
            try:
                return to_plain(self.conn.image.get_image(image_id))
            except sdk_exc.NotFoundException:
                return None

    def update_image(self, image_id, **attrs):
        with sdk_errors('updating image %s' % image_id):
            return to_plain(self.conn.image.update_image(image_id, **attrs))

    def delete_image(self, image_id):
        with sdk_errors('deleting image %s' % image_id):
            self.conn.image.delete_image(image_id, ignore_missing=True)

    def wait_for_image(self, image_id, timeout=600, delay=0):
        def fetch():
            return self.get_image(image_id)

        def failed(image):
            if image is None:
                return 'Image %s disappeared while waiting for it to become active.' % image_id
            if image.get('status') in ('killed', 'deleted', 'deactivated'):
                return 'Image %s ended %s.' % (image_id, image.get('status'))
            return None

        return poll(
            fetch,
            lambda i: i is not None and i.get('status') == 'active',
            failed,
            timeout=timeout,
            describe=lambda i: 'status %s' % (i or {}).get('status'),
            delay=delay,
        )

    # ---------------------------------------------------------------- images made from servers

    def list_images_where(self, query):
        """Images matching a Glance v2 list query, every page, as SDK-shaped dicts.

        The SDK's image list drops query keys it does not know (custom properties such as
        ``instance_uuid`` or labels) and would fetch every image; Glance itself filters on any
        property, so the query goes to Glance as it is.
        """
        params = dict(query)
        params.setdefault('limit', 100)
        result = []
        with sdk_errors('listing images'):
            while True:
                response = self.conn.image.get('/images', params=params)
                sdk_exc.raise_from_response(response)
                data = response.json()
                page = data.get('images') or []
                result.extend(image_from_glance(raw) for raw in page)
                if not page or not data.get('next'):
                    return result
                params['marker'] = page[-1]['id']

    def create_server_image(self, server_id, name, metadata):
        """Nova createImage (a snapshot); returns the new image's ID."""
        with sdk_errors('creating image %s of server %s' % (name, server_id)):
            server = _server_class().existing(id=server_id)
            return server.create_image(self.conn.compute, name, metadata)

    def create_server_backup(self, server_id, name, backup_type, rotation, metadata):
        """Nova createBackup with metadata (the SDK's backup() sends none); returns the image ID."""
        from openstack import utils as sdk_utils

        body = {'createBackup': {'name': name, 'backup_type': backup_type, 'rotation': rotation, 'metadata': metadata}}
        with sdk_errors('backing up server %s into image %s' % (server_id, name)):
            # 2.45 returns the image ID in the body; before it, in the Location header.
            microversion = '2.45' if sdk_utils.supports_microversion(self.conn.compute, '2.45') else None
            response = self.conn.compute.post('/servers/%s/action' % server_id, json=body, microversion=microversion)
            sdk_exc.raise_from_response(response)
            try:
                image_id = (response.json() or {}).get('image_id')
            except ValueError:
                image_id = None
            return image_id or response.headers['Location'].rsplit('/', 1)[1]

    def set_image_properties(self, image_id, properties):
        """Add or replace custom properties of an image (one JSON-patch request)."""
        with sdk_errors('setting properties %s of image %s' % (', '.join(sorted(properties)), image_id)):
            # Glance refuses "add" for a property the image has and "replace" for one it lacks: read first.
            current = self.conn.image.get('/images/%s' % image_id)
            sdk_exc.raise_from_response(current)
            have = current.json()
            patch = [
                {'op': 'replace' if key in have else 'add', 'path': '/%s' % key, 'value': value}
                for key, value in sorted(properties.items())
            ]
            response = self.conn.image.patch(
                '/images/%s' % image_id,
                json=patch,
                headers={'Content-Type': 'application/openstack-images-v2.1-json-patch'},
            )
            sdk_exc.raise_from_response(response)
            return image_from_glance(response.json())


def _only_one(kind, name_or_id, found):
    if len(found) > 1:
        ids = sorted(str(f.get('id')) for f in found)
        raise ComputeError(
            '%d %ss are named %r: %s. Give the ID instead of the name.'
            % (len(found), kind, name_or_id, ', '.join(ids)),
            ids=ids,
        )
    return found[0]


def _server_class():
    from openstack.compute.v2 import server as server_mod

    return server_mod.Server


def _image_class():
    from openstack.image.v2 import image as image_mod

    return image_mod.Image


def image_from_glance(raw):
    """An image as Glance's API returns it, in the shape of the SDK's images (properties nested)."""
    raw = dict(raw)
    # Glance names a key "self", which the SDK resource cannot take.
    raw.pop('self', None)
    return to_plain(_image_class().existing(**raw))


def server_query_names():
    """Names the server list accepts as query parameters: {SDK or Nova name: SDK name}."""
    names = {}
    for sdk_name, nova in _server_class()._query_mapping._mapping.items():
        nova_name = nova.get('name', sdk_name) if isinstance(nova, dict) else nova
        names[sdk_name] = sdk_name
        names.setdefault(nova_name, sdk_name)
    return names


def server_attribute_names():
    """The attribute names of an SDK server, as they appear in server dicts."""
    return sorted(set(name for name, _field in _server_class()._attributes_iterator()))


def describe_server_state(server):
    if not server:
        return 'no server'
    parts = ['status %s' % server.get('status')]
    if server.get('task_state'):
        parts.append('task_state %s' % server.get('task_state'))
    fault = (server.get('fault') or {}).get('message')
    if fault:
        parts.append('fault %s' % fault)
    return ', '.join(parts)
