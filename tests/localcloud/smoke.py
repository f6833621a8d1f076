"""Prove the local cloud works end to end, with timings; leaves nothing behind.

As ``demo``: boot a server on ``private``, wait for ACTIVE, snapshot it (image ``active``),
allocate a floating IP from ``public`` and attach it to the server's port, then delete all.
With ``--actions``, also run the server actions one by one on one server (stop/start,
reboots, pause, suspend, lock, rescue, resize confirm/revert, rebuild, security groups,
metadata, backup rotation, shelve/offload/unshelve), checking the final state.
With ``--moves``, as ``local-admin`` also: cold migrate + confirm, live migrate, and evacuate
with the source compute service forced down; then the source compute is restarted (nova
refuses to lift forced_down before that) and forced up again.
With ``--volumes``, as ``demo``: Cinder volumes empty and from an image, an image made from a
volume (same bytes as the source image), volume snapshots, volumes from a snapshot and from a
volume, extend, servers booted from a new volume
made from an image and from an existing volume, attach/detach through Nova, Nova's snapshot
of a volume-backed server (an image whose block device mapping names Cinder snapshots, which
become available), and server deletes with delete_on_termination true and false.

Run through ``localcloud smoke [--actions] [--moves] [--volumes]``, which sets
OS_CLIENT_CONFIG_FILE and LOCALCLOUD.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import openstack

POLL = 0.2
TIMEOUT = 120


class Timer:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float]] = []

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        yield
        elapsed = time.monotonic() - started
        self.rows.append((name, elapsed))
        print(f'  {name:<38} {elapsed:6.2f} s', flush=True)


def wait_status(conn: openstack.connection.Connection, server: Any, status: str) -> Any:
    return conn.compute.wait_for_server(server, status=status, failures=['ERROR'], interval=POLL, wait=TIMEOUT)


def host_of(admin: openstack.connection.Connection, server: Any) -> str:
    return admin.compute.get_server(server).compute_host


def wait_host_change(admin: openstack.connection.Connection, server: Any, source: str, status: str = 'ACTIVE') -> str:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        current = admin.compute.get_server(server)
        if current.status == 'ERROR':
            raise RuntimeError(f'server went to ERROR: {current.fault}')
        if current.compute_host != source and current.status == status and not current.task_state:
            return current.compute_host
        time.sleep(POLL)
    raise TimeoutError(f'server stayed on {source}')


def boot(conn: openstack.connection.Connection, name: str) -> Any:
    flavor = conn.compute.find_flavor('m1.tiny', ignore_missing=False)
    image = conn.image.find_image('tiny', ignore_missing=False)
    network = conn.network.find_network('private', ignore_missing=False)
    server = conn.compute.create_server(
        name=name, flavor_id=flavor.id, image_id=image.id, networks=[{'uuid': network.id}], key_name='demo-key'
    )
    return wait_status(conn, server, 'ACTIVE')


def basic(conn: openstack.connection.Connection, timer: Timer, prefix: str) -> None:
    server = image = fip = None
    try:
        with timer.step('boot m1.tiny on private (to ACTIVE)'):
            server = boot(conn, f'{prefix}-server')
        with timer.step('snapshot (image active)'):
            image = conn.compute.create_server_image(server, f'{prefix}-snap', wait=True, timeout=TIMEOUT)
            image = conn.image.get_image(image)
            assert image.status == 'active', image.status
        with timer.step('floating IP: allocate + attach'):
            public = conn.network.find_network('public', ignore_missing=False)
            port = next(iter(conn.network.ports(device_id=server.id)))
            fip = conn.network.create_ip(floating_network_id=public.id)
            fip = conn.network.update_ip(fip, port_id=port.id)
            assert fip.port_id == port.id and fip.fixed_ip_address, fip
        print(
            f'  server {server.id} fixed {fip.fixed_ip_address} floating '
            f'{fip.floating_ip_address}, snapshot {image.size} bytes',
            flush=True,
        )
    finally:
        with timer.step('delete floating IP, snapshot, server'):
            if fip is not None:
                conn.network.delete_ip(fip)
            if image is not None:
                conn.image.delete_image(image)
            if server is not None:
                conn.compute.delete_server(server)
                conn.compute.wait_for_delete(server, interval=POLL, wait=TIMEOUT)


def moves(
    conn: openstack.connection.Connection, admin: openstack.connection.Connection, timer: Timer, prefix: str
) -> None:
    server = None
    forced: Any = None
    try:
        with timer.step('boot for moves'):
            server = boot(conn, f'{prefix}-mover')
        source = host_of(admin, server)
        with timer.step('migrate + confirm (admin)'):
            admin.compute.migrate_server(server)
            wait_status(admin, server, 'VERIFY_RESIZE')
            admin.compute.confirm_server_resize(server)
            target = wait_host_change(admin, server, source)
        print(f'  migrate: {source} -> {target}', flush=True)
        source = target
        with timer.step('live migrate (admin)'):
            admin.compute.live_migrate_server(server, host=None, block_migration='auto')
            target = wait_host_change(admin, server, source)
        print(f'  live migrate: {source} -> {target}', flush=True)
        source = target
        with timer.step('evacuate, source forced down (admin)'):
            forced = next(iter(admin.compute.services(binary='nova-compute', host=source)))
            admin.compute.update_service_forced_down(forced, forced=True)
            admin.compute.evacuate_server(server)
            # Since microversion 2.95 an evacuated server lands stopped.
            target = wait_host_change(admin, server, source, status='SHUTOFF')
        print(f'  evacuate: {source} -> {target} (SHUTOFF, microversion >= 2.95)', flush=True)
        with timer.step(f'restart nova-{source}, lift forced_down'):
            subprocess.run([os.environ['LOCALCLOUD'], 'restart', f'nova-{source}'], check=True)
            admin.compute.update_service_forced_down(forced, forced=False)
            forced = None
    finally:
        if forced is not None:
            print(f'  nova-compute on {forced.host} is still forced down', flush=True)
        if server is not None:
            with timer.step('delete mover'):
                conn.compute.delete_server(server)
                conn.compute.wait_for_delete(server, interval=POLL, wait=TIMEOUT)


def settle(conn: openstack.connection.Connection, server: Any, status: str) -> Any:
    """Wait until the server shows STATUS with no task running (the API sets task_state
    before it answers an action, so an old status is never mistaken for the new one)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        current = conn.compute.get_server(server)
        if current.status == 'ERROR':
            raise RuntimeError(f'server went to ERROR: {current.fault}')
        if current.status == status and not current.task_state:
            return current
        time.sleep(POLL)
    raise TimeoutError(f'server did not reach {status}')


