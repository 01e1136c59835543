// Lineage page: the changed nodes and their downstream as a layered SVG graph with pan and zoom
// (graph_view.js), a minimap, "Find a node", a legend, the checklist's badges on the nodes, a selector box
// (the CLI's syntax; the view zooms to the selection) and a panel with the clicked node's details. An
// "Impact" toggle dims what no change can affect; a column clicked in the panel shows its lineage on the
// graph (Esc clears).
import { h, s, clear, errorBox } from "./dom.js";
import { api } from "./api.js";
import { layout, routePath, NODE_W, NODE_H } from "./layout.js";
import { drawerHandle } from "./drawer.js";
import { showFocus, showImpact } from "./columns.js";
import { graphView, boxAround } from "./graph_view.js";
import { minimap } from "./minimap.js";
import { nodeSearch } from "./node_search.js";
import { showBadges } from "./node_badges.js";

const LEGEND = [
  ["added", "Added"], ["removed", "Removed"], ["modified", "Modified"], ["impacted", "Impacted (downstream)"],
  ["unchanged", "Unchanged"],
];

function legend() {
  return h("div", { class: "legend", "aria-label": "Legend" },
    LEGEND.map(([cls, label]) => h("span", { class: "legend-item" }, h("span", { class: `swatch node-${cls}` }), label)));
}

function nodeClass(node) {
  return node.status === "unchanged" && node.impacted ? "impacted" : node.status;
}

