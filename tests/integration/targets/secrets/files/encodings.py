# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only: every form a secret may take in output, one per line, for grep -F -f.

Reads a JSON list of secrets on stdin. For each: as written, JSON-escaped, URL-encoded, and base64 (standard
and URL-safe, with and without padding) alone and at each of the three offsets inside a larger base64 text
(the characters that carry only the secret's bits). Written apart from the collection's scrubber, so that
the test does not check the scrubber against itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import sys
from urllib.parse import quote, quote_plus

# Shorter forms would match ordinary output by chance.
SHORTEST = 8


def forms(secret):
    found = {secret, json.dumps(secret)[1:-1], quote(secret, safe=''), quote_plus(secret)}
    raw = secret.encode('utf-8')
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(raw).decode()
        found.update((whole, whole.rstrip('=')))
        for offset in (1, 2):
            shifted = encode(b'\0' * offset + raw).decode()
            # Characters 6-bit aligned with the secret's own bytes only.
            start = (8 * offset + 5) // 6
            end = 8 * (offset + len(raw)) // 6
            found.add(shifted[start:end])
        found.add(whole[: 8 * len(raw) // 6])
    return sorted(f for f in found if len(f) >= SHORTEST)


def main():
    for secret in json.load(sys.stdin):
        for form in forms(secret):
            # grep -F -f takes one pattern per line. The lines of a secret written over several lines (user
            # data) are searched for as the secrets they hold, which the list names on their own.
            if '\n' not in form:
                print(form)


if __name__ == '__main__':
    main()
