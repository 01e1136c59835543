// Check badges on the graph's nodes: what the checklist found about each ("-5.0% rows", "98.2% match",
// "identical", else "failed" / "approved" / "to review"), as the server decides it (GET /api/lineage's
// `badges`). A pill on the node's top border coloured by its tone, a tick when every check about the node is
// approved, one line per check in its tooltip and in the node's accessible description.
import { s } from "./dom.js";

const HEIGHT = 15;
const CHAR_W = 6.1; // 10.5px bold system font, on average: no text measuring for a thousand nodes

export function checkBadge(badge, nodeWidth) {
  const text = `${badge.approved && badge.kind !== "status" ? "✓ " : ""}${badge.text}`;
  const width = Math.round(text.length * CHAR_W + 12);
  return s("g", { class: `check-badge tone-${badge.tone} kind-${badge.kind}`, transform: `translate(${nodeWidth - 6 - width},${-9})` },
    s("title", {}, [badge.text, ...badge.details].join("\n")),
    s("rect", { width, height: HEIGHT, rx: HEIGHT / 2 }),
    s("text", { x: width / 2, y: 11, "text-anchor": "middle" }, text));
}

// put `badges` ({node id: badge}) on the drawn nodes (those without one lose theirs)
export function showBadges(nodeEls, badges, nodeWidth) {
  for (const el of nodeEls) {
    el.querySelector(":scope > .check-badge")?.remove();
    const badge = badges[el.dataset.id];
    if (badge) {
      el.append(checkBadge(badge, nodeWidth));
      el.setAttribute("aria-description", `checks: ${[badge.text, ...badge.details].join("; ")}`);
    } else {
      el.removeAttribute("aria-description");
    }
  }
}
