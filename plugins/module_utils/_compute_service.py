# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the compute_service module - find a host's service, plan, apply."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import dataclasses

from ansible_collections.stackops.compute.plugins.module_utils._errors import ComputeError

# Nova's words for a service's status.
ENABLED = 'enabled'
DISABLED = 'disabled'


@dataclasses.dataclass(frozen=True)
class ServicePlan(object):
    action: str  # enable | disable | none
    before: dict = None
    after: dict = None
    changes: tuple = ()

    @property
    def changed(self):
        return self.action != 'none'


def find_host_service(services, host, binary):
    """The one service of ``binary`` on ``host``; an error that names the hosts there are otherwise."""
    found = [s for s in services if s.get('host') == host]
    if len(found) == 1:
        return found[0]
    if not found:
        hosts = sorted(set(str(s.get('host')) for s in services))
        raise ComputeError(
            'No %s service on host %r; hosts with one: %s.' % (binary, host, ', '.join(hosts) or 'none'),
            hosts=hosts,
        )
    raise ComputeError(
        '%d %s services on host %r (%s): Nova should have one.'
        % (len(found), binary, host, ', '.join(sorted(str(s.get('id')) for s in found)))
    )


def view(service):
    """What a diff compares."""
    return dict((k, service.get(k)) for k in ('host', 'binary', 'status', 'disabled_reason'))


def plan_service(service, enabled=None, reason=None):
    """Enable, disable (or give a disabled service another reason), or nothing."""
    before = view(service)
    after = dict(before)
    if enabled is None:
        if reason is not None:
            raise ComputeError('disabled_reason needs enabled=false.')
        return ServicePlan('none', before, after)
    if enabled:
        if reason is not None:
            raise ComputeError('disabled_reason needs enabled=false.')
        if service.get('status') == ENABLED:
            return ServicePlan('none', before, after)
        after.update(status=ENABLED, disabled_reason=None)
        return ServicePlan(
            'enable', before, after, ('enable the %s service of %s' % (service['binary'], service['host']),)
        )
    if service.get('status') == DISABLED and (reason is None or reason == service.get('disabled_reason')):
        return ServicePlan('none', before, after)
    after.update(status=DISABLED)
    if reason is not None:
        after['disabled_reason'] = reason
    change = 'disable the %s service of %s' % (service['binary'], service['host'])
    if reason is not None:
        change += ' (%s)' % reason
    return ServicePlan('disable', before, after, (change,))


def run_compute_service(module):
    params = module.params
    services = module.cloud.list_compute_services(params['binary'])
    service = find_host_service(services, params['host'], params['binary'])
    plan = plan_service(service, params.get('enabled'), params.get('disabled_reason'))
    result = dict(service)
    if plan.changed and not module.check_mode:
        updated = module.cloud.set_compute_service_status(
            service, plan.action == 'enable', params.get('disabled_reason')
        )
        result = updated or dict(service, **plan.after)
    elif plan.changed:
        result = dict(service, **plan.after)
    return module.result(
        plan.changed,
        diff=dict(before=plan.before, after=plan.after),
        service=result,
        changes=list(plan.changes),
        hosts=sorted(set(str(s.get('host')) for s in services)),
    )
