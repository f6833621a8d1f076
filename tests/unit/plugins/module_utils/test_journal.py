# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The journal: which answers are accepted writes, how they are told, and whose they are."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.stackops.compute.plugins.module_utils import _journal
from ansible_collections.stackops.compute.plugins.module_utils._journal import Journal, describe, is_write, join_phrases
from ansible_collections.stackops.compute.plugins.module_utils._retry import install_retry_policy

NOVA = 'http://127.0.0.1:8774/v2.1'
GLANCE = 'http://127.0.0.1:9292/v2'
NEUTRON = 'http://127.0.0.1:9696/v2.0'
SID = '11111111-1111-4111-8111-111111111111'


class Answer(object):
    def __init__(self, status=202, body=None, url=None, length=None):
        self.status_code = status
        self._body = body
        self.url = url
        self.headers = {} if length is None else {'Content-Length': str(length)}

    def json(self):
        if self._body is None:
            raise ValueError('no JSON')
        return self._body


@pytest.mark.parametrize(
    'method, url, body, write',
    [
        ('GET', NOVA + '/servers/detail', None, False),
        ('HEAD', GLANCE + '/images', None, False),
        ('POST', 'http://127.0.0.1:5000/v3/auth/tokens', {'auth': {}}, False),
        ('POST', NOVA + '/servers/%s/action' % SID, {'os-getConsoleOutput': {'length': 5}}, False),
        ('POST', NOVA + '/servers/%s/remote-consoles' % SID, {'remote_console': {}}, False),
        ('POST', NOVA + '/servers/%s/action' % SID, {'os-stop': None}, True),
        ('POST', NOVA + '/servers', {'server': {'name': 'web1'}}, True),
        ('PUT', NOVA + '/servers/%s/tags/a' % SID, None, True),
        ('DELETE', GLANCE + '/images/i1', None, True),
        ('PATCH', GLANCE + '/images/i1', [], True),
        ('POST', NEUTRON + '/floatingips', {'floatingip': {}}, True),
    ],
)
def test_is_write(method, url, body, write):
    assert is_write(method, url, body) is write


@pytest.mark.parametrize(
    'method, path, body, answer, what, target',
    [
        ('POST', '/servers', {'server': {'name': 'web1'}}, {'server': {'id': SID}}, 'created {0}', ('server', SID)),
        ('PUT', '/servers/%s' % SID, {'server': {'name': 'x'}}, None, 'updated {0}', ('server', SID)),
        ('DELETE', '/servers/%s' % SID, None, None, 'deleted {0}', ('server', SID)),
        ('POST', '/servers/%s/action' % SID, {'shelve': None}, None, 'shelved {0}', ('server', SID)),
        ('POST', '/servers/%s/action' % SID, {'shelveOffload': None}, None, 'offloaded {0}', ('server', SID)),
        (
            'POST',
            '/servers/%s/action' % SID,
            {'addSecurityGroup': {'name': 'web'}},
            None,
            'added security group web to {0}',
            ('server', SID),
        ),
        (
            'POST',
            '/servers/%s/action' % SID,
            {'createBackup': {'name': 'b1', 'rotation': 2}},
            None,
            'started backup b1 of {0}',
            ('server', SID),
        ),
        ('POST', '/servers/%s/action' % SID, {'newThing': {}}, None, 'sent newThing to {0}', ('server', SID)),
        ('POST', '/servers/%s/metadata' % SID, {'metadata': {'a': 'b'}}, None, 'set metadata on {0}', ('server', SID)),
        ('DELETE', '/servers/%s/metadata/a' % SID, None, None, 'deleted metadata a of {0}', ('server', SID)),
        ('PUT', '/servers/%s/tags' % SID, {'tags': []}, None, 'set the tags of {0}', ('server', SID)),
        ('PUT', '/servers/%s/tags/t1' % SID, None, None, 'added tag t1 to {0}', ('server', SID)),
        ('DELETE', '/servers/%s/tags/t1' % SID, None, None, 'removed tag t1 from {0}', ('server', SID)),
        ('DELETE', '/servers/%s/os-server-password' % SID, None, None, 'cleared the password of {0}', ('server', SID)),
        ('PATCH', '/images/i1', [], None, 'updated {0}', ('image', 'i1')),
        ('DELETE', '/images/i1', None, None, 'deleted {0}', ('image', 'i1')),
    ],
)
def test_describe_nova_and_glance(method, path, body, answer, what, target):
    base = GLANCE if path.startswith('/images') else NOVA
    write = describe(method, base + path, body, answer)
    assert (write.what, write.target) == (what, target)


