# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark behind `make bench` (tests/bench/run-bench prepares the venv and calls this).

    bench.py run --root ROOT --theirs DIR --venv VENV   measure, print the table, write the report
    bench.py install-theirs WHEEL DIR                   take openstack.cloud out of the `ansible` wheel
    bench.py list                                       the scenarios

Each run makes its own projects and user on the local cloud (named bench-<run>-...), one project per
client for the scenarios that change servers, so that no client sees another's servers and concurrent
users of the cloud see none of them; it deletes them all at the end, also after a failure or an
interrupt. Every request of a measured step carries `stackops-bench/<run>.<scenario>.<client>.r<round>`
in its User-Agent (tests/bench/ua/sitecustomize.py), and requests are counted from the services' own
access logs by that marker only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import inventory  # noqa: E402  (tests/bench/inventory.py, next to this file)

SERVICES = ('keystone', 'nova-api', 'neutron', 'glance', 'placement', 'cinder-api')
SHORT = {
    'keystone': 'identity',
    'nova-api': 'compute',
    'neutron': 'network',
    'glance': 'image',
    'placement': 'placement',
    'cinder-api': 'block-storage',
}
CLIENTS = ('ours', 'fleet', 'theirs', 'floor', 'noop')
CLIENT_TITLES = {
    'ours': 'stackops.compute, loop of tasks',
    'fleet': 'stackops.compute, one task (fleet)',
    'theirs': 'openstack.cloud 2.5.0, loop of tasks',
    'floor': 'plain openstacksdk script',
    'noop': 'ansible-playbook with one debug task (what ansible-playbook itself costs)',
}
MUTATORS = ('ours', 'fleet', 'theirs', 'floor')
MUTATE_NAMES = ['srv-%02d' % i for i in range(10)]
BACKUP_KEY = 'bench_backup'
BACKUP_COUNT = 20
ACT_COUNT = 50
QUICK = ('trivial', 'list', 'info200', 'inventory')
QUICK_ROUNDS = 5


class Scenario:
    def __init__(self, name, phase, clients, tag, title, require=None, leaves=None, cannot=None):
        self.name, self.phase, self.clients, self.tag, self.title = name, phase, clients, tag, title
        self.require, self.leaves, self.cannot = require, leaves, cannot or {}


SCENARIOS = [
    Scenario(
        'trivial',
        'one',
        ('ours', 'theirs', 'floor', 'noop'),
        'info',
        'one trivial server_info task (a project of 1 server)',
    ),
    Scenario('create10', 'mutate', MUTATORS, 'create', 'create 10 servers, wait on', 'none', 'active'),
    Scenario('rerun', 'mutate', MUTATORS, 'create', 'rerun of the same play (10 servers exist)', 'active', 'active'),
    Scenario('stop10', 'mutate', MUTATORS, 'stop', 'stop 10 servers', 'active', 'shutoff'),
    Scenario('start10', 'mutate', MUTATORS, 'start', 'start 10 servers', 'shutoff', 'active'),
    Scenario('delete10', 'mutate', MUTATORS, 'delete', 'delete 10 servers', 'active', 'none'),
    Scenario(
        'bootvol10',
        'volume',
        MUTATORS,
        'bootvol',
        'create 10 servers, each booting from a new 1 GB volume made from the image (deleted with it), wait on',
    ),
    Scenario('list', 'pop', ('ours', 'theirs', 'floor'), 'list', 'list every server of a project of N'),
    Scenario('act50', 'pop', ('fleet', 'theirs', 'floor'), 'stop', 'stop 50 servers (a project of 50)'),
    Scenario(
        'backup20',
        'pop',
        ('ours', 'theirs', 'floor'),
        'backup',
        'back up 20 servers chosen by metadata (a project of 50), wait for the images',
        cannot={'theirs': 'cannot: openstack.cloud 2.5.0 has no module that images a server'},
    ),
    Scenario(
        'info200',
        'pop',
        ('ours', 'theirs', 'floor'),
        'info',
        'server_info by one name in a project of N (the largest size)',
    ),
    Scenario(
        'inventory',
        'inv',
        ('ours', 'theirs', 'floor'),
        'inventory',
        'ansible-inventory --list of a project of N (the inventory plugins; the floor lists as for list)',
    ),
]
BY_NAME = dict((s.name, s) for s in SCENARIOS)


