# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The scrubber: a secret leaves no module in any encoding, alone or inside a larger encoded text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import json
import re
from urllib.parse import quote, quote_plus, unquote, unquote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.stackops.compute.plugins.module_utils._scrub import (
    MASK,
    Scrubber,
    one_line,
    shorten,
    shorten_messages,
    variants,
)

SECRET = 'Us3rData-7f3a9-Pw'
GENERATED = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

ENCODINGS = {
    'as written': lambda s: s,
    'json': lambda s: json.dumps(s)[1:-1],
    'json ascii': lambda s: json.dumps(s, ensure_ascii=True)[1:-1],
    'python': lambda s: repr(s)[1:-1],
    'url': lambda s: quote(s, safe=''),
    'url path': quote,
    'url form': quote_plus,
    'base64': lambda s: base64.b64encode(s.encode()).decode(),
    'base64 no padding': lambda s: base64.b64encode(s.encode()).decode().rstrip('='),
    'base64 url-safe': lambda s: base64.urlsafe_b64encode(s.encode()).decode(),
    'base64 url-safe no padding': lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip('='),
}
BASE64_RUN = re.compile(r'[A-Za-z0-9+/_=-]{4,}')


def recoverable(text, secret):
    """Whether ``secret`` can be read back from ``text`` by undoing any one of the encodings: as written,
    JSON or URL escapes, or base64 (standard or URL-safe) of any run of base64 characters, at any start."""
    raw = secret.encode('utf-8')
    if secret in text:
        return True
    for decode in (unquote, unquote_plus, lambda t: t.replace('\\\\', '\\').replace('\\"', '"')):
        if secret in decode(text):
            return True
    try:
        if secret in json.loads('"%s"' % text.replace('"', '\\"')):
            return True
    except ValueError:
        pass
    for match in BASE64_RUN.finditer(text):
        run = match.group(0).replace('-', '+').replace('_', '/').rstrip('=')
        for start in range(4):
            part = run[start:]
            part = part[: len(part) - len(part) % 4]
            try:
                if raw in base64.b64decode(part):
                    return True
            except (binascii.Error, ValueError):
                continue
    return False


@pytest.mark.parametrize('name', sorted(ENCODINGS))
def test_every_encoding_of_a_secret_is_masked(name):
    encoded = ENCODINGS[name](SECRET)
    text = 'HTTP 400: Invalid input for field/attribute user_data. Value: %s. is too long' % encoded
    scrubbed = Scrubber([SECRET]).text(text)
    assert MASK in scrubbed
    assert not recoverable(scrubbed, SECRET)


@pytest.mark.parametrize('prefix', [b'', b'a', b'ab', b'abc', b'#cloud-config\n'])
@pytest.mark.parametrize('urlsafe', [False, True])
def test_a_secret_inside_a_larger_base64_blob_is_masked_at_every_offset(prefix, urlsafe):
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    blob = encode(prefix + SECRET.encode() + b'\nmore text after it').decode()
    assert recoverable(blob, SECRET)
    assert not recoverable(Scrubber([SECRET]).text('Value: %s' % blob), SECRET)


def test_a_secret_inside_a_json_body_that_is_base64_encoded():
    body = json.dumps({'server': {'name': 'web1', 'adminPass': SECRET}})
    blob = base64.b64encode(body.encode()).decode()
    assert not recoverable(Scrubber([SECRET]).text(blob), SECRET)


@pytest.mark.parametrize(
    'secret, masked_forms',
    [
        ('ab', {'ab'}),  # derived forms of a 2-character secret are too short to mask
        ('a"b\\c\nd', {'a"b\\c\nd', 'a\\"b\\\\c\\nd', 'a%22b%5Cc%0Ad'}),
        ('pässwörd', {'pässwörd', 'p\\u00e4ssw\\u00f6rd', 'p%C3%A4ssw%C3%B6rd'}),
    ],
)
def test_variants(secret, masked_forms):
    assert masked_forms <= variants(secret)
    assert all(len(form) >= 6 or form == secret for form in variants(secret))


