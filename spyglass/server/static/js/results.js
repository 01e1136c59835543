// Views of a run's result, per check type, with the Markdown details as the fallback.
import { h, fmt, pct, errorBox, statusBadge } from "./dom.js";
import { pairedBars } from "./charts.js";
import { renderMarkdown } from "./markdown.js";
import { dataGrid } from "./grid.js";

const PROFILE_FIGURES = ["row_count", "nulls", "distinct", "unique", "min", "max", "avg", "median"];

function profileView(result) {
  const rows = [];
  for (const col of result.columns || []) {
    const base = col.base || {};
    const current = col.current || {};
    PROFILE_FIGURES.forEach((figure, i) => {
      const b = base[figure];
      const c = current[figure];
      const differs = JSON.stringify(b ?? null) !== JSON.stringify(c ?? null);
      rows.push(h("tr", { class: differs ? "changed" : "" },
        i === 0 ? h("th", { rowspan: PROFILE_FIGURES.length, class: "col-name" }, col.name,
          h("div", { class: "muted small" }, col.base_type === col.current_type ? col.current_type || ""
            : `${col.base_type || "—"} → ${col.current_type || "—"}`)) : null,
        h("td", {}, figure), h("td", { class: "num" }, fmt(b)), h("td", { class: "num" }, fmt(c))));
    });
  }
  return h("table", { class: "grid profile" },
    h("thead", {}, h("tr", {}, h("th", {}, "Column"), h("th", {}, "Figure"), h("th", {}, "Base"), h("th", {}, "Current"))),
    h("tbody", {}, rows));
}

function topKView(result) {
  const values = result.values || [];
  const chart = pairedBars(values.map((v) => v.value), values.map((v) => v.base_count),
    values.map((v) => v.current_count), { title: `Top ${result.k} of ${result.column_name}`, barHeight: 1 });
  const nulls = [result.base, result.current].map((side) => (side ? side.row_count - side.non_null : null));
  return h("div", {}, chart, h("div", { class: "muted small" }, `nulls: base ${fmt(nulls[0])}, current ${fmt(nulls[1])}`));
}

function histogramView(result) {
  const base = result.base ? result.base.counts : [];
  const current = result.current ? result.current.counts : [];
  const labels = result.labels || [];
  return pairedBars(labels, labels.map((_, i) => base[i] ?? 0), labels.map((_, i) => current[i] ?? 0),
    { title: `Histogram of ${result.column_name}${result.unit ? ` (by ${result.unit})` : ""}` });
}

// Any list of flat objects as a table (used for the value-diff per-column rows and the like).
export function objectTable(items, { highlight = null } = {}) {
  if (!items.length) return h("p", { class: "muted" }, "No rows.");
  const keys = [...new Set(items.flatMap((item) => Object.keys(item)))]
    .filter((k) => items.every((item) => item[k] === null || typeof item[k] !== "object"));
  return h("table", { class: "grid" },
    h("thead", {}, h("tr", {}, keys.map((k) => h("th", {}, k === "matched_p" ? "matched %" : k.replaceAll("_", " "))))),
    h("tbody", {}, items.map((item) => h("tr", { class: highlight && highlight(item) ? "changed" : "" },
      keys.map((k) => h("td", { class: typeof item[k] === "number" ? "num" : "" },
        /(_p|percent|pct|ratio)$/.test(k) && typeof item[k] === "number" ? pct(item[k]) : fmt(item[k])))))));
}

function valueDiffView(result) {
  const columns = (result.columns || []).map((c) => (typeof c.matched === "number" && typeof c.mismatched === "number"
    ? { ...c, matched_p: c.matched + c.mismatched ? c.matched / (c.matched + c.mismatched) : 1 } : c));
  const counts = ["removed", "added", "changed", "rows_changed", "in_both"]
    .filter((k) => typeof result[k] === "number")
    .map((k) => h("span", { class: "figure" }, h("b", {}, fmt(result[k])), ` ${k.replaceAll("_", " ")}`));
  // a sample's counts (result.sample: the same keys on both sides); its rates and intervals are in the headline
  const sampled = result.sample && typeof result.sample.fraction === "number"
    ? h("p", { class: "muted small sampled" }, `Sampled: ${pct(result.sample.fraction)} of the keys (the same keys `
      + "on both sides). The counts are the sample's; a sample without difference proves none.") : null;
  return h("div", {}, sampled, h("div", { class: "figures" }, counts),
    segmentList(result.segments || []),
    (result.base_only_columns || []).length ? h("p", { class: "muted small" }, `Only in base (not compared): ${result.base_only_columns.join(", ")}`) : null,
    (result.current_only_columns || []).length ? h("p", { class: "muted small" }, `Only in current (not compared): ${result.current_only_columns.join(", ")}`) : null,
    Array.isArray(columns) && columns.length && typeof columns[0] === "object"
      ? objectTable(columns, { highlight: (c) => (c.mismatched ?? c.changed ?? 0) > 0 || (c.matched_p ?? c.matched_percent ?? 1) < 1 })
      : null);
}

