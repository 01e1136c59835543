// Line diff of two SQL texts (LCS over lines): unified by default, side by side on demand; unchanged runs
// folded to a few context lines ("⋯ 24 unchanged lines", click to expand); SQL highlighted per line.
import { h, clear } from "./dom.js";
import { tokenLines, tokenNodes } from "./highlight.js";

const CONTEXT = 3;  // unchanged lines kept around a change

export function diffLines(a, b) {
  const n = a.length;
  const m = b.length;
  if (n * m > 4_000_000) {  // too big for LCS: show both sides as replaced
    return [...a.map((line) => ["del", line, null]), ...b.map((line) => ["add", null, line])];
  }
  const dp = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { out.push(["same", a[i], b[j]]); i++; j++; }
    else if (dp[i + 1][j] >= dp[i][j + 1]) { out.push(["del", a[i], null]); i++; }
    else { out.push(["add", null, b[j]]); j++; }
  }
  while (i < n) out.push(["del", a[i++], null]);
  while (j < m) out.push(["add", null, b[j++]]);
  return pairUp(out);
}

// Put a deletion and the addition that follows it on one row (a "changed" line).
function pairUp(ops) {
  const rows = [];
  for (let k = 0; k < ops.length; k++) {
    const [kind, left] = ops[k];
    if (kind === "del") {
      let end = k;
      while (end < ops.length && ops[end][0] === "del") end++;
      let addEnd = end;
      while (addEnd < ops.length && ops[addEnd][0] === "add") addEnd++;
      const dels = ops.slice(k, end);
      const adds = ops.slice(end, addEnd);
      for (let x = 0; x < Math.max(dels.length, adds.length); x++) {
        const d = dels[x];
        const a = adds[x];
        rows.push([d && a ? "changed" : d ? "del" : "add", d ? d[1] : null, a ? a[2] : null]);
      }
      k = addEnd - 1;
    } else {
      rows.push([kind, left, ops[k][2]]);
    }
  }
  return rows;
}

// Rows with their line indexes: {kind, l, r} (null on the side without the line).
function numbered(rows) {
  let l = 0;
  let r = 0;
  return rows.map(([kind, left, right]) => ({ kind, l: left === null ? null : l++, r: right === null ? null : r++ }));
}

// Runs of rows: {fold: false, from, to} shown, {fold: true, from, to} unchanged lines folded away.
export function foldRuns(rows, context = CONTEXT) {
  const runs = [];
  let k = 0;
  while (k < rows.length) {
    let end = k;
    const same = rows[k].kind === "same";
    while (end < rows.length && (rows[end].kind === "same") === same) end++;
    const head = k === 0 ? 0 : context;  // keep context after a change and before the next one
    const tail = end === rows.length ? 0 : context;
    if (same && end - k > head + tail + 1) {
      if (head) runs.push({ fold: false, from: k, to: k + head });
      runs.push({ fold: true, from: k + head, to: end - tail });
      if (tail) runs.push({ fold: false, from: end - tail, to: end });
    } else {
      runs.push({ fold: false, from: k, to: end });
    }
    k = end;
  }
  return runs;
}

// A line's indentation apart from its text, so that a wrapped line continues under its own start.
function code(tokens, side) {
  if (!tokens) return h("td", { class: `code ${side}` });
  const first = tokens[0];
  const indent = first && first.kind === null ? first.text.match(/^[ \t]*/)[0] : "";
  const rest = indent ? [{ kind: null, text: first.text.slice(indent.length) }, ...tokens.slice(1)] : tokens;
  return h("td", { class: `code ${side}` }, h("div", { class: "line" },
    h("span", { class: "indent" }, indent), h("span", { class: "text" }, tokenNodes(rest))));
}

function sideBySideRow(row, base, current) {
  return h("tr", { class: `diff-${row.kind}` },
    h("td", { class: "ln" }, row.l === null ? "" : row.l + 1), code(row.l === null ? null : base[row.l], "left"),
    h("td", { class: "ln" }, row.r === null ? "" : row.r + 1), code(row.r === null ? null : current[row.r], "right"));
}

