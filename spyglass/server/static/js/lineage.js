// Lineage page: the changed nodes and their downstream as a layered SVG graph with pan and zoom,
// a legend, a selector box (the CLI's syntax) and a panel with the clicked node's details. An "Impact" toggle
// dims what no change can affect; a column clicked in the panel shows its lineage on the graph (Esc clears).
import { h, s, clear, errorBox } from "./dom.js";
import { api } from "./api.js";
import { layout, NODE_W, NODE_H } from "./layout.js";
import { nodePanel } from "./panel.js";
import { showFocus, showImpact } from "./columns.js";

const LEGEND = [
  ["added", "Added"], ["removed", "Removed"], ["modified", "Modified"], ["impacted", "Impacted (downstream)"],
  ["unchanged", "Unchanged"],
];

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
    message,
    h("div", { class: "legend", "aria-label": "Legend" },
      LEGEND.map(([cls, label]) => h("span", { class: "legend-item" }, h("span", { class: `swatch node-${cls}` }), label))));
  if (state.selected) message.textContent = `${state.selected.length} node(s) selected`;
  const canvas = h("div", { class: "graph-canvas", id: "graph" });
  const overlay = h("div", { class: "graph-overlay" });
  const shown = new Set(graph.nodes.map((n) => n.unique_id));
  root.append(h("div", { class: "lineage-page", onkeydown: (e) => { if (e.key === "Escape" && state.focus) clearFocus(); } },
    toolbar, h("div", { class: "lineage-body" }, canvas, panel)));
  if (!graph.nodes.length) {
    canvas.append(h("div", { class: "empty" }, h("h2", {}, "No changes"),
      h("p", {}, "Base and current manifests describe the same nodes. Tick “all nodes” to browse the whole project.")));
  } else {
    drawGraph(canvas, graph, state, (id) => openNode(id));
    canvas.append(overlay);
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
      const detail = await api.get(`/api/nodes/${encodeURIComponent(id)}`);
      clear(panel).append(nodePanel(detail, { onClose: () => {
        state.open = null;
        panel.hidden = true;
        canvas.dispatchEvent(new Event("refit"));
      }, onColumn: (column, env) => showColumn(id, column, env) }));
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
  const { coords, width, height } = layout(graph.nodes, graph.edges, (id) => byId.get(id).name);
  const selected = state.selected ? new Set(state.selected) : null;
  const edges = graph.edges.map(([p, c]) => {
    const a = coords.get(p);
    const b = coords.get(c);
    const x1 = a.x + NODE_W;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_H / 2;
    const mid = (x1 + x2) / 2;
    const dim = selected && !(selected.has(p) && selected.has(c));
    return s("path", { d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`, class: `edge${dim ? " dim" : ""}`,
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
  canvas.append(svg, h("div", { class: "zoom-controls" },
    h("button", { type: "button", title: "Zoom in", onclick: () => zoomBy(1.25) }, "+"),
    h("button", { type: "button", title: "Zoom out", onclick: () => zoomBy(0.8) }, "−"),
    h("button", { type: "button", title: "Fit", onclick: () => fit() }, "Fit")));
  let view = { x: 20, y: 20, k: 1 };
  const apply = () => viewport.setAttribute("transform", `translate(${view.x},${view.y}) scale(${view.k})`);
  const fit = () => {
    const box = svg.getBoundingClientRect();
    const k = Math.min(1.2, (box.width - 40) / Math.max(width, 1), (box.height - 40) / Math.max(height, 1));
    view = { k: Math.max(0.1, k), x: 20, y: Math.max(20, (box.height - height * Math.max(0.1, k)) / 2) };
    apply();
  };
  const zoomBy = (factor, cx = svg.clientWidth / 2, cy = svg.clientHeight / 2) => {
    const k = Math.min(4, Math.max(0.1, view.k * factor));
    view = { k, x: cx - ((cx - view.x) * k) / view.k, y: cy - ((cy - view.y) * k) / view.k };
    apply();
  };
  svg.addEventListener("wheel", (e) => {
    e.preventDefault();
    const box = svg.getBoundingClientRect();
    zoomBy(e.deltaY < 0 ? 1.1 : 0.9, e.clientX - box.left, e.clientY - box.top);
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (e) => {
    if (e.target.closest(".node")) return;
    drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
    svg.setPointerCapture(e.pointerId);
    svg.classList.add("panning");
  });
  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    view = { ...view, x: drag.vx + e.clientX - drag.x, y: drag.vy + e.clientY - drag.y };
    apply();
  });
  svg.addEventListener("pointerup", () => { drag = null; svg.classList.remove("panning"); });
  canvas.addEventListener("refit", () => requestAnimationFrame(fit));
  requestAnimationFrame(fit);
}
