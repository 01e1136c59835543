// The report's Markdown renderer: the summary's own Markdown (headings, tables, lists, paragraphs, fences)
// with its escapes undone (backslash escapes, &lt; &gt; &amp;), code spans, <code>, bold, emphasis and
// http(s) links. Builds DOM nodes only: nothing is ever parsed as HTML.
import { h, safeUrl } from "./dom.js";

const ENTITIES = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": "\"", "&#39;": "'" };
const PUNCTUATION = /[!-/:-@[-`{-~]/;

function closing(text, token, from) {
  for (let j = from; j < text.length; j++) {
    if (text[j] === "\\") j++;
    else if (text.startsWith(token, j)) return j;
  }
  return -1;
}

function codeSpan(text, i) {
  let n = 0;
  while (text[i + n] === "`") n++;
  const fence = "`".repeat(n);
  let j = text.indexOf(fence, i + n);
  while (j >= 0 && text[j + n] === "`") j = text.indexOf(fence, j + n + 1);
  if (j < 0) return { length: n, node: fence };
  let code = text.slice(i + n, j);
  if (code.length > 1 && code.startsWith(" ") && code.endsWith(" ") && code.trim()) code = code.slice(1, -1);
  return { length: j + n - i, node: h("code", {}, code) };
}

function wrapped(text, i, open, close, tag) {
  if (!text.startsWith(open, i)) return null;
  const end = closing(text, close, i + open.length);
  if (end <= i + open.length) return null;
  return { length: end + close.length - i, node: h(tag, {}, inline(text.slice(i + open.length, end))) };
}

function link(text, i) {
  const match = /^\[([^\]]*)\]\(([^)\s]+)\)/.exec(text.slice(i));
  if (!match) return null;
  const href = safeUrl(match[2]);
  const label = inline(match[1]);
  return { length: match[0].length, node: href ? h("a", { href, rel: "noopener noreferrer" }, label) : h("span", {}, label) };
}

function token(text, i) {
  const c = text[i];
  if (c === "`") return codeSpan(text, i);
  if (c === "<") return wrapped(text, i, "<code>", "</code>", "code");
  if (c === "*") return wrapped(text, i, "**", "**", "strong");
  if (c === "_" && (i === 0 || /[\s(]/.test(text[i - 1]))) return wrapped(text, i, "_", "_", "em");
  if (c === "[") return link(text, i);
  return null;
}

export function inline(text) {
  const out = [];
  let plain = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\" && i + 1 < text.length && PUNCTUATION.test(text[i + 1])) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    const entity = c === "&" ? /^&(lt|gt|amp|quot|#39);/.exec(text.slice(i)) : null;
    if (entity) {
      plain += ENTITIES[entity[0]];
      i += entity[0].length;
      continue;
    }
    const found = token(text, i);
    if (found && typeof found.node !== "string") {
      if (plain) out.push(plain);
      plain = "";
      out.push(found.node);
      i += found.length;
    } else if (found) {
      plain += found.node;
      i += found.length;
    } else {
      plain += c;
      i++;
    }
  }
  if (plain) out.push(plain);
  return out;
}

// A table row's cells: split on the pipes no backslash escapes.
function cells(line) {
  const row = line.trim().replace(/^\|/, "");
  const out = [];
  let cell = "";
  for (let i = 0; i < row.length; i++) {
    if (row[i] === "\\" && i + 1 < row.length) { cell += row[i] + row[i + 1]; i++; }
    else if (row[i] === "|") { out.push(cell.trim()); cell = ""; }
    else cell += row[i];
  }
  if (cell.trim()) out.push(cell.trim());
  return out;
}

function isTable(lines, i) {
  return lines[i].trim().startsWith("|") && i + 1 < lines.length && /^\s*\|?\s*:?-{2,}/.test(lines[i + 1]);
}

function table(lines, i) {
  const head = cells(lines[i]);
  const body = [];
  let j = i + 2;
  while (j < lines.length && lines[j].trim().startsWith("|")) body.push(cells(lines[j++]));
  const el = h("table", { class: "grid" },
    h("thead", {}, h("tr", {}, head.map((c) => h("th", {}, inline(c))))),
    h("tbody", {}, body.map((row) => h("tr", {}, row.map((c) => h("td", {}, inline(c)))))));
  return [el, j];
}

function block(lines, i) {
  const line = lines[i];
  if (line.startsWith("```")) {
    const code = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].startsWith("```")) code.push(lines[j++]);
    return [h("pre", {}, code.join("\n")), j + 1];
  }
  const heading = /^(#{1,6})\s+(.*)$/.exec(line);
  if (heading) return [h(`h${Math.max(2, heading[1].length)}`, {}, inline(heading[2])), i + 1];
  if (isTable(lines, i)) return table(lines, i);
  if (/^\s*[-*]\s+/.test(line)) {
    const items = [];
    let j = i;
    while (j < lines.length && /^\s*[-*]\s+/.test(lines[j])) items.push(lines[j++].replace(/^\s*[-*]\s+/, ""));
    return [h("ul", {}, items.map((item) => h("li", {}, inline(item)))), j];
  }
  const para = [];
  let j = i;
  while (j < lines.length && lines[j].trim() && !/^(#|```|\s*[-*]\s)/.test(lines[j]) && !isTable(lines, j)) para.push(lines[j++]);
  return [h("p", {}, inline(para.join(" "))), Math.max(j, i + 1)];
}

export function renderMarkdown(text) {
  const root = h("div", { class: "markdown" });
  const lines = (text || "").split("\n");
  let i = 0;
  while (i < lines.length) {
    if (!lines[i].trim() || /^<\/?(details|summary)/.test(lines[i].trim())) { i++; continue; }
    const [el, next] = block(lines, i);
    root.append(el);
    i = next;
  }
  return root;
}
