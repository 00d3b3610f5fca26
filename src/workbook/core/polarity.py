"""Which direction is good for an indicator: the polarity vocabulary and each category's default."""

from __future__ import annotations

from typing import Literal

from workbook.core.errors import ValueInputError

# Polarity of each common category for judging changes and comparisons.
# Drugs and possession of weapons offences are mostly found by police
# activity, so more recorded can mean more enforcement, not more harm: no
# judgement (as Fingertips treats indicators where more reporting can be good).
NO_JUDGEMENT_CATEGORIES = frozenset({"Drugs", "Possession of weapons"})


def category_polarity(category: str) -> str:
    """``"lower_is_better"`` for most crime; ``"no_judgement"`` where recording follows enforcement.

    Examples
    --------
    >>> category_polarity("Burglary"), category_polarity("Drugs")
    ('lower_is_better', 'no_judgement')
    """
    return "no_judgement" if category in NO_JUDGEMENT_CATEGORIES else "lower_is_better"

Polarity = Literal["lower_is_better", "higher_is_better", "no_judgement"]
POLARITIES: tuple[str, ...] = ("lower_is_better", "higher_is_better", "no_judgement")


def check_polarity(polarity: str) -> str:
    """Return ``polarity`` if it is one of :data:`POLARITIES`, else raise.

    Examples
    --------
    >>> check_polarity("lower_is_better")
    'lower_is_better'
    """
    if polarity not in POLARITIES:
        raise ValueInputError(f"polarity must be one of {', '.join(POLARITIES)}; got {polarity!r}")
    return polarity
