# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""server_image and server_image_info wired to a fake Cloud: check mode writes nothing, bad input fails early."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.module_utils.common import warnings

from ansible_collections.stackops.compute.plugins.module_utils import _sdk
from ansible_collections.stackops.compute.plugins.modules import server_image, server_image_info
from ansible_collections.stackops.compute.tests.unit.helpers.modules import run_module

SID = '11111111-1111-4111-8111-111111111111'
GONE = '99999999-9999-4999-8999-999999999999'
WRITES = {'create_server_image', 'create_server_backup', 'set_image_properties', 'update_image', 'delete_image'}


def make_image(iid, name, server_id=SID, **extra):
    image = dict(
        id=iid,
        name=name,
        status='active',
        created_at='2026-11-27T01:00:00Z',
        owner='p1',
        instance_uuid=server_id,
        is_protected=False,
        visibility='private',
        properties={'image_type': 'snapshot', 'stackops_created_by': 'stackops.compute', 'stackops_server': server_id},
    )
    image.update(extra)
    return image


class FakeCloud(object):
    """Answers reads from memory and records every call; writes change the memory like Glance would."""

    def __init__(self):
        self.servers = {SID: {'id': SID, 'name': 'web1', 'status': 'ACTIVE', 'task_state': None}}
        self.images = {}
        self.calls = []

    def find_server(self, ref):
        self.calls.append(('find_server', ref))
        return self.servers.get(ref) or next((s for s in self.servers.values() if s['name'] == ref), None)

    def list_images_where(self, query):
        self.calls.append(('list_images_where', dict(query)))
        return [
            i
            for i in self.images.values()
            if all(
                str(i.get(k, i['properties'].get(k))) == str(v)
                for k, v in query.items()
                if k not in ('sort_key', 'sort_dir', 'created_at')
            )
        ]

    def get_image(self, image_id):
        self.calls.append(('get_image', image_id))
        return self.images.get(image_id)

    def current_project_id(self):
        return 'p1'

    def create_server_image(self, server_id, name, metadata):
        self.calls.append(('create_server_image', server_id, name, metadata))
        self.images['new'] = make_image('new', name, server_id, status='queued')
        self.images['new']['properties'].update(metadata)
        return 'new'

    def create_server_backup(self, server_id, name, backup_type, rotation, metadata):
        self.calls.append(('create_server_backup', server_id, name, backup_type, rotation, metadata))
        return 'new'

    def wait_for_image(self, image_id, timeout=600, delay=0):
        self.calls.append(('wait_for_image', image_id))
        self.images[image_id]['status'] = 'active'
        return self.images[image_id]

    def set_image_properties(self, image_id, properties):
        self.calls.append(('set_image_properties', image_id, properties))
        self.images[image_id]['properties'].update(properties)
        return self.images[image_id]

    def update_image(self, image_id, **attrs):
        self.calls.append(('update_image', image_id, attrs))
        self.images[image_id].update(attrs)
        return self.images[image_id]

    def delete_image(self, image_id):
        self.calls.append(('delete_image', image_id))
        self.images.pop(image_id)

    def names(self):
        return [c[0] for c in self.calls]


@pytest.fixture
def cloud(monkeypatch):
    warnings._global_warnings.clear()
    fake = FakeCloud()
    monkeypatch.setattr(_sdk, 'connect', lambda params: fake)
    return fake


def run(main, check_mode=False, diff=False, **args):
    args.update(cloud='local', _ansible_check_mode=check_mode, _ansible_diff=diff)
    return run_module(main, args)


