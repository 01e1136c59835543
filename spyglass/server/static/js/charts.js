// Plain SVG bar charts: base and current side by side per bucket (histogram, top-k).
import { h, s, fmt } from "./dom.js";

const BASE = "#8aa4c8";
const CURRENT = "#e08a3c";

export function pairedBars(labels, base, current, { title = "", width = 560, barHeight = 0 } = {}) {
  const max = Math.max(1, ...base, ...current);
  if (barHeight) return horizontal(labels, base, current, max, width, title);
  const height = 220;
  const pad = { l: 48, r: 8, t: 20, b: 56 };
  const innerW = width - pad.l - pad.r;
  const innerH = height - pad.t - pad.b;
  const slot = innerW / Math.max(1, labels.length);
  const bw = Math.max(1, slot / 2 - 1);
  const bars = [];
  labels.forEach((label, i) => {
    const x = pad.l + i * slot;
    const bh = (base[i] / max) * innerH;
    const ch = (current[i] / max) * innerH;
    bars.push(s("rect", { x, y: pad.t + innerH - bh, width: bw, height: bh, fill: BASE },
      s("title", {}, `${label} — base: ${fmt(base[i])}`)));
    bars.push(s("rect", { x: x + bw, y: pad.t + innerH - ch, width: bw, height: ch, fill: CURRENT },
      s("title", {}, `${label} — current: ${fmt(current[i])}`)));
  });
  const every = Math.ceil(labels.length / 10);
  const ticks = labels.map((label, i) => (i % every === 0
    ? s("text", { x: pad.l + i * slot + slot / 2, y: height - pad.b + 14, "text-anchor": "end",
      transform: `rotate(-35 ${pad.l + i * slot + slot / 2} ${height - pad.b + 14})`, class: "tick" }, label)
    : null));
  return h("figure", { class: "chart" },
    title ? h("figcaption", {}, title) : null,
    s("svg", { viewBox: `0 0 ${width} ${height}`, style: `width:100%;max-width:${width}px;height:auto`, role: "img", "aria-label": title || "chart" },
      s("line", { x1: pad.l, y1: pad.t + innerH, x2: width - pad.r, y2: pad.t + innerH, class: "axis" }),
      s("text", { x: pad.l - 4, y: pad.t + 4, "text-anchor": "end", class: "tick" }, fmt(max)),
      s("text", { x: pad.l - 4, y: pad.t + innerH, "text-anchor": "end", class: "tick" }, "0"),
      bars, ticks),
    legend());
}

function horizontal(labels, base, current, max, width, title) {
  const row = 26;
  const labelW = 160;
  const height = labels.length * row + 8;
  const innerW = width - labelW - 110;
  const items = labels.map((label, i) => {
    const y = 4 + i * row;
    return s("g", {},
      s("text", { x: labelW - 6, y: y + 15, "text-anchor": "end", class: "tick" }, label.length > 24 ? `${label.slice(0, 23)}…` : label),
      s("rect", { x: labelW, y, width: (base[i] / max) * innerW, height: 10, fill: BASE },
        s("title", {}, `${label} — base: ${fmt(base[i])}`)),
      s("rect", { x: labelW, y: y + 11, width: (current[i] / max) * innerW, height: 10, fill: CURRENT },
        s("title", {}, `${label} — current: ${fmt(current[i])}`)),
      s("text", { x: labelW + (Math.max(base[i], current[i]) / max) * innerW + 4, y: y + 15, class: "tick" },
        base[i] === current[i] ? fmt(base[i]) : `${fmt(base[i])} → ${fmt(current[i])}`));
  });
  return h("figure", { class: "chart" },
    title ? h("figcaption", {}, title) : null,
    s("svg", { viewBox: `0 0 ${width} ${height}`, style: `width:100%;max-width:${width}px;height:auto`, role: "img", "aria-label": title || "chart" }, items),
    legend());
}

function legend() {
  return h("div", { class: "chart-legend" },
    h("span", { class: "swatch", style: `background:${BASE}` }), "base ",
    h("span", { class: "swatch", style: `background:${CURRENT}` }), "current");
}
