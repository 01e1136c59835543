// The diagnosis card of Settings -> GitLab integration: what a token can do, and what is unknown and why.
import { h, safeUrl } from "./dom.js";

const SCOPES = {
  api: "view and track merge requests, post summaries and notes, set commit statuses",
  read_api: "view and track merge requests only (cannot post)",
  read_user: "read the user's profile only (not enough for Spyglass)",
  read_repository: "read the repository (not used by Spyglass)",
  self_rotate: "rotate itself (spyglass gitlab rotate)",
};
// problems that mean GitLab answers nothing for this token: user, role, expiry and scopes are unknown
const UNREADABLE = new Set(["token_expired", "token_revoked", "token_unknown"]);
const NOT_READ = "unknown (the token cannot be read)";

export function tokenUnreadable(d) {
  if (typeof d.token_readable === "boolean") return !d.token_readable;
  return (d.problems || []).some((p) => UNREADABLE.has(p.code));
}

function roleText(d, unreadable) {
  if (unreadable) return NOT_READ;
  if (d.role_label) return d.role_label;  // the diagnosis says "Maintainer", "not a member" or "unknown (why)"
  if (d.role) return d.role;
  // a role is absent only when GitLab was asked (the project was read) and answered "not a member"
  return d.project_id === null || d.project_id === undefined ? "unknown (the token cannot read the project)" : "not a member";
}

function expiryText(d, unreadable) {
  if (unreadable) return NOT_READ;
  if (d.expires_at) {
    const days = d.days_left;
    return `${d.expires_at} (${days < 0 ? `expired ${-days} day(s) ago` : `${days} day(s) left`})`;
  }
  if (d.scopes === null || d.scopes === undefined) return "unknown (this GitLab does not describe its tokens)";
  return "never";
}

function scopeItems(d, unreadable) {
  if (unreadable) return [h("li", { class: "muted" }, NOT_READ)];
  if (!d.scopes) return [h("li", { class: "muted" }, "unknown (this GitLab does not describe its tokens)")];
  if (!d.scopes.length) return [h("li", { class: "muted" }, "none")];
  return d.scopes.map((sc) => h("li", {}, h("code", {}, sc), " — ", SCOPES[sc] || "not used by Spyglass"));
}

function heading(d, candidate) {
  if (d.can_post) return candidate ? "✓ This token can post" : "✓ Ready to post";
  if (d.can_read_merge_requests && d.posting === "unknown") {
    return candidate ? "This token can read merge requests; whether it can post is unknown" : "Connected; posting not confirmed";
  }
  if (d.can_read_merge_requests) return candidate ? "This token can only read merge requests" : "Read-only connection";
  return candidate ? "This token cannot be used" : "The stored connection cannot be used";
}

// `candidate`: a token being tried in the connect form (not the stored one); `stored`: the stored
// connection, or null; `kept`: the candidate was not stored, so the stored connection is unchanged.
export function diagnosisView(d, { candidate = false, stored = null, kept = false, last4 = "" } = {}) {
  const unreadable = tokenUnreadable(d);
  const user = unreadable ? NOT_READ : d.user ? `${d.user}${d.bot ? " (bot)" : ""}` : "unknown";
  const subject = candidate ? `the token ending in ${last4}` : "the stored token";
  return h("div", { class: "card diagnosis", id: "diagnosis", dataset: { subject: candidate ? "candidate" : "stored" } },
    h("h2", { id: "diag-heading" }, heading(d, candidate)),
    h("p", { class: "muted small" }, `Diagnosis of ${subject}.`),
    kept && stored ? h("p", { class: "ok", id: "stored-unchanged" },
      `Your stored connection (token ending in ${stored.token_last4}) is unchanged and still used.`) : null,
    h("div", { class: "form-grid" },
      h("span", { class: "muted" }, "GitLab"), h("span", {}, d.url),
      h("span", { class: "muted" }, "Project"), h("span", {}, d.project_web_url ? h("a", { href: safeUrl(d.project_web_url), target: "_blank", rel: "noopener" }, d.project) : d.project),
      h("span", { class: "muted" }, "User"), h("span", { id: "diag-user" }, user),
      d.token_kind_label ? [h("span", { class: "muted" }, "Token kind"), h("span", { id: "diag-kind" }, unreadable ? NOT_READ : d.token_kind_label)] : null,
      h("span", { class: "muted" }, "Role"), h("span", { id: "diag-role" }, roleText(d, unreadable)),
      h("span", { class: "muted" }, "Expires"), h("span", { id: "diag-expiry" }, expiryText(d, unreadable)),
      h("span", { class: "muted" }, "Scopes"), h("ul", { class: "scope-list", id: "diag-scopes" }, scopeItems(d, unreadable))),
    unreadable && d.unknown_reason ? h("p", { class: "muted", id: "diag-unknown-reason" }, d.unknown_reason) : null,
    d.problems.length ? h("h3", {}, "Problems") : null,
    h("div", { id: "problems" }, d.problems.map(problemView)),
    (d.advice || []).length ? [h("h3", {}, "Worth doing"), h("div", { id: "advice" }, d.advice.map(problemView))] : null);
}

function problemView(p) {
  return h("div", { class: `problem severity-${p.severity}`, dataset: { code: p.code } },
    h("strong", {}, p.message), h("div", { class: "remedy" }, p.remedy));
}
