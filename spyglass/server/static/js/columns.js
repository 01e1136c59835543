// Overlays on the lineage graph, added to the drawn nodes and edges by class only:
// - column focus: one column's lineage (upstream and downstream, across models) highlighted, the rest dimmed;
// - impact: every node no change can affect dimmed, with the affected columns listed.
import { h } from "./dom.js";
import { categoryBadge, wholeNodeAffected } from "./change.js";

// the most nodes the impact list names
const LISTED = 50;
const FOCUS_CLASSES = ["cl-origin", "cl-upstream", "cl-downstream", "cl-off"];

// unique id -> "origin" / "upstream" / "downstream" of a column-lineage view
function focusRoles(view) {
  const roles = new Map();
  for (const hop of view.upstream) roles.set(hop.unique_id, "upstream");
  for (const hop of view.downstream) if (!roles.has(hop.unique_id)) roles.set(hop.unique_id, "downstream");
  roles.set(view.unique_id, "origin");
  return roles;
}

function applyFocus(canvas, view) {
  const roles = view ? focusRoles(view) : null;
  canvas.classList.toggle("column-focus", Boolean(roles));
  canvas.querySelectorAll(".node").forEach((el) => {
    el.classList.remove(...FOCUS_CLASSES);
    if (roles) el.classList.add(`cl-${roles.get(el.dataset.id) || "off"}`);
  });
  canvas.querySelectorAll(".edge").forEach((el) => {
    el.classList.toggle("cl-on", Boolean(roles && roles.has(el.dataset.parent) && roles.has(el.dataset.child)));
  });
}

function applyImpact(canvas, graph, on) {
  const affected = new Set(graph.nodes.filter((n) => n.change).map((n) => n.unique_id));
  canvas.classList.toggle("impact-on", on);
  canvas.querySelectorAll(".node").forEach((el) => {
    el.classList.toggle("impact-off", on && !affected.has(el.dataset.id));
    el.classList.toggle("impact-affected", on && affected.has(el.dataset.id));
  });
  canvas.querySelectorAll(".edge").forEach((el) => {
    el.classList.toggle("impact-off", on && !(affected.has(el.dataset.parent) && affected.has(el.dataset.child)));
  });
}

function hopList(title, hops, total, onOpen) {
  return h("div", { class: "hops" },
    h("h4", {}, `${title} (${total})`),
    hops.length ? h("ul", { class: `hop-list ${title.toLowerCase()}` }, hops.map((hop) => h("li", {},
      h("button", { type: "button", class: "hop", "data-id": hop.unique_id, "data-column": hop.column,
        title: `Open ${hop.node}`, onclick: () => onOpen(hop.unique_id) }, `${hop.node}.${hop.column}`),
      h("span", { class: "muted small" }, ` ${hop.transformation} · ${hop.depth} hop${hop.depth === 1 ? "" : "s"}`))),
    total > hops.length ? h("li", { class: "muted" }, `+${total - hops.length} more`) : null)
      : h("p", { class: "muted small" }, "None."));
}

// The panel's list of the focused column's upstream and downstream columns.
function focusDetails(view, shown, { onOpen, onClear }) {
  const hidden = [...focusRoles(view).keys()].filter((id) => !shown.has(id)).length;
  return h("div", { class: "focus-details", id: "focus-details" },
    h("h3", {}, "Column lineage"),
    h("p", {}, h("strong", { class: "mono" }, `${view.node}.${view.column}`), ` from the ${view.env} SQL `,
      h("button", { type: "button", class: "clear-focus", onclick: onClear }, "Clear")),
    hidden ? h("p", { class: "muted small" }, `${hidden} of these node(s) are not on the graph: tick “all nodes” to see them.`) : null,
    hopList("Upstream", view.upstream, view.upstream_total, onOpen),
    hopList("Downstream", view.downstream, view.downstream_total, onOpen));
}

// The strip over the graph that names the focused column and leads back.
function focusBanner(view, onClear) {
  return h("div", { class: "focus-banner", id: "focus-banner", role: "status" },
    "Column lineage of ", h("strong", { class: "mono" }, `${view.node}.${view.column}`),
    ` — ${view.upstream_total} upstream, ${view.downstream_total} downstream `,
    h("button", { type: "button", id: "clear-focus", onclick: onClear, title: "Back to the whole graph (Esc)" }, "Clear"));
}

function affectedText(node) {
  if (wholeNodeAffected(node)) return "all columns";
  if (!node.affected_columns_total) return node.change === "modified" ? "no column changed" : "—";
  const extra = node.affected_columns_total - node.affected_columns.length;
  return node.affected_columns.join(", ") + (extra > 0 ? ` +${extra} more` : "");
}

// What the impact view lists: every node a change can affect, with its affected columns.
function impactList(graph, onOpen) {
  const affected = graph.nodes.filter((n) => n.change);
  const order = { modified: 0, added: 1, removed: 2, impacted: 3 };
  affected.sort((a, b) => order[a.change] - order[b.change] || a.name.localeCompare(b.name));
  return h("details", { class: "impact-list", id: "impact-list", open: true },
    h("summary", {}, `Impact: ${affected.length} of ${graph.nodes.length} node(s) can be affected`),
    h("ul", {}, affected.slice(0, LISTED).map((n) => h("li", { "data-id": n.unique_id },
      h("button", { type: "button", class: "hop", onclick: () => onOpen(n.unique_id) }, n.name), " ",
      n.category ? categoryBadge(n.category) : h("span", { class: `badge node-${n.change}` }, n.change),
      h("div", { class: "small mono muted" }, affectedText(n))))),
    affected.length > LISTED ? h("p", { class: "muted small" }, `+${affected.length - LISTED} more`) : null);
}

// The page's impact view on or off: the toggle's state, the dimmed graph and panel, the list.
export function showImpact({ button, canvas, overlay, panel, graph, on, onOpen }) {
  button.setAttribute("aria-pressed", String(on));
  applyImpact(canvas, graph, on);
  panel.classList.toggle("impact-on", on);
  overlay.querySelector("#impact-list")?.remove();
  if (on) overlay.append(impactList(graph, onOpen));
}

// The columns of the open node (openId) on the focused column's path, marked in the panel's table.
function markPanelColumns(panel, view, openId) {
  const own = new Map();
  if (view) {
    for (const [role, hops] of [["upstream", view.upstream], ["downstream", view.downstream]]) {
      for (const hop of hops) if (hop.unique_id === openId) own.set(hop.column, role);
    }
    if (view.unique_id === openId) own.set(view.column, "origin");
  }
  panel.querySelectorAll("#change-columns tr[data-column]").forEach((row) => {
    row.classList.remove("cl-origin", "cl-upstream", "cl-downstream");
    if (own.has(row.dataset.column)) row.classList.add(`cl-${own.get(row.dataset.column)}`);
  });
}

// The focused column (view; null: none) on the graph, over it, and in the panel.
export function showFocus({ canvas, overlay, panel, view, openId, shown, onOpen, onClear }) {
  applyFocus(canvas, view);
  overlay.querySelector("#focus-banner")?.remove();
  if (view) overlay.prepend(focusBanner(view, onClear));
  const box = panel.querySelector("#column-lineage");
  if (box) box.replaceChildren(...(view ? [focusDetails(view, shown, { onOpen, onClear })] : []));
  markPanelColumns(panel, view, openId);
}
