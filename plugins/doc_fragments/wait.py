# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
options:
  wait:
    description:
      - Whether to wait until the change has really happened before returning.
      - Polling starts at a fraction of a second and backs off to a few seconds, so fast clouds return fast.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait when O(wait=true). On timeout the task fails and names the last status it saw.
    type: int
    default: 600
'''
