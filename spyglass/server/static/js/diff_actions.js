// Which of the node panel's diffs can run on a node, and why not: decided from the node detail before any
// click, by what the checks support. Row count, profile, top-k and histogram read each side of a model
// on their own (an added or removed model is profiled on the side that has it); a value diff pairs rows
// across both sides, so it needs the model on both; nothing runs on a node without a table.

const NUMERIC = /int|numeric|decimal|double|float|real|number|money/i;
const TEMPORAL = /date|time/i;
const NOT_BINNABLE = /char|text|string|uuid|bool|json|blob|struct|array|map|variant|binary/i;

// Why no diff at all can run on this node (null when they can).
function noTable(detail) {
  if (detail.resource_type === "exposure") return "An exposure has no table in the warehouse to query.";
  if (detail.materialized === "ephemeral") return "An ephemeral model has no table in the warehouse to query.";
  return null;
}

// Only one side has the node: "only in current (added)" / "only in base (removed)", else null.
export function oneSide(detail) {
  if (detail.status === "added") return "current";
  if (detail.status === "removed") return "base";
  return null;
}

// The columns a diff of one column can pick: [{name, type, side: "both" | "base" | "current"}].
export function pickableColumns(detail) {
  return detail.columns.map((c) => ({
    name: c.name,
    type: c.current_type ?? c.base_type ?? null,
    side: c.current_type === null ? "base" : c.base_type === null ? "current" : "both",
  }));
}

// Why the whole-model diffs (row count, profile) cannot run, or null.
export function modelReason(detail) {
  return noTable(detail);
}

// Why a value diff cannot run with these key columns, or null. `keys` are the typed key names.
export function valueDiffReason(detail, keys) {
  const blocked = noTable(detail);
  if (blocked) return blocked;
  const side = oneSide(detail);
  if (side) {
    return `Needs the model on both sides: it is only in ${side} (${detail.status}), so there are no rows to pair.`;
  }
  if (!keys.length) return "Type the primary key column(s) first, comma separated.";
  if (detail.columns_source !== "catalog") return null;  // the YAML may not list every column: let the check say
  const both = new Set(pickableColumns(detail).filter((c) => c.side === "both").map((c) => c.name.toLowerCase()));
  const missing = keys.filter((k) => !both.has(k.toLowerCase()));
  return missing.length ? `${missing.join(", ")}: not a column on both sides of ${detail.name}.` : null;
}

// Why a diff of one column (top-k, histogram) cannot run at all, or null.
export function columnReason(detail) {
  const blocked = noTable(detail);
  if (blocked) return blocked;
  if (!detail.columns.length) return "No column list for this node: run `dbt docs generate` on both sides for the catalog.";
  return null;
}

// Why a histogram cannot bin this column, or null (an unknown type is left to the check).
export function histogramReason(detail, column) {
  const blocked = columnReason(detail);
  if (blocked) return blocked;
  const type = column && column.type;
  if (!type || NUMERIC.test(type) || TEMPORAL.test(type) || !NOT_BINNABLE.test(type)) return null;
  return `A histogram needs numbers, dates or timestamps: ${column.name} is ${type.toLowerCase()} (use Top-k).`;
}

// A note on what a one-sided result shows, or null.
export function oneSideNote(detail) {
  const side = oneSide(detail);
  return side ? `Only ${side} has this model: profile, top-k and histogram show ${side}'s figures alone.` : null;
}
