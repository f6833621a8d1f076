# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the decisions of the backup and rotate roles (pure)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.stackops.compute.plugins.module_utils._images import (
    CREATED_BY,
    FAILED_STATUSES,
    LABEL_CREATED_BY,
    LABEL_POLICY,
    LABEL_SERVER,
    SNAPSHOT_STATUSES,
    rotation_match,
)
from ansible_collections.stackops.compute.plugins.module_utils._restore import record_properties, restore_record
from ansible_collections.stackops.compute.plugins.module_utils._retention import image_property, plan_retention
from ansible_collections.stackops.compute.plugins.module_utils._workflow import SKIP, item_results

# Glance statuses of an image still on its way.
PENDING_STATUSES = ('queued', 'saving', 'importing', 'uploading')
# Cinder statuses of the snapshots the image of a volume-backed server references: on their way, and failed.
SNAPSHOT_PENDING_STATUSES = ('creating',)
SNAPSHOT_FAILED_STATUSES = ('error', 'error_deleting')
RUN_LABEL = 'stackops_run'


# ---------------------------------------------------------------------------------------------- backup


def backup_labels(policy: str) -> dict:
    """The labels that say "made by the backup role under this policy" (server_images adds the server)."""
    return {LABEL_CREATED_BY: CREATED_BY, LABEL_POLICY: policy}


def _recent_backup(server_id: str, recent: list):
    """This server's newest image under the policy among ``recent``, if any.

    Made from this server (Nova's instance_uuid) and labelled for it: a server booted from another
    server's backup inherits that backup's labels, which must not count as its own backup.
    """
    for image in recent or []:
        if (
            image_property(image, 'instance_uuid') == server_id
            and image_property(image, LABEL_SERVER) == server_id
            and image.get('status') not in FAILED_STATUSES
        ):
            return image
    return None


def plan_backup(
    servers: list,
    policy: str,
    stamp: str,
    recent=(),
    min_interval: str = '',
    metadata: dict = None,
) -> list:
    """One decision per server: ``backup`` (with the server_images item that asks for it) or ``skip``.

    ``recent`` are the policy's images younger than ``min_interval``, newest first.
    """
    decisions = []
    for server in servers or []:
        image = '%s-%s-%s' % ((server.get('name') or '')[:180], policy, stamp)
        young = _recent_backup(server.get('id'), recent)
        status, task = server.get('status'), server.get('task_state')
        if young is not None:
            reason = 'image %s of %s is younger than %s' % (young.get('name'), young.get('created_at'), min_interval)
        elif status not in SNAPSHOT_STATUSES:
            reason = 'status %s: Nova images only %s servers' % (status, ', '.join(SNAPSHOT_STATUSES))
        elif task:
            reason = 'busy with %s' % task
        else:
            reason = ''
        decision = {
            'server': server.get('name'),
            'server_id': server.get('id'),
            'image': '' if reason else image,
            'image_id': '',
            'volume_snapshots': [],
            '_status': status,
        }
        if reason:
            decisions.append(dict(decision, action=SKIP, reason=reason))
            continue
        # The role's labels and the restore record win over backup_metadata.
        props = dict((str(k), '' if v is None else str(v)) for k, v in (metadata or {}).items())
        props.update(backup_labels(policy))
        props[RUN_LABEL] = stamp
        props.update(record_properties(restore_record(server)))
        request = {'server': server.get('id'), 'name': image, 'metadata': props}
        decisions.append(dict(decision, action='backup', detail=image, _request=request))
    return decisions


def backup_outcomes(batch: list, requests: dict, images: dict, check: bool = False, timeout=None) -> list:
    """What became of each snapshot of a batch: the request's answer, then the image as Glance lists it."""
    listed = dict((i.get('id'), i) for i in (images or {}).get('images') or [])
    outcomes = []
    for decision, asked in zip(batch, item_results(len(batch), requests, 'images'), strict=True):
        asked = asked or {'failed': True, 'msg': 'not sent'}
        image_id = asked.get('id') or ''
        image = listed.get(image_id) or {}
        status = image.get('status', 'gone')
        # The image of a volume-backed server is active at once; its Cinder snapshots are made meanwhile.
        snapshots = image.get('volume_snapshots') or []
        if asked.get('failed'):
            problem = str(asked.get('msg') or 'unknown error')
        elif check:
            problem = ''
        elif status == 'active':
            problem = _snapshot_problem(image_id, snapshots, timeout)
        elif status in PENDING_STATUSES:
            problem = 'image %s still %s after %s s' % (image_id, status, timeout)
        elif status == 'gone':
            problem = 'image %s disappeared: Nova deletes the image of a snapshot that failed' % image_id
        else:
            problem = 'image %s ended %s' % (image_id, status)
        if problem:
            result, outcome = 'failed', 'failed'
        elif check:
            result, outcome = 'would back up', 'done'
        elif asked.get('changed'):
            result, outcome = 'backed up', 'done'
        else:
            result, outcome = 'already backed up', 'skipped'
        outcome = {
            'server_id': decision.get('server_id'),
            'image_id': image_id,
            'volume_snapshots': [v.get('id') for v in snapshots],
            'outcome': outcome,
            'result': result,
            'reason': problem,
        }
        if snapshots:
            outcome['detail'] = '%s with Cinder snapshots %s' % (
                decision.get('detail'),
                ', '.join(outcome['volume_snapshots']),
            )
        outcomes.append(outcome)
    return outcomes


