"""Analyst inputs from spreadsheets: the template filled with Lambeth's YAML
inputs loads to the same sections and the same analysis; broken sheets give
one-line errors naming the file, sheet, row and column."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from workbook.assessment.analyse import analyse_assessment
from workbook.assessment.prepare import prepare_assessment
from workbook.cli import main
from workbook.config.appendices import Action, MeasureOfSuccess, SpendingItem, load_appendices
from workbook.config.area import load_area_config
from workbook.config.input_template import write_input_template
from workbook.config.priorities import Override, load_priority_settings
from workbook.config.spreadsheets import SHEETS
from workbook.config.targets import TargetSpec, load_targets
from workbook.core.errors import ConfigError, SpreadsheetError
from workbook.core.paths import AREAS_DIR

LAMBETH = AREAS_DIR / "lambeth.yml"


def _lambeth() -> dict:
    return yaml.safe_load(LAMBETH.read_text(encoding="utf-8"))


def _records(raw: dict) -> dict[str, list[dict]]:
    """Lambeth's YAML inputs as the rows of each sheet."""
    pri, apx = raw["priorities"], raw["appendices"]
    spending = apx["spending"]
    return {
        "targets": raw["targets"],
        "public_concern": [{"category": c, "level": v} for c, v in pri["public_concern"].items()],
        "statutory": [{"category": c} for c in pri["statutory"]],
        "emerging": [{"category": c} for c in pri["emerging"]],
        "overrides": pri["overrides"],
        "measures_of_success": apx["measures_of_success"],
        "action_plan": apx["action_plan"],
        "spending": spending["items"] + [{"priority": "TOTAL", "amount": spending["stated_total"],
                                          "last_year": spending["stated_last_year_total"]}],
    }


def _fill(path: Path, records: dict[str, list[dict]]) -> Path:
    """Append the records below each sheet's example row, by header."""
    wb = openpyxl.load_workbook(path)
    for sheet, rows in records.items():
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        for i, record in enumerate(rows, start=3):
            for j, name in enumerate(headers, start=1):
                ws.cell(row=i, column=j, value=record.get(name))
    wb.save(path)
    return path


def _config_without_sections(tmp_path: Path, inputs: dict, *, name: str = "lambeth.yml") -> Path:
    raw = _lambeth()
    for key in ("targets", "priorities", "appendices"):
        raw.pop(key)
    raw["inputs"] = inputs
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> tuple[Path, Path]:
    """(the filled workbook, a copy of Lambeth's config reading it)."""
    folder = tmp_path_factory.mktemp("xlsx")
    xlsx = _fill(write_input_template(folder / "lambeth_inputs.xlsx", area_name="Lambeth"), _records(_lambeth()))
    return xlsx, _config_without_sections(folder, {"workbook": str(xlsx)})


def _edit(xlsx: Path, tmp_path: Path, sheet: str, cell: str, value, *, number_format: str | None = None) -> Path:
    wb = openpyxl.load_workbook(xlsx)
    wb[sheet][cell] = value
    if number_format is not None:
        wb[sheet][cell].number_format = number_format
    out = tmp_path / "lambeth_inputs.xlsx"
    wb.save(out)
    return out


# --------------------------------------------------------------------------- same as the YAML


