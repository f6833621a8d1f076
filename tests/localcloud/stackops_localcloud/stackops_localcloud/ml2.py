"""ML2 mechanism driver that binds every port on every host.

The local cloud has no L2 agents and no dataplane. Nova still needs each port bound to the
host it schedules to (including the second binding a live migration creates on the target
host), so this driver accepts any host, any network type and any vnic type and reports the
port ACTIVE at once.
"""

from __future__ import annotations

from neutron_lib import constants
from neutron_lib.api.definitions import portbindings
from neutron_lib.plugins.ml2 import api


class AnyHostMechanismDriver(api.MechanismDriver):
    """Bind the first segment offered, on whatever host the port names."""

    def initialize(self) -> None:
        pass

    def bind_port(self, context: api.PortContext) -> None:
        segments = context.segments_to_bind
        if not context.host or not segments:
            return
        context.set_binding(
            segments[0][api.ID],
            portbindings.VIF_TYPE_OVS,
            {portbindings.CAP_PORT_FILTER: True},
            status=constants.PORT_STATUS_ACTIVE,
        )