def test_snapshot_in_four_steps(cloud):
    args = dict(server='web1', name='web1-snap', metadata={'tier': 'gold'})
    checked = run(server_image.main, check_mode=True, diff=True, **args)
    assert checked['changed'] is True and checked['id'] is None
    assert checked['image']['status'] == 'active' and checked['image']['properties']['tier'] == 'gold'
    assert checked['diff']['before'] == {} and checked['diff']['after']['name'] == 'web1-snap'
    assert not WRITES & set(cloud.names())

    made = run(server_image.main, **args)
    assert made['changed'] is True and made['id'] == 'new' and made['image']['status'] == 'active'
    assert 'diff' not in made
    create = [c for c in cloud.calls if c[0] == 'create_server_image'][0]
    assert create[3] == {'tier': 'gold', 'stackops_created_by': 'stackops.compute', 'stackops_server': SID}

    cloud.calls = []
    again = run(server_image.main, **args)
    assert again['changed'] is False and again['id'] == 'new'
    again_checked = run(server_image.main, check_mode=True, **args)
    assert again_checked['changed'] is False
    assert not WRITES & set(cloud.names())


def test_backup_sends_type_rotation_and_labels(cloud):
    def wait(image_id, timeout=600, delay=0):
        return make_image(image_id, 'web1-daily', status='active')

    cloud.wait_for_image = wait
    result = run(server_image.main, server='web1', name='web1-daily', backup_type='daily', rotation=3)
    assert result['changed'] is True
    backup = [c for c in cloud.calls if c[0] == 'create_server_backup'][0]
    assert backup[1:5] == (SID, 'web1-daily', 'daily', 3)
    assert backup[5]['stackops_server'] == SID


@pytest.mark.parametrize('check_mode', [True, False])
def test_backup_shows_what_nova_rotation_deletes_in_the_result_and_the_diff(cloud, check_mode):
    for number in (1, 2, 3):
        image = make_image('bk-%d' % number, 'web1-daily-%d' % number, created_at='2026-11-0%dT01:00:00Z' % number)
        image['properties'].update(image_type='backup', backup_type='daily')
        cloud.images[image['id']] = image
    cloud.wait_for_image = lambda image_id, timeout=600, delay=0: make_image(image_id, 'web1-daily-4')
    result = run(
        server_image.main,
        check_mode=check_mode,
        diff=True,
        server='web1',
        name='web1-daily-4',
        backup_type='daily',
        rotation=2,
    )
    assert result['nova_rotation'] == ['bk-2', 'bk-1']
    assert result['diff']['before']['backups'] == ['web1-daily-3 (bk-3)', 'web1-daily-2 (bk-2)', 'web1-daily-1 (bk-1)']
    new = 'web1-daily-4 (new)'
    assert result['diff']['after']['backups'] == [new, 'web1-daily-3 (bk-3)']


def test_check_mode_never_writes_for_any_state(cloud):
    cloud.images['a'] = make_image('a', 'web1-snap')
    for args in (
        dict(server='web1', name='web1-snap', metadata={'new': 'x'}),
        dict(state='absent', server='web1', name='web1-snap'),
        dict(state='absent', id='a'),
        dict(server='web1', name='other', backup_type='daily', rotation=1),
    ):
        result = run(server_image.main, check_mode=True, **args)
        assert result['changed'] is True, args
    assert not WRITES & set(cloud.names())
    assert 'a' in cloud.images


def test_delete_in_steps(cloud):
    cloud.images['a'] = make_image('a', 'web1-snap')
    assert run(server_image.main, state='absent', server='web1', name='web1-snap')['changed'] is True
    assert 'a' not in cloud.images
    assert run(server_image.main, state='absent', server='web1', name='web1-snap')['changed'] is False
    assert run(server_image.main, state='absent', id='a')['changed'] is False


def test_delete_of_a_gone_server_image_by_server_id(cloud):
    cloud.images['a'] = make_image('a', 'old', server_id=GONE)
    assert run(server_image.main, state='absent', server=GONE, name='old')['changed'] is True
    assert 'a' not in cloud.images


@pytest.mark.parametrize(
    'image, args, message',
    [
        (make_image('a', 'x', protected=True), dict(id='a'), 'is protected'),
        (make_image('a', 'x', instance_uuid=None, properties={}), dict(id='a'), 'was not made from a server'),
        (make_image('a', 'x', server_id=GONE), dict(id='a', server='web1'), 'was made from server'),
    ],
)
def test_delete_refusals_write_nothing(cloud, image, args, message):
    cloud.images['a'] = image
    result = run(server_image.main, state='absent', **args)
    assert result['failed'] is True and message in result['msg']
    assert 'a' in cloud.images and not WRITES & set(cloud.names())


