// The node panel: status, the change (category, reasons, columns), schema diff, side-by-side SQL diff, and buttons that run diffs on the node.
import { h, clear, errorBox } from "./dom.js";
import { api, runAndWait } from "./api.js";
import { sqlDiffView } from "./sqldiff.js";
import { runCard } from "./results.js";
import { changeSection } from "./change.js";

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
    clear(container).append(runCard(run, { actions: run.status === "success" || run.status === "failed" ? [addToChecklistButton(run)] : [] }));
    return run;
  } catch (err) {
    clear(container).append(errorBox(err));
    return null;
  }
}

function diffButtons(detail, output) {
  const columns = detail.columns.filter((c) => c.current_type !== null && c.base_type !== null).map((c) => c.name);
  const pk = h("input", { id: "pk-input", value: detail.primary_key || "", placeholder: "primary key (a, b)", "aria-label": "Primary key", size: 14 });
  const column = h("select", { id: "column-select", "aria-label": "Column" }, columns.map((c) => h("option", { value: c }, c)));
  const run = (type, params) => showRun(output, { type, params });
  const model = detail.name;
  const keys = () => pk.value.split(",").map((k) => k.trim()).filter(Boolean);
  const canQuery = detail.resource_type !== "exposure";
  return h("div", { class: "diff-buttons" },
    h("div", { class: "row" },
      h("button", { type: "button", id: "run-row-count", disabled: !canQuery, onclick: () => run("row_count_diff", { node_ids: [detail.unique_id] }) }, "Row count"),
      h("button", { type: "button", id: "run-profile", disabled: !canQuery, onclick: () => run("profile_diff", { model }) }, "Profile")),
    h("div", { class: "row" }, pk,
      h("button", { type: "button", id: "run-value-diff", disabled: !canQuery,
        onclick: () => {
          const k = keys();
          if (!k.length) { output.replaceChildren(errorBox({ message: "A value diff needs a primary key.", remedy: "Type the key column(s), comma separated." })); return; }
          run("value_diff", { model, primary_key: k.length === 1 ? k[0] : k });
        } }, "Value diff")),
    h("div", { class: "row" }, column,
      h("button", { type: "button", id: "run-top-k", disabled: !columns.length, onclick: () => run("top_k_diff", { model, column_name: column.value, k: 10 }) }, "Top-k"),
      h("button", { type: "button", id: "run-histogram", disabled: !columns.length, onclick: () => run("histogram_diff", { model, column_name: column.value, num_bins: 20 }) }, "Histogram")));
}

export function nodePanel(detail, { onClose, onColumn }) {
  const output = h("div", { class: "run-output", id: "run-output" });
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
    h("h3", {}, "Diffs"), diffButtons(detail, output), output,
    h("h3", {}, "SQL"), sqlDiffView(detail.base_sql, detail.current_sql));
}
