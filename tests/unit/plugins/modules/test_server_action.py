# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""server_action wired to a fake Cloud: check mode sends nothing that changes, bad input fails in one line,
waits follow the server through the operation, and secrets never show."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest
from ansible.module_utils.common import warnings

from ansible_collections.stackops.compute.plugins.module_utils import _action_table, _apply_actions, _sdk
from ansible_collections.stackops.compute.plugins.modules import server_action
from ansible_collections.stackops.compute.tests.unit.helpers.modules import run_module

SID = '11111111-1111-4111-8111-111111111111'
# Proxy methods that only read.
READ_METHODS = {
    'fetch_server_security_groups',
    'get_server_password',
    'get_server_console_output',
    'create_server_remote_console',
}
WRITE_NAMES = {
    'server_resource_call',
    'server_action_request',
    'create_server_image',
    'create_server_backup',
    'attach_volume',
    'detach_volume',
}

# What the fake compute does for each proxy method: (status while busy, task_state, status at the end).
EFFECTS = {
    'stop_server': ('ACTIVE', 'powering-off', 'SHUTOFF'),
    'start_server': ('SHUTOFF', 'powering-on', 'ACTIVE'),
    'reboot_server': ('REBOOT', 'rebooting', 'ACTIVE'),
    'pause_server': ('ACTIVE', 'pausing', 'PAUSED'),
    'rebuild_server': ('REBUILD', 'rebuilding', 'ACTIVE'),
    'resize_server': ('RESIZE', 'resize_prep', 'VERIFY_RESIZE'),
    'live_migrate_server': ('MIGRATING', 'migrating', 'ACTIVE'),
    'shelve_server': ('ACTIVE', 'shelving', 'SHELVED'),
}


def make_server(**extra):
    data = dict(
        id=SID,
        name='web1',
        status='ACTIVE',
        vm_state='active',
        task_state=None,
        power_state=1,
        is_locked=False,
        locked_reason=None,
        flavor={'original_name': 'm1.tiny'},
        image={'id': 'img-tiny'},
        compute_host='compute1',
        addresses={'private': [{'addr': '192.0.2.10', 'OS-EXT-IPS:type': 'fixed', 'version': 4}]},
        security_groups=[{'name': 'default'}],
        metadata={},
    )
    data.update(extra)
    return data


