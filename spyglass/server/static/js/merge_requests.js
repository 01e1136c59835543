// The merge-request dashboard: tracking status, the checklist's binding to one merge request (its
// source branch and head commit, stale when the head moves), a preview of the note, and posting it.
import { h, clear, errorBox, safeUrl } from "./dom.js";
import { api } from "./api.js";
import { confirmDialog } from "./dialog.js";
import { renderMarkdown } from "./markdown.js";
import { timeAgo } from "./times.js";

const REFRESH_MS = 30_000;  // the tracking column follows posts, webhooks and other tabs this often

const short = (sha) => (sha || "").slice(0, 8);

// fresh | stale | other (bound to another MR) | none
function bindingOf(bound, mr) {
  if (!bound) return "none";
  if (bound.iid !== mr.iid) return "other";
  return bound.head_sha && mr.head_sha && bound.head_sha !== mr.head_sha ? "stale" : "fresh";
}

function bindingBanner(bound, mrs) {
  if (!bound) {
    return h("div", { class: "binding", id: "checklist-binding", dataset: { state: "none" } },
      "The checklist is not bound to a merge request: ", h("strong", {}, "Bind checklist"),
      " on the one it reviews, so its summary says which commit was checked and turns stale when new commits arrive.");
  }
  const mr = mrs.find((m) => m.iid === bound.iid);
  const state = mr ? bindingOf(bound, mr) : "fresh";
  return h("div", { class: `binding binding-${state}`, id: "checklist-binding", dataset: { state } },
    `The checklist is bound to !${bound.iid} (${bound.source_branch || "?"} at ${short(bound.head_sha)}).`,
    state === "stale" ? h("strong", { class: "stale" },
      ` Stale: the merge request's head moved to ${short(mr.head_sha)} since. Re-run the checks on the new commit, then bind again.`) : null);
}

async function showPreview(panel, mr) {
  clear(panel).append(h("div", { class: "running" }, h("span", { class: "spinner" }), "Rendering the note…"));
  try {
    const res = await api.get(`/api/gitlab/merge-requests/${mr.iid}/preview`);
    const visible = res.body.replace(/<!--[\s\S]*?-->/g, "");  // GitLab hides HTML comments too
    clear(panel).append(h("div", { class: "card preview", id: "note-preview", dataset: { iid: mr.iid } },
      h("h2", {}, `Preview of the note on !${mr.iid}`),
      h("p", { class: "muted small" }, "Nothing is sent to GitLab until you press Post summary."),
      h("div", { class: "note-body" }, renderMarkdown(visible))));
  } catch (err) { clear(panel).append(errorBox(err)); }
}

// Asks before posting a checklist bound to another merge request, or to an older head commit.
async function confirmPost(bound, mr) {
  const state = bindingOf(bound, mr);
  if (state === "fresh" || state === "none") return true;
  const message = state === "stale"
    ? `The checklist was checked at ${short(bound.head_sha)}, but !${mr.iid}'s head is now ${short(mr.head_sha)}.`
    : `The checklist is bound to !${bound.iid}, not to !${mr.iid}.`;
  return confirmDialog({ id: "post-dialog", title: `Post on !${mr.iid} anyway?`, message,
    remedy: "The summary would describe another commit than the one under review.", ok: "Post anyway", cancel: "Cancel" });
}

function stateBadge(state) {
  return h("span", { class: `badge mr-state mr-state-${state}` }, state);
}

function trackingText(mr, statusText) {
  return mr.summary_url ? h("a", { href: safeUrl(mr.summary_url), target: "_blank", rel: "noopener" }, statusText) : statusText;
}

// Re-reads the listing and updates each shown row's tracking, time and state in place (no redraw: a
// preview, a focused button or a running post stay as they are). Stops once the table left the page.
function liveRows(table, filter) {
  let timer = null;
  const refresh = async () => {
    clearTimeout(timer);
    if (!table.isConnected) return;
    if (document.hidden) { timer = setTimeout(refresh, REFRESH_MS); return; }  // no GitLab calls for a hidden tab
    try {
      const list = await api.get(`/api/gitlab/merge-requests?state=${filter}`);
      for (const { mr, status_text: statusText } of list.merge_requests) updateRow(table, mr, statusText);
    } catch { /* GitLab unreachable for a moment: the next refresh tries again */ }
    if (table.isConnected) timer = setTimeout(refresh, REFRESH_MS);
  };
  timer = setTimeout(refresh, REFRESH_MS);
  return refresh;
}

function updateRow(table, mr, statusText) {
  const tr = table.querySelector(`tr[data-iid="${mr.iid}"]`);
  if (!tr) return;
  tr.dataset.tracking = mr.status;
  tr.dataset.state = mr.state;
  const cell = tr.querySelector("td.tracking");
  const badge = cell.querySelector(".checklist-badge");
  cell.replaceChildren(trackingText(mr, statusText), badge || "");
  tr.querySelector("td.updated").replaceChildren(timeAgo(mr.updated_at));
  const state = tr.querySelector("td.mr-state-cell");
  if (state) state.replaceChildren(stateBadge(mr.state));
}

