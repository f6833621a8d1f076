# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest

from ansible_collections.stackops.compute.plugins.module_utils._retention import (
    Policy,
    as_now,
    parse_duration,
    parse_time,
    period_key,
    plan_retention,
    policy_from,
)

NOW = '2026-11-27T12:00:00Z'
MATCH = {'stackops_policy': 'nightly', 'stackops_server': 'srv-1', 'instance_uuid': 'srv-1', 'owner': 'proj'}


def image(name, created_at, **over):
    """An image as server_image_info returns it: SDK attributes plus properties."""
    props = {
        'stackops_policy': 'nightly',
        'stackops_server': 'srv-1',
        'stackops_created_by': 'stackops.compute',
        'image_type': 'snapshot',
    }
    props.update(over.pop('properties', {}))
    base = dict(
        id='id-' + name,
        name=name,
        created_at=created_at,
        status='active',
        is_protected=False,
        owner='proj',
        instance_uuid='srv-1',
        properties=props,
    )
    base.update(over)
    return base


def hourly(count, start='2026-11-27T11:30:00Z', step_hours=1):
    """``count`` images, newest first, one every ``step_hours`` back from ``start``."""
    first = parse_time(start)
    return [
        image('h%02d' % i, (first - datetime.timedelta(hours=i * step_hours)).strftime('%Y-%m-%dT%H:%M:%SZ'))
        for i in range(count)
    ]


def daily(count, start='2026-11-27T01:00:00Z'):
    first = parse_time(start)
    return [
        image('d%02d' % i, (first - datetime.timedelta(days=i)).strftime('%Y-%m-%dT%H:%M:%SZ')) for i in range(count)
    ]


def names(items):
    return [i['name'] for i in items]


def reasons_of(result, name):
    for item in result['keep'] + result['delete']:
        if item['name'] == name:
            return item['reasons']
    raise KeyError(name)


# ------------------------------------------------------------------ durations, times, policies


@pytest.mark.parametrize(
    'text, seconds',
    [
        ('30d', 30 * 86400),
        ('12h', 12 * 3600),
        ('2w', 14 * 86400),
        ('1d12h', 36 * 3600),
        ('90m', 5400),
        ('45s', 45),
        ('3600', 3600),
        (7200, 7200),
        (' 2D ', 2 * 86400),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize('text', ['', 'soon', '30x', '-1d', '1.5d', '3 days', True, -5, 'd30'])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    'text, expected',
    [
        ('2026-11-27T12:00:00Z', datetime.datetime(2026, 11, 27, 12, tzinfo=datetime.timezone.utc)),
        ('2026-11-27T12:00:00+00:00', datetime.datetime(2026, 11, 27, 12, tzinfo=datetime.timezone.utc)),
        ('2026-11-27T13:00:00+01:00', datetime.datetime(2026, 11, 27, 12, tzinfo=datetime.timezone.utc)),
        ('2026-11-27T12:00:00.123456', datetime.datetime(2026, 11, 27, 12, 0, 0, 123456, tzinfo=datetime.timezone.utc)),
        ('yesterday', None),
        ('', None),
        (None, None),
    ],
)
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    'values, expected',
    [
        ({}, Policy()),
        (None, Policy()),
        ({'keep_last': 3, 'keep_daily': '7'}, Policy(keep_last=3, keep_daily=7)),
        ({'max_age': '30d', 'min_keep': 2}, Policy(max_age=30 * 86400, max_age_text='30d', min_keep=2)),
        ({'keep_last': None, 'max_age': None}, Policy()),
        ({'max_age': 0}, Policy()),
    ],
)
def test_policy_from(values, expected):
    assert policy_from(values) == expected


@pytest.mark.parametrize(
    'values, message',
    [
        ({'keep_dayly': 7}, 'unknown retention rule(s) keep_dayly'),
        ({'keep_last': -1}, 'keep_last must be a whole number of 0 or more'),
        ({'keep_last': 'three'}, 'keep_last must be a whole number'),
        ({'keep_last': 2.5}, 'keep_last must be a whole number of 0 or more'),
        ({'keep_last': True}, 'keep_last must be a whole number of 0 or more'),
        ({'max_age': 'a month'}, 'duration must be'),
    ],
)
def test_policy_from_rejects(values, message):
    with pytest.raises(ValueError, match=message.replace('(', r'\(').replace(')', r'\)')):
        policy_from(values)


