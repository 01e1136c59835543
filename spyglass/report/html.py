"""The self-contained HTML report of a state (pure and deterministic: same state, same bytes).

One file that opens from disk with no request to any host: the script and stylesheet are inline
(:mod:`spyglass.report.html_bundle`), a Content-Security-Policy allows only that script (by its hash) and
inline styles, and nothing from the state is written into the HTML: names, SQL, values and messages
travel as JSON in a ``<script type="application/json">`` block (``<``, ``>``, ``&`` and every non-ASCII
character escaped) and reach the page through ``textContent`` only.

The page shows the summary's own sections (:mod:`spyglass.report.markdown`: what the change means, what
no check verified, the environments and the checks table, so its figures are the summary's), the lineage
graph and every check's result views as the UI draws them. Results too large for ``max_bytes`` are left
out, largest first, and the report says so where they would be.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import sys
from typing import Any

from spyglass.checks.registry import title
from spyglass.report.figures import run_figures, safely
from spyglass.report.html_bundle import Assets, load_assets
from spyglass.report.markdown import ordered_checks, render_summary
from spyglass.report.text import outcome_of
from spyglass.state.models import CheckRecord, LineageSummary, RunRecord, State

#: the report never grows past this many bytes of embedded data (results are left out first)
DEFAULT_MAX_BYTES = 20_000_000
#: the most lineage nodes drawn (changed ones first)
MAX_GRAPH_NODES = 400
#: the summary's sections the report shows as they are (the lineage and the details are drawn instead)
SUMMARY_SECTIONS = ("## What the change means", "## Not verified", "## Environments", "## Checks")
DATA_ID = "spyglass-data"
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def render_html(state: State, *, max_bytes: int = DEFAULT_MAX_BYTES, assets: Assets | None = None) -> str:
    """The whole HTML file for ``state``."""
    shown = assets if assets is not None else load_assets()
    return page(embed_json(report_data(state, max_bytes=max_bytes)), shown)


def report_data(state: State, *, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """What the page draws, as JSON-ready data."""
    checks = [_check(check, run) for check, run in ordered_checks(state)]
    data: dict[str, Any] = {
        "version": state.spyglass_version,
        "updated_at": state.updated_at.isoformat(),
        "sections": summary_sections(render_summary(state, max_chars=sys.maxsize)),
        "lineage": _lineage(state.lineage),
        "checks": checks,
    }
    _fit(data, max_bytes)
    return data


def summary_sections(summary: str) -> list[dict[str, str]]:
    """The summary's sections the report shows, each as its Markdown (a section ends at the next heading or
    at the first ``<details>`` block)."""
    sections: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in summary.split("\n"):
        if line.startswith(("## ", "<details>")):
            current = None
            if line.strip() in SUMMARY_SECTIONS:
                current = [line]
                sections.append((line[3:].strip().lower(), current))
        elif current is not None:
            current.append(line)
    return [{"name": name, "markdown": "\n".join(lines).strip("\n") + "\n"} for name, lines in sections]


def _lineage(lineage: LineageSummary | None) -> dict[str, Any] | None:
    if lineage is None:
        return None
    nodes = lineage.nodes
    if len(nodes) > MAX_GRAPH_NODES:
        changed = [node for node in nodes if node.change is not None or node.status != "unchanged"]
        rest = [node for node in nodes if node.change is None and node.status == "unchanged"]
        nodes = (changed + rest)[:MAX_GRAPH_NODES]
    kept = {node.unique_id for node in nodes}
    return {
        "nodes": [json.loads(node.model_dump_json()) for node in nodes],
        "edges": [[parent, child] for parent, child in lineage.edges if parent in kept and child in kept],
        "omitted": len(lineage.nodes) - len(nodes),
    }


def _check(check: CheckRecord, run: RunRecord | None) -> dict[str, Any]:
    outcome = outcome_of(run)
    return {"name": check.name, "type": check.spec.type, "description": check.description,
            "approved": check.approved, "outcome": outcome.label, "icon": outcome.icon,
            "run": None if run is None else run_view(run), "omitted": ""}


def run_view(run: RunRecord) -> dict[str, Any]:
    """A run as the UI's result views read it (the fields of the server's run view)."""
    view: dict[str, Any] = json.loads(run.model_dump_json(include={"run_id", "spec", "check_id", "status", "result",
                                                                   "error", "started_at", "ended_at"}))
    view.update(title=safely(lambda: title(run.spec)) or run.spec.type, progress=1.0,
                **dataclasses.asdict(run_figures(run)))
    return view


def _fit(data: dict[str, Any], max_bytes: int) -> None:
    """Leave out the largest results until the data fits ``max_bytes``; each says so in its place."""
    size = len(embed_json(data))
    runs = [check for check in data["checks"] if check["run"] is not None and check["run"].get("result") is not None]
    sized = sorted(((len(embed_json(check["run"]["result"])), index) for index, check in enumerate(runs)), reverse=True)
    for result_size, index in sized:
        if size <= max_bytes:
            return
        check, run = runs[index], runs[index]["run"]
        note = (f"Its result ({result_size:,} bytes) was left out to keep the report under {max_bytes:,} bytes: "
                "open the state file in `spyglass server` to see it.")
        # each value is embedded on its own, so the sizes add up exactly
        size += (len("null") - result_size + len(embed_json("")) - len(embed_json(run["details_markdown"]))
                 + len(embed_json(note)) - len(embed_json(check["omitted"])))
        run["result"], run["details_markdown"], check["omitted"] = None, "", note


def embed_json(data: Any) -> str:
    """JSON that can sit in a ``<script type="application/json">`` block: ASCII only (so U+2028 and U+2029
    are escaped too), with ``<``, ``>`` and ``&`` as ``\\u`` escapes (no ``</script>``, no ``<!--``)."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return "".join(_JSON_ESCAPES.get(char, char) for char in text)


def script_hash(script: str) -> str:
    """The CSP source allowing exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(script: str) -> str:
    return (f"default-src 'none'; script-src {script_hash(script)}; style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def page(data_json: str, assets: Assets) -> str:
    """The HTML around the embedded data: nothing in it comes from the state."""
    return "\n".join([
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(assets.script)}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Spyglass report</title>",
        '<link rel="icon" href="data:,">',
        f"<style>\n{assets.style}</style>",
        "</head>",
        "<body>",
        "<noscript><p>This Spyglass report needs JavaScript to draw its contents.</p></noscript>",
        f'<script type="application/json" id="{DATA_ID}">{data_json}</script>',
        f"<script>{assets.script}</script>",
        "</body>",
        "</html>",
        "",
    ])
