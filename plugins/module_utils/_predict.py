# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the server Nova leaves behind an action, predicted field by field.

Check mode returns the server a real run would return. ``predict_server`` completes what the action table
says an action changes (status, flavor, lock...) with what Nova's compute service changes besides: the
vm_state and power_state that go with the new status, the host and zone an offload clears. What check mode
cannot know is in one table, ``UNPREDICTABLE``, with the reason (docs/server_action.md prints it): those
fields are null in the prediction (status and addresses keep their most likely value) and are listed in
the result's ``unpredictable``. Comparing a prediction with a real result uses ``comparable``, which
leaves out volatile fields and compares flavors, images and addresses by what they are, not by how
openstacksdk shapes them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Nova's vm_state for each status a server rests in (nova/api/openstack/common.py, _STATE_MAP).
VM_STATES = {
    'ACTIVE': 'active',
    'SHUTOFF': 'stopped',
    'PAUSED': 'paused',
    'SUSPENDED': 'suspended',
    'RESCUE': 'rescued',
    'VERIFY_RESIZE': 'resized',
    'SHELVED': 'shelved',
    'SHELVED_OFFLOADED': 'shelved_offloaded',
    'ERROR': 'error',
    'SOFT_DELETED': 'soft-delete',
    'DELETED': 'deleted',
}
RUNNING = 1
SHUTDOWN = 4
# power_state after an action, where every virt driver agrees: a number, or 'status' for "running when it
# ends ACTIVE, shut down when it ends SHUTOFF". Actions not listed leave it as it is.
POWER_AFTER = {
    'create': RUNNING,
    'start': RUNNING,
    'stop': SHUTDOWN,
    'reboot': RUNNING,
    'unpause': RUNNING,
    'resume': RUNNING,
    'unrescue': RUNNING,
    'shelve': SHUTDOWN,
    'shelve_offload': SHUTDOWN,
    'unshelve': RUNNING,
    'restore': RUNNING,
    'rebuild': 'status',
    'evacuate': 'status',
    'confirm_resize': 'status',
    'revert_resize': 'status',
}
POWER_BY_STATUS = {'ACTIVE': RUNNING, 'SHUTOFF': SHUTDOWN}

# Where a server runs (the first two and host_status show to admins only).
HOST_FIELDS = ('compute_host', 'hypervisor_hostname', 'host_id', 'host_status')
PLACE_FIELDS = HOST_FIELDS + ('availability_zone',)

DRIVER = 'the hypervisor driver decides it (libvirt reports PAUSED or SHUTDOWN, others differ)'
CLOCK = 'Nova sets it to the time the compute service finishes'
SCHEDULER = "Nova's scheduler picks the host (and with it the zone)"
SOURCE = 'the server goes back to the host it came from, which Nova shows to admins only in its migrations'
OLD_FLAVOR = "the flavor before the resize: Nova's API does not show it"
OFFLOAD = (
    'SHELVED, or SHELVED_OFFLOADED with no host on a cloud that offloads at once '
    "(Nova's default shelved_offload_time 0); the cloud's setting does not show"
)
NEUTRON = 'Neutron picks the new fixed address'
NEW = 'Nova gives a new server its ID, its time and its place (the scheduler picks the host) as it makes it'


def _place(why, *extra):
    return dict(dict.fromkeys(PLACE_FIELDS + extra, why))


# The one table of what check mode cannot know: action -> {field: why}. ``unpredictable_fields`` narrows
# it where the task or the server tells more (a move to a named host, a revert after a cold migration).
UNPREDICTABLE = {
    'pause': {'power_state': DRIVER},
    'suspend': {'power_state': DRIVER},
    'rescue': {'power_state': DRIVER, 'launched_at': CLOCK},
    'rebuild': {'launched_at': CLOCK},
    'resize': dict(_place(SCHEDULER), launched_at=CLOCK),
    'revert_resize': dict(_place(SOURCE), flavor=OLD_FLAVOR, launched_at=CLOCK),
    'migrate': dict(_place(SCHEDULER), launched_at=CLOCK),
    'live_migrate': _place(SCHEDULER),
    'evacuate': dict(_place(SCHEDULER), launched_at=CLOCK),
    'unshelve': dict(_place(SCHEDULER), launched_at=CLOCK),
    'shelve': dict(_place(OFFLOAD), status=OFFLOAD, vm_state=OFFLOAD),
    'add_fixed_ip': {'addresses': NEUTRON},
    'create': dict(_place(NEW, 'id', 'launched_at', 'created_at'), addresses=NEUTRON),
}
# Unknown fields that keep their most likely value instead of null: a status is never null, and the
# addresses Nova keeps are known.
MOST_LIKELY = ('status', 'vm_state', 'addresses')


