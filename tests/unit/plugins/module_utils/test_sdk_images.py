# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The image calls of _sdk.Cloud against a fake Glance adapter: queries go to Glance as they are."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _sdk

pytest.importorskip('openstack')


class Response(object):
    def __init__(self, body, status=200, headers=None):
        self.body = body
        self.status_code = status
        self.headers = headers or {}
        self.reason = 'OK'
        self.text = ''

    def json(self):
        return self.body


class FakeImageAdapter(object):
    """Serves GET /images in pages of two, like Glance with its 'next' link; records every call."""

    def __init__(self, images):
        self.images = images
        self.calls = []

    def get(self, url, params=None, **kwargs):
        self.calls.append(('GET', url, dict(params or {})))
        if url.startswith('/images/'):
            image_id = url.rsplit('/', 1)[1]
            return Response(dict(next(i for i in self.images if i['id'] == image_id)))
        start = 0
        if params and params.get('marker'):
            start = [i['id'] for i in self.images].index(params['marker']) + 1
        page = [dict(i, self='/v2/images/' + i['id']) for i in self.images[start : start + 2]]
        body = {'images': page}
        if start + 2 < len(self.images):
            body['next'] = '/v2/images?marker=%s' % page[-1]['id']
        return Response(body)

    def patch(self, url, json=None, headers=None):
        self.calls.append(('PATCH', url, json, headers))
        image = dict(next(i for i in self.images if i['id'] == url.rsplit('/', 1)[1]))
        for op in json:
            image[op['path'][1:]] = op['value']
        return Response(image)


class FakeConn(object):
    def __init__(self, images):
        self.image = FakeImageAdapter(images)


def raw(image_id, **props):
    base = dict(
        id=image_id,
        name='n-' + image_id,
        status='active',
        protected=False,
        owner='p1',
        created_at='2026-11-27T01:00:00Z',
        instance_uuid='s1',
        image_type='snapshot',
    )
    base.update(props)
    return base


def test_list_images_where_sends_the_query_as_it_is_and_follows_pages():
    conn = FakeConn([raw('a', stackops_policy='n'), raw('b'), raw('c'), raw('d'), raw('e')])
    images = _sdk.Cloud(conn).list_images_where({'instance_uuid': 's1', 'stackops_policy': 'n'})
    assert [i['id'] for i in images] == ['a', 'b', 'c', 'd', 'e']
    queries = [c[2] for c in conn.image.calls]
    assert queries[0] == {'instance_uuid': 's1', 'stackops_policy': 'n', 'limit': 100}
    assert [q.get('marker') for q in queries] == [None, 'b', 'd']


def test_images_come_back_in_the_sdk_shape():
    image = _sdk.image_from_glance(dict(raw('a', stackops_policy='n'), self='/v2/images/a'))
    assert image['id'] == 'a' and image['instance_uuid'] == 's1' and image['is_protected'] is False
    assert image['properties']['stackops_policy'] == 'n'
    assert image['properties']['image_type'] == 'snapshot'
    assert 'self' not in image


def test_set_image_properties_adds_new_keys_and_replaces_existing_ones():
    conn = FakeConn([raw('a', tier='silver')])
    image = _sdk.Cloud(conn).set_image_properties('a', {'tier': 'gold', 'new': 'x'})
    patch = [c for c in conn.image.calls if c[0] == 'PATCH'][0]
    assert patch[2] == [
        {'op': 'add', 'path': '/new', 'value': 'x'},
        {'op': 'replace', 'path': '/tier', 'value': 'gold'},
    ]
    assert patch[3] == {'Content-Type': 'application/openstack-images-v2.1-json-patch'}
    assert image['properties']['tier'] == 'gold' and image['properties']['new'] == 'x'