class FakeCloud(object):
    """One server in memory. An action puts it in its busy state; the next reads walk it to the end, the way
    Nova answers 202 with task_state set and the compute service clears it later."""

    def __init__(self):
        self.server = make_server()
        self.calls = []
        self.pending = []
        self.roles = ['member', 'reader']
        self.instance_actions = [{'action': 'create', 'request_id': 'req-0'}]
        self.action_details = {}
        self.images = []

    # reads
    def find_server(self, ref, all_projects=False):
        self.calls.append(('find_server', ref, all_projects))
        return copy.deepcopy(self.server) if self.server and ref in (SID, 'web1') else None

    def get_server(self, server_id, drop=None):
        self.calls.append(('get_server', server_id))
        if self.pending:
            update = self.pending.pop(0)
            if update is None:
                self.server = None
            else:
                self.server.update(update)
        return copy.deepcopy(self.server)

    def current_roles(self):
        return list(self.roles)

    def compute_max_microversion(self):
        return '2.100'

    def find_image(self, ref):
        self.calls.append(('find_image', ref))
        return {'id': 'img-' + ref, 'name': ref}

    def find_flavor(self, ref):
        self.calls.append(('find_flavor', ref))
        return {'id': '2', 'name': ref, 'vcpus': 1, 'ram': 256, 'disk': 2}

    def find_network(self, ref):
        return {'id': 'net-1', 'name': ref}

    def find_security_group(self, ref):
        return {'id': 'sg-' + ref, 'name': ref}

    def find_floating_ip(self, address):
        return {'floating_ip_address': address, 'port_id': None, 'fixed_ip_address': None}

    def list_ports(self, **query):
        return [{'id': 'port-1', 'fixed_ips': [{'ip_address': '192.0.2.10'}]}]

    def list_server_actions(self, server_id):
        self.calls.append(('list_server_actions', server_id))
        return copy.deepcopy(self.instance_actions)

    def get_server_action(self, server_id, request_id):
        return self.action_details.get(request_id)

    def get_server_topology(self, server_id):
        self.calls.append(('get_server_topology', server_id))
        return {'nodes': [], 'pagesize_kb': None}

    def get_image(self, image_id):
        return {'id': image_id, 'name': 'snap', 'status': 'queued'}

    def list_images_where(self, query):
        self.calls.append(('list_images_where', query))
        return copy.deepcopy(self.images)

    def wait_for_image(self, image_id, timeout=600, delay=0):
        self.calls.append(('wait_for_image', image_id))
        return {'id': image_id, 'name': 'snap', 'status': 'active'}

    # calls
    def server_call(self, method, server_id, doing, **kwargs):
        self.calls.append(('server_call', method, kwargs))
        if method == 'fetch_server_security_groups':
            return {'security_groups': [{'id': 'sg-default', 'name': 'default', 'rules': []}]}
        if method == 'get_server_password':
            return ''
        if method == 'get_server_console_output':
            return {'output': 'login: '}
        if method == 'create_server_remote_console':
            return {'url': 'http://console', 'type': kwargs['type'], 'protocol': kwargs['protocol'], 'id': None}
        if method == 'lock_server':
            self.server.update(is_locked=True, locked_reason=kwargs.get('locked_reason'))
        elif method == 'unlock_server':
            self.server.update(is_locked=False, locked_reason=None)
        elif method in EFFECTS:
            busy, task, end = EFFECTS[method]
            self.server.update(status=busy, task_state=task)
            final = {'status': end, 'task_state': None}
            if method == 'resize_server':
                final['flavor'] = {'original_name': 'm1.small'}
            if method == 'live_migrate_server':
                final['compute_host'] = kwargs.get('host') or 'compute2'
            self.pending = [{}, final]
            self.instance_actions.insert(0, {'action': 'live-migration', 'request_id': 'req-%d' % len(self.calls)})
        return None

    def server_resource_call(self, method, server_id, doing, **kwargs):
        self.calls.append(('server_resource_call', method, kwargs))
        self.pending = [None]

    def server_action_request(self, server_id, body, doing, microversion=None):
        self.calls.append(('server_action_request', body, microversion))
        if 'addFloatingIp' in body:
            entry = {'addr': body['addFloatingIp']['address'], 'OS-EXT-IPS:type': 'floating'}
            self.pending = [{}, {'addresses': {'private': self.server['addresses']['private'] + [entry]}}]

    def create_server_image(self, server_id, name, metadata):
        self.calls.append(('create_server_image', name, metadata))
        self.server.update(task_state='image_snapshot')
        self.pending = [{'task_state': None}]
        return 'img-new'

    def create_server_backup(self, server_id, name, backup_type, rotation, metadata):
        self.calls.append(('create_server_backup', name, backup_type, rotation, metadata))
        return 'img-new'

    # volumes: 'data1' is available, 'attached' is attached to the server at /dev/vdb
    def find_volume(self, ref):
        self.calls.append(('find_volume', ref))
        if ref == 'attached':
            return {
                'id': 'v-att',
                'name': ref,
                'status': 'in-use',
                'attachments': [{'server_id': SID, 'device': '/dev/vdb'}],
            }
        return {'id': 'v-' + ref, 'name': ref, 'status': 'available', 'attachments': []}

    def attach_volume(self, server_id, volume_id, device=None):
        self.calls.append(('attach_volume', volume_id, device))

    def detach_volume(self, server_id, volume_id):
        self.calls.append(('detach_volume', volume_id))

    def writes(self):
        out = []
        for call in self.calls:
            if call[0] in WRITE_NAMES or (call[0] == 'server_call' and call[1] not in READ_METHODS):
                out.append(call)
        return out


@pytest.fixture
def cloud(monkeypatch):
    warnings._global_warnings.clear()
    fake = FakeCloud()
    monkeypatch.setattr(_sdk, 'connect', lambda params: fake)
    # The fake answers at once: no real pauses between polls.
    monkeypatch.setattr(_apply_actions, 'CHANGE_STEP', 0.001)
    monkeypatch.setattr(_apply_actions, 'CHANGE_DELAY', 0)
    monkeypatch.setattr('time.sleep', lambda seconds: None)
    return fake


def run(check_mode=False, diff=False, **args):
    args.setdefault('server', 'web1')
    args.update(cloud='local', _ansible_check_mode=check_mode, _ansible_diff=diff)
    return run_module(server_action.main, args)


