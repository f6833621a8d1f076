"""Cinder volume driver for the local cloud: volumes are small files, attachable by nova's fake driver.

The local cloud has no LVM volume group, iSCSI target or kernel module. This driver keeps each
volume and each snapshot as a file under one folder (``stackops_volume_dir``):

- a file holds the bytes written to the volume, not its full size: the size in GB lives in
  Cinder's database, and the unwritten rest of the volume reads as zeros (a new empty volume is
  an empty file). A volume made from an image holds the image's bytes as Glance serves them,
  without format conversion (there is no qemu-img here);
- snapshots and clones are copies of the file, so a volume made from a snapshot has the data
  the snapshot had;
- an image made from a volume (``os-volume_upload_image``) uploads the file's bytes; a volume
  that was never written gives one MiB of zeros;
- attachments return ``driver_volume_type: local`` with the file as ``device_path`` (the
  os-brick ``local`` protocol); nova's fake virt driver records the connection info without
  touching it. The pool allows multi-attach (nova's fake driver claims it too);
- capacity is reported to the scheduler as thin provisioned: ``stackops_capacity_gb`` in
  total, free space reduced by the bytes the files hold, Cinder's usual
  ``max_over_subscription_ratio``. The scheduler's capacity filter works as with any thin backend.

cinder-volume loads it by its full path:
``volume_driver = stackops_localcloud.cinder_driver.LocalFileVolumeDriver``.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from typing import Any

from cinder import interface
from cinder.volume import configuration, driver
from oslo_config import cfg
from oslo_log import log as logging

LOG = logging.getLogger(__name__)
GIB = 1024**3
MIB = 1024**2
EMPTY_IMAGE = b'\0' * MIB

local_opts = [
    cfg.StrOpt(
        'stackops_volume_dir',
        default='$state_path/local-volumes',
        help='Folder that holds one file per volume and per snapshot.',
    ),
    cfg.IntOpt(
        'stackops_capacity_gb',
        default=1000,
        min=1,
        help='Capacity reported to the scheduler, in GB, before over-subscription.',
    ),
]
cfg.CONF.register_opts(local_opts, group=configuration.SHARED_CONF_GROUP)


@interface.volumedriver
class LocalFileVolumeDriver(driver.VolumeDriver):
    """Volumes and snapshots as files in one folder, attached through the ``local`` protocol."""

    VERSION = '1.0.0'
    # The same tag the in-tree test drivers carry: no third-party CI.
    CI_WIKI_NAME = 'stackops_localcloud'
    PROTOCOL = 'local'

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.configuration.append_config_values(local_opts)
        self.backend_name = self.configuration.safe_get('volume_backend_name') or 'local'
        self._dir = Path(self.configuration.stackops_volume_dir)

    @staticmethod
    def get_driver_options() -> list[cfg.Opt]:
        return local_opts

    # ------------------------------------------------------------ files

    def _volume_path(self, volume: Any) -> Path:
        return self._dir / f'volume-{volume.id}'

    def _snapshot_path(self, snapshot: Any) -> Path:
        return self._dir / f'snapshot-{snapshot.id}'

    def local_path(self, volume: Any) -> str:
        return str(self._volume_path(volume))

    @staticmethod
    def _copy(source: Path, target: Path) -> None:
        tmp = target.with_name(target.name + '.part')
        shutil.copyfile(source, tmp)
        tmp.replace(target)

    @staticmethod
    def _remove(path: Path) -> None:
        path.unlink(missing_ok=True)

    def _fill_from_image(self, context: Any, volume: Any, image_service: Any, image_id: str) -> None:
        path = self._volume_path(volume)
        tmp = path.with_name(path.name + '.part')
        with open(tmp, 'wb') as target:
            image_service.download(context, image_id, target)
        tmp.replace(path)
        LOG.info('Volume %s: %d bytes from image %s', volume.id, path.stat().st_size, image_id)

    # ------------------------------------------------------------ setup and stats

    def do_setup(self, context: Any) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)

    def check_for_setup_error(self) -> None:
        if not os.access(self._dir, os.W_OK):
            raise OSError(f'{self._dir} is not writable')

    def _used_gb(self) -> float:
        used = sum(entry.stat().st_size for entry in self._dir.iterdir() if entry.is_file())
        return round(used / GIB, 2)

    def _update_volume_stats(self) -> None:
        total = self.configuration.stackops_capacity_gb
        pool = {
            'pool_name': self.backend_name,
            'total_capacity_gb': total,
            'free_capacity_gb': max(total - self._used_gb(), 0),
            'reserved_percentage': 0,
            'thin_provisioning_support': True,
            'thick_provisioning_support': False,
            'max_over_subscription_ratio': self.configuration.max_over_subscription_ratio,
            'QoS_support': False,
            'multiattach': True,
        }
        self._stats = {
            'volume_backend_name': self.backend_name,
            'vendor_name': 'stackops.compute',
            'driver_version': self.VERSION,
            'storage_protocol': self.PROTOCOL,
            'pools': [pool],
        }

    # ------------------------------------------------------------ volumes and snapshots

    def create_volume(self, volume: Any) -> None:
        self._volume_path(volume).touch()

    def delete_volume(self, volume: Any) -> None:
        self._remove(self._volume_path(volume))

    def extend_volume(self, volume: Any, new_size: int) -> None:
        # The size lives in Cinder's database; the file holds only what was written.
        pass

    def create_cloned_volume(self, volume: Any, src_vref: Any) -> None:
        self._copy(self._volume_path(src_vref), self._volume_path(volume))

    def create_snapshot(self, snapshot: Any) -> None:
        self._copy(self._volume_path(snapshot.volume), self._snapshot_path(snapshot))

    def delete_snapshot(self, snapshot: Any) -> None:
        self._remove(self._snapshot_path(snapshot))

    def create_volume_from_snapshot(self, volume: Any, snapshot: Any) -> None:
        self._copy(self._snapshot_path(snapshot), self._volume_path(volume))

    def revert_to_snapshot(self, context: Any, volume: Any, snapshot: Any) -> None:
        self._copy(self._snapshot_path(snapshot), self._volume_path(volume))

    # ------------------------------------------------------------ images

    def clone_image(
        self, context: Any, volume: Any, image_location: Any, image_meta: dict, image_service: Any
    ) -> tuple[dict, bool]:
        # Cinder's generic download path converts images with qemu-img into a block device;
        # the image's bytes go into the volume's file instead.
        self._fill_from_image(context, volume, image_service, image_meta['id'])
        return {}, True

    def copy_image_to_volume(
        self, context: Any, volume: Any, image_service: Any, image_id: str, disable_sparse: bool = False
    ) -> None:
        self._fill_from_image(context, volume, image_service, image_id)

    def copy_volume_to_image(self, context: Any, volume: Any, image_service: Any, image_meta: dict) -> None:
        path = self._volume_path(volume)
        if not path.stat().st_size:
            image_service.update(context, image_meta['id'], {}, io.BytesIO(EMPTY_IMAGE))
            return
        with open(path, 'rb') as data:
            image_service.update(context, image_meta['id'], {}, data)

    # ------------------------------------------------------------ exports and connections

    def create_export(self, context: Any, volume: Any, connector: Any) -> None:
        pass

    def ensure_export(self, context: Any, volume: Any) -> None:
        pass

    def remove_export(self, context: Any, volume: Any) -> None:
        pass

    def create_export_snapshot(self, context: Any, snapshot: Any, connector: Any) -> None:
        pass

    def remove_export_snapshot(self, context: Any, snapshot: Any) -> None:
        pass

    def initialize_connection(self, volume: Any, connector: Any, **kwargs: Any) -> dict:
        return {
            'driver_volume_type': self.PROTOCOL,
            'data': {'device_path': self.local_path(volume)},
        }

    def initialize_connection_snapshot(self, snapshot: Any, connector: Any, **kwargs: Any) -> dict:
        return {
            'driver_volume_type': self.PROTOCOL,
            'data': {'device_path': str(self._snapshot_path(snapshot))},
        }

    def terminate_connection(self, volume: Any, connector: Any, **kwargs: Any) -> None:
        pass

    def terminate_connection_snapshot(self, snapshot: Any, connector: Any, **kwargs: Any) -> None:
        pass
