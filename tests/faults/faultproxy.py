# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fault-injecting HTTP proxy for the local cloud (tests only, standard library only).

One loopback listener per upstream service (Keystone, Nova, Glance, Neutron...). Every request is
forwarded to its service; the URLs of all proxied services in answers (Keystone's service catalog,
version documents, pagination links, Location headers) are rewritten to the proxy's own, so that a
clouds.yaml whose ``auth_url`` points at the proxy sends every later request through it too.

At a chosen rate per HTTP method, with a seeded random generator, a request gets a fault instead:

- ``5xx-before``: an HTTP 500/502/503/504 answer; the service never sees the request.
- ``5xx-after``: the service handles the request, its answer is dropped, the client gets a 5xx.
- ``reset-before`` / ``reset-after``: the connection is reset (TCP RST), before or after the service
  handled the request.

The ``-after`` kinds are the ambiguous failures a client cannot tell apart from a lost request.
``--first KIND:METHOD:REGEX`` gives the first request matching a path template a chosen fault (HTTP 503
for the 5xx kinds), so that a test is sure to meet the case it is about.
Latency is injected on its own, at its own rate. Every decision is counted; the counts are served at
``GET /__faultproxy__/stats`` on every listener and written to ``--stats-file``.
``POST /__faultproxy__/pause`` and ``/resume`` switch injection off and on.

    python3 faultproxy.py --upstream http://127.0.0.1:5000/v3 --rate 0.25 --rate GET=0.3 \\
        --latency-rate 0.1 --seed 8 --ready-file proxy.json

With ``--upstream`` naming Keystone only, the other services get their listeners when the first token
response shows them in the catalog (``--no-discover`` turns that off).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import http.client
import http.server
import json
import os
import random
import re
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
import urllib.parse

