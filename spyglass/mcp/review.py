"""The review tools' work, over one :class:`Session` and one checklist (:class:`Workspace`).

Every method is synchronous (the protocol layer runs it in a worker thread) and returns a
:class:`ToolAnswer`; a :class:`SpyglassError` it raises is the caller's to turn into a tool error. Each
diff tool's run is recorded in the checklist as an ad-hoc run (as the server records its query
editor's), so ``add_check`` can keep it by its ``run_id``.
"""

from __future__ import annotations

import logging

from pydantic import JsonValue

from spyglass.checks.registry import AnySpec, parse_spec, title
from spyglass.exceptions import SpyglassError, UsageError
from spyglass.mcp.answer import ToolAnswer, run_answer
from spyglass.mcp.inputs import AddCheckArgs, ApproveArgs, CheckIdArgs, SummaryArgs
from spyglass.mcp.limits import OutputLimits, bounded_list, bounded_text
from spyglass.report.markdown import render_summary
from spyglass.server.workspace import Workspace
from spyglass.service import Session
from spyglass.state.bounds import full_digest
from spyglass.state.models import CheckRecord
from spyglass.warehouse.base import CancelToken

log = logging.getLogger("spyglass.mcp")

#: who approved, as the checklist and GitLab threads show it
APPROVED_BY = "an agent (Spyglass MCP)"


class ReviewTools:
    """The checks, checklist and summary tools (the artifact-only ones are in :mod:`spyglass.mcp.lineage`)."""

    def __init__(self, session: Session, workspace: Workspace, *, limits: OutputLimits | None = None) -> None:
        self.session = session
        self.workspace = workspace
        self.limits = limits or OutputLimits()

    def refresh(self) -> None:
        """Take the artifacts dbt rewrote since the last call (the checklist then describes them); artifacts
        that cannot be read yet leave the old ones in use (one log line)."""
        try:
            if self.session.reload_if_changed():
                snapshot = self.session.snapshot
                self.workspace.refresh_environment(self.session.environment_info(snapshot),
                                                   self.session.lineage_summary(snapshot))
        except SpyglassError as exc:
            log.warning("The new artifacts cannot be read yet, so the previous ones are used: %s", exc.message)

    # -- diffs ----------------------------------------------------------------------------------------
    def diff(self, type_name: str, arguments: dict[str, JsonValue], cancel: CancelToken) -> ToolAnswer:
        """Run a check of ``type_name`` with ``arguments`` as its params (InvalidSpec names a bad field)."""
        return self._run(parse_spec(type_name, arguments), cancel)

    def _run(self, spec: AnySpec, cancel: CancelToken, check_id: str | None = None) -> ToolAnswer:
        record = self.session.run_check(spec, check_id=check_id, cancel=cancel)
        self.workspace.record_run(record)
        return run_answer(record, self.limits)

    # -- the checklist --------------------------------------------------------------------------------
    def list_checks(self) -> ToolAnswer:
        state = self.workspace.snapshot()
        rows = [self._check_row(check) for check in state.checks]
        kept, cut = bounded_list(rows, self.limits)
        lines = [f"{len(rows)} checks." if rows else "The checklist is empty: add checks with add_check."]
        for check in state.checks[:len(kept)]:
            run = state.latest_run(check)
            outcome = run.result.headline if run is not None and run.result is not None else \
                (run.status.value if run is not None else "not run")
            mark = "approved" if check.approved else "to review"
            lines.append(f"- {check.check_id} [{mark}] {check.name}: {outcome}")
        data: dict[str, JsonValue] = {"checks": kept, "total": len(rows)}
        if cut:
            data["truncated"] = True
        return ToolAnswer(data, bounded_text("\n".join(lines), self.limits))

    def _check_row(self, check: CheckRecord) -> JsonValue:
        run = self.workspace.snapshot().latest_run(check)
        last: JsonValue = None
        if run is not None:
            last = {"run_id": run.run_id, "status": run.status.value, "mismatch": run.mismatch,
                    "headline": run.result.headline if run.result is not None else None,
                    "error": run.error.message if run.error is not None else None}
        return {"check_id": check.check_id, "name": check.name, "description": check.description,
                "type": check.spec.type, "params": check.spec.params.model_dump(mode="json"),
                "approved": check.approved, "approved_by": check.approved_by, "is_preset": check.is_preset,
                "last_run": last}

    def run_check(self, args: CheckIdArgs, cancel: CancelToken) -> ToolAnswer:
        """Run a check of the checklist; the run becomes its latest, approved as ``spyglass run`` decides."""
        check = self.workspace.check(args.check_id)
        return self._run(check.spec, cancel, check_id=check.check_id)

    def add_check(self, args: AddCheckArgs) -> ToolAnswer:
        if args.run_id is not None and (args.type is not None or args.params is not None):
            raise UsageError("Give either a run_id or a type with params, not both.",
                             remedy="Pass run_id to keep a run as a check, or type and params for a new one.")
        if args.run_id is not None:
            spec: AnySpec = self.workspace.run(args.run_id).spec
        elif args.type is not None:
            spec = parse_spec(args.type, args.params or {})
        else:
            raise UsageError("A check needs a run_id, or a type with params.",
                             remedy="Pass the run_id a diff tool returned, or type (e.g. row_count_diff) and "
                                    "params.")
        check = self.workspace.add_check(name=args.name or title(spec), spec=spec, description=args.description,
                                         last_run_id=args.run_id)
        return ToolAnswer({"check": self._check_row(check)}, f"Added check {check.check_id}: {check.name}.")

    def approve_check(self, args: ApproveArgs) -> ToolAnswer:
        """Approve (or withdraw the approval of) a check, for its latest result, as the UI does."""
        run = self.workspace.snapshot().latest_run(self.workspace.check(args.check_id))
        check = self.workspace.update_check(args.check_id, {
            "approved": args.approved, "approval_digest": full_digest(run) if run is not None else None,
            "approved_by": APPROVED_BY if args.approved else None})
        said = "Approved" if check.approved else "Withdrew the approval of"
        return ToolAnswer({"check": self._check_row(check)}, f"{said} check {check.check_id}: {check.name}.")

    def summary(self, args: SummaryArgs) -> ToolAnswer:
        """The checklist's Markdown summary, as ``spyglass summary`` prints it for the state file."""
        text = render_summary(self.workspace.snapshot(), max_chars=min(args.max_chars, self.limits.max_bytes))
        return ToolAnswer({"markdown": text}, bounded_text(text, self.limits))
