"""Measure a page in the browser: WCAG contrast of every visible text, and the layout's geometry.

``contrast(page)`` walks every visible element that holds text (HTML text, SVG text, form values), composes
its background from its ancestors' background colours (an SVG text's background is the fill of its node's
rect) and returns the WCAG 2 contrast ratio of each. Text that is disabled or dimmed on purpose (an
ancestor with opacity < 1) is exempt, as WCAG exempts inactive components; large text needs 3:1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CONTRAST_JS = """() => {
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c || "");
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, below) => [0, 1, 2].map((i) => top[i] * top[3] + below[i] * (1 - top[3])).concat([1]);
  const lin = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = (c) => 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const layerOf = (e) => {
    if (e instanceof SVGElement && e.tagName !== "svg") {
      const rect = e.tagName === "g" ? e.querySelector(":scope > rect") : null;
      return rect ? parse(getComputedStyle(rect).fill) : null;
    }
    return parse(getComputedStyle(e).backgroundColor);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = layerOf(e);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    return layers.reverse().reduce((acc, c) => over(c, acc), [255, 255, 255, 1]);
  };
  const exempt = (el) => {
    if (el.closest(":disabled, option, title, [aria-hidden=true]")) return true;
    for (let e = el; e; e = e.parentElement) if (Number(getComputedStyle(e).opacity) < 1) return true;
    return false;
  };
  const hasText = (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  const isField = (el) => el.value && el.matches("input:not([type=checkbox], [type=radio], [type=range]), select");
  const kind = (el) => el.closest(".badge") ? "badge" : el.closest("button, .button") ? "button"
    : el.closest(".muted, h3") ? "muted" : el.closest("svg") ? "svg" : "text";
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (!(hasText(el) || isField(el)) || !el.getClientRects().length || exempt(el)) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== "visible") continue;
    const fg = parse(el instanceof SVGElement ? style.fill : style.color);
    if (!fg) continue;
    const bg = background(el);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    out.push({ element: name(el), kind: kind(el), text: (el.value || el.textContent).trim().slice(0, 40),
      ratio: ratio(over(fg, bg), bg), large: size >= 24 || (size >= 18.66 && bold) });
  }
  const body = getComputedStyle(document.body);
  return { texts: out, bodyBg: lum(parse(body.backgroundColor)), bodyFg: lum(parse(body.color)) };
}"""


@dataclass(frozen=True)
class TextContrast:
    element: str
    kind: str
    text: str
    ratio: float
    large: bool

    @property
    def passes(self) -> bool:
        return self.ratio >= (3.0 if self.large else 4.5)


@dataclass(frozen=True)
class ContrastReport:
    texts: tuple[TextContrast, ...]
    body_background_luminance: float
    body_text_luminance: float

    def failures(self) -> list[TextContrast]:
        return [text for text in self.texts if not text.passes]

    def lowest(self, kind: str) -> float | None:
        ratios = [text.ratio for text in self.texts if text.kind == kind]
        return min(ratios) if ratios else None


def contrast(page: Any) -> ContrastReport:
    raw = page.evaluate(CONTRAST_JS)
    return ContrastReport(texts=tuple(TextContrast(**text) for text in raw["texts"]),
                          body_background_luminance=raw["bodyBg"], body_text_luminance=raw["bodyFg"])


OVERLAPS_JS = """(selector) => {
  const boxes = [...document.querySelectorAll(selector)].filter((e) => e.getClientRects().length)
    .map((e) => ({ name: e.textContent.trim().slice(0, 30) || e.tagName, r: e.getBoundingClientRect() }));
  const hits = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i].r, b = boxes[j].r;
    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
      hits.push(`${boxes[i].name} / ${boxes[j].name}`);
  }
  return hits;
}"""


def overlaps(page: Any, selector: str) -> list[str]:
    """Pairs of visible elements matching ``selector`` whose bounding boxes overlap."""
    result: list[str] = page.evaluate(OVERLAPS_JS, selector)
    return result


def horizontal_overflow(page: Any) -> dict[str, int]:
    """Widths that would mean a horizontal page scroll: the document's and <main>'s, against the window."""
    result: dict[str, int] = page.evaluate("""() => {
      const main = document.querySelector('main');
      return { document: document.scrollingElement.scrollWidth, window: innerWidth,
               main: main ? main.scrollWidth : 0, mainClient: main ? main.clientWidth : 0 };
    }""")
    return result