def say(text):
    print('bench: %s' % text, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ openstack.cloud from the wheel


def install_theirs(wheel, dest):
    prefix = 'ansible_collections/openstack/cloud/'
    with zipfile.ZipFile(wheel) as archive:
        members = [n for n in archive.namelist() if n.startswith(prefix)]
        if not members:
            raise SystemExit('bench: %s holds no openstack.cloud' % wheel)
        archive.extractall(dest, members)
    root = os.path.join(dest, prefix)
    with open(os.path.join(root, 'MANIFEST.json')) as handle:
        version = json.load(handle)['collection_info']['version']
    # openstacksdk 4 no longer imports openstack.version with `import openstack`; openstack.cloud reads
    # sdk.version.__version__ (its modules) and openstack.version.__version__ (its inventory plugin), and
    # fails. Only those reads are changed.
    patched = []
    for relative, old in (
        ('plugins/module_utils/openstack.py', 'sdk.version.__version__'),
        ('plugins/inventory/openstack.py', 'openstack.version.__version__'),
    ):
        path = os.path.join(root, relative)
        with open(path) as handle:
            text = handle.read()
        count = text.count(old)
        if count:
            with open(path, 'w') as handle:
                handle.write(text.replace(old, "__import__('openstack.version').version.__version__"))
            patched.append('%s: %d' % (relative, count))
    note = (
        'patched the reads of openstack.version (openstacksdk 4 does not import that submodule with `import '
        'openstack`) in %s; nothing else changed' % ', '.join(patched)
        if patched
        else 'no openstack.version read to patch'
    )
    for name, value in (('VERSION', version), ('SOURCE', os.path.basename(wheel)), ('PATCHED', note)):
        with open(os.path.join(dest, name), 'w') as handle:
            handle.write(value + '\n')
    say('openstack.cloud %s extracted to %s; %s' % (version, dest, note))


# ------------------------------------------------------------------ access logs


def log_sizes(logs):
    sizes = {}
    for service in SERVICES:
        path = os.path.join(logs, 'access-%s.log' % service)
        sizes[service] = os.path.getsize(path) if os.path.exists(path) else 0
    return sizes


def count_requests(logs, since, marker):
    """Requests whose User-Agent ends with the marker, appended to the access logs since ``since``."""
    token = ' stackops-bench/' + marker
    counts = {
        'total': 0,
        'by_service': {},
        'by_method': {},
        'mutating': 0,
        'errors': 0,
        'mutating_list': [],
        # The services' own time to answer (field 6 of the log), summed: what the client waited for.
        'service_ms': 0,
    }
    for service in SERVICES:
        path = os.path.join(logs, 'access-%s.log' % service)
        if not os.path.exists(path):
            continue
        with open(path, 'rb') as handle:
            handle.seek(since.get(service, 0))
            data = handle.read().decode('utf-8', 'replace')
        for line in data.splitlines():
            if not line.endswith(token):
                continue
            parts = line.split(' ', 7)
            if len(parts) < 8:
                continue
            method, uri, status = parts[2], parts[3], parts[4]
            counts['total'] += 1
            counts['service_ms'] += int(parts[5]) if parts[5].isdigit() else 0
            counts['by_service'][SHORT[service]] = counts['by_service'].get(SHORT[service], 0) + 1
            counts['by_method'][method] = counts['by_method'].get(method, 0) + 1
            if status.isdigit() and int(status) >= 400:
                counts['errors'] += 1
            if method not in ('GET', 'HEAD') and not (service == 'keystone' and uri.startswith('/v3/auth/tokens')):
                counts['mutating'] += 1
                counts['mutating_list'].append(
                    '%s %s %s %s'
                    % (
                        SHORT[service],
                        method,
                        re.sub(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '{id}', uri),
                        status,
                    )
                )
    # The same request repeated for each server says more once, with a count.
    seen = {}
    for item in counts['mutating_list']:
        seen[item] = seen.get(item, 0) + 1
    counts['mutating_list'] = ['%dx %s' % (n, item) for item, n in sorted(seen.items())]
    return counts


# ------------------------------------------------------------------ the cloud: projects, user, states


class Cloud:
    """The run's projects, user and clouds.yaml, and the untimed steps that prepare a scenario."""

    def __init__(self, rid, work):
        import openstack

        self.openstack = openstack
        self.rid, self.work = rid, work
        self.clouds_file = os.path.join(work, 'clouds.yaml')
        self.admin = openstack.connect(cloud='local-admin', app_name='stackops-bench-setup')
        self.projects, self.user, self.conns = {}, None, {}

    def create(self, roles):
        import yaml

        identity = self.admin.identity
        password = secrets.token_hex(12)
        description = 'stackops.compute benchmark run %s, pid %d on %s' % (self.rid, os.getpid(), platform.node())
        for role in roles:
            self.projects[role] = identity.create_project(
                name='bench-%s-%s' % (self.rid, role), domain_id='default', description=description
            )
        self.user = identity.create_user(
            name='bench-%s' % self.rid, password=password, domain_id='default', description=description
        )
        for project in self.projects.values():
            for role in ('member', 'reader'):
                identity.assign_project_role_to_user(project, self.user, identity.find_role(role))
            self.admin.set_compute_quotas(project.id, instances=-1, cores=-1, ram=-1)
            self.admin.set_volume_quotas(project.id, volumes=-1, gigabytes=-1, snapshots=-1)
        with open(os.environ['OS_CLIENT_CONFIG_FILE']) as handle:
            local = yaml.safe_load(handle)['clouds']
        base = local['local']
        clouds = {'local-admin': local['local-admin']}
        for role, project in self.projects.items():
            cloud = json.loads(json.dumps(base))
            cloud['auth'].update(username=self.user.name, password=password, project_name=project.name)
            cloud['auth'].pop('project_id', None)
            clouds[role] = cloud
        with open(self.clouds_file, 'w') as handle:
            yaml.safe_dump({'clouds': clouds}, handle)
        os.environ['OS_CLIENT_CONFIG_FILE'] = self.clouds_file

    def conn(self, role):
        if role not in self.conns:
            self.conns[role] = self.openstack.connect(cloud=role, app_name='stackops-bench-setup')
        return self.conns[role]

    def servers(self, role):
        return list(self.conn(role).compute.servers())

    def fill(self, role, size, backup_count):
        """Boot servers (no network, multi-create) until the project has ``size``; the first
        ``backup_count`` carry the metadata that the backup scenario selects them by."""
        import floor

        conn = self.conn(role)
        have = len(self.servers(role))
        started = time.monotonic()
        flavor = conn.compute.find_flavor('m1.tiny', ignore_missing=False)
        image = conn.image.find_image('tiny', ignore_missing=False)
        made = have
        while made < size:
            count = min(50, size - made)
            metadata = {}
            if made < backup_count:
                count, metadata = min(count, backup_count - made), {BACKUP_KEY: 'yes'}
            conn.compute.create_server(
                name='%s-%04d' % (role, made),
                flavor_id=flavor.id,
                image_id=image.id,
                networks='none',
                min_count=count,
                max_count=count,
                metadata=metadata,
            )
            made += count
        deadline = time.monotonic() + 3600
        while True:
            servers = self.servers(role)
            if any(s.status == 'ERROR' for s in servers):
                raise SystemExit('bench: servers of project %s went to ERROR while booting' % role)
            if sum(1 for s in servers if s.status == 'ACTIVE' and not s.task_state) >= size:
                break
            if time.monotonic() > deadline:
                raise SystemExit('bench: booting %d servers took over an hour' % size)
            time.sleep(floor.POLL * 2)
        say('project %s: %d servers (%.0f s to boot %d)' % (role, size, time.monotonic() - started, size - have))
        return sorted(s.name for s in servers)

    def ensure(self, role, names, state, want):
        """Bring the servers ``names`` of project ``role`` from ``state`` (None: unknown) to ``want``."""
        import floor

        conn = self.conn(role)
        if state is None:
            floor.delete(conn, [s.name for s in self.servers(role)])
            state = 'none'
        if state == want:
            return
        if want == 'none':
            floor.delete(conn, names)
            return
        if state == 'none':
            floor.create(conn, names)
        if want == 'shutoff':
            floor.act(conn, names, 'stop')
        elif want == 'active' and state == 'shutoff':
            floor.act(conn, names, 'start')

    def delete_images(self, role):
        conn = self.conn(role)
        for image in conn.image.images(owner=self.projects[role].id):
            conn.image.delete_image(image, ignore_missing=True)

    def cleanup(self):
        remove_projects(self.admin, list(self.projects.values()), self.user)
        inventory.remove_flavors(self.admin, self.rid)


def remove_projects(admin, projects, user):
    """Delete every server, image and network leftover of the projects, then them and the user."""
    for project in projects:
        for server in admin.compute.servers(all_projects=True, project_id=project.id):
            admin.compute.delete_server(server, ignore_missing=True)
    deadline = time.monotonic() + 900
    for project in projects:
        while list(admin.compute.servers(all_projects=True, project_id=project.id)):
            if time.monotonic() > deadline:
                say('servers of %s are still being deleted; left as they are' % project.name)
                break
            time.sleep(2)
        for image in admin.image.images(owner=project.id):
            admin.image.delete_image(image, ignore_missing=True)
        delete_volumes(admin, project)
        for port in admin.network.ports(project_id=project.id):
            admin.network.delete_port(port, ignore_missing=True)
        for group in admin.network.security_groups(project_id=project.id):
            try:
                admin.network.delete_security_group(group, ignore_missing=True)
            except Exception as exc:  # a default group Neutron still holds on to is harmless
                say('security group %s of %s left: %s' % (group.id, project.name, str(exc).splitlines()[0]))
        admin.identity.delete_project(project, ignore_missing=True)
    if user is not None:
        admin.identity.delete_user(user, ignore_missing=True)


def delete_volumes(admin, project):
    """Delete what is left of a project's volumes (Nova deletes those of boot from volume with their server,
    on its own time)."""
    volumes = list(admin.block_storage.volumes(all_projects=True, project_id=project.id))
    deadline = time.monotonic() + 300
    while volumes and time.monotonic() < deadline:
        for volume in volumes:
            if volume.status in ('available', 'error'):
                admin.block_storage.delete_volume(volume, ignore_missing=True)
        time.sleep(2)
        volumes = list(admin.block_storage.volumes(all_projects=True, project_id=project.id))
    if volumes:
        say('volumes of %s are still there; left as they are' % project.name)


def sweep_stale(admin):
    """Remove what earlier runs on this machine left when they were killed (their pid is gone)."""
    pattern = re.compile(r'^stackops.compute benchmark run (\w+), pid (\d+) on (.+)$')
    stale = {}
    for project in admin.identity.projects(domain_id='default'):
        match = pattern.match(project.description or '')
        if not match or match.group(3) != platform.node():
            continue
        try:
            os.kill(int(match.group(2)), 0)
            continue
        except ProcessLookupError:
            stale.setdefault(match.group(1), []).append(project)
        except PermissionError:
            continue
    for rid, projects in stale.items():
        say('removing what the killed run %s left (%d projects)' % (rid, len(projects)))
        user = admin.identity.find_user('bench-%s' % rid, domain_id='default')
        remove_projects(admin, projects, user)
        inventory.remove_flavors(admin, rid)


# ------------------------------------------------------------------ running one measured step


class Runner:
    def __init__(self, args, rid, work, cloud_home):
        self.args, self.rid, self.work = args, rid, work
        self.logs = os.path.join(cloud_home, 'state', 'logs')
        self.python = os.path.join(args.venv, 'bin', 'python')
        collections = os.path.join(work, 'collections')
        os.makedirs(os.path.join(collections, 'ansible_collections', 'stackops'), exist_ok=True)
        # A copy taken now: the whole run measures one state of the collection, even while it is edited.
        snapshot = os.path.join(collections, 'ansible_collections', 'stackops', 'compute')
        os.makedirs(snapshot)
        for entry in ('galaxy.yml', 'meta', 'plugins', 'roles', 'playbooks'):
            source = os.path.join(args.root, entry)
            if os.path.isdir(source):
                shutil.copytree(source, os.path.join(snapshot, entry), ignore=shutil.ignore_patterns('__pycache__'))
            elif os.path.exists(source):
                shutil.copy2(source, snapshot)
        with open(os.path.join(work, 'snapshot.diff'), 'w') as handle:
            subprocess.call(['git', '-C', args.root, 'diff', 'HEAD', '--', 'plugins', 'roles', 'meta'], stdout=handle)
            subprocess.call(
                ['git', '-C', args.root, 'status', '--short', '--', 'plugins', 'roles', 'meta'], stdout=handle
            )
        self.env = dict(os.environ)
        self.env.update(
            ANSIBLE_COLLECTIONS_PATH='%s:%s' % (collections, args.theirs),
            ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
            ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, 'callback'),
            ANSIBLE_CALLBACKS_ENABLED='stackops_bench',
            ANSIBLE_NOCOLOR='1',
            ANSIBLE_RETRY_FILES_ENABLED='false',
            ANSIBLE_LOCALHOST_WARNING='false',
            ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
            ANSIBLE_LOCAL_TEMP=os.path.join(work, 'ansible-tmp'),
            PYTHONPATH=os.pathsep.join([os.path.join(HERE, 'ua')] + [p for p in [os.environ.get('PYTHONPATH')] if p]),
            STACKOPS_BENCH_PYTHON=self.python,
        )
        self.steps = os.path.join(work, 'steps')
        os.makedirs(self.steps, exist_ok=True)
        self.sources = inventory.write_sources(work, 'inv')

    def run(self, scenario, client, rnd, cloud, extra):
        # A scenario measured at several sizes has one marker (and step files) per size.
        marker = '%s.%s%s.%s.r%d' % (self.rid, scenario.name, extra.get('size') or '', client, rnd)
        base = os.path.join(self.steps, marker)
        env = dict(
            self.env,
            STACKOPS_BENCH_UA=marker,
            STACKOPS_BENCH_RSS=base + '.rss',
            STACKOPS_BENCH_RESULT=base + '.result.json',
        )
        if scenario.name == 'inventory' and client != 'floor':
            env.update(inventory.environment())
            cmd = inventory.command(self.args.venv, self.sources[client], base + '.inventory.json', base + '.rss')
        elif client == 'floor':
            cmd = [
                '/usr/bin/time',
                '-o',
                base + '.rss',
                '-f',
                inventory.TIME_FORMAT,
                self.python,
                os.path.join(HERE, 'floor.py'),
                extra['floor'],
                cloud,
            ] + extra.get('floor_args', [])
        else:
            variables = dict(
                bench_cloud=cloud,
                bench_python=os.path.join(HERE, 'python-rss'),
                bench_names=extra.get('names', []),
                bench_items=[{'name': n} for n in extra.get('names', [])],
                bench_server=extra.get('server', ''),
                bench_policy=extra.get('policy', ''),
                bench_select_key=BACKUP_KEY,
            )
            with open(base + '.vars.json', 'w') as handle:
                json.dump(variables, handle)
            cmd = [
                os.path.join(self.args.venv, 'bin', 'ansible-playbook'),
                '-i',
                'localhost,',
                os.path.join(HERE, 'playbooks', '%s.yml' % ('ours' if client == 'ours' else client)),
                '-t',
                scenario.tag,
                '-e',
                '@' + base + '.vars.json',
            ]
        marks = log_sizes(self.logs)
        with open(base + '.log', 'w') as out:
            started = time.monotonic()
            rc = subprocess.call(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=self.work)
            wall = time.monotonic() - started
        time.sleep(0.5)  # uwsgi writes a request's line right after answering it
        sample = {'round': rnd, 'wall': round(wall, 3), 'rc': rc, 'log': base + '.log'}
        sample['requests'] = count_requests(self.logs, marks, marker)
        rss = []
        if os.path.exists(base + '.rss'):
            with open(base + '.rss') as handle:
                rss = [int(line) for line in handle.read().split() if line.isdigit()]
        sample['rss_mb'] = round(max(rss) / 1024.0, 1) if rss else None
        sample['cpu'] = inventory.cpu_seconds(base + '.rss')
        sample['processes'] = len(rss)
        if scenario.name == 'inventory' and client != 'floor':
            sample.update(changed=None, servers=inventory.count_hosts(base + '.inventory.json'), failed=int(rc != 0))
            if rc == 0 and sample['servers'] != extra.get('size'):
                rc = sample['rc'] = 1
                sample['error'] = 'listed %s hosts, the project has %s servers' % (sample['servers'], extra.get('size'))
        elif client == 'floor':
            sample['changed'] = None
            if rc == 0:
                with open(base + '.log') as handle:
                    lines = [line for line in handle.read().splitlines() if line.startswith('{')]
                if lines:
                    sample['changed'] = json.loads(lines[-1]).get('changed')
            sample['servers'] = len(extra.get('names', [])) or None
            sample['failed'] = int(rc != 0)
        elif os.path.exists(base + '.result.json'):
            with open(base + '.result.json') as handle:
                counted = json.load(handle)
            sample.update(
                changed=counted['changed'],
                servers=counted['servers'],
                failed=counted['failed'],
                failures=counted['failures'][:3],
                task_seconds=round(counted['task_seconds'], 3) if counted['tasks'] else None,
            )
        else:
            sample.update(changed=None, servers=None, failed=1)
        if rc != 0 and not sample.get('error'):
            with open(base + '.log') as handle:
                tail = handle.read().splitlines()[-6:]
            sample['error'] = ' | '.join(line.strip() for line in tail if line.strip())[-600:]
        say(
            '  round %d %-9s %-7s %6.2f s %4d requests%s'
            % (
                rnd,
                scenario.name,
                client,
                wall,
                sample['requests']['total'],
                '' if rc == 0 else '  FAILED (%s)' % base + '.log',
            )
        )
        return sample