def test_template_filled_from_yaml_loads_the_same_sections(filled, caplog):
    xlsx, config = filled
    with caplog.at_level(logging.INFO, logger="workbook.config.spreadsheets"):
        sheet_cfg = load_area_config(config)
    yaml_cfg = load_area_config("lambeth")

    assert load_targets(sheet_cfg.targets) == load_targets(yaml_cfg.targets)
    assert load_priority_settings(sheet_cfg.priorities) == load_priority_settings(yaml_cfg.priorities)
    assert load_appendices(sheet_cfg.appendices) == load_appendices(yaml_cfg.appendices)

    # the figures themselves, as lambeth.yml gives them
    targets = load_targets(sheet_cfg.targets)
    assert [(t.category, t.pct_change, t.trajectory, t.years) for t in targets] == [
        ("Residential burglary", -5.0, "single", 1), ("Violence and sexual offences", -2.0, "compound", 3)]
    settings = load_priority_settings(sheet_cfg.priorities)
    assert settings.public_concern == {"Theft from the person": "high", "Robbery": "high", "Drugs": "medium"}
    assert settings.statutory == ["Violence and sexual offences"] and settings.emerging == ["Shoplifting"]
    assert settings.overrides[0] == Override(category="Bicycle theft", decision="exclude", reason=(
        "Falling; addressed by the transport partnership's cycle security plan"))
    apx = load_appendices(sheet_cfg.appendices)
    assert [a.due for a in apx.action_plan] == [date(2023, 9, 30), date(2023, 6, 30), date(2024, 1, 31)]
    assert apx.action_plan[1] == Action(action="Launch the night-time economy violence reduction scheme",
                                        owner="Violence Reduction Lead", due=date(2023, 6, 30),
                                        progress="Launched June 2023", status="complete")
    assert apx.measures_of_success[1] == MeasureOfSuccess(
        priority="Street theft and robbery", activity="Joint patrols and design-out-crime in transport hubs",
        desired_outcome="Fewer thefts from the person and robberies",
        measure="Theft from the person recorded by the police", global_indicator="Theft from the person")
    # 180,000 + 60,000 + 95,000 + 25,000; last year 175,000 + 60,000 + 110,000 + 20,000
    assert apx.spending.total == Decimal(360000) and apx.spending.last_year_total == Decimal(365000)
    assert apx.spending.stated_total == Decimal(360000) and apx.spending.stated_last_year_total == Decimal(365000)
    assert apx.spending.items[2] == SpendingItem(priority="Street theft and robbery",
                                                 funder="Police and Crime Commissioner",
                                                 amount=Decimal(95000), last_year=Decimal(110000))

    # each sheet's example row (row 2) was skipped, with a note
    skipped = [r.getMessage() for r in caplog.records if "example" in r.getMessage()]
    assert len(skipped) == len(SHEETS)
    assert f"{xlsx}, sheet 'action_plan': row 2 skipped: it is the template's example (its action starts " \
           "'EXAMPLE:')" in skipped


def test_analysis_from_the_spreadsheet_equals_the_yaml_run(filled):
    _, config = filled
    from_sheet = analyse_assessment(prepare_assessment(config, period="2023-11"))
    from_yaml = analyse_assessment(prepare_assessment("lambeth", period="2023-11"))
    pd.testing.assert_frame_equal(from_sheet.targets, from_yaml.targets)
    pd.testing.assert_frame_equal(from_sheet.matrix.to_frame(), from_yaml.matrix.to_frame())
    pd.testing.assert_frame_equal(from_sheet.actions, from_yaml.actions)
    pd.testing.assert_frame_equal(from_sheet.spending, from_yaml.spending)
    pd.testing.assert_frame_equal(from_sheet.measures, from_yaml.measures)
    # the matrix really used the inputs: Bicycle theft is excluded by the override
    matrix = from_sheet.matrix.to_frame().set_index("category")
    assert matrix.loc["Bicycle theft", "decision"] == "exclude"
    # 360,000 this year against 365,000 last: down 5,000
    total = from_sheet.spending.set_index("level").loc["total"]
    assert (total["amount"], total["difference"]) == (360000.0, -5000.0)


