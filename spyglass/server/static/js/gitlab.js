// Settings -> GitLab integration, and the merge-request dashboard.
import { h, clear, errorBox, fmt, safeUrl } from "./dom.js";
import { api } from "./api.js";

const SCOPES = {
  api: "view and track merge requests, post summaries and notes, set commit statuses",
  read_api: "view and track merge requests only (cannot post)",
  read_user: "read the user's profile only (not enough for Spyglass)",
  read_repository: "read the repository (not used by Spyglass)",
};

function diagnosisView(d) {
  const scopes = d.scopes || [];
  const days = d.days_left;
  return h("div", { class: "card diagnosis", id: "diagnosis" },
    h("h2", {}, d.can_post ? "✓ Ready to post" : d.can_read_merge_requests ? "Read-only connection" : "The connection cannot be used"),
    h("div", { class: "form-grid" },
      h("span", { class: "muted" }, "GitLab"), h("span", {}, d.url),
      h("span", { class: "muted" }, "Project"), h("span", {}, d.project_web_url ? h("a", { href: safeUrl(d.project_web_url), target: "_blank", rel: "noopener" }, d.project) : d.project),
      h("span", { class: "muted" }, "User"), h("span", { id: "diag-user" }, d.user ? `${d.user}${d.bot ? " (bot)" : ""}` : "—"),
      h("span", { class: "muted" }, "Role"), h("span", { id: "diag-role" }, d.role || (d.user ? "not a member" : "unknown")),
      h("span", { class: "muted" }, "Expires"), h("span", { id: "diag-expiry" }, d.expires_at
        ? `${d.expires_at} (${days < 0 ? `expired ${-days} day(s) ago` : `${days} day(s) left`})` : "never / unknown"),
      h("span", { class: "muted" }, "Scopes"),
      h("ul", { class: "scope-list", id: "diag-scopes" }, scopes.length
        ? scopes.map((sc) => h("li", {}, h("code", {}, sc), " — ", SCOPES[sc] || "not used by Spyglass"))
        : h("li", { class: "muted" }, "unknown"))),
    d.problems.length ? h("h3", {}, "Problems") : null,
    h("div", { id: "problems" }, d.problems.map((p) => h("div", { class: `problem severity-${p.severity}`, dataset: { code: p.code } },
      h("strong", {}, p.message), h("div", { class: "remedy" }, p.remedy)))));
}

function connectionCard(conn, refresh, output) {
  if (!conn.connected) return h("div", { class: "card" }, h("p", { class: "muted", id: "not-connected" }, "Not connected to GitLab yet."));
  const check = h("button", { type: "button", id: "check-connection" }, "Check connection");
  check.addEventListener("click", async () => {
    check.disabled = true;
    try { clear(output).append(diagnosisView(await api.get("/api/gitlab/diagnosis"))); } catch (err) { clear(output).append(errorBox(err)); }
    check.disabled = false;
  });
  const hookUrl = h("input", { id: "webhook-url", type: "url", value: `${location.origin}/api/gitlab/webhook`,
    "aria-label": "Webhook URL", title: "The address GitLab sends merge request events to (it must reach this server)" });
  const install = h("button", { type: "button", id: "install-webhook" }, conn.webhook_configured ? "Reinstall webhook" : "Install webhook");
  install.addEventListener("click", async () => {
    install.disabled = true;
    try {
      const res = await api.post("/api/gitlab/webhook/install", { hook_url: hookUrl.value || null });
      clear(output).append(h("div", { class: "card" }, h("p", {}, `Webhook ${res.hook_id} installed: GitLab will send merge request events to ${res.url}.`),
        res.warning ? h("div", { class: "problem" }, res.warning) : null));
    } catch (err) { clear(output).append(errorBox(err)); }
    install.disabled = false;
  });
  const disconnect = h("button", { type: "button", class: "danger", id: "disconnect" }, "Disconnect");
  disconnect.addEventListener("click", async () => {
    if (!window.confirm("Remove the stored GitLab token?")) return;
    await api.post("/api/gitlab/disconnect");
    refresh();
  });
  return h("div", { class: "card", id: "connection" },
    h("h2", {}, "Connected"),
    h("div", { class: "form-grid" },
      h("span", { class: "muted" }, "GitLab"), h("span", {}, conn.url),
      h("span", { class: "muted" }, "Project"), h("span", {}, conn.project),
      h("span", { class: "muted" }, "User"), h("span", {}, conn.user || "—"),
      h("span", { class: "muted" }, "Scopes"), h("span", {}, conn.scopes.join(", ") || "—"),
      h("span", { class: "muted" }, "Token"), h("span", { class: "mono", id: "token-last4" }, `••••••••${conn.token_last4}`),
      h("span", { class: "muted" }, "Webhook"), h("span", {}, conn.webhook_configured ? "installed" : "not installed"),
      h("label", { class: "muted", for: "webhook-url" }, "Webhook URL"), hookUrl),
    h("div", { class: "row" }, check, install, disconnect));
}

