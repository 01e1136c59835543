from __future__ import annotations

from datetime import datetime, timezone

from spyglass.report.markdown import render_summary
from spyglass.state.models import (
    CheckRecord,
    EnvironmentInfo,
    EnvSide,
    ErrorInfo,
    LineageNode,
    LineageSummary,
    MergeRequestRef,
    RunRecord,
    RunStatus,
    State,
)
from spyglass.state.store import new_state
from tests.records import check_record, run_record, spec_of

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


COUNTS = spec_of("row_count_diff")


def _check(i: int) -> CheckRecord:
    return check_record(f"c{i}", name=f"Check {i}", description=f"About check {i}.", spec=COUNTS,
                        last_run_id=f"r{i}", at=T0)


def _run(i: int, status: RunStatus, message: str = "boom") -> RunRecord:
    error = ErrorInfo(kind="RelationMissing", message=message, remedy="Run dbt build.")
    return run_record(f"r{i}", spec=COUNTS, check_id=f"c{i}", status=status,
                      error=error if status is not RunStatus.SUCCESS else None, at=T0, ended_at=T0)


def _lineage(n: int) -> LineageSummary:
    nodes = [LineageNode(unique_id=f"model.shop.m{i:03d}", name=f"m{i:03d}", resource_type="model",
                         status="modified" if i == 0 else "unchanged", impacted=i > 0) for i in range(n)]
    edges = [(f"model.shop.m{i:03d}", f"model.shop.m{i + 1:03d}") for i in range(n - 1)]
    return LineageSummary(nodes=nodes, edges=edges)


def _state(checks: int = 3, lineage_nodes: int = 3, message: str = "boom") -> State:
    env = EnvironmentInfo(
        base=EnvSide(target_path="target-base", dbt_version="1.11.0", adapter_type="duckdb",
                     manifest_generated_at="2026-01-01T00:00:00Z", schema_names=["prod"]),
        current=EnvSide(target_path="target", dbt_version="1.11.0", adapter_type="duckdb",
                        manifest_generated_at="2026-01-02T00:00:00Z", schema_names=["dev"]),
        git_branch="feature/orders", git_sha="0123456789abcdef0123",
        merge_request=MergeRequestRef(iid=7, web_url="https://gitlab.example.com/g/p/-/merge_requests/7"),
    )
    statuses = [RunStatus.SKIPPED, RunStatus.FAILED, RunStatus.CANCELLED]
    return new_state(T0).model_copy(update={
        "environment": env,
        "lineage": _lineage(lineage_nodes),
        "checks": [_check(i) for i in range(checks)],
        "runs": [_run(i, statuses[i % 3], message) for i in range(checks)],
    })


def test_sections_in_order_with_errors_before_skips() -> None:
    text = render_summary(_state())
    assert text.startswith("# Spyglass summary\n")
    assert text.index("## Environments") < text.index("## Lineage") < text.index("## Checks")
    table = text[text.index("## Checks"):text.index("<details>")]
    assert table.index("Check 1") < table.index("Check 2") < table.index("Check 0")
    assert "3 checks: 1 cancelled, 1 error, 1 skipped." in table
    assert "| target-base | target |" in text
    assert "Branch `feature/orders` at `0123456789ab`, merge request [!7](" in text
    assert "1 added" not in text and "0 added, 0 removed, 1 modified, 2 impacted downstream." in text
    assert '["m000<br/><small>model</small>"]:::modified' in text
    assert "n0 --> n1" in text
    assert text.count("<details>") == 3 and text.count("</details>") == 3
    assert "boom\n\nRun dbt build." in text and "RelationMissing" not in text  # never a class name


def test_output_is_deterministic() -> None:
    assert render_summary(_state()) == render_summary(_state())


def test_markdown_special_characters_are_escaped_in_cells() -> None:
    text = render_summary(_state(message="a | b <script>\nnext"))
    assert "a \\| b &lt;script&gt; next" in text
    assert "<script>" not in text  # the whole document, details blocks included


def test_mermaid_graph_is_capped_with_a_more_line() -> None:
    text = render_summary(_state(lineage_nodes=80))
    assert text.count(":::") == 60
    assert "20 more nodes not drawn." in text


def test_never_exceeds_max_chars_and_cuts_whole_sections() -> None:
    state = _state(checks=30, lineage_nodes=40, message="x" * 400)
    full = render_summary(state)
    limit = len(full) // 2
    cut = render_summary(state, max_chars=limit)
    assert len(cut) <= limit
    assert "Summary shortened to stay within" in cut
    assert "## Checks" in cut  # the checks table is kept
    assert cut.count("<details>") == cut.count("</details>")  # only whole blocks
    assert cut.count("<details>") < 30


def test_tiny_limit_still_respected() -> None:
    state = _state(checks=30, message="y" * 400)
    for limit in (200, 1000, 5000):
        assert len(render_summary(state, max_chars=limit)) <= limit


def test_no_checks() -> None:
    text = render_summary(new_state(T0))
    assert "No checks were run." in text