@pytest.mark.parametrize(
    'rule, when, key',
    [
        ('keep_hourly', '2026-11-27T09:59:59Z', '2026-11-27T09'),
        ('keep_daily', '2026-11-27T23:59:59+00:00', '2026-11-27'),
        ('keep_daily', '2026-11-28T00:30:00+01:00', '2026-11-27'),
        ('keep_weekly', '2026-11-27T00:00:00Z', '2026-W48'),
        ('keep_weekly', '2027-01-01T00:00:00Z', '2026-W53'),
        ('keep_weekly', '2024-12-30T00:00:00Z', '2025-W01'),
        ('keep_monthly', '2026-02-28T00:00:00Z', '2026-02'),
        ('keep_yearly', '2026-02-28T00:00:00Z', '2026'),
    ],
)
def test_period_key(rule, when, key):
    assert period_key(rule, parse_time(when)) == key


def test_now_defaults_to_the_clock_in_utc():
    now = as_now(None)
    assert now.tzinfo is not None
    assert abs((datetime.datetime.now(datetime.timezone.utc) - now).total_seconds()) < 5


def test_now_must_be_a_time():
    with pytest.raises(ValueError, match='now must be'):
        as_now('tomorrow')


# ------------------------------------------------------------------ the rules, as tables

DAYS10 = daily(10)  # d00 (2026-11-27) ... d09 (2026-11-18)


@pytest.mark.parametrize(
    'policy, keep, delete',
    [
        # No rule at all deletes nothing.
        ({}, names(DAYS10), []),
        # keep_last N keeps the N newest.
        ({'keep_last': 3}, ['d00', 'd01', 'd02'], ['d03', 'd04', 'd05', 'd06', 'd07', 'd08', 'd09']),
        # keep_last larger than the number of images keeps them all.
        ({'keep_last': 50}, names(DAYS10), []),
        # keep_last 0 is "not used": with no other rule, nothing is deleted.
        ({'keep_last': 0}, names(DAYS10), []),
        # One image a day: keep_daily N keeps N days.
        ({'keep_daily': 4}, ['d00', 'd01', 'd02', 'd03'], ['d04', 'd05', 'd06', 'd07', 'd08', 'd09']),
        # Rules add up: an image is kept when ANY rule keeps it.
        ({'keep_last': 2, 'keep_weekly': 2}, ['d00', 'd01', 'd05'], ['d02', 'd03', 'd04', 'd06', 'd07', 'd08', 'd09']),
        # max_age alone keeps everything younger.
        ({'max_age': '5d'}, ['d00', 'd01', 'd02', 'd03', 'd04'], ['d05', 'd06', 'd07', 'd08', 'd09']),
        # max_age caps the keep rules: keep_daily 9 would keep d00-d08, max_age 3d stops at d02.
        ({'keep_daily': 9, 'max_age': '3d'}, ['d00', 'd01', 'd02'], ['d03', 'd04', 'd05', 'd06', 'd07', 'd08', 'd09']),
        # min_keep wins over max_age.
        ({'max_age': '1d', 'min_keep': 4}, ['d00', 'd01', 'd02', 'd03'], ['d04', 'd05', 'd06', 'd07', 'd08', 'd09']),
        # The newest is kept even when max_age says everything is too old.
        ({'max_age': '1h'}, ['d00'], ['d01', 'd02', 'd03', 'd04', 'd05', 'd06', 'd07', 'd08', 'd09']),
        ({'keep_last': 2, 'max_age': '1s'}, ['d00'], ['d01', 'd02', 'd03', 'd04', 'd05', 'd06', 'd07', 'd08', 'd09']),
        # keep_yearly 1 keeps the newest image of 2026 (d00) and nothing else.
        ({'keep_yearly': 1}, ['d00'], ['d01', 'd02', 'd03', 'd04', 'd05', 'd06', 'd07', 'd08', 'd09']),
        # Monthly over a month boundary: 2026-11 only here.
        ({'keep_monthly': 3}, ['d00'], ['d01', 'd02', 'd03', 'd04', 'd05', 'd06', 'd07', 'd08', 'd09']),
    ],
)
def test_rules_on_daily_images(policy, keep, delete):
    result = plan_retention(DAYS10, policy, NOW)
    assert names(result['keep']) == keep
    assert names(result['delete']) == delete