# Every action that changes something, with what it needs, from an ACTIVE (or the given) server.
CHECK_MODE_CASES = [
    ('reboot', {}, {}),
    ('stop', {}, {}),
    ('start', {}, {'status': 'SHUTOFF', 'vm_state': 'stopped'}),
    ('pause', {}, {}),
    ('unpause', {}, {'status': 'PAUSED', 'vm_state': 'paused'}),
    ('suspend', {}, {}),
    ('resume', {}, {'status': 'SUSPENDED', 'vm_state': 'suspended'}),
    ('unrescue', {}, {'status': 'RESCUE', 'vm_state': 'rescued'}),
    ('lock', {'locked_reason': 'm'}, {}),
    ('unlock', {}, {'is_locked': True}),
    ('rescue', {'image': 'tiny', 'admin_password': 'S3cret!'}, {}),
    ('resize', {'flavor': 'm1.small'}, {}),
    ('confirm_resize', {}, {'status': 'VERIFY_RESIZE'}),
    ('revert_resize', {}, {'status': 'VERIFY_RESIZE'}),
    ('rebuild', {'image': 'tiny-alt', 'admin_password': 'S3cret!', 'user_data': 'S3cret!'}, {}),
    ('create_image', {'image_name': 'snap'}, {}),
    ('backup', {'image_name': 'bk', 'backup_type': 'daily', 'rotation': 2}, {}),
    ('change_password', {'admin_password': 'S3cret!'}, {}),
    ('shelve', {}, {}),
    ('shelve_offload', {}, {'status': 'SHELVED'}),
    ('unshelve', {}, {'status': 'SHELVED'}),
    ('migrate', {}, {}),
    ('live_migrate', {'host': 'compute2'}, {}),
    ('evacuate', {'admin_password': 'S3cret!'}, {}),
    ('restore', {}, {'status': 'SOFT_DELETED'}),
    ('force_delete', {}, {}),
    ('reset_state', {'state': 'error'}, {}),
    ('add_security_group', {'security_group': 'web'}, {}),
    ('remove_security_group', {'security_group': 'default'}, {}),
    ('add_fixed_ip', {'network': 'private'}, {}),
    ('remove_fixed_ip', {'address': '192.0.2.10'}, {}),
    ('add_floating_ip', {'address': '203.0.113.5'}, {}),
    ('trigger_crash_dump', {}, {}),
    ('attach_volume', {'volume': 'data1'}, {}),
    ('detach_volume', {'volume': 'attached'}, {'attached_volumes': [{'id': 'v-att'}]}),
]


def test_check_mode_cases_cover_every_action_that_changes_something():
    changing = set(n for n, s in _action_table.ACTIONS.items() if not s.read_only)
    # clear_password and remove_floating_ip are no-ops on the fake server; they are covered below.
    assert changing - set(c[0] for c in CHECK_MODE_CASES) == {'clear_password', 'remove_floating_ip'}


@pytest.mark.parametrize('action,args,server', CHECK_MODE_CASES)
def test_check_mode_sends_nothing_that_changes(cloud, action, args, server):
    # An admin may run every action under Nova's default policy (refusals are tested below).
    cloud.roles = ['admin', 'member', 'reader']
    cloud.server.update(server)
    before = copy.deepcopy(cloud.server)
    if action == 'remove_security_group':
        cloud.find_security_group = lambda ref: {'id': 'sg-default', 'name': 'default'}
    result = run(check_mode=True, diff=True, action=action, **args)
    assert result.get('failed') is not True, result
    assert result['changed'] is True
    assert cloud.writes() == []
    assert cloud.server == before
    assert 'S3cret!' not in repr(result)
    assert result['diff']['before']['status'] == before['status']
    if action == 'force_delete':
        assert result['server'] is None
    else:
        assert result['server']['id'] == SID


@pytest.mark.parametrize(
    'action,key,value',
    [
        ('get_console_output', 'console_output', 'login: '),
        ('get_console_url', 'console', {'url': 'http://console', 'type': 'novnc', 'protocol': 'vnc'}),
        ('get_password', 'password', ''),
        ('fetch_topology', 'topology', {'nodes': [], 'pagesize_kb': None}),
        ('fetch_security_groups', 'security_groups', [{'id': 'sg-default', 'name': 'default', 'rules': []}]),
    ],
)
@pytest.mark.parametrize('check_mode', [False, True])
def test_read_only_actions_return_data_and_never_change(cloud, action, key, value, check_mode):
    result = run(check_mode=check_mode, diff=True, action=action)
    assert result['changed'] is False
    assert result[key] == value
    assert result['server']['id'] == SID
    assert 'diff' not in result
    assert cloud.writes() == []


