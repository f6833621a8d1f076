# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: which images a retention policy keeps, given ``now`` (pure).

The rules, strongest first (docs/backup-and-rotate.md says the same in prose):

1. Images that are not candidates are kept and take no part in the rules: protected images, images
   that do not carry every property of ``match`` (made by someone else, by another policy, for
   another server, or owned by another project), images that are not ``active`` (still uploading
   or failed: never delete what cannot be judged), and images without a readable ``created_at``.
2. The newest candidate is always kept.
3. ``min_keep`` N: the N newest candidates are kept, whatever ``max_age`` says.
4. ``max_age``: candidates older than it are deleted unless rule 2 or 3 keeps them; the keep rules
   below only look at the younger ones.
5. Keep rules, over candidates younger than ``max_age``, newest first: ``keep_last`` N keeps the N
   newest; ``keep_hourly``/``daily``/``weekly``/``monthly``/``yearly`` N keep the newest image of each
   of the N most recent periods (UTC; ISO weeks) that have an image. An image is kept when any rule
   keeps it.
6. With no keep rule at all, every candidate younger than ``max_age`` is kept (and with no
   ``max_age`` either, nothing is deleted).
Everything else is deleted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses
import datetime
import re

UTC = datetime.timezone.utc

PERIOD_RULES = ('keep_hourly', 'keep_daily', 'keep_weekly', 'keep_monthly', 'keep_yearly')
COUNT_RULES = ('keep_last',) + PERIOD_RULES + ('min_keep',)
POLICY_KEYS = COUNT_RULES + ('max_age',)

DURATION_UNITS = {'s': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800}
DURATION_RE = re.compile(r'(\d+)\s*([smhdw])')


@dataclasses.dataclass(frozen=True)
class Policy(object):
    """A validated retention policy; 0 / None mean the rule is not used."""

    keep_last: int = 0
    keep_hourly: int = 0
    keep_daily: int = 0
    keep_weekly: int = 0
    keep_monthly: int = 0
    keep_yearly: int = 0
    max_age: int = None  # seconds
    max_age_text: str = None  # as the user wrote it, for reasons
    min_keep: int = 0

    @property
    def has_keep_rules(self):
        return any(getattr(self, k) for k in ('keep_last',) + PERIOD_RULES)


# ---------------------------------------------------------------------------------------------- input


def parse_duration(value):
    """Seconds from ``30d``, ``12h``, ``2w``, ``1d12h``, ``90m``, ``45s`` or a number of seconds.

    ``m`` is minutes (months have no fixed length: use keep_monthly for them).
    """
    if isinstance(value, bool):
        raise ValueError('duration must be a number of seconds or a text like 30d, 12h or 2w; got %r' % (value,))
    if isinstance(value, int):
        if value < 0:
            raise ValueError('duration must not be negative; got %r' % (value,))
        return value
    text = str(value).strip().lower()
    if text.isdigit():
        return int(text)
    parts = DURATION_RE.findall(text)
    if not parts or DURATION_RE.sub('', text).strip():
        raise ValueError('duration must be a number of seconds or a text like 30d, 12h, 2w or 1d12h; got %r' % (value,))
    return sum(int(n) * DURATION_UNITS[unit] for n, unit in parts)


def parse_time(value):
    """An aware UTC datetime from Glance's ``created_at`` (or a datetime); None when unreadable."""
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith('Z') or text.endswith('z'):
        text = text[:-1] + '+00:00'
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def policy_from(values):
    """Policy from a dict of rule -> value; unknown keys and bad values raise ValueError.

    A misspelt rule must fail: ignoring ``keep_dayly`` would delete what the user meant to keep.
    """
    values = dict(values or {})
    unknown = sorted(k for k in values if k not in POLICY_KEYS)
    if unknown:
        raise ValueError('unknown retention rule(s) %s; known rules: %s' % (', '.join(unknown), ', '.join(POLICY_KEYS)))
    counts = {}
    for key in COUNT_RULES:
        raw = values.get(key)
        if raw is None or raw == '':
            counts[key] = 0
            continue
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise ValueError('%s must be a whole number; got %r' % (key, raw))
        if isinstance(raw, bool) or isinstance(raw, float) and raw != number or number < 0:
            raise ValueError('%s must be a whole number of 0 or more; got %r' % (key, raw))
        counts[key] = number
    max_age = values.get('max_age')
    seconds = None
    if max_age not in (None, '', 0, '0'):
        seconds = parse_duration(max_age)
    return Policy(max_age=seconds, max_age_text=str(max_age) if seconds is not None else None, **counts)


def as_now(value):
    """``now`` as an aware UTC datetime: given (datetime or ISO text) for tests, else the clock."""
    if value is None or value == '':
        return datetime.datetime.now(UTC)
    parsed = parse_time(value)
    if parsed is None:
        raise ValueError('now must be an ISO 8601 time like 2026-11-27T12:00:00Z; got %r' % (value,))
    return parsed


