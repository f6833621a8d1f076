"""Seed the local cloud: identity, images, networks, flavors, volume types, quotas, keypairs; then wait.

Run by ``localcloud up`` with the cloud venv's Python, one phase at a time, as soon as the
services a phase needs are up:

    identity  roles, projects, users, services and endpoints (Keystone only)
    images    images (Glance)
    network   networks, router, security groups, Neutron quotas (Neutron)
    compute   flavors, Nova quotas, keypairs (nova-api)
    volume    volume type, Cinder quotas (cinder-api)
    ready     wait until both hypervisors are up and have resource providers, and the
              volume backend is up with its pool known to the Cinder scheduler

Every phase creates only what is missing, so it can run again on a seeded cloud.
Credentials come from the clouds.yaml that ``localcloud`` writes (``OS_CLIENT_CONFIG_FILE``)
and from ``LOCALCLOUD_*_PASSWORD`` variables, so that ``localcloud`` holds them all.
"""

from __future__ import annotations

import ipaddress
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openstack
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

REGION = 'RegionOne'
DOMAIN = 'default'
SERVICE_USERS = ('nova', 'placement', 'glance', 'neutron', 'cinder')
VOLUME_URL = 'http://127.0.0.1:8776/v3'
# (service name, type, URL). Cinder twice, as deployments commonly list it: the official type
# block-storage (openstacksdk looks for it first) and volumev3 (nova's default catalog_info,
# cinderclient). Project IDs are not part of the URL (Cinder routes both forms).
CATALOG = (
    ('nova', 'compute', 'http://127.0.0.1:8774/v2.1'),
    ('placement', 'placement', 'http://127.0.0.1:8778'),
    ('glance', 'image', 'http://127.0.0.1:9292'),
    ('neutron', 'network', 'http://127.0.0.1:9696'),
    ('cinder', 'block-storage', VOLUME_URL),
    ('cinderv3', 'volumev3', VOLUME_URL),
)
# (id, name, vcpus, ram MB, disk GB): three sizes, so that resize up and down can be tested.
FLAVORS = (
    ('1', 'm1.tiny', 1, 128, 1),
    ('2', 'm1.small', 1, 256, 2),
    ('3', 'm1.medium', 2, 512, 3),
)
MIB = 1024 * 1024
# (name, raw data): 'tiny-alt' exists so that a rebuild can change the image.
IMAGES = (
    ('tiny', b'\0' * MIB),
    ('tiny-alt', b'stackops tiny-alt image\n'.ljust(512, b'\0') * 1024),
)
PUBLIC_CIDR = '203.0.113.0/24'  # TEST-NET-3, the floating IP pool
PRIVATE_CIDR = '192.0.2.0/24'  # TEST-NET-1
UNLIMITED_NOVA = ('instances', 'cores', 'ram', 'key_pairs', 'server_groups', 'server_group_members', 'metadata_items')
# The default type of cinder.conf (default_volume_type), bound to the one backend.
VOLUME_TYPE = 'local'
UNLIMITED_CINDER = ('volumes', 'gigabytes', 'snapshots', 'backups', 'backup_gigabytes', 'groups')
UNLIMITED_NEUTRON = (
    'networks',
    'subnets',
    'ports',
    'routers',
    'floating_ips',
    'security_groups',
    'security_group_rules',
    'rbac_policies',
    'subnet_pools',
)


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} seed: {message}", flush=True)


def connect(cloud: str) -> openstack.connection.Connection:
    return openstack.connect(cloud=cloud)


def password(name: str) -> str:
    return os.environ[f'LOCALCLOUD_{name.upper()}_PASSWORD']


def ensure(find: Callable[[], Any], create: Callable[[], Any], what: str) -> Any:
    found = find()
    if found is not None:
        return found
    log(f'creating {what}')
    return create()


# ---------------------------------------------------------------- identity