def backups_of(conn: openstack.connection.Connection, server: Any) -> list[Any]:
    return [
        image
        for image in conn.image.images(owner=conn.current_project_id)
        if image.instance_uuid == server.id and image.properties.get('image_type') == 'backup'
    ]


def actions(
    conn: openstack.connection.Connection, admin: openstack.connection.Connection, timer: Timer, prefix: str
) -> None:
    compute = conn.compute
    small = compute.find_flavor('m1.small', ignore_missing=False)
    medium = compute.find_flavor('m1.medium', ignore_missing=False)
    alt_image = conn.image.find_image('tiny-alt', ignore_missing=False)
    web = conn.network.find_security_group('web', project_id=conn.current_project_id, ignore_missing=False)
    server = None
    try:
        with timer.step('boot for actions'):
            server = boot(conn, f'{prefix}-actions')
        steps: list[tuple[str, Any, str]] = [
            ('stop', lambda: compute.stop_server(server), 'SHUTOFF'),
            ('start', lambda: compute.start_server(server), 'ACTIVE'),
            ('reboot SOFT', lambda: compute.reboot_server(server, 'SOFT'), 'ACTIVE'),
            ('reboot HARD', lambda: compute.reboot_server(server, 'HARD'), 'ACTIVE'),
            ('pause', lambda: compute.pause_server(server), 'PAUSED'),
            ('unpause', lambda: compute.unpause_server(server), 'ACTIVE'),
            ('suspend', lambda: compute.suspend_server(server), 'SUSPENDED'),
            ('resume', lambda: compute.resume_server(server), 'ACTIVE'),
            ('lock', lambda: compute.lock_server(server, locked_reason='smoke'), 'ACTIVE'),
            ('unlock', lambda: compute.unlock_server(server), 'ACTIVE'),
            ('rescue', lambda: compute.rescue_server(server), 'RESCUE'),
            ('unrescue', lambda: compute.unrescue_server(server), 'ACTIVE'),
            ('resize to m1.small', lambda: compute.resize_server(server, small), 'VERIFY_RESIZE'),
            ('confirm resize', lambda: compute.confirm_server_resize(server), 'ACTIVE'),
            ('resize to m1.medium', lambda: compute.resize_server(server, medium), 'VERIFY_RESIZE'),
            ('revert resize', lambda: compute.revert_server_resize(server), 'ACTIVE'),
            ('rebuild with tiny-alt', lambda: compute.rebuild_server(server, alt_image), 'ACTIVE'),
            ('add security group web', lambda: compute.add_security_group_to_server(server, web), 'ACTIVE'),
            ('remove security group web', lambda: compute.remove_security_group_from_server(server, web), 'ACTIVE'),
            ('set metadata', lambda: compute.set_server_metadata(server, role='smoke'), 'ACTIVE'),
            (
                'backup x3, rotation 2',
                lambda: [
                    (compute.backup_server(server, f'{prefix}-backup-{n}', 'daily', 2), settle(conn, server, 'ACTIVE'))
                    for n in range(3)
                ],
                'ACTIVE',
            ),
            ('shelve', lambda: compute.shelve_server(server), 'SHELVED'),
            ('shelve offload (admin)', lambda: admin.compute.shelve_offload_server(server), 'SHELVED_OFFLOADED'),
            ('unshelve', lambda: compute.unshelve_server(server), 'ACTIVE'),
        ]
        for name, act, status in steps:
            with timer.step(name):
                act()
                settle(conn, server, status)
        current = compute.get_server(server)
        assert current.flavor.name == 'm1.small', current.flavor
        assert current.image.id == alt_image.id, current.image
        assert current.metadata.get('role') == 'smoke', current.metadata
        assert 'FAKE CONSOLE OUTPUT' in compute.get_server_console_output(server)['output']
        backups = backups_of(conn, server)
        assert len(backups) == 2 and {b.status for b in backups} == {'active'}, backups
        print('  checked: flavor m1.small, image tiny-alt, metadata, console output, 2 active backups', flush=True)
    finally:
        with timer.step('delete server and its images'):
            if server is not None:
                for image in backups_of(conn, server):
                    conn.image.delete_image(image)
                compute.delete_server(server)
                compute.wait_for_delete(server, interval=POLL, wait=TIMEOUT)


