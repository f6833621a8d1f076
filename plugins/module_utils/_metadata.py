# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: pure decisions of server_metadata (which keys to set or remove)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses
from typing import Optional

# Nova changes the metadata of a server only in these statuses, and only when no task runs on it
# (compute API: update_instance_metadata and delete_instance_metadata).
METADATA_STATUSES = ('ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED')


@dataclasses.dataclass(frozen=True)
class MetadataPlan(object):
    before: dict  # the server's metadata now
    after: dict  # its metadata once the plan is applied
    to_set: dict = dataclasses.field(default_factory=dict)  # keys whose value is new or differs
    to_delete: tuple = ()  # keys to remove, sorted
    changes: tuple = ()

    @property
    def changed(self) -> bool:
        return bool(self.to_set or self.to_delete)


def text_metadata(metadata: dict, state: str) -> dict:
    """The task's metadata as Nova keeps it, keys and values as text (pure).

    With ``state=present`` every key needs a value; with ``state=absent`` only the keys count, so their
    values may be left empty (``{hostname: }``), as openstack.cloud's examples write them.
    """
    out = {}
    for key, value in (metadata or {}).items():
        if state == 'present':
            if value is None:
                raise ValueError(
                    'metadata: key %s has no value; state=present sets keys to values (state=absent removes keys).'
                    % key
                )
            if isinstance(value, (dict, list)):
                raise ValueError(
                    'metadata: the value of key %s is a %s; Nova keeps text only.' % (key, type(value).__name__)
                )
            value = str(value)
        out[str(key)] = value
    return out


def plan_metadata(current: dict, metadata: dict, state: str) -> MetadataPlan:
    """What to send so that the server's metadata has ``metadata`` (present) or lacks its keys (absent).

    ``current``: the server's metadata; ``metadata``: the task's, from text_metadata. Keys the task does not
    name are never touched.
    """
    have = dict((str(k), str(v)) for k, v in (current or {}).items())
    after = dict(have)
    if state == 'absent':
        to_delete = tuple(sorted(k for k in metadata if k in have))
        for key in to_delete:
            del after[key]
        changes = ('remove metadata %s' % ', '.join(to_delete),) if to_delete else ()
        return MetadataPlan(before=have, after=after, to_delete=to_delete, changes=changes)
    to_set = dict((k, v) for k, v in metadata.items() if have.get(k) != v)
    after.update(to_set)
    changes = []
    added = sorted(k for k in to_set if k not in have)
    updated = sorted(k for k in to_set if k in have)
    if added:
        changes.append('add metadata %s' % ', '.join(added))
    if updated:
        changes.append('change metadata %s' % ', '.join(updated))
    return MetadataPlan(before=have, after=after, to_set=to_set, changes=tuple(changes))


def why_not_now(server: dict, is_admin: bool) -> Optional[str]:
    """One line saying why Nova would refuse to change this server's metadata now, or None (pure)."""
    label = server.get('name') or server.get('id')
    status = server.get('status')
    if status not in METADATA_STATUSES:
        return (
            'Cannot change the metadata of server %s: its status is %s; Nova changes metadata of %s servers only.'
            % (
                label,
                status,
                ', '.join(METADATA_STATUSES[:-1]) + ' or ' + METADATA_STATUSES[-1],
            )
        )
    if server.get('task_state'):
        return 'Cannot change the metadata of server %s: it is busy (task_state %s); wait until that ends.' % (
            label,
            server['task_state'],
        )
    if server.get('is_locked') and not is_admin:
        reason = server.get('locked_reason')
        return (
            'Cannot change the metadata of server %s: it is locked%s; unlock it first (server_action '
            'action=unlock), or use an admin cloud.' % (label, ' (%s)' % reason if reason else '')
        )
    return None


def metadata_view(server: Optional[dict], metadata: dict) -> dict:
    """What --diff shows: the server and its metadata (pure)."""
    if server is None:
        return {}
    return dict(id=server.get('id'), name=server.get('name'), metadata=dict(metadata))
