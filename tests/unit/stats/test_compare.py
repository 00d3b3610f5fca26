"""Period comparison reproduces the Safer Bucks Plan 2014/15 tables (DOMAIN.md)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from statsmodels.stats.rates import test_poisson_2indep as sm_test

from workbook.core.errors import ValueInputError
from workbook.stats.compare import add_change_columns, assess_change, pct_change


def test_total_bucks_violence_is_not_significant_and_burglary_is():
    # 2,699 -> 2,752 is well within chance; 1,108 -> 886 is not.
    assert assess_change(2699, 2752)[3] > 0.05
    assert assess_change(1108, 886)[3] < 0.001


def test_test_agrees_with_statsmodels():
    for prev, cur in [(2699, 2752), (1108, 886), (3, 9), (50, 50)]:
        ours = assess_change(prev, cur)[3]
        theirs = sm_test(cur, 1.0, prev, 1.0, method="exact-cond").pvalue
        assert ours == pytest.approx(theirs)


def test_zero_base_and_zero_zero():
    assert math.isnan(pct_change(0, 4))
    t = add_change_columns(pd.DataFrame({"previous": [0, 0], "current": [4, 0]}))
    assert t["difference"].tolist() == [4, 0]
    assert t["pct_change"].isna().all()
    assert not t["significant"].iloc[1]


def test_negative_counts_are_refused():
    with pytest.raises(ValueInputError, match="counts must be >= 0"):
        pct_change(-1, 3)
