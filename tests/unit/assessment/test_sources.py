"""An area from several downloads: the Met's historical borough file plus a newer "most recent
24 months" file in the newer layout (built here from the shipped file the way the Met's files
change: Group/SubGroup/BOCU columns, revised recent months, Action Fraud rows)."""

from __future__ import annotations

import csv

import pytest

from tests.conftest import MPS_FILE
from workbook.assessment.analyse import analyse_assessment
from workbook.assessment.prepare import prepare_assessment

REVISED_MONTH, REVISED_BY = "202310", 5


@pytest.fixture(scope="module")
def newer_file(tmp_path_factory):
    with open(MPS_FILE, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    months = [c for c in header[3:]][-24:]  # the last 24 months
    keep = [0, 1, 2, *[header.index(m) for m in months]]
    out = [["Group", "SubGroup", "BOCU", *months]]
    revised = False
    for r in rows[1:]:
        new = [r[i] for i in keep]
        if r[2] == "Lambeth" and r[1] == "STALKING AND HARASSMENT" and not revised:
            j = 3 + months.index(REVISED_MONTH)
            new[j] = str(int(new[j] or 0) + REVISED_BY)
            revised = True
        out.append(new)
    out.append(["NFIB FRAUD", "NFIB", "Lambeth", *["4"] * len(months)])  # Action Fraud: outside All crime
    path = tmp_path_factory.mktemp("mps") / "MPS_Borough_Level_Crime_most_recent_24_months.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(out)
    assert revised
    return path


def test_historical_plus_newer_layout_lists_revisions_and_keeps_all_crime(newer_file):
    a = prepare_assessment("lambeth", period="2023-11", data_path=[MPS_FILE, newer_file])
    whole = prepare_assessment("lambeth", period="2023-11")
    assert [p.name for p in a.data_paths] == ["MPS_Borough_Level_Crime_Historical.csv", newer_file.name]
    rev = a.revisions
    assert len(rev) == 1
    assert rev.loc[0, "month"].strftime("%Y%m") == REVISED_MONTH and rev.loc[0, "difference"] == REVISED_BY
    assert rev.loc[0, "category"] == "Violence and sexual offences"  # harassment is violence against the person
    r, base = analyse_assessment(a), analyse_assessment(whole)
    all_now = r.ytd.set_index("category").loc["All crime", "current"]
    all_before = base.ytd.set_index("category").loc["All crime", "current"]
    assert all_now == all_before + REVISED_BY  # the revision counts; the 8 months x 4 NFIB records do not
    fraud = r.ytd.set_index("category").loc["Fraud (Action Fraud, NFIB)", "current"]
    assert fraud == 8 * 4  # its own line
    assert r.peers.rates.set_index("category").loc["All crime", "count"] == \
        base.peers.rates.set_index("category").loc["All crime", "count"] + REVISED_BY
