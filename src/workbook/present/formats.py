"""Number and Markdown formatting used in every sentence and table."""

from __future__ import annotations

import html
import math
import re

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


def md_text(text: object) -> str:
    """Text from data or config made safe inside Markdown: HTML escaped (so a
    name like ``<script>`` shows as text) and Markdown punctuation escaped.

    Examples
    --------
    >>> md_text("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> print(md_text("A*B_C"))
    A\\*B\\_C
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def markdown_list(sentences) -> str:  # noqa: ANN001 - Iterable[str]
    """A bulleted Markdown list of sentences, each escaped with :func:`md_text`.

    Examples
    --------
    >>> print(markdown_list(["One <b>.", "Two."]))
    - One &lt;b&gt;.
    - Two.
    """
    return "\n".join(f"- {md_text(s)}" for s in sentences)


def format_count(n: float) -> str:
    """A count with thousands separators.

    Examples
    --------
    >>> format_count(2752), format_count(-166), format_count(float("nan"))
    ('2,752', '-166', 'n/a')
    """
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "n/a"
    return f"{int(round(n)):,}"


def format_pct(p: float, *, signed: bool = False, decimals: int = 0) -> str:
    """A percentage rounded to whole per cent (as plans publish them).

    Examples
    --------
    >>> format_pct(1.96), format_pct(-20.04, signed=True), format_pct(float("nan"))
    ('2%', '-20%', 'n/a')
    >>> format_pct(0.0, signed=True)
    '0%'
    """
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "n/a"
    if math.isinf(p):
        return "n/a (no base)"
    value = round(p, decimals)
    if value == 0:
        value = 0.0
    text = f"{abs(value):,.{decimals}f}%"
    if signed and value > 0:
        return f"+{text}"
    if value < 0:
        return f"-{text}"
    return text


def format_signed(n: float) -> str:
    """A difference with its sign: ``+98``, ``-166``, ``0``.

    Examples
    --------
    >>> format_signed(98), format_signed(-166), format_signed(0)
    ('+98', '-166', '0')
    """
    n = int(round(n))
    return f"+{n:,}" if n > 0 else f"{n:,}"


def join_words(items) -> str:  # noqa: ANN001
    """``a, b and c``.

    Examples
    --------
    >>> join_words(["a"]), join_words(["a", "b", "c"])
    ('a', 'a, b and c')
    """
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def headline_figures(ytd, *, area: str, span: str) -> str:  # noqa: ANN001 - a compare_periods table
    """The report's headline counts as plain text, one line each, for notebook tests to check
    (nbval ``# NBVAL_CHECK_OUTPUT``): all crime, then each group, this year to date and a year earlier.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"category": ["Robbery", "All crime"], "previous": [10, 30], "current": [12, 33]})
    >>> print(headline_figures(t, area="Lambeth", span="April to November 2023"))
    Lambeth, April to November 2023 (a year earlier)
    All crime: 33 (30)
    Robbery: 12 (10)
    """
    rows = ytd.set_index("category")
    order = ["All crime", *[c for c in rows.index if c != "All crime"]]
    lines = [f"{area}, {span} (a year earlier)"]
    lines += [f"{c}: {format_count(int(rows.loc[c, 'current']))} ({format_count(int(rows.loc[c, 'previous']))})"
              for c in order if c in rows.index]
    return "\n".join(lines)
