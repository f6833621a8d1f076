# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to stackops.compute: the one error type helpers raise."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ComputeError(Exception):
    """A failure a person can act on: one line in ``msg``, structured facts in ``details``."""

    def __init__(self, msg, **details):
        super(ComputeError, self).__init__(msg)
        self.msg = msg
        self.details = details