def test_csv_files_per_section_with_iso_dates_and_pound_text(tmp_path):
    (tmp_path / "actions.csv").write_text(
        "action,owner,due,progress,status\n"
        "Commission a problem profile of robbery around transport hubs,Community safety analyst,2023-09-30,"
        "Draft shared with police partners,in progress\n"
        "Launch the night-time economy violence reduction scheme,Violence Reduction Lead,2023-06-30,"
        "Launched June 2023,complete\n"
        "Review shoplifting response with the business crime partnership,Business Crime Partnership Manager,"
        "2024-01-31,Meeting arranged,not started\n", encoding="utf-8")
    (tmp_path / "spending.csv").write_text(
        "\ufeffpriority,funder,amount,last_year\n"
        "Serious violence,Police and Crime Commissioner,\"£180,000\",175000\n"
        "Serious violence,Council,60000,\"£60,000.00\"\n"
        ",,,\n"
        "Street theft and robbery,Police and Crime Commissioner,95000,110000\n"
        "Confidence,Council,£25000,20000\n"
        "Total,,\"£360,000\",\"365,000\"\n", encoding="utf-8")
    raw = _lambeth()
    measures = raw["appendices"]["measures_of_success"]
    raw["appendices"] = {"measures_of_success": measures}
    raw["inputs"] = {"action_plan": str(tmp_path / "actions.csv"), "spending": str(tmp_path / "spending.csv")}
    config = tmp_path / "lambeth.yml"
    config.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    assert load_appendices(load_area_config(config).appendices) == load_appendices(
        load_area_config("lambeth").appendices)


# --------------------------------------------------------------------------- broken spreadsheets


def test_a_missing_sheet(filled, tmp_path):
    xlsx, _ = filled
    wb = openpyxl.load_workbook(xlsx)
    del wb["spending"]
    broken = tmp_path / "lambeth_inputs.xlsx"
    wb.save(broken)
    config = _config_without_sections(tmp_path, {"workbook": str(broken)})
    with pytest.raises(SpreadsheetError) as exc:
        load_area_config(config)
    assert str(exc.value) == (
        f"{broken}, sheet 'spending': sheet not found; expected a sheet named 'spending' for the spending plan "
        "(GBP) (the workbook has: README, targets, public_concern, statutory, emerging, overrides, "
        "measures_of_success, action_plan)")


def test_a_wrong_header(filled, tmp_path):
    broken = _edit(filled[0], tmp_path, "action_plan", "C1", "due date")
    with pytest.raises(SpreadsheetError) as exc:
        load_area_config(_config_without_sections(tmp_path, {"workbook": str(broken)}))
    assert str(exc.value) == (f"{broken}, sheet 'action_plan', row 1, column C: unknown column 'due date'; "
                              "expected the columns action, owner, due, progress, status")


def test_a_missing_required_column(filled, tmp_path):
    broken = _edit(filled[0], tmp_path, "action_plan", "B1", None)
    with pytest.raises(SpreadsheetError) as exc:
        load_area_config(_config_without_sections(tmp_path, {"workbook": str(broken)}))
    # B3 still holds an owner, now under no header
    assert str(exc.value) == (f"{broken}, sheet 'action_plan', row 1, column 'owner': required column 'owner' "
                              "is missing; expected the columns action, owner, due, progress, status")


@pytest.mark.parametrize("value, shown", [("next March", "'next March'"), ("31/03/2024", "'31/03/2024'"),
                                          ("2024-02-30", "'2024-02-30'"), (45382, "the number 45382")])
def test_a_date_that_is_not_one(filled, tmp_path, value, shown):
    # row 4 is the second action (row 2 is the example)
    # a number in a cell formatted as General (the template formats the column as dates)
    broken = _edit(filled[0], tmp_path, "action_plan", "C4", value, number_format="General")
    with pytest.raises(SpreadsheetError) as exc:
        load_area_config(_config_without_sections(tmp_path, {"workbook": str(broken)}))
    assert str(exc.value) == (f"{broken}, sheet 'action_plan', row 4, column C (due): {shown} is not a date; "
                              "expected a date cell or YYYY-MM-DD text, e.g. 2024-03-31")