def unpredictable_fields(action, server, args=None, facts=None):
    """{field: why} that check mode cannot know for ``action`` on ``server`` (pure)."""
    args = args or {}
    facts = facts or {}
    fields = dict(UNPREDICTABLE.get(action) or {})
    server = server or {}
    if action in ('migrate', 'live_migrate', 'evacuate', 'unshelve') and args.get('host'):
        fields.pop('compute_host', None)
    if action == 'unshelve':
        if server.get('status') != 'SHELVED_OFFLOADED':
            # Unshelving a server that kept its host starts it there.
            for field in PLACE_FIELDS:
                fields.pop(field, None)
        elif args.get('availability_zone'):
            fields.pop('availability_zone', None)
    if action == 'create' and server.get('availability_zone'):
        fields.pop('availability_zone', None)
    if action == 'revert_resize' and facts.get('moved_by') == 'migrate':
        # A cold migration keeps the flavor: reverting it only moves the server back.
        fields.pop('flavor', None)
    return fields


def predict_server(action, before, after, args=None, facts=None):
    """``after`` (the action table's prediction) completed with what Nova changes besides, and the fields
    check mode cannot know set to null. Returns (server, sorted unknown field names) (pure)."""
    args = args or {}
    after = dict(after)
    status = after.get('status')
    if status != before.get('status') or action == 'reset_state':
        after['vm_state'] = VM_STATES.get(status, after.get('vm_state'))
    power = POWER_AFTER.get(action)
    if power == 'status':
        power = POWER_BY_STATUS.get(status)
    if power is not None:
        after['power_state'] = power
    if action == 'shelve_offload':
        after.update(_offloaded(before))
    if action in ('migrate', 'live_migrate', 'evacuate', 'unshelve') and args.get('host'):
        # The host shows to admins only: a member's prediction hides it as Nova does.
        after['compute_host'] = args['host'] if sees_hosts(before) else None
    if action == 'unshelve' and args.get('availability_zone'):
        after['availability_zone'] = args['availability_zone']
    unknown = unpredictable_fields(action, before, args, facts)
    for field in unknown:
        if field not in MOST_LIKELY:
            after[field] = None
    after['task_state'] = None
    return after, tuple(sorted(unknown))


def predict_steps(start, steps):
    """``start`` taken through ``steps``, [(action, status it ends in)], each predicted as above (the
    server module chains them: create or rebuild, resize and confirm, state actions). Returns (server,
    sorted unknown field names) (pure)."""
    server = dict(start)
    unknown = set()
    for action, status in steps:
        server, fields = predict_server(action, server, dict(server, status=status))
        unknown.update(fields)
    return server, tuple(sorted(unknown))


def sees_hosts(server):
    """Whether the reader of ``server`` sees hosts (an admin): a host, or host_status, which Nova shows to
    admins even when the server has no host (offloaded)."""
    return server.get('compute_host') is not None or server.get('host_status') is not None


def _offloaded(before):
    """What Nova clears when it offloads a shelved server: host, node, zone (shown as empty to whoever saw
    them before)."""
    cleared = dict(compute_host=None, hypervisor_hostname=None, availability_zone='', host_id='')
    if before.get('host_status') is not None:
        cleared['host_status'] = ''
    return cleared


# ------------------------------------------------------------------------------------------------ comparing

# Fields that say how far something got or when; never compared.
VOLATILE = ('updated_at', 'progress', 'links', 'location', 'task_state')
# Fields Nova shows when it reads one server but not in a listing (server_groups, microversion 2.71): a
# prediction made from a server found by name has them null, whatever the action.
NOT_LISTED = ('server_groups',)
# The convenience addresses the modules add to a server, made from its addresses.
CONVENIENCE = ('private_v4', 'private_v6', 'public_v4', 'public_v6', 'interface_ip')
FLAVOR_KEYS = ('original_name', 'vcpus', 'ram', 'disk', 'ephemeral', 'swap')


def comparable(server):
    """A server as a prediction and a real result are compared: volatile fields and those a listing lacks
    out; the flavor by its name and sizes, the image by its ID, addresses as (network, address, type),
    security groups by name."""
    if server is None:
        return None
    out = dict((k, v) for k, v in server.items() if k not in VOLATILE + NOT_LISTED)
    flavor = server.get('flavor')
    if isinstance(flavor, dict):
        view = dict((k, flavor.get(k)) for k in FLAVOR_KEYS)
        view['original_name'] = flavor.get('original_name') or flavor.get('name')
        out['flavor'] = view
    image = server.get('image')
    if isinstance(image, dict):
        out['image'] = image.get('id')
    if isinstance(server.get('addresses'), dict):
        out['addresses'] = sorted(
            (network, entry.get('addr'), entry.get('OS-EXT-IPS:type') or 'fixed')
            for network, entries in server['addresses'].items()
            for entry in entries or ()
        )
    if isinstance(server.get('security_groups'), list):
        out['security_groups'] = sorted(set(g.get('name') for g in server['security_groups'] if g.get('name')))
    return out


def mismatches(predicted, real, unknown=()):
    """Where a prediction and a real result differ, besides the fields in ``unknown``: a list of
    "field: predicted X, real Y" lines (pure)."""
    want = comparable(predicted)
    have = comparable(real)
    if 'addresses' in unknown:
        unknown = tuple(unknown) + CONVENIENCE
    if want is None or have is None:
        return [] if want == have else ['server: predicted %r, real %r' % (want, have)]
    lines = []
    for field in sorted(set(want) | set(have)):
        if field in unknown:
            continue
        if want.get(field) != have.get(field):
            lines.append('%s: predicted %r, real %r' % (field, want.get(field), have.get(field)))
    return lines