function unifiedLine(kind, l, r, tokens) {
  const sign = kind === "del" ? "−" : kind === "add" ? "+" : " ";
  return h("tr", { class: `diff-${kind}` }, h("td", { class: "ln" }, l === null ? "" : l + 1),
    h("td", { class: "ln" }, r === null ? "" : r + 1), h("td", { class: "sign", "aria-hidden": "true" }, sign),
    code(tokens, kind === "del" ? "left" : "right"));
}

// Unified: a run of changed rows shows its removed lines, then its added lines.
function unifiedRows(rows, base, current) {
  const dels = [];
  const adds = [];
  const out = [];
  const flush = () => { out.push(...dels.splice(0), ...adds.splice(0)); };
  for (const row of rows) {
    if (row.kind === "same") { flush(); out.push(unifiedLine("same", row.l, row.r, current[row.r])); continue; }
    if (row.l !== null) dels.push(unifiedLine("del", row.l, null, base[row.l]));
    if (row.r !== null) adds.push(unifiedLine("add", null, row.r, current[row.r]));
  }
  flush();
  return out;
}

function foldRow(run, columns, expand) {
  const count = run.to - run.from;
  return h("tr", { class: "diff-fold" }, h("td", { colspan: columns },
    h("button", { type: "button", class: "fold", onclick: expand, title: "Show these lines" },
      `⋯ ${count} unchanged line${count === 1 ? "" : "s"}`)));
}

function diffBody(state, rows, base, current) {
  const unified = state.mode === "unified";
  const body = [];
  for (const run of foldRuns(rows)) {
    if (run.fold && !state.expanded.has(run.from)) {
      body.push(foldRow(run, 4, () => { state.expanded.add(run.from); state.render(); }));
      continue;
    }
    const slice = rows.slice(run.from, run.to);
    body.push(...(unified ? unifiedRows(slice, base, current) : slice.map((row) => sideBySideRow(row, base, current))));
  }
  return h("tbody", {}, body);
}

function diffTable(state, rows, base, current, titles) {
  const unified = state.mode === "unified";
  const head = unified
    ? h("tr", {}, h("th", { colspan: 4 }, `${titles[0]} → ${titles[1]}`))
    : h("tr", {}, h("th", { colspan: 2 }, titles[0]), h("th", { colspan: 2 }, titles[1]));
  const cols = unified
    ? [h("col", { class: "ln-col" }), h("col", { class: "ln-col" }), h("col", { class: "sign-col" }), h("col", {})]
    : [h("col", { class: "ln-col" }), h("col", { class: "code-col" }), h("col", { class: "ln-col" }), h("col", { class: "code-col" })];
  return h("table", { class: `sql-diff-table ${unified ? "unified" : "split"}` },
    h("colgroup", {}, cols), h("thead", {}, head), diffBody(state, rows, base, current));
}

function modeToggle(state) {
  const button = (mode, label) => h("button", { type: "button", class: "mode", "data-mode": mode,
    "aria-pressed": String(state.mode === mode), onclick: () => { state.mode = mode; state.render(); } }, label);
  return h("span", { class: "segmented", role: "group", "aria-label": "SQL diff layout" },
    button("unified", "Unified"), button("split", "Side by side"));
}

export function sqlDiffView(baseSql, currentSql) {
  const rows = numbered(diffLines((baseSql ?? "").split("\n"), (currentSql ?? "").split("\n")));
  const base = tokenLines(baseSql ?? "");
  const current = tokenLines(currentSql ?? "");
  const titles = [baseSql === null ? "Base (absent)" : "Base", currentSql === null ? "Current (absent)" : "Current"];
  const changed = rows.filter((row) => row.kind !== "same").length;
  const holder = h("div", { class: "sql-diff-body" });
  const state = { mode: "unified", expanded: new Set(), render: null };
  const bar = h("div", { class: "sql-diff-bar" });
  state.render = () => {
    clear(bar).append(h("span", { class: "muted small" }, changed ? `${changed} line(s) differ` : "No difference in the SQL"),
      modeToggle(state));
    clear(holder).append(diffTable(state, rows, base, current, titles));
  };
  state.render();
  return h("div", { class: "sql-diff" }, bar, holder);
}
