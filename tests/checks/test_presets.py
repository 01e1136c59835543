from __future__ import annotations

from pathlib import Path

import pytest

from spyglass.checks.presets import fallback_checks, load_presets
from spyglass.checks.row_count import RowCountDiffSpec
from spyglass.checks.schema_diff import SchemaDiffParams, SchemaDiffSpec
from spyglass.checks.simple import SimpleSpec
from spyglass.exceptions import ConfigError

RECCE_YML = """\
checks:
  - name: Row count diff
    description: Check the row count
    type: row_count_diff
    params:
      select: state:modified,config.materialized:table
    view_options: {}
  - name: Customers value diff
    type: value_diff
    params:
      model: customers
      primary_key: customer_id
"""


def test_defaults_without_any_config_or_change_analysis(tmp_path: Path) -> None:
    """The defaults follow the change (tests/checks/test_presets_suggest.py); with no analysis to follow,
    the schema diff of state:modified."""
    config = load_presets(tmp_path)
    assert config.source == "defaults"
    assert [c.spec.model_dump() for c in config.checks] == [
        {"type": "schema_diff", "params": {"select": "state:modified"}},
    ]
    assert config.checks == fallback_checks()


def test_recce_yml_is_read_unchanged(tmp_path: Path) -> None:
    (tmp_path / "recce.yml").write_text(RECCE_YML)
    config = load_presets(tmp_path)
    assert config.source == "recce.yml"
    assert [c.name for c in config.checks] == ["Row count diff", "Customers value diff"]
    assert config.checks[1].spec.model_dump() == {"type": "value_diff",
                                                  "params": {"model": "customers", "primary_key": "customer_id"}}
    assert config.checks[0].description == "Check the row count"


def test_spyglass_yml_wins_over_recce_yml(tmp_path: Path) -> None:
    (tmp_path / "recce.yml").write_text(RECCE_YML)
    (tmp_path / "spyglass.yml").write_text("checks:\n  - type: schema_diff\n")
    config = load_presets(tmp_path)
    assert config.source == "spyglass.yml"
    assert [(c.name, c.spec) for c in config.checks] == [(None, SchemaDiffSpec(params=SchemaDiffParams()))]


def test_empty_file_means_no_checks(tmp_path: Path) -> None:
    (tmp_path / "spyglass.yml").write_text("")
    assert load_presets(tmp_path).checks == ()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("checks: [", "not valid YAML"),
        ("- just a list", "must be a mapping"),
        ("checks: {type: x}", "must be a list"),
        ("checks:\n  - name: no type\n", "Check #1"),
    ],
)
def test_bad_config_names_the_file_and_what_to_do(tmp_path: Path, text: str, fragment: str) -> None:
    (tmp_path / "spyglass.yml").write_text(text)
    with pytest.raises(ConfigError) as err:
        load_presets(tmp_path)
    assert fragment in err.value.message
    assert "spyglass.yml" in err.value.message
    assert err.value.remedy
    assert err.value.exit_code == 2


def test_recce_aliases_and_manual_checks_are_read(tmp_path: Path) -> None:
    """A recce.yml with `type: simple` (a manual check) or an alias (`row_count`) was an unknown type."""
    (tmp_path / "recce.yml").write_text("checks:\n"
                                        "  - name: Dashboards still load\n    type: simple\n"
                                        "  - name: Rows\n    type: row_count\n    params: {select: orders}\n")
    checks = load_presets(tmp_path).checks
    assert isinstance(checks[0].spec, SimpleSpec) and checks[0].name == "Dashboards still load"
    assert isinstance(checks[1].spec, RowCountDiffSpec) and checks[1].spec.type == "row_count_diff"
    assert checks[1].spec.params.select == "orders"


@pytest.mark.parametrize(
    ("check", "fragments"),
    [
        ("{name: Counts, type: row_counts}", ["Check #2 ('Counts')", "no check type 'row_counts'"]),
        ("{type: top_k_diff, params: {model: orders, k: many}}",
         ["Check #2 ", "Invalid params for top_k_diff", "column_name: Field required", "k: Input should be"]),
        ("{type: value_diff, params: [orders]}", ["Check #2 ", "params: Input should be a valid dictionary"]),
    ],
)
def test_a_bad_check_is_refused_at_load_naming_it_and_the_field(tmp_path: Path, check: str,
                                                                 fragments: list[str]) -> None:
    """Unknown types and invalid params were accepted here and failed only when the check ran."""
    (tmp_path / "spyglass.yml").write_text(f"checks:\n  - {{type: schema_diff}}\n  - {check}\n")
    with pytest.raises(ConfigError) as err:
        load_presets(tmp_path)
    for fragment in fragments:
        assert fragment in err.value.message
    assert "spyglass.yml" in err.value.message and err.value.remedy
