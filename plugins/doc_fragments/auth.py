# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
options:
  cloud:
    description:
      - Name of a cloud in C(clouds.yaml), or a dictionary that holds a whole cloud configuration.
      - When left out, openstacksdk resolves the cloud itself, in its usual order - the E(OS_CLOUD)
        environment variable, the E(OS_*) authentication variables, then a cloud named C(envvars) or the only
        cloud of C(clouds.yaml). C(clouds.yaml) is looked up where openstacksdk looks, or at
        E(OS_CLIENT_CONFIG_FILE).
      - When a dictionary is given, the other connection options must be left out.
    type: raw
  auth:
    description:
      - Authentication values (C(auth_url), C(username), C(password), C(project_name),
        C(application_credential_id), ...) for the chosen O(auth_type).
      - They override what O(cloud) says.
    type: dict
  auth_type:
    description:
      - Name of the keystoneauth plugin, for example V(password), V(token) or V(v3applicationcredential).
    type: str
  region_name:
    description:
      - Region to use, when the cloud has several.
    type: str
  interface:
    description:
      - Which endpoints of the catalog to talk to.
    type: str
    choices: [admin, internal, public]
    aliases: [endpoint_type]
  validate_certs:
    description:
      - Whether to check the TLS certificates of the endpoints. Left out, the cloud's configuration decides
        (openstacksdk checks them by default).
    type: bool
    aliases: [verify]
  ca_cert:
    description:
      - Path to a CA bundle that signs the endpoints' certificates.
    type: str
    aliases: [cacert]
  client_cert:
    description:
      - Path to a client certificate, for endpoints that want one.
    type: str
    aliases: [cert]
  client_key:
    description:
      - Path to the key of O(client_cert).
    type: str
    aliases: [key]
  api_timeout:
    description:
      - Seconds before one API request gives up. Left out, openstacksdk's default applies.
    type: int
requirements:
  - python >= 3.10
  - openstacksdk >= 4.10.0
notes:
  - Every module of this collection is in the action group C(stackops.compute.compute), so connection
    options can be given once for a play with C(module_defaults).
  - The API version documents of the cloud's services (public answers such as Nova's microversion range,
    asked for before the first request to a service) are kept for 10 minutes in
    C(~/.cache/stackops-compute/versions.json) (or under E(XDG_CACHE_HOME)) on the host that runs the module,
    so later tasks skip those requests. Nothing else is kept, never a token. Set the environment variable
    E(STACKOPS_COMPUTE_VERSION_CACHE) to another folder, or to V(off) to keep nothing.
'''
