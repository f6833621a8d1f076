# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: who may run which server action under Nova's default policy.

Check mode sends nothing, so it cannot hear Nova's 403; it tells the refusal from this table instead, and a
real run that Nova refuses with 403 says the same sentence, followed by Nova's answer. The table is Nova's
default policy with ``enforce_new_defaults`` (``nova/policies/``, Nova 34): every action of the action
table not listed here is allowed to a member of the server's project. A cloud with a policy of its own may
allow more; check mode cannot know that, and says which rule it went by.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

ADMIN = ('admin',)
# rule:project_manager_or_admin - the manager role in the server's project, or admin.
MANAGER_OR_ADMIN = ('manager', 'admin')

# (action, when, roles that may, Nova's policy rule). ``when`` names what in the task makes the rule apply:
# None (always), 'host' (the host option is given) or 'locked_by_admin' (an admin of another project
# locked the server: Nova records that as locked_by=admin, which its API does not show; the module reads
# it from the project of the newest lock instance action).
DEFAULT_POLICY = (
    ('shelve_offload', None, ADMIN, 'os_compute_api:os-shelve:shelve_offload'),
    ('unshelve', 'host', ADMIN, 'os_compute_api:os-shelve:unshelve_to_host'),
    ('migrate', None, MANAGER_OR_ADMIN, 'os_compute_api:os-migrate-server:migrate'),
    ('migrate', 'host', ADMIN, 'os_compute_api:os-migrate-server:migrate:host'),
    ('live_migrate', None, MANAGER_OR_ADMIN, 'os_compute_api:os-migrate-server:migrate_live'),
    ('live_migrate', 'host', ADMIN, 'os_compute_api:os-migrate-server:migrate_live:host'),
    ('evacuate', None, ADMIN, 'os_compute_api:os-evacuate'),
    ('reset_state', None, ADMIN, 'os_compute_api:os-admin-actions:reset_state'),
    ('unlock', 'locked_by_admin', ADMIN, 'os_compute_api:os-lock-server:unlock:unlock_override'),
)

ROLE_WORDS = {ADMIN: 'the admin role', MANAGER_OR_ADMIN: 'the manager or admin role'}


def rules_for(action, args=None, facts=None):
    """The rules of DEFAULT_POLICY that apply to ``action`` with these options and facts (pure)."""
    args = args or {}
    facts = facts or {}
    found = []
    for name, when, roles, rule in DEFAULT_POLICY:
        if name != action:
            continue
        if when == 'host' and not args.get('host'):
            continue
        if when == 'locked_by_admin' and not facts.get('locked_by_admin'):
            continue
        found.append((roles, rule))
    return found


def needs_facts(action, server):
    """Whether judging ``action`` needs the lock's project (an unlock of a locked server)."""
    return action == 'unlock' and bool((server or {}).get('is_locked'))


def refusal(action, label, roles, args=None, facts=None):
    """One line when Nova's default policy refuses ``action`` on the server ``label`` to a token with
    ``roles``, else None (pure)."""
    have = set(r.lower() for r in roles or ())
    for allowed, rule in rules_for(action, args, facts):
        if not have & set(allowed):
            return "Not allowed: %s of server %s needs %s under Nova's default policy (%s); this user has %s." % (
                action,
                label,
                ROLE_WORDS[allowed],
                rule,
                ', '.join(sorted(have)) or 'no role',
            )
    return None


def explain_refusal(action, label, roles, answer, args=None, facts=None):
    """For a real run Nova refused with 403: the table's line followed by Nova's answer, or None when the
    table does not explain it (the cloud's own policy refused something the default allows)."""
    line = refusal(action, label, roles, args, facts)
    if line is None:
        return None
    return '%s Nova answered: %s' % (line, answer)
