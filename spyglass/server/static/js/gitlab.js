// GitLab settings page and merge-request dashboard (filled in below).
import { h, clear } from "./dom.js";

export async function gitlabSettingsPage(root) {
  clear(root).append(h("h1", {}, "GitLab integration"));
}

export async function mergeRequestsPage(root) {
  clear(root).append(h("h1", {}, "Merge requests"));
}
