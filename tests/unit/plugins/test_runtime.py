# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/runtime.yml: the action group ``compute`` names exactly the modules in plugins/modules/.

module_defaults for ``group/stackops.compute.compute`` is how playbooks, roles and the integration
targets give every module its cloud, so a module left out of the group silently misses its auth.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import pathlib

import yaml

COLLECTION_ROOT = pathlib.Path(__file__).resolve().parents[3]
PREFIX = 'stackops.compute.'


def modules_on_disk():
    folder = COLLECTION_ROOT / 'plugins' / 'modules'
    return sorted(path.stem for path in folder.glob('*.py') if path.stem != '__init__')


def compute_group():
    runtime = yaml.safe_load((COLLECTION_ROOT / 'meta' / 'runtime.yml').read_text())
    group = (runtime.get('action_groups') or {}).get('compute')
    assert group is not None, 'meta/runtime.yml has no action group "compute"'
    # Entries may be short names or FQCNs; a {metadata: ...} entry is not a module.
    return [entry[len(PREFIX) :] if entry.startswith(PREFIX) else entry for entry in group if isinstance(entry, str)]


def test_compute_group_lists_exactly_the_modules():
    on_disk = set(modules_on_disk())
    listed = set(compute_group())
    assert not on_disk - listed, 'modules missing from the compute action group: %s' % sorted(on_disk - listed)
    assert not listed - on_disk, 'compute action group names modules that do not exist: %s' % sorted(listed - on_disk)


def test_compute_group_has_no_duplicates():
    counts = collections.Counter(compute_group())
    assert not [name for name, count in counts.items() if count > 1], counts
