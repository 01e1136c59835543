// The last run of each node's panel, kept in the lineage page's state so that a result stays open when the
// artifacts reload (the page is drawn again) and the node did not change. A node's fingerprint is what the
// node detail says of its definition on both sides: status, SQL, relations, columns and their types; a
// changed fingerprint drops the kept run (its figures may no longer hold).

function fingerprint(detail) {
  return JSON.stringify([detail.status, detail.resource_type, detail.materialized, detail.base_relation,
    detail.current_relation, detail.base_sql, detail.current_sql, detail.columns_source,
    detail.columns.map((c) => [c.name, c.base_type, c.current_type])]);
}

// Keeps `run` (a finished run view, or null) as the node's last result; returns it.
export function keepRun(results, detail, run) {
  if (results && run && (run.status === "success" || run.status === "failed")) {
    results[detail.unique_id] = { fingerprint: fingerprint(detail), run };
  }
  return run;
}

// The node's kept run when the node is unchanged since it ran, else null (and a stale one is dropped).
export function keptRun(results, detail) {
  const kept = results && results[detail.unique_id];
  if (!kept) return null;
  if (kept.fingerprint === fingerprint(detail)) return kept.run;
  delete results[detail.unique_id];
  return null;
}
