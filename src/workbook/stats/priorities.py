"""Priority setting: the partnership's scanning matrix.

Each candidate issue is marked against the criteria partnerships use to
choose priorities (DOMAIN.md, "Central Bedfordshire scanning matrix" and
"Safer Bucks: how priorities are set"): volume, rate against peers,
predicted direction of travel, harm, performance against target, public
concern, emerging issues, and statutory or national requirements.  Part of
the matrix comes from the data (computed elsewhere and passed in as plain
columns), part from the analyst (the ``priorities:`` block of the area
config).  Every row ends in a recommendation with a reason in words, and an
analyst's override, with its own required reason, is shown beside it.

The ``priorities:`` block of an area config::

    priorities:
      weights:          # points a criterion adds to the score when marked (>= 0; 0 drops it)
        volume: 1
        rate: 1
        increasing: 1
        harm: 1
        target: 1
        public_concern: 1   # high concern scores the full weight, medium half, low none
        emerging: 1
      thresholds:
        volume_top_n: 3     # "high volume": among the N largest candidates ...
        volume_share: 0.10  # ... or at least this share of the candidates' total
        harm_share: 0.10    # "high harm": at least this share of the harm-weighted total
        include_score: 2    # recommend inclusion at or above this score
      statutory: [Domestic abuse]            # always recommended, "national agenda to address"
      public_concern: {Anti-social behaviour: high, Robbery: medium}
      emerging: [Theft from the person]
      overrides:
        - category: Robbery
          decision: include                  # or exclude
          reason: Partnership board decision after the 2023 knife crime review
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbook.config.priorities import CONFIG_KEY, PrioritySettings
from workbook.core.errors import ConfigError, ValueInputError

logger = logging.getLogger(__name__)

RATE_LABELS = ("worse", "similar", "better", "not compared")
TARGET_LABELS = ("met", "on track", "at risk", "off track", "not met")
BEHIND_TARGET = ("at risk", "off track", "not met")
CONCERN_POINTS = {"high": 1.0, "medium": 0.5, "low": 0.0}

_DIRECTION_YES = ("increasing",)
_DIRECTION_NO = ("stable", "decreasing", "no significant change", "no clear change")
_DIRECTION_UNKNOWN = ("unknown", "not known", "cannot be calculated")

REQUIRED_COLUMNS = ("category", "volume", "rate_vs_peers", "direction", "harm_share")

YES, NO, NOT_KNOWN = "yes", "no", "not known"


@dataclass(frozen=True)
class PriorityMatrix:
    """The scanning matrix: marks, score, recommendation, reason, override, decision.

    Attributes
    ----------
    table
        One row per candidate (see :func:`score_priorities` for the columns).
    settings
        The settings it was scored with.
    """

    table: pd.DataFrame
    settings: PrioritySettings

    def to_frame(self) -> pd.DataFrame:
        """The matrix as a new DataFrame, one row per candidate category."""
        return self.table.copy()

    @property
    def included(self) -> list[str]:
        """Categories whose final decision is include, in the candidates' order."""
        return self.table.loc[self.table["decision"] == "include", "category"].tolist()


