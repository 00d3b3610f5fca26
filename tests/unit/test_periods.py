from __future__ import annotations

import pandas as pd
import pytest

from workbook.core.errors import PeriodError
from workbook.core.periods import check_window_in_data, financial_quarter, financial_year_label, parse_month, rolling_12_months, ytd_comparison


def test_ytd_across_the_new_year():
    p = ytd_comparison(parse_month("2024-02"))
    assert (p.current.start, p.current.end) == (pd.Timestamp("2023-04-01"), pd.Timestamp("2024-02-01"))
    assert (p.previous.start, p.previous.end) == (pd.Timestamp("2022-04-01"), pd.Timestamp("2023-02-01"))
    assert p.current.n_months == 11 and p.financial_year == "2023/24"


def test_april_is_a_one_month_year_to_date():
    p = ytd_comparison(parse_month("2023-04"))
    assert p.current.n_months == 1 and p.current.label == "April 2023"


def test_rolling_and_quarters():
    assert rolling_12_months(parse_month("2023-03")).start == pd.Timestamp("2022-04-01")
    assert financial_quarter(parse_month("2023-05")).label == "April to June 2023"
    assert financial_year_label(parse_month("2023-03")) == "2022/23"


@pytest.mark.parametrize("bad", ["2023-00", "23-11", "November 2023", "2023/11", ""])
def test_malformed_months(bad):
    with pytest.raises(PeriodError, match="expected YYYY-MM"):
        parse_month(bad)


def test_period_outside_the_data_is_an_error_not_empty():
    months = pd.date_range("2017-01-01", "2020-12-01", freq="MS")
    with pytest.raises(PeriodError, match="needs 2016-04"):
        check_window_in_data(ytd_comparison(parse_month("2017-11")).previous, months)
    with pytest.raises(PeriodError, match="needs 2021-01"):
        check_window_in_data(ytd_comparison(parse_month("2021-01")).current, months)