// Where the changes are: "92% of changed rows (46 of 50) have status = 'returned' (base values; 5% of all base rows)".
function segmentList(segments) {
  if (!segments.length) return null;
  const share = (n, d) => (d ? `${Math.round((100 * n) / d)}%` : "-");
  const shown = (s) => (s.value === null ? "NULL" : s.text === false ? s.value : `'${s.value}'`);
  return h("div", { class: "segments" }, h("p", { class: "small" }, "Where the changes are:"),
    h("ul", { class: "small" }, segments.map((s) => h("li", { "data-segment-kind": s.kind },
      `${share(s.rows, s.kind_rows)} of ${s.kind} rows (${fmt(s.rows)} of ${fmt(s.kind_rows)}) have `,
      h("code", {}, s.column), ` = ${shown(s)} (${s.kind === "added" ? "current" : "base"} values; `
        + `${share(s.overall_rows, s.side_rows)} of all rows)`))));
}

function rowCountView(result) {
  const side = (sc) => (sc.status === "ok" ? fmt(sc.count) : sc.status.replaceAll("_", " "));
  return h("table", { class: "grid" },
    h("thead", {}, h("tr", {}, ["Node", "Base", "Current", "Change"].map((c) => h("th", {}, c)))),
    h("tbody", {}, (result.rows || []).map((row) => {
      const b = row.base.count;
      const c = row.current.count;
      const delta = typeof b === "number" && typeof c === "number" ? c - b : null;
      const missing = typeof b !== "number" && typeof c === "number" ? "only in current"
        : typeof b === "number" && typeof c !== "number" ? "only in base" : "—";
      const change = delta === null ? missing : delta === 0 ? "=" : `${delta > 0 ? "+" : ""}${fmt(delta)}${b ? ` (${pct(delta / b)})` : ""}`;
      return h("tr", { class: delta !== 0 ? "changed" : "" }, h("td", {}, row.name),
        h("td", { class: "num" }, side(row.base)), h("td", { class: "num" }, side(row.current)), h("td", { class: "num" }, change));
    })));
}

const VIEWS = {
  row_count_diff: rowCountView,
  profile_diff: profileView,
  top_k_diff: topKView,
  histogram_diff: histogramView,
  value_diff: valueDiffView,
  query: (r) => dataGrid(r),
  query_diff: (r) => dataGrid(r),
  value_diff_detail: (r) => dataGrid(r),
};

export function resultView(run) {
  const parts = [];
  const view = run.result ? VIEWS[run.result.kind] : null;
  if (view) {
    try {
      const el = view(run.result);
      if (el) parts.push(el);
    } catch (err) {
      console.warn("result view failed", err);
    }
  }
  if (!parts.length && run.details_markdown) parts.push(renderMarkdown(run.details_markdown));
  if (!parts.length && run.result) parts.push(h("pre", { class: "json" }, JSON.stringify(run.result, null, 2)));
  // which node a model name meant, when it could mean another (packages, versions)
  const notes = ((run.result && run.result.notes) || []).map((note) => h("p", { class: "muted note" }, note));
  return h("div", { class: "result" }, notes, parts);
}

export function runCard(run, { actions = [] } = {}) {
  const seconds = run.ended_at ? (new Date(run.ended_at) - new Date(run.started_at)) / 1000 : null;
  return h("section", { class: `run-card run-${run.status}`, dataset: { runId: run.run_id } },
    h("header", {},
      h("h3", {}, run.title || run.spec.type), statusBadge(run.status),
      run.mismatch === true ? h("span", { class: "badge mismatch" }, "mismatch") : null,
      run.mismatch === false && run.conclusive === false ? h("span", { class: "badge review" }, "a reviewer decides") : null,
      run.mismatch === false && run.conclusive !== false && run.spec.type !== "query" ? h("span", { class: "badge match" }, "no difference") : null,
      seconds !== null ? h("span", { class: "muted small" }, `${seconds.toFixed(2)} s`) : null,
      h("span", { class: "actions" }, actions)),
    run.headline ? h("p", { class: "headline" }, run.headline) : null,
    run.status === "running" ? h("progress", { max: 1, value: run.progress || 0 }) : null,
    run.error ? errorBox(run.error) : null,
    run.result ? resultView(run) : null);
}
