// Settings -> GitLab integration: the stored token's lifetime. Shows the expiry (and the server's
// 14-day warning), a rotation that went wrong, the automatic-rotation opt-in and "Rotate now".
import { h, clear, errorBox } from "./dom.js";
import { api } from "./api.js";
import { confirmDialog } from "./dialog.js";

function expiryText(status) {
  if (!status.expires_at) return "unknown (connect or rotate the token to record it)";
  return `${status.expires_at} (${status.days_left} day${status.days_left === 1 ? "" : "s"} left)`;
}

export async function rotationCard(output, refresh) {
  let status;
  try { status = await api.get("/api/gitlab/rotation"); } catch (err) { return errorBox(err); }
  if (!status.connected) return h("div", {});
  const auto = h("input", { type: "checkbox", id: "auto-rotate", checked: status.auto_rotate });
  auto.addEventListener("change", async () => {
    auto.disabled = true;
    try { status = await api.put("/api/gitlab/rotation", { auto_rotate: auto.checked }); } catch (err) {
      auto.checked = !auto.checked;
      clear(output).append(errorBox(err));
    }
    auto.disabled = false;
  });
  const rotate = h("button", { type: "button", id: "rotate-now" }, "Rotate now");
  rotate.addEventListener("click", async () => {
    const sure = await confirmDialog({ id: "rotate-dialog", title: "Rotate the GitLab token?",
      message: "GitLab revokes the stored token and gives Spyglass a new one with the same name and scopes.",
      remedy: "Anything else that uses this token (a CI/CD variable) needs the new value afterwards.",
      ok: "Rotate", cancel: "Cancel" });
    if (!sure) return;
    rotate.disabled = true;
    try {
      const res = await api.post("/api/gitlab/rotate");
      clear(output).append(h("p", { class: "ok", id: "rotate-result" },
        `Rotated: the token ending in ${res.previous_last4} is revoked; the new one ends in ${res.token_last4}`
        + (res.expires_at ? ` and expires on ${res.expires_at}.` : ".")));
      await refresh();
    } catch (err) { clear(output).append(errorBox(err)); rotate.disabled = false; }
  });
  return h("div", { class: "card", id: "rotation" },
    h("h2", {}, "Token lifetime"),
    status.expiry_warning ? h("div", { class: "problem", id: "expiry-warning" }, status.expiry_warning) : null,
    status.rotation_problem ? h("div", { class: "problem", id: "rotation-problem" }, status.rotation_problem) : null,
    h("div", { class: "form-grid" },
      h("span", { class: "muted" }, "Expires"), h("span", { id: "token-expires" }, expiryText(status)),
      h("span", { class: "muted" }, "Last rotated"), h("span", {}, status.last_rotated_at || "never by Spyglass"),
      status.last_error ? h("span", { class: "muted" }, "Last automatic rotation") : null,
      status.last_error ? h("span", { class: "bad" }, status.last_error) : null),
    h("label", { class: "row", for: "auto-rotate" }, auto,
      " Rotate automatically when fewer than 14 days are left (checked when the server starts and daily)"),
    h("div", { class: "row" }, rotate));
}
