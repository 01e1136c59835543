// The node panel's "Change" section: the category of the change, its reasons in plain words, what it can
// affect downstream, and the node's columns (changed, impacted, how each is made). A column's name is a
// button: it asks the page to show that column's lineage on the graph.
import { h, breakable } from "./dom.js";
import { inline } from "./markdown.js";

const CATEGORY_LABEL = {
  breaking: "breaking", partial_breaking: "partial breaking", non_breaking: "non-breaking", unknown: "unknown",
};
const CATEGORY_HINT = {
  breaking: "every row may change: everything downstream is affected",
  partial_breaking: "some existing columns change or disappear: what is derived from them is affected",
  non_breaking: "only additions, or no change to the data: nothing downstream is affected",
  unknown: "Spyglass could not tell what this change does",
};
const CHANGE_HINT = {
  added: "New in current: everything it makes is new.",
  removed: "Only in base: whatever read from it is affected.",
  impacted: "Unchanged, but an upstream change can affect it.",
};
const LISTED = 20;

export function categoryBadge(category) {
  return h("span", { class: `badge category cat-${category}`, title: CATEGORY_HINT[category] || "" },
    CATEGORY_LABEL[category] || category);
}

// The env whose SQL explains a column: base for what only base has.
export function columnEnv(detail, column) {
  return detail.status === "removed" || column.change === "removed" ? "base" : "current";
}

function more(total, shown) {
  return total > shown ? h("li", { class: "muted" }, `+${(total - shown).toLocaleString("en-US")} more`) : null;
}

function downstream(impact) {
  if (impact.change === "impacted" || !impact.impacted_columns_total && !impact.impacted_nodes_total) return null;
  const nodes = impact.impacted_nodes_total;
  const columns = impact.impacted_columns_total;
  return h("div", { class: "impact-downstream" },
    h("p", { class: "small" }, `Can affect ${columns.toLocaleString("en-US")} downstream column(s) in `
      + `${nodes.toLocaleString("en-US")} node(s)${impact.exposures.length ? `, and the exposure(s) ${impact.exposures.join(", ")}` : ""}.`),
    h("ul", { class: "impacted-columns small mono" },
      impact.impacted_columns.slice(0, LISTED).map((c) => h("li", {}, breakable(c))), more(columns, Math.min(LISTED, impact.impacted_columns.length))));
}

function summary(detail) {
  const impact = detail.impact;
  if (!impact) return [h("p", { class: "muted small", id: "change-summary" }, "No change in this project can affect this node.")];
  const head = impact.category
    ? h("p", { id: "change-summary" }, categoryBadge(impact.category), " ", h("span", { class: "muted small" }, CATEGORY_HINT[impact.category] || ""))
    : h("p", { id: "change-summary", class: "small" }, CHANGE_HINT[impact.change] || impact.change,
      impact.whole_node ? " Every column may be affected." : "");
  return [head,
    impact.reasons.length ? h("ul", { class: "change-reasons", id: "change-reasons" }, impact.reasons.map((r) => h("li", {}, inline(r)))) : null,
    downstream(impact)];
}

// Every column of the node is touched: every row may change, or the whole node is new or gone.
export function wholeNodeAffected(node) {
  return Boolean(node.whole_node || node.category === "breaking" || node.category === "unknown"
    || node.change === "added" || node.change === "removed");
}

function columnRow(detail, column, onColumn) {
  const classes = [`lc-${column.change || "unchanged"}`];
  if (column.impacted) classes.push("lc-impacted");
  if (!column.change && !column.impacted && !wholeNodeAffected(detail)) classes.push("lc-unaffected");
  const marks = [
    column.change ? h("span", { class: `badge diff-${column.change === "modified" ? "changed" : column.change}` }, column.change) : null,
    column.impacted ? h("span", { class: "badge node-impacted" }, "impacted") : null,
  ];
  return h("tr", { class: classes.join(" "), "data-column": column.name },
    h("td", {}, h("button", { type: "button", class: "col-link", "data-column": column.name,
      title: `Show the lineage of ${column.name} on the graph`,
      onclick: () => onColumn(column.name, columnEnv(detail, column)) }, column.name)),
    h("td", {}, marks),
    h("td", { class: "muted" }, column.transformation || "—"),
    h("td", { class: "small mono" }, column.upstream.length
      ? column.upstream.flatMap((u, i) => (i ? [", ", breakable(u)] : [breakable(u)])) : "—"));
}

function columnsTable(detail, onColumn) {
  if (!detail.lineage_columns.length) {
    return h("p", { class: "muted small" }, detail.lineage_reason
      ? `Column lineage unknown: ${detail.lineage_reason}` : "No columns known for this node.");
  }
  const shown = detail.lineage_columns.length;
  return h("div", {},
    detail.lineage_reason ? h("p", { class: "muted small" }, `Column lineage unknown: ${detail.lineage_reason}`) : null,
    h("table", { class: "grid change-columns", id: "change-columns" },
      h("thead", {}, h("tr", {}, h("th", {}, "Column"), h("th", {}, "Change"), h("th", {}, "Made as"), h("th", {}, "From"))),
      h("tbody", {}, detail.lineage_columns.map((c) => columnRow(detail, c, onColumn)))),
    detail.lineage_columns_total > shown
      ? h("p", { class: "muted small" }, `First ${shown} of ${detail.lineage_columns_total} columns.`) : null,
    h("p", { class: "muted small" }, "Click a column to see where it comes from and what reads it."));
}

export function changeSection(detail, { onColumn }) {
  return h("section", { class: "change-section", id: "change-section" },
    h("h3", {}, "Change"), summary(detail),
    h("h3", {}, "Columns"), columnsTable(detail, onColumn),
    h("div", { id: "column-lineage", class: "column-lineage" }));
}
