// Settings -> GitLab integration: connect a token (asking before a downgrade), the stored connection,
// its diagnosis and the webhook. The merge-request dashboard is in merge_requests.js.
import { h, clear, errorBox } from "./dom.js";
import { api } from "./api.js";
import { confirmDialog } from "./dialog.js";
import { diagnosisView } from "./gitlab_diagnosis.js";
import { rotationCard } from "./gitlab_rotation.js";

export { mergeRequestsPage } from "./merge_requests.js";

// Warns, as the user types, when GitLab cannot call the webhook URL (loopback, private, link-local).
// `typed` keeps the URL the user typed across redraws of the card.
function webhookUrlField(typed) {
  const input = h("input", { id: "webhook-url", type: "url", value: typed.hookUrl || `${location.origin}/api/gitlab/webhook`,
    "aria-label": "Webhook URL", title: "The address GitLab sends merge request and note events to: it must reach this server from GitLab" });
  const warning = h("div", { class: "url-warning", id: "webhook-url-warning", role: "status", hidden: true });
  let timer = null;
  let asked = 0;
  const check = async () => {
    const mine = ++asked;
    try {
      const res = await api.get(`/api/gitlab/webhook/url-check?url=${encodeURIComponent(input.value)}`);
      if (mine !== asked) return;
      warning.textContent = res.warning || "";
      warning.hidden = !res.warning;
    } catch { warning.hidden = true; }
  };
  input.addEventListener("input", () => { typed.hookUrl = input.value; clearTimeout(timer); timer = setTimeout(check, 250); });
  check();
  return { input, warning };
}

function installButton(conn, hookUrl, output, refresh) {
  const install = h("button", { type: "button", id: "install-webhook" }, conn.webhook_configured ? "Reinstall webhook" : "Install webhook");
  install.addEventListener("click", async () => {
    install.disabled = true;
    try {
      const res = await api.post("/api/gitlab/webhook/install", { hook_url: hookUrl.value || null });
      const events = [res.merge_requests_events ? "merge request" : null, res.note_events ? "note" : null].filter(Boolean).join(" and ");
      await refresh();  // the connection card now says "installed"
      clear(output).append(h("div", { class: "card", id: "webhook-result" },
        h("p", { class: "ok" }, `Webhook ${res.hook_id} ${res.created ? "installed" : "updated (it had the same URL)"}: GitLab will send ${events} events to ${res.url}.`),
        res.warning ? h("div", { class: "problem" }, res.warning) : null));
    } catch (err) { clear(output).append(errorBox(err)); install.disabled = false; }
  });
  return install;
}

function connectionCard(conn, output, refresh, typed) {
  if (!conn.connected) return h("div", { class: "card" }, h("p", { class: "muted", id: "not-connected" }, "Not connected to GitLab yet."));
  const check = h("button", { type: "button", id: "check-connection" }, "Check connection");
  check.addEventListener("click", async () => {
    check.disabled = true;
    try { clear(output).append(diagnosisView(await api.get("/api/gitlab/diagnosis"), { stored: conn })); } catch (err) { clear(output).append(errorBox(err)); }
    check.disabled = false;
  });
  const hook = webhookUrlField(typed);
  const disconnect = h("button", { type: "button", class: "danger", id: "disconnect" }, "Disconnect");
  disconnect.addEventListener("click", async () => {
    if (!window.confirm("Remove the stored GitLab token?")) return;
    await api.post("/api/gitlab/disconnect");
    clear(output);
    refresh();
  });
  return h("div", { class: "card", id: "connection" },
    h("h2", {}, "Connected"),
    h("div", { class: "form-grid" },
      h("span", { class: "muted" }, "GitLab"), h("span", {}, conn.url),
      h("span", { class: "muted" }, "Project"), h("span", {}, conn.project),
      h("span", { class: "muted" }, "User"), h("span", {}, conn.user || "unknown"),
      h("span", { class: "muted" }, "Scopes"), h("span", { id: "conn-scopes" }, conn.scopes.join(", ") || "unknown"),
      h("span", { class: "muted" }, "Token"), h("span", { class: "mono", id: "token-last4" }, `••••••••${conn.token_last4}`),
      h("span", { class: "muted" }, "Webhook"), h("span", { id: "webhook-status" }, conn.webhook_configured ? "installed" : "not installed"),
      h("label", { class: "muted", for: "webhook-url" }, "Webhook URL"), h("div", {}, hook.input, hook.warning)),
    h("div", { class: "row" }, check, installButton(conn, hook.input, output, refresh), disconnect));
}