export async function gitlabSettingsPage(root) {
  clear(root);
  let conn;
  try { conn = await api.get("/api/gitlab/connection"); } catch (err) { root.append(errorBox(err)); return; }
  const output = h("div", { id: "connect-output" });
  const url = h("input", { id: "gitlab-url", type: "url", value: conn.url || "https://gitlab.com", required: true });
  const project = h("input", { id: "gitlab-project", placeholder: "group/subgroup/project", value: conn.project || "", required: true });
  const token = h("input", { id: "gitlab-token", type: "password", autocomplete: "off", placeholder: "glpat-…", required: true });
  const submit = h("button", { type: "submit", class: "primary", id: "connect" }, conn.connected ? "Replace token" : "Connect");
  const form = h("form", { class: "card", id: "connect-form" },
    h("h2", {}, conn.connected ? "Connect another token" : "Connect"),
    h("p", { class: "muted" }, "Create a Personal Access Token in GitLab (User settings → Access tokens) with the ",
      h("code", {}, "api"), " scope to post summaries, or ", h("code", {}, "read_api"), " to only track merge requests. ",
      "The token is stored encrypted and never shown again."),
    h("div", { class: "form-grid" },
      h("label", { for: "gitlab-url" }, "GitLab URL"), url,
      h("label", { for: "gitlab-project" }, "Project path"), project,
      h("label", { for: "gitlab-token" }, "Access token"), token),
    h("div", { class: "row" }, submit));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    submit.disabled = true;
    clear(output).append(h("div", { class: "running" }, h("span", { class: "spinner" }), "Checking the token with GitLab…"));
    try {
      const res = await api.post("/api/gitlab/connect", { url: url.value, project: project.value, token: token.value });
      token.value = "";
      clear(output).append(
        h("p", { id: "connect-result", class: res.stored ? "ok" : "bad" }, res.stored
          ? `Connected. The token ending in ${res.token_last4} is stored encrypted.`
          : `Not connected: the token ending in ${res.token_last4} cannot read merge requests, so it was not stored.`),
        diagnosisView(res.diagnosis));
      if (res.stored) {
        const fresh = await api.get("/api/gitlab/connection");
        connBox.replaceChildren(connectionCard(fresh, () => gitlabSettingsPage(root), output));
      }
    } catch (err) {
      clear(output).append(errorBox(err));
    } finally {
      submit.disabled = false;
    }
  });
  const connBox = h("div", {}, connectionCard(conn, () => gitlabSettingsPage(root), output));
  root.append(h("div", { class: "settings-page" }, h("h1", {}, "Settings → GitLab integration"), connBox, form, output));
}

export async function mergeRequestsPage(root, ctx) {
  const state = ctx.pageState.mrs || (ctx.pageState.mrs = { filter: "opened" });
  clear(root);
  const header = h("div", { class: "page-header" }, h("h1", {}, "Merge requests"),
    h("select", { id: "mr-state", "aria-label": "State", onchange: (e) => { state.filter = e.target.value; mergeRequestsPage(root, ctx); } },
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
  const notes = h("input", { type: "checkbox", id: "post-notes", disabled: !list.can_post });
  const status = h("input", { type: "checkbox", id: "post-status", disabled: !list.can_post });
  body.append(h("div", { class: "row muted small" }, "With the summary:",
    h("label", {}, notes, " a thread per mismatched check"), h("label", {}, status, " a commit status")));
  if (!list.merge_requests.length) { body.append(h("p", { class: "muted" }, `No ${state.filter} merge requests.`)); return; }
  const rows = list.merge_requests.map(({ mr, status_text: statusText }) => {
    const post = h("button", { type: "button", class: "post-summary", disabled: !list.can_post,
      title: list.can_post ? "Post the checklist's summary as one note (updated in place later)" : list.post_disabled_reason }, "Post summary");
    const cell = h("td", { class: "tracking" }, mr.summary_url ? h("a", { href: safeUrl(mr.summary_url), target: "_blank", rel: "noopener" }, statusText) : statusText);
    post.addEventListener("click", async () => {
      post.disabled = true;
      post.textContent = "Posting…";
      try {
        const res = await api.post(`/api/gitlab/merge-requests/${mr.iid}/post`, { notes: notes.checked, commit_status: status.checked });
        post.textContent = res.created ? "Posted ✓" : "Updated ✓";
        cell.replaceChildren(res.note_url ? h("a", { href: safeUrl(res.note_url), target: "_blank", rel: "noopener" }, `summary posted (note ${res.note_id})`)
          : `summary posted (note ${res.note_id})`);
      } catch (err) {
        post.textContent = "Post summary";
        post.disabled = false;
        cell.append(errorBox(err));
      }
    });
    return h("tr", { dataset: { iid: mr.iid } },
      h("td", {}, `!${mr.iid}`), h("td", {}, mr.title), h("td", {}, mr.author || "—"),
      h("td", { class: "mono small" }, `${mr.source_branch} → ${mr.target_branch}`),
      h("td", { class: "mono small" }, (mr.head_sha || "").slice(0, 8)), h("td", { class: "small" }, fmt(mr.updated_at)),
      cell, h("td", {}, post, " ", h("a", { class: "button", href: safeUrl(mr.web_url), target: "_blank", rel: "noopener" }, "Open in GitLab")));
  });
  body.append(h("table", { class: "grid", id: "mr-table" },
    h("thead", {}, h("tr", {}, ["MR", "Title", "Author", "Branches", "Head", "Updated", "Tracking", ""].map((c) => h("th", {}, c)))),
    h("tbody", {}, rows)));
}