def test_stop_in_four_steps(cloud):
    checked = run(check_mode=True, diff=True, action='stop')
    assert checked['changed'] is True and checked['server']['status'] == 'SHUTOFF'
    assert checked['diff']['before']['status'] == 'ACTIVE' and checked['diff']['after']['status'] == 'SHUTOFF'
    assert cloud.server['status'] == 'ACTIVE'
    done = run(action='stop')
    assert done['changed'] is True and done['server']['status'] == 'SHUTOFF'
    assert 'diff' not in done
    again = run(action='stop')
    assert again['changed'] is False and again['msg'].startswith('Nothing to do')
    again_checked = run(check_mode=True, action='stop')
    assert again_checked['changed'] is False
    assert cloud.writes() == [('server_call', 'stop_server', {})]


def test_reboot_waits_for_the_operation_not_just_the_status(cloud):
    result = run(action='reboot', reboot_type='HARD')
    assert result['changed'] is True and result['server']['status'] == 'ACTIVE'
    # The first read saw REBOOT/rebooting; the module kept reading until the task was over.
    reads = [c for c in cloud.calls if c[0] == 'get_server']
    assert len(reads) == 2
    assert cloud.pending == []


def test_openstack_cloud_spelling_of_reboot(cloud):
    result = run(action='reboot_hard')
    assert result['action'] == 'reboot'
    assert cloud.writes() == [('server_call', 'reboot_server', {'reboot_type': 'HARD'})]


def backup_image(number, backup_type='daily'):
    return {
        'id': 'bk-%d' % number,
        'name': 'web1-%s-%d' % (backup_type, number),
        'created_at': '2026-11-%02dT03:00:00Z' % number,
        'status': 'active',
        'properties': {'instance_uuid': SID, 'image_type': 'backup', 'backup_type': backup_type},
    }


@pytest.mark.parametrize('check_mode', [True, False])
def test_backup_says_which_backups_nova_rotation_deletes(cloud, check_mode):
    # Nova lists the server's backups of the type newest first, the new one included, and deletes all but
    # `rotation`: with rotation 2, only the newest existing one stays.
    cloud.images = [backup_image(n) for n in (3, 1, 2)] + [backup_image(4, 'weekly')]
    result = run(check_mode=check_mode, diff=True, action='backup', image_name='bk', backup_type='daily', rotation=2)
    assert result['changed'] is True
    assert result['nova_rotation'] == ['bk-2', 'bk-1']
    query = [c[1] for c in cloud.calls if c[0] == 'list_images_where'][0]
    assert (query['instance_uuid'], query['image_type'], query['backup_type']) == (SID, 'backup', 'daily')
    assert result['diff']['before']['backups'] == ['web1-daily-3 (bk-3)', 'web1-daily-2 (bk-2)', 'web1-daily-1 (bk-1)']
    new = 'bk (new)' if check_mode else 'snap (img-new)'
    assert result['diff']['after']['backups'] == [new, 'web1-daily-3 (bk-3)']


class Refused(Exception):
    pass


