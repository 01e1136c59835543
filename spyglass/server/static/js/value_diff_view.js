// A value diff: the row counts, where the changes are, and the per-column table (fits a narrow panel,
// sorts by a header click, copies as TSV; a column's mismatch count opens its mismatching rows).
import { h, fmt, pct, clear } from "./dom.js";
import { inline } from "./markdown.js";

const DRILL_SHOWN = 100;
const HEADERS = [["column", "Column", "The compared column (its types when they differ)"],
  ["mismatched", "Differing", "Rows on both sides whose value differs: click a count to list them"],
  ["matched_p", "Matched %", "Share of the rows on both sides whose value matches"],
  ["example_key", "Example key", "The smallest key whose value differs"]];

function matchedShare(c) {
  const total = (c.matched ?? 0) + (c.mismatched ?? 0);
  return total ? c.matched / total : null;
}

// The params of a value-diff detail listing the rows where `column` differs (the value diff's own key,
// filter, tolerances and sample; only that column compared).
export function drillSpec(spec, column) {
  const params = { ...(spec && spec.params), columns: [column] };
  delete params.assume_unique_key;  // a detail always checks its key
  delete params.segments;
  return { type: "value_diff_detail", params };
}

export function columnsTsv(columns) {
  const clean = (v) => String(v ?? "").replace(/[\t\r\n]+/g, " ");
  const head = ["column", "base_type", "current_type", "matched", "mismatched", "matched_percent", "example_key"];
  const rows = columns.map((c) => [c.column, c.base_type, c.current_type, c.matched, c.mismatched,
    c.matched_p === null ? "" : (100 * c.matched_p).toFixed(2),
    c.example_key === null || c.example_key === undefined ? "" : c.example_key].map(clean).join("\t"));
  return [head.join("\t"), ...rows].join("\n");
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const area = h("textarea", { class: "copy-buffer", readonly: true });
  area.value = text;
  document.body.append(area);
  area.select();
  const done = document.execCommand("copy");
  area.remove();
  if (!done) throw new Error("copy refused");
  return undefined;
}

function copyButton(columns) {
  const button = h("button", { type: "button", class: "copy-table", title: "Copy the table as tab-separated values" }, "Copy");
  button.addEventListener("click", async () => {
    try {
      await copyText(columnsTsv(columns));
      button.textContent = "Copied ✓";
    } catch {
      button.textContent = "Copy failed: select the table and press Ctrl+C";
    }
    setTimeout(() => { button.textContent = "Copy"; }, 2500);
  });
  return button;
}

function drillRows(run, column) {
  const diff = run.result.diff;
  const at = diff.columns.indexOf(column);
  const rows = diff.rows.filter((r) => r.status === "changed" && r.changed_columns.includes(column));
  const more = diff.more ? " (the first differing rows only: more rows differ)" : "";
  const row = (r) => h("tr", {}, r.key.map((k) => h("td", { class: "key" }, fmt(k))),
    h("td", { class: "cell-diff" }, fmt(r.base[at])), h("td", { class: "cell-diff" }, fmt(r.current[at])));
  const body = h("tbody", {}, rows.slice(0, DRILL_SHOWN).map(row));
  const rest = rows.length > DRILL_SHOWN ? h("button", { type: "button", class: "show-all", onclick: () => {
    body.append(...rows.slice(DRILL_SHOWN).map(row));
    rest.remove();
  } }, `Show all ${fmt(rows.length)} rows`) : null;
  return h("div", { class: "drill-rows" },
    h("p", { class: "small" }, `${fmt(rows.length)} row(s) where `, h("code", {}, column), ` differs${more}:`),
    rows.length ? h("table", { class: "grid drill-table" },
      h("thead", {}, h("tr", {}, diff.primary_key.map((k) => h("th", {}, k)), h("th", {}, "Base"), h("th", {}, "Current"))), body)
      : h("p", { class: "muted small" }, "No row of the listed ones differs in this column."),
    rest);
}

function drillOutcome(run, column) {
  if (run && run.status === "success" && run.result && run.result.diff) return drillRows(run, column);
  const error = (run && run.error) || { message: "The mismatching rows could not be listed." };
  return h("div", { class: "error-box", role: "alert" }, h("strong", {}, inline(error.message || "")),
    error.remedy ? h("div", { class: "remedy" }, inline(error.remedy)) : null);
}

