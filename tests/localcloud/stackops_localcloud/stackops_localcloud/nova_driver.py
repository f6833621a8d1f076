"""Fake compute driver for the local cloud: real-looking snapshots and moves between hosts.

On top of nova's ``FakeDriverWithoutFakeNodes`` it changes three things the tests need:

- snapshots: the in-tree driver creates the image record but never uploads bytes, so
  snapshot and backup images stay ``queued``. This one uploads a few KiB the way the libvirt
  driver does (image update with data, keeping the properties nova already set);
- live migration: the source host forgets the guest afterwards (the in-tree driver keeps
  it, and a later evacuation back to that host fails with InstanceExists);
- restarts: guests live in the nova-compute process, so a restarted compute (needed after
  an evacuation) would report its guests gone and nova would stop them. Like guests on a
  real hypervisor, they survive: an instance nova places on this host is taken back with
  the power state nova last recorded.

It also answers the hypervisor uptime API instead of raising NotImplementedError.

nova loads compute drivers as ``'nova.virt.' + compute_driver``; the local cloud's venv setup
writes a one-line ``nova/virt/stackops_localcloud.py`` that re-exports this class, and
nova.conf says ``compute_driver = stackops_localcloud.UploadingFakeDriver``.
"""

from __future__ import annotations

import io
import os
import time

from nova.compute import power_state
from nova.image import glance
from nova.virt import fake

# Recognisable content: 4 KiB, enough for Glance to compute size and checksum.
SNAPSHOT_DATA = (b'stackops.compute local cloud fake snapshot\n' * 96)[:4096]


class UploadingFakeDriver(fake.FakeDriverWithoutFakeNodes):
    """FakeDriverWithoutFakeNodes with uploading snapshots and guests that stay put."""

    def __init__(self, virtapi, read_only: bool = False) -> None:
        super().__init__(virtapi, read_only)
        self._image_api = glance.API()

    def post_live_migration(self, context, instance, block_device_info, migrate_data=None) -> None:
        # Runs on the source host once the guest runs on the destination.
        self.destroy(context, instance, network_info=None, block_device_info=block_device_info)

    def get_info(self, instance, use_cache: bool = True):
        # instance.host names this host only once nova has placed the instance here, so a
        # guest being built, migrated or evacuated to this host is never taken back early.
        if instance.uuid not in self.instances and instance.host == self._host:
            self.instances[instance.uuid] = fake.FakeInstance(
                instance.name, instance.power_state or power_state.NOSTATE, instance.uuid
            )
        return super().get_info(instance, use_cache)

    def get_host_uptime(self) -> str:
        with open('/proc/uptime', encoding='ascii') as uptime:
            seconds = int(float(uptime.read().split()[0]))
        load = ', '.join(f'{value:.2f}' for value in os.getloadavg())
        return (
            f"{time.strftime('%H:%M:%S')} up {seconds // 86400} days, "
            f"{seconds % 86400 // 3600}:{seconds % 3600 // 60:02d}, "
            f"load average: {load}"
        )

    def snapshot(self, context, instance, image_id, update_task_state) -> None:
        # The parent checks that the guest exists and moves the task state to uploading.
        super().snapshot(context, instance, image_id, update_task_state)
        metadata = {'disk_format': 'raw', 'container_format': 'bare'}
        self._image_api.update(context, image_id, metadata, io.BytesIO(SNAPSHOT_DATA), purge_props=False)