def wait_volume(conn: openstack.connection.Connection, volume: Any, status: str) -> Any:
    return conn.block_storage.wait_for_status(
        volume, status=status, failures=['error', 'error_deleting'], interval=POLL, wait=TIMEOUT
    )


def wait_gone(conn: openstack.connection.Connection, resource: Any) -> None:
    conn.block_storage.wait_for_delete(resource, interval=POLL, wait=TIMEOUT)


def attached_servers(conn: openstack.connection.Connection, volume: Any) -> list[str]:
    return [a['server_id'] for a in conn.block_storage.get_volume(volume).attachments]


def boot_from_volume(conn: openstack.connection.Connection, name: str, mapping: dict[str, Any]) -> Any:
    flavor = conn.compute.find_flavor('m1.tiny', ignore_missing=False)
    network = conn.network.find_network('private', ignore_missing=False)
    server = conn.compute.create_server(
        name=name,
        flavor_id=flavor.id,
        networks=[{'uuid': network.id}],
        block_device_mapping=[{'boot_index': 0, 'destination_type': 'volume', **mapping}],
    )
    return wait_status(conn, server, 'ACTIVE')


def root_volume_id(conn: openstack.connection.Connection, server: Any) -> str:
    attachments = list(conn.compute.volume_attachments(server))
    assert len(attachments) == 1, attachments
    return attachments[0].volume_id


