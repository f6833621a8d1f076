# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the network (Neutron) calls of the cloud seam."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError, not_found
from ansible_collections.stackops.compute.plugins.module_utils._sdk_base import (
    is_uuid,
    only_one,
    sdk_errors,
    sdk_exc,
    to_plain,
)


class NetworkMixin(object):
    """Networks, ports, security groups and floating IPs."""

    def find_network(self, name_or_id):
        with sdk_errors('looking up network %s' % name_or_id):
            if is_uuid(name_or_id):
                network = self.conn.network.find_network(name_or_id, ignore_missing=True)
            else:
                # Network IDs are UUIDs: a name goes straight to the listing (one request instead of two).
                found = [to_plain(n) for n in self.conn.network.networks(name=name_or_id)]
                network = only_one('network', name_or_id, found) if found else None
            if network is None:
                raise not_found('Network', name_or_id, [n.name or n.id for n in self.conn.network.networks()])
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
                groups = self.conn.network.security_groups(project_id=self.current_project_id())
                raise not_found('Security group', name_or_id, [g.name or g.id for g in groups])
            return to_plain(group)

    def list_security_groups(self, **query):
        with sdk_errors('listing security groups'):
            return [to_plain(g) for g in self.conn.network.security_groups(**query)]

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

    def get_floating_ip(self, ip_id):
        """One floating IP by ID, or None when it is gone."""
        with sdk_errors('reading floating IP %s' % ip_id):
            try:
                return to_plain(self.conn.network.get_ip(ip_id))
            except sdk_exc.NotFoundException:
                return None

    def take_floating_ip(self, ip_id, revision_number, port_id, fixed_ip_address):
        """Associate a floating IP with a port unless anyone changed it since it was read at
        ``revision_number``: Neutron's conditional update (``If-Match: revision_number=N``). Returns the floating
        IP, or None when another client changed it first (Neutron's 412), so that it is someone else's."""
        with sdk_errors('associating floating IP %s' % ip_id):
            try:
                # The ID, never a resource: the SDK keeps the If-Match header on a resource object for its
                # later requests.
                taken = self.conn.network.update_ip(
                    ip_id, if_revision=revision_number, port_id=port_id, fixed_ip_address=fixed_ip_address
                )
            except sdk_exc.PreconditionFailedException:
                return None
            return to_plain(taken)
