"""What counts as crime: incidents and other records kept apart from crime totals.

police.uk's "Anti-social behaviour" rows are incidents, not crimes: published
plans report ASB on its own ("ASB fell 35%, 4,372 fewer incidents") and never
inside "All crime".  Every crime total, rate, chart, forecast, peer comparison
and hotspot uses the crime rows only; the incidents get their own chapter.
"""

from __future__ import annotations

import pandas as pd

from workbook.core.categories import ANTI_SOCIAL_BEHAVIOUR

INCIDENT_CATEGORIES: tuple[str, ...] = (ANTI_SOCIAL_BEHAVIOUR,)
"""Categories counted as incidents, outside every crime total."""


def split_incidents(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a canonical table into crimes and incidents (ASB), each with a fresh index.

    Examples
    --------
    >>> d = pd.DataFrame({"category": ["Robbery", "Anti-social behaviour", "Burglary"], "count": [2, 5, 1]})
    >>> crime, incidents = split_incidents(d)
    >>> int(crime["count"].sum()), incidents["category"].tolist()
    (3, ['Anti-social behaviour'])
    """
    is_incident = data["category"].isin(INCIDENT_CATEGORIES)
    return data[~is_incident].reset_index(drop=True), data[is_incident].reset_index(drop=True)
