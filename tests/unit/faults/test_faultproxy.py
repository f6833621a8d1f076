# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault-injecting proxy of tests/faults: its decisions, its rewriting, and one real relay."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import json
import os
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location('faultproxy', os.path.join(HERE, '..', '..', 'faults', 'faultproxy.py'))
faultproxy = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(faultproxy)


@pytest.mark.parametrize(
    'path, template',
    [
        ('/v2.1/servers/0f3c1a2e-5b6d-4e7f-8a9b-0c1d2e3f4a5b/action', '/v2.1/servers/{id}/action'),
        ('/v2/images/0f3c1a2e5b6d4e7f8a9b0c1d2e3f4a5b?x=1', '/v2/images/{id}'),
        ('/v2.1/flavors/42', '/v2.1/flavors/{id}'),
        ('/v2.1/flavors/m1.tiny', '/v2.1/flavors/m1.tiny'),
        ('/v3/auth/tokens', '/v3/auth/tokens'),
    ],
)
def test_path_template(path, template):
    assert faultproxy.path_template(path) == template


def test_rates_and_weights():
    assert faultproxy.parse_rates(['0.25', 'GET=0.5', 'post=0']) == {'*': 0.25, 'GET': 0.5, 'POST': 0.0}
    with pytest.raises(ValueError):
        faultproxy.parse_rates(['1.5'])
    weights = faultproxy.parse_weights('reset-after=2,5xx-before')
    assert weights == {'5xx-before': 1.0, '5xx-after': 0.0, 'reset-before': 0.0, 'reset-after': 2.0}
    with pytest.raises(ValueError):
        faultproxy.parse_weights('explode=1')


def test_rewriting_never_touches_a_longer_port():
    rewriter = faultproxy.Rewriter()
    rewriter.add('http://127.0.0.1:8774', 'http://127.0.0.1:50001')
    rewriter.add('http://127.0.0.1:5000', 'http://127.0.0.1:40000')
    text = '{"a": "http://127.0.0.1:8774/v2.1", "b": "http://127.0.0.1:5000/v3", "c": "http://127.0.0.1:50001"}'
    assert rewriter.to_proxy(text) == (
        '{"a": "http://127.0.0.1:50001/v2.1", "b": "http://127.0.0.1:40000/v3", "c": "http://127.0.0.1:50001"}'
    )


def decisions(seed, rate=0.4, count=200):
    injector = faultproxy.Injector({'*': rate}, faultproxy.parse_weights(''), 0.1, (0.0, 0.0), seed)
    return [injector.decide('GET', '/v2.1/servers/detail')[0] for dummy in range(count)], injector


def test_one_seed_one_sequence_and_counts_that_add_up():
    first, injector = decisions(8)
    again = decisions(8)[0]
    other = decisions(9)[0]
    assert first == again and first != other
    stats = injector.snapshot()
    faults = len([d for d in first if d != 'pass'])
    assert stats['requests'] == 200 and stats['faults'] == faults
    assert sum(stats['by_kind'].values()) == faults
    assert 0.3 < stats['fault_ratio'] < 0.5


def test_paused_and_zero_rate_inject_nothing():
    silent = decisions(8, rate=0.0)[0]
    assert set(silent) == {'pass'}
    injector = faultproxy.Injector({'*': 1.0}, faultproxy.parse_weights(''), 0.0, (0.0, 0.0), 8)
    injector.paused = True
    assert injector.decide('POST', '/servers')[0] == 'pass'


class Upstream(BaseHTTPRequestHandler):
    """A service that names itself in its answers and counts what reached it."""

    hits = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.hits.append(self.path)
        base = 'http://127.0.0.1:%d' % self.server.server_address[1]
        body = json.dumps({'self': base + self.path}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def upstream():
    Upstream.hits = []
    server = HTTPServer(('127.0.0.1', 0), Upstream)
    thread = threading.Thread(target=server.serve_forever)
    thread.daemon = True
    thread.start()
    yield 'http://127.0.0.1:%d' % server.server_address[1]
    server.shutdown()


def registry(rate, kinds=''):
    injector = faultproxy.Injector({'*': rate}, faultproxy.parse_weights(kinds), 0.0, (0.0, 0.0), 8)
    return faultproxy.Registry('127.0.0.1', injector, lambda force=False: None, discover=False)


def test_relay_rewrites_urls_to_the_proxy(upstream):
    proxies = registry(0.0)
    try:
        proxied = proxies.ensure(upstream + '/v2.1')
        with urllib.request.urlopen(proxied + '/servers') as answer:
            assert json.loads(answer.read().decode()) == {'self': proxied + '/servers'}
        assert Upstream.hits == ['/v2.1/servers']
    finally:
        proxies.shutdown()


@pytest.mark.parametrize(
    'kind, reached', [('5xx-before', 0), ('5xx-after', 1), ('reset-before', 0), ('reset-after', 1)]
)
def test_each_fault_kind(upstream, kind, reached):
    proxies = registry(1.0, kinds='%s=1' % kind)
    try:
        proxied = proxies.ensure(upstream)
        if kind.startswith('5xx'):
            with pytest.raises(urllib.error.HTTPError) as raised:
                urllib.request.urlopen(proxied + '/x')
            assert raised.value.code in (500, 502, 503, 504)
            assert 'fault injected by faultproxy' in raised.value.read().decode()
        else:
            with pytest.raises((urllib.error.URLError, ConnectionError)):
                urllib.request.urlopen(proxied + '/x')
        assert len(Upstream.hits) == reached
        with urllib.request.urlopen(proxied + '/__faultproxy__/stats') as answer:
            stats = json.loads(answer.read().decode())
        assert stats['by_kind'][kind] == 1 and stats['requests'] == 1
    finally:
        proxies.shutdown()


def test_first_requests_get_the_faults_asked_for():
    first = faultproxy.parse_first(['5xx-after:post:/servers$', 'reset-before:POST:/servers$'])
    assert first == [('5xx-after', 'POST', '/servers$'), ('reset-before', 'POST', '/servers$')]
    injector = faultproxy.Injector({'*': 0.0}, faultproxy.parse_weights(''), 0.0, (0.0, 0.0), 8, first=first)
    kinds = [
        injector.decide(method, path)[0]
        for method, path in [
            ('GET', '/v2.1/servers'),
            ('POST', '/v2.1/servers/0f3c1a2e-5b6d-4e7f-8a9b-0c1d2e3f4a5b/action'),
            ('POST', '/v2.1/servers'),
            ('POST', '/v2.1/servers'),
            ('POST', '/v2.1/servers'),
        ]
    ]
    assert kinds == ['pass', 'pass', '5xx-after', 'reset-before', 'pass']
    with pytest.raises(ValueError):
        faultproxy.parse_first(['boom:GET:/'])