def seed_identity(admin: openstack.connection.Connection) -> None:
    idn = admin.identity
    roles = {
        name: ensure(lambda n=name: idn.find_role(n), lambda n=name: idn.create_role(name=n), f'role {name}')
        for name in ('admin', 'member', 'reader', 'service')
    }
    projects = {
        name: ensure(
            lambda n=name: idn.find_project(n, domain_id=DOMAIN),
            lambda n=name, d=desc: idn.create_project(name=n, domain_id=DOMAIN, description=d),
            f'project {name}',
        )
        for name, desc in (
            ('service', 'Service users of the local cloud'),
            ('demo', 'Member project for tests'),
            ('alt', 'Second member project, for cross-project tests'),
        )
    }

    def user(name: str, secret: str, project: str, role_names: tuple[str, ...]) -> None:
        account = ensure(
            lambda: idn.find_user(name, domain_id=DOMAIN),
            lambda: idn.create_user(
                name=name, password=secret, domain_id=DOMAIN, default_project_id=projects[project].id
            ),
            f'user {name}',
        )
        for role in role_names:
            idn.assign_project_role_to_user(projects[project], account, roles[role])

    for name in SERVICE_USERS:
        user(name, password('service'), 'service', ('admin', 'service'))
    user('demo', password('demo'), 'demo', ('member', 'reader'))
    user('alt', password('alt'), 'alt', ('member', 'reader'))

    for name, kind, url in CATALOG:
        service = ensure(
            lambda n=name: idn.find_service(n),
            lambda n=name, k=kind: idn.create_service(name=n, type=k),
            f'service {name}',
        )
        have = {ep.interface for ep in idn.endpoints(service_id=service.id)}
        for interface in ('public', 'internal', 'admin'):
            if interface not in have:
                idn.create_endpoint(service_id=service.id, interface=interface, url=url, region_id=REGION)


# ---------------------------------------------------------------- images and networks


def seed_images(admin: openstack.connection.Connection) -> None:
    for name, data in IMAGES:
        image = admin.image.find_image(name)
        if image is not None and image.status == 'active':
            continue
        if image is not None:
            admin.image.delete_image(image)
        log(f'uploading image {name} ({len(data)} bytes)')
        admin.image.create_image(
            name=name, data=data, disk_format='raw', container_format='bare', visibility='public', wait=True
        )


def ensure_subnet(admin: openstack.connection.Connection, network: Any, name: str, cidr: str, **attrs: Any) -> Any:
    net = admin.network
    return ensure(
        lambda: net.find_subnet(name, network_id=network.id),
        lambda: net.create_subnet(
            network_id=network.id,
            name=name,
            ip_version=4,
            cidr=cidr,
            gateway_ip=str(ipaddress.ip_network(cidr)[1]),
            is_dhcp_enabled=False,
            **attrs,
        ),
        f'subnet {name} {cidr}',
    )


def seed_networks(admin: openstack.connection.Connection) -> None:
    net = admin.network
    demo_project = admin.identity.find_project('demo', domain_id=DOMAIN)
    public = ensure(
        lambda: net.find_network('public'),
        lambda: net.create_network(
            name='public', is_router_external=True, provider_network_type='flat', provider_physical_network='public'
        ),
        'external network public',
    )
    ensure_subnet(
        admin,
        public,
        'public-subnet',
        PUBLIC_CIDR,
        allocation_pools=[{'start': '203.0.113.10', 'end': '203.0.113.250'}],
    )
    # Owned by demo, shared so that alt (and admin) can boot on it too.
    private = ensure(
        lambda: net.find_network('private'),
        lambda: net.create_network(name='private', project_id=demo_project.id, is_shared=True),
        'network private',
    )
    private_subnet = ensure_subnet(admin, private, 'private-subnet', PRIVATE_CIDR, project_id=demo_project.id)
    router = ensure(
        lambda: net.find_router('router1'),
        lambda: net.create_router(
            name='router1', project_id=demo_project.id, external_gateway_info={'network_id': public.id}
        ),
        'router router1',
    )
    attached = {
        ip['subnet_id']
        for port in net.ports(device_id=router.id, device_owner='network:router_interface')
        for ip in port.fixed_ips
    }
    if private_subnet.id not in attached:
        log('attaching private-subnet to router1')
        net.add_interface_to_router(router, subnet_id=private_subnet.id)


def seed_security_groups(cloud: str, groups: tuple[str, ...]) -> None:
    conn = connect(cloud)
    # Listing makes Neutron create the project's default group.
    existing = {sg.name for sg in conn.network.security_groups(project_id=conn.current_project_id)}
    for name in groups:
        if name in existing:
            continue
        log(f'creating security group {name} in {cloud}')
        group = conn.network.create_security_group(name=name, description='HTTP and HTTPS from anywhere')
        for port in (80, 443):
            conn.network.create_security_group_rule(
                security_group_id=group.id,
                direction='ingress',
                ethertype='IPv4',
                protocol='tcp',
                port_range_min=port,
                port_range_max=port,
                remote_ip_prefix='0.0.0.0/0',
            )


