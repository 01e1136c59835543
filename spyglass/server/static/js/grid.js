// Result grids: a query's table; a query diff's rows (inline in one table or base and current side by
// side, all rows or the changed ones only) with the rows only one side has highlighted; keyed
// differences (query diff with a key, value-diff detail) with changed cells highlighted and added/removed
// rows coloured.
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

// A DataTable: {columns: [{name, type}], rows: [[...]], more, total_row_count}; `keep` filters the rows shown.
export function dataTable(table, title = null, rowClass = () => "", keep = null) {
  if (!table) return h("div", {}, title ? h("h4", {}, title) : null, h("p", { class: "muted" }, "No result."));
  const cols = table.columns.map((c) => c.name);
  const rows = keep ? table.rows.filter(keep) : table.rows;
  return h("div", { class: "side" },
    h("h4", {}, title || "", h("span", { class: "muted small" },
      ` ${fmt(table.total_row_count)} row(s)${table.more ? `, first ${fmt(table.rows.length)} shown` : ""}`
      + (keep ? `, ${fmt(rows.length)} differing` : ""))),
    cutNote(table.truncated, table.rows.length, table.total_row_count),
    plainTable(cols, rows, rowClass));
}

function statusCell(status) {
  return h("td", { class: "status" }, status === "same" ? "" : h("span", { class: `badge diff-${status}` }, status));
}

// One keyed row, inline ("b → c" in a changed cell) or paired (a base and a current cell per column).
function keyedRow(diff, columns, paired) {
  return (row) => {
    const cells = columns.flatMap((c) => {
      const i = diff.columns.indexOf(c);
      const b = row.base ? row.base[i] : null;
      const cur = row.current ? row.current[i] : null;
      const changed = row.status === "changed" && row.changed_columns.includes(c);
      const num = typeof (cur ?? b) === "number" ? "num" : "";
      if (paired) {
        return [h("td", { class: `pair-base ${num} ${changed ? "cell-changed" : ""}` }, row.base ? fmt(b) : ""),
          h("td", { class: `pair-current ${num} ${changed ? "cell-changed" : ""}` }, row.current ? fmt(cur) : "")];
      }
      if (changed) return [h("td", { class: "cell-changed" }, `${fmt(b)} → ${fmt(cur)}`)];
      return [h("td", { class: num }, fmt(row.status === "removed" ? b : cur))];
    });
    return h("tr", { class: `row-${row.status}` }, row.key.map((k) => h("td", { class: "key" }, fmt(k))), statusCell(row.status), cells);
  };
}

function keyedHead(diff, columns, paired) {
  const status = h("th", { class: "status", rowspan: paired ? 2 : null }, "");
  const keys = diff.primary_key.map((c) => h("th", { rowspan: paired ? 2 : null }, c));
  if (!paired) return h("thead", {}, h("tr", {}, keys, status, columns.map((c) => h("th", {}, c))));
  return h("thead", {},
    h("tr", {}, keys, status, columns.map((c) => h("th", { colspan: 2 }, c))),
    h("tr", {}, columns.flatMap(() => [h("th", { class: "pair-side" }, "base"), h("th", { class: "pair-side" }, "current")])));
}

// Keyed differences: {primary_key, columns, rows: [{key, status, changed_columns, base, current}], ...}.
// `columns` narrows the value columns shown; `paired` shows base and current side by side per column.
export function diffRowsTable(diff, { columns = diff.columns, paired = false } = {}) {
  return h("div", {},
    h("div", { class: "figures" },
      h("span", { class: "figure" }, h("b", {}, fmt(diff.added)), " added"),
      h("span", { class: "figure" }, h("b", {}, fmt(diff.removed)), " removed"),
      h("span", { class: "figure" }, h("b", {}, fmt(diff.changed)), " changed"),
      diff.more ? h("span", { class: "muted small" }, `first ${fmt(diff.rows.length)} shown`) : null),
    cutNote(diff.truncated, diff.rows.length, diff.added + diff.removed + diff.changed, "differing rows"),
    diff.rows.length
      ? h("div", { class: "grid-scroll" }, h("table", { class: `grid data ${paired ? "paired" : ""}` },
        keyedHead(diff, columns, paired), capped(diff.rows, keyedRow(diff, columns, paired))))
      : h("p", { class: "muted" }, diff.truncated ? "No differing row is stored." : "No differing rows."));
}

function rowKey(columns, order, row) {
  return JSON.stringify(order.map((name) => row[columns.indexOf(name)]));
}

function compareValues(x = null, y = null) {
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  if (typeof x === "number" && typeof y === "number") return x - y;
  return String(x).localeCompare(String(y));
}

const SIDE_ORDER = { removed: 0, same: 1, added: 2 };

// By the first column, then the base row before the current one (a changed row reads as a pair), then the rest.
function compareRows(a, b) {
  const first = compareValues(a.values[0], b.values[0]) || SIDE_ORDER[a.status] - SIDE_ORDER[b.status];
  if (first) return first;
  for (let i = 1; i < Math.max(a.values.length, b.values.length); i++) {
    const order = compareValues(a.values[i], b.values[i]);
    if (order) return order;
  }
  return 0;
}

