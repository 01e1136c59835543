// Tiny DOM helpers. Text always goes through textContent: nothing from the API is parsed as HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// A name that may wrap only after "_", "." or "/" (never mid-word): "stg_customers.customer_id".
export function breakable(name) {
  return String(name).split(/(?<=[_./])/).flatMap((part, i) => (i ? [h("wbr"), part] : [part]));
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function fmt(value) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") {
    if (Number.isInteger(value)) return value.toLocaleString("en-US");
    return value.toLocaleString("en-US", { maximumFractionDigits: 4 });
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function pct(value) {
  if (value === null || value === undefined) return "—";
  const n = value * 100;  // a fraction
  return `${n.toLocaleString("en-US", { maximumFractionDigits: 2 })}%`;
}

export function errorBox(err) {
  return h("div", { class: "error-box", role: "alert" },
    h("strong", {}, err.message || String(err)),
    err.remedy ? h("div", { class: "remedy" }, err.remedy) : null);
}

export function statusBadge(status, extra = "") {
  return h("span", { class: `badge status-${status} ${extra}` }, status);
}

// Only http(s) links from API data (a GitLab URL is data, never a javascript: URL).
export function safeUrl(url) {
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}
