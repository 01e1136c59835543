// A profile diff: one row per column, each statistic as "base → current" where it differs (highlighted),
// the model's row count said once when it changed (not a change of every column).
import { h, fmt } from "./dom.js";

const STATISTICS = [["row_count", "Rows"], ["nulls", "Nulls"], ["distinct", "Distinct"], ["unique", "Unique"],
  ["min", "Min"], ["max", "Max"], ["avg", "Avg"], ["median", "Median"]];
const NUMERIC = new Set(["integer", "number"]);

// A number the warehouse wrote as text (a numeric column's min or max), grouped like the counts: 10,000.5.
export function groupedText(text) {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  return match ? `${match[1]}${Number(match[2]).toLocaleString("en-US")}${match[3] || ""}` : text;
}

function shown(value, numeric) {
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string" && numeric) return groupedText(value);
  return fmt(value);
}

function same(a, b) {
  if (typeof a === "number" && typeof b === "number") {
    return Math.abs(a - b) <= Math.max(1e-12, 1e-9 * Math.max(Math.abs(a), Math.abs(b)));
  }
  return (a ?? null) === (b ?? null);
}

// The model's row count on each side, from any column there (the same in every column of a side).
export function rowCounts(result) {
  const side = (key) => (result.columns || []).map((c) => c[key]).find(Boolean);
  const base = side("base");
  const current = side("current");
  return [base ? base.row_count : null, current ? current.row_count : null];
}

function cell(column, key, rowsChanged) {
  const numeric = [column.base_type, column.current_type].filter(Boolean).every((t) => NUMERIC.has(t));
  const b = column.base ? column.base[key] : undefined;
  const c = column.current ? column.current[key] : undefined;
  const present = column.base && column.current;
  if (present && same(b, c)) return h("td", { class: "num", dataset: { stat: key } }, shown(b, numeric));
  if (!present && (b ?? c ?? null) === null) return h("td", { class: "num", dataset: { stat: key } }, "—");
  const countOnly = key === "row_count" && rowsChanged && present;
  return h("td", { class: `num ${countOnly ? "count-only" : "cell-diff"}`, dataset: { stat: key } },
    h("span", { class: "from" }, column.base ? shown(b, numeric) : "—"), h("span", { class: "arrow" }, " → "),
    h("span", { class: "to" }, column.current ? shown(c, numeric) : "—"));
}

function nameCell(column) {
  const retyped = column.base_type && column.current_type && column.base_type !== column.current_type;
  const type = !column.base ? `only in current · ${column.current_type || ""}`
    : !column.current ? `only in base · ${column.base_type || ""}`
      : retyped ? `${column.base_type} → ${column.current_type}` : column.current_type || "";
  return h("th", { scope: "row", class: "col-name" }, column.name,
    h("div", { class: `muted small${retyped || !column.base || !column.current ? " cell-diff" : ""}` }, type));
}

export function profileView(result) {
  if (!result.base_present || !result.current_present) return null;  // the headline says it all
  const [base, current] = rowCounts(result);
  const rowsChanged = base !== null && current !== null && base !== current;
  const rows = (result.columns || []).map((column) => h("tr", {
    class: column.changed ? "col-differs" : "", dataset: { column: column.name } },
  nameCell(column), STATISTICS.map(([key]) => cell(column, key, rowsChanged))));
  return h("div", { class: "profile-view" },
    rowsChanged ? h("p", { class: "count-only-line" }, `Row count ${fmt(base)} → ${fmt(current)} in every column`,
      h("span", { class: "muted" }, " (the model's, not counted as a column difference)")) : null,
    result.approx ? h("p", { class: "muted small" }, "Approximate distinct counts and medians.") : null,
    h("div", { class: "table-scroll" }, h("table", { class: "grid profile-table" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Column"),
        STATISTICS.map(([, label]) => h("th", { scope: "col", class: "num" }, label)))),
      h("tbody", {}, rows))));
}
