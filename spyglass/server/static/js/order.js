// Crossing reduction for a layered graph (virtual nodes included): sweeps down and up that sort each
// layer by the median of its neighbours' positions in the layer just placed (ties: their mean, then the
// current order), then swaps of adjacent items that remove crossings; the order with the fewest
// crossings seen wins. Pure and deterministic: items are integers, `up[v]`/`down[v]` their neighbours
// in the layer before/after, `rows[l]` the items of layer l in order.

const PASSES = 8;

// Crossings between the edges of two adjacent layers: inversions counted with an accumulator tree
// (Barth, Jünger and Mutzel), O(edges · log(items)).
function layerCrossings(north, down, pos, southSize) {
  let first = 1;
  while (first < southSize) first *= 2;
  const tree = new Int32Array(2 * first);
  first -= 1;
  let count = 0;
  for (const v of north) {
    const targets = down[v].map((w) => pos[w]).sort((a, b) => a - b);
    for (const p of targets) {
      let index = p + first;
      tree[index]++;
      while (index > 0) {
        if (index % 2) count += tree[index + 1];
        index = (index - 1) >> 1;
        tree[index]++;
      }
    }
  }
  return count;
}

export function crossings(rows, down, pos) {
  let total = 0;
  for (let l = 0; l + 1 < rows.length; l++) total += layerCrossings(rows[l], down, pos, rows[l + 1].length);
  return total;
}

function median(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// Sort one layer by its neighbours' positions; items without neighbours keep their slot.
function sortLayer(row, neighbours, pos) {
  const anchored = [];
  const free = new Array(row.length).fill(-1);
  row.forEach((v, i) => {
    const ns = neighbours[v];
    if (!ns.length) { free[i] = v; return; }
    const at = ns.map((w) => pos[w]);
    anchored.push({ v, m: median(at), b: at.reduce((s, p) => s + p, 0) / at.length, i });
  });
  anchored.sort((a, b) => a.m - b.m || a.b - b.b || a.i - b.i);
  let next = 0;
  const out = free.map((v) => (v >= 0 ? v : anchored[next++].v));
  out.forEach((v, i) => { pos[v] = i; });
  return out;
}

// Crossings between the edges of u and of v (u left of v) with one neighbour layer.
function pairCrossings(u, v, neighbours, pos) {
  let count = 0;
  for (const a of neighbours[u]) for (const b of neighbours[v]) if (pos[b] < pos[a]) count++;
  return count;
}

// Swap adjacent items while that lowers the crossings with both neighbour layers.
function transpose(rows, up, down, pos) {
  for (let round = 0, improved = true; improved && round < 4; round++) {
    improved = false;
    for (const row of rows) {
      for (let i = 0; i + 1 < row.length; i++) {
        const [u, v] = [row[i], row[i + 1]];
        const now = pairCrossings(u, v, up, pos) + pairCrossings(u, v, down, pos);
        const swapped = pairCrossings(v, u, up, pos) + pairCrossings(v, u, down, pos);
        if (swapped < now) {
          row[i] = v;
          row[i + 1] = u;
          pos[v] = i;
          pos[u] = i + 1;
          improved = true;
        }
      }
    }
  }
}

// The rows reordered to few crossings; `pos` (indexed by item) is left holding the positions.
export function orderLayers(rows, up, down, pos) {
  rows.forEach((row) => row.forEach((v, i) => { pos[v] = i; }));
  let best = rows.map((row) => row.slice());
  let fewest = crossings(rows, down, pos);
  for (let pass = 0; pass < PASSES && fewest > 0; pass++) {
    const downward = pass % 2 === 0;
    if (downward) for (let l = 1; l < rows.length; l++) rows[l] = sortLayer(rows[l], up, pos);
    else for (let l = rows.length - 2; l >= 0; l--) rows[l] = sortLayer(rows[l], down, pos);
    transpose(rows, up, down, pos);
    const count = crossings(rows, down, pos);
    if (count < fewest) {
      fewest = count;
      best = rows.map((row) => row.slice());
    }
  }
  best.forEach((row) => row.forEach((v, i) => { pos[v] = i; }));
  return best;
}