export async function lineagePage(root, ctx) {
  const state = ctx.pageState.lineage || (ctx.pageState.lineage = { all: false, select: "", exclude: "", selected: null, open: null,
    impact: false, focus: null });
  clear(root);
  let graph;
  try {
    graph = await api.get(`/api/lineage?all=${state.all}`);
  } catch (err) {
    root.append(errorBox(err));
    return;
  }
  const panel = h("aside", { class: "panel", id: "node-panel", hidden: !state.open });
  const selectInput = h("input", { id: "selector", type: "search", placeholder: "state:modified+  tag:finance  stg_*",
    value: state.select, "aria-label": "Select nodes" });
  const excludeInput = h("input", { id: "exclude", type: "search", placeholder: "exclude", value: state.exclude,
    "aria-label": "Exclude nodes" });
  const message = h("span", { class: "muted small", id: "select-message" });
  const applySelection = async () => {
    state.select = selectInput.value.trim();
    state.exclude = excludeInput.value.trim();
    if (!state.select && !state.exclude) { state.selected = null; lineagePage(root, ctx); return; }
    try {
      const res = await api.post("/api/select", { select: state.select || null, exclude: state.exclude || null });
      state.selected = res.nodes;
      const shown = new Set(graph.nodes.map((n) => n.unique_id));
      if (!state.all && res.nodes.some((id) => !shown.has(id))) state.all = true;
      lineagePage(root, ctx);
    } catch (err) {
      message.replaceChildren(errorBox(err));
    }
  };
  const toolbar = h("form", { class: "toolbar", onsubmit: (e) => { e.preventDefault(); applySelection(); } },
    selectInput, excludeInput, h("button", { type: "submit" }, "Select"),
    h("button", { type: "button", onclick: () => { state.select = ""; state.exclude = ""; state.selected = null; lineagePage(root, ctx); } }, "Clear"),
    h("label", { class: "toggle" }, h("input", { type: "checkbox", id: "show-all", checked: state.all,
      onchange: (e) => { state.all = e.target.checked; lineagePage(root, ctx); } }), " all nodes"),
    h("button", { type: "button", id: "impact-toggle", class: "impact-toggle", "aria-pressed": String(state.impact),
      title: "Dim every node and column no change can affect", onclick: () => { state.impact = !state.impact; renderImpact(); } }, "Impact"),
    message);
  selectInput.addEventListener("input", () => message.querySelector(".error-box")?.remove());
  if (state.selected) message.textContent = `${state.selected.length} node(s) selected`;
  const canvas = h("div", { class: "graph-canvas", id: "graph" });
  const overlay = h("div", { class: "graph-overlay" });
  const shown = new Set(graph.nodes.map((n) => n.unique_id));
  root.append(h("div", { class: "lineage-page", onkeydown: (e) => { if (e.key === "Escape" && state.focus) clearFocus(); } },
    toolbar, h("div", { class: "lineage-body" }, canvas, drawerHandle(panel, () => canvas.dispatchEvent(new Event("refit"))), panel)));
  if (!graph.nodes.length) {
    canvas.append(h("div", { class: "empty" }, h("h2", {}, "No changes"),
      h("p", {}, "Base and current manifests describe the same nodes. Tick “all nodes” to browse the whole project.")));
  } else {
    const drawn = drawGraph(canvas, graph, state, (id) => openNode(id));
    canvas.append(overlay, legend(), searchBox(drawn, graph, state).el);
    showBadges(drawn.nodes, graph.badges || {}, NODE_W);
    // the panel says when the checklist changed (a run added to it): the badges follow
    panel.addEventListener("checks-changed", () => refreshBadges(drawn, state));
  }
  function renderImpact() {
    showImpact({ button: toolbar.querySelector("#impact-toggle"), canvas, overlay, panel, graph, on: state.impact, onOpen: openNode });
  }
  function renderFocus() {
    showFocus({ canvas, overlay, panel, view: state.focus, openId: state.open, shown, onOpen: openNode, onClear: clearFocus });
  }
  function clearFocus() {
    state.focus = null;
    renderFocus();
  }
  async function showColumn(id, column, env) {
    const box = panel.querySelector("#column-lineage");
    try {
      const query = new URLSearchParams({ node: id, column, env });
      state.focus = await api.get(`/api/column-lineage?${query}`);
      renderFocus();
    } catch (err) {
      if (box) box.replaceChildren(errorBox(err));
    }
  }
  async function openNode(id) {
    state.open = id;
    const wasHidden = panel.hidden;
    canvas.querySelectorAll(".node").forEach((el) => el.classList.toggle("open", el.dataset.id === id));
    panel.hidden = false;
    if (wasHidden) canvas.dispatchEvent(new Event("refit"));
    clear(panel).append(h("p", { class: "muted" }, "Loading…"));
    try {
      // the panel's code (result views, SQL diff, forms) loads with the first node opened
      const [detail, { nodePanel }] = await Promise.all([api.get(`/api/nodes/${encodeURIComponent(id)}`), import("./panel.js")]);
      clear(panel).append(nodePanel(detail, { onClose: () => {
        state.open = null;
        panel.hidden = true;
        canvas.dispatchEvent(new Event("refit"));
      }, onColumn: (column, env) => showColumn(id, column, env), results: state.results || (state.results = {}) }));
      renderFocus();
    } catch (err) {
      clear(panel).append(errorBox(err));
    }
  }
  if (state.open) openNode(state.open);
  if (graph.nodes.length) {
    renderImpact();
    renderFocus();
  }
}