def _snapshot_problem(image_id: str, snapshots: list, timeout) -> str:
    """What is wrong with the Cinder snapshots of an active image, or ''."""
    failed = [v for v in snapshots if v.get('status') in SNAPSHOT_FAILED_STATUSES]
    if failed:
        return 'image %s: Cinder snapshot %s ended %s' % (
            image_id,
            ', '.join(str(v.get('id')) for v in failed),
            ', '.join(sorted(set(str(v.get('status')) for v in failed))),
        )
    pending = [v for v in snapshots if v.get('status') in SNAPSHOT_PENDING_STATUSES]
    if pending:
        return 'image %s: Cinder snapshot %s still creating after %s s' % (
            image_id,
            ', '.join(str(v.get('id')) for v in pending),
            timeout,
        )
    return ''


def pending_ids(requests: dict) -> list:
    """IDs of the images a batch asked for (none in a check run)."""
    return [r.get('id') for r in (requests or {}).get('images') or [] if r.get('id')]


# ---------------------------------------------------------------------------------------------- rotate


def plan_rotate(servers: list, images: list, retention: dict, policy: str, project_id: str, now=None) -> list:
    """For each server, which of its images under the policy the retention rules keep and delete."""
    decisions = []
    for server in servers or []:
        mine = [i for i in images or [] if image_property(i, LABEL_SERVER) == server.get('id')]
        decided = plan_retention(mine, retention, now, match=rotation_match(policy, server.get('id'), project_id))
        decisions.append(
            {
                'server': server.get('name'),
                'server_id': server.get('id'),
                'action': 'rotate',
                'kept': decided['keep'],
                '_delete': decided['delete'],
            }
        )
    return decisions


def _names(images: list) -> str:
    return ', '.join(str(i.get('name')) for i in images)


def rotate_outcomes(decisions: list, deletes: dict = None, check: bool = False) -> list:
    """Per server: what was deleted (or would be), and the deletes that failed, with Glance's or Nova's error."""
    failures = {}
    # The Cinder snapshots that went (or would go) with the deleted images of volume-backed servers.
    snapshots = {}
    for result in (deletes or {}).get('results') or []:
        if not (isinstance(result.get('item'), list) and len(result['item']) == 2):
            continue
        server, image = result['item']
        if result.get('failed'):
            failures.setdefault(server.get('server_id'), []).append(
                {'id': image.get('id'), 'name': image.get('name'), 'error': result.get('msg') or 'unknown error'}
            )
        else:
            snapshots.setdefault(server.get('server_id'), []).extend(
                v.get('id') for v in result.get('volume_snapshots') or [] if v.get('action') == 'delete'
            )
    outcomes = []
    for decision in decisions or []:
        failed = failures.get(decision.get('server_id'), [])
        gone_snapshots = snapshots.get(decision.get('server_id'), [])
        failed_ids = [f['id'] for f in failed]
        deleted = [i for i in decision.get('_delete') or [] if i.get('id') not in failed_ids]
        detail = 'kept %d (%s); %s %d (%s)' % (
            len(decision.get('kept') or []),
            _names(decision.get('kept') or []),
            'would delete' if check else 'deleted',
            len(deleted),
            _names(deleted),
        )
        if gone_snapshots:
            detail += ' with %d Cinder snapshot(s) %s' % (len(gone_snapshots), ', '.join(gone_snapshots))
        if failed:
            outcome, result = 'failed', 'failed'
            reason = 'could not delete %s' % '; '.join('%s: %s' % (f['name'], f['error']) for f in failed)
        elif deleted:
            outcome, result, reason = 'done', 'would rotate' if check else 'rotated', ''
        else:
            outcome, result, reason = 'skipped', 'nothing to delete', ''
        outcomes.append(
            {
                'server_id': decision.get('server_id'),
                'deleted': deleted,
                'volume_snapshots': gone_snapshots,
                'failed': failed,
                'check_mode': bool(check),
                'outcome': outcome,
                'result': result,
                'reason': reason,
                'detail': detail,
            }
        )
    return outcomes
