// Checklist page: every check with its status and result view; approve, re-run, delete, reorder.
import { h, clear, errorBox, statusBadge, breakable } from "./dom.js";
import { api, runAndWait } from "./api.js";
import { runCard } from "./results.js";

// "7 of 10 approved" and a bar of the same share.
function progress(approved, total) {
  const fill = h("span", { class: `progress-fill${approved === total ? " complete" : ""}` });
  fill.style.width = `${Math.round((approved / total) * 100)}%`;
  return h("span", { class: "check-progress", id: "check-progress" },
    h("span", { class: "progress-text", id: "progress-text" }, `${approved} of ${total} approved`),
    h("span", { class: "progress-bar", role: "progressbar", "aria-label": "Checks approved", "aria-valuemin": 0,
      "aria-valuemax": total, "aria-valuenow": approved, "aria-valuetext": `${approved} of ${total} approved` },
    fill));
}

export async function checklistPage(root, ctx) {
  clear(root);
  let checks;
  let runs;
  try {
    [checks, runs] = await Promise.all([api.get("/api/checks"), api.get("/api/runs")]);
  } catch (err) {
    root.append(errorBox(err));
    return;
  }
  const state = ctx.pageState.checks || (ctx.pageState.checks = { open: checks[0] ? checks[0].check_id : null });
  const list = h("ol", { class: "check-list", id: "check-list" });
  const detail = h("section", { class: "check-detail", id: "check-detail" });
  const approved = checks.filter((c) => c.approved).length;
  const header = h("div", { class: "page-header" },
    h("h1", {}, "Checklist"),
    checks.length ? progress(approved, checks.length) : null,
    h("span", { class: "actions" },
      h("a", { class: "button", href: "/api/state/export", onclick: (e) => { e.preventDefault(); exportState(); } }, "Export"),
      h("label", { class: "button" }, "Import", h("input", { type: "file", accept: "application/json", hidden: true,
        onchange: (e) => importState(e.target.files[0]) })),
      h("button", { type: "button", onclick: async () => { try { await api.post("/api/state/save"); } catch (err) { root.prepend(errorBox(err)); } } }, "Save")));
  const loose = recentRuns(runs.filter((r) => !r.check_id && r.status !== "running").slice(0, 10), () => checklistPage(root, ctx));
  if (!checks.length) {
    root.append(header, h("div", { class: "empty" }, h("p", {}, "No checks yet."),
      h("p", { class: "muted" }, "Run a diff from a node's panel on the Lineage page, or from the Query page, then “Add to checklist”.")), loose);
    return;
  }
  checks.forEach((check, index) => {
    const run = check.last_run;
    const item = h("li", { class: `check-item${check.check_id === state.open ? " open" : ""}`, dataset: { checkId: check.check_id },
      onclick: () => { state.open = check.check_id; checklistPage(root, ctx); } },
    h("input", { type: "checkbox", class: "approve", checked: check.approved, title: "Approved", "aria-label": `Approve ${check.name}`,
      onclick: (e) => e.stopPropagation(),
      onchange: async (e) => { await api.patch(`/api/checks/${check.check_id}`, { approved: e.target.checked }); checklistPage(root, ctx); } }),
    h("span", { class: "check-name", title: check.name }, breakable(check.name)),
    run ? statusBadge(run.status) : h("span", { class: "badge" }, "not run"),
    run && run.mismatch ? h("span", { class: "badge mismatch" }, "mismatch") : null,
    h("span", { class: "reorder" },
      h("button", { type: "button", title: "Move up", disabled: index === 0, onclick: (e) => { e.stopPropagation(); move(index, -1); } }, "↑"),
      h("button", { type: "button", title: "Move down", disabled: index === checks.length - 1, onclick: (e) => { e.stopPropagation(); move(index, 1); } }, "↓")));
    list.append(item);
  });
  async function move(index, delta) {
    const ids = checks.map((c) => c.check_id);
    [ids[index], ids[index + delta]] = [ids[index + delta], ids[index]];
    await api.post("/api/checks/reorder", { check_ids: ids });
    checklistPage(root, ctx);
  }
  async function exportState() {
    const response = await api.raw("GET", "/api/state/export");
    const url = URL.createObjectURL(await response.blob());
    const a = h("a", { href: url, download: "spyglass_state.json" });
    document.body.append(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  }
  async function importState(file) {
    if (!file) return;
    try {
      await api.post("/api/state/import", await file.text());
      checklistPage(root, ctx);
    } catch (err) {
      root.prepend(errorBox(err));
    }
  }
  const open = checks.find((c) => c.check_id === state.open) || checks[0];
  showCheck(detail, open, () => checklistPage(root, ctx));
  root.append(header, h("div", { class: "checklist-body" }, h("div", {}, list, loose), detail));
}

// Runs not kept as checks yet, each with “Add to checklist”.
function recentRuns(runs, refresh) {
  if (!runs.length) return null;
  return h("section", { class: "recent-runs", id: "recent-runs" }, h("h3", {}, "Recent runs not in the checklist"),
    h("ul", {}, runs.map((run) => h("li", {},
      h("span", { class: "run-title" }, breakable(run.title)), statusBadge(run.status),
      h("button", { type: "button", class: "add-run", onclick: async () => {
        await api.post("/api/checks", { run_id: run.run_id });
        refresh();
      } }, "Add")))));
}

function showCheck(container, check, refresh) {
  const rerun = h("button", { type: "button", id: "rerun" }, "Re-run");
  rerun.addEventListener("click", async () => {
    rerun.disabled = true;
    rerun.textContent = "Running…";
    try {
      await runAndWait(check.spec, { checkId: check.check_id });
    } catch (err) {
      container.prepend(errorBox(err));
    }
    refresh();
  });
  const approve = h("button", { type: "button", id: "approve", class: check.approved ? "" : "primary" },
    check.approved ? "Unapprove" : "Approve");
  approve.addEventListener("click", async () => {
    await api.patch(`/api/checks/${check.check_id}`, { approved: !check.approved });
    refresh();
  });
  const remove = h("button", { type: "button", class: "danger", id: "delete" }, "Delete");
  remove.addEventListener("click", async () => {
    if (!window.confirm(`Delete the check “${check.name}”?`)) return;
    await api.del(`/api/checks/${check.check_id}`);
    refresh();
  });
  clear(container).append(...[
    h("header", { class: "check-header" },
      h("h2", { class: "check-title" }, breakable(check.name), check.approved ? h("span", { class: "badge approved" }, "approved") : null),
      h("span", { class: "actions" }, approve, rerun, remove)),
    check.description ? h("p", {}, check.description) : null,
    h("p", { class: "muted small mono" }, `${check.spec.type} ${JSON.stringify(check.spec.params)}`),
    check.last_run ? runCard(check.last_run) : h("p", { class: "muted" }, "Not run yet: press Re-run."),
  ].filter(Boolean));
}