@pytest.mark.parametrize(
    'action, args, server, rule',
    [
        ('shelve_offload', {}, {'status': 'SHELVED'}, 'os_compute_api:os-shelve:shelve_offload'),
        ('migrate', {}, {}, 'os_compute_api:os-migrate-server:migrate'),
        ('live_migrate', {'host': 'compute2'}, {}, 'os_compute_api:os-migrate-server:migrate_live)'),
        ('evacuate', {}, {}, 'os_compute_api:os-evacuate'),
        ('reset_state', {'state': 'error'}, {}, 'os_compute_api:os-admin-actions:reset_state'),
        ('unshelve', {'host': 'compute2'}, {'status': 'SHELVED_OFFLOADED'}, 'os-shelve:unshelve_to_host'),
    ],
)
def test_check_mode_and_the_real_run_are_refused_alike_under_the_default_policy(cloud, action, args, server, rule):
    from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError

    cloud.server.update(server)
    checked = run(check_mode=True, action=action, **args)
    assert checked['failed'] is True and checked['changed'] is False
    assert checked['msg'].startswith('Not allowed: %s of server web1 needs ' % action)
    assert rule in checked['msg'] and checked['msg'].endswith('this user has member, reader.')
    assert cloud.writes() == []

    def refuse(method, server_id, doing, **kwargs):
        cloud.calls.append(('refused', method))
        raise ComputeError(
            "Not allowed while %s: HTTP 403: Policy doesn't allow %s to be performed. (request req-1). The policy "
            'of the cloud forbids it for this user; an admin cloud may be needed.' % (doing, rule),
            status_code=403,
        )

    cloud.server_call = refuse
    real = run(action=action, **args)
    assert real['failed'] is True and real['changed'] is False
    assert real['msg'] == "%s Nova answered: HTTP 403: Policy doesn't allow %s to be performed. (request req-1)" % (
        checked['msg'],
        rule,
    )


def test_unlocking_a_server_an_admin_of_another_project_locked(cloud):
    cloud.server.update(is_locked=True, project_id='p-demo')
    cloud.instance_actions.insert(0, {'action': 'lock', 'request_id': 'req-l', 'project_id': 'p-admin'})
    checked = run(check_mode=True, action='unlock')
    assert checked['failed'] is True
    assert 'unlock_override' in checked['msg']
    cloud.instance_actions[0]['project_id'] = 'p-demo'
    assert run(check_mode=True, action='unlock')['changed'] is True


def test_a_rotation_of_0_would_delete_the_new_backup_too():
    # Whether or not the options allow it, the prediction says what Nova's rule does with it.
    from ansible_collections.stackops.compute.plugins.module_utils._images import (
        nova_rotation_victims,
        rotation_diff,
    )

    backups = [backup_image(1), backup_image(2)]
    victims = nova_rotation_victims(backups, 0)
    assert victims == ('bk-2', 'bk-1')
    assert rotation_diff(backups, victims, {'name': 'bk'}, 0) == (['web1-daily-2 (bk-2)', 'web1-daily-1 (bk-1)'], [])


@pytest.mark.parametrize('check_mode', [False, True])
def test_unshelve_of_an_active_server_is_a_no_op_like_start(cloud, check_mode):
    for action in ('start', 'unshelve'):
        result = run(check_mode=check_mode, action=action)
        assert result['changed'] is False and result['msg'].startswith('Nothing to do: %s is already done' % action)
        assert result['server']['status'] == 'ACTIVE'
    assert cloud.writes() == []


def test_resize_then_again_is_a_no_op(cloud):
    assert run(action='resize', flavor='m1.small')['server']['status'] == 'VERIFY_RESIZE'
    again = run(action='resize', flavor='m1.small')
    assert again['changed'] is False


def test_live_migration_error_recorded_by_nova_fails_the_task(cloud):
    def live(method, server_id, doing, **kwargs):
        cloud.calls.append(('server_call', method, kwargs))
        cloud.server.update(status='MIGRATING', task_state='migrating')
        cloud.pending = [{'status': 'ACTIVE', 'task_state': None}]
        cloud.instance_actions.insert(0, {'action': 'live-migration', 'request_id': 'req-lm', 'message': 'Error'})
        cloud.action_details['req-lm'] = {
            'action': 'live-migration',
            'request_id': 'req-lm',
            'message': 'Error',
            'events': [{'event': 'conductor_live_migrate_instance', 'result': 'Error', 'details': 'No valid host.'}],
        }

    cloud.server_call = live
    result = run(action='live_migrate', host='compute2')
    assert result['failed'] is True
    assert result['msg'] == (
        'live_migrate of server web1 failed: Nova recorded an error for live-migration (request req-lm): '
        'conductor_live_migrate_instance failed: No valid host.'
    )


def test_evacuate_returns_once_nova_recorded_the_new_host(cloud):
    cloud.roles = ['admin']

    def evacuate(method, server_id, doing, **kwargs):
        cloud.calls.append(('server_call', method, kwargs))
        cloud.server.update(status='REBUILD', task_state='rebuilding')
        # task_state clears (and the server stops, microversion 2.95) before the new host is recorded.
        cloud.pending = [{'status': 'SHUTOFF', 'task_state': None}, {}, {'compute_host': 'compute2'}]

    cloud.server_call = evacuate
    result = run(action='evacuate', host='compute2')
    assert result['changed'] is True
    assert result['server']['compute_host'] == 'compute2'
    assert result['server']['status'] == 'SHUTOFF'
    assert cloud.pending == []


