"""Fixtures shared by unit tests in more than one package."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.helpers.priorities import frame


@pytest.fixture
def central_beds() -> pd.DataFrame:
    # volumes: total 6878 + 493 + 350 + 300 + 3000 = 11,021 (hate crime has no data)
    return frame(
        [
            ("Serious acquisitive crime", 6878, "worse", "increasing", None),
            ("Robbery", 493, "similar", "stable", None),
            ("Wounding", 350, "similar", "increasing", None),
            ("Domestic abuse", 300, "not compared", "stable", None),
            ("Hate crime", None, None, None, None),
            ("Criminal damage", 3000, "similar", "decreasing", None),
        ]
    )