// POST /connect; a token that cannot post replacing one that can is refused (409) until confirmed.
async function connectToken(body, stored) {
  try {
    return await api.post("/api/gitlab/connect", body);
  } catch (err) {
    if (err.status !== 409) throw err;
    const replace = await confirmDialog({ id: "downgrade-dialog", title: "Replace a token that can post?",
      message: err.message, remedy: "Keep the stored token unless you want Spyglass to stop posting.",
      ok: "Replace with the read-only token", cancel: `Keep the token ending in ${stored ? stored.token_last4 : "…"}` });
    return replace ? api.post("/api/gitlab/connect", { ...body, confirm_downgrade: true }) : null;
  }
}

function connectForm(conn, output, refresh) {
  const url = h("input", { id: "gitlab-url", type: "url", value: conn.url || "https://gitlab.com", required: true });
  const project = h("input", { id: "gitlab-project", placeholder: "group/subgroup/project", value: conn.project || "", required: true });
  const token = h("input", { id: "gitlab-token", type: "password", autocomplete: "off", placeholder: "glpat-…", required: true });
  const submit = h("button", { type: "submit", class: "primary", id: "connect" }, conn.connected ? "Test and replace token" : "Connect");
  const form = h("form", { class: "card", id: "connect-form" },
    h("h2", {}, conn.connected ? "Connect another token" : "Connect"),
    h("p", { class: "muted" }, "Create a Personal Access Token in GitLab (User settings → Access tokens) with the ",
      h("code", {}, "api"), " scope to post summaries, or ", h("code", {}, "read_api"), " to only track merge requests. ",
      "The token is stored encrypted and never shown again.",
      conn.connected ? " The stored connection stays as it is unless the new token can read merge requests." : ""),
    h("div", { class: "form-grid" },
      h("label", { for: "gitlab-url" }, "GitLab URL"), url,
      h("label", { for: "gitlab-project" }, "Project path"), project,
      h("label", { for: "gitlab-token" }, "Access token"), token),
    h("div", { class: "row" }, submit));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    submit.disabled = true;
    const last4 = token.value.trim().slice(-4);
    clear(output).append(h("div", { class: "running" }, h("span", { class: "spinner" }), "Checking the token with GitLab…"));
    try {
      const res = await connectToken({ url: url.value, project: project.value, token: token.value }, conn.connected ? conn : null);
      token.value = "";
      if (res === null) {
        clear(output).append(h("p", { id: "connect-result", class: "ok" }, `Kept the stored token ending in ${conn.token_last4}; the read-only token was not stored.`));
        return;
      }
      clear(output).append(
        h("p", { id: "connect-result", class: res.stored ? "ok" : "bad" }, res.stored
          ? `Connected. The token ending in ${res.token_last4} is stored encrypted.`
          : conn.connected
            ? `The token ending in ${res.token_last4} was not stored: it cannot read merge requests. The stored connection is unchanged.`
            : `Not connected: the token ending in ${res.token_last4} cannot read merge requests, so it was not stored.`),
        diagnosisView(res.diagnosis, { candidate: true, stored: conn.connected ? conn : null, kept: !res.stored, last4: res.token_last4 || last4 }));
      if (res.stored) await refresh();
    } catch (err) {
      clear(output).append(errorBox(err));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

export async function gitlabSettingsPage(root) {
  clear(root);
  let conn;
  try { conn = await api.get("/api/gitlab/connection"); } catch (err) { root.append(errorBox(err)); return; }
  const output = h("div", { id: "connect-output" });
  const connBox = h("div", { id: "connection-box" });
  const rotationBox = h("div", { id: "rotation-box" });
  const formBox = h("div", {});
  const typed = { hookUrl: "" };
  // re-reads the stored connection (after connect, install, disconnect) and redraws its card and the form
  const refresh = async () => {
    conn = await api.get("/api/gitlab/connection");
    connBox.replaceChildren(connectionCard(conn, output, refresh, typed));
    rotationBox.replaceChildren(await rotationCard(output, refresh));
    formBox.replaceChildren(connectForm(conn, output, refresh));
  };
  connBox.append(connectionCard(conn, output, refresh, typed));
  rotationBox.append(await rotationCard(output, refresh));
  formBox.append(connectForm(conn, output, refresh));
  root.append(h("div", { class: "settings-page" }, h("h1", {}, "Settings → GitLab integration"), connBox, rotationBox,
    formBox, output));
}