def test_error_during_the_wait_fails_at_once_with_the_fault(cloud):
    def reboot(method, server_id, doing, **kwargs):
        cloud.calls.append(('server_call', method, kwargs))
        cloud.server.update(status='REBOOT', task_state='rebooting')
        cloud.pending = [{'status': 'ERROR', 'task_state': None, 'fault': {'message': 'disk gone'}}]

    cloud.server_call = reboot
    result = run(action='reboot')
    assert result['failed'] is True
    assert result['msg'] == 'Server web1 went to ERROR during reboot: disk gone'


def test_a_busy_server_is_waited_for_before_planning(cloud):
    cloud.server.update(status='SHUTOFF', task_state='powering-off')
    cloud.pending = [{'task_state': None}]
    result = run(action='stop')
    assert result['changed'] is False
    assert cloud.writes() == []


def test_create_image_waits_for_the_image(cloud):
    result = run(action='create_image', image_name='snap', metadata={'k': 'v'})
    assert result['changed'] is True
    assert result['image'] == {'id': 'img-new', 'name': 'snap', 'status': 'active'}
    assert ('create_server_image', 'snap', {'k': 'v'}) in cloud.calls


def test_floating_ip_is_sent_at_the_last_microversion_that_has_it(cloud):
    result = run(action='add_floating_ip', address='203.0.113.5')
    assert result['changed'] is True
    assert result['server']['public_v4'] == '203.0.113.5'
    assert cloud.writes() == [('server_action_request', {'addFloatingIp': {'address': '203.0.113.5'}}, '2.43')]


def test_force_delete_of_a_gone_server_is_not_a_change(cloud):
    cloud.server = None
    result = run(action='force_delete')
    assert result['changed'] is False and result['server'] is None


def test_locked_server_fails_before_sending_for_members_only(cloud):
    cloud.server.update(is_locked=True, locked_reason='maintenance')
    result = run(action='stop')
    assert result['failed'] is True
    assert result['msg'] == (
        'Cannot stop server web1: it is locked (maintenance); unlock it first (action=unlock), or use an admin cloud.'
    )
    cloud.roles = ['admin', 'member']
    assert run(action='stop')['changed'] is True


@pytest.mark.parametrize(
    'args,message',
    [
        ({'action': 'stop', 'flavor': 'm1.small'}, 'Action stop does not take flavor; it takes no options.'),
        ({'action': 'rebuild'}, 'action is rebuild but all of the following are missing: image'),
        (
            {'action': 'confirm_resize'},
            'Cannot confirm_resize server web1: its status is ACTIVE; confirm_resize needs VERIFY_RESIZE (nothing '
            'awaits confirmation now).',
        ),
        ({'action': 'stop', 'server': 'nope'}, 'Server nope not found.'),
        ({'action': 'reboot_soft', 'reboot_type': 'HARD'}, 'action=reboot_soft contradicts reboot_type=HARD.'),
    ],
)
def test_bad_input_fails_with_one_line_and_sends_nothing(cloud, args, message):
    result = run(**args)
    assert result['failed'] is True
    assert result['msg'] == message
    assert '\n' not in result['msg']
    assert cloud.writes() == []


def test_secrets_never_show(cloud):
    result = run(action='rebuild', image='tiny-alt', admin_password='S3cret!', user_data='S3cret!', diff=True)
    assert result['changed'] is True
    assert 'S3cret!' not in repr(result)


def test_documented_choices_are_the_table():
    import yaml

    doc = yaml.safe_load(server_action.DOCUMENTATION)
    choices = set(doc['options']['action']['choices'])
    assert choices == set(_action_table.ACTION_NAMES) | set(_action_table.ACTION_ALIASES)
    documented = set(doc['options']) - {'action', 'all_projects', 'server', 'servers', 'concurrency'}
    assert documented == set(_action_table.ACTION_OPTIONS)
    for name in _action_table.ACTION_NAMES:
        assert 'V(%s)' % name in ' '.join(doc['options']['action']['description']), name