def test_short_derived_forms_are_not_masked():
    # The base64 of 'ab' is 'YWI='; masking 'YWI' would blank it in every text that happens to hold it.
    assert Scrubber(['ab']).text('YWI= YWIx') == 'YWI= YWIx'


def test_value_masks_keys_and_nested_values_and_keeps_other_types():
    scrub = Scrubber([SECRET])
    value = {
        'msg': 'failed: %s' % SECRET,
        'results': [{'msg': base64.b64encode(SECRET.encode()).decode(), 'changed': True, 'count': 3}],
        SECRET: None,
    }
    out = scrub.value(value)
    assert out == {'msg': 'failed: ' + MASK, 'results': [{'msg': MASK, 'changed': True, 'count': 3}], MASK: None}
    assert SECRET not in json.dumps(out)


def test_value_without_a_secret_is_the_same_object():
    value = {'servers': [{'name': 'web%d' % i} for i in range(50)]}
    assert Scrubber([SECRET]).value(value) is value
    assert Scrubber().value(value) is value
    assert not Scrubber()


def test_secrets_added_later_count_and_empty_ones_do_not():
    scrub = Scrubber([None, '', True])
    assert not scrub
    scrub.add(SECRET)
    assert scrub.text(SECRET) == MASK


@given(
    secret=st.text(min_size=6, max_size=40).filter(lambda s: s.strip() and len(s.encode('utf-8')) >= 6),
    before=st.binary(max_size=7),
    after=st.binary(max_size=7),
    name=st.sampled_from(sorted(ENCODINGS)),
    in_base64=st.booleans(),
)
@GENERATED
def test_generated_secrets_cannot_be_read_back(secret, before, after, name, in_base64):
    encoded = ENCODINGS[name](secret)
    if in_base64:
        # Also the encoded secret inside a larger blob that is itself base64 (a JSON body Nova echoes).
        text = base64.b64encode(before + secret.encode('utf-8') + after).decode()
    else:
        text = 'Value: %r %s and more' % (before, encoded)
    scrubbed = Scrubber([secret]).text(text)
    assert secret not in scrubbed
    if name.startswith('base64') or in_base64:
        assert not recoverable(scrubbed, secret)


@given(secrets=st.lists(st.text(min_size=6, max_size=20), min_size=1, max_size=4), noise=st.text(max_size=60))
@GENERATED
def test_generated_results_hold_no_secret_anywhere(secrets, noise):
    value = {
        'msg': noise + ''.join(secrets),
        'warnings': [json.dumps({'password': s}) for s in secrets],
        'diff': {'after': {'user_data': base64.b64encode(secrets[0].encode()).decode()}},
    }
    out = json.dumps(Scrubber(secrets).value(value), ensure_ascii=False)
    for secret in secrets:
        assert secret not in out


def test_shorten_cuts_long_runs_only():
    blob = 'A' * 5000
    text = 'Failed while creating server web1: HTTP 400: Value: %s. is too long (request req-1)' % blob
    short = shorten(text)
    assert short == (
        'Failed while creating server web1: HTTP 400: Value: %s... (5001 characters) is too long (request req-1)'
        % ('A' * 32)
    )
    words = ' '.join(['word'] * 100)
    assert shorten(words) == words
    assert shorten(None) is None


def test_shorten_cuts_the_middle_of_a_long_message_with_spaces():
    echoed = 'HTTP 400: Value: {%s}. too many (request req-42)' % ', '.join("'k%d': 'v'" % i for i in range(500))
    short = shorten(echoed)
    assert len(short) < 1900
    assert short.startswith('HTTP 400: Value: {') and short.endswith('too many (request req-42)')
    assert '... (' in short


def test_shorten_messages_reaches_the_items():
    value = {'msg': 'x' * 500, 'results': [{'msg': 'y' * 500, 'server': {'console': 'z' * 500}}]}
    out = shorten_messages(value)
    assert len(out['msg']) < 100
    assert len(out['results'][0]['msg']) < 100
    assert out['results'][0]['server']['console'] == 'z' * 500


@pytest.mark.parametrize('text, line', [('a\nb', 'a'), ('\n  b  \n', 'b'), ('', ''), (ValueError('x\ny'), 'x')])
def test_one_line(text, line):
    assert one_line(text) == line