def test_text_in_a_money_column(filled, tmp_path):
    broken = _edit(filled[0], tmp_path, "spending", "C3", "twelve")
    with pytest.raises(SpreadsheetError) as exc:
        load_area_config(_config_without_sections(tmp_path, {"workbook": str(broken)}))
    assert str(exc.value) == (f"{broken}, sheet 'spending', row 3, column C (amount): 'twelve' is not an amount "
                              "of money; expected a number of pounds, e.g. 1200 or £1,200")


def test_pound_text_is_read_as_money(filled, tmp_path):
    edited = _edit(filled[0], tmp_path, "spending", "C3", "£180,000.00")
    cfg = load_area_config(_config_without_sections(tmp_path, {"workbook": str(edited)}))
    assert load_appendices(cfg.appendices).spending.items[0].amount == Decimal(180000)


def test_schema_errors_name_the_cell(filled, tmp_path):
    xlsx = filled[0]
    cases = [
        ("action_plan", "E5", "finished",
         ("sheet 'action_plan', row 5, column E (status): Input should be 'not started', 'in progress', "
          "'complete', 'delayed' or 'cancelled'")),
        ("action_plan", "B3", None,
         "sheet 'action_plan', row 3, column B (owner): owner is required; the cell is empty"),
        ("targets", "B4", "rate",
         "sheet 'targets', row 4, column B (indicator): Input should be 'count', 'rate_per_1000' or 'proportion'"),
        ("targets", "G3", 5,
         ("sheet 'targets', row 3, column G (pct_change): polarity is lower_is_better, so the "
          "change must be a reduction (negative); got +5")),
        ("targets", "A4", "Residential burglary down 5% on 2022/23",
         ("sheet 'targets', row 4, column A (name): target name 'Residential burglary down 5% on 2022/23' is "
          "used twice (also row 3)")),
        ("public_concern", "B4", "very",
         "sheet 'public_concern', row 4, column B (level): Input should be 'high', 'medium' or 'low'"),
        ("overrides", "B3", "drop",
         "sheet 'overrides', row 3, column B (decision): Input should be 'include' or 'exclude'"),
        # 180,000 -> 190,000: the items now add up to 370,000 against the stated 360,000
        ("spending", "C3", 190000,
         ("sheet 'spending', row 7, column C (amount): spending items add up to £370,000 but the stated total "
          "is £360,000 (they differ by £10,000); expected the items to add up to the stated total")),
        ("spending", "D4", -1,
         "sheet 'spending', row 4, column D (last_year): Input should be greater than or equal to 0"),
    ]
    for sheet, cell, value, expected in cases:
        broken = _edit(xlsx, tmp_path, sheet, cell, value)
        with pytest.raises(SpreadsheetError) as exc:
            load_area_config(_config_without_sections(tmp_path, {"workbook": str(broken)}))
        assert str(exc.value) == f"{broken}, {expected}", cell


def test_a_percentage_cell_is_read_as_the_per_cent_it_shows(filled, tmp_path):
    wb = openpyxl.load_workbook(filled[0])
    wb["targets"]["G3"] = -0.05  # Excel stores -5% as -0.05
    wb["targets"]["G3"].number_format = "0%"
    wb["targets"]["G4"] = "-2%"
    edited = tmp_path / "pct.xlsx"
    wb.save(edited)
    cfg = load_area_config(_config_without_sections(tmp_path, {"workbook": str(edited)}))
    assert [t.pct_change for t in load_targets(cfg.targets)] == [-5.0, -2.0]


def test_yearly_rates_as_text(filled, tmp_path):
    wb = openpyxl.load_workbook(filled[0])
    wb["targets"]["G4"] = "-2, -2, -1"
    edited = tmp_path / "rates.xlsx"
    wb.save(edited)
    cfg = load_area_config(_config_without_sections(tmp_path, {"workbook": str(edited)}))
    assert load_targets(cfg.targets)[1].pct_change == (-2.0, -2.0, -1.0)


