# -*- coding: utf-8 -*-
# Copyright: stackops.compute contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only filter: where check mode's predicted server and the real result differ.

``step_check.server | prediction_mismatches(step_real.server, step_check.unpredictable)`` is a list of
"field: predicted X, real Y" lines, empty when the prediction was right on every field but the ones check
mode says it cannot know. The comparison is the collection's own (``_predict.mismatches``): volatile
fields left out, flavors, images and addresses compared by what they are.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.stackops.compute.plugins.module_utils._predict import mismatches


def prediction_mismatches(predicted, real, unpredictable=None):
    return mismatches(predicted, real, tuple(unpredictable or ()))


class FilterModule(object):
    def filters(self):
        return {'prediction_mismatches': prediction_mismatches}
