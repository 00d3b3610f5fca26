"""Sentences built from hand-made results: wording follows direction, size and significance."""

from __future__ import annotations

from workbook.present.sentences import describe_change

SPAN = "April and November 2023"


def test_increase_significant():
    s = describe_change(category="Robbery", previous=100, current=150, span=SPAN, significant=True)
    assert s == ("Between April and November 2023 there were 150 robbery offences, an increase of 50% (50 more) "
                 "on the same period last year.")


def test_decrease_not_significant_says_so():
    s = describe_change(category="Burglary", previous=1523, current=1495, span=SPAN, significant=False)
    assert "a decrease of 2% (28 fewer)" in s and s.endswith("a change this size is within normal variation.")


def test_no_change_and_zero_base_and_both_zero():
    assert "the same number as in the same period last year" in describe_change(
        category="Robbery", previous=7, current=7, span=SPAN)
    assert describe_change(category="Robbery", previous=0, current=3, span=SPAN).endswith(
        "compared with none in the same period last year.")
    assert describe_change(category="Robbery", previous=0, current=0, span=SPAN) == (
        "Between April and November 2023 there were no robbery offences, as in the same period last year.")


def test_tiny_change_is_less_than_one_percent_and_one_is_singular():
    s = describe_change(category="Public order", previous=1633, current=1641, span=SPAN, significant=False)
    assert "an increase of less than 1% (8 more)" in s
    assert describe_change(category="Robbery", previous=2, current=1, span=SPAN).startswith(
        "Between April and November 2023 there was 1 robbery offence, a decrease of 50% (1 fewer)")
    assert describe_change(category="Anti-social behaviour", previous=0, current=1, span=SPAN).startswith(
        "Between April and November 2023 there was 1 anti-social behaviour incident,")


def test_safer_bucks_sentence():
    s = describe_change(category="Violence against the person", previous=2699, current=2752,
                        span="April and December", significant=None)
    assert s == ("Between April and December there were 2,752 violence against the person offences, "
                 "an increase of 2% (53 more) on the same period last year.")