CONTROL = '/__faultproxy__/'
FAULT_KINDS = ('5xx-before', '5xx-after', 'reset-before', 'reset-after')
HOP_BY_HOP = frozenset(
    (
        'connection',
        'keep-alive',
        'proxy-authenticate',
        'proxy-authorization',
        'te',
        'trailers',
        'transfer-encoding',
        'upgrade',
        'content-length',
        'host',
    )
)
TOKEN_PATH = re.compile(r'/auth/(tokens|catalog)/?(\?|$)')
STATUS_TEXT = {500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout'}
ID_IN_PATH = re.compile(
    r'/(?:[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}'
    r'|[0-9a-fA-F]{32}|\d+)(?=/|$)'
)


def path_template(path):
    """``/v2.1/servers/<uuid>/action`` -> ``/v2.1/servers/{id}/action`` (counts group by it)."""
    return ID_IN_PATH.sub('/{id}', urllib.parse.urlsplit(path).path)


def parse_rates(values):
    """['0.25', 'GET=0.3'] -> {'*': 0.25, 'GET': 0.3}."""
    rates = {'*': 0.0}
    for value in values or ():
        method, _sep, rate = value.rpartition('=')
        rate = float(rate)
        if not 0.0 <= rate <= 1.0:
            raise ValueError('a rate is between 0 and 1, not %s' % rate)
        rates[method.upper() or '*'] = rate
    return rates


def parse_first(values):
    """['5xx-after:POST:/servers$'] -> [('5xx-after', 'POST', '/servers$')]."""
    out = []
    for value in values or ():
        kind, method, pattern = value.split(':', 2)
        if kind not in FAULT_KINDS:
            raise ValueError('unknown fault kind %r; known: %s' % (kind, ', '.join(FAULT_KINDS)))
        out.append((kind, method.upper(), pattern))
    return out


def parse_weights(value):
    """'5xx-before=1,reset-after=2' -> {kind: weight} for the fault kinds (missing kinds weigh 0)."""
    if not value:
        return dict((kind, 1.0) for kind in FAULT_KINDS)
    weights = dict((kind, 0.0) for kind in FAULT_KINDS)
    for part in value.split(','):
        kind, _sep, weight = part.partition('=')
        if kind not in weights:
            raise ValueError('unknown fault kind %r; known: %s' % (kind, ', '.join(FAULT_KINDS)))
        weights[kind] = float(weight or 1)
    return weights


class Injector(object):
    """Decides, with one seeded generator, what happens to each request; counts everything."""

    def __init__(self, rates, weights, latency_rate, latency_range, seed, skip=None, first=()):
        self.rates = rates
        # [kind, method, compiled template pattern, still to do]: the first request matching each gets it.
        self.first = [[kind, method, re.compile(pattern), 1] for kind, method, pattern in first]
        self.kinds = [k for k in FAULT_KINDS if weights.get(k)]
        self.weights = [weights[k] for k in self.kinds]
        self.latency_rate = latency_rate
        self.latency_range = latency_range
        self.random = random.Random(seed)
        self.skip = re.compile(skip) if skip else None
        self.paused = False
        self.lock = threading.Lock()
        self.stats = {
            'seed': seed,
            'requests': 0,
            'faults': 0,
            'latency': 0,
            'by_method': {},
            'by_kind': dict((k, 0) for k in FAULT_KINDS),
            'faulted_requests': {},
        }

    def decide(self, method, path):
        """('pass' | a fault kind, seconds of latency, HTTP status of a 5xx fault) for one request."""
        template = path_template(path)
        with self.lock:
            rate = self.rates.get(method, self.rates['*'])
            kind, delay, status = 'pass', 0.0, None
            forced = self._forced(method, template)
            if forced:
                kind, status = forced, 503
            elif not self.paused and not (self.skip and self.skip.search(template)):
                if self.kinds and self.random.random() < rate:
                    kind = self.random.choices(self.kinds, self.weights)[0]
                    status = self.random.choice(sorted(STATUS_TEXT))
                elif self.random.random() < self.latency_rate:
                    delay = self.random.uniform(*self.latency_range)
            self._count(method, template, kind, delay)
        return kind, delay, status

    def _forced(self, method, template):
        for entry in self.first:
            if entry[3] and entry[1] == method and entry[2].search(template):
                entry[3] -= 1
                return entry[0]
        return None

    def _count(self, method, template, kind, delay):
        stats = self.stats
        stats['requests'] += 1
        per_method = stats['by_method'].setdefault(method, {'requests': 0, 'faults': 0})
        per_method['requests'] += 1
        if delay:
            stats['latency'] += 1
        if kind != 'pass':
            stats['faults'] += 1
            per_method['faults'] += 1
            stats['by_kind'][kind] += 1
            key = '%s %s %s' % (kind, method, template)
            stats['faulted_requests'][key] = stats['faulted_requests'].get(key, 0) + 1

    def snapshot(self):
        with self.lock:
            data = json.loads(json.dumps(self.stats))
        data['paused'] = self.paused
        data['fault_ratio'] = round(float(data['faults']) / data['requests'], 4) if data['requests'] else 0.0
        return data


class Rewriter(object):
    """Swaps upstream base URLs for proxy ones in answers (and the other way round in requests)."""

    def __init__(self):
        self.pairs = {}
        self.pattern = None

    def add(self, upstream, proxied):
        self.pairs[upstream.rstrip('/')] = proxied.rstrip('/')
        # One pass, and never inside a longer port number (:5000 must not match :50001).
        self.pattern = re.compile('(%s)(?![0-9])' % '|'.join(re.escape(u) for u in sorted(self.pairs, key=len)[::-1]))

    def to_proxy(self, text):
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda match: self.pairs[match.group(1)], text)


