// Layered (Sugiyama) layout of a DAG, left to right: longest-path layers (a node with more children than
// parents pulled towards them), a virtual node in every layer an edge skips (shared by the edges of one
// parent), crossing reduction over real and virtual nodes together (order.js), then vertical placement
// (place.js). A virtual node is a thin lane, so an edge that skips layers crosses each layer's column
// horizontally between that layer's nodes and never runs behind a node it does not touch; between two
// columns (where no node lives) it curves. Pure: ids and edges in, coordinates and edge routes out.
import { orderLayers } from "./order.js";
import { placeLayers } from "./place.js";

export const NODE_W = 210;
export const NODE_H = 40;
const GAP_X = 80;
const GAP_Y = 22;
const LANE_H = 2; // the height a virtual node (an edge crossing a layer) takes
const LANE_GAP = 14; // between a lane and a node (clear of a check badge on its top border)
const LANES_GAP = 4; // between two lanes
const LANE_WEIGHT = 4; // how much more a lane than a node keeps to its neighbours (straight long edges)

export function layers(ids, edges) {
  const parents = new Map(ids.map((id) => [id, []]));
  const children = new Map(ids.map((id) => [id, []]));
  for (const [p, c] of edges) {
    if (parents.has(c) && children.has(p) && p !== c) {
      parents.get(c).push(p);
      children.get(p).push(c);
    }
  }
  const indegree = new Map(ids.map((id) => [id, parents.get(id).length]));
  const layer = new Map();
  const queue = ids.filter((id) => indegree.get(id) === 0).sort();
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    layer.set(id, parents.get(id).reduce((l, p) => Math.max(l, (layer.get(p) ?? -1) + 1), 0));
    for (const c of children.get(id)) {
      indegree.set(c, indegree.get(c) - 1);
      if (indegree.get(c) === 0) queue.push(c);
    }
  }
  for (const id of ids) if (!layer.has(id)) layer.set(id, 0); // a cycle: should not happen in dbt
  // a node with more children than parents moves right, up to just before its first child: its edges
  // then skip fewer layers (a root sits next to its first child rather than in the first column)
  for (let i = queue.length - 1; i >= 0; i--) {
    const id = queue[i];
    const kids = children.get(id);
    if (kids.length > parents.get(id).length) layer.set(id, Math.min(...kids.map((c) => layer.get(c))) - 1);
  }
  return { layer, parents, children };
}

// Items 0..n-1 are the nodes (in name order), n.. the virtual nodes; every edge becomes a chain of
// items, one per layer from the parent's to the child's. The edges of one parent share its virtual node
// in a layer (one lane leaves the parent and fans out where its children are), so lanes stay few.
function layeredGraph(ids, edges, layer) {
  const index = new Map(ids.map((id, i) => [id, i]));
  const layerOf = ids.map((id) => layer.get(id));
  const up = ids.map(() => []);
  const down = ids.map(() => []);
  const link = (a, b) => { if (!down[a].includes(b)) { down[a].push(b); up[b].push(a); } };
  const lanes = new Map(); // parent * 65536 + layer -> its virtual node there
  const chains = [];
  const pairs = edges.filter(([p, c]) => index.has(p) && index.has(c) && p !== c)
    .map(([p, c]) => [index.get(p), index.get(c)]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [p, c] of pairs) {
    const chain = [p];
    for (let l = layerOf[p] + 1; l < layerOf[c]; l++) {
      let v = lanes.get(p * 65536 + l);
      if (v === undefined) {
        v = layerOf.push(l) - 1;
        up.push([]);
        down.push([]);
        lanes.set(p * 65536 + l, v);
      }
      link(chain[chain.length - 1], v);
      chain.push(v);
    }
    if (layerOf[c] > layerOf[p]) link(chain[chain.length - 1], c);
    chain.push(c);
    chains.push(chain);
  }
  return { layerOf, up, down, chains };
}

function byName(nodes, nameOf) {
  const keyed = nodes.map((n) => [nameOf(n.unique_id), n.unique_id]);
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return keyed.map(([, id]) => id);
}

// The points of an edge: out of the parent's right side, across each skipped layer's column
// horizontally at its lane, into the child's left side.
function routeOf(chain, x, y) {
  const [p, c] = [chain[0], chain[chain.length - 1]];
  const points = [{ x: x(p) + NODE_W, y: y[p] }];
  for (const v of chain.slice(1, -1)) points.push({ x: x(v), y: y[v] }, { x: x(v) + NODE_W, y: y[v] });
  points.push({ x: x(c), y: y[c] });
  return points;
}

export function layout(nodes, edges, nameOf = (id) => id) {
  const ids = byName(nodes, nameOf);
  if (!ids.length) return { coords: new Map(), routes: [], width: 0, height: NODE_H };
  const { layer } = layers(ids, edges);
  const { layerOf, up, down, chains } = layeredGraph(ids, edges, layer);
  const real = ids.length;
  const count = layerOf.reduce((m, l) => Math.max(m, l), 0) + 1;
  const rows = Array.from({ length: count }, () => []);
  layerOf.forEach((l, v) => rows[l].push(v));
  const ordered = orderLayers(rows, up, down, new Int32Array(layerOf.length));
  const height = (v) => (v < real ? NODE_H : LANE_H);
  const separation = (a, b) => (height(a) + height(b)) / 2
    + (a < real && b < real ? GAP_Y : a < real || b < real ? LANE_GAP : LANES_GAP);
  const y = placeLayers(ordered, up, down, separation, (v) => (v < real ? 1 : LANE_WEIGHT),
    new Float64Array(layerOf.length));
  let top = Infinity;
  let bottom = -Infinity;
  layerOf.forEach((_, v) => {
    top = Math.min(top, y[v] - height(v) / 2);
    bottom = Math.max(bottom, y[v] + height(v) / 2);
  });
  for (let v = 0; v < y.length; v++) y[v] = Math.round((y[v] - top) * 2) / 2;
  const x = (v) => layerOf[v] * (NODE_W + GAP_X);
  const coords = new Map(ids.map((id, v) => [id, { x: x(v), y: y[v] - NODE_H / 2 }]));
  const routes = chains.map((chain) => ({ parent: ids[chain[0]], child: ids[chain[chain.length - 1]],
    points: routeOf(chain, x, y) }));
  return { coords, routes, width: count * (NODE_W + GAP_X) - GAP_X, height: Math.max(Math.ceil(bottom - top), NODE_H) };
}

// An SVG path through a route's points: horizontal-tangent curves between consecutive points (a
// straight line where two points share their y).
export function routePath(points) {
  let d = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (a.y === b.y) {
      d += ` L${b.x},${b.y}`;
      continue;
    }
    const mid = (a.x + b.x) / 2;
    d += ` C${mid},${a.y} ${mid},${b.y} ${b.x},${b.y}`;
  }
  return d;
}
