# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the seam between the collection and openstacksdk: connecting, and ``Cloud``.

Everything that talks to a cloud goes through ``Cloud``. It returns plain dicts (never SDK
resources), and turns every SDK or keystoneauth exception into one ``ComputeError`` whose message a
person can act on. Its calls live by service in ``_sdk_compute.py``, ``_sdk_image.py``,
``_sdk_network.py``, ``_sdk_block_storage.py`` and ``_sdk_services.py`` (Nova's host services), on
``_sdk_base.py`` (the import of openstacksdk, its errors, plain dicts); ``_sdk_inventory.py`` adds what the
inventory plugin reads. Only these files import openstacksdk, and the rest of the collection imports the seam
from here (the inventory plugin from ``_sdk_inventory.py``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.module_utils._retry import install_retry_policy
from ansible_collections.stackops.compute.plugins.module_utils._sdk_base import (
    HAS_SDK,
    SDK_IMPORT_ERROR,
    first_line,
    is_ambiguous_failure,
    is_uuid,
    sdk_errors,
    to_plain,
)
from ansible_collections.stackops.compute.plugins.module_utils._sdk_block_storage import BlockStorageMixin
from ansible_collections.stackops.compute.plugins.module_utils._sdk_compute import (
    DROPPED_SERVER_FIELDS,
    ComputeMixin,
    describe_server_state,
    is_gone,
    server_attribute_names,
    server_query_names,
    server_to_dict,
)
from ansible_collections.stackops.compute.plugins.module_utils._sdk_image import ImageMixin, image_from_glance
from ansible_collections.stackops.compute.plugins.module_utils._sdk_network import NetworkMixin
from ansible_collections.stackops.compute.plugins.module_utils._sdk_services import ServicesMixin
from ansible_collections.stackops.compute.plugins.module_utils._version_cache import VersionCache, cache_path

# What the rest of the collection uses of the seam: it imports these from here, never from the service files.
__all__ = [
    'HAS_SDK',
    'SDK_IMPORT_ERROR',
    'DROPPED_SERVER_FIELDS',
    'Cloud',
    'ComputeError',
    'connect',
    'cloud_choice_problem',
    'connection_kwargs',
    'describe_server_state',
    'identity_v3_directly',
    'image_from_glance',
    'is_ambiguous_failure',
    'is_gone',
    'is_uuid',
    'sdk_errors',
    'server_attribute_names',
    'server_query_names',
    'server_to_dict',
    'to_plain',
    'unreadable_config_files',
    'version_cache',
]

APP_NAME = 'stackops-compute'

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


def unreadable_config_files(paths=None):
    """One line about the clouds.yaml files openstacksdk skipped because they do not parse, or ''.

    openstacksdk only logs a warning for them and goes on, so the error it raises then ("Cloud x was not
    found") would point away from the real problem. ``paths``: the files to look at, in openstacksdk's order
    (by default OS_CLIENT_CONFIG_FILE, then its own places); the first one that parses is the one it reads,
    so the files after it are not looked at.
    """
    import os

    import yaml

    if paths is None:
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
            problem = getattr(exc, 'problem', None) or first_line(exc)
            return '%s was skipped: it is not valid YAML (%s%s).' % (path, problem, where)
        return ''
    return ''


# Where openstacksdk looks for clouds.yaml, for a message that says none was read.
CLOUDS_YAML_PLACES = 'OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack/, /etc/openstack/'


def cloud_choice_problem(chosen, from_env, path, names, env_cloud=None, own_auth=False):
    """One line on why the cloud to use is unknown, or '' when it is known (pure; unit-tested).

    ``chosen`` is the cloud the ``cloud`` option names, or OS_CLOUD when ``from_env``; ``path`` the
    clouds.yaml openstacksdk read (None: none) and ``names`` the clouds it defines. ``env_cloud`` is the
    name of the cloud that the OS_* variables describe, ``own_auth`` whether the task gives its own
    ``auth``: either way no cloud needs to be chosen.

    openstacksdk takes the only cloud of a clouds.yaml without being told; with several and no choice,
    it goes on without credentials, and the task would fail later on a missing ``auth_url``.
    """
    if path:
        defined = 'clouds.yaml (%s) defines %s' % (path, ', '.join(names) if names else 'no cloud')
    else:
        defined = 'no clouds.yaml was read (%s)' % CLOUDS_YAML_PLACES
    if chosen:
        if chosen in names or chosen == env_cloud:
            return ''
        return 'Cloud %s%s was not found: %s.' % (chosen, ' (from OS_CLOUD)' if from_env else '', defined)
    if env_cloud or own_auth or len(names) < 2:
        return ''
    return 'No cloud chosen: %s; set cloud: or OS_CLOUD.' % defined


def _chosen_cloud(kwargs):
    """The cloud the task names, else OS_CLOUD, and whether it came from OS_CLOUD."""
    import os

    if kwargs.get('cloud'):
        return kwargs['cloud'], False
    return os.environ.get('OS_CLOUD') or None, bool(os.environ.get('OS_CLOUD'))


def _check_cloud_choice(config, kwargs):
    """Fail before any request when ``config`` (openstacksdk's OpenStackConfig) cannot tell the cloud."""
    clouds = config.cloud_config.get('clouds') or {}
    env_cloud = config.envvar_key if config.envvar_key in clouds else None
    names = [name for name in clouds if name != env_cloud] if config.config_filename else []
    chosen, from_env = _chosen_cloud(kwargs)
    problem = cloud_choice_problem(
        chosen, from_env, config.config_filename, names, env_cloud=env_cloud, own_auth='auth' in kwargs
    )
    if problem:
        raise ComputeError(problem)


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
    import yaml
    from openstack.config import loader

    class Config(loader.OpenStackConfig):
        def auth_config_hook(self, config):
            return identity_v3_directly(super(Config, self).auth_config_hook(config))

    try:
        config = Config(app_name=APP_NAME)
    except yaml.YAMLError:
        # openstacksdk before 4.14 stops at a clouds.yaml that does not parse; later ones skip it and say
        # the cloud is not found. Both end in the same message (connect adds which file and where).
        chosen, from_env = _chosen_cloud(kwargs)
        raise ComputeError(
            cloud_choice_problem(chosen, from_env, None, []) or 'The cloud configuration cannot be read.'
        )
    _check_cloud_choice(config, kwargs)
    region = config.get_one(**kwargs)
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
    from openstack import connection

    kwargs = connection_kwargs(params)
    try:
        with sdk_errors('loading the cloud configuration'):
            conn = connection.Connection(config=_cloud_region(kwargs))
    except ComputeError as exc:
        skipped = unreadable_config_files()
        if skipped:
            raise ComputeError('%s %s' % (exc.msg, skipped))
        raise
    install_retry_policy(conn.session)
    return Cloud(conn)


class Cloud(ComputeMixin, ImageMixin, NetworkMixin, BlockStorageMixin, ServicesMixin):
    """The one seam between the collection and openstacksdk: one mixin per service, and who the caller is."""

    def __init__(self, conn):
        self.conn = conn

    # ---------------------------------------------------------------- the caller (from the token)

    def current_roles(self):
        """Role names of the token (no request: the token is already there)."""
        with sdk_errors('reading the roles of the current user'):
            return list(self.conn.session.auth.get_access(self.conn.session).role_names or [])

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