@pytest.mark.parametrize(
    'policy, keep',
    [
        # 30 hourly images from 11:30 back: keep_hourly 5 keeps 11:30, 10:30, ... 07:30.
        ({'keep_hourly': 5}, ['h00', 'h01', 'h02', 'h03', 'h04']),
        # keep_daily takes the newest image of each day: 27th (h00), 26th (h12), 25th (h12 + 24 = h36 absent).
        ({'keep_daily': 3}, ['h00', 'h12']),
        # Hourly + daily, GFS style.
        ({'keep_hourly': 2, 'keep_daily': 2}, ['h00', 'h01', 'h12']),
    ],
)
def test_rules_on_hourly_images(policy, keep):
    result = plan_retention(hourly(30), policy, NOW)
    assert names(result['keep']) == keep
    assert len(result['keep']) + len(result['delete']) == 30


def test_grandfather_father_son_over_a_year():
    # One image a day for 400 days, newest 2026-11-27.
    images = daily(400)
    result = plan_retention(images, {'keep_daily': 7, 'keep_weekly': 4, 'keep_monthly': 12, 'keep_yearly': 3}, NOW)
    kept = dict((i['name'], i['reasons']) for i in result['keep'])
    # 7 days, then the newest of each of 4 ISO weeks, 12 months, 3 years (2026, 2025, and nothing older).
    assert kept['d00'] == [
        'newest',
        'keep_daily 2026-11-27',
        'keep_weekly 2026-W48',
        'keep_monthly 2026-11',
        'keep_yearly 2026',
    ]
    assert [n for n, r in kept.items() if any(x.startswith('keep_daily') for x in r)] == [
        'd00',
        'd01',
        'd02',
        'd03',
        'd04',
        'd05',
        'd06',
    ]
    weekly = sorted((r for rs in kept.values() for r in rs if r.startswith('keep_weekly')), reverse=True)
    assert weekly == ['keep_weekly 2026-W48', 'keep_weekly 2026-W47', 'keep_weekly 2026-W46', 'keep_weekly 2026-W45']
    # Sunday 2026-11-22 closes week 47: it is d05.
    assert 'keep_weekly 2026-W47' in kept['d05']
    monthly = sorted((r for rs in kept.values() for r in rs if r.startswith('keep_monthly')), reverse=True)
    assert monthly[0] == 'keep_monthly 2026-11' and monthly[-1] == 'keep_monthly 2025-12' and len(monthly) == 12
    # The last day of October is the newest image of October.
    assert 'keep_monthly 2026-10' in reasons_of(result, 'd27')
    yearly = sorted(r for rs in kept.values() for r in rs if r.startswith('keep_yearly'))
    assert yearly == ['keep_yearly 2025', 'keep_yearly 2026']
    assert 'keep_yearly 2025' in reasons_of(result, 'd331')
    # 7 days (d00-d06), 2 weeks not already kept (d12, d19), 11 months not already kept; the yearly
    # 2025 image is the monthly 2025-12 one (d331), and there is no image from 2024.
    assert len(result['keep']) == 7 + 2 + 11
    assert 'keep_weekly 2026-W46' in reasons_of(result, 'd12') and 'keep_weekly 2026-W45' in reasons_of(result, 'd19')
    assert len(result['keep']) + len(result['delete']) == 400


