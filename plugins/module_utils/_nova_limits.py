# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the input limits of Nova's compute API, with the microversions they hold for.

Read from Nova's request schemas (nova/api/validation/parameter_types.py and
nova/api/openstack/compute/schemas/, nova 2024.2 to 2025.2; the same since the microversion named). A value
outside them gets a 400 whose text repeats the value, or is stored differently from what was written.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import unicodedata

# nova/db/constants.py MAX_INT: integers Nova keeps in its database.
MAX_INT = 0x7FFFFFFF

# parameter_types.name (server name, createImage/createBackup name, key_name, availability_zone,
# security group name), 2.1 and later: 1 to 255 printable characters, not starting or ending with whitespace.
NAME_MAX = 255

# parameter_types.description (server description, from 2.19): 0 to 255 printable characters.
DESCRIPTION_MAX = 255

# lock_server.lock_v273 locked_reason (from 2.73): 1 to 255 characters.
LOCKED_REASON_MAX = 255

# parameter_types.metadata (server create, rebuild, set metadata, createImage, createBackup): keys of 1 to
# 255 characters from this set (the '-' after 0-9 is a plain hyphen), values text of at most 255 characters.
# Nova's schema ends with '$', which also lets a trailing newline through; a key is matched whole here.
METADATA_KEY_RE = re.compile(r'[a-zA-Z0-9\-_:. ]{1,255}')
METADATA_KEY_CHARACTERS = 'letters, digits, space, - _ : and .'
METADATA_VALUE_MAX = 255
# The number of metadata items is a quota (Nova's [quota] metadata_items, 128 by default, or the
# project's unified limit server_metadata_items); Nova refuses more with 403 before changing anything.
METADATA_ITEMS_DEFAULT = 128

# parameter_types.tag and nova/objects/tag.py, instance.py (from 2.26; at creation from 2.52): 1 to 60
# characters, no ',' or '/', at most 50 tags.
TAG_MAX = 60
TAG_FORBIDDEN = (',', '/')
TAGS_MAX_ITEMS = 50

# parameter_types.hostname (2.90 to 2.93): an RFC 1123 label, 2 to 63 letters, digits and '-', not
# starting or ending with '-'. parameter_types.fqdn (2.94 and later): 1 to 255 letters, digits, '-', '.', '_'.
HOSTNAME_LABEL_RE = re.compile(r'[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+')
HOSTNAME_LABEL_MAX = 63
HOSTNAME_FQDN_SINCE = '2.94'
FQDN_RE = re.compile(r'[a-zA-Z0-9._-]+')
FQDN_MAX = 255

# services.update / update_v253 (os-services): binary and disabled_reason 1 to 255 characters; the host
# (before 2.53, when a service was named by host and binary) parameter_types.fqdn, as FQDN_RE above.
SERVICE_BINARY_MAX = 255
SERVICE_DISABLED_REASON_MAX = 255

# servers.create / rebuild_v257 user_data: base64 text of at most 65535 characters (about 48 KiB of data).
USER_DATA_MAX = 65535

# parameter_types.trusted_certs (from 2.63): 1 to 50 distinct non-empty IDs.
TRUSTED_CERTS_MAX_ITEMS = 50

# console_output.get_console_output length: an integer of -1 (the whole log) or more.
CONSOLE_LENGTH_MIN = -1

# create_backup.create_backup rotation: parameter_types.non_negative_integer (0 deletes every backup of
# the type, the new one included: see _domains.ROTATION).

# nova/api/openstack/common.py _STATE_MAP: every status Nova shows and takes as a list filter (from 2.38 an
# unknown one is a 400 "Invalid status value"; before, it silently matched nothing).
SERVER_STATUSES = (
    'ACTIVE',
    'BUILD',
    'DELETED',
    'ERROR',
    'HARD_REBOOT',
    'MIGRATING',
    'PASSWORD',
    'PAUSED',
    'REBOOT',
    'REBUILD',
    'RESCUE',
    'RESIZE',
    'REVERT_RESIZE',
    'SHELVED',
    'SHELVED_OFFLOADED',
    'SHUTOFF',
    'SOFT_DELETED',
    'SUSPENDED',
    'VERIFY_RESIZE',
)


def is_printable(char):
    """Whether Nova's name and description patterns take ``char``: below U+FFFF (Nova builds its character
    ranges from the Basic Multilingual Plane only), not a control, format or unassigned character, and no
    separator but a space (parameter_types._is_printable)."""
    if ord(char) >= 0xFFFF:
        return False
    category = unicodedata.category(char)
    return not category.startswith('C') and (not category.startswith('Z') or category == 'Zs')


def is_space(char):
    """Whether ``char`` counts as whitespace at the edge of a Nova name (printable but a space separator)."""
    return not is_printable(char) or unicodedata.category(char) == 'Zs'
