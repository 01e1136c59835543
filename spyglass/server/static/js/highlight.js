// SQL syntax highlighting: a small tokenizer (keywords, strings, quoted names, numbers, comments, Jinja
// {{ }} / {% %} / {# #}) and DOM spans built with h (text only, never HTML).
import { h } from "./dom.js";

const KEYWORDS = new Set(`select from where and or not in is null as on join left right inner outer full cross
  natural using group by order having limit offset union all intersect except distinct case when then else end
  with recursive insert update delete into values set create table view replace drop alter if exists between
  like ilike similar asc desc nulls first last over partition window rows range unbounded preceding following
  current row cast true false interval qualify lateral filter within any some exclude materialized array
  struct date timestamp time int integer bigint smallint varchar text double float decimal numeric boolean`.split(/\s+/));

// One alternative per token kind; the first group that matched names the kind. `$` without the m flag is
// the end of the text, so an unclosed comment, string or Jinja tag runs to the end.
const TOKEN = new RegExp([
  String.raw`(\{\{[\s\S]*?(?:\}\}|$)|\{%[\s\S]*?(?:%\}|$)|\{#[\s\S]*?(?:#\}|$))`,  // jinja
  String.raw`(--[^\n]*|\/\*[\s\S]*?(?:\*\/|$))`,  // comment
  String.raw`('(?:[^']|'')*'?)`,  // string
  String.raw`("(?:[^"]|"")*"?|\x60[^\x60]*\x60?)`,  // quoted name
  String.raw`(\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b)`,  // number
  String.raw`([A-Za-z_][A-Za-z0-9_$]*)`,  // word
  String.raw`(\s+|[\s\S])`,  // anything else, one character (or a run of spaces)
].join("|"), "g");
const KINDS = [null, "jinja", "comment", "string", "name", "number", "word", "plain"];

// [{kind, text}] for the whole text; kind is null for plain text (punctuation, spaces, identifiers).
export function tokenize(text) {
  const tokens = [];
  for (const match of String(text ?? "").matchAll(TOKEN)) {
    const group = match.findIndex((g, i) => i > 0 && g !== undefined);
    let kind = KINDS[group];
    if (kind === "word") kind = KEYWORDS.has(match[0].toLowerCase()) ? "keyword" : null;
    if (kind === "plain") kind = null;
    const last = tokens[tokens.length - 1];
    if (kind === null && last && last.kind === null) last.text += match[0];
    else tokens.push({ kind, text: match[0] });
  }
  return tokens;
}

// The tokens of each line (a comment or string spanning lines is split at the line ends, kind kept).
export function tokenLines(text) {
  const lines = [[]];
  for (const token of tokenize(text)) {
    token.text.split("\n").forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) lines[lines.length - 1].push({ kind: token.kind, text: part });
    });
  }
  return lines;
}

// DOM nodes for tokens: a span per highlighted token, a text node for the rest.
export function tokenNodes(tokens) {
  return tokens.map((t) => (t.kind ? h("span", { class: `tok-${t.kind}` }, t.text) : document.createTextNode(t.text)));
}

export function highlightSql(text) {
  return tokenNodes(tokenize(text));
}
