// Query page: SQL with ref() against base, current, or both as a query diff with a key picker.
import { h, clear, errorBox } from "./dom.js";
import { api } from "./api.js";
import { runCard } from "./results.js";
import { addToChecklistButton } from "./panel.js";
import { sqlEditor } from "./sqleditor.js";

function columnsOf(run) {
  const r = run && run.result;
  if (!r) return [];
  const table = r.table || r.current || r.base;
  const cols = (table && table.columns) || (r.keyed && [...r.keyed.primary_key, ...r.keyed.columns]) || [];
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
  const { field: editorField, area: editor } = sqlEditor({ id: "sql-editor", label: "SQL", rows: 10, value: state.sql,
    onRun: () => run() });
  const { field: baseField, area: baseEditor } = sqlEditor({ id: "base-sql-editor", label: "Base SQL (optional)", rows: 4,
    placeholder: "optional: different SQL for base", value: state.baseSql, onRun: () => run() });
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
  const baseRow = h("div", { hidden: state.env !== "diff" }, baseField);
  const keyRow = h("div", { class: "row", hidden: state.env !== "diff" }, h("label", { for: "query-keys" }, "Primary key: "), keyInput, picker);
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
    // only a result is worth keeping: a failed run has nothing to approve
    const actions = state.run && state.run.status === "success" ? [addToChecklistButton(state.run)] : [];
    if (state.run) clear(output).append(runCard(state.run, { actions }));
  }
  runButton.addEventListener("click", run);
  root.append(h("div", { class: "query-page" },
    h("h1", {}, "Query"),
    h("p", { class: "muted" }, "Jinja SQL: {{ ref('model') }} and {{ source('src', 'table') }} resolve to the base or current relation. Ctrl+Enter runs."),
    editorField, baseRow, h("div", { class: "row" }, h("span", { role: "radiogroup", "aria-label": "Run on" }, envs), runButton), keyRow, output));
  showResult();
}