def image_snapshot_ids(image: Any) -> list[str]:
    mapping = image.properties.get('block_device_mapping')
    if isinstance(mapping, str):
        mapping = json.loads(mapping)
    return [bdm['snapshot_id'] for bdm in mapping or [] if bdm.get('source_type') == 'snapshot']


def volumes(conn: openstack.connection.Connection, timer: Timer, prefix: str) -> None:
    storage = conn.block_storage
    tiny = conn.image.find_image('tiny', ignore_missing=False)
    made: dict[str, list[Any]] = {'servers': [], 'images': [], 'snapshots': [], 'volumes': []}
    try:
        with timer.step('volume: create empty (available)'):
            empty = storage.create_volume(name=f'{prefix}-empty', size=1)
            made['volumes'].append(empty)
            empty = wait_volume(conn, empty, 'available')
            assert empty.volume_type == 'local', empty.volume_type
        with timer.step('volume: create from image tiny'):
            from_image = storage.create_volume(name=f'{prefix}-from-image', size=1, image_id=tiny.id)
            made['volumes'].append(from_image)
            from_image = wait_volume(conn, from_image, 'available')
            assert from_image.is_bootable, from_image
            assert from_image.volume_image_metadata['image_id'] == tiny.id, from_image.volume_image_metadata
        with timer.step('image from volume (upload, active)'):
            upload = storage.upload_volume_to_image(from_image, f'{prefix}-from-volume', disk_format='raw')
            uploaded = conn.image.get_image(upload['image_id'])
            made['images'].append(uploaded)
            uploaded = conn.image.wait_for_status(uploaded, status='active', failures=['killed'], interval=POLL)
            wait_volume(conn, from_image, 'available')
            assert uploaded.checksum == tiny.checksum, (uploaded.checksum, tiny.checksum)
        with timer.step('volume snapshot: create'):
            snap = storage.create_snapshot(volume_id=from_image.id, name=f'{prefix}-snap')
            made['snapshots'].append(snap)
            storage.wait_for_status(snap, status='available', failures=['error'], interval=POLL, wait=TIMEOUT)
        with timer.step('volume from snapshot, clone, extend; delete'):
            copies = [
                storage.create_volume(name=f'{prefix}-from-snap', size=2, snapshot_id=snap.id),
                storage.create_volume(name=f'{prefix}-clone', size=1, source_volid=from_image.id),
            ]
            made['volumes'].extend(copies)
            storage.extend_volume(empty, 2)
            for volume in [*copies, empty]:
                volume = wait_volume(conn, volume, 'available')
                assert volume.is_bootable or volume.id == empty.id, volume
            assert storage.get_volume(empty).size == 2
            for volume in copies:
                storage.delete_volume(volume)
            storage.delete_snapshot(snap)
            for resource in [*copies, snap]:
                wait_gone(conn, resource)
            made['snapshots'].remove(snap)
        with timer.step('boot from new volume (image -> volume)'):
            bfv = boot_from_volume(
                conn,
                f'{prefix}-bfv-image',
                {'source_type': 'image', 'uuid': tiny.id, 'volume_size': 1, 'delete_on_termination': True},
            )
            made['servers'].append(bfv)
            root = storage.get_volume(root_volume_id(conn, bfv))
            made['volumes'].append(root)
            assert root.status == 'in-use' and root.is_bootable, root
        with timer.step('boot from existing volume'):
            bfv_existing = boot_from_volume(
                conn,
                f'{prefix}-bfv-volume',
                {'source_type': 'volume', 'uuid': from_image.id, 'delete_on_termination': False},
            )
            made['servers'].append(bfv_existing)
            assert attached_servers(conn, from_image) == [bfv_existing.id]
        with timer.step('attach volume through nova (in-use)'):
            conn.compute.create_volume_attachment(bfv, volume=empty)
            wait_volume(conn, empty, 'in-use')
            assert attached_servers(conn, empty) == [bfv.id]
        with timer.step('detach volume through nova (available)'):
            conn.compute.delete_volume_attachment(bfv, empty)
            wait_volume(conn, empty, 'available')
            assert attached_servers(conn, empty) == []
        with timer.step('snapshot of volume-backed server'):
            image = conn.compute.create_server_image(bfv, f'{prefix}-bfv-snap', wait=True, timeout=TIMEOUT)
            made['images'].append(image)
            image = conn.image.get_image(image)
            snapshot_ids = image_snapshot_ids(image)
            assert snapshot_ids, image.properties
            for snapshot_id in snapshot_ids:
                snapshot = storage.get_snapshot(snapshot_id)
                made['snapshots'].append(snapshot)
                snapshot = storage.wait_for_status(
                    snapshot, status='available', failures=['error'], interval=POLL, wait=TIMEOUT
                )
                assert snapshot.volume_id == root.id, (snapshot.volume_id, root.id)
            settle(conn, bfv, 'ACTIVE')
        print(f'  image {image.id} ({image.status}, {image.size} bytes) -> Cinder snapshots {snapshot_ids}', flush=True)
        with timer.step('delete that image and its snapshots'):
            # A volume with snapshots cannot be deleted: they go first, or the server delete
            # below would leave its root volume behind (nova logs the refusal and goes on).
            conn.image.delete_image(image)
            made['images'].remove(image)
            for snapshot in made['snapshots']:
                storage.delete_snapshot(snapshot)
            for snapshot in made['snapshots']:
                wait_gone(conn, snapshot)
            made['snapshots'] = []
        with timer.step('delete server, delete_on_termination'):
            conn.compute.delete_server(bfv)
            conn.compute.wait_for_delete(bfv, interval=POLL, wait=TIMEOUT)
            made['servers'].remove(bfv)
            wait_gone(conn, root)
        with timer.step('delete server, keep its volume'):
            conn.compute.delete_server(bfv_existing)
            conn.compute.wait_for_delete(bfv_existing, interval=POLL, wait=TIMEOUT)
            made['servers'].remove(bfv_existing)
            wait_volume(conn, from_image, 'available')
        print('  checked: statuses, attachments, bootable volume, image round trip (same checksum)', flush=True)
    finally:
        with timer.step('delete volume leftovers'):
            for server in made['servers']:
                conn.compute.delete_server(server)
                conn.compute.wait_for_delete(server, interval=POLL, wait=TIMEOUT)
            for image in made['images']:
                conn.image.delete_image(image)
            for snapshot in made['snapshots']:
                storage.delete_snapshot(snapshot)
                wait_gone(conn, snapshot)
            for volume in made['volumes']:
                storage.delete_volume(volume)
            for volume in made['volumes']:
                wait_gone(conn, volume)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--moves', action='store_true', help='also migrate, live migrate and evacuate (admin)')
    parser.add_argument('--actions', action='store_true', help='also run every server action the collection uses')
    parser.add_argument('--volumes', action='store_true', help='also run the Cinder volume scenarios')
    args = parser.parse_args(argv[1:])
    prefix = f'smoke-{uuid.uuid4().hex[:6]}'
    timer = Timer()
    started = time.monotonic()
    conn = openstack.connect(cloud='local')
    print(f'smoke test {prefix} as demo', flush=True)
    basic(conn, timer, prefix)
    if args.actions or args.moves:
        admin = openstack.connect(cloud='local-admin')
        if args.actions:
            actions(conn, admin, timer, prefix)
        if args.moves:
            moves(conn, admin, timer, prefix)
    if args.volumes:
        volumes(conn, timer, prefix)
    print(f'SMOKE OK in {time.monotonic() - started:.1f} s', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
