"""Tests for workbook.forecast.methods: small synthetic series (fixed seeds) whose answers can be worked by hand."""

from __future__ import annotations

import numpy as np

from workbook.forecast.intervals import _conformal_halfwidth

# --- Intervals ------------------------------------------------------------------------------------


def test_conformal_halfwidth_rank():
    e = np.arange(1, 20) * np.where(np.arange(19) % 2, 1, -1)  # |e| = 1 .. 19, n = 19
    # 95%: ceil(20 x 0.95) = 19th smallest = 19; 80%: ceil(20 x 0.8) = 16th = 16
    assert _conformal_halfwidth(e, 95) == 19
    assert _conformal_halfwidth(e, 80) == 16
    # too few errors for the rank: clamped to the largest
    assert _conformal_halfwidth(np.array([1.0, -3.0, 2.0]), 95) == 3
