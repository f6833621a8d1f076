"""Prove the local cloud works end to end, with timings; leaves nothing behind.

As ``demo``: boot a server on ``private``, wait for ACTIVE, snapshot it (image ``active``),
allocate a floating IP from ``public`` and attach it to the server's port, then delete all.
With ``--actions``, also run the server actions one by one on one server (stop/start,
reboots, pause, suspend, lock, rescue, resize confirm/revert, rebuild, security groups,
metadata, backup rotation, shelve/offload/unshelve), checking the final state.
With ``--moves``, as ``local-admin`` also: cold migrate + confirm, live migrate, and evacuate
with the source compute service forced down; then the source compute is restarted (nova
refuses to lift forced_down before that) and forced up again.

Run through ``localcloud smoke [--moves]``, which sets OS_CLIENT_CONFIG_FILE and LOCALCLOUD.
"""

from __future__ import annotations

import argparse
import contextlib
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--moves', action='store_true', help='also migrate, live migrate and evacuate (admin)')
    parser.add_argument('--actions', action='store_true', help='also run every server action the collection uses')
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
    print(f'SMOKE OK in {time.monotonic() - started:.1f} s', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
