// A modal question with two answers, as a <dialog> (testable, styled, never window.confirm).
import { h } from "./dom.js";

// Resolves true when the user picks `ok`, false for `cancel`, Escape or closing the dialog.
export function confirmDialog({ id, title, message, remedy = "", ok, cancel }) {
  const yes = h("button", { type: "button", class: "primary", value: "ok", id: `${id}-ok` }, ok);
  const no = h("button", { type: "button", value: "cancel", id: `${id}-cancel` }, cancel);
  const dialog = h("dialog", { id, class: "confirm-dialog", "aria-labelledby": `${id}-title` },
    h("h3", { id: `${id}-title` }, title),
    h("p", {}, message),
    remedy ? h("p", { class: "muted" }, remedy) : null,
    h("menu", {}, no, " ", yes));
  document.body.append(dialog);
  return new Promise((resolve) => {
    const done = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    yes.addEventListener("click", () => done(true));
    no.addEventListener("click", () => done(false));
    dialog.addEventListener("cancel", (e) => { e.preventDefault(); done(false); });
    dialog.showModal();
    no.focus();
  });
}