@pytest.mark.parametrize(
    'args, message',
    [
        (dict(name='x'), 'state is present but all of the following are missing: server'),
        (dict(server='web1'), 'missing: name'),
        (dict(server='web1', name='x', backup_type='daily'), 'parameters are required together: backup_type, rotation'),
        (dict(server='web1', name='x', backup_type='daily', rotation=0), 'rotation must be 1 or more'),
        (dict(server='web1', name='x', metadata={'instance_uuid': 'y'}), 'must not set instance_uuid'),
        (dict(state='absent'), 'id, or server and name, are required'),
        (dict(server='nope', name='x'), "No server is named 'nope'"),
    ],
)
def test_bad_input_fails_clearly(cloud, args, message):
    result = run(server_image.main, **args)
    assert result['failed'] is True and message in result['msg']
    assert not WRITES & set(cloud.names())


def test_info_reads_only_and_filters_on_glance(cloud):
    cloud.images['a'] = make_image('a', 'web1-a', created_at='2026-11-26T01:00:00Z')
    cloud.images['b'] = make_image('b', 'web1-b', created_at='2026-11-27T01:00:00Z')
    cloud.images['c'] = make_image('c', 'tiny', instance_uuid=None, properties={})
    for check_mode in (False, True):
        result = run(server_image_info.main, check_mode=check_mode, server='web1', properties={'stackops_server': SID})
        assert result['changed'] is False
        assert [i['id'] for i in result['images']] == ['b', 'a']
        assert result['project_id'] == 'p1'
    query = [c for c in cloud.calls if c[0] == 'list_images_where'][0][1]
    assert query['instance_uuid'] == SID and query['stackops_server'] == SID
    assert not WRITES & set(cloud.names())


def test_info_without_server_lists_only_images_made_from_servers(cloud):
    cloud.images['a'] = make_image('a', 'web1-a')
    cloud.images['c'] = make_image('c', 'tiny', instance_uuid=None, properties={})
    assert [i['id'] for i in run(server_image_info.main)['images']] == ['a']


@pytest.mark.parametrize(
    'args, message',
    [
        (dict(newer_than='soon'), 'duration must be'),
        (dict(image_type='kernel'), 'value of image_type must be one of'),
    ],
)
def test_info_bad_input(cloud, args, message):
    result = run(server_image_info.main, **args)
    assert result['failed'] is True and message in result['msg']


def test_protected_in_four_steps_then_unprotect_and_delete_in_one_task(cloud):
    args = dict(server='web1', name='web1-snap', protected=True)
    checked = run(server_image.main, check_mode=True, **args)
    assert checked['changed'] is True and checked['image']['is_protected'] is True
    assert checked['changes'][-1] == 'protect image web1-snap'
    assert not WRITES & set(cloud.names())

    made = run(server_image.main, **args)
    assert made['changed'] is True and made['image']['is_protected'] is True
    # Nova's createImage takes no protected flag: Glance's is set once the image is there.
    assert [c[0] for c in cloud.calls if c[0] in WRITES] == ['create_server_image', 'update_image']
    assert cloud.calls[-1] == ('update_image', 'new', {'is_protected': True})

    before = len(cloud.calls)
    again = run(server_image.main, **args)
    again_checked = run(server_image.main, check_mode=True, **args)
    assert again['changed'] is False and again_checked['changed'] is False
    assert not WRITES & set(c[0] for c in cloud.calls[before:])

    refused = run(server_image.main, state='absent', id='new')
    assert refused['failed'] is True and 'add protected=false' in refused['msg']
    gone = run(server_image.main, state='absent', id='new', is_protected=False)
    assert gone['changed'] is True
    assert [c[:2] for c in cloud.calls if c[0] in WRITES][-2:] == [('update_image', 'new'), ('delete_image', 'new')]
    assert cloud.images == {}
