"""The WHOLE summary (and a discussion note) with hostile text everywhere stays inert, parsed like GitLab.

Every field a merge request author controls (check names, descriptions, types, error messages and
remedies, model/column/node names, values, keys, branch, paths, lineage) holds markup, GitLab references
and mentions, table breakers, quick actions and fence breakers. The rendered document is parsed by a
CommonMark parser and every part is checked: only Spyglass's own HTML and structure exist, and every
hostile text reads back exactly as written.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from spyglass.checks.histogram import HistogramDiffResult, HistogramSide
from spyglass.checks.lineage_diff import LineageDiffResult, LineageNodeStatus
from spyglass.checks.profile import ColumnProfile, ProfileColumn, ProfileDiffResult
from spyglass.checks.query import ColumnInfo, DataTable, QueryResultModel
from spyglass.checks.query_diff import MultisetDiff, QueryDiffResult, RowCount
from spyglass.checks.row_count import RowCountDiffResult, RowCountRow, SideCount, SideStatus
from spyglass.checks.schema_diff import NodeSchemaDiff, SchemaColumn, SchemaDiffResult
from spyglass.checks.top_k import TopKDiffResult, TopKSide, TopKValue
from spyglass.checks.value_diff import ColumnMatch, ValueDiffResult
from spyglass.checks.value_diff.result import Segment
from spyglass.checks.value_diff_detail import DiffRow, DiffRows, ValueDiffDetailResult
from spyglass.gitlab.comment import Finding, check_marker, discussion_body
from spyglass.markup.escape import md_code, md_paragraphs, md_text, md_url, one_line
from spyglass.report.markdown import render_summary
from spyglass.report.text import outcome_of
from spyglass.state.models import (
    CheckRecord,
    EnvironmentInfo,
    EnvSide,
    ErrorInfo,
    LineageNode,
    LineageSummary,
    MergeRequestRef,
    RunStatus,
    State,
)
from spyglass.state.store import new_state
from tests.records import check_record, run_record, spec_of
from tests.report.markdown_audit import MERMAID_LINE, REFERENCE, SUMMARY_LINE, Audit, audit, rendered_text

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
EVIL = ("x</details><img src=x onerror=alert(1)> [link](javascript:alert(1)) @all #123 !42 &7 ~bug %v1 $9 ^5 "
        "`tick` | pipe \\| *em* _u_ {+ins+} <!-- c --> &lt; ``` \u202eevil")
EVIL_LINES = (EVIL + "\n/merge\n# Heading\n- item\n1. one\n\n    indented\n```\nfence\n|a|b|\n|-|-|\n===\n"
              "</details>\r\n/close")
ALLOWED_TAGS = {"h1", "h2", "p", "table", "thead", "tbody", "tr", "th", "td", "details", "summary", "code", "pre",
                "strong", "em", "a", "br", "ul", "li", "blockquote"}
MARKER = re.compile(r"^<!-- spyglass:check:[A-Za-z0-9_.:\-]+ -->\n$")
GOOD_MR_URL = "https://gitlab.example.com/g/p/-/merge_requests/7"
#: a change's reasons quote SQL in backticks: hostile text without them reads back word for word
NO_TICKS = EVIL.replace("`", "")


def _results() -> list[object]:
    profile = ColumnProfile(row_count=2, nulls=0, distinct=2, unique=True, min=EVIL, max=EVIL)
    diff = DiffRows(primary_key=(EVIL,), columns=(EVIL,), limit=10, more=False, added=1, removed=0, changed=1,
                    rows=(DiffRow(key=(EVIL,), status="changed", changed_columns=(EVIL,), base=(EVIL,),
                                  current=(EVIL_LINES,)),
                          DiffRow(key=(EVIL_LINES,), status="added", current=(EVIL,))))
    return [
        LineageDiffResult(selection=EVIL, nodes=(
            LineageNodeStatus(unique_id="model.p.a", name=EVIL, resource_type=EVIL, status="modified",
                              reasons=(EVIL,)),
            LineageNodeStatus(unique_id="model.p.b", name=EVIL_LINES, resource_type="model", status="unchanged",
                              impacted=True))),
        SchemaDiffResult(selection=EVIL, nodes=(
            NodeSchemaDiff(unique_id="model.p.a", name=EVIL, resource_type=EVIL, status="added",
                           coverage="complete", added=(SchemaColumn(name=EVIL, type=EVIL_LINES, index=1),)),
            NodeSchemaDiff(unique_id="model.p.b", name=EVIL_LINES, resource_type="model", status="modified",
                           coverage="unknown", coverage_note=EVIL))),
        RowCountDiffResult(selection=EVIL, rows=(RowCountRow(
            unique_id="model.p.a", name=EVIL, resource_type=EVIL,
            base=SideCount(status=SideStatus.ERROR, error=EVIL_LINES), current=SideCount(status=SideStatus.OK,
                                                                                       count=3)),)),
        ValueDiffResult(model=EVIL, primary_key=(EVIL, EVIL_LINES), base_rows=2, current_rows=2, added=1, removed=1,
                        in_both=1, changed=1, columns=(ColumnMatch(column=EVIL, matched=0, mismatched=1,
                                                                   example_key=EVIL_LINES),),
                        base_only_columns=(EVIL,), current_only_columns=(EVIL_LINES,), example_added=(EVIL,),
                        example_removed=(EVIL_LINES,), example_changed=("`", "", None)),
        ValueDiffResult(model=EVIL_LINES, primary_key=(EVIL,), base_rows=4, current_rows=3, added=0, removed=1,
                        in_both=3, changed=2, columns=(), segments=(
                            Segment(kind="removed", column=EVIL, value=EVIL_LINES, rows=1, kind_rows=1,
                                    overall_rows=1, side_rows=4),
                            Segment(kind="changed", column=EVIL_LINES, value=None, rows=1, kind_rows=2,
                                    overall_rows=1, side_rows=4))),
        ValueDiffDetailResult(model=EVIL, diff=diff),
        QueryResultModel(table=DataTable(columns=(ColumnInfo(name=EVIL, type="text"), ColumnInfo(name=EVIL_LINES)),
                                         rows=((EVIL_LINES, EVIL), ("|", "")), limit=10, more=False,
                                         total_row_count=2)),
        QueryDiffResult(base_only_columns=(EVIL,), current_only_columns=(EVIL_LINES,), keyed=diff),
        QueryDiffResult(multiset=MultisetDiff(columns=(EVIL, EVIL_LINES), only_in_base=1, only_in_current=0,
                                              differing=1, more=False,
                                              rows=(RowCount(values=(EVIL, EVIL_LINES), base_count=1,
                                                             current_count=0),))),
        ProfileDiffResult(model=EVIL, columns=(ProfileColumn(name=EVIL, base=profile,
                                                             current=profile.model_copy(update={"max": "zz"})),)),
        TopKDiffResult(model=EVIL, column_name=EVIL, k=1, values=(TopKValue(value=EVIL_LINES, base_count=1,
                                                                            current_count=2),),
                       base=TopKSide(row_count=1, non_null=1), current=TopKSide(row_count=2, non_null=2)),
        HistogramDiffResult(model=EVIL, column_name=EVIL, column_type="date", unit=EVIL, labels=(EVIL, EVIL_LINES),
                            min=EVIL, max=EVIL_LINES, base=HistogramSide(row_count=1, nulls=0, counts=(1, 0)),
                            current=HistogramSide(row_count=1, nulls=0, counts=(0, 1))),
    ]


def _state(mr_url: str) -> State:
    results = _results()
    checks, runs = [], []
    for i, result in enumerate([*results, None, None]):
        spec = spec_of("query", sql_template=EVIL)  # the spec's type is never user text: a known name
        checks.append(check_record(f"c{i}", name=f"{EVIL} {i}", description=EVIL_LINES, spec=spec,
                                   last_run_id=f"r{i}" if i <= len(results) else None, at=T0))
        error = ErrorInfo(kind=EVIL, message=EVIL_LINES, remedy=EVIL_LINES) if result is None else None
        runs.append(run_record(f"r{i}", spec=spec, check_id=f"c{i}",
                               status=RunStatus.FAILED if result is None else RunStatus.SUCCESS,
                               result=result, error=error, at=T0, ended_at=T0,
                               node_ids=["model.p.b"] if result is None else ["model.p.a"] if _about_a(result) else []))
    side = EnvSide(target_path=EVIL_LINES, dbt_version=EVIL, adapter_type=EVIL, manifest_generated_at=EVIL,
                   catalog_generated_at=EVIL, schema_names=[EVIL, EVIL_LINES])
    env = EnvironmentInfo(base=side, current=side, git_branch=EVIL, git_sha=EVIL,
                          merge_request=MergeRequestRef(iid=7, web_url=mr_url))
    lineage = LineageSummary(nodes=[_hostile_changed_node(),
                                    LineageNode(unique_id="model.p.b", name=EVIL, resource_type="model",
                                                status='"]:::x\n```\n/merge', impacted=True, change="impacted",
                                                impacted_columns=[f"{EVIL}.{EVIL_LINES}"], impacted_column_count=1,
                                                column_count=3, materialized=EVIL_LINES),
                                    LineageNode(unique_id="model.p.c", name=EVIL + " c", resource_type="model",
                                                status="unchanged", impacted=True, change="impacted", whole_node=True,
                                                selected=False, materialized="ephemeral")],
                             edges=[("model.p.a", "model.p.b")], analysed=True, selection=EVIL_LINES)
    return new_state(T0).model_copy(update={"environment": env, "lineage": lineage, "checks": checks, "runs": runs})


def _about_a(result: object) -> bool:
    return isinstance(result, ValueDiffResult) and result.model == EVIL_LINES


def _hostile_changed_node() -> LineageNode:
    """A changed model whose every word of the change analysis is the merge request author's."""
    return LineageNode(
        unique_id="model.p.a", name=EVIL_LINES, resource_type="model", status="modified", change="modified",
        category="partial_breaking", category_reasons=[f"new filter `{NO_TICKS}`", EVIL, f"`{EVIL_LINES}` → `x`"],
        columns={EVIL: "modified", EVIL_LINES: "removed"}, impacted_nodes=["model.p.b", "model.p.c", "exposure.p.x"],
        impacted_node_count=3, impacted_column_counts={EVIL: 1}, exposures=[EVIL, EVIL_LINES],
        primary_key=[EVIL, EVIL_LINES], materialized="view", built=True)


