// Side-by-side line diff of two SQL texts (LCS over lines), rendered as a two-column table.
import { h } from "./dom.js";

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

export function sqlDiffView(baseSql, currentSql) {
  const rows = diffLines((baseSql ?? "").split("\n"), (currentSql ?? "").split("\n"));
  let ln = 0;
  let rn = 0;
  const body = rows.map(([kind, left, right]) => {
    const l = left === null ? "" : ++ln;
    const r = right === null ? "" : ++rn;
    return h("tr", { class: `diff-${kind}` },
      h("td", { class: "ln" }, l), h("td", { class: "code left" }, left ?? ""),
      h("td", { class: "ln" }, r), h("td", { class: "code right" }, right ?? ""));
  });
  const changed = rows.filter(([kind]) => kind !== "same").length;
  return h("div", { class: "sql-diff" },
    h("div", { class: "muted small" }, changed ? `${changed} line(s) differ` : "No difference in the SQL"),
    h("table", { class: "sql-diff-table" },
      h("colgroup", {}, h("col", { class: "ln-col" }), h("col", {}), h("col", { class: "ln-col" }), h("col", {})),
      h("thead", {}, h("tr", {}, h("th", { colspan: 2 }, baseSql === null ? "Base (absent)" : "Base"),
        h("th", { colspan: 2 }, currentSql === null ? "Current (absent)" : "Current"))),
      h("tbody", {}, body)));
}
