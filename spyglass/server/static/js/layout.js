// Layered (Sugiyama-style) layout of a DAG, left to right: longest-path layers, then a few
// barycenter sweeps to reduce crossings. Pure: ids and edges in, coordinates out.

export const NODE_W = 210;
export const NODE_H = 40;
const GAP_X = 80;
const GAP_Y = 22;

export function layers(ids, edges) {
  const parents = new Map(ids.map((id) => [id, []]));
  const children = new Map(ids.map((id) => [id, []]));
  for (const [p, c] of edges) {
    if (parents.has(c) && children.has(p)) {
      parents.get(c).push(p);
      children.get(p).push(c);
    }
  }
  const indegree = new Map(ids.map((id) => [id, parents.get(id).length]));
  const layer = new Map();
  const queue = ids.filter((id) => indegree.get(id) === 0).sort();
  while (queue.length) {
    const id = queue.shift();
    const l = Math.max(0, ...parents.get(id).map((p) => (layer.get(p) ?? -1) + 1));
    layer.set(id, l);
    for (const c of children.get(id)) {
      indegree.set(c, indegree.get(c) - 1);
      if (indegree.get(c) === 0) queue.push(c);
    }
  }
  for (const id of ids) if (!layer.has(id)) layer.set(id, 0); // a cycle: should not happen in dbt
  return { layer, parents, children };
}

export function layout(nodes, edges, nameOf = (id) => id) {
  const ids = nodes.map((n) => n.unique_id);
  const { layer, parents, children } = layers(ids, edges);
  const count = Math.max(0, ...layer.values()) + 1;
  const rows = Array.from({ length: ids.length ? count : 0 }, () => []);
  for (const id of ids) rows[layer.get(id)].push(id);
  rows.forEach((row) => row.sort((a, b) => nameOf(a).localeCompare(nameOf(b))));
  const position = new Map();
  const reindex = () => rows.forEach((row) => row.forEach((id, i) => position.set(id, i)));
  reindex();
  const sweep = (range, neighbours) => {
    for (const l of range) {
      const score = (id) => {
        const ns = neighbours.get(id).filter((n) => position.has(n));
        return ns.length ? ns.reduce((sum, n) => sum + position.get(n), 0) / ns.length : position.get(id);
      };
      const scored = rows[l].map((id) => [score(id), id]);
      scored.sort((a, b) => a[0] - b[0] || nameOf(a[1]).localeCompare(nameOf(b[1])));
      rows[l] = scored.map(([, id]) => id);
      rows[l].forEach((id, i) => position.set(id, i));
    }
  };
  const down = [...Array(count).keys()].slice(1);
  const up = [...Array(count).keys()].reverse().slice(1);
  for (let pass = 0; pass < 4; pass++) {
    sweep(down, parents);
    sweep(up, children);
  }
  const tallest = Math.max(0, ...rows.map((row) => row.length));
  const height = tallest * (NODE_H + GAP_Y);
  const coords = new Map();
  rows.forEach((row, l) => {
    const offset = (height - row.length * (NODE_H + GAP_Y)) / 2;
    row.forEach((id, i) => coords.set(id, { x: l * (NODE_W + GAP_X), y: offset + i * (NODE_H + GAP_Y) }));
  });
  return { coords, width: count * (NODE_W + GAP_X) - GAP_X, height: Math.max(height - GAP_Y, NODE_H) };
}