def _show(value: object) -> str:
    """A value as a message should show it (numpy scalars as plain numbers)."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _labels(values: pd.Series, *, column: str) -> pd.Series:
    """Strip and lower-case a label column, keeping missing values as NA."""
    out = values.astype("object").map(lambda v: v.strip().lower() if isinstance(v, str) else v)
    bad = out.map(lambda v: not (isinstance(v, str) or pd.isna(v)))
    if bad.any():
        raise ValueInputError(f"{column} {values[bad].iloc[0]!r} is not a label; expected text or missing")
    return out.map(lambda v: None if pd.isna(v) else v)


def _check_candidates(candidates: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(candidates, pd.DataFrame):
        raise ValueInputError(f"candidates must be a DataFrame, got {type(candidates).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in candidates.columns]
    if missing:
        raise ValueInputError(
            f"candidates has no column {', '.join(repr(c) for c in missing)}; expected columns "
            f"{', '.join(REQUIRED_COLUMNS)} (and optionally target_status); a value may be missing, "
            "a column may not"
        )
    df = candidates.reset_index(drop=True)
    category = df["category"].astype("object")
    blank = category.map(lambda v: not isinstance(v, str) or not v.strip())
    if blank.any():
        raise ValueInputError(f"candidate category {category[blank].iloc[0]!r}; expected a category name")
    category = category.map(str.strip)
    if category.duplicated().any():
        raise ValueInputError(
            f"candidate category {category[category.duplicated()].iloc[0]!r} appears twice; "
            "expected one row each"
        )

    volume = pd.to_numeric(df["volume"], errors="coerce").astype("float64")
    not_number = volume.isna() & df["volume"].notna()
    if not_number.any():
        i = int(np.flatnonzero(not_number.to_numpy())[0])
        raise ValueInputError(
            f"volume {_show(df['volume'].iloc[i])} for {category.iloc[i]!r}; expected a count >= 0"
        )
    if (volume < 0).any():
        i = int(np.flatnonzero((volume < 0).to_numpy())[0])
        raise ValueInputError(
            f"volume {volume.iloc[i]:g} for {category.iloc[i]!r} is negative; expected a count >= 0"
        )

    harm = pd.to_numeric(df["harm_share"], errors="coerce").astype("float64")
    bad = (harm.isna() & df["harm_share"].notna()) | (harm < 0) | (harm > 1)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueInputError(
            f"harm_share {_show(df['harm_share'].iloc[i])} for {category.iloc[i]!r}; "
            "expected a share from 0 to 1"
        )

    rate = _labels(df["rate_vs_peers"], column="rate_vs_peers")
    bad = rate.notna() & ~rate.isin(RATE_LABELS)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueInputError(
            f"rate_vs_peers {rate.iloc[i]!r} for {category.iloc[i]!r}; "
            f"expected one of {', '.join(RATE_LABELS)}"
        )

    direction = _labels(df["direction"], column="direction")
    known = _DIRECTION_YES + _DIRECTION_NO + _DIRECTION_UNKNOWN
    bad = direction.notna() & ~direction.isin(known)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueInputError(
            f"direction {direction.iloc[i]!r} for {category.iloc[i]!r}; expected increasing, no clear change, stable, "
            "decreasing, no significant change, or unknown"
        )

    if "target_status" in df.columns:
        target = _labels(df["target_status"], column="target_status")
        bad = target.notna() & ~target.isin(TARGET_LABELS)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueInputError(
                f"target_status {target.iloc[i]!r} for {category.iloc[i]!r}; expected one of "
                f"{', '.join(TARGET_LABELS)} or missing (no target)"
            )
    else:
        target = pd.Series([None] * len(df), dtype="object")

    return pd.DataFrame(
        {
            "category": category,
            "volume": volume,
            "rate_vs_peers": rate,
            "direction": direction,
            "harm_share": harm,
            "target_status": target,
        }
    )


def _check_settings_categories(settings: PrioritySettings, categories: set[str]) -> None:
    """Every category the settings name must be a candidate (a typo would silently drop a duty)."""
    path = settings._path
    known = ", ".join(sorted(categories))
    named: list[tuple[str, str]] = [(f"statutory.{i}", c) for i, c in enumerate(settings.statutory)]
    named += [(f"public_concern.{c}", c) for c in settings.public_concern]
    named += [(f"emerging.{i}", c) for i, c in enumerate(settings.emerging)]
    named += [(f"overrides.{i}.category", ov.category) for i, ov in enumerate(settings.overrides)]
    for key, cat in named:
        if cat not in categories:
            raise ConfigError(
                f"{cat!r} is not one of the candidate categories ({known}); check the spelling, or add a "
                "candidate row for it (its data columns may be left empty)",
                path=path,
                key=f"{CONFIG_KEY}.{key}",
            )


def _mark(flag: bool | None) -> str:
    return NOT_KNOWN if flag is None else (YES if flag else NO)


def _reason(row: dict[str, Any], *, settings: PrioritySettings, score: float, include: bool) -> str:
    w = settings.weights
    positives: list[str] = []
    if w.volume > 0 and row["high_volume"] == YES:
        positives.append("high volume")
    if w.rate > 0 and row["rate_worse"] == YES:
        positives.append("rate worse than peers")
    if w.increasing > 0 and row["increasing"] == YES:
        positives.append("increasing")
    if w.harm > 0 and row["high_harm"] == YES:
        positives.append("high harm")
    if w.target > 0 and row["behind_target"] == YES:
        positives.append(f"target {row['target_status']}")
    if w.public_concern > 0 and row["public_concern"] in ("high", "medium"):
        positives.append(f"{row['public_concern']} public concern")
    if w.emerging > 0 and row["emerging"] == YES:
        positives.append("emerging issue")

    if row["statutory"] == YES:
        return "national agenda to address" + (f"; {_join(positives)}" if positives else "")
    threshold = settings.thresholds.include_score
    if include:
        return _join(positives) if positives else f"score {score:g} reaches the threshold of {threshold:g}"

    negatives: list[str] = []
    if w.volume > 0 and row["high_volume"] == NO:
        negatives.append("low numbers")
    if w.increasing > 0:
        if row["increasing"] == NO:
            negatives.append("not increasing")
        elif row["increasing"] == NOT_KNOWN and row["high_volume"] != NOT_KNOWN:
            negatives.append("direction of travel not known")
    if w.harm > 0 and row["high_harm"] == NO:
        negatives.append("low harm")
    if row["high_volume"] == NOT_KNOWN:
        return f"{_join(positives)}, but no data to support it" if positives else "no data to support it"
    if positives and negatives:
        return f"{_join(positives)}, although {_join(negatives)}"
    if negatives:
        return _join(negatives)
    below = f"score {score:g} is below the threshold of {threshold:g}"
    return f"{_join(positives)}, but {below}" if positives else below


def score_priorities(candidates: pd.DataFrame, *, settings: PrioritySettings) -> PriorityMatrix:
    """Score candidate issues on the scanning matrix and recommend include or exclude.

    Marks (``"yes"``/``"no"``/``"not known"``): high volume (among the
    ``volume_top_n`` largest or at least ``volume_share`` of the candidates'
    total), rate worse than peers, increasing, high harm (``harm_share`` at
    least the threshold), behind target (at risk, off track or not met;
    ``"no target"`` when there is none), public concern (high, medium, low or
    not known), emerging, statutory.  The score adds each marked criterion's
    weight (public concern: full weight for high, half for medium).  A
    statutory requirement is always recommended ("national agenda to
    address"); otherwise a score at or above ``include_score`` is.  The
    decision is the override where there is one, else the recommendation.

    Parameters
    ----------
    candidates
        One row per candidate category with columns ``category``,
        ``volume`` (count in the period), ``rate_vs_peers`` (worse, similar,
        better, not compared), ``direction`` (increasing, stable,
        decreasing, no significant change, unknown), ``harm_share`` (0 to 1)
        and optionally ``target_status`` (met, on track, at risk, off track,
        not met).  Values may be missing (not known); a candidate with no
        volume is one the data cannot support.
    settings
        From :func:`load_priority_settings`.

    Returns
    -------
    PriorityMatrix
        ``.to_frame()`` columns: category, volume, volume_share, high_volume,
        rate_vs_peers, rate_worse, direction, increasing, harm_share,
        high_harm, target_status, behind_target, public_concern, statutory,
        emerging, score, recommendation, reason, override, override_reason,
        decision.

    Raises
    ------
    ValueInputError
        A missing column, a repeated category, a negative volume, a share
        outside 0 to 1, or an unknown label (each named).
    ConfigError
        The settings name a category (statutory, public concern, emerging or
        an override) that is not a candidate, naming the key.

    Examples
    --------
    >>> from workbook.config.priorities import load_priority_settings
    >>> cands = pd.DataFrame({
    ...     "category": ["Serious acquisitive crime", "Robbery", "Domestic abuse"],
    ...     "volume": [2876, 301, 40],
    ...     "rate_vs_peers": ["worse", "similar", "not compared"],
    ...     "direction": ["increasing", "stable", "stable"],
    ...     "harm_share": [0.5, 0.05, None]})
    >>> s = load_priority_settings({"statutory": ["Domestic abuse"], "thresholds": {"volume_top_n": 1}})
    >>> m = score_priorities(cands, settings=s)
    >>> for row in m.to_frame()[["category", "score", "decision", "reason"]].itertuples(index=False):
    ...     print(*row, sep=" | ")
    Serious acquisitive crime | 4.0 | include | high volume, rate worse than peers, increasing and high harm
    Robbery | 0.0 | exclude | low numbers, not increasing and low harm
    Domestic abuse | 0.0 | include | national agenda to address
    """
    if not isinstance(settings, PrioritySettings):
        raise ValueInputError(
            f"settings must be PrioritySettings (from load_priority_settings), got {type(settings).__name__}"
        )
    df = _check_candidates(candidates)
    _check_settings_categories(settings, set(df["category"]))
    w, t = settings.weights, settings.thresholds

    total = df["volume"].sum(min_count=1)
    share = df["volume"] / total if pd.notna(total) and total > 0 else pd.Series(np.nan, index=df.index)
    rank = df["volume"].rank(method="min", ascending=False)

    overrides = {ov.category: ov for ov in settings.overrides}
    statutory = set(settings.statutory)
    emerging = set(settings.emerging)
    rows: list[dict[str, Any]] = []
    for i, r in df.iterrows():
        cat = r["category"]
        vol = r["volume"]
        high_volume = None if pd.isna(vol) else bool(
            vol > 0 and (rank[i] <= t.volume_top_n or share[i] >= t.volume_share)
        )
        rate = None if pd.isna(r["rate_vs_peers"]) else r["rate_vs_peers"]
        rate_worse = None if rate is None or rate == "not compared" else rate == "worse"
        direction = None if pd.isna(r["direction"]) else r["direction"]
        increasing = (
            None if direction is None or direction in _DIRECTION_UNKNOWN else direction in _DIRECTION_YES
        )
        harm = r["harm_share"]
        high_harm = None if pd.isna(harm) else bool(harm >= t.harm_share)
        status = None if pd.isna(r["target_status"]) else r["target_status"]
        concern = settings.public_concern.get(cat, NOT_KNOWN)
        row: dict[str, Any] = {
            "category": cat,
            "volume": vol,
            "volume_share": share[i],
            "high_volume": _mark(high_volume),
            "rate_vs_peers": rate,
            "rate_worse": _mark(rate_worse),
            "direction": direction,
            "increasing": _mark(increasing),
            "harm_share": harm,
            "high_harm": _mark(high_harm),
            "target_status": status,
            "behind_target": "no target" if status is None else (YES if status in BEHIND_TARGET else NO),
            "public_concern": concern,
            "statutory": YES if cat in statutory else NO,
            "emerging": YES if cat in emerging else NO,
        }
        score = (
            w.volume * (row["high_volume"] == YES)
            + w.rate * (row["rate_worse"] == YES)
            + w.increasing * (row["increasing"] == YES)
            + w.harm * (row["high_harm"] == YES)
            + w.target * (row["behind_target"] == YES)
            + w.public_concern * CONCERN_POINTS.get(concern, 0.0)
            + w.emerging * (row["emerging"] == YES)
        )
        include = row["statutory"] == YES or score >= t.include_score
        row["score"] = float(score)
        row["recommendation"] = "include" if include else "exclude"
        row["reason"] = _reason(row, settings=settings, score=float(score), include=include)
        ov = overrides.get(cat)
        row["override"] = None if ov is None else ov.decision
        row["override_reason"] = None if ov is None else ov.reason
        row["decision"] = row["recommendation"] if ov is None else ov.decision
        if ov is not None and ov.decision != row["recommendation"]:
            logger.info("%s: matrix recommends %s, overridden to %s (%s)", cat, row["recommendation"],
                        ov.decision, ov.reason)
        rows.append(row)

    table = pd.DataFrame(rows)
    table["volume"] = table["volume"].astype("float64")
    table["volume_share"] = table["volume_share"].astype("float64")
    table["harm_share"] = table["harm_share"].astype("float64")
    return PriorityMatrix(table=table, settings=settings)
