// A labelled SQL editor with highlighting: a <pre> of highlighted spans behind a transparent <textarea>
// (same font, padding and wrapping), redrawn on input and scrolled with it. The textarea stays the input.
import { h } from "./dom.js";
import { highlightSql } from "./highlight.js";

export function sqlEditor({ id, label, rows = 10, placeholder = null, value = "", onRun = null }) {
  const code = h("code", {});
  const pre = h("pre", { class: "sql-highlight", "aria-hidden": "true" }, code);
  const area = h("textarea", { id, class: "sql-editor", spellcheck: "false", autocomplete: "off", rows, placeholder });
  area.value = value;
  const redraw = () => {
    // a trailing newline needs a character after it, or the <pre> is a line shorter than the textarea
    code.replaceChildren(...highlightSql(area.value), area.value.endsWith("\n") ? " " : "");
    pre.scrollTop = area.scrollTop;
    pre.scrollLeft = area.scrollLeft;
  };
  area.addEventListener("input", redraw);
  area.addEventListener("scroll", () => { pre.scrollTop = area.scrollTop; pre.scrollLeft = area.scrollLeft; });
  area.addEventListener("keydown", (e) => {
    if (e.key === "Tab" && !e.shiftKey) {
      e.preventDefault();
      area.setRangeText("  ", area.selectionStart, area.selectionEnd, "end");
      redraw();
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && onRun) { e.preventDefault(); onRun(); }
  });
  redraw();
  const field = h("div", { class: "sql-editor-field" },
    h("label", { class: "field-label", for: id }, label), h("div", { class: "sql-editor-wrap" }, pre, area));
  return { field, area, redraw };
}
