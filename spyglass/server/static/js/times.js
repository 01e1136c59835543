// Human times: "just now", "12 min ago", "3 h ago", "2 d ago", then the date; the exact timestamp is in
// the element's title and its datetime attribute.
import { h } from "./dom.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// "3 h ago" for an ISO timestamp, relative to `now` (ms); "—" when missing, the text itself when unparsable.
export function ago(iso, now = Date.now()) {
  if (!iso) return "—";
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return String(iso);
  const delta = now - then;
  if (delta < 0) return "just now";  // a clock a little ahead of ours
  if (delta < MINUTE) return "just now";
  if (delta < HOUR) return `${Math.floor(delta / MINUTE)} min ago`;
  if (delta < DAY) return `${Math.floor(delta / HOUR)} h ago`;
  if (delta < 30 * DAY) return `${Math.floor(delta / DAY)} d ago`;
  return new Date(then).toISOString().slice(0, 10);
}

// The exact time, as this browser shows it: "2026-11-30 21:04:05 UTC".
export function exact(iso) {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return String(iso || "");
  return `${new Date(then).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

// A <time> element with the human text, the exact time in its title.
export function timeAgo(iso, now = Date.now()) {
  return h("time", { class: "ago", datetime: iso || null, title: iso ? exact(iso) : null }, ago(iso, now));
}
