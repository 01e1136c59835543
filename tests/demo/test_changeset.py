"""The change set as declared, and applying it to a copy of the project (no dbt needed)."""

from __future__ import annotations

import shutil
from pathlib import Path

from spyglass.demo.build import PROJECT_SOURCE
from spyglass.demo.changeset import (
    ADDED_MODELS,
    CHANGE_SET,
    CHANGES_DIR,
    FILTERED_MODEL,
    MODIFIED_MODELS,
    REMOVED_MODELS,
    UNCHANGED_DOWNSTREAM,
    ChangeKind,
    apply_change_set,
)


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_change_set_covers_every_kind_of_model_change() -> None:
    assert {"payment_method_summary"} == ADDED_MODELS
    assert {"customer_segments"} == REMOVED_MODELS
    assert FILTERED_MODEL in MODIFIED_MODELS
    assert {"stg_payments", "stg_customers", "stg_orders", "dim_customers"} <= MODIFIED_MODELS
    assert not set(UNCHANGED_DOWNSTREAM) & (MODIFIED_MODELS | ADDED_MODELS | REMOVED_MODELS)


def test_overlay_holds_exactly_the_added_and_modified_files() -> None:
    declared = {c.path for c in CHANGE_SET if c.kind is not ChangeKind.REMOVE}
    assert _files(CHANGES_DIR) == declared


def test_modified_and_removed_files_exist_in_the_project_and_added_ones_do_not() -> None:
    project = _files(PROJECT_SOURCE)
    for change in CHANGE_SET:
        assert (change.path in project) is (change.kind is not ChangeKind.ADD), change.path


def test_apply_change_set_rewrites_adds_and_removes(tmp_path: Path) -> None:
    shutil.copytree(PROJECT_SOURCE, tmp_path, dirs_exist_ok=True)
    before = _files(tmp_path)

    apply_change_set(tmp_path)

    after = _files(tmp_path)
    assert before - after == {c.path for c in CHANGE_SET if c.kind is ChangeKind.REMOVE}
    assert after - before == {c.path for c in CHANGE_SET if c.kind is ChangeKind.ADD}
    for change in CHANGE_SET:
        if change.kind is ChangeKind.MODIFY:
            new = (tmp_path / change.path).read_text()
            assert new == (CHANGES_DIR / change.path).read_text()
            assert new != (PROJECT_SOURCE / change.path).read_text(), change.path


def test_the_changes_do_what_they_say(tmp_path: Path) -> None:
    shutil.copytree(PROJECT_SOURCE, tmp_path, dirs_exist_ok=True)
    apply_change_set(tmp_path)
    models = tmp_path / "models"
    assert "    email,\n" in (PROJECT_SOURCE / "models/staging/stg_customers.sql").read_text()
    assert "    email,\n" not in (models / "staging/stg_customers.sql").read_text()
    assert "last_order_date" in (models / "marts/dim_customers.sql").read_text()
    assert "bigint" in (models / "staging/stg_orders.sql").read_text()
    assert "where o.status <> 'cancelled'" in (models / "marts/fct_orders.sql").read_text()
