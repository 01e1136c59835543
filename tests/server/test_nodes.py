"""Pure column comparison of the node panel's schema diff."""

from __future__ import annotations

from spyglass.server.nodes import diff_columns


def _changes(base: list[tuple[str, str | None]], current: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    return [(c.name, c.change) for c in diff_columns(base, current)]


def test_identical_columns_are_unchanged() -> None:
    cols: list[tuple[str, str | None]] = [("id", "int"), ("name", "text")]
    assert _changes(cols, cols) == [("id", "unchanged"), ("name", "unchanged")]


def test_added_removed_and_retyped() -> None:
    assert _changes([("id", "int"), ("old", "text")], [("id", "bigint"), ("new", "text")]) == [
        ("id", "type_changed"), ("new", "added"), ("old", "removed")]


def test_type_comparison_ignores_case_and_names_match_case_insensitively() -> None:
    assert _changes([("ID", "INTEGER")], [("id", "integer")]) == [("id", "unchanged")]


def test_reordered_columns_are_flagged_but_an_insert_alone_is_not_a_move() -> None:
    assert _changes([("a", "int"), ("b", "int"), ("c", "int")], [("b", "int"), ("a", "int"), ("c", "int")]) == [
        ("b", "reordered"), ("a", "reordered"), ("c", "unchanged")]
    assert _changes([("a", "int"), ("b", "int")], [("a", "int"), ("x", "int"), ("b", "int")]) == [
        ("a", "unchanged"), ("x", "added"), ("b", "unchanged")]


def test_missing_types_from_yaml_columns() -> None:
    diff = diff_columns([("a", None)], [("a", None), ("b", None)])
    assert [(c.change, c.base_index, c.current_index) for c in diff] == [("unchanged", 0, 0), ("added", None, 1)]