function row(mr, statusText, ctx) {
  const { list, notes, status, panel, rerender } = ctx;
  const binding = bindingOf(list.bound, mr);
  const post = h("button", { type: "button", class: "post-summary", disabled: !list.can_post,
    title: list.can_post ? "Post the checklist's summary as one note (updated in place later)" : list.post_disabled_reason }, "Post summary");
  const preview = h("button", { type: "button", class: "preview-summary", title: "Show the note as it will look, without sending it" }, "Preview");
  const bind = h("button", { type: "button", class: "bind-checklist",
    title: "Tie the checklist to this merge request's source branch and head commit" },
  binding === "fresh" ? "Bound ✓" : binding === "stale" ? "Bind again (stale)" : "Bind checklist");
  const badge = binding === "fresh" ? h("span", { class: "badge approved checklist-badge" }, "checklist bound")
    : binding === "stale" ? h("span", { class: "badge mismatch checklist-badge stale" }, "checklist stale") : null;
  const cell = h("td", { class: "tracking" }, trackingText(mr, statusText), badge);
  preview.addEventListener("click", () => showPreview(panel, mr));
  bind.addEventListener("click", async () => {
    bind.disabled = true;
    try { await api.post(`/api/gitlab/merge-requests/${mr.iid}/bind`); rerender(); } catch (err) { cell.append(errorBox(err)); bind.disabled = false; }
  });
  post.addEventListener("click", async () => {
    if (!(await confirmPost(list.bound, mr))) return;
    post.disabled = true;
    post.textContent = "Posting…";
    try {
      const res = await api.post(`/api/gitlab/merge-requests/${mr.iid}/post`, { notes: notes.checked, commit_status: status.checked });
      post.textContent = res.created ? "Posted ✓" : "Updated ✓";
      cell.replaceChildren(res.note_url ? h("a", { href: safeUrl(res.note_url), target: "_blank", rel: "noopener" }, `summary posted (note ${res.note_id})`)
        : `summary posted (note ${res.note_id})`, badge);
      ctx.refresh();  // the server's own tracking text for the row, without reloading the page
    } catch (err) {
      post.textContent = "Post summary";
      post.disabled = false;
      cell.append(errorBox(err));
    }
  });
  return h("tr", { dataset: { iid: mr.iid, binding, state: mr.state, tracking: mr.status } },
    h("td", {}, `!${mr.iid}`), h("td", {}, mr.title),
    ctx.showState ? h("td", { class: "mr-state-cell" }, stateBadge(mr.state)) : null, h("td", {}, mr.author || "—"),
    h("td", { class: "mono small" }, `${mr.source_branch} → ${mr.target_branch}`),
    h("td", { class: "mono small" }, short(mr.head_sha)), h("td", { class: "small updated" }, timeAgo(mr.updated_at)),
    cell, h("td", { class: "mr-actions" }, preview, " ", bind, " ", post, " ",
      h("a", { class: "button", href: safeUrl(mr.web_url), target: "_blank", rel: "noopener" }, "Open in GitLab")));
}

export async function mergeRequestsPage(root, ctx) {
  const state = ctx.pageState.mrs || (ctx.pageState.mrs = { filter: "opened" });
  const rerender = () => mergeRequestsPage(root, ctx);
  clear(root);
  const header = h("div", { class: "page-header" }, h("h1", {}, "Merge requests"),
    h("select", { id: "mr-state", "aria-label": "State", onchange: (e) => { state.filter = e.target.value; rerender(); } },
      ["opened", "merged", "closed", "all"].map((s) => h("option", { value: s, selected: s === state.filter }, s))));
  root.append(header);
  const body = h("div", {}, h("div", { class: "running" }, h("span", { class: "spinner" }), "Loading merge requests from GitLab…"));
  root.append(body);
  let list;
  try {
    list = await api.get(`/api/gitlab/merge-requests?state=${state.filter}`);
  } catch (err) {
    clear(body).append(errorBox(err), h("p", {}, h("a", { href: "#/settings/gitlab" }, "Go to Settings → GitLab integration")));
    return;
  }
  clear(body);
  header.append(h("span", { class: "muted" }, list.project));
  if (!list.can_post) body.append(h("div", { class: "read-only-banner", id: "read-only-banner", role: "status" }, list.post_disabled_reason));
  const mrs = list.merge_requests.map((r) => r.mr);
  body.append(bindingBanner(list.bound, mrs));
  const notes = h("input", { type: "checkbox", id: "post-notes", disabled: !list.can_post });
  const status = h("input", { type: "checkbox", id: "post-status", disabled: !list.can_post });
  body.append(h("div", { class: "row muted small" }, "With the summary:",
    h("label", {}, notes, " a thread per mismatched check"), h("label", {}, status, " a commit status")));
  if (!list.merge_requests.length) { body.append(h("p", { class: "muted" }, `No ${state.filter} merge requests.`)); return; }
  const panel = h("div", { id: "preview-panel" });
  const showState = state.filter === "all";
  const table = h("table", { class: "grid mr-table", id: "mr-table" });
  const refresh = liveRows(table, state.filter);
  const rows = list.merge_requests.map(({ mr, status_text: statusText }) => row(mr, statusText,
    { list, notes, status, panel, rerender, refresh, showState }));
  const columns = ["MR", "Title", showState ? "State" : null, "Author", "Branches", "Head", "Updated", "Tracking", ""];
  table.append(h("thead", {}, h("tr", {}, columns.filter((c) => c !== null).map((c) => h("th", {}, c)))), h("tbody", {}, rows));
  body.append(table, panel);
}
