// Plain charts of base against current: a histogram's bins overlaid (base filled, current outlined, the
// differing bins marked) and top-k values as two bars side by side with counts and shares. Colours come
// from the CSS variables of results.css (classes only, never a colour literal here).
import { h, s, fmt } from "./dom.js";

const HEIGHT = 220;
const PAD = { l: 52, r: 8, t: 22, b: 60 };

function shareText(share) {
  return typeof share === "number" ? `${(100 * share).toLocaleString("en-US", { maximumFractionDigits: 1 })}%` : "—";
}

function legend(withDiffers) {
  return h("div", { class: "chart-legend" },
    h("span", { class: "swatch swatch-base" }), "base",
    h("span", { class: "swatch swatch-current" }), "current",
    withDiffers ? [h("span", { class: "swatch swatch-differs" }), "bin differs"] : null);
}

function binShapes(i, label, b, c, x, slot, scale, differs) {
  const bottom = PAD.t + scale.innerH;
  const bh = (b / scale.max) * scale.innerH;
  const ch = (c / scale.max) * scale.innerH;
  const tip = `${label}: base ${fmt(b)}, current ${fmt(c)}${differs ? " (differs)" : ""}`;
  return s("g", { class: `bin${differs ? " bin-differs" : ""}`, "data-bin": i },
    s("title", {}, tip),
    differs ? s("rect", { x, y: PAD.t, width: slot, height: scale.innerH, class: "bin-band" }) : null,
    s("rect", { x: x + 1, y: bottom - bh, width: Math.max(1, slot - 2), height: bh, class: "bar-base" }),
    s("rect", { x: x + 1, y: bottom - ch, width: Math.max(1, slot - 2), height: ch, class: "bar-current" }),
    differs ? s("path", { d: `M${x + slot / 2 - 4},${PAD.t - 12} h8 l-4,7 z`, class: "bin-marker" }) : null);
}

// A histogram: each bin's base bar (filled) and current bar (outlined) drawn over each other.
export function overlaidBars(labels, base, current, { title = "", width = 560 } = {}) {
  const max = Math.max(1, ...base, ...current);
  const scale = { max, innerH: HEIGHT - PAD.t - PAD.b };
  const slot = (width - PAD.l - PAD.r) / Math.max(1, labels.length);
  const differing = labels.map((_, i) => (base[i] ?? 0) !== (current[i] ?? 0));
  const bins = labels.map((label, i) => binShapes(i, label, base[i] ?? 0, current[i] ?? 0, PAD.l + i * slot, slot,
    scale, differing[i]));
  const every = Math.ceil(labels.length / 10);
  const ticks = labels.map((label, i) => {
    if (i % every !== 0) return null;
    const x = PAD.l + i * slot + slot / 2;
    const y = HEIGHT - PAD.b + 14;
    return s("text", { x, y, "text-anchor": "end", transform: `rotate(-35 ${x} ${y})`, class: "tick" }, label);
  });
  const bottom = PAD.t + scale.innerH;
  return h("figure", { class: "chart histogram" },
    title ? h("figcaption", {}, title) : null,
    s("svg", { viewBox: `0 0 ${width} ${HEIGHT}`, style: `width:100%;max-width:${width}px;height:auto`, role: "img",
      "aria-label": title || "histogram" },
    bins,
    s("line", { x1: PAD.l, y1: bottom, x2: width - PAD.r, y2: bottom, class: "axis" }),
    s("text", { x: PAD.l - 4, y: PAD.t + 4, "text-anchor": "end", class: "tick" }, fmt(max)),
    s("text", { x: PAD.l - 4, y: bottom, "text-anchor": "end", class: "tick" }, "0"),
    ticks),
    legend(differing.some(Boolean)));
}

function barCell(side, count, share, max) {
  const width = max ? (100 * count) / max : 0;
  return h("td", { class: `bar-cell bar-cell-${side}` },
    h("span", { class: "bar-track" }, h("span", { class: `bar bar-${side}`, style: `width:${width.toFixed(2)}%` })),
    h("span", { class: "bar-figure" }, h("b", {}, fmt(count)), " ", h("span", { class: "share" }, shareText(share))));
}

// Top-k values: per value, base and current side by side, each a bar with its count and share.
// rows: [{label, base, current, baseShare, currentShare}]
export function sideBySideBars(rows, { title = "", note = "" } = {}) {
  const max = Math.max(1, ...rows.flatMap((r) => [r.base, r.current]));
  return h("figure", { class: "chart topk" },
    title ? h("figcaption", {}, title) : null,
    h("table", { class: "topk-table" },
      h("colgroup", {}, h("col", { class: "topk-value" }), h("col"), h("col")),
      h("thead", {}, h("tr", {}, h("th", {}, "Value"), h("th", {}, "Base"), h("th", {}, "Current"))),
      h("tbody", {}, rows.map((r) => h("tr", { class: r.base !== r.current ? "changed" : "" },
        h("td", { class: "topk-label", title: r.label }, r.label),
        barCell("base", r.base, r.baseShare, max), barCell("current", r.current, r.currentShare, max))))),
    note ? h("p", { class: "muted small" }, note) : null,
    legend(false));
}
