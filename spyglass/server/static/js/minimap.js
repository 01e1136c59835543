// The minimap: the whole graph in a corner, every node a small rectangle in its status colour (one 2D canvas
// drawn once, so a thousand nodes cost nothing while panning), with the visible part framed. A click or a
// drag on it centres the main view on that point.
import { h } from "./dom.js";

const MAX_W = 200;
const MAX_H = 150;

// nodes: [{x, y, cls, dim}] top-left corners in graph units (cls: added / removed / modified / impacted /
// unchanged); bounds: {x, y, w, h} of the graph; nodeW × nodeH: a node's size; onPan(gx, gy)
export function minimap({ nodes, bounds, nodeW, nodeH, onPan }) {
  const scale = Math.min(MAX_W / Math.max(bounds.w, 1), MAX_H / Math.max(bounds.h, 1));
  const w = Math.max(24, Math.round(bounds.w * scale));
  const hgt = Math.max(24, Math.round(bounds.h * scale));
  const ratio = window.devicePixelRatio || 1;
  const canvas = h("canvas", { width: Math.round(w * ratio), height: Math.round(hgt * ratio), style: `width:${w}px;height:${hgt}px` });
  const frame = h("div", { class: "minimap-frame" });
  const el = h("div", { class: "minimap", id: "minimap", title: "Overview: click or drag to move the view",
    role: "group", "aria-label": "Minimap of the whole graph", style: `width:${w}px;height:${hgt}px` }, canvas, frame);
  const toGraph = (e) => {
    const box = canvas.getBoundingClientRect();
    return [bounds.x + (e.clientX - box.left) / scale, bounds.y + (e.clientY - box.top) / scale];
  };
  let dragging = false;
  el.addEventListener("pointerdown", (e) => {
    dragging = true;
    el.setPointerCapture(e.pointerId);
    onPan(...toGraph(e));
    e.preventDefault();
  });
  el.addEventListener("pointermove", (e) => { if (dragging) onPan(...toGraph(e)); });
  el.addEventListener("pointerup", () => { dragging = false; });
  // the status colours are read from `from`'s computed style: the page draws it before the graph is put in
  // the page, so reading them does not compute the style of a thousand nodes twice
  const draw = (from = el) => {
    const style = getComputedStyle(from);
    const colours = {};
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, hgt);
    const nw = Math.max(1.5, nodeW * scale);
    const nh = Math.max(1.5, nodeH * scale);
    for (const node of nodes) {
      colours[node.cls] ??= style.getPropertyValue(`--${node.cls}`).trim() || "#888";
      g.globalAlpha = node.dim ? 0.3 : 1;
      g.fillStyle = colours[node.cls];
      g.fillRect((node.x - bounds.x) * scale, (node.y - bounds.y) * scale, nw, nh);
    }
  };
  // the visible part of the graph, from the main view's transform and the canvas's size
  const show = (view, size) => {
    const x = (-view.x / view.k - bounds.x) * scale;
    const y = (-view.y / view.k - bounds.y) * scale;
    const left = Math.max(0, x);
    const top = Math.max(0, y);
    frame.style.left = `${left}px`;
    frame.style.top = `${top}px`;
    frame.style.width = `${Math.max(2, Math.min(w, x + (size.w / view.k) * scale) - left)}px`;
    frame.style.height = `${Math.max(2, Math.min(hgt, y + (size.h / view.k) * scale) - top)}px`;
  };
  const scheme = matchMedia("(prefers-color-scheme: dark)");
  const redraw = () => (el.isConnected ? draw() : scheme.removeEventListener("change", redraw));
  scheme.addEventListener("change", redraw); // the colours follow the theme
  return { el, draw, show };
}
