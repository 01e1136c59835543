// The node panel: status, the change (category, reasons, columns), schema diff, side-by-side SQL diff, and buttons that run diffs on the node.
import { h, clear, errorBox } from "./dom.js";
import { api, runAndWait } from "./api.js";
import { sqlDiffView } from "./sqldiff.js";
import { runCard } from "./results.js";
import { changeSection } from "./change.js";
import { diffForms } from "./diff_forms.js";
import { keptRun, keepRun } from "./kept_results.js";

const CHANGE_LABEL = {
  added: "added", removed: "removed", type_changed: "type changed", reordered: "moved", unchanged: "",
};

function schemaTable(detail) {
  if (!detail.columns.length) {
    return h("p", { class: "muted" }, "No column information: run `dbt docs generate` on both sides for the catalog.");
  }
  const changed = detail.columns.filter((c) => c.change !== "unchanged").length;
  return h("div", {},
    h("p", { class: "muted small" }, `${changed ? `${changed} column change(s)` : "No column change"} · from the ${detail.columns_source}`),
    h("table", { class: "grid schema-diff", id: "schema-diff" },
      h("thead", {}, h("tr", {}, h("th", {}, "Column"), h("th", {}, "Base type"), h("th", {}, "Current type"), h("th", {}, "Change"))),
      h("tbody", {}, detail.columns.map((c) => h("tr", { class: `col-${c.change}` },
        h("td", {}, c.name), h("td", {}, c.base_type ?? "—"), h("td", {}, c.current_type ?? "—"),
        h("td", {}, CHANGE_LABEL[c.change] ?? c.change))))));
}

export function addToChecklistButton(run) {
  const button = h("button", { type: "button", class: "add-check" }, "Add to checklist");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api.post("/api/checks", { run_id: run.run_id });
      button.textContent = "Added ✓";
      button.dispatchEvent(new CustomEvent("checks-changed", { bubbles: true }));
    } catch (err) {
      button.disabled = false;
      button.after(errorBox(err));
    }
  });
  return button;
}

export async function showRun(container, spec) {
  clear(container);
  const cancel = h("button", { type: "button", class: "cancel" }, "Cancel");
  const label = h("span", {}, `Running ${spec.type}… `);
  container.append(h("div", { class: "running" }, h("span", { class: "spinner" }), label, cancel));
  let runId = null;
  cancel.addEventListener("click", () => runId && api.post(`/api/runs/${runId}/cancel`));
  const onProgress = (v) => {
    label.textContent = `Running ${spec.type}… ${Math.round((v.progress || 0) * 100)}% ${v.progress_message || ""} `;
  };
  try {
    const run = await runAndWait(spec, { onStart: (v) => { runId = v.run_id; }, onProgress });
    clear(container).append(runCard(run, { actions: run.status === "success" ? [addToChecklistButton(run)] : [],
      onDrill: (column, drill) => runAndWait(drill) }));
    return run;
  } catch (err) {
    clear(container).append(errorBox(err));
    return null;
  }
}

// `results` (optional): the page's last run per node, kept across artifact reloads (kept_results.js).
export function nodePanel(detail, { onClose, onColumn, results = null }) {
  const output = h("div", { class: "run-output", id: "run-output", "aria-live": "polite" });
  const run = async (type, params) => keepRun(results, detail, await showRun(output, { type, params }));
  const kept = keptRun(results, detail);
  if (kept) {
    output.append(h("p", { class: "muted small kept-note", id: "kept-note" },
      "The last result on this node, kept: the node has not changed since it ran."),
    runCard(kept, { actions: [addToChecklistButton(kept)], onDrill: (column, drill) => runAndWait(drill) }));
  }
  const status = detail.status === "unchanged" && detail.impacted ? "impacted" : detail.status;
  return h("div", { class: "node-detail" },
    h("header", {},
      h("h2", {}, detail.name),
      h("button", { type: "button", class: "close", "aria-label": "Close", onclick: onClose }, "×")),
    h("p", {}, h("span", { class: `badge node-${status}` }, status), " ", detail.resource_type,
      detail.materialized ? ` · ${detail.materialized}` : "",
      detail.reasons.length ? h("span", { class: "muted" }, ` (${detail.reasons.join(", ")})`) : null),
    h("p", { class: "muted small mono" }, detail.unique_id),
    detail.status !== "removed" && detail.status !== "added" ? null
      : h("p", { class: "muted small" }, `Only in ${detail.status === "added" ? "current" : "base"}.`),
    changeSection(detail, { onColumn }),
    h("h3", {}, "Schema diff"), schemaTable(detail),
    h("h3", {}, "Diffs"), diffForms(detail, run), output,
    h("h3", {}, "SQL"), sqlDiffView(detail.base_sql, detail.current_sql));
}
