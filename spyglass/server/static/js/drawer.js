// The node panel as a resizable drawer: a handle on its left edge (role="separator") dragged with the
// pointer or moved with the arrow keys (Shift: bigger steps; Home / End: narrowest / widest). The width
// stays between MIN_WIDTH and a share of the page, is remembered in localStorage, and every change calls
// `onResize` (the lineage page refits its graph). The handle hides with the panel.
import { h } from "./dom.js";

const KEY = "spyglass.drawerWidth";
export const MIN_WIDTH = 320;
const MAX_SHARE = 0.75;  // of the drawer's container: the graph keeps at least a quarter
const STEP = 24;

function bounds(panel) {
  const room = panel.parentElement ? panel.parentElement.clientWidth : window.innerWidth;
  return { min: MIN_WIDTH, max: Math.max(MIN_WIDTH, Math.round(room * MAX_SHARE)) };
}

function stored() {
  const value = Number(localStorage.getItem(KEY));
  return Number.isFinite(value) && value > 0 ? value : null;
}

// The handle to put just before `panel` in its flex row.
export function drawerHandle(panel, onResize) {
  const handle = h("div", { class: "drawer-handle", id: "drawer-handle", role: "separator", tabindex: 0,
    "aria-orientation": "vertical", "aria-controls": panel.id || null, "aria-label": "Resize the panel",
    title: "Drag, or use the arrow keys, to resize the panel" });
  panel.classList.add("drawer");
  const setWidth = (width, { save = true } = {}) => {
    const { min, max } = bounds(panel);
    const clamped = Math.round(Math.min(max, Math.max(min, width)));
    panel.style.width = `${clamped}px`;
    handle.setAttribute("aria-valuenow", String(clamped));
    handle.setAttribute("aria-valuemin", String(min));
    handle.setAttribute("aria-valuemax", String(max));
    if (save) localStorage.setItem(KEY, String(clamped));
    return clamped;
  };
  const initial = stored();
  if (initial) panel.style.width = `${initial}px`;
  const sync = () => {
    handle.hidden = panel.hidden;
    if (!panel.hidden && panel.isConnected) setWidth(panel.getBoundingClientRect().width || initial || 560, { save: false });
  };
  new MutationObserver(sync).observe(panel, { attributes: true, attributeFilter: ["hidden"] });
  requestAnimationFrame(sync);
  dragToResize(handle, panel, (width) => { setWidth(width); onResize(); });
  handle.addEventListener("keydown", (e) => {
    const now = panel.getBoundingClientRect().width;
    const step = e.shiftKey ? STEP * 4 : STEP;
    const { min, max } = bounds(panel);
    const next = { ArrowLeft: now + step, ArrowRight: now - step, Home: min, End: max }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    setWidth(next);
    onResize();
  });
  return handle;
}

// Pointer drag on the handle: moving left widens the panel (it sits on the right).
function dragToResize(handle, panel, onWidth) {
  let start = null;
  handle.addEventListener("pointerdown", (e) => {
    start = { x: e.clientX, width: panel.getBoundingClientRect().width };
    handle.setPointerCapture(e.pointerId);
    handle.classList.add("dragging");
    e.preventDefault();
  });
  handle.addEventListener("pointermove", (e) => {
    if (!start) return;
    const { min, max } = bounds(panel);
    panel.style.width = `${Math.min(max, Math.max(min, start.width + start.x - e.clientX))}px`;
  });
  const end = (e) => {
    if (!start) return;
    const width = start.width + start.x - e.clientX;
    start = null;
    handle.classList.remove("dragging");
    onWidth(width);
  };
  handle.addEventListener("pointerup", end);
  handle.addEventListener("pointercancel", end);
}
