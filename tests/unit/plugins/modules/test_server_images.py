# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""server_images wired to a fake Cloud: server_image's decisions per item, servers read with one listing,
check mode writes nothing, a failed item fails the task only after the others are done."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import threading

import pytest
from ansible.module_utils.common import warnings

from ansible_collections.stackops.compute.plugins.module_utils import _fleet, _sdk
from ansible_collections.stackops.compute.plugins.modules import server_images
from ansible_collections.stackops.compute.tests.unit.helpers.modules import run_module
from ansible_collections.stackops.compute.tests.unit.plugins.modules.test_server_image import (
    WRITES,
    FakeCloud,
    make_image,
)

SERVERS = dict(('%d' * 4 % (i, i, i, i) + '-0000-4000-8000-000000000000', 'web%d' % i) for i in range(1, 4))


class FleetImageCloud(FakeCloud):
    """FakeCloud with three servers, a name listing, and one new image ID per snapshot; thread-safe."""

    def __init__(self):
        super(FleetImageCloud, self).__init__()
        self.servers = dict(
            (sid, {'id': sid, 'name': name, 'status': 'ACTIVE', 'task_state': None}) for sid, name in SERVERS.items()
        )
        self.lock = threading.Lock()

    def list_servers(self, query=None, all_projects=False):
        with self.lock:
            self.calls.append(('list_servers', query['name']))
            return [dict(s) for s in self.servers.values() if re.search(query['name'], s['name'])]

    def find_server(self, ref):
        with self.lock:
            return super(FleetImageCloud, self).find_server(ref)

    def create_server_image(self, server_id, name, metadata):
        with self.lock:
            self.calls.append(('create_server_image', server_id, name, metadata))
            image_id = 'img-%s' % name
            self.images[image_id] = make_image(image_id, name, server_id, status='queued')
            self.images[image_id]['properties'].update(metadata)
            return image_id


@pytest.fixture
def cloud(monkeypatch):
    warnings._global_warnings.clear()
    fake = FleetImageCloud()
    monkeypatch.setattr(_sdk, 'connect', lambda params: fake)
    return fake


def run(check_mode=False, diff=False, **args):
    args.update(cloud='local', _ansible_check_mode=check_mode, _ansible_diff=diff)
    return run_module(server_images.main, args)


ITEMS = [{'server': 'web%d' % i, 'name': 'web%d-snap' % i} for i in (1, 2, 3)]


def test_snapshots_in_four_steps(cloud):
    args = dict(images=ITEMS, defaults={'metadata': {'tier': 'gold'}}, concurrency=2)
    checked = run(check_mode=True, diff=True, **args)
    assert checked['changed'] is True
    assert [r['name'] for r in checked['images']] == ['web%d-snap of web%d' % (i, i) for i in (1, 2, 3)]
    assert all(r['changed'] and r['id'] is None for r in checked['images'])
    assert [d['after_header'] for d in checked['diff']] == [r['name'] for r in checked['images']]
    assert not WRITES & set(cloud.names())

    made = run(**args)
    assert made['changed'] is True
    assert [r['id'] for r in made['images']] == ['img-web%d-snap' % i for i in (1, 2, 3)]
    assert all(r['image']['status'] == 'active' and r['image']['properties']['tier'] == 'gold' for r in made['images'])
    # The three servers came from one listing of their shared prefix, per run.
    assert [c for c in cloud.calls if c[0] == 'list_servers'] == [('list_servers', r'^web')] * 2

    cloud.calls = []
    again = run(**args)
    assert again['changed'] is False and not WRITES & set(cloud.names())
    assert run(check_mode=True, **args)['changed'] is False


def test_a_failed_item_does_not_stop_the_others(cloud):
    items = [{'server': 'web1', 'name': 'a'}, {'server': 'nope', 'name': 'b'}, {'server': 'web3', 'name': 'c'}]
    result = run(images=items)
    assert result['failed'] is True and result['changed'] is True
    assert result['msg'].startswith('1 of 3 images failed: b of nope')
    assert [r.get('failed', False) for r in result['images']] == [False, True, False]
    assert "No server is named 'nope'" in result['images'][1]['msg']
    assert sorted(c[2] for c in cloud.calls if c[0] == 'create_server_image') == ['a', 'c']


def test_delete_items(cloud):
    sid = next(iter(SERVERS))
    cloud.images['x'] = make_image('x', 'old', server_id=sid)
    result = run(images=[{'id': 'x'}, {'server': 'web2', 'name': 'never-made'}], defaults={'state': 'absent'})
    assert [r['changed'] for r in result['images']] == [True, False]
    assert 'x' not in cloud.images


@pytest.mark.parametrize(
    'images, defaults, message',
    [
        ([{'server': 'web1'}], {}, r'images\[0\]: state is present but all of the following are missing: name'),
        ([{'server': 'web1', 'name': 'a', 'colour': 'red'}], {}, r'images\[0\]: .*colour'),
        ([{'server': 'web1', 'name': 'a'}], {'backup_type': 'daily'}, 'required together: backup_type, rotation'),
        ([{'server': 'web1', 'name': 'a'}], {'state': 'gone'}, r'defaults: .*state'),
        ([{'server': 'web1', 'name': 'a'}, {'server': 'web1', 'name': 'a'}], {}, 'repeated: a of web1'),
        (['web1'], {}, "Elements value for option 'images' is of type"),
    ],
)
def test_bad_items_fail_before_anything_is_sent(cloud, images, defaults, message):
    result = run(images=images, defaults=defaults)
    assert result['failed'] is True and re.search(message, result['msg']), result['msg']
    assert not cloud.calls


def test_items_take_aliases_and_the_module_defaults():
    params = dict(
        images=[{'server': 'web1', 'name': 'a', 'properties': {'k': 'v'}}], defaults={}, wait=False, timeout=5
    )
    (item,) = _fleet.image_items(params)
    assert item['metadata'] == {'k': 'v'} and item['state'] == 'present'
    assert item['wait'] is False and item['timeout'] == 5