def test_describe_neutron():
    made = describe('POST', NEUTRON + '/floatingips', {}, {'floatingip': {'floating_ip_address': '203.0.113.7'}})
    assert (made.what, made.target) == ('allocated floating IP 203.0.113.7', None)
    gone = describe('DELETE', NEUTRON + '/floatingips/f1')
    assert (gone.what, gone.target) == ('released {0}', ('floating IP', 'f1'))


def test_observe_records_accepted_writes_and_learns_names():
    journal = Journal()
    listing = Answer(200, {'servers': [{'id': SID, 'name': 'web1'}]})
    journal.observe('GET', '/servers/detail?all_tenants=1', None, listing)
    assert journal.names == {}  # a listing that is no lookup by name is not read again
    journal.observe('GET', '/servers/detail?name=%5Eweb1%24', None, listing)
    assert journal.writes == []
    journal.observe('POST', NOVA + '/servers/%s/action' % SID, {'os-stop': None}, Answer(409))
    assert journal.writes == []
    journal.observe('POST', NOVA + '/servers/%s/action' % SID, {'os-stop': None}, Answer(202))
    journal.observe('POST', NOVA + '/servers/%s/action' % SID, {'os-start': None}, Answer(202))
    assert journal.summary() == 'stopped server web1 and started it'


def test_a_new_server_is_named_from_its_request():
    journal = Journal()
    journal.observe('POST', NOVA + '/servers', {'server': {'name': 'web1'}}, Answer(202, {'server': {'id': SID}}))
    journal.observe('POST', NOVA + '/servers/%s/action' % SID, {'shelve': None}, Answer(202))
    assert journal.summary() == 'created server web1 and shelved it'
    assert _journal.done_before('x.', journal.writes, journal) == 'Created server web1 and shelved it, then: x.'
    assert _journal.done_before('x.', [], journal) == 'x.'


def test_large_answers_are_not_parsed_for_names():
    journal = Journal()
    big = Answer(200, {'servers': [{'id': SID, 'name': 'web1'}]}, length=_journal.NAME_ANSWER_LIMIT + 1)
    journal.observe('GET', NOVA + '/servers/detail?name=web', None, big)
    journal.observe('DELETE', NOVA + '/servers/%s' % SID, None, Answer(204))
    assert journal.summary() == 'deleted server %s' % SID


def test_scopes_belong_to_their_thread():
    journal = Journal()
    seen = {}

    def item(name):
        with journal.scope() as mine:
            journal.observe('DELETE', NOVA + '/servers/%s' % name, None, Answer(204))
            seen[name] = [w.target for w in mine]

    threads = [threading.Thread(target=item, args=('s%d' % i,)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    journal.observe('PATCH', GLANCE + '/images/i1', [], Answer(200, {'id': 'i1', 'name': 'snap'}))
    assert seen == dict(('s%d' % i, [('server', 's%d' % i)]) for i in range(5))
    assert len(journal.writes) == 6
    assert journal.summary(journal.unscoped()) == 'updated image snap'


class Session(object):
    """A keystoneauth session stand-in: answers every request with what ``answers`` says."""

    def __init__(self, answers):
        self.answers = answers
        self.sent = []

    def request(self, url, method, **kwargs):
        self.sent.append((method, url, kwargs))
        return self.answers(method, url, kwargs)


def test_the_session_hook_records_what_the_cloud_accepted():
    journal = Journal()
    session = install_retry_policy(
        Session(lambda method, url, kwargs: Answer(403 if 'shelveOffload' in (kwargs.get('json') or {}) else 202)),
        journal,
    )
    session.request(NOVA + '/servers/%s/action' % SID, 'POST', json={'shelve': None})
    session.request(NOVA + '/servers/%s/action' % SID, 'POST', json={'shelveOffload': None})
    assert [w.what for w in journal.writes] == ['shelved {0}']


@pytest.mark.parametrize(
    'phrases, joined', [([], ''), (['a'], 'a'), (['a', 'b'], 'a and b'), (['a', '', 'b', 'c'], 'a, b and c')]
)
def test_join_phrases(phrases, joined):
    assert join_phrases(phrases) == joined