def test_a_section_in_both_the_yaml_and_a_spreadsheet(filled, tmp_path):
    raw = _lambeth()
    raw["inputs"] = {"workbook": str(filled[0])}
    config = tmp_path / "both.yml"
    config.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_area_config(config)
    assert str(exc.value) == (
        f"{config}, key 'targets': given both here and in inputs.workbook ({filled[0]}, sheet 'targets'); "
        "expected one of them: delete this YAML section or name the spreadsheet's sections one by one under "
        "inputs instead of a workbook")


def test_an_empty_yaml_section_is_no_conflict_and_yaml_keeps_the_rest(filled, tmp_path):
    raw = _lambeth()
    raw["targets"] = []
    raw["priorities"] = {"weights": {"volume": 2}}  # weights stay in the YAML
    raw["inputs"] = {"targets": str(filled[0]), "public_concern": str(filled[0])}
    config = tmp_path / "mixed.yml"
    config.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    cfg = load_area_config(config)
    assert [t.name for t in load_targets(cfg.targets)] == [t["name"] for t in _lambeth()["targets"]]
    settings = load_priority_settings(cfg.priorities)
    assert settings.weights.volume == 2 and settings.public_concern["Drugs"] == "medium"
    assert settings.statutory == []


def test_a_bad_inputs_key_or_suffix_is_a_config_error(tmp_path):
    for inputs, expected in [({"worbook": "x.xlsx"}, "key 'inputs.worbook': unknown key"),
                             ({"targets": "t.txt"}, ("key 'inputs.targets': Value error, expected an .xlsx or "
                                                     ".csv file; got 't.txt'"))]:
        with pytest.raises(ConfigError, match=expected):
            load_area_config(_config_without_sections(tmp_path, inputs))


def test_a_missing_file(tmp_path):
    missing = tmp_path / "nowhere.xlsx"
    with pytest.raises(SpreadsheetError) as exc:
        load_area_config(_config_without_sections(tmp_path, {"workbook": str(missing)}))
    assert str(exc.value) == f"{missing}: file not found; expected an .xlsx workbook (`workbook template` writes one)"


# --------------------------------------------------------------------------- the template


def test_template_layout_matches_the_schemas(tmp_path):
    wb = openpyxl.load_workbook(write_input_template(tmp_path / "t.xlsx"))
    assert wb.sheetnames == ["README", *SHEETS]
    # the headers are the YAML keys: every field of the schema, nothing else
    fields = {"targets": TargetSpec, "overrides": Override, "measures_of_success": MeasureOfSuccess,
              "action_plan": Action, "spending": SpendingItem}
    for sheet, model in fields.items():
        headers = [c.value for c in wb[sheet][1]]
        assert headers == list(model.model_fields), sheet
        for cell in wb[sheet][1]:
            required = model.model_fields[cell.value].is_required()
            assert ("; required" in cell.comment.text) == required, (sheet, cell.value)
        assert str(wb[sheet]["A2"].value).startswith("EXAMPLE: "), sheet
    assert [c.value for c in wb["public_concern"][1]] == ["category", "level"]
    assert "one of: high, medium, low" in wb["public_concern"]["B1"].comment.text
    assert wb["action_plan"]["C2"].value.date() == date(2024, 3, 31)


def test_cli_template_never_overwrites_without_force(tmp_path, capsys):
    out = tmp_path / "inputs.xlsx"
    assert main(["template", "--area", "lambeth", "--output", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert openpyxl.load_workbook(out)["README"]["A1"].value == "Analyst inputs for London Borough of Lambeth"
    out.write_bytes(b"analyst's work")
    assert main(["template", "--area", "lambeth", "--output", str(out)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"workbook: error: {out}: file exists; expected a new file (give --force to overwrite it)")
    assert out.read_bytes() == b"analyst's work"
    assert main(["template", "--area", "lambeth", "--output", str(out), "--force"]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "README"