# ---------------------------------------------------------------------------------------------- images


def image_property(image, key):
    """A property of an image, whether the SDK put it at the top level or under ``properties``."""
    if key in image and image[key] is not None:
        return image[key]
    return (image.get('properties') or {}).get(key)


def is_protected(image):
    # The SDK says is_protected, Glance says protected: either one set is enough.
    return bool(image.get('is_protected')) or bool(image.get('protected'))


def period_key(rule, when):
    """The calendar period of ``when`` (UTC) for a period rule, as it appears in reasons."""
    if rule == 'keep_hourly':
        return when.strftime('%Y-%m-%dT%H')
    if rule == 'keep_daily':
        return when.strftime('%Y-%m-%d')
    if rule == 'keep_weekly':
        year, week, _day = when.isocalendar()[:3]
        return '%04d-W%02d' % (year, week)
    if rule == 'keep_monthly':
        return when.strftime('%Y-%m')
    return when.strftime('%Y')


def describe_age(seconds):
    if seconds >= 86400:
        return '%dd' % (seconds // 86400)
    if seconds >= 3600:
        return '%dh' % (seconds // 3600)
    return '%dm' % (seconds // 60)


def _item(image, reasons):
    return dict(id=image.get('id'), name=image.get('name'), created_at=image.get('created_at'), reasons=list(reasons))


def _why_not_candidate(image, match):
    reasons = []
    if is_protected(image):
        reasons.append('protected')
    for key, want in sorted((match or {}).items()):
        have = image_property(image, key)
        if have is None or str(have) != str(want):
            reasons.append('not %s=%s (has %s)' % (key, want, 'none' if have is None else have))
    status = image.get('status')
    if status != 'active':
        reasons.append('status %s' % (status or 'unknown'))
    if parse_time(image.get('created_at')) is None:
        reasons.append('no readable created_at')
    return reasons


def _sort_key(image, when):
    # Ties (images made in the same second) are broken by name, then ID, so the result is stable.
    return (when or datetime.datetime.min.replace(tzinfo=UTC), str(image.get('name') or ''), str(image.get('id') or ''))


# ---------------------------------------------------------------------------------------------- decide


def plan_retention(images, policy, now, match=None):
    """Split ``images`` into ``keep`` and ``delete`` lists, each item with its ``reasons``.

    ``policy`` is a Policy (or a dict for policy_from), ``now`` an aware datetime or ISO text (None:
    the clock), ``match`` the properties an image must carry to be deleted at all. Both lists are
    newest first.
    """
    if not isinstance(policy, Policy):
        policy = policy_from(policy)
    now = as_now(now)
    aside = []  # (image, when, reasons): never deleted, never counted
    candidates = []  # (image, when), newest first
    for index, image in enumerate(images or []):
        if not isinstance(image, dict):
            raise ValueError('each image must be a dictionary; item %d is %r' % (index, image))
        why = _why_not_candidate(image, match)
        when = parse_time(image.get('created_at'))
        if why:
            aside.append((image, when, why))
        else:
            candidates.append((image, when))
    candidates.sort(key=lambda pair: _sort_key(*pair), reverse=True)
    kept = [[] for _candidate in candidates]

    if candidates:
        kept[0].append('newest')
    for position in range(min(policy.min_keep, len(candidates))):
        kept[position].append('min_keep %d' % (position + 1))

    young = list(range(len(candidates)))
    if policy.max_age is not None:
        limit = now - datetime.timedelta(seconds=policy.max_age)
        young = [i for i in young if candidates[i][1] >= limit]

    for position, i in enumerate(young[: policy.keep_last]):
        kept[i].append('keep_last %d' % (position + 1))
    for rule in PERIOD_RULES:
        wanted = getattr(policy, rule)
        periods = []
        for i in young:
            if len(periods) >= wanted:
                break
            key = period_key(rule, candidates[i][1])
            if key not in periods:
                periods.append(key)
                kept[i].append('%s %s' % (rule, key))
    if not policy.has_keep_rules:
        reason = 'within max_age %s' % policy.max_age_text if policy.max_age is not None else 'no rule deletes'
        for i in young:
            kept[i].append(reason)

    young_set = set(young)
    keep_rows, delete_rows = [], []
    for i, (image, when) in enumerate(candidates):
        if kept[i]:
            keep_rows.append((image, when, kept[i]))
        elif i in young_set:
            delete_rows.append((image, when, ['kept by no rule']))
        else:
            age = describe_age((now - when).total_seconds())
            delete_rows.append((image, when, ['older than max_age %s (%s old)' % (policy.max_age_text, age)]))
    keep_rows.extend(aside)
    keep_rows.sort(key=lambda row: _sort_key(row[0], row[1]), reverse=True)
    return dict(
        keep=[_item(image, why) for image, _when, why in keep_rows],
        delete=[_item(image, why) for image, _when, why in delete_rows],
    )
