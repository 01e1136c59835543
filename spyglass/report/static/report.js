// The self-contained HTML report: the summary's sections, the lineage graph and every check's result
// views, all drawn from the JSON embedded in the page (no request to any host).
import { h, s } from "./dom.js";
import { renderMarkdown } from "./markdown.js";
import { runCard } from "./results.js";
import { layout, routePath, NODE_W, NODE_H } from "./layout.js";

const LEGEND = [["added", "Added"], ["removed", "Removed"], ["modified", "Modified"], ["impacted", "Impacted (downstream)"],
  ["unchanged", "Unchanged"]];

function nodeClass(node) {
  return node.status === "unchanged" && node.impacted ? "impacted" : node.status;
}

function edgePath({ parent, child, points }) {
  return s("path", { d: routePath(points), class: "edge", "marker-end": "url(#arrow)", "data-parent": parent, "data-child": child });
}

function nodeBox(node, { x, y }) {
  const kind = nodeClass(node);
  const label = node.name.length > 24 ? `${node.name.slice(0, 23)}…` : node.name;
  return s("g", { class: `node node-${kind}`, transform: `translate(${x},${y})`, "data-id": node.unique_id,
    "aria-label": `${node.name} (${kind}${node.category ? `, ${node.category}` : ""})` },
  s("title", {}, `${node.unique_id}\n${kind}${node.category ? `\n${node.category}` : ""}`),
  s("rect", { width: NODE_W, height: NODE_H, rx: 6 }),
  s("text", { x: 10, y: 17, class: "node-name" }, label),
  s("text", { x: 10, y: 32, class: "node-type" }, `${node.resource_type}${node.materialized ? ` · ${node.materialized}` : ""}`),
  node.category ? s("circle", { cx: NODE_W - 12, cy: 12, r: 5, class: `cat-dot cat-${node.category}` }) : null);
}

function lineageSection(lineage) {
  const section = h("section", { id: "lineage", class: "report-section" }, h("h2", {}, "Lineage"));
  if (!lineage || !lineage.nodes.length) {
    section.append(h("p", { class: "muted" }, "No lineage in this state."));
    return section;
  }
  const byId = new Map(lineage.nodes.map((n) => [n.unique_id, n]));
  const edges = lineage.edges.filter(([p, c]) => byId.has(p) && byId.has(c));
  const { coords, routes, width, height } = layout(lineage.nodes, edges, (id) => byId.get(id).name);
  const svg = s("svg", { class: "graph", viewBox: `-10 -10 ${width + 20} ${height + 20}`, width: width + 20, height: height + 20,
    role: "img", "aria-label": "Lineage graph" },
  s("defs", {}, s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
    orient: "auto-start-reverse" }, s("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow" }))),
  routes.map(edgePath),
  lineage.nodes.map((node) => nodeBox(node, coords.get(node.unique_id))));
  section.append(h("div", { class: "legend report-legend" },
    LEGEND.map(([cls, label]) => h("span", { class: "legend-item" }, h("span", { class: `swatch node-${cls}` }), label))),
  h("div", { class: "report-graph" }, svg));
  if (lineage.omitted) section.append(h("p", { class: "muted small" }, `${lineage.omitted} more node(s) not drawn.`));
  return section;
}

function checkSection(check, index) {
  const meta = h("p", { class: "muted small check-meta" }, `${check.icon} ${check.outcome} · type `, h("code", {}, check.type),
    ` · approved: ${check.approved ? "yes" : "no"}`);
  const description = check.description ? h("div", { class: "description" },
    check.description.split(/\n\s*\n/).map((para) => h("p", {}, para))) : null;
  const body = check.run ? runCard(check.run) : h("p", { class: "muted" }, "Not run.");
  if (check.omitted) body.append(h("p", { class: "muted small" }, check.omitted));
  return h("section", { class: "report-check", id: `check-${index + 1}`, "data-outcome": check.outcome },
    h("h3", { class: "check-name" }, check.name), meta, description, body);
}

function header(data) {
  return h("header", { class: "topbar" }, h("span", { class: "brand" }, "Spyglass report"),
    h("nav", {}, h("a", { href: "#summary" }, "Summary"), h("a", { href: "#lineage" }, "Lineage"),
      h("a", { href: "#checks" }, "Checks")),
    h("span", { class: "env-info" }, `Spyglass ${data.version} · state of ${data.updated_at}`));
}

function render(data) {
  const main = h("main", { id: "report" },
    h("section", { id: "summary", class: "report-section" },
      data.sections.map((section) => h("div", { class: "summary-part", "data-section": section.name },
        renderMarkdown(section.markdown)))),
    lineageSection(data.lineage),
    h("section", { id: "checks", class: "report-section" }, h("h2", {}, "Check results"),
      data.checks.length ? data.checks.map(checkSection) : h("p", { class: "muted" }, "No checks were run.")));
  document.body.replaceChildren(header(data), main);
}

render(JSON.parse(document.getElementById("spyglass-data").textContent));