function drawGraph(canvas, graph, state, onOpen) {
  const byId = new Map(graph.nodes.map((n) => [n.unique_id, n]));
  const { coords, routes, width, height } = layout(graph.nodes, graph.edges, (id) => byId.get(id).name);
  const selected = state.selected ? new Set(state.selected) : null;
  const edges = routes.map(({ parent: p, child: c, points }) => {
    const dim = selected && !(selected.has(p) && selected.has(c));
    return s("path", { d: routePath(points), class: `edge${dim ? " dim" : ""}`,
      "marker-end": "url(#arrow)", "data-parent": p, "data-child": c });
  });
  const nodes = graph.nodes.map((node) => {
    const { x, y } = coords.get(node.unique_id);
    const dim = selected && !selected.has(node.unique_id);
    const label = node.name.length > 24 ? `${node.name.slice(0, 23)}…` : node.name;
    return s("g", { class: `node node-${nodeClass(node)}${dim ? " dim" : ""}${selected && !dim ? " selected" : ""}`,
      transform: `translate(${x},${y})`, "data-id": node.unique_id, "data-name": node.name, tabindex: 0, role: "button",
      "data-category": node.category, "aria-label": `${node.name} (${nodeClass(node)}${node.category ? `, ${node.category}` : ""})`,
      onclick: (e) => { e.stopPropagation(); onOpen(node.unique_id); },
      onkeydown: (e) => { if (e.key === "Enter") onOpen(node.unique_id); } },
    s("title", {}, `${node.unique_id}\n${nodeClass(node)}${node.reasons.length ? `: ${node.reasons.join(", ")}` : ""}`
      + `${node.category ? `\n${node.category}` : ""}`),
    s("rect", { width: NODE_W, height: NODE_H, rx: 6 }),
    s("text", { x: 10, y: 17, class: "node-name" }, label),
    s("text", { x: 10, y: 32, class: "node-type" }, `${node.resource_type}${node.materialized ? ` · ${node.materialized}` : ""}`),
    node.category ? s("circle", { cx: NODE_W - 12, cy: 12, r: 5, class: `cat-dot cat-${node.category}` }) : null);
  });
  const viewport = s("g", { class: "viewport" }, edges, nodes);
  const svg = s("svg", { class: "graph", width: "100%", height: "100%" },
    s("defs", {}, s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
      s("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow" }))),
    viewport);
  const bounds = { x: 0, y: 0, w: width, h: height };
  const picked = selected ? graph.nodes.filter((n) => selected.has(n.unique_id)).map((n) => coords.get(n.unique_id)) : [];
  const selection = boxAround(picked, NODE_W, NODE_H);
  const overview = minimap({ bounds, nodeW: NODE_W, nodeH: NODE_H, onPan: (x, y) => view.centreOn(x, y),
    nodes: graph.nodes.map((n) => ({ ...coords.get(n.unique_id), cls: nodeClass(n), dim: selected && !selected.has(n.unique_id) })) });
  const room = canvas.getBoundingClientRect();  // the canvas is still empty: measuring it costs nothing
  const view = graphView(svg, viewport, bounds, { start: selection || bounds, onChange: overview.show,
    size: { w: room.width, h: room.height } });
  overview.draw(canvas);  // the canvas is still empty: reading the theme's colours from it costs nothing
  canvas.append(svg, overview.el, zoomControls(view, selection));
  canvas.addEventListener("refit", () => requestAnimationFrame(() => view.resized()));
  return { view, coords, nodes };
}

function zoomControls(view, selection) {
  return h("div", { class: "zoom-controls" },
    h("button", { type: "button", title: "Zoom in", onclick: () => view.zoomBy(1.25) }, "+"),
    h("button", { type: "button", title: "Zoom out", onclick: () => view.zoomBy(0.8) }, "−"),
    h("button", { type: "button", title: "Fit", onclick: () => view.fit() }, "Fit"),
    h("button", { type: "button", id: "zoom-selection", disabled: !selection, onclick: () => view.fit(selection),
      title: selection ? "Fit the selected nodes in the view" : "Nothing selected: type a selector above and press Select" },
    "Zoom to selection"));
}

// "Find a node": the match is centred (zoomed in to be readable) and marked, the other matches lightly
function searchBox(drawn, graph, state) {
  const mark = (hit, matches) => {
    const others = new Set(matches);
    for (const el of drawn.nodes) {
      el.classList.toggle("search-hit", el.dataset.id === hit);
      el.classList.toggle("search-match", el.dataset.id !== hit && others.has(el.dataset.id));
    }
  };
  return nodeSearch({
    nodes: graph.nodes.map((n) => ({ id: n.unique_id, name: n.name })),
    hint: state.all ? "" : " among these nodes (tick “all nodes” to search them all)",
    onJump: (id, matches) => {
      mark(id, matches);
      const { x, y } = drawn.coords.get(id);
      drawn.view.centreOn(x + NODE_W / 2, y + NODE_H / 2, 0.8);
    },
    onClear: () => mark(null, []),
  });
}

async function refreshBadges(drawn, state) {
  try {
    const fresh = await api.get(`/api/lineage?all=${state.all}`);
    showBadges(drawn.nodes, fresh.badges || {}, NODE_W);
  } catch {
    // the badges stay as they were; the next visit of the page shows them again
  }
}