// Without a key, inline: both sides' rows in one table, sorted by value, the rows of one side only marked.
function mergedTable(result, marks, changedOnly) {
  const names = [...new Set([...(result.current || result.base).columns.map((c) => c.name),
    ...(result.base ? result.base.columns.map((c) => c.name) : [])])];
  const sideRows = (table, status, set) => (table ? table.rows.map((row) => {
    const own = table.columns.map((c) => c.name);
    const marked = marks.active && set.has(rowKey(own, marks.columns, row));
    return { status: marked ? status : "same", values: names.map((n) => (own.includes(n) ? row[own.indexOf(n)] : null)) };
  }) : []);
  const rows = [...sideRows(result.current, "added", marks.added), ...sideRows(result.base, "removed", marks.removed)
    .filter((r) => r.status === "removed" || !result.current)]
    .filter((r) => !changedOnly || r.status !== "same")
    .sort(compareRows);
  return h("div", { class: "grid-scroll" }, h("table", { class: "grid data merged" },
    h("thead", {}, h("tr", {}, h("th", { class: "status" }, ""), names.map((c) => h("th", {}, c)))),
    capped(rows, (row) => h("tr", { class: `row-${row.status}` }, statusCell(row.status),
      row.values.map((v) => h("td", { class: typeof v === "number" ? "num" : "" }, fmt(v)))))));
}

function multisetMarks(ms) {
  const marks = { active: Boolean(ms), columns: ms ? ms.columns : [], removed: new Set(), added: new Set() };
  for (const r of ms ? ms.rows : []) {
    const key = JSON.stringify(r.values);
    if (r.base_count > r.current_count) marks.removed.add(key);
    if (r.current_count > r.base_count) marks.added.add(key);
  }
  return marks;
}

function multisetView(result, state) {
  const ms = result.multiset;
  const marks = multisetMarks(ms);
  if (state.mode === "inline" && (result.base || result.current)) return mergedTable(result, marks, state.changedOnly);
  const marked = (table, set) => (row) => marks.active && set.has(rowKey(table.columns.map((c) => c.name), marks.columns, row));
  const side = (table, title, set, cls) => dataTable(table, title, (row) => (table && marked(table, set)(row) ? cls : ""),
    table && state.changedOnly ? marked(table, set) : null);
  return h("div", { class: "side-by-side" },
    side(result.base, "Base", marks.removed, "row-removed"), side(result.current, "Current", marks.added, "row-added"));
}

function keyedView(diff, state) {
  const changed = diff.columns.filter((c) => diff.rows.some((r) => (r.changed_columns || []).includes(c)));
  return diffRowsTable(diff, { columns: state.changedOnly ? changed : diff.columns, paired: state.mode === "side-by-side" });
}

// "Changed only" and Inline / Side by side above a query diff's rows; the rows are redrawn on a change.
function withControls(render, hint) {
  const state = { changedOnly: false, mode: "inline" };
  const body = h("div", { class: "grid-body" });
  const draw = () => body.replaceChildren(render(state));
  const modes = h("span", { class: "segmented", role: "group", "aria-label": "Rows layout" },
    [["inline", "Inline"], ["side-by-side", "Side by side"]].map(([mode, label]) => h("button", {
      type: "button", class: "mode", "data-mode": mode, "aria-pressed": String(state.mode === mode),
      onclick: () => {
        state.mode = mode;
        for (const b of modes.children) b.setAttribute("aria-pressed", String(b.dataset.mode === mode));
        draw();
      } }, label)));
  const only = h("input", { type: "checkbox", class: "changed-only",
    onchange: (e) => { state.changedOnly = e.target.checked; draw(); } });
  draw();
  return h("div", { class: "query-diff" },
    h("div", { class: "grid-controls" }, h("label", { title: hint }, only, "Changed only"), modes), body);
}

function queryDiffView(result) {
  const parts = [];
  const onlyCols = [...(result.base_only_columns || []).map((c) => `${c} (base only)`), ...(result.current_only_columns || []).map((c) => `${c} (current only)`)];
  if (onlyCols.length) parts.push(h("p", { class: "muted small" }, `Columns on one side only: ${onlyCols.join(", ")}`));
  if (result.keyed) {
    parts.push(withControls((state) => keyedView(result.keyed, state),
      "With a key only the differing rows are kept; this also hides the columns without a changed value."));
    return h("div", {}, parts);
  }
  const ms = result.multiset;
  if (ms) {
    parts.push(h("div", { class: "figures" },
      h("span", { class: "figure" }, h("b", {}, fmt(ms.only_in_base)), " row(s) only in base"),
      h("span", { class: "figure" }, h("b", {}, fmt(ms.only_in_current)), " row(s) only in current")),
      cutNote(ms.truncated, ms.rows.length, ms.differing, "differing rows"));
  }
  parts.push(withControls((state) => multisetView(result, state), "Only the rows that one side has and the other lacks."));
  return h("div", {}, parts);
}

export function dataGrid(result) {
  if (!result) return null;
  if (result.kind === "query") return dataTable(result.table, result.env === "base" ? "Base" : "Current");
  if (result.kind === "query_diff") return queryDiffView(result);
  if (result.kind === "value_diff_detail") return diffRowsTable(result.diff);
  return null;
}
