"""The self-contained HTML report (pure): hostile text never becomes markup, the summary's figures are in
it, the same state gives the same bytes, and it stays within its size."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from spyglass.checks.query import ColumnInfo, DataTable, QueryResultModel
from spyglass.checks.row_count import RowCountDiffResult
from spyglass.report.html import (
    DATA_ID,
    MAX_GRAPH_NODES,
    SUMMARY_SECTIONS,
    embed_json,
    render_html,
    report_data,
    script_hash,
    summary_sections,
)
from spyglass.report.html_bundle import MODULES, BundleError, bundle, load_assets, wrap_module
from spyglass.report.markdown import ordered_checks, render_summary
from spyglass.state.models import State
from spyglass.state.store import dump_state, parse_state, save_state
from tests.cli.crafted_project import spyglass
from tests.records import check_record, run_record, spec_of
from tests.report.explained_state import Checks, counts, node, state
from tests.report.test_hostile_text import EVIL, EVIL_LINES, GOOD_MR_URL, T0, _state


class _Page(HTMLParser):
    """Every tag of a page, and the text of its scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


def _parsed(html: str) -> _Page:
    parser = _Page()
    parser.feed(html)
    parser.close()
    return parser


def _data(html: str) -> dict[str, object]:
    found = [text for attrs, text in _parsed(html).scripts if attrs.get("id") == DATA_ID]
    assert len(found) == 1
    loaded: dict[str, object] = json.loads(found[0])
    return loaded


def _explained() -> State:
    checks = Checks().ran("Row counts", spec_of("row_count_diff"), counts(("orders", 1000, 950), ("items", 20, 20)))
    return state([node("orders", category="breaking", category_reasons=["new filter `status <> 'x'`"]),
                  node("items", "impacted")], checks, edges=[("model.shop.orders", "model.shop.items")])


def test_hostile_text_stays_in_the_json_block_and_reads_back_exactly() -> None:
    hostile = _state(GOOD_MR_URL)
    html = render_html(hostile)
    page = _parsed(html)
    # Spyglass's own tags only: the hostile <img>, <details> and comments never became markup
    assert {tag for tag, _ in page.tags} == {"html", "head", "meta", "title", "link", "style", "body", "noscript",
                                             "p", "script"}
    data_text = next(text for attrs, text in page.scripts if attrs.get("id") == DATA_ID)
    outside = html.replace(data_text, "").replace(load_assets().script, "")
    for fragment in ("<!--", "<img", "<details", "javascript:", "onerror=", "@all", "\u202e"):
        assert fragment not in outside  # none of the hostile text is in the HTML itself
    assert not set(data_text) & {"<", ">", "&", "\u2028", "\u2029"} and data_text.isascii()
    data = json.loads(data_text)
    assert data == report_data(hostile)
    names = [check["name"] for check in data["checks"]]
    assert names == [check.name for check, _ in ordered_checks(hostile)]
    assert any(name.startswith(EVIL) for name in names)
    assert any(check["description"] == EVIL_LINES for check in data["checks"])
    # the only executable script is the bundle the CSP allows by its hash
    executable = [text for attrs, text in page.scripts if attrs.get("type") != "application/json"]
    assert len(executable) == 1 and executable[0] == load_assets().script
    csp = next(attrs["content"] for tag, attrs in page.tags if tag == "meta" and attrs.get("http-equiv"))
    assert csp is not None and f"script-src {script_hash(executable[0])};" in csp
    assert "default-src 'none'" in csp and "unsafe-eval" not in csp and "script-src 'unsafe-inline'" not in csp


def test_no_hostile_character_survives_embedding() -> None:
    text = "</script><!-- <script>alert(1)</script> & \u2028\u2029 \"quoted\" é"
    embedded = embed_json({"name": text})
    assert not set(embedded) & {"<", ">", "&", "\u2028", "\u2029"} and embedded.isascii()
    assert json.loads(embedded) == {"name": text}
    with pytest.raises(ValueError):
        embed_json({"value": float("nan")})  # never a NaN, which JSON.parse refuses


def test_the_summary_sections_and_every_figure_of_the_summary_are_in_the_report() -> None:
    explained = _explained()
    summary = render_summary(explained)
    data = _data(render_html(explained))
    sections = data["sections"]
    assert isinstance(sections, list)
    assert [section["name"] for section in sections] == ["what the change means", "not verified", "checks"]
    for section in sections:
        assert section["markdown"] in summary  # the summary's own text: the same figures
    for heading in ("## What the change means", "## Not verified", "## Checks"):
        assert heading in "".join(section["markdown"] for section in sections)
    shown = "".join(section["markdown"] for section in sections)
    assert "rows 1,000 → 950 (-50, -5.0%)" in shown and "1 checks: 1 mismatch." in shown
    checks = data["checks"]
    assert isinstance(checks, list) and len(checks) == 1
    run = checks[0]["run"]
    result = explained.runs[0].result
    assert result is not None and run["headline"] == result.headline and f"| {result.headline} |" in summary
    assert run["result"]["kind"] == "row_count_diff" and run["mismatch"] is True
    assert [row["base"]["count"] for row in run["result"]["rows"]] == [1000, 20]
    lineage = data["lineage"]
    assert isinstance(lineage, dict)
    assert [n["name"] for n in lineage["nodes"]] == ["orders", "items"]
    assert lineage["edges"] == [["model.shop.orders", "model.shop.items"]]