def _assert_inert(found: Audit) -> None:
    assert set(found.html_inline) <= {"<code>", "</code>"}, found.html_inline
    for block in found.html_blocks:
        assert SUMMARY_LINE.match(block) or block.strip() == "</details>" or MARKER.match(block), block
    assert {tag for tag, _ in found.tags} <= ALLOWED_TAGS
    assert not [text for text in found.reference_text if REFERENCE.search(text)]
    assert found.ragged_rows == [] and found.quick_actions == []
    for info, content in found.fences:
        assert info == "mermaid" and all(MERMAID_LINE.match(line) for line in content.splitlines()), content


@pytest.mark.parametrize("mr_url", [GOOD_MR_URL, "javascript:alert(1)", "https://x.example/a) [y](javascript:z",
                                    "https://x.example/a)(javascript:z"])
def test_a_summary_full_of_hostile_text_keeps_its_structure_and_shows_the_text_as_written(mr_url: str) -> None:
    state = _state(mr_url)
    markdown = render_summary(state)
    found = audit(markdown)

    _assert_inert(found)
    assert found.details_opened == found.details_closed == len(state.checks)
    assert sorted(found.summaries) == sorted(f"{s}: {one_line(c.name)}" for c, s in _summaries(state))
    checks_table = next(t for t in found.tables if t.header[:2] == ["Status", "Check"])
    assert sorted(row[1] for row in checks_table.rows) == sorted(one_line(c.name) for c in state.checks)
    environments = next(t for t in found.tables if t.header == ["", "Base", "Current"])
    assert environments.rows[0][1:] == [one_line(EVIL_LINES)] * 2 and len(environments.rows) == 6
    links = [attrs.get("href") for tag, attrs in found.tags if tag == "a"]
    assert links == {GOOD_MR_URL: [GOOD_MR_URL], "https://x.example/a)(javascript:z": [
        "https://x.example/a%29%28javascript:z"]}.get(mr_url, [])
    text = rendered_text(markdown)
    for line in EVIL_LINES.replace("\r", "").replace("\u202e", "").splitlines():
        assert line.strip() in text or not line.strip()  # every hostile line reads back as written
    meaning = text[text.index("What the change means"):text.index("Not verified")]
    assert f"partial breaking: new filter {one_line(NO_TICKS)}, " in meaning
    assert f"1 of 4 rows removed, all with {one_line(EVIL)} = '{one_line(EVIL_LINES)}'; " in meaning
    assert f"2 of 3 rows changed, 50% with {one_line(EVIL_LINES)} is null; " in meaning
    assert f"exposures {one_line(EVIL)}, {one_line(EVIL_LINES)}" in meaning
    missing = text[text.index("Not verified"):text.index("Environments")]
    assert f"outside this run's selection ({one_line(EVIL_LINES)})" in missing
    assert f"check {one_line(EVIL)} {len(_results())} failed: {one_line(EVIL_LINES)[:40]}" in missing


