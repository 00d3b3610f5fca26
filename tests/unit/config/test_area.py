"""Area configs: the shipped three load; bad ones name the key."""

from __future__ import annotations

import pytest
import yaml

from workbook.config.area import load_area_config, parse_area_config
from workbook.config.priorities import load_priority_settings
from workbook.core.errors import ConfigError


def _lambeth_raw() -> dict:
    from workbook.core.paths import AREAS_DIR

    return yaml.safe_load((AREAS_DIR / "lambeth.yml").read_text())


def test_shipped_areas_load():
    lam = load_area_config("lambeth")
    assert lam.area_codes == ["E09000022"] and not lam.has_sub_areas
    ls = load_area_config("lambeth-southwark")
    assert ls.area_codes == ["E09000022", "E09000028"] and ls.has_sub_areas
    col = load_area_config("city-of-london")
    assert col.data.select == "all" and col.data.format == "tidy"


def test_unknown_key_is_an_error_naming_it():
    raw = _lambeth_raw() | {"populaton": {}}
    with pytest.raises(ConfigError, match="key 'populaton': unknown key") as exc:
        parse_area_config(raw, path="x.yml", slug="x")
    assert exc.value.key == "populaton"


def test_nested_unknown_key_and_wrong_type():
    raw = _lambeth_raw()
    raw["data"] = raw["data"] | {"fromat": "tidy"}
    with pytest.raises(ConfigError, match="key 'data.fromat'"):
        parse_area_config(raw, slug="x")
    raw = _lambeth_raw() | {"n_main_categories": "six"}
    with pytest.raises(ConfigError, match="key 'n_main_categories'"):
        parse_area_config(raw, slug="x")
    raw = _lambeth_raw() | {"areas": [{"code": "E09000022"}]}
    with pytest.raises(ConfigError, match=r"key 'areas.0.name': required key is missing"):
        parse_area_config(raw, slug="x")


def test_yaml_syntax_error_and_empty_file(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("name: [unclosed\nshort_name: x\n")
    with pytest.raises(ConfigError, match=r"bad.yml: YAML syntax error at line \d+"):
        load_area_config(bad)
    empty = tmp_path / "empty.yml"
    empty.write_text("")
    with pytest.raises(ConfigError, match="file is empty"):
        load_area_config(empty)


def test_unknown_area_lists_the_configured_ones():
    with pytest.raises(ConfigError, match="no configuration for area 'atlantis'; configured areas: central-bedfordshire, city-of-london, lambeth"):
        load_area_config("atlantis")


def test_malformed_appendix_is_a_config_error_at_load(tmp_path):
    raw = _lambeth_raw()
    raw["appendices"]["action_plan"][0].pop("owner")
    p = tmp_path / "x.yml"
    p.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match=r"key 'appendices.action_plan.0.owner'"):
        load_area_config(p)
    raw = _lambeth_raw()
    raw["appendices"]["action_plan"][1]["due"] = "31/06/2023"
    p.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match=r"key 'appendices.action_plan.1.due'"):
        load_area_config(p)
    raw = _lambeth_raw()
    raw["appendices"]["spending"]["stated_total"] = 370000
    p.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match=r"key 'appendices.spending.stated_total'.*360,?000.*370,?000"):
        load_area_config(p)


def test_override_without_reason_is_a_config_error_at_load(tmp_path):
    raw = _lambeth_raw()
    raw["priorities"]["overrides"][0]["reason"] = "  "
    p = tmp_path / "x.yml"
    p.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match=r"key 'priorities.overrides.0.reason'"):
        load_area_config(p)


def test_settings_from_an_area_config_block():
    cfg = parse_area_config(
        {
            "slug": "t",
            "name": "Test",
            "short_name": "T",
            "areas": [{"code": "E1", "name": "T"}],
            "data": {"path": "x.csv", "description": "d"},
            "population": {"path": "p.csv", "description": "p"},
            "priorities": {"statutory": ["Domestic abuse"], "public_concern": {"Robbery": "high"}},
        }
    )
    s = load_priority_settings(cfg.priorities, path="t.yml")
    assert s.public_concern == {"Robbery": "high"}