async function drill(area, onDrill, spec, column) {
  clear(area).append(h("div", { class: "running" }, h("span", { class: "spinner" }), `Listing the rows where ${column} differs…`));
  area.dataset.column = column;
  try {
    const run = await onDrill(column, drillSpec(spec, column));
    if (area.dataset.column !== column) return;  // another column was asked for meanwhile
    if (run === undefined) clear(area);
    else clear(area).append(drillOutcome(run, column));
  } catch (err) {
    clear(area).append(drillOutcome({ error: { message: err.message || String(err), remedy: err.remedy } }, column));
  }
}

function mismatchCell(c, onDrill, spec, area) {
  if (!c.mismatched || !onDrill) return h("td", { class: "num" }, fmt(c.mismatched));
  return h("td", { class: "num" }, h("button", { type: "button", class: "drill", title: `Show the rows where ${c.column} differs`,
    onclick: () => drill(area, onDrill, spec, c.column) }, fmt(c.mismatched)));
}

function columnRow(c, onDrill, spec, area) {
  const retyped = c.base_type && c.current_type && c.base_type !== c.current_type;
  return h("tr", { class: c.mismatched > 0 ? "changed" : "", dataset: { column: c.column } },
    h("td", { class: "col-name" }, c.column,
      retyped ? h("div", { class: "muted small" }, `${c.base_type} → ${c.current_type}`) : null),
    mismatchCell(c, onDrill, spec, area),
    h("td", { class: "num" }, c.matched_p === null ? "—" : pct(c.matched_p)),
    h("td", { class: "example-key" }, fmt(c.example_key)));
}

function compare(key, a, b) {
  const x = a[key] ?? (key === "matched_p" ? 2 : null);
  const y = b[key] ?? (key === "matched_p" ? 2 : null);
  if (typeof x === "number" && typeof y === "number") return x - y;
  return String(x ?? "").localeCompare(String(y ?? ""));
}

function sortableHead([key, label, hint], state, redraw) {
  const sorted = state.key === key ? (state.dir > 0 ? "ascending" : "descending") : "none";
  return h("th", { scope: "col", "aria-sort": sorted, class: `col-${key.replace("_", "-")}` },
    h("button", { type: "button", class: "sort", title: `${hint} (click to sort)`, onclick: () => {
      state.dir = state.key === key ? -state.dir : 1;
      state.key = key;
      redraw();
    } }, label, h("span", { class: "sort-mark", "aria-hidden": "true" }, sorted === "none" ? "" : state.dir > 0 ? " ▲" : " ▼")));
}

export function columnsTable(columns, { onDrill = null, spec = null } = {}) {
  const items = columns.map((c) => ({ ...c, matched_p: matchedShare(c) }));
  const state = { key: null, dir: 1 };
  const area = h("div", { class: "drill-area" });
  const table = h("table", { class: "grid value-columns" });
  const redraw = () => {
    const rows = state.key ? [...items].sort((a, b) => state.dir * compare(state.key, a, b)) : items;
    clear(table).append(
      h("colgroup", {}, h("col", { class: "w-name" }), h("col", { class: "w-num" }), h("col", { class: "w-num" }), h("col", { class: "w-key" })),
      h("thead", {}, h("tr", {}, HEADERS.map((header) => sortableHead(header, state, redraw)))),
      h("tbody", {}, rows.map((c) => columnRow(c, onDrill, spec, area))));
  };
  redraw();
  return h("div", { class: "value-columns-wrap" },
    h("div", { class: "table-tools" }, h("span", { class: "muted small" }, "Per column, on the rows in both sides"), copyButton(items)),
    table, area);
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

// The row counts are the run's headline ("0 added, 500 removed, 500 of 9,500 changed"): not repeated here.
export function valueDiffView(result, { run = null, onDrill = null } = {}) {
  // a sample's counts (result.sample: the same keys on both sides); its rates and intervals are in the headline
  const sampled = result.sample && typeof result.sample.fraction === "number"
    ? h("p", { class: "muted small sampled" }, `Sampled: ${pct(result.sample.fraction)} of the keys (the same keys `
      + "on both sides). The counts are the sample's; a sample without difference proves none.") : null;
  const only = (side, names) => (names || []).length
    ? h("p", { class: "muted small" }, `Only in ${side} (not compared): ${names.join(", ")}`) : null;
  return h("div", { class: "value-diff-view" }, sampled,  // the counts are the headline's
    segmentList(result.segments || []), only("base", result.base_only_columns), only("current", result.current_only_columns),
    (result.columns || []).length ? columnsTable(result.columns, { onDrill, spec: run && run.spec }) : null);
}
