"""The JUnit report GitLab's "Test summary" reads: valid against the format's schema, counts equal the run's,
hostile text inert, and `spyglass run --junit` writes it end to end."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
import yaml

from spyglass.checks.row_count import RowCountDiffResult, RowCountRow, SideCount, SideStatus
from spyglass.checks.schema_diff import NodeSchemaDiff, SchemaColumn, SchemaDiffResult
from spyglass.report.junit import junit_counts, render_junit, write_junit, xml_text
from spyglass.report.markdown import render_summary
from spyglass.report.text import outcome_of
from spyglass.state.models import ErrorInfo, RunStatus, State
from spyglass.state.store import load_state, new_state
from tests.cli.crafted_project import orders_project, spyglass
from tests.fixtures.warehouses import Crafted
from tests.records import T0, check_record, run_record, spec_of
from tests.report.test_hostile_text import EVIL, EVIL_LINES, _results

SCHEMA = xmlschema.XMLSchema(Path(__file__).with_name("junit.xsd"))
#: characters XML 1.0 forbids, which must never reach the file
FORBIDDEN = "\x00\x01\x08\x0b\x0c\x1b\ufffe\uffff\ud800"


def _counts(root: ET.Element) -> dict[str, int]:
    return {key: int(root.attrib[key]) for key in ("tests", "failures", "errors", "skipped")}


def _cases(root: ET.Element) -> dict[str, ET.Element]:
    return {case.attrib["name"]: case for case in root.iter("testcase")}


def _mixed_state() -> State:
    """One check of each outcome: mismatch, match, error, skipped, not run, to review (inconclusive)."""
    schema = spec_of("schema_diff", select="orders")
    column = SchemaColumn(name="id", type="INTEGER", index=1)
    mismatch = SchemaDiffResult(selection="orders", nodes=(NodeSchemaDiff(
        unique_id="model.p.orders", name="orders", resource_type="model", status="modified", coverage="complete",
        added=(SchemaColumn(name="email", type="VARCHAR", index=2),), base_columns=(column,),
        current_columns=(column,)),))
    inconclusive = SchemaDiffResult(selection="orders", coverage="unknown", nodes=(NodeSchemaDiff(
        unique_id="model.p.orders", name="orders", resource_type="model", status="modified", coverage="unknown",
        coverage_note="no catalog"),))
    rows = spec_of("row_count_diff", node_names=["orders"])
    same = RowCountDiffResult(selection="orders", rows=(RowCountRow(
        unique_id="model.p.orders", name="orders", resource_type="model", base=SideCount(status=SideStatus.OK, count=5),
        current=SideCount(status=SideStatus.OK, count=5)),))
    failed = ErrorInfo(kind="RelationMissing", message="Table orders does not exist.", remedy="Run dbt build.")
    skipped = ErrorInfo(kind="CheckSkipped", message="Not supported on this adapter.")
    plan = [("Orders schema", schema, RunStatus.SUCCESS, mismatch, None),
            ("Orders rows", rows, RunStatus.SUCCESS, same, None),
            ("Orders values", rows, RunStatus.FAILED, None, failed),
            ("Orders histogram", rows, RunStatus.SKIPPED, None, skipped),
            ("Orders review", schema, RunStatus.SUCCESS, inconclusive, None)]
    checks, runs = [], []
    for i, (name, spec, status, result, error) in enumerate(plan):
        checks.append(check_record(f"c{i}", name=name, spec=spec, last_run_id=f"r{i}"))
        runs.append(run_record(f"r{i}", spec=spec, check_id=f"c{i}", status=status, result=result, error=error,
                               ended_at=T0.replace(second=i + 1)))
    checks.append(check_record("never", name="Orders never run", spec=rows))
    return new_state(T0).model_copy(update={"checks": checks, "runs": runs})


def test_each_outcome_reads_as_junit_and_the_counts_are_the_runs() -> None:
    state = _mixed_state()
    text = render_junit(state)
    SCHEMA.validate(text)
    root = ET.fromstring(text)
    suite = root.find("testsuite")
    assert suite is not None
    expected = {"tests": 6, "failures": 1, "errors": 1, "skipped": 2}
    assert _counts(root) == _counts(suite) == expected == vars(junit_counts(state))
    labels = [outcome_of(state.latest_run(c)).label for c in state.checks]
    assert (labels.count("mismatch"), labels.count("error")) == (expected["failures"], expected["errors"])

    cases = _cases(root)
    failure = cases["Orders schema"].find("failure")
    assert failure is not None and failure.attrib["type"] == "mismatch"
    assert failure.attrib["message"] == state.runs[0].result.headline  # type: ignore[union-attr]
    assert "email" in (failure.text or "") and "VARCHAR" in (failure.text or "")  # the figures
    error = cases["Orders values"].find("error")
    assert error is not None and error.attrib == {"message": "Table orders does not exist.",
                                                  "type": "RelationMissing"}
    assert "Run dbt build." in (error.text or "")
    skipped = cases["Orders histogram"].find("skipped")
    assert skipped is not None and "Not supported on this adapter." in skipped.attrib["message"]
    never = cases["Orders never run"].find("skipped")
    assert never is not None and never.attrib["message"] == "not run"
    passed = cases["Orders rows"]
    assert [child.tag for child in passed] == ["system-out"] and "No change." in (passed[0].text or "")
    review = cases["Orders review"]
    assert [child.tag for child in review] == ["system-out"] and "To review" in (review[0].text or "")
    assert cases["Orders schema"].attrib["time"] == "1.000"
    assert cases["Orders schema"].attrib["classname"] == "spyglass.schema_diff"


def test_the_report_is_deterministic_and_written_atomically(tmp_path: Path) -> None:
    state = _mixed_state()
    assert render_junit(state) == render_junit(state.model_copy(deep=True))
    target = tmp_path / "reports" / "spyglass-junit.xml"
    write_junit(target, state)
    assert target.read_text(encoding="utf-8") == render_junit(state)
    assert [p.name for p in target.parent.iterdir()] == ["spyglass-junit.xml"]  # no temp file left behind


def test_hostile_names_and_figures_stay_text_and_forbidden_characters_are_dropped() -> None:
    results = _results()
    checks, runs = [], []
    for i, result in enumerate([*results, None]):
        spec = spec_of("query", sql_template=EVIL)
        name = f"{EVIL} ]]> {FORBIDDEN} {i}"
        checks.append(check_record(f"c{i}", name=name, description=EVIL_LINES + FORBIDDEN, spec=spec,
                                   last_run_id=f"r{i}"))
        error = ErrorInfo(kind=EVIL + FORBIDDEN, message=EVIL_LINES + FORBIDDEN) if result is None else None
        runs.append(run_record(f"r{i}", spec=spec, check_id=f"c{i}", result=result, error=error, ended_at=T0,
                               status=RunStatus.FAILED if result is None else RunStatus.SUCCESS))
    state = new_state(T0).model_copy(update={"checks": checks, "runs": runs})
    text = render_junit(state)
    assert not any(char in text for char in FORBIDDEN)
    SCHEMA.validate(text)
    root = ET.fromstring(text)
    names = sorted(case.attrib["name"] for case in root.iter("testcase"))
    assert names == sorted(xml_text(c.name) for c in checks)  # every name reads back, as written
    assert [e.tag for e in root.iter() if e.tag not in {"testsuites", "testsuite", "testcase", "failure", "error",
                                                         "skipped", "system-out"}] == []
    error = next(root.iter("error"))
    assert error.attrib["message"] == " ".join(xml_text(EVIL_LINES).split())
    assert vars(junit_counts(state)) == _counts(root)


def test_an_empty_run_is_a_valid_empty_suite() -> None:
    text = render_junit(new_state(T0))
    SCHEMA.validate(text)
    assert _counts(ET.fromstring(text)) == {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}


def test_the_schema_rejects_what_gitlab_could_not_read() -> None:
    """The schema is not a rubber stamp: wrong counts, two outcomes, an unknown element all fail."""
    good = ET.fromstring(render_junit(_mixed_state()))
    broken = [
        render_junit(_mixed_state()).replace('tests="6"', 'tests="six"', 1),
        render_junit(_mixed_state()).replace("</failure>", "</failure>\n<error />", 1),
        render_junit(_mixed_state()).replace("</testcase>", "<screenshot /></testcase>", 1),
    ]
    assert good.tag == "testsuites"
    for text in broken:
        assert not SCHEMA.is_valid(text)


def test_a_report_that_cannot_be_written_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(Exception) as raised:
        write_junit(blocker / "junit.xml", new_state(T0))
    assert "Cannot write the JUnit report" in str(raised.value) and "--junit" in str(raised.value)


ORDERS = "select * from (values (1, 'a'), (2, 'b')) as t(id, name)"
CHANGED = "select * from (values (1, 'a'), (2, 'z'), (3, 'c')) as t(id, name)"


def test_run_junit_end_to_end_counts_equal_the_state(crafted: Crafted, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = orders_project(crafted, monkeypatch, ORDERS, CHANGED)
    checks = [{"name": "Orders rows", "type": "row_count_diff", "params": {"node_names": ["orders"]}},
              {"name": "Orders values", "type": "value_diff", "params": {"model": "orders", "primary_key": "id"}},
              {"name": "Missing values", "type": "value_diff", "params": {"model": "nope", "primary_key": "id"}}]
    (project / "spyglass.yml").write_text(yaml.safe_dump({"checks": checks}))
    output, junit = tmp_path / "state.json", tmp_path / "out" / "spyglass-junit.xml"
    code, out, err = spyglass(capsys, "run", "--project-dir", project, "-o", output, "--junit", junit)
    assert code == 0, out + err  # the exit code is --fail-on's, whatever the report says
    assert f"JUnit report written to {junit}" in out.replace("\n", "")
    text = junit.read_text(encoding="utf-8")
    SCHEMA.validate(text)
    state = load_state(output)
    root = ET.fromstring(text)
    assert _counts(root) == vars(junit_counts(state)) == {"tests": 3, "failures": 2, "errors": 1, "skipped": 0}
    assert "3 checks: 1 error, 2 mismatch." in render_summary(state)  # the summary says the same
    cases = _cases(root)
    assert cases["Missing values"].find("error") is not None
    assert cases["Orders rows"].find("failure") is not None and cases["Orders values"].find("failure") is not None
    gated, _, _ = spyglass(capsys, "run", "--project-dir", project, "-o", output, "--junit", junit,
                           "--fail-on", "mismatch")
    assert gated == 1
    # no check can run (an unknown target): exit 2 as before, and the report says so, check by check
    blocked, out, err = spyglass(capsys, "run", "--project-dir", project, "-o", output, "--junit", junit,
                                 "--target", "nope")
    assert blocked == 2, out + err
    root = ET.fromstring(junit.read_text(encoding="utf-8"))
    assert _counts(root) == {"tests": 3, "failures": 0, "errors": 3, "skipped": 0}
    assert {e.attrib["type"] for e in root.iter("error")} == {"ConfigError"}