def _summaries(state: State) -> list[tuple[CheckRecord, str]]:
    runs = {run.run_id: run for run in state.runs}
    outcomes = [(check, outcome_of(runs.get(check.last_run_id or ""))) for check in state.checks]
    return [(check, f"{outcome.icon} {outcome.label}") for check, outcome in outcomes]


def test_the_cut_summary_stays_inert_too() -> None:
    state = _state(GOOD_MR_URL)
    full = render_summary(state)
    for limit in (len(full) // 2, len(full) // 5, 3000):
        cut = render_summary(state, max_chars=limit)
        found = audit(cut)
        _assert_inert(found)
        assert found.details_opened == found.details_closed


def test_a_discussion_note_with_hostile_text_stays_inert() -> None:
    finding = Finding(check_id='x --><img src=x onerror=alert(1)><!--', name=EVIL_LINES, type=EVIL,
                      description=EVIL_LINES, headline=EVIL_LINES, mismatch=True)

    body = discussion_body(finding)
    found = audit(body)

    assert body.splitlines()[0] == check_marker(finding.check_id)
    assert found.html_blocks == [check_marker(finding.check_id) + "\n"]
    assert check_marker(finding.check_id).startswith("<!-- spyglass:check:sha256-")
    _assert_inert(found)
    assert one_line(EVIL_LINES) in rendered_text(body)


def test_the_escapers_each_in_their_context() -> None:
    assert md_text("@all #12 !3 50 % Hi! a_b") == "\\@all \\#12 \\!3 50 % Hi! a\\_b"
    assert md_text("<b>\nx\ty\r") == "&lt;b&gt; x y "
    assert md_paragraphs("/merge\n- a\n2. b\n\n\n    c") == "\\/merge\n\\- a\n2\\. b\n\nc"
    assert md_code("plain <x>") == "`plain <x>`"
    assert md_code("a`b|c") == "<code>a\\`b\\|c</code>"
    assert md_code("") == "<code></code>" and md_code(" padded ") == "<code> padded </code>"
    assert md_url(GOOD_MR_URL) == GOOD_MR_URL
    assert md_url("javascript:alert(1)") is None and md_url("https://h/a b") is None
