# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the compute service (Nova's os-services) calls of the cloud seam."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.stackops.compute.plugins.module_utils._sdk_base import sdk_errors, to_plain

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


class ServicesMixin(object):
    """The services of Nova's hosts (nova-compute, nova-conductor...): read, enable, disable."""

    def list_compute_services(self, binary):
        """Every service of this binary, on every host (one request)."""
        with sdk_errors('listing the %s services' % binary):
            return [service_to_dict(s) for s in self.conn.compute.services(binary=binary)]

    def set_compute_service_status(self, service, enabled, reason=None):
        """Enable or disable a service: by ID from microversion 2.53 on (openstacksdk falls back to host and
        binary before it). Returns the service as Nova answers, or None when Nova's answer has none."""
        compute = self.conn.compute
        doing = '%s the %s service of %s' % ('enabling' if enabled else 'disabling', service['binary'], service['host'])
        with sdk_errors(doing):
            if enabled:
                updated = compute.enable_service(service['id'], host=service['host'], binary=service['binary'])
            else:
                updated = compute.disable_service(
                    service['id'], host=service['host'], binary=service['binary'], disabled_reason=reason
                )
            return service_to_dict(updated) if updated is not None else None
