// Entry point: hash router, environment line, and the refresh when the artifacts change on disk.
import { h, clear, errorBox } from "./dom.js";
import { api, prefetch } from "./api.js";

// Each page's module is loaded when the page is first shown: the first page draws without waiting for
// the others' code (the server preloads the lineage page's modules, the default page).
const page = (module, name) => async (root, ctx) => (await import(module))[name](root, ctx);
const PAGES = {
  lineage: page("./lineage.js", "lineagePage"),
  query: page("./query.js", "queryPage"),
  checks: page("./checklist.js", "checklistPage"),
  mrs: page("./gitlab.js", "mergeRequestsPage"),
  "settings/gitlab": page("./gitlab.js", "gitlabSettingsPage"),
  settings: page("./gitlab.js", "gitlabSettingsPage"),
};

const ctx = { pageState: {}, info: null, version: 0 };

function currentPage() {
  const name = location.hash.replace(/^#\/?/, "") || "lineage";
  return PAGES[name] ? name : "lineage";
}

async function render() {
  const name = currentPage();
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", name.startsWith(a.dataset.page)));
  const root = document.getElementById("app");
  try {
    await PAGES[name](root, ctx);
  } catch (err) {
    clear(root).append(errorBox(err));
  }
}

// "base: built 2026-11-25 01:41 · dbt 1.11.16"; under 1280 px the .env-extra parts hide (app.css) and the
// line ends in an ellipsis if still too long: the whole text and the artifacts' directories are its tooltip.
function envLabel(name, side) {
  const stamp = side.manifest_generated_at ? side.manifest_generated_at.slice(0, 16).replace("T", " ") : null;
  return h("span", {}, `${name}: `,
    stamp ? [h("span", { class: "env-extra" }, "built "), stamp] : side.target_path,
    side.dbt_version ? h("span", { class: "env-extra" }, ` · dbt ${side.dbt_version}`) : null);
}

function envTooltip(env, adapter) {
  const side = (name, s) => `${name}: ${s.manifest_generated_at || "no manifest date"}` +
    `${s.dbt_version ? ` · dbt ${s.dbt_version}` : ""} (${s.target_path})`;
  return [side("base", env.base), side("current", env.current), adapter].filter(Boolean).join("\n");
}

async function loadInfo() {
  try {
    ctx.info = await api.get("/api/info");
    ctx.version = ctx.info.artifacts_version;
    const env = ctx.info.environment;
    const line = document.getElementById("env-info");
    line.replaceChildren(
      envLabel("base", env.base),
      " · ",
      envLabel("current", env.current),
      ctx.info.adapter_type ? ` · ${ctx.info.adapter_type}` : "");
    line.title = envTooltip(env, ctx.info.adapter_type);
  } catch (err) {
    clear(document.getElementById("app")).append(errorBox(err));
  }
}

// Long poll: when dbt rewrote target/ or target-base/, the server reloads them and we re-render.
async function watchArtifacts() {
  for (;;) {
    try {
      const { version } = await api.get(`/api/events?version=${ctx.version}&timeout=25`);
      if (version !== ctx.version) {
        ctx.version = version;
        const banner = document.getElementById("banner");
        banner.hidden = false;
        banner.textContent = "The dbt artifacts changed on disk: reloaded.";
        setTimeout(() => { banner.hidden = true; }, 4000);
        await loadInfo();
        await render();
      }
    } catch (err) {
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  }
}

window.addEventListener("hashchange", render);
// the default page's graph is asked for now, while the page's code loads (lineage.js asks for the same path)
if (currentPage() === "lineage") prefetch("/api/lineage?all=false");
window.addEventListener("DOMContentLoaded", async () => {
  const info = loadInfo();  // the environment line: the page does not wait for it
  await render();
  await info;
  watchArtifacts();
});