class Registry(object):
    """The listeners, one per upstream service; with ``discover``, the catalog adds the missing ones."""

    def __init__(self, listen, injector, on_change, discover):
        self.listen = listen
        self.injector = injector
        self.on_change = on_change
        self.discover = discover
        self.rewriter = Rewriter()
        self.servers = {}
        self.lock = threading.Lock()

    def ensure(self, url):
        """The proxy URL standing for ``url`` (scheme://host:port/path), listening from now on."""
        parts = urllib.parse.urlsplit(url)
        base = '%s://%s' % (parts.scheme, parts.netloc)
        with self.lock:
            server = self.servers.get(base)
            if server is None:
                server = ProxyServer((self.listen, 0), base, self)
                self.servers[base] = server
                self.rewriter.add(base, 'http://%s:%d' % (self.listen, server.server_address[1]))
                threading.Thread(target=server.serve_forever, daemon=True).start()
        return 'http://%s:%d%s' % (self.listen, server.server_address[1], parts.path.rstrip('/'))

    def learn_catalog(self, body):
        """Proxy every endpoint of a Keystone token's service catalog."""
        try:
            catalog = (json.loads(body.decode('utf-8')).get('token') or {}).get('catalog') or []
        except ValueError:
            return
        for service in catalog:
            for endpoint in service.get('endpoints') or ():
                if endpoint.get('url', '').startswith('http://'):
                    self.ensure(endpoint['url'])

    def shutdown(self):
        for server in list(self.servers.values()):
            server.shutdown()


class ProxyServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, upstream, registry):
        self.upstream = urllib.parse.urlsplit(upstream)
        self.registry = registry
        self.injector = registry.injector
        self.rewriter = registry.rewriter
        self.on_change = registry.on_change
        http.server.HTTPServer.__init__(self, address, Handler)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'faultproxy'

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def do_GET(self):
        self.relay('GET')

    def do_HEAD(self):
        self.relay('HEAD')

    def do_POST(self):
        self.relay('POST')

    def do_PUT(self):
        self.relay('PUT')

    def do_PATCH(self):
        self.relay('PATCH')

    def do_DELETE(self):
        self.relay('DELETE')

    def finish(self):
        try:
            http.server.BaseHTTPRequestHandler.finish(self)
        except OSError:
            pass

    # ------------------------------------------------------------------------------------------ relay

    def read_body(self):
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b';')[0].strip() or b'0', 16)
                if size == 0:
                    self.rfile.readline()
                    return b''.join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def relay(self, method):
        body = self.read_body()
        if self.path.startswith(CONTROL):
            return self.control(method)
        kind, delay, fault_status = self.server.injector.decide(method, self.path)
        if delay:
            time.sleep(delay)
        if kind in ('5xx-before', 'reset-before'):
            return self.fault(kind, fault_status)
        try:
            status, reason, headers, answer = self.forward(method, body)
        except (OSError, http.client.HTTPException) as exc:
            return self.answer(
                502,
                'Bad Gateway',
                [('Content-Type', 'application/json')],
                json.dumps({'message': 'faultproxy: upstream failed: %s' % exc}).encode(),
            )
        if self.server.registry.discover and TOKEN_PATH.search(self.path) and status < 300:
            self.server.registry.learn_catalog(answer)
        if kind != 'pass':
            self.server.on_change()
            return self.fault(kind, fault_status)
        self.answer(status, reason, headers, answer)
        self.server.on_change()
        return None

    def forward(self, method, body):
        upstream = self.server.upstream
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=300)
        try:
            headers = dict((k, v) for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP)
            headers['Host'] = upstream.netloc
            headers['Connection'] = 'close'
            if body or method in ('POST', 'PUT', 'PATCH'):
                headers['Content-Length'] = str(len(body))
            conn.request(method, self.path, body=body or None, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            out = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            return response.status, response.reason, out, answer
        finally:
            conn.close()

    def answer(self, status, reason, headers, body):
        rewrite = self.server.rewriter.to_proxy
        content_type = dict((k.lower(), v) for k, v in headers).get('content-type', '')
        if body and ('json' in content_type or content_type.startswith('text/')):
            try:
                body = rewrite(body.decode('utf-8')).encode('utf-8')
            except UnicodeDecodeError:
                pass
        self.send_response(status, reason)
        for key, value in headers:
            self.send_header(key, rewrite(value) if key.lower() == 'location' else value)
        if self.command != 'HEAD' or body:
            self.send_header('Content-Length', str(len(body)))
        self.send_header('Connection', 'close')
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)
        self.close_connection = True

    def fault(self, kind, status):
        if kind.startswith('reset'):
            # SO_LINGER 0 makes close() send a TCP RST: the client sees "connection reset by peer".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            self.connection.close()
            self.close_connection = True
            return None
        message = '%s (fault injected by faultproxy, %s)' % (STATUS_TEXT[status], kind)
        body = json.dumps({'error': {'code': status, 'title': STATUS_TEXT[status], 'message': message}}).encode()
        self.answer(status, STATUS_TEXT[status], [('Content-Type', 'application/json')], body)
        return None

    def control(self, method):
        injector = self.server.injector
        command = self.path[len(CONTROL) :].split('?')[0]
        if method == 'POST' and command in ('pause', 'resume'):
            injector.paused = command == 'pause'
        elif not (method == 'GET' and command == 'stats'):
            return self.answer(404, 'Not Found', [('Content-Type', 'application/json')], b'{}')
        self.server.on_change()
        data = json.dumps(injector.snapshot(), indent=1, sort_keys=True).encode()
        return self.answer(200, 'OK', [('Content-Type', 'application/json')], data)


