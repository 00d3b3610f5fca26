"""Tests for workbook.stats.benchmark, with values worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbook.core.errors import ValueInputError
from workbook.stats.peer_groups import build_peer_group, peer_group_from_config

# --- peer groups -----------------------------------------------------------------------------


def _three_areas():
    # density mean 2, sd 1 -> z = -1, 0, 1.
    # imd mean 20, sd sqrt((100 + 100 + 400)/2) = sqrt(300) -> z = -1/sqrt3, -1/sqrt3, 2/sqrt3.
    return pd.DataFrame(
        {"density": [1.0, 2.0, 3.0], "imd": [10.0, 10.0, 40.0], "name": ["Aa", "Bb", "Cc"]},
        index=["A", "B", "C"],
    )


def test_peer_distances_by_hand():
    f = _three_areas()
    before = f.copy()
    g = build_peer_group(f, area="A", k=2, columns=["density", "imd"])
    pd.testing.assert_frame_equal(f, before)
    # A-B: sqrt(1^2 + 0^2) = 1; A-C: sqrt(2^2 + (3/sqrt3)^2) = sqrt(4 + 3) = sqrt 7.
    assert g.peers == ("B", "C")
    assert g.to_frame()["distance"].tolist() == pytest.approx([1.0, math.sqrt(7)])
    assert g.to_frame()["rank"].tolist() == [1, 2]
    # From C: C-B = sqrt(1 + 3) = 2, C-A = sqrt 7.
    c = build_peer_group(f, area="C", k=1, columns=["density", "imd"])
    assert c.peers == ("B",)
    assert c.to_frame()["distance"].item() == pytest.approx(2.0)


def test_peer_group_says_it_is_not_the_home_office_msg():
    g = build_peer_group(_three_areas(), area="A", k=1, columns=["density", "imd"])
    assert g.method == "nearest neighbours"
    assert "not the Home Office's Most Similar Group" in g.note
    assert g.columns == ("density", "imd")


def test_peer_group_ties_broken_by_area_code():
    f = pd.DataFrame({"v": [0.0, 1.0, -1.0]}, index=["M", "Z", "B"])
    assert build_peer_group(f, area="M", k=2).peers == ("B", "Z")


def test_peer_group_errors():
    f = _three_areas()
    with pytest.raises(ValueInputError, match="same value for every area"):
        build_peer_group(f.assign(flat=5.0), area="A", k=1, columns=["density", "flat"])
    with pytest.raises(ValueInputError, match="area 'B', column 'imd' is missing"):
        build_peer_group(f.assign(imd=[10.0, np.nan, 40.0]), area="A", k=1, columns=["density", "imd"])
    with pytest.raises(ValueInputError, match="k must be a whole number from 1 to 2"):
        build_peer_group(f, area="A", k=3, columns=["density", "imd"])
    with pytest.raises(ValueInputError, match="'Q' is not in the features index"):
        build_peer_group(f, area="Q", k=1, columns=["density"])
    with pytest.raises(ValueInputError, match="column 'name' is missing or not a number"):
        build_peer_group(f, area="A", k=1)


def test_peer_group_from_config():
    g = peer_group_from_config("E06000060", ["E06000055", "E06000056"])
    assert g.peers == ("E06000055", "E06000056")
    assert g.to_frame()["distance"].isna().all()
    with pytest.raises(ValueInputError, match="includes the area itself"):
        peer_group_from_config("A", ["A", "B"])
    with pytest.raises(ValueInputError, match="more than once"):
        peer_group_from_config("A", ["B", "B"])
