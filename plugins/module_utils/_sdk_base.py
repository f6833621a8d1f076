# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: how the cloud seam imports openstacksdk and speaks of it.

The one import of openstacksdk (guarded: a missing SDK gives ``HAS_SDK = False``), its exceptions turned
into one ``ComputeError`` a person can act on, and SDK resources turned into plain dicts. The service
files (``_sdk_compute.py``, ``_sdk_image.py``, ``_sdk_network.py``, ``_sdk_block_storage.py``) build on
it; ``_sdk.py`` puts them together in ``Cloud``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import gc
import re
import traceback

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError

# Importing openstacksdk makes a few hundred thousand objects, none of them garbage, and Python's cyclic
# garbage collector would walk them over and over while they are made (about 0.03 s of a task).
_collecting = gc.isenabled()
gc.disable()
try:
    # The package imports all of openstacksdk (openstack.connection and every service it knows).
    from keystoneauth1 import exceptions as ksa_exc
    from openstack import exceptions as sdk_exc

    HAS_SDK = True
    SDK_IMPORT_ERROR = None
except ImportError:
    HAS_SDK = False
    SDK_IMPORT_ERROR = traceback.format_exc()
    # The service files import these names; without openstacksdk no module gets as far as using them.
    ksa_exc = sdk_exc = None
finally:
    if _collecting:
        gc.enable()

UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$')


def is_uuid(value):
    return bool(value) and bool(UUID_RE.match(str(value)))


def describe_http_error(exc):
    """One line from an SDK HTTP error: status, Nova's own message, request ID."""
    status = getattr(exc, 'status_code', None)
    details = getattr(exc, 'details', None) or getattr(exc, 'message', None) or str(exc)
    text = str(details).strip().splitlines()[0] if str(details).strip() else str(exc)
    request_id = getattr(exc, 'request_id', None)
    parts = ['HTTP %s' % status if status else 'Error', text]
    line = ': '.join(parts)
    if request_id:
        line += ' (request %s)' % request_id
    return line


@contextlib.contextmanager
def sdk_errors(doing):
    """Turn SDK and keystoneauth exceptions raised while ``doing`` into ComputeError."""
    try:
        yield
    except ComputeError:
        raise
    except sdk_exc.ResourceTimeout as exc:
        raise ComputeError('Timed out while %s: %s' % (doing, exc))
    except sdk_exc.HttpException as exc:
        status = getattr(exc, 'status_code', None)
        if status == 401:
            raise ComputeError(
                'Authentication failed while %s: check the credentials of the cloud (%s).'
                % (doing, describe_http_error(exc)),
                status_code=status,
            )
        if status == 403:
            raise ComputeError(
                'Not allowed while %s: %s. The policy of the cloud forbids it for this '
                'user; an admin cloud may be needed.' % (doing, describe_http_error(exc)),
                status_code=status,
            )
        raise ComputeError('Failed while %s: %s' % (doing, describe_http_error(exc)), status_code=status)
    except ksa_exc.Unauthorized as exc:
        raise ComputeError(
            'Authentication failed while %s: check the credentials of the cloud (%s).' % (doing, first_line(exc))
        )
    except ksa_exc.NotFound as exc:
        # Keystone answers 404 to an unknown application credential or token.
        if '/auth/tokens' in str(getattr(exc, 'url', '') or ''):
            raise ComputeError(
                'Authentication failed while %s: check the credentials of the cloud (%s).' % (doing, first_line(exc))
            )
        raise ComputeError('Failed while %s: %s' % (doing, first_line(exc)))
    except ksa_exc.ConnectFailure as exc:
        raise ComputeError('Cannot reach the cloud while %s: %s' % (doing, _connect_failure(exc)))
    except ksa_exc.MissingRequiredOptions as exc:
        raise ComputeError('Incomplete authentication while %s: %s' % (doing, first_line(exc)))
    except ksa_exc.ClientException as exc:
        raise ComputeError('Failed while %s: %s' % (doing, first_line(exc)))
    except sdk_exc.ConfigException as exc:
        raise ComputeError('Cloud configuration error while %s: %s' % (doing, first_line(exc)))
    except sdk_exc.SDKException as exc:
        raise ComputeError('Failed while %s: %s' % (doing, first_line(exc)))


def _connect_failure(exc):
    """keystoneauth's 'Unable to establish connection to URL' without urllib3's pool details."""
    text = first_line(exc)
    head = re.split(r': HTTPS?ConnectionPool\(', text)[0]
    for reason in ('Connection refused', 'timed out', 'Name or service not known', 'No route to host'):
        if reason in text and reason not in head:
            return '%s (%s)' % (head, reason.lower())
    return head


def first_line(exc):
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def is_ambiguous_failure(error):
    """Whether a write that raised ``error`` may still have happened: a 5xx answer or a lost connection.

    A 4xx answer means the cloud refused the request; a 5xx answer or a connection that broke after the
    request was sent leaves it open (the cloud may have done it and lost only the answer).
    """
    seen = error
    while seen is not None:
        status = getattr(seen, 'status_code', None) or getattr(seen, 'http_status', None)
        if status is None and isinstance(seen, ComputeError):
            status = seen.details.get('status_code')
        if isinstance(status, int):
            return status >= 500
        if HAS_SDK and isinstance(seen, ksa_exc.ConnectionError):
            return not isinstance(seen, ksa_exc.SSLError)
        seen = seen.__cause__ or seen.__context__
    return False


def to_plain(value):
    """SDK resources and munches to plain dicts and lists."""
    if hasattr(value, 'to_dict'):
        return to_plain(value.to_dict(computed=False))
    if isinstance(value, dict):
        return dict((k, to_plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


def only_one(kind, name_or_id, found):
    if len(found) > 1:
        ids = sorted(str(f.get('id')) for f in found)
        raise ComputeError(
            '%d %ss are named %r: %s. Give the ID instead of the name.'
            % (len(found), kind, name_or_id, ', '.join(ids)),
            ids=ids,
        )
    return found[0]
