// Views of a run's result, per check type, with the Markdown details as the fallback; and the run card
// around them: one verdict badge, one headline, notes and errors as Markdown (never a class name).
import { h, fmt, pct, statusBadge } from "./dom.js";
import { overlaidBars, sideBySideBars } from "./charts.js";
import { inline, renderMarkdown } from "./markdown.js";
import { dataGrid } from "./grid.js";
import { profileView } from "./profile_view.js";
import { valueDiffView } from "./value_diff_view.js";

// "Top 10 of status"; fewer values than K means the column has no more: "Top 4 of status (all values)".
export function topKTitle(result) {
  const n = (result.values || []).length;
  if (n < result.k) return `Top ${n} of ${result.column_name} (all values)`;
  if (n > result.k) return `Top ${result.k} of ${result.column_name} (${n} values: either side's top ${result.k})`;
  return `Top ${result.k} of ${result.column_name}`;
}

function topKView(result) {
  const rows = (result.values || []).map((v) => ({ label: v.value, base: v.base_count, current: v.current_count,
    baseShare: v.base_share, currentShare: v.current_share }));
  const nulls = [result.base, result.current].map((side) => (side ? side.row_count - side.non_null : null));
  return sideBySideBars(rows, { title: topKTitle(result),
    note: `Shares are of the non-null rows. Nulls: base ${fmt(nulls[0])}, current ${fmt(nulls[1])}.` });
}

function histogramView(result) {
  const base = result.base ? result.base.counts : [];
  const current = result.current ? result.current.counts : [];
  const labels = result.labels || [];
  const b = labels.map((_, i) => base[i] ?? 0);
  const c = labels.map((_, i) => current[i] ?? 0);
  const differing = labels.map((label, i) => [label, b[i], c[i]]).filter(([, x, y]) => x !== y);
  return h("div", { class: "histogram-view" },
    overlaidBars(labels, b, c, { title: `Histogram of ${result.column_name}${result.unit ? ` (by ${result.unit})` : ""}` }),
    differing.length ? h("p", { class: "small differing-bins" }, h("b", {}, `Bins that differ (${differing.length} of ${labels.length}): `),
      differing.map(([label, x, y]) => `${label} (${fmt(x)} → ${fmt(y)})`).join("; "))
      : h("p", { class: "muted small differing-bins" }, `No bin differs (${labels.length} bins).`));
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

// options.onDrill(column, spec): a value diff's mismatch count was clicked; run `spec` (a value_diff_detail
// of that column) and resolve to its run (shown under the table), or to undefined (the caller shows it).
export function resultView(run, { onDrill = null } = {}) {
  const parts = [];
  const view = run.result ? VIEWS[run.result.kind] : null;
  if (view) {
    try {
      const el = view(run.result, { run, onDrill });
      if (el) parts.push(el);
    } catch (err) {
      console.warn("result view failed", err);
    }
  }
  if (!parts.length && run.details_markdown) parts.push(renderMarkdown(run.details_markdown));
  if (!parts.length && run.result) parts.push(h("pre", { class: "json" }, JSON.stringify(run.result, null, 2)));
  // which node a model name meant, when it could mean another (packages, versions)
  const notes = ((run.result && run.result.notes) || []).map((note) => h("p", { class: "muted note" }, inline(note)));
  return h("div", { class: "result" }, notes, parts);
}

// The one badge of a run: its verdict when it succeeded with one, else its status.
export function verdictBadge(run) {
  if (run.status === "success" && run.mismatch === true) return h("span", { class: "badge verdict mismatch" }, "mismatch");
  if (run.status === "success" && run.mismatch === false && run.conclusive === false) {
    return h("span", { class: "badge verdict review" }, "a reviewer decides");
  }
  if (run.status === "success" && run.mismatch === false && run.spec.type !== "query") {
    return h("span", { class: "badge verdict match" }, "no difference");
  }
  return statusBadge(run.status, "verdict");
}

// A run's error: what went wrong and what to do, as Markdown (its class name is for logs, never shown).
export function runError(error) {
  return h("div", { class: "error-box", role: "alert" }, h("strong", {}, inline(error.message || "The check failed.")),
    error.remedy ? h("div", { class: "remedy" }, inline(error.remedy)) : null);
}

export function runCard(run, { actions = [], onDrill = null } = {}) {
  const seconds = run.ended_at ? (new Date(run.ended_at) - new Date(run.started_at)) / 1000 : null;
  return h("section", { class: `run-card run-${run.status}`, dataset: { runId: run.run_id } },
    h("header", {},
      h("h3", {}, run.title || run.spec.type), verdictBadge(run),
      seconds !== null ? h("span", { class: "muted small" }, `${seconds.toFixed(2)} s`) : null,
      h("span", { class: "actions" }, actions)),
    run.headline ? h("p", { class: "headline" }, inline(run.headline)) : null,
    run.status === "running" ? h("progress", { max: 1, value: run.progress || 0 }) : null,
    run.error ? runError(run.error) : null,
    run.result ? resultView(run, { onDrill }) : null);
}
