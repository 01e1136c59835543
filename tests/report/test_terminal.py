"""The terminal table shows user text as text: no Rich markup, no terminal control sequence."""

from __future__ import annotations

import io
from datetime import datetime, timezone

from rich.console import Console

from spyglass.report.terminal import run_table
from spyglass.state.models import ErrorInfo, RunStatus
from spyglass.state.store import new_state
from tests.records import check_record, run_record, spec_of

T0 = datetime(2026, 1, 2, tzinfo=timezone.utc)
HOSTILE = "orders \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ \x1b[2J [bold red]loud[/] [link=https://x]y[/link]"


def test_user_text_in_the_run_table_is_plain() -> None:
    query = spec_of("query", sql_template=HOSTILE)
    check = check_record(name=HOSTILE, spec=query, last_run_id="r", at=T0)
    run = run_record(spec=query, check_id="c", status=RunStatus.FAILED, at=T0, ended_at=T0,
                     error=ErrorInfo(kind="QuerySyntaxError", message=HOSTILE))
    state = new_state(T0).model_copy(update={"checks": [check], "runs": [run]})
    out = io.StringIO()

    Console(file=out, force_terminal=True, width=400, color_system="truecolor").print(run_table(state))

    printed = out.getvalue()
    assert "\x1b]8;" not in printed and "\x1b[2J" not in printed  # no hyperlink, no screen clearing
    assert printed.count("[bold red]loud[/]") == 2 and printed.count("[link=https://x]y[/link]") == 2
