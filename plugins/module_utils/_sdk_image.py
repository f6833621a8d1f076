# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the image (Glance) calls of the cloud seam."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.stackops.compute.plugins.module_utils._errors import not_found
from ansible_collections.stackops.compute.plugins.module_utils._sdk_base import (
    is_uuid,
    only_one,
    sdk_errors,
    sdk_exc,
    to_plain,
)
from ansible_collections.stackops.compute.plugins.module_utils._wait import poll

# Glance's largest page by default (api_limit_max).
IMAGE_PAGE = 1000


class ImageMixin(object):
    """Images: find, list, read, change, delete, wait; Glance's own list query and property patch."""

    def find_image(self, name_or_id):
        with sdk_errors('looking up image %s' % name_or_id):
            if is_uuid(name_or_id):
                image = self.conn.image.find_image(name_or_id, ignore_missing=True)
                found = [to_plain(image)] if image is not None else []
            else:
                # Image IDs are UUIDs: a name goes straight to the listing (one request instead of two).
                found = [to_plain(i) for i in self.conn.image.images(name=name_or_id)]
            if not found:
                # Pages as large as Glance serves by default at most: a cloud of many images answers in few.
                names = [i.name or i.id for i in self.conn.image.images(limit=IMAGE_PAGE)]
                raise not_found('Image', name_or_id, names)
        return only_one('image', name_or_id, found)

    def list_images(self, **query):
        with sdk_errors('listing images'):
            return [to_plain(i) for i in self.conn.image.images(**query)]

    def get_image(self, image_id):
        with sdk_errors('reading image %s' % image_id):
            try:
                return to_plain(self.conn.image.get_image(image_id))
            except sdk_exc.NotFoundException:
                return None

    def update_image(self, image_id, **attrs):
        with sdk_errors('updating image %s' % image_id):
            return to_plain(self.conn.image.update_image(image_id, **attrs))

    def delete_image(self, image_id):
        with sdk_errors('deleting image %s' % image_id):
            self.conn.image.delete_image(image_id, ignore_missing=True)

    def wait_for_image(self, image_id, timeout=600, delay=0):
        def fetch():
            return self.get_image(image_id)

        def failed(image):
            if image is None:
                return 'Image %s disappeared while waiting for it to become active.' % image_id
            if image.get('status') in ('killed', 'deleted', 'deactivated'):
                return 'Image %s ended %s.' % (image_id, image.get('status'))
            return None

        return poll(
            fetch,
            lambda i: i is not None and i.get('status') == 'active',
            failed,
            timeout=timeout,
            describe=lambda i: 'status %s' % (i or {}).get('status'),
            delay=delay,
        )

    # ---------------------------------------------------------------- images made from servers

    def list_images_where(self, query):
        """Images matching a Glance v2 list query, every page, as SDK-shaped dicts.

        The SDK's image list drops query keys it does not know (custom properties such as
        ``instance_uuid`` or labels) and would fetch every image; Glance itself filters on any
        property, so the query goes to Glance as it is.
        """
        params = dict(query)
        params.setdefault('limit', 100)
        result = []
        with sdk_errors('listing images'):
            while True:
                response = self.conn.image.get('/images', params=params)
                sdk_exc.raise_from_response(response)
                data = response.json()
                page = data.get('images') or []
                result.extend(image_from_glance(raw) for raw in page)
                if not page or not data.get('next'):
                    return result
                params['marker'] = page[-1]['id']

    def set_image_properties(self, image_id, properties):
        """Add or replace custom properties of an image (one JSON-patch request)."""
        with sdk_errors('setting properties %s of image %s' % (', '.join(sorted(properties)), image_id)):
            # Glance refuses "add" for a property the image has and "replace" for one it lacks: read first.
            current = self.conn.image.get('/images/%s' % image_id)
            sdk_exc.raise_from_response(current)
            have = current.json()
            patch = [
                {'op': 'replace' if key in have else 'add', 'path': '/%s' % key, 'value': value}
                for key, value in sorted(properties.items())
            ]
            response = self.conn.image.patch(
                '/images/%s' % image_id,
                json=patch,
                headers={'Content-Type': 'application/openstack-images-v2.1-json-patch'},
            )
            sdk_exc.raise_from_response(response)
            return image_from_glance(response.json())


def _image_class():
    from openstack.image.v2 import image as image_mod

    return image_mod.Image


def image_from_glance(raw):
    """An image as Glance's API returns it, in the shape of the SDK's images (properties nested)."""
    raw = dict(raw)
    # Glance names a key "self", which the SDK resource cannot take.
    raw.pop('self', None)
    return to_plain(_image_class().existing(**raw))
