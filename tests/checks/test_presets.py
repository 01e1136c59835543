from __future__ import annotations

from pathlib import Path

import pytest

from spyglass.checks.presets import DEFAULT_CHECKS, load_presets
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


def test_defaults_without_any_config(tmp_path: Path) -> None:
    config = load_presets(tmp_path)
    assert config.source == "defaults"
    assert [(c.type, c.params) for c in config.checks] == [
        ("schema_diff", {"select": "state:modified"}),
        ("row_count_diff", {"select": "state:modified,config.materialized:table"}),
    ]
    assert config.checks == DEFAULT_CHECKS


def test_recce_yml_is_read_unchanged(tmp_path: Path) -> None:
    (tmp_path / "recce.yml").write_text(RECCE_YML)
    config = load_presets(tmp_path)
    assert config.source == "recce.yml"
    assert [c.name for c in config.checks] == ["Row count diff", "Customers value diff"]
    assert config.checks[1].params == {"model": "customers", "primary_key": "customer_id"}
    assert config.checks[0].description == "Check the row count"


def test_spyglass_yml_wins_over_recce_yml(tmp_path: Path) -> None:
    (tmp_path / "recce.yml").write_text(RECCE_YML)
    (tmp_path / "spyglass.yml").write_text("checks:\n  - type: schema_diff\n")
    config = load_presets(tmp_path)
    assert config.source == "spyglass.yml"
    assert [(c.name, c.type, c.params) for c in config.checks] == [(None, "schema_diff", {})]


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
