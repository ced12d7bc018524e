// Every call the console makes goes through here: the session cookie travels by itself (same origin), and every
// call that changes something carries the session's CSRF token in x-tokengate-csrf.

let session = null;
let signedOutHandler = null;

const MANAGEMENT = ["reader", "operator", "admin"];

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function currentSession() {
  return session;
}

export function onSignedOut(handler) {
  signedOutHandler = handler;
}

async function errorOf(response) {
  let code = "http_" + response.status;
  let message = response.status + " " + (response.statusText || "error");
  try {
    const body = await response.json();
    if (body && body.error) {
      code = body.error.code || body.error.type || code;
      message = body.error.message || message;
    }
  } catch {
    // not JSON: the status line is the message
  }
  return new ApiError(response.status, code, message);
}

export async function api(path, options = {}) {
  const method = options.method || "GET";
  const headers = { accept: "application/json" };
  if (method !== "GET" && method !== "HEAD" && session && session.csrfToken) headers["x-tokengate-csrf"] = session.csrfToken;
  let body;
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const response = await fetch(path, { method, headers, body, credentials: "same-origin", cache: "no-store" });
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && session && !options.signIn) {
      session = null;
      if (signedOutHandler) signedOutHandler("The session ended; sign in again.");
    }
    throw error;
  }
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? "?" + s : "";
}

export const seg = (s) => encodeURIComponent(s);

export async function providers() {
  try {
    return await api("/console/session/providers");
  } catch {
    return { key: true, oidc: { enabled: false } };
  }
}

/** The session in force, or null when there is none. */
export async function resume() {
  try {
    session = await api("/console/session", { signIn: true });
  } catch (e) {
    if (e.status !== 401 && e.status !== 404) throw e;
    session = null;
  }
  return session;
}

export async function signIn(key) {
  session = await api("/console/session", { method: "POST", body: { key }, signIn: true });
  return session;
}

export async function signOut() {
  try {
    await api("/console/session", { method: "DELETE", signIn: true });
  } finally {
    session = null;
  }
}

/** True when the session holds a management role at or above the one named (admin ⊇ operator ⊇ reader). */
export function can(role, roles) {
  const held = roles || (session && session.roles) || [];
  const needed = MANAGEMENT.indexOf(role);
  if (needed < 0) return held.includes(role);
  return MANAGEMENT.slice(needed).some((r) => held.includes(r));
}
