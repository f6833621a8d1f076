# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""server_image when the cloud's answer is lost: a create looks before it asks again, a delete reads back."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.module_utils.common import warnings

from ansible_collections.stackops.compute.plugins.module_utils import _retry, _sdk
from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError
from ansible_collections.stackops.compute.plugins.modules import server_image
from ansible_collections.stackops.compute.tests.unit.plugins.modules.test_server_image import (
    SID,
    FakeCloud,
    make_image,
    run,
)


def lost(doing):
    return ComputeError('Failed while %s: HTTP 503: Service Unavailable' % doing, status_code=503)


@pytest.fixture
def cloud(monkeypatch):
    warnings._global_warnings.clear()
    fake = FakeCloud()
    monkeypatch.setattr(_sdk, 'connect', lambda params: fake)
    monkeypatch.setattr(_retry.time, 'sleep', lambda seconds: None)
    return fake


def test_a_snapshot_whose_answer_was_lost_is_found_not_made_twice(cloud):
    made = FakeCloud.create_server_image.__get__(cloud)

    def create_then_lose_the_answer(server_id, name, metadata):
        made(server_id, name, metadata)
        raise lost('creating image %s of server %s' % (name, server_id))

    cloud.create_server_image = create_then_lose_the_answer
    result = run(server_image.main, server='web1', name='web1-snap')
    assert result['changed'] is True and result['id'] == 'new'
    assert [c[0] for c in cloud.calls].count('create_server_image') == 1
    assert list(cloud.images) == ['new']
    assert any('found the image by name: new' in w for w in [str(result['warnings'])])


def test_a_snapshot_request_that_never_arrived_is_sent_again(cloud):
    made = FakeCloud.create_server_image.__get__(cloud)
    answers = [lost('creating image web1-snap')]

    def lose_the_first(server_id, name, metadata):
        if answers:
            cloud.calls.append(('create_server_image', server_id, name, metadata))
            raise answers.pop()
        return made(server_id, name, metadata)

    cloud.create_server_image = lose_the_first
    result = run(server_image.main, server='web1', name='web1-snap')
    assert result['changed'] is True and result['id'] == 'new'
    assert [c[0] for c in cloud.calls].count('create_server_image') == 2
    assert 'warnings' not in result


def test_a_refused_snapshot_is_not_sent_again(cloud):
    def refuse(server_id, name, metadata):
        cloud.calls.append(('create_server_image', server_id, name, metadata))
        raise ComputeError('Failed while creating image: HTTP 409: Cannot snapshot while resizing', status_code=409)

    cloud.create_server_image = refuse
    result = run(server_image.main, server='web1', name='web1-snap')
    assert result['failed'] is True and result['msg'].endswith('HTTP 409: Cannot snapshot while resizing')
    assert [c[0] for c in cloud.calls].count('create_server_image') == 1
    assert 'list_images_where' not in [c[0] for c in cloud.calls[2:]]


@pytest.mark.parametrize('done', [True, False])
def test_a_delete_whose_answer_was_lost_reads_the_image_back(cloud, done):
    cloud.images['a'] = make_image('a', 'web1-snap', server_id=SID)

    def delete(image_id):
        cloud.calls.append(('delete_image', image_id))
        if done:
            cloud.images.pop(image_id)
        raise lost('deleting image %s' % image_id)

    cloud.delete_image = delete
    result = run(server_image.main, state='absent', id='a')
    assert [c[0] for c in cloud.calls].count('delete_image') == 1
    if done:
        assert result['changed'] is True and 'failed' not in result
        assert any('; image web1-snap (a) is gone nonetheless' in w for w in [str(result['warnings'])])
    else:
        assert result['failed'] is True
        assert result['msg'] == (
            'Failed while deleting image a: HTTP 503: Service Unavailable; '
            'image web1-snap (a) is still there, status active.'
        )


def test_a_delete_that_cannot_be_checked_says_so(cloud):
    cloud.images['a'] = make_image('a', 'web1-snap', server_id=SID)
    reads = []

    def delete(image_id):
        raise lost('deleting image %s' % image_id)

    def get_image(image_id):
        reads.append(image_id)
        if len(reads) > 1:
            raise ComputeError('Cannot reach the cloud while reading image a: reset')
        return cloud.images.get(image_id)

    cloud.delete_image = delete
    cloud.get_image = get_image
    result = run(server_image.main, state='absent', id='a')
    assert result['failed'] is True
    assert result['msg'].endswith(
        '; whether image web1-snap (a) is gone is unknown: reading it back failed too: '
        'Cannot reach the cloud while reading image a: reset'
    )
