"""Year to date by ward: the councillors' unit.

Each record is placed in a 2024 electoral ward by its LSOA code, through the
ONS "LSOA (2021) to Electoral Ward (2024) to LAD (2024)" best-fit lookup
(:func:`workbook.data.lookups.assign_wards`).  Every ward of the
partnership's districts is listed, with none left out for having no crime;
records that cannot be placed in one of them get a row of their own (no
location, an LSOA in another district, an LSOA code the 2021 lookup does not
hold), so the rows add up to the partnership's total.  Crime and
anti-social behaviour incidents are counted apart, as everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbook.assessment.prepare import Assessment
from workbook.core.periods import Window
from workbook.data.lookups import assign_wards, load_lsoa_lookup
from workbook.stats.compare import add_change_columns

TOTAL = "Total"
NO_LOCATION_ROW = "No location"
OUTSIDE_ROW = "Outside the partnership's districts"
UNKNOWN_ROW = "LSOA not in the 2021 ward lookup"
SPECIAL_ROWS = (NO_LOCATION_ROW, OUTSIDE_ROW, UNKNOWN_ROW)


@dataclass(frozen=True)
class WardBreakdown:
    """Crime and ASB incidents by ward, this year to date against the same months last year."""

    crime: pd.DataFrame
    """``ward, ward_code, district, previous, current, difference, pct_change, ...``; a ``Total`` row last."""
    incidents: pd.DataFrame | None
    """The same for ASB incidents, or None where the data hold none."""
    n_wards: int


def list_partnership_wards(area_codes: list[str]) -> pd.DataFrame:
    """Every 2024 ward of the given districts: ``ward_code, ward_name, district``, by code.

    Examples
    --------
    >>> w = list_partnership_wards(["E06000056"])
    >>> len(w), w["district"].unique().tolist()
    (31, ['Central Bedfordshire'])
    """
    lk = load_lsoa_lookup()
    lk = lk[lk["LAD24CD"].isin(area_codes)].drop_duplicates("WD24CD").sort_values("WD24CD")
    return pd.DataFrame(
        {"ward_code": lk["WD24CD"].to_numpy(), "ward_name": lk["WD24NM"].to_numpy(), "district": lk["LAD24NM"].to_numpy()}
    )


def assign_partnership_wards(data: pd.DataFrame, *, area_codes: list[str]) -> pd.DataFrame:
    """``data`` with the ward each record lies in (``ward_code, ward_name, district``).

    Records outside the given districts, without a location or with an LSOA
    code the lookup lacks get one of :data:`SPECIAL_ROWS` as their ward name
    (and a blank code), so no record is lost.

    Examples
    --------
    >>> d = pd.DataFrame({"lsoa_code": ["E01017439", "E01015792", None, "E01099999"], "count": [1, 2, 3, 4]})
    >>> assign_partnership_wards(d, area_codes=["E06000056"])["ward_name"].tolist()
    ['Shefford', "Outside the partnership's districts", 'No location', 'LSOA not in the 2021 ward lookup']
    """
    codes = data["lsoa_code"].astype("string").str.strip()
    w = assign_wards(codes)
    no_location = codes.isna() | (codes == "")
    unknown = ~no_location & w["ward_code"].isna()
    outside = ~no_location & ~unknown & ~w["district_code"].isin(area_codes)
    ward_code = w["ward_code"].astype("string")
    ward_name = w["ward_name"].astype("string")
    district = w["district_name"].astype("string")
    for mask, label in ((no_location, NO_LOCATION_ROW), (unknown, UNKNOWN_ROW), (outside, OUTSIDE_ROW)):
        ward_code = ward_code.mask(mask, "")
        ward_name = ward_name.mask(mask, label)
        district = district.mask(mask, "")
    return data.assign(ward_code=ward_code.to_numpy(), ward_name=ward_name.to_numpy(), district=district.to_numpy())


def compare_by_ward(data: pd.DataFrame, *, area_codes: list[str], current: Window, previous: Window) -> pd.DataFrame:
    """Counts in two windows for every ward of the districts, with a row for records placed in none, and a total.

    Rows are ordered by this year's count (largest first, then by name),
    the special rows after the wards, ``Total`` last; each has the
    difference, % change and the Poisson test of
    :func:`workbook.stats.compare.add_change_columns`.  ``ward`` is the name
    shown: the ward's, with its district where two wards share a name.

    Examples
    --------
    >>> w = lambda y: Window(pd.Timestamp(y, 4, 1), pd.Timestamp(y, 4, 1))
    >>> d = pd.DataFrame({"month": pd.to_datetime(["2022-04-01", "2023-04-01", "2023-04-01"]),
    ...                   "lsoa_code": ["E01017439", "E01017439", None], "count": [5, 7, 2]})
    >>> t = compare_by_ward(d, area_codes=["E06000056"], current=w(2023), previous=w(2022))
    >>> t.loc[t["ward"].isin(["Shefford", "No location", "Total"]), ["ward", "previous", "current"]].values.tolist()
    [['Shefford', 5, 7], ['No location', 0, 2], ['Total', 5, 9]]
    >>> len(t)  # 31 wards, the no-location row and the total
    33
    """
    placed = assign_partnership_wards(data, area_codes=area_codes)

    def window_sum(win: Window) -> pd.Series:
        rows = placed[(placed["month"] >= win.start) & (placed["month"] <= win.end)]
        return rows.groupby(["ward_code", "ward_name", "district"], dropna=False)["count"].sum()

    cur, prev = window_sum(current), window_sum(previous)
    wards = list_partnership_wards(area_codes).set_index(["ward_code", "ward_name", "district"]).index
    special = cur.index.union(prev.index).difference(wards)
    idx = wards.append(special)
    table = pd.DataFrame(
        {"previous": prev.reindex(idx, fill_value=0), "current": cur.reindex(idx, fill_value=0)}
    ).astype("int64").reset_index()
    table["is_ward"] = table["ward_code"] != ""
    table = table.sort_values(["is_ward", "current", "ward_name"], ascending=[False, False, True], kind="stable")
    repeated = table["is_ward"] & table["ward_name"].duplicated(keep=False)
    table["ward"] = table["ward_name"].where(~repeated, table["ward_name"] + " (" + table["district"] + ")")
    table = table.drop(columns=["is_ward"])
    total = {"ward": TOTAL, "ward_code": "", "ward_name": TOTAL, "district": "",
             "previous": int(table["previous"].sum()), "current": int(table["current"].sum())}
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    table = table[["ward", "ward_code", "ward_name", "district", "previous", "current"]]
    return add_change_columns(table)


def compare_wards(a: Assessment) -> WardBreakdown | None:
    """Crime and ASB incidents by ward for an assessment, or None where its data have no LSOAs (the Met's file).

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> compare_wards(prepare_assessment("lambeth", period="2023-11")) is None
    True
    """
    if not a.data["lsoa_code"].notna().any():
        return None
    codes = a.config.area_codes
    crime = compare_by_ward(a.data, area_codes=codes, current=a.periods.current, previous=a.periods.previous)
    incidents = None
    if not a.incidents.empty:
        incidents = compare_by_ward(a.incidents, area_codes=codes, current=a.periods.current,
                                    previous=a.periods.previous)
    return WardBreakdown(crime=crime, incidents=incidents, n_wards=int((crime["ward_code"] != "").sum()))