def test_periods_count_only_periods_that_have_images():
    # Images on the 27th, 20th and 1st: keep_daily 3 keeps all three, however far apart.
    images = [
        image('a', '2026-11-27T01:00:00Z'),
        image('b', '2026-11-20T01:00:00Z'),
        image('c', '2026-11-01T01:00:00Z'),
        image('d', '2026-10-01T01:00:00Z'),
    ]
    result = plan_retention(images, {'keep_daily': 3}, NOW)
    assert names(result['keep']) == ['a', 'b', 'c']
    assert names(result['delete']) == ['d']


def test_the_newest_image_of_a_period_is_kept_not_the_oldest():
    images = [
        image('late', '2026-11-26T23:00:00Z'),
        image('early', '2026-11-26T01:00:00Z'),
        image('today', '2026-11-27T02:00:00Z'),
    ]
    result = plan_retention(images, {'keep_daily': 2}, NOW)
    assert names(result['keep']) == ['today', 'late']
    assert result['delete'] == [
        dict(id='id-early', name='early', created_at='2026-11-26T01:00:00Z', reasons=['kept by no rule'])
    ]


def test_reasons():
    result = plan_retention(DAYS10, {'keep_last': 2, 'keep_daily': 3, 'max_age': '8d', 'min_keep': 1}, NOW)
    assert reasons_of(result, 'd00') == ['newest', 'min_keep 1', 'keep_last 1', 'keep_daily 2026-11-27']
    assert reasons_of(result, 'd01') == ['keep_last 2', 'keep_daily 2026-11-26']
    assert reasons_of(result, 'd02') == ['keep_daily 2026-11-25']
    assert reasons_of(result, 'd03') == ['kept by no rule']
    assert reasons_of(result, 'd09') == ['older than max_age 8d (9d old)']


def test_items_carry_id_name_created_at_and_reasons_only():
    result = plan_retention(daily(2), {'keep_last': 1}, NOW)
    assert result == {
        'keep': [
            {'id': 'id-d00', 'name': 'd00', 'created_at': '2026-11-27T01:00:00Z', 'reasons': ['newest', 'keep_last 1']}
        ],
        'delete': [
            {'id': 'id-d01', 'name': 'd01', 'created_at': '2026-11-26T01:00:00Z', 'reasons': ['kept by no rule']}
        ],
    }


def test_order_of_input_does_not_matter():
    forward = plan_retention(DAYS10, {'keep_last': 3}, NOW)
    backward = plan_retention(list(reversed(DAYS10)), {'keep_last': 3}, NOW)
    assert forward == backward


def test_images_made_in_the_same_second_are_ordered_by_name_then_id():
    same = '2026-11-27T10:00:00Z'
    images = [image('b', same), image('a', same), image('c', same)]
    result = plan_retention(images, {'keep_last': 1}, NOW)
    assert names(result['keep']) == ['c']
    assert names(result['delete']) == ['b', 'a']


def test_injected_now_decides_max_age():
    images = daily(3)
    assert names(plan_retention(images, {'max_age': '1d12h'}, '2026-11-27T12:00:00Z')['keep']) == ['d00', 'd01']
    assert names(plan_retention(images, {'max_age': '1d12h'}, '2026-11-28T12:00:00Z')['keep']) == ['d00']
    assert names(plan_retention(images, {'max_age': '1d12h'}, datetime.datetime(2026, 11, 26, 12, 0, 0))['keep']) == [
        'd00',
        'd01',
        'd02',
    ]


def test_empty_list():
    assert plan_retention([], {'keep_last': 3}, NOW) == {'keep': [], 'delete': []}


# ------------------------------------------------------------------ what is never deleted