def write_json(path, data):
    if not path:
        return
    tmp = '%s.%d.tmp' % (path, os.getpid())
    with open(tmp, 'w') as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
    os.replace(tmp, path)


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument(
        '--upstream',
        action='append',
        required=True,
        help='URL of a service to proxy (repeat); with --discover, the auth URL alone is enough',
    )
    parser.add_argument(
        '--no-discover',
        dest='discover',
        action='store_false',
        help='proxy only the --upstream services, not those of the service catalog',
    )
    parser.add_argument('--listen', default='127.0.0.1', help='address to listen on (default 127.0.0.1)')
    parser.add_argument(
        '--rate', action='append', default=[], help='fault rate 0..1, for every method or METHOD=RATE (repeat)'
    )
    parser.add_argument('--kinds', default='', help='weights, e.g. 5xx-before=1,reset-after=2 (default all 1)')
    parser.add_argument('--latency-rate', type=float, default=0.0, help='share of other requests delayed')
    parser.add_argument('--latency', default='0.05:0.4', help='delay range in seconds, MIN:MAX')
    parser.add_argument('--seed', type=int, default=8)
    parser.add_argument(
        '--first',
        action='append',
        default=[],
        help='KIND:METHOD:REGEX - the first request whose path template matches gets this fault (repeat)',
    )
    parser.add_argument('--skip', default=None, help='regular expression of path templates never faulted')
    parser.add_argument('--paused', action='store_true', help='start with injection switched off')
    parser.add_argument('--ready-file', help='JSON written once listening: {"proxies": {upstream: url}, "pid": n}')
    parser.add_argument('--stats-file', help='JSON counts, rewritten after every request and at exit')
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    low, _sep, high = args.latency.partition(':')
    injector = Injector(
        parse_rates(args.rate),
        parse_weights(args.kinds),
        args.latency_rate,
        (float(low), float(high or low)),
        args.seed,
        args.skip,
        parse_first(args.first),
    )
    injector.paused = args.paused
    last_write = [0.0]
    write_lock = threading.Lock()

    def on_change(force=False):
        with write_lock:
            now = time.monotonic()
            if force or now - last_write[0] > 0.2:
                last_write[0] = now
                write_json(args.stats_file, injector.snapshot())

    registry = Registry(args.listen, injector, on_change, args.discover)
    proxies = dict((upstream, registry.ensure(upstream)) for upstream in args.upstream)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    write_json(args.ready_file, {'proxies': proxies, 'pid': os.getpid()})
    sys.stdout.write(json.dumps({'proxies': proxies}) + '\n')
    sys.stdout.flush()
    stop.wait()
    registry.shutdown()
    on_change(force=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
