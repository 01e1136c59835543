// The node panel's diff forms: one labelled group per kind of diff (whole model, value diff, one column),
// every input with a visible <label for>, and every action that cannot run disabled before the click with
// its reason beside it (and in its title). What can run is decided in diff_actions.js.
import { h } from "./dom.js";
import {
  columnReason, histogramReason, modelReason, oneSide, oneSideNote, pickableColumns, valueDiffReason,
} from "./diff_actions.js";

// Shows `reason` on `button` (disabled, title, the visible line `line`), or clears it.
// `shown` false: the same reason is already on the line of another button of the group.
function setReason(button, line, reason, shown = true) {
  button.disabled = Boolean(reason);
  if (reason) button.title = reason; else button.removeAttribute("title");
  line.textContent = shown && reason || "";
  line.hidden = !(shown && reason);
}

// A button and its reason line (aria-describedby), with the reason applied.
function action(id, text, reason, onclick) {
  const line = h("p", { class: "action-reason small", id: `${id}-reason`, hidden: true });
  const button = h("button", { type: "button", id, "aria-describedby": line.id, onclick }, text);
  setReason(button, line, reason);
  return { button, line, set: (why, shown) => setReason(button, line, why, shown) };
}

function field(id, text, input) {
  return h("span", { class: "field" }, h("label", { for: id }, text), input);
}

function wholeModel(detail, run) {
  const why = modelReason(detail);
  const rows = action("run-row-count", "Row count", why, () => run("row_count_diff", { node_ids: [detail.unique_id] }));
  const profile = action("run-profile", "Profile", null, () => run("profile_diff", { model: detail.name }));
  profile.set(why, false);  // the same reason as the row count's, said once
  profile.button.setAttribute("aria-describedby", rows.line.id);
  return h("fieldset", { class: "diff-group", id: "group-model" }, h("legend", {}, "Whole model"),
    h("div", { class: "row" }, rows.button, profile.button), rows.line);
}

function valueDiff(detail, run) {
  const pk = h("input", { id: "pk-input", value: detail.primary_key || "", placeholder: "id, or a, b", size: 16,
    autocomplete: "off", disabled: Boolean(oneSide(detail) || modelReason(detail)) });
  const keys = () => pk.value.split(",").map((k) => k.trim()).filter(Boolean);
  const diff = action("run-value-diff", "Value diff", null, () => {
    const k = keys();
    run("value_diff", { model: detail.name, primary_key: k.length === 1 ? k[0] : k });
  });
  const update = () => diff.set(valueDiffReason(detail, keys()));
  pk.addEventListener("input", update);
  update();
  return h("fieldset", { class: "diff-group", id: "group-value-diff" }, h("legend", {}, "Row by row"),
    h("div", { class: "row" }, field("pk-input", "Primary key", pk), diff.button), diff.line);
}

function optionText(column, oneSided) {
  return column.side === "both" || oneSided ? column.name : `${column.name} (${column.side} only)`;
}

function oneColumn(detail, run) {
  const columns = pickableColumns(detail);
  const oneSided = Boolean(oneSide(detail));
  const select = h("select", { id: "column-select", disabled: !columns.length },
    columns.map((c) => h("option", { value: c.name }, optionText(c, oneSided))));
  const chosen = () => columns.find((c) => c.name === select.value);
  const topK = action("run-top-k", "Top-k", columnReason(detail),
    () => run("top_k_diff", { model: detail.name, column_name: select.value, k: 10 }));
  const histogram = action("run-histogram", "Histogram", null,
    () => run("histogram_diff", { model: detail.name, column_name: select.value, num_bins: 20 }));
  const update = () => histogram.set(histogramReason(detail, chosen()), !columnReason(detail));
  if (columnReason(detail)) histogram.button.setAttribute("aria-describedby", topK.line.id);
  select.addEventListener("change", update);
  update();
  return h("fieldset", { class: "diff-group", id: "group-column" }, h("legend", {}, "One column"),
    h("div", { class: "row" }, field("column-select", "Column", select), topK.button, histogram.button),
    topK.line, histogram.line);
}

// The forms; `run(type, params)` starts a run and shows it.
export function diffForms(detail, run) {
  const note = oneSideNote(detail);
  return h("div", { class: "diff-buttons", id: "diff-forms" },
    note && !modelReason(detail) ? h("p", { class: "muted small", id: "one-side-note" }, note) : null,
    wholeModel(detail, run), valueDiff(detail, run), oneColumn(detail, run));
}
