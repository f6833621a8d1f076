# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the SDK seam for Nova's compute services (read, enable, disable).

Part of the one seam to openstacksdk (``_sdk`` and the files beside it): it goes through the
connection of a ``Cloud`` and turns every SDK error into one ``ComputeError``, as ``_sdk`` does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.stackops.compute.plugins.module_utils._sdk import sdk_errors, to_plain

# The fields of a service a result shows (openstacksdk's names).
SERVICE_FIELDS = (
    'id',
    'binary',
    'host',
    'status',
    'state',
    'disabled_reason',
    'is_forced_down',
    'availability_zone',
    'updated_at',
)


def service_to_dict(service):
    data = to_plain(service)
    return dict((key, data.get(key)) for key in SERVICE_FIELDS)


def list_services(cloud, binary):
    """Every service of this binary, on every host (one request)."""
    with sdk_errors('listing the %s services' % binary):
        return [service_to_dict(s) for s in cloud.conn.compute.services(binary=binary)]


def set_service_status(cloud, service, enabled, reason=None):
    """Enable or disable a service (microversion 2.53 and later by ID, before it by host and binary)."""
    compute = cloud.conn.compute
    doing = '%s the %s service of %s' % ('enabling' if enabled else 'disabling', service['binary'], service['host'])
    with sdk_errors(doing):
        # By ID from microversion 2.53 on; openstacksdk falls back to host and binary before it.
        if enabled:
            updated = compute.enable_service(service['id'], host=service['host'], binary=service['binary'])
        else:
            updated = compute.disable_service(
                service['id'], host=service['host'], binary=service['binary'], disabled_reason=reason
            )
        return service_to_dict(updated) if updated is not None else None