# ------------------------------------------------------------------ the run


def fleet_available(root):
    if not os.path.exists(os.path.join(root, 'plugins', 'modules', 'servers.py')):
        return False, 'stackops.compute.servers does not exist yet'
    with open(os.path.join(root, 'plugins', 'modules', 'server_action.py')) as handle:
        if not re.search(r'^  servers:$', handle.read(), re.M):
            return False, 'stackops.compute.server_action has no servers option yet'
    return True, ''


def selected(env_value, known, what):
    if not env_value:
        return list(known)
    chosen = [v.strip() for v in env_value.split(',') if v.strip()]
    unknown = [v for v in chosen if v not in known]
    if unknown:
        raise SystemExit('bench: unknown %s %s (known: %s)' % (what, ', '.join(unknown), ', '.join(known)))
    return [v for v in known if v in chosen]


def versions(args):
    def probe(code):
        try:
            return subprocess.check_output([os.path.join(args.venv, 'bin', 'python'), '-c', code], text=True).strip()
        except (subprocess.CalledProcessError, OSError):
            return '?'

    def read(path):
        try:
            with open(path) as handle:
                return handle.read().strip()
        except OSError:
            return '?'

    galaxy = read(os.path.join(args.root, 'galaxy.yml'))
    match = re.search(r'^version:\s*(\S+)', galaxy, re.M)
    commit = subprocess.run(
        ['git', '-C', args.root, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ['git', '-C', args.root, 'status', '--porcelain', '--', 'plugins', 'roles'],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    cpu = '?'
    for line in read('/proc/cpuinfo').splitlines():
        if line.startswith('model name'):
            cpu = line.split(':', 1)[1].strip()
            break
    mem = re.search(r'MemTotal:\s+(\d+)', read('/proc/meminfo'))
    return {
        'stackops.compute': '%s (commit %s%s)'
        % (match.group(1) if match else '?', commit, ', with uncommitted changes' if dirty else ''),
        'openstack.cloud': '%s (from %s)'
        % (read(os.path.join(args.theirs, 'VERSION')), read(os.path.join(args.theirs, 'SOURCE'))),
        'openstack.cloud patch': read(os.path.join(args.theirs, 'PATCHED')),
        'ansible-core': probe('import ansible.release as r; print(r.__version__)'),
        'openstacksdk': probe('import openstack.version as v; print(v.__version__)'),
        'python': probe('import platform; print(platform.python_version())'),
        'cpus': os.cpu_count(),
        'cpu': cpu,
        'memory_gb': round(int(mem.group(1)) / 1048576.0, 1) if mem else None,
        'os': platform.platform(),
    }


def run(args):
    rounds = int(os.environ.get('ROUNDS') or '3')
    scenarios = selected(os.environ.get('BENCH_SCENARIOS'), [s.name for s in SCENARIOS], 'scenario')
    clients = selected(os.environ.get('BENCH_CLIENTS'), CLIENTS, 'client')
    sizes = sorted(set(int(s) for s in (os.environ.get('BENCH_LIST_SIZES') or '50 100 200').split()))
    inventory_sizes = inventory.sizes(os.environ)
    fleet_ok, fleet_why = fleet_available(args.root)
    if 'fleet' in clients and not fleet_ok:
        say('fleet form not available (%s): its rows are skipped' % fleet_why)
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    rid = '%s%s' % (time.strftime('%H%M', time.gmtime()), secrets.token_hex(2))
    out_root = os.path.join(args.root, 'tests', 'output', 'bench')
    work = os.path.join(out_root, stamp + '-' + rid)
    os.makedirs(work)
    latest = os.path.join(out_root, 'latest')
    if os.path.islink(latest) or os.path.exists(latest):
        os.remove(latest)
    os.symlink(os.path.basename(work), latest)
    say(
        'run %s: %d round(s), scenarios %s, clients %s, list sizes %s; output in %s'
        % (rid, rounds, ','.join(scenarios), ','.join(clients), ' '.join(map(str, sizes)), work)
    )

    import keystoneauth1.session as ksa_session

    ksa_session.DEFAULT_USER_AGENT += ' stackops-bench/%s.setup' % rid
    cloud = Cloud(rid, work)
    report = {
        'run': rid,
        'started': stamp,
        'rounds': rounds,
        'sizes': sizes,
        'inventory_sizes': inventory_sizes if 'inventory' in scenarios else [],
        'clients': CLIENT_TITLES,
        'versions': versions(args),
        'load_before': os.getloadavg(),
        'results': [],
        'notes': [],
    }
    if not fleet_ok:
        report['notes'].append('fleet form not available: %s' % fleet_why)

    interrupted = []

    def on_signal(signum, frame):
        interrupted.append(signum)
        raise KeyboardInterrupt()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        sweep_stale(cloud.admin)
        roles = [c for c in clients if c in MUTATORS]
        want = set(BY_NAME[s].phase for s in scenarios)
        project_roles = (
            (roles if 'mutate' in want or 'volume' in want else [])
            + (['pop'] if 'pop' in want else [])
            + (['one'] if 'one' in want else [])
            + (['inv'] if 'inv' in want else [])
        )
        cloud.create(project_roles)
        runner = Runner(args, rid, work, os.environ['STACKOPS_CLOUD_HOME'])
        measure(report, cloud, runner, scenarios, clients, rounds, sizes, fleet_ok, fleet_why, inventory_sizes)
    except KeyboardInterrupt:
        report['notes'].append('interrupted')
        say('interrupted: cleaning up')
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        report['load_after'] = os.getloadavg()
        write_report(report, work)
        say("deleting the run's servers, images, projects and user")
        try:
            cloud.cleanup()
        except Exception as exc:
            say('cleanup failed: %s (the next run removes the leftovers)' % exc)
    if interrupted or 'interrupted' in report['notes']:
        return 130
    return 1 if any(r.get('failed_rounds') for r in report['results']) else 0


def measure(report, cloud, runner, scenarios, clients, rounds, sizes, fleet_ok, fleet_why, inventory_sizes=()):
    # Read-only scenarios take seconds: more rounds for them steady the medians on a busy machine.
    quick_rounds = max(rounds, QUICK_ROUNDS)

    def record(scenario, client, samples, size=None, note=None):
        report['results'].append(summarize(scenario, client, samples, size, note))
        print_row(report['results'][-1])

    def wanted(name):
        return name in scenarios

    def clients_of(scenario):
        chosen = []
        for client in scenario.clients:
            if client not in clients:
                continue
            if client in scenario.cannot:
                record(scenario, client, [], note=scenario.cannot[client])
            elif client == 'fleet' and not fleet_ok:
                record(scenario, client, [], note='not available: %s' % fleet_why)
            else:
                chosen.append(client)
        return chosen

    # A project of one server: the cost of one task.
    if wanted('trivial'):
        scenario = BY_NAME['trivial']
        names = cloud.fill('one', 1, 0)
        samples = dict((c, []) for c in clients_of(scenario))
        for rnd in range(1, quick_rounds + 1):
            for client in samples:
                samples[client].append(
                    runner.run(scenario, client, rnd, 'one', dict(server=names[0], floor='info', floor_args=[names[0]]))
                )
        for client, got in samples.items():
            record(scenario, client, got)

    # Each client in its own project: create, rerun, stop, start, delete 10 servers.
    mutating = [BY_NAME[n] for n in ('create10', 'rerun', 'stop10', 'start10', 'delete10') if wanted(n)]
    if mutating:
        state = dict((c, 'none') for c in clients if c in MUTATORS)
        samples = dict((s.name, dict((c, []) for c in clients_of(s))) for s in mutating)
        floor_cmd = {'create': 'create', 'stop': 'stop', 'start': 'start', 'delete': 'delete'}
        for rnd in range(1, rounds + 1):
            for scenario in mutating:
                for client in samples[scenario.name]:
                    cloud.ensure(client, MUTATE_NAMES, state[client], scenario.require)
                    sample = runner.run(
                        scenario,
                        client,
                        rnd,
                        client,
                        dict(names=MUTATE_NAMES, floor=floor_cmd[scenario.tag], floor_args=MUTATE_NAMES),
                    )
                    state[client] = scenario.leaves if sample['rc'] == 0 else None
                    samples[scenario.name][client].append(sample)
        for scenario in mutating:
            for client, got in samples[scenario.name].items():
                record(scenario, client, got)
        for client in state:
            if client in cloud.projects:
                cloud.ensure(client, MUTATE_NAMES, state[client], 'none')

    # Each client in its own project: boot 10 servers from new volumes; deleted (untimed) after each round.
    if wanted('bootvol10'):
        scenario = BY_NAME['bootvol10']
        samples = dict((c, []) for c in clients_of(scenario))
        for rnd in range(1, rounds + 1):
            for client in samples:
                cloud.ensure(client, MUTATE_NAMES, None, 'none')
                delete_volumes(cloud.admin, cloud.projects[client])
                samples[client].append(
                    runner.run(
                        scenario,
                        client,
                        rnd,
                        client,
                        dict(names=MUTATE_NAMES, floor='bootvol', floor_args=MUTATE_NAMES),
                    )
                )
                cloud.ensure(client, MUTATE_NAMES, None, 'none')
        for client, got in samples.items():
            record(scenario, client, got)

    # One project, filled to each size in turn: listing, and at 50 servers acting on all and backups.
    pop = [BY_NAME[n] for n in ('list', 'act50', 'backup20', 'info200') if wanted(n)]
    if pop:
        steps = []
        for size in sizes:
            steps.append(
                (
                    size,
                    [
                        s
                        for s in pop
                        if s.name == 'list'
                        or (s.name in ('act50', 'backup20') and size == ACT_COUNT)
                        or (s.name == 'info200' and size == sizes[-1])
                    ],
                )
            )
        if any(s.name in ('act50', 'backup20') for s in pop) and ACT_COUNT not in sizes:
            steps.insert(0, (ACT_COUNT, [s for s in pop if s.name in ('act50', 'backup20')]))
            steps.sort(key=lambda step: step[0])
        for size, step in steps:
            if not step:
                continue
            names = cloud.fill('pop', size, BACKUP_COUNT)
            chosen = dict((s.name, clients_of(s)) for s in step)
            samples = dict((s.name, dict((c, []) for c in chosen[s.name])) for s in step)
            for rnd in range(1, quick_rounds + 1):
                for scenario in step:
                    if scenario.name not in QUICK and rnd > rounds:
                        continue
                    for client in chosen[scenario.name]:
                        extra = {'floor': scenario.tag}
                        if scenario.name == 'list':
                            extra.update(floor='list', size=size)
                        elif scenario.name == 'info200':
                            server = names[len(names) // 2]
                            extra.update(server=server, floor='info', floor_args=[server])
                        elif scenario.name == 'act50':
                            extra.update(names=names, floor='stop', floor_args=names)
                        elif scenario.name == 'backup20':
                            policy = 'bench%sr%d%s' % (runner.rid, rnd, client)
                            extra.update(policy=policy, floor='backup', floor_args=[policy, BACKUP_KEY])
                        samples[scenario.name][client].append(runner.run(scenario, client, rnd, 'pop', extra))
                        if scenario.name == 'act50':
                            restore_active(cloud, names)
                        elif scenario.name == 'backup20':
                            cloud.delete_images('pop')
            for scenario in step:
                for client, got in samples[scenario.name].items():
                    record(scenario, client, got, size=size if scenario.name in ('list', 'info200') else None)

    # A project of its own for the inventory plugins, filled with servers no compute host takes.
    if wanted('inventory'):
        scenario = BY_NAME['inventory']
        for size in inventory_sizes:
            inventory.fill(cloud, 'inv', size)
            chosen = inventory.clients_at(size, clients_of(scenario))
            samples = dict((c, []) for c in chosen)
            for rnd in range(1, quick_rounds + 1):
                for client in chosen:
                    samples[client].append(runner.run(scenario, client, rnd, 'inv', {'floor': 'list', 'size': size}))
            for client, got in samples.items():
                record(scenario, client, got, size=size)


def restore_active(cloud, names):
    import floor

    floor.act(cloud.conn('pop'), names, 'start')


# ------------------------------------------------------------------ numbers and the report


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {'median': round(statistics.median(values), 3), 'min': min(values), 'max': max(values)}


def summarize(scenario, client, samples, size=None, note=None):
    ok = [s for s in samples if s['rc'] == 0]
    row = {
        'scenario': scenario.name,
        'title': scenario.title,
        'client': client,
        'size': size,
        'note': note,
        'rounds': len(samples),
        'failed_rounds': len(samples) - len(ok),
        'samples': samples,
    }
    if not ok:
        if samples and not note:
            row['note'] = 'failed: %s' % (samples[-1].get('error') or 'see ' + samples[-1]['log'])
        return row
    row['wall'] = spread([s['wall'] for s in ok])
    row['requests'] = spread([s['requests']['total'] for s in ok])
    row['mutating'] = spread([s['requests']['mutating'] for s in ok])
    row['errors'] = spread([s['requests']['errors'] for s in ok])
    row['changed'] = spread([s.get('changed') for s in ok])
    row['servers'] = spread([s.get('servers') for s in ok])
    row['rss_mb'] = spread([s.get('rss_mb') for s in ok])
    row['cpu'] = spread([s.get('cpu') for s in ok])
    row['outside'] = spread([round(s['wall'] - s['requests'].get('service_ms', 0) / 1000.0, 3) for s in ok])
    row['task_seconds'] = spread([s.get('task_seconds') for s in ok])
    median_sample = sorted(ok, key=lambda s: s['requests']['total'])[len(ok) // 2]
    row['by_service'] = median_sample['requests']['by_service']
    row['by_method'] = median_sample['requests']['by_method']
    row['mutating_list'] = median_sample['requests']['mutating_list']
    if len(ok) < len(samples):
        row['note'] = '%d of %d rounds failed: %s' % (
            len(samples) - len(ok),
            len(samples),
            next(s.get('error', '') for s in samples if s['rc']),
        )
    return row


def label(row):
    return row['scenario'] + (' (%d)' % row['size'] if row.get('size') else '')


def print_row(row):
    if not row.get('wall'):
        say('%-16s %-7s %s' % (label(row), row['client'], row.get('note') or 'no data'))
        return
    say(
        '%-16s %-7s %7.2f s (%.2f-%.2f, tasks %s)  %4g requests  %3g mutating  changed %s  rss %s MB%s'
        % (
            label(row),
            row['client'],
            row['wall']['median'],
            row['wall']['min'],
            row['wall']['max'],
            ('%.2f s' % row['task_seconds']['median']) if row.get('task_seconds') else '-',
            row['requests']['median'],
            row['mutating']['median'],
            row['changed']['median'] if row.get('changed') else '-',
            row['rss_mb']['median'] if row.get('rss_mb') else '-',
            ('  (' + row['note'] + ')') if row.get('note') else '',
        )
    )


def ratio(a, b, key):
    if not a or not b or not a.get(key) or not b.get(key) or not b[key]['median']:
        return None
    return round(a[key]['median'] / b[key]['median'], 2)


def fmt(spread_value, unit='', digits=2):
    if not spread_value:
        return '-'
    median, low, high = spread_value['median'], spread_value['min'], spread_value['max']
    if low == high:
        return '%.*f%s' % (digits, median, unit) if isinstance(median, float) and digits else '%g%s' % (median, unit)
    return '%.*f%s (%.*f–%.*f)' % (digits, median, unit, digits, low, digits, high)


def markdown(report):
    rows = report['results']
    index = dict(((r['scenario'], r.get('size'), r['client']), r) for r in rows)
    lines = [
        '| scenario | client | wall time, median (min–max) | in the tasks | requests | per service | mutating '
        '| changed | module peak RSS | time vs openstack.cloud | time vs floor |',
        '|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|',
    ]
    for row in rows:
        if not row.get('wall'):
            lines.append('| %s | %s | %s | | | | | | | | |' % (label(row), row['client'], row.get('note') or '-'))
            continue
        theirs = index.get((row['scenario'], row.get('size'), 'theirs'))
        floor_row = index.get((row['scenario'], row.get('size'), 'floor'))
        services = ', '.join('%s %d' % (k, v) for k, v in sorted(row['by_service'].items(), key=lambda kv: -kv[1]))
        changed = (
            '-'
            if not row.get('changed')
            else '%g/%g' % (row['changed']['median'], (row.get('servers') or {}).get('median') or 0)
        )
        lines.append(
            '| %s | %s | %s | %s | %s | %s | %g | %s | %s | %s | %s |'
            % (
                label(row),
                row['client'],
                fmt(row['wall'], ' s'),
                ('%.2f s' % row['task_seconds']['median']) if row.get('task_seconds') else '-',
                fmt(row['requests'], digits=0),
                services,
                row['mutating']['median'],
                changed,
                fmt(row['rss_mb'], ' MB', 0) if row.get('rss_mb') else '-',
                ('%.2f×' % ratio(row, theirs, 'wall'))
                if row['client'] != 'theirs' and ratio(row, theirs, 'wall')
                else '',
                ('%.2f×' % ratio(row, floor_row, 'wall'))
                if row['client'] != 'floor' and ratio(row, floor_row, 'wall')
                else '',
            )
        )
    lines.append('')
    lines.extend(targets(report))
    return '\n'.join(lines) + '\n'


def targets(report):
    """Each target of the issue: met, missed, or not measured, with the numbers that decide."""
    index = dict(((r['scenario'], r.get('size'), r['client']), r) for r in report['results'])

    def get(scenario, client, size=None):
        row = index.get((scenario, size, client))
        return row if row and row.get('wall') else None

    out = ['| target | measured | met |', '|---|---|---|']

    def add(target, measured, met):
        out.append('| %s | %s | %s |' % (target, measured, {True: 'yes', False: '**no**', None: 'not measured'}[met]))

    for name, label_text in (
        ('create10', 'create 10'),
        ('stop10', 'stop 10'),
        ('start10', 'start 10'),
        ('delete10', 'delete 10'),
    ):
        ours, theirs = get(name, 'ours'), get(name, 'theirs')
        r = ratio(ours, theirs, 'wall')
        add(
            "%s ≤ 0.35× openstack.cloud's wall time" % label_text,
            '%.2f× (%.1f s vs %.1f s)' % (r, ours['wall']['median'], theirs['wall']['median']) if r else '-',
            None if r is None else r <= 0.35,
        )
    rerun = get('rerun', 'ours')
    if rerun:
        per = rerun['requests']['median'] / 10.0
        add(
            'rerun: changed 0, no mutating request, ≤ 3 requests per server',
            'changed %g, mutating %g, %.1f requests per server'
            % (rerun['changed']['median'] if rerun.get('changed') else -1, rerun['mutating']['max'], per),
            bool(rerun.get('changed')) and rerun['changed']['max'] == 0 and rerun['mutating']['max'] == 0 and per <= 3,
        )
    else:
        add('rerun: changed 0, no mutating request, ≤ 3 requests per server', '-', None)
    sizes = report['sizes']
    info = get('info200', 'ours', sizes[-1] if sizes else None)
    add(
        'server_info by name in %s servers: ≤ 5 requests and ≤ 1.5 s' % (sizes[-1] if sizes else 'N'),
        '%g requests, %.2f s' % (info['requests']['median'], info['wall']['median']) if info else '-',
        None if not info else info['requests']['median'] <= 5 and info['wall']['median'] <= 1.5,
    )
    lists = [(s, get('list', 'ours', s), get('list', 'floor', s)) for s in sizes]
    lists = [(s, o, f) for s, o, f in lists if o and f]
    if lists:
        worst = max(ratio(o, f, 'wall') for s, o, f in lists)
        add(
            'listing N servers within 1.3× the floor',
            ', '.join('%d: %.2f×' % (s, ratio(o, f, 'wall')) for s, o, f in lists),
            worst <= 1.3,
        )
    else:
        add('listing N servers within 1.3× the floor', '-', None)
    ours_lists = [(s, get('list', 'ours', s)) for s in sizes if get('list', 'ours', s)]
    if len(ours_lists) >= 2:
        slopes = []
        for (s1, r1), (s2, r2) in zip(ours_lists, ours_lists[1:], strict=False):
            slopes.append((r2['wall']['median'] - r1['wall']['median']) / (s2 - s1) * 1000.0)
        flat_requests = len(set(r['requests']['median'] for s, r in ours_lists)) == 1
        # A smaller size that took longer than a larger one is noise on a busy machine: not decided.
        linear = None if min(slopes) < 0 else (flat_requests and max(slopes) <= 1.5 * max(min(slopes), 0.1) + 2)
        add(
            'listing linear in N',
            'marginal cost %s ms per server between sizes %s; requests %s'
            % (
                ', '.join('%.1f' % x for x in slopes),
                ', '.join(str(s) for s, r in ours_lists),
                'constant' if flat_requests else 'growing',
            ),
            linear,
        )
        rss = [(s, r['rss_mb']['median']) for s, r in ours_lists if r.get('rss_mb')]
        if len(rss) >= 2:
            (s1, m1), (s2, m2) = rss[0], rss[-1]
            per = (m2 - m1) / float(s2 - s1)
            at1000 = m2 + per * (1000 - s2)
            add(
                '≤ 200 MB peak listing 1,000 servers',
                '%.0f MB at %d, %.0f MB at %d: %.0f KB per server, '
                'about %.0f MB at 1,000 (extrapolated, not measured)' % (m1, s1, m2, s2, per * 1024, at1000),
                at1000 <= 200,
            )
    else:
        add('listing linear in N', '-', None)
    inventory.target_rows(get, ratio, report, add)
    trivial, noop = get('trivial', 'ours'), get('trivial', 'noop')
    if trivial:
        task = (trivial.get('task_seconds') or {}).get('median')
        measured = 'the task %s, the whole ansible-playbook %.2f s%s; %g requests' % (
            '%.2f s' % task if task is not None else '-',
            trivial['wall']['median'],
            ' (with one debug task instead: %.2f s)' % noop['wall']['median'] if noop else '',
            trivial['requests']['median'],
        )
        add(
            "one trivial task ≤ 1.2 s (judged on the task; ansible-playbook's own start is shown apart)",
            measured,
            None if task is None else task <= 1.2,
        )
    else:
        add('one trivial task ≤ 1.2 s', '-', None)
    fleet, theirs, floor_row = get('act50', 'fleet'), get('act50', 'theirs'), get('act50', 'floor')
    r_floor, r_theirs = ratio(fleet, floor_row, 'wall'), ratio(fleet, theirs, 'wall')
    add(
        'fleet form at 50 servers within 2× the floor',
        '%.2f× (%.1f s vs %.1f s)' % (r_floor, fleet['wall']['median'], floor_row['wall']['median'])
        if r_floor
        else '-',
        None if r_floor is None else r_floor <= 2,
    )
    add(
        "fleet form at 50 servers ≥ 5× faster than openstack.cloud's loop",
        # From the medians themselves: ratio() rounds to 2 decimals, and 1 / 0.07 would say 14.3, not 15.4.
        '%.1f× faster (%.1f s vs %.1f s)'
        % (theirs['wall']['median'] / fleet['wall']['median'], fleet['wall']['median'], theirs['wall']['median'])
        if r_theirs
        else '-',
        None if r_theirs is None else 1 / r_theirs >= 5,
    )
    return out


def write_report(report, work):
    with open(os.path.join(work, 'report.json'), 'w') as handle:
        json.dump(report, handle, indent=1, default=str)
    table = markdown(report)
    with open(os.path.join(work, 'report.md'), 'w') as handle:
        handle.write('# Benchmark run %s (%s)\n\n' % (report['run'], report['started']))
        for key, value in report['versions'].items():
            handle.write('- %s: %s\n' % (key, value))
        handle.write(
            '- rounds: %d; load average before %s, after %s\n'
            % (
                report['rounds'],
                ' '.join('%.2f' % x for x in report['load_before']),
                ' '.join('%.2f' % x for x in report.get('load_after', ())),
            )
        )
        for note in report['notes']:
            handle.write('- note: %s\n' % note)
        handle.write('\n' + table)
    print(table)
    say('report: %s/report.md and report.json' % work)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    run_parser = sub.add_parser('run')
    run_parser.add_argument('--root', required=True)
    run_parser.add_argument('--theirs', required=True)
    run_parser.add_argument('--venv', required=True)
    install = sub.add_parser('install-theirs')
    install.add_argument('wheel')
    install.add_argument('dest')
    sub.add_parser('list')
    args = parser.parse_args()
    if args.command == 'install-theirs':
        install_theirs(args.wheel, args.dest)
        return 0
    if args.command == 'list':
        for scenario in SCENARIOS:
            print('%-10s %s (%s)' % (scenario.name, scenario.title, ', '.join(scenario.clients)))
        return 0
    return run(args)


if __name__ == '__main__':
    sys.exit(main())
