// Vertical placement of ordered layers: each item's centre drawn towards the mean of its neighbours'
// centres, layer by layer, down and up, while keeping the layer's order and the minimum separation
// between consecutive items (a weighted isotonic regression, solved exactly by pooling adjacent
// violators). Virtual items weigh more, so long edges run straight. Pure and deterministic.

const ROUNDS = 6;

// The centres closest (least weighted squares) to `wanted` with y[i+1] - y[i] >= gaps[i].
function project(wanted, weights, gaps) {
  const n = wanted.length;
  const offset = new Float64Array(n);
  for (let i = 1; i < n; i++) offset[i] = offset[i - 1] + gaps[i - 1];
  const mean = (b) => b.sum / b.weight;
  const blocks = []; // pooled runs: { start, count, weight, sum } of wanted - offset
  for (let i = 0; i < n; i++) {
    let block = { start: i, count: 1, weight: weights[i], sum: weights[i] * (wanted[i] - offset[i]) };
    while (blocks.length && mean(blocks[blocks.length - 1]) >= mean(block)) {
      const last = blocks.pop();
      block = { start: last.start, count: last.count + block.count, weight: last.weight + block.weight,
        sum: last.sum + block.sum };
    }
    blocks.push(block);
  }
  const out = new Float64Array(n);
  for (const { start, count, weight, sum } of blocks) {
    for (let i = start; i < start + count; i++) out[i] = sum / weight + offset[i];
  }
  return out;
}

// Centres packed from 0, each layer centred on the tallest one.
function initial(rows, gapsOf, y) {
  const spans = rows.map((row) => gapsOf(row).reduce((s, g) => s + g, 0));
  const tallest = Math.max(0, ...spans);
  rows.forEach((row, l) => {
    const gaps = gapsOf(row);
    let at = (tallest - spans[l]) / 2;
    row.forEach((v, i) => { y[v] = at; at += gaps[i] ?? 0; });
  });
}

// Each item drawn to the weighted mean of its neighbours: two virtual items pull each other hardest, so a
// long edge's lanes stay level and it bends at its ends, in the gaps beside its parent and child.
function placeLayer(row, neighbours, gapsOf, weightOf, y) {
  const wanted = row.map((v) => {
    let sum = 0;
    let total = 0;
    for (const n of neighbours(v)) {
      const pull = Math.min(weightOf(v), weightOf(n)) ** 2;
      sum += pull * y[n];
      total += pull;
    }
    return total ? sum / total : y[v];
  });
  const placed = project(wanted, row.map(weightOf), gapsOf(row));
  row.forEach((v, i) => { y[v] = placed[i]; });
}

// Centre y of every item (indexed by item). `separation(a, b)` is the least distance between the
// centres of neighbours a (above) and b in a layer; `weight(v)` how strongly v keeps to its neighbours.
export function placeLayers(rows, up, down, separation, weight, y) {
  const gapsOf = (row) => row.slice(1).map((v, i) => separation(row[i], v));
  initial(rows, gapsOf, y);
  const both = (v) => up[v].concat(down[v]);
  for (let round = 0; round < ROUNDS; round++) {
    for (let l = 1; l < rows.length; l++) placeLayer(rows[l], both, gapsOf, weight, y);
    for (let l = rows.length - 2; l >= 0; l--) placeLayer(rows[l], both, gapsOf, weight, y);
  }
  return y;
}
