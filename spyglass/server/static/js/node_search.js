// "Find a node": typing finds the drawn nodes whose name holds the text (the exact name first, then names
// starting with it, then the others, each by name), says how many, and jumps to the first; Enter jumps to
// the next (Shift+Enter: the previous), Esc clears. "/" anywhere on the page focuses the box.
import { h } from "./dom.js";

export function findNodes(nodes, text) {
  const needle = text.trim().toLowerCase();
  if (!needle) return [];
  const rank = (name) => (name === needle ? 0 : name.startsWith(needle) ? 1 : 2);
  return nodes
    .map((n) => ({ id: n.id, name: n.name, lower: n.name.toLowerCase() }))
    .filter((n) => n.lower.includes(needle))
    .sort((a, b) => rank(a.lower) - rank(b.lower) || a.name.localeCompare(b.name))
    .map((n) => n.id);
}

// nodes: [{id, name}]; onJump(id, matches): show and highlight; onClear(); hint: said after "no node named"
export function nodeSearch({ nodes, onJump, onClear, hint = "" }) {
  const input = h("input", { id: "node-search", type: "search", placeholder: "name", autocomplete: "off", spellcheck: "false" });
  const count = h("span", { class: "search-count", id: "node-search-count", "aria-live": "polite" });
  let matches = [];
  let at = 0;
  const jump = () => {
    count.textContent = matches.length === 1 ? "1 match" : `${at + 1} of ${matches.length} matches`;
    onJump(matches[at], matches);
  };
  const update = () => {
    matches = findNodes(nodes, input.value);
    at = 0;
    count.classList.toggle("none", Boolean(input.value.trim()) && !matches.length);
    if (matches.length) jump();
    else {
      count.textContent = input.value.trim() ? `no node named “${input.value.trim()}”${hint}` : "";
      onClear();
    }
  };
  input.addEventListener("input", update);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && matches.length) {
      e.preventDefault();
      at = (at + (e.shiftKey ? matches.length - 1 : 1)) % matches.length;
      jump();
    } else if (e.key === "Escape") {
      e.stopPropagation();
      input.value = "";
      update();
    }
  });
  const el = h("div", { class: "node-search", role: "search", title: "Press / to find a node" },
    h("label", { for: "node-search" }, "Find a node"), input, count);
  const slash = (e) => {
    if (!el.isConnected) document.removeEventListener("keydown", slash); // the page was drawn again
    else if (e.key === "/" && !e.target.closest?.("input, textarea, select, [contenteditable]")) {
      e.preventDefault();
      input.focus();
      input.select();
    }
  };
  document.addEventListener("keydown", slash);
  return { el, input };
}