def test_summary_sections_leave_out_the_lineage_and_the_details() -> None:
    summary = ("# Spyglass summary\n\n## Not verified\n\nx\n\n## Lineage\n\n```mermaid\ngraph\n```\n\n"
               "## Checks\n\n| a |\n|---|\n| 1 |\n\n<details><summary>s</summary>\n\nbody\n\n</details>\n")
    assert summary_sections(summary) == [{"name": "not verified", "markdown": "## Not verified\n\nx\n"},
                                         {"name": "checks", "markdown": "## Checks\n\n| a |\n|---|\n| 1 |\n"}]
    assert len(SUMMARY_SECTIONS) == 4


def test_the_same_state_gives_the_same_bytes() -> None:
    hostile = _state(GOOD_MR_URL)
    first = render_html(hostile)
    again = render_html(parse_state(dump_state(hostile), Path("state.json")))
    assert first == again


def _big_state(rows: int) -> State:
    table = DataTable(columns=(ColumnInfo(name="id", type="integer"), ColumnInfo(name="note", type="text")),
                      rows=tuple((i, "x" * 200) for i in range(rows)), limit=rows, more=False, total_row_count=rows)
    small = RowCountDiffResult(rows=())
    specs = [("Big query", spec_of("query", sql_template="select 1"), QueryResultModel(table=table)),
             ("Row counts", spec_of("row_count_diff"), small)]
    checks = [check_record(f"c{i}", name=name, spec=spec, last_run_id=f"r{i}", at=T0)
              for i, (name, spec, _) in enumerate(specs)]
    runs = [run_record(f"r{i}", spec=spec, check_id=f"c{i}", result=result, at=T0, ended_at=T0)
            for i, (_, spec, result) in enumerate(specs)]
    return state([], None).model_copy(update={"checks": checks, "runs": runs})


def test_the_report_stays_within_its_size_leaving_out_the_largest_result() -> None:
    big = _big_state(5_000)
    assets = load_assets()
    full = render_html(big, assets=assets)
    assert len(full) > 1_000_000
    html = render_html(big, max_bytes=200_000, assets=assets)
    assert len(embed_json(report_data(big, max_bytes=200_000))) <= 200_000
    assert len(html) <= 200_000 + len(assets.script) + len(assets.style) + 2_000
    checks = _data(html)["checks"]
    assert isinstance(checks, list)
    by_name = {check["name"]: check for check in checks}
    assert by_name["Big query"]["run"]["result"] is None and "left out" in by_name["Big query"]["omitted"]
    assert by_name["Big query"]["run"]["status"] == "success"
    assert by_name["Row counts"]["run"]["result"] is not None and not by_name["Row counts"]["omitted"]


def test_the_bundle_joins_the_modules_and_refuses_what_it_cannot_join() -> None:
    script = load_assets().script
    assert not re.search(r"^\s*(import|export)\b", script, re.MULTILINE)
    for specifier, _, _ in MODULES:
        assert f"const __module_{specifier.removesuffix('.js')} = " in script
    joined = bundle((("a.js", "export const A = 1;\nexport function f() { return A; }\n"),
                     ("b.js", 'import { f } from "./a.js";\nexport async function g() { return f(); }\n')))
    assert "const { f } = __module_a;" in joined and "return { A, f };" in joined and "return { g };" in joined
    with pytest.raises(BundleError, match="not joined before it"):
        wrap_module("b.js", 'import { f } from "./a.js";\n', set())
    with pytest.raises(BundleError, match="cannot join"):
        wrap_module("c.js", 'export { mergeRequestsPage } from "./merge_requests.js";\n', set())
    with pytest.raises(BundleError, match="cannot join"):
        wrap_module("d.js", "import * as all from './a.js';\n", {"a.js"})


def test_spyglass_report_writes_the_file_and_says_what_is_wrong(capsys: pytest.CaptureFixture[str],
                                                               tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    save_state(state_file, _explained())
    target = tmp_path / "out" / "report.html"
    code, out, _ = spyglass(capsys, "report", "--html", target, "--state-file", state_file)
    assert code == 0 and f"Report written to {target}" in out
    assert target.read_text(encoding="utf-8") == render_html(_explained())
    code, _, err = spyglass(capsys, "report", "--html", target, "--state-file", tmp_path / "missing.json")
    assert code == 2 and "does not exist" in err and "Traceback" not in err
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    code, _, err = spyglass(capsys, "report", "--html", blocker / "report.html", "--state-file", state_file)
    assert code == 1 and "Cannot write the report" in err and "--html" in err
    code, _, err = spyglass(capsys, "report", "--state-file", state_file)
    assert code == 2 and "--html" in err


def test_a_large_lineage_draws_its_changed_nodes_first() -> None:
    quiet = [node(f"n{i:03}", None) for i in range(MAX_GRAPH_NODES)]
    changed = node("orders", category="breaking")
    lineage = report_data(state([*quiet, changed], edges=[("model.shop.n000", "model.shop.orders"),
                                                          ("model.shop.orders", "model.shop.n001")]))["lineage"]
    assert isinstance(lineage, dict)
    drawn = [n["name"] for n in lineage["nodes"]]
    assert len(drawn) == MAX_GRAPH_NODES and lineage["omitted"] == 1
    assert drawn[0] == "orders" and "n399" not in drawn
    assert lineage["edges"] == [["model.shop.n000", "model.shop.orders"], ["model.shop.orders", "model.shop.n001"]]
