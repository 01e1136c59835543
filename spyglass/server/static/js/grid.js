// Result grids: a query's table; a query diff's base and current side by side with the rows that
// only one side has highlighted; keyed differences (query diff with a key, value-diff detail) with
// changed cells highlighted and added/removed rows coloured.
import { h, fmt } from "./dom.js";

const SHOWN = 200;

// The first SHOWN rows, and a button that renders the rest (long grids stay fast to open).
function capped(rows, render) {
  const body = h("tbody", {}, rows.slice(0, SHOWN).map(render));
  if (rows.length <= SHOWN) return [body];
  const more = h("button", { type: "button", class: "show-all" }, `Show all ${fmt(rows.length)} rows`);
  more.addEventListener("click", () => { body.append(...rows.slice(SHOWN).map((row, i) => render(row, i + SHOWN))); more.remove(); });
  return [body, h("tfoot", {}, h("tr", {}, h("td", { colspan: 999 }, more)))];
}

// Said under a grid whose stored rows were cut to fit the state file (`truncated` on the table).
export function cutNote(truncated, stored, total, what = "rows") {
  if (!truncated) return null;
  const text = stored < total
    ? `Only the first ${fmt(stored)} of ${fmt(total)} ${what} are stored: the result was cut to fit the state file.`
    : "Long values are shortened: the result was cut to fit the state file.";
  return h("p", { class: "muted small cut-note" }, text);
}

function cellsRow(values, cls = "", cellClass = () => "") {
  return h("tr", { class: cls }, values.map((v, i) => h("td", { class: `${typeof v === "number" ? "num" : ""} ${cellClass(i)}` }, fmt(v))));
}

function plainTable(columns, rows, rowClass = () => "") {
  return h("table", { class: "grid data" },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", {}, c)))),
    capped(rows, (row, r) => cellsRow(row, rowClass(row, r))));
}

// A DataTable: {columns: [{name, type}], rows: [[...]], more, total_row_count}.
export function dataTable(table, title = null, rowClass = () => "") {
  if (!table) return h("div", {}, title ? h("h4", {}, title) : null, h("p", { class: "muted" }, "No result."));
  const cols = table.columns.map((c) => c.name);
  return h("div", { class: "side" },
    h("h4", {}, title || "", h("span", { class: "muted small" },
      ` ${fmt(table.total_row_count)} row(s)${table.more ? `, first ${fmt(table.rows.length)} shown` : ""}`)),
    cutNote(table.truncated, table.rows.length, table.total_row_count),
    plainTable(cols, table.rows, rowClass));
}

// Keyed differences: {primary_key, columns, rows: [{key, status, changed_columns, base, current}], ...}.
export function diffRowsTable(diff) {
  const head = [...diff.primary_key, "", ...diff.columns];
  const render = (row) => {
    const values = diff.columns.map((c, i) => {
      const b = row.base ? row.base[i] : null;
      const cur = row.current ? row.current[i] : null;
      if (row.status === "changed" && row.changed_columns.includes(c)) return h("td", { class: "cell-changed" }, `${fmt(b)} → ${fmt(cur)}`);
      return h("td", { class: typeof (cur ?? b) === "number" ? "num" : "" }, fmt(row.status === "removed" ? b : cur));
    });
    return h("tr", { class: `row-${row.status}` }, row.key.map((k) => h("td", { class: "key" }, fmt(k))),
      h("td", {}, h("span", { class: `badge diff-${row.status}` }, row.status)), values);
  };
  return h("div", {},
    h("div", { class: "figures" },
      h("span", { class: "figure" }, h("b", {}, fmt(diff.added)), " added"),
      h("span", { class: "figure" }, h("b", {}, fmt(diff.removed)), " removed"),
      h("span", { class: "figure" }, h("b", {}, fmt(diff.changed)), " changed"),
      diff.more ? h("span", { class: "muted small" }, `first ${fmt(diff.rows.length)} shown`) : null),
    cutNote(diff.truncated, diff.rows.length, diff.added + diff.removed + diff.changed, "differing rows"),
    diff.rows.length ? h("table", { class: "grid data" }, h("thead", {}, h("tr", {}, head.map((c) => h("th", {}, c)))), capped(diff.rows, render))
      : h("p", { class: "muted" }, diff.truncated ? "No differing row is stored." : "No differing rows."));
}

function rowKey(columns, order, row) {
  return JSON.stringify(order.map((name) => row[columns.indexOf(name)]));
}

function queryDiffView(result) {
  if (result.keyed) return diffRowsTable(result.keyed);
  const parts = [];
  const onlyCols = [...(result.base_only_columns || []).map((c) => `${c} (base only)`), ...(result.current_only_columns || []).map((c) => `${c} (current only)`)];
  if (onlyCols.length) parts.push(h("p", { class: "muted small" }, `Columns on one side only: ${onlyCols.join(", ")}`));
  const ms = result.multiset;
  const removed = new Set();
  const added = new Set();
  if (ms) {
    parts.push(h("div", { class: "figures" },
      h("span", { class: "figure" }, h("b", {}, fmt(ms.only_in_base)), " row(s) only in base"),
      h("span", { class: "figure" }, h("b", {}, fmt(ms.only_in_current)), " row(s) only in current")),
      cutNote(ms.truncated, ms.rows.length, ms.differing, "differing rows"));
    for (const r of ms.rows) {
      const key = JSON.stringify(r.values);
      if (r.base_count > r.current_count) removed.add(key);
      if (r.current_count > r.base_count) added.add(key);
    }
  }
  const marker = (table, set, cls) => (row) => {
    if (!ms || !table) return "";
    const names = table.columns.map((c) => c.name);
    return set.has(rowKey(names, ms.columns, row)) ? cls : "";
  };
  parts.push(h("div", { class: "side-by-side" },
    dataTable(result.base, "Base", marker(result.base, removed, "row-removed")),
    dataTable(result.current, "Current", marker(result.current, added, "row-added"))));
  return h("div", {}, parts);
}

export function dataGrid(result) {
  if (!result) return null;
  if (result.kind === "query") return dataTable(result.table, result.env === "base" ? "Base" : "Current");
  if (result.kind === "query_diff") return queryDiffView(result);
  if (result.kind === "value_diff_detail") return diffRowsTable(result.diff);
  return null;
}
