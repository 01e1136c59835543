// The JSON API client: adds the access token (asked for once, kept in localStorage) and turns
// {error, remedy} bodies into ApiError. Every request carries X-Spyglass-Request, and every body is
// sent as JSON: the server refuses a request that changes something without one of them (a page of
// another site cannot send either without the server's consent, which it never gives).

const TOKEN_KEY = "spyglass.authToken";

export class ApiError extends Error {
  constructor(status, message, remedy) {
    super(message);
    this.status = status;
    this.remedy = remedy || "";
  }
}

function askToken() {
  const dialog = document.getElementById("token-dialog");
  const input = document.getElementById("token-input");
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(input.value), { once: true });
    input.value = "";
    dialog.showModal();
  });
}

let pendingToken = null;

export async function request(method, path, body, { raw = false, retry = true } = {}) {
  const headers = { "X-Spyglass-Request": "1" };
  const token = localStorage.getItem(TOKEN_KEY);
  if (token) headers["Authorization"] = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload });
  if (response.status === 401 && retry && path !== "/api/gitlab/webhook") {
    const data = await response.json().catch(() => ({}));
    if ((data.error || "").includes("access token")) {
      pendingToken = pendingToken || askToken().finally(() => { pendingToken = null; });
      localStorage.setItem(TOKEN_KEY, await pendingToken);
      return request(method, path, body, { raw, retry: true });
    }
    throw new ApiError(401, data.error || "Unauthorized", data.remedy);
  }
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    throw new ApiError(response.status, data.error || `${response.status} ${response.statusText}`, data.remedy);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

// GETs started early (prefetch): the next api.get of the same path takes the answer, once.
const prefetched = new Map();

// Starts a GET now, for a page whose code is still loading: its data and its code arrive together.
export function prefetch(path) {
  if (prefetched.has(path)) return;
  const answer = request("GET", path);
  answer.catch(() => {});  // a failure is the taker's to show, not an unhandled rejection
  prefetched.set(path, answer);
}

function takeOrGet(path) {
  const answer = prefetched.get(path);
  if (!answer) return request("GET", path);
  prefetched.delete(path);
  return answer;
}

export const api = {
  get: takeOrGet,
  post: (path, body = {}) => request("POST", path, body),
  patch: (path, body) => request("PATCH", path, body),
  put: (path, body) => request("PUT", path, body),
  del: (path) => request("DELETE", path),
  raw: (method, path, body) => request(method, path, body, { raw: true }),
};

// Start a run of a spec ({type, params}) and wait for it; onProgress gets each intermediate view.
export async function runAndWait(spec, { checkId = null, onProgress = null, onStart = null } = {}) {
  let view = await api.post("/api/runs", { spec, check_id: checkId });
  if (onStart) onStart(view);
  while (view.status === "running") {
    if (onProgress) onProgress(view);
    view = await api.get(`/api/runs/${view.run_id}/wait?timeout=1`);
  }
  return view;
}