NEVER = [
    # (description, image, reason it is kept)
    ('protected', image('p', '2026-11-01T00:00:00Z', is_protected=True), 'protected'),
    (
        'protected as Glance spells it',
        image('p', '2026-11-01T00:00:00Z', protected=True, is_protected=None),
        'protected',
    ),
    (
        'another policy',
        image('p', '2026-11-01T00:00:00Z', properties={'stackops_policy': 'weekly'}),
        'not stackops_policy=nightly (has weekly)',
    ),
    (
        'no label at all',
        image('p', '2026-11-01T00:00:00Z', properties={'stackops_policy': None}),
        'not stackops_policy=nightly (has none)',
    ),
    (
        'labelled for another server',
        image('p', '2026-11-01T00:00:00Z', properties={'stackops_server': 'srv-2'}),
        'not stackops_server=srv-1 (has srv-2)',
    ),
    # A server booted from a backup inherits its properties: Nova's instance_uuid tells the truth.
    (
        'inherited labels, other server',
        image('p', '2026-11-01T00:00:00Z', instance_uuid='srv-9'),
        'not instance_uuid=srv-1 (has srv-9)',
    ),
    ('another project', image('p', '2026-11-01T00:00:00Z', owner='other'), 'not owner=proj (has other)'),
    ('still uploading', image('p', '2026-11-01T00:00:00Z', status='saving'), 'status saving'),
    ('queued', image('p', '2026-11-01T00:00:00Z', status='queued'), 'status queued'),
    ('failed upload', image('p', '2026-11-01T00:00:00Z', status='killed'), 'status killed'),
    ('no created_at', image('p', None), 'no readable created_at'),
    ('garbled created_at', image('p', 'last week'), 'no readable created_at'),
]


@pytest.mark.parametrize('description, odd, reason', NEVER, ids=[n[0] for n in NEVER])
@pytest.mark.parametrize('policy', [{'keep_last': 1}, {'max_age': '1h'}, {'keep_daily': 1, 'max_age': '1s'}])
def test_never_deleted(description, odd, reason, policy):
    result = plan_retention(DAYS10 + [odd], policy, NOW, match=MATCH)
    assert 'p' not in names(result['delete'])
    assert reason in reasons_of(result, 'p')


@pytest.mark.parametrize('description, odd, reason', NEVER, ids=[n[0] for n in NEVER])
def test_odd_images_take_no_slot(description, odd, reason):
    # The odd image is the newest of all, yet keep_last 2 still keeps two candidates.
    odd = dict(odd, created_at='2026-11-27T11:00:00Z') if parse_time(odd.get('created_at')) else odd
    result = plan_retention(DAYS10 + [odd], {'keep_last': 2}, NOW, match=MATCH)
    assert [n for n in names(result['keep']) if n != 'p'] == ['d00', 'd01']
    assert 'p' in names(result['keep'])


def test_the_newest_candidate_is_never_deleted_even_when_a_protected_image_is_newer():
    protected = image('p', '2026-11-27T11:00:00Z', is_protected=True)
    result = plan_retention([protected] + DAYS10, {'max_age': '1s'}, NOW, match=MATCH)
    assert names(result['keep']) == ['p', 'd00']
    assert reasons_of(result, 'd00') == ['newest']


def test_without_match_labels_are_not_checked():
    foreign = image('f', '2026-11-01T00:00:00Z', properties={'stackops_policy': 'other'})
    result = plan_retention(DAYS10 + [foreign], {'keep_last': 1}, NOW)
    assert 'f' in names(result['delete'])


def test_match_compares_as_text():
    result = plan_retention(
        [image('x', '2026-11-27T00:00:00Z', properties={'stackops_policy': 7})], {}, NOW, match={'stackops_policy': '7'}
    )
    assert reasons_of(result, 'x') == ['newest', 'no rule deletes']


@pytest.mark.parametrize(
    'images, message',
    [
        (['not-a-dict'], 'item 0'),
    ],
)
def test_bad_images(images, message):
    with pytest.raises(ValueError, match=message):
        plan_retention(images, {}, NOW)


def test_glance_raw_images_work_too():
    # Straight from the Glance API: properties are top-level keys, protection is ``protected``.
    raw = [
        dict(
            id='r%d' % i,
            name='r%d' % i,
            created_at='2026-11-2%dT00:00:00Z' % i,
            status='active',
            protected=False,
            owner='proj',
            instance_uuid='srv-1',
            stackops_policy='nightly',
            stackops_server='srv-1',
        )
        for i in range(1, 6)
    ]
    result = plan_retention(raw, {'keep_last': 2}, NOW, match=MATCH)
    assert names(result['keep']) == ['r5', 'r4']
    assert names(result['delete']) == ['r3', 'r2', 'r1']
