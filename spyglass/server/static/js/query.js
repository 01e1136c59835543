// Query page: SQL with ref() against base, current, or both as a query diff with a key picker.
import { h, clear, errorBox } from "./dom.js";
import { api } from "./api.js";
import { runCard } from "./results.js";
import { addToChecklistButton } from "./panel.js";

function columnsOf(run) {
  const r = run && run.result;
  if (!r) return [];
  const table = r.table || r.current || r.base;
  const cols = (table && table.columns) || (r.keyed && r.keyed.columns) || [];
  return cols.map((c) => (typeof c === "string" ? c : c.name));
}

// A first query on a model the change touches (a modified one with a key, if any).
async function starterSql() {
  try {
    const graph = await api.get("/api/lineage");
    const models = graph.nodes.filter((n) => n.resource_type === "model" && n.status === "modified");
    const pick = models.find((n) => n.primary_key) || models[0];
    if (pick) return { sql: `select * from {{ ref('${pick.name}') }}`, keys: pick.primary_key ? [pick.primary_key] : [] };
  } catch (err) {
    console.warn("no starter query", err);
  }
  return { sql: "select 1 as id", keys: [] };
}

export async function queryPage(root, ctx) {
  if (!ctx.pageState.query) {
    const { sql, keys } = await starterSql();
    ctx.pageState.query = { sql, env: "diff", keys, run: null, baseSql: "" };
  }
  const state = ctx.pageState.query;
  clear(root);
  const editor = h("textarea", { id: "sql-editor", class: "sql-editor", spellcheck: "false", rows: 10, "aria-label": "SQL" });
  editor.value = state.sql;
  const baseEditor = h("textarea", { id: "base-sql-editor", class: "sql-editor", spellcheck: "false", rows: 4,
    placeholder: "optional: different SQL for base", "aria-label": "Base SQL" });
  baseEditor.value = state.baseSql;
  for (const area of [editor, baseEditor]) {
    area.addEventListener("keydown", (e) => {
      if (e.key === "Tab") { e.preventDefault(); area.setRangeText("  ", area.selectionStart, area.selectionEnd, "end"); }
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
    });
  }
  const envs = ["current", "base", "diff"].map((env) => h("label", { class: "radio" },
    h("input", { type: "radio", name: "env", value: env, checked: state.env === env,
      onchange: () => { state.env = env; baseRow.hidden = env !== "diff"; keyRow.hidden = env !== "diff"; } }),
    env === "diff" ? " base vs current (diff)" : ` ${env}`));
  const keyInput = h("input", { id: "query-keys", placeholder: "key columns, comma separated", value: state.keys.join(", "), "aria-label": "Primary key" });
  const picker = h("span", { class: "key-picker" });
  const renderPicker = () => {
    clear(picker);
    for (const c of columnsOf(state.run)) {
      picker.append(h("label", { class: "chip" }, h("input", { type: "checkbox", checked: state.keys.includes(c),
        onchange: (e) => {
          state.keys = e.target.checked ? [...state.keys, c] : state.keys.filter((k) => k !== c);
          keyInput.value = state.keys.join(", ");
        } }), ` ${c}`));
    }
  };
  keyInput.addEventListener("change", () => { state.keys = keyInput.value.split(",").map((k) => k.trim()).filter(Boolean); renderPicker(); });
  const baseRow = h("div", { class: "row", hidden: state.env !== "diff" }, baseEditor);
  const keyRow = h("div", { class: "row", hidden: state.env !== "diff" }, h("span", {}, "Primary key: "), keyInput, picker);
  const output = h("div", { id: "query-output" });
  const runButton = h("button", { type: "button", class: "primary", id: "run-query" }, "Run");
  async function run() {
    state.sql = editor.value;
    state.baseSql = baseEditor.value;
    state.keys = keyInput.value.split(",").map((k) => k.trim()).filter(Boolean);
    runButton.disabled = true;
    clear(output).append(h("div", { class: "running" }, h("span", { class: "spinner" }), "Running…"));
    try {
      let view = await api.post("/api/query?timeout=30", {
        sql_template: state.sql, env: state.env, primary_keys: state.env === "diff" && state.keys.length ? state.keys : null,
        base_sql_template: state.env === "diff" && state.baseSql.trim() ? state.baseSql : null,
      });
      while (view.status === "running") view = await api.get(`/api/runs/${view.run_id}/wait?timeout=5`);
      state.run = view;
      showResult();
    } catch (err) {
      clear(output).append(errorBox(err));
    } finally {
      runButton.disabled = false;
    }
  }
  function showResult() {
    renderPicker();
    if (state.run) clear(output).append(runCard(state.run, { actions: [addToChecklistButton(state.run)] }));
  }
  runButton.addEventListener("click", run);
  root.append(h("div", { class: "query-page" },
    h("h1", {}, "Query"),
    h("p", { class: "muted" }, "Jinja SQL: {{ ref('model') }} and {{ source('src', 'table') }} resolve to the base or current relation. Ctrl+Enter runs."),
    editor, baseRow, h("div", { class: "row" }, envs, runButton), keyRow, output));
  showResult();
}