def member_projects(admin: openstack.connection.Connection) -> list[Any]:
    return [admin.identity.find_project(name, domain_id=DOMAIN, ignore_missing=False) for name in ('demo', 'alt')]


def seed_network_phase(admin: openstack.connection.Connection) -> None:
    seed_networks(admin)
    for project in member_projects(admin):
        admin.network.update_quota(project.id, **dict.fromkeys(UNLIMITED_NEUTRON, -1))
    seed_security_groups('local', ('web',))
    seed_security_groups('local-alt', ())


# ---------------------------------------------------------------- compute


def seed_keypair(cloud: str, name: str) -> None:
    conn = connect(cloud)
    if conn.compute.find_keypair(name) is not None:
        return
    key = ed25519.Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    keys_dir = Path(os.environ['LOCALCLOUD_KEYS_DIR'])
    keys_dir.mkdir(parents=True, exist_ok=True)
    private_path = keys_dir / name
    private_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption())
    )
    private_path.chmod(0o600)
    (keys_dir / f'{name}.pub').write_text(public + '\n')
    log(f'creating keypair {name} for {cloud}')
    conn.compute.create_keypair(name=name, public_key=public)


def seed_compute_phase(admin: openstack.connection.Connection) -> None:
    for flavor_id, name, vcpus, ram, disk in FLAVORS:
        ensure(
            lambda n=name: admin.compute.find_flavor(n),
            lambda f=flavor_id, n=name, v=vcpus, r=ram, d=disk: admin.compute.create_flavor(
                id=f, name=n, vcpus=v, ram=r, disk=d, is_public=True
            ),
            f'flavor {name}',
        )
    for project in member_projects(admin):
        admin.compute.update_quota_set(project.id, **dict.fromkeys(UNLIMITED_NOVA, -1))
    seed_keypair('local', 'demo-key')
    seed_keypair('local-alt', 'alt-key')


# ---------------------------------------------------------------- volumes


def seed_volume_phase(admin: openstack.connection.Connection) -> None:
    storage = admin.block_storage
    ensure(
        lambda: storage.find_type(VOLUME_TYPE),
        lambda: storage.create_type(
            name=VOLUME_TYPE,
            description='Files on the local cloud host (stackops_localcloud.cinder_driver)',
            extra_specs={'volume_backend_name': VOLUME_TYPE},
        ),
        f'volume type {VOLUME_TYPE}',
    )
    for project in member_projects(admin):
        storage.update_quota_set(project.id, **dict.fromkeys(UNLIMITED_CINDER, -1))


# ---------------------------------------------------------------- ready


def volume_pools(admin: openstack.connection.Connection) -> list[str]:
    """Pools the Cinder scheduler knows, once cinder-volume is up: the scheduler answers from
    the capacity reports it received, so a listed pool means a volume can be scheduled."""
    services = [
        s for s in admin.block_storage.services(binary='cinder-volume') if s.state == 'up' and s.status == 'enabled'
    ]
    if not services:
        return []
    return [pool.name for pool in admin.block_storage.backend_pools()]


def wait_ready(admin: openstack.connection.Connection, hosts: int = 2, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        hypervisors = [h for h in admin.compute.hypervisors(details=True) if h.state == 'up' and h.status == 'enabled']
        providers = [
            rp for rp in admin.placement.resource_providers() if list(admin.placement.resource_provider_inventories(rp))
        ]
        pools = volume_pools(admin)
        if len(hypervisors) >= hosts and len(providers) >= hosts and pools:
            names = ', '.join(sorted(h.name for h in hypervisors))
            log(f'{len(hypervisors)} hypervisors up ({names}), {len(providers)} providers, volume pools {pools}')
            return
        if time.monotonic() > deadline:
            raise SystemExit(
                f'hypervisors up: {len(hypervisors)}, providers with inventory: '
                f'{len(providers)}; expected {hosts} of each; volume pools: {pools}'
            )
        time.sleep(0.3)


PHASES: dict[str, Callable[[openstack.connection.Connection], None]] = {
    'identity': seed_identity,
    'images': seed_images,
    'network': seed_network_phase,
    'compute': seed_compute_phase,
    'volume': seed_volume_phase,
    'ready': wait_ready,
}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in PHASES:
        print(f"usage: {argv[0]} {{{'|'.join(PHASES)}}}", file=sys.stderr)
        return 2
    started = time.monotonic()
    PHASES[argv[1]](connect('local-admin'))
    log(f'{argv[1]} done in {time.monotonic() - started:.1f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
