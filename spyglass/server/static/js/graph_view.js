// Pan, zoom and fit of the lineage graph's SVG. The wheel zooms at the pointer, dragging the background
// pans. The view follows the canvas's size (window resized, panel opened or closed): while it is fitted
// (the whole graph, or the selection) it fits again; once the user panned, zoomed or jumped to a node, their
// zoom is kept and the point at the canvas's centre stays at its centre. "Fit" goes back to fitting.

const PAD = 20;
// a fit leaves room above for "Find a node" and below for the legend and the zoom buttons
const PAD_TOP = 56;
const PAD_BOTTOM = 50;
const MIN_K = 0.02;
const MAX_K = 4;
// a fit never magnifies more than this (a 3-node graph is not drawn huge)
const FIT_MAX_K = 1.2;

const clampK = (k) => Math.min(MAX_K, Math.max(MIN_K, k));

// svg: the <svg>; viewport: its <g> holding the graph; bounds: {x, y, w, h} of the whole graph (graph units);
// start: the box to fit first (the selection), else bounds; onChange(view, size) after every move; size: the
// canvas's size measured before the graph was put in it, so the first frame is drawn fitted (else the graph
// is laid out once unfitted and again when the size is known)
export function graphView(svg, viewport, bounds, { start = bounds, onChange = () => {}, size: known = null } = {}) {
  let view = { x: PAD, y: PAD, k: 1 };
  let size = { w: 0, h: 0 };
  let fitted = start; // the box the view fits while the user has not moved it; null once they did
  const apply = () => {
    const transform = `translate(${view.x},${view.y}) scale(${view.k})`;
    if (viewport.getAttribute("transform") !== transform) viewport.setAttribute("transform", transform);
    onChange(view, size);
  };
  const measure = () => {
    const box = svg.getBoundingClientRect();
    size = { w: box.width, h: box.height };
  };
  const fitTo = (box) => {
    const room = size.h - PAD_TOP - PAD_BOTTOM;
    const k = clampK(Math.min(FIT_MAX_K, (size.w - 2 * PAD) / Math.max(box.w, 1), room / Math.max(box.h, 1)));
    view = { k, x: (size.w - box.w * k) / 2 - box.x * k, y: PAD_TOP + (room - box.h * k) / 2 - box.y * k };
    apply();
  };
  const api = {
    get view() { return view; },
    get size() { return size; },
    get fitted() { return fitted; },
    fit(box = bounds) { fitted = box; measure(); fitTo(box); },
    zoomBy(factor, cx = size.w / 2, cy = size.h / 2) {
      const k = clampK(view.k * factor);
      view = { k, x: cx - ((cx - view.x) * k) / view.k, y: cy - ((cy - view.y) * k) / view.k };
      fitted = null;
      apply();
    },
    // centre the graph point (gx, gy), zooming in to at least minK
    centreOn(gx, gy, minK = view.k) {
      const k = clampK(Math.max(view.k, minK));
      view = { k, x: size.w / 2 - gx * k, y: size.h / 2 - gy * k };
      fitted = null;
      apply();
    },
    panBy(dx, dy) { view = { ...view, x: view.x + dx, y: view.y + dy }; fitted = null; apply(); },
    // the canvas changed size: fit again, or keep the centre where it was
    resized() {
      const old = size;
      measure();
      if (!size.w || !size.h) { size = old; return; } // hidden for now: nothing to fit
      if (fitted) fitTo(fitted);
      else {
        view = { ...view, x: view.x + (size.w - old.w) / 2, y: view.y + (size.h - old.h) / 2 };
        apply();
      }
    },
  };
  listen(svg, api);
  if (known && known.w && known.h) {
    size = known;
    fitTo(start);
  }
  const observer = new ResizeObserver(() => {
    if (!svg.isConnected) observer.disconnect(); // the page was drawn again
    else api.resized();
  });
  observer.observe(svg);
  return api;
}

function listen(svg, api) {
  svg.addEventListener("wheel", (e) => {
    e.preventDefault();
    const box = svg.getBoundingClientRect();
    api.zoomBy(e.deltaY < 0 ? 1.1 : 0.9, e.clientX - box.left, e.clientY - box.top);
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (e) => {
    if (e.target.closest(".node")) return;
    drag = { x: e.clientX, y: e.clientY };
    svg.setPointerCapture(e.pointerId);
    svg.classList.add("panning");
  });
  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    api.panBy(e.clientX - drag.x, e.clientY - drag.y);
    drag = { x: e.clientX, y: e.clientY };
  });
  svg.addEventListener("pointerup", () => { drag = null; svg.classList.remove("panning"); });
}

// the box around some nodes' positions ({x, y} of their top-left corners), nodes w × h
export function boxAround(points, w, h) {
  if (!points.length) return null;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) + w - x, h: Math.max(...ys) + h - y };
}
