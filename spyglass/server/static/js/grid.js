// A result grid: one table, or base/current side by side with changed cells and added/removed rows
// highlighted. Works on the shapes the query, query-diff and value-diff-detail results use.
import { h, fmt } from "./dom.js";

function names(columns) {
  return (columns || []).map((c) => (typeof c === "string" ? c : c.name));
}

function table(columns, rows, { rowClass = () => "", cellClass = () => "" } = {}) {
  const cols = names(columns);
  return h("table", { class: "grid data" },
    h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, c)))),
    h("tbody", {}, (rows || []).map((row, r) => {
      const values = Array.isArray(row) ? row : cols.map((c) => row[c]);
      return h("tr", { class: rowClass(row, r) },
        values.map((v, i) => h("td", { class: `${typeof v === "number" ? "num" : ""} ${cellClass(row, r, i)}` }, fmt(v))));
    })));
}

function sideGrid(side, title) {
  if (!side) return h("div", {}, h("h4", {}, title), h("p", { class: "muted" }, "Not run."));
  const rows = side.rows || side.data || [];
  return h("div", { class: "side" }, h("h4", {}, title,
    h("span", { class: "muted small" }, ` ${fmt(side.total_rows ?? side.row_count ?? rows.length)} rows${side.more ? " (first shown)" : ""}`)),
  table(side.columns, rows));
}

// Rows with a status (added / removed / changed) and optionally the list of changed columns.
function statusRows(result) {
  const rows = result.rows || result.diff_rows || [];
  const cols = names(result.columns);
  const statusOf = (row) => (Array.isArray(row) ? null : row.status || row._status || row.change);
  const changedOf = (row) => (Array.isArray(row) ? [] : row.changed_columns || row.changed || []);
  return table(cols, rows, {
    rowClass: (row) => `row-${statusOf(row) || ""}`,
    cellClass: (row, r, i) => (changedOf(row).includes(cols[i]) ? "cell-changed" : ""),
  });
}

export function dataGrid(result) {
  if (!result) return null;
  if (result.base !== undefined || result.current !== undefined) {
    const parts = [];
    if (result.rows || result.diff_rows) parts.push(h("h4", {}, "Differences"), statusRows(result));
    parts.push(h("div", { class: "side-by-side" }, sideGrid(result.base, "Base"), sideGrid(result.current, "Current")));
    return h("div", {}, parts);
  }
  if (result.columns && (result.rows || result.data)) {
    const rows = result.rows || result.data;
    const first = rows[0];
    if (first && !Array.isArray(first) && (first.status || first.changed_columns)) return statusRows(result);
    return h("div", {}, h("div", { class: "muted small" },
      `${fmt(result.total_rows ?? result.row_count ?? rows.length)} rows${result.more ? " (first shown)" : ""}`),
    table(result.columns, rows));
  }
  return null;
}
