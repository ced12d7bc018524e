// The console shell: sign-in, the navigation, the hash router, and the alert region every page reports into.
import { html, render, useState, useEffect } from "./lib.js";
import { api, resume, signOut, onSignedOut, can } from "./api.js";
import { setAlertSink } from "./ui.js";
import { SignIn } from "./pages/signin.js";
import { Overview } from "./pages/overview.js";
import { Consumers, ConsumerDetail } from "./pages/consumers.js";
import { Groups, GroupDetail } from "./pages/groups.js";
import { Budgets } from "./pages/budgets.js";
import { Pools } from "./pages/pools.js";
import { Usage } from "./pages/usage.js";
import { Advice } from "./pages/advice.js";
import { Audit } from "./pages/audit.js";
import { Requests, RequestDetail } from "./pages/requests.js";
import { Access } from "./pages/access.js";

const NAV = [
  { path: "overview", label: "Overview" },
  { path: "consumers", label: "Consumers" },
  { path: "groups", label: "Groups" },
  { path: "budgets", label: "Budgets" },
  { path: "pools", label: "Pools & backends" },
  { path: "usage", label: "Usage" },
  { path: "advice", label: "Advice" },
  { path: "audit", label: "Audit log", role: "operator" },
  { path: "requests", label: "Request log" },
  { path: "access", label: "Access" },
];

function parseRoute() {
  const parts = (location.hash || "").replace(/^#\/?/, "").split("/").map((p) => {
    try { return decodeURIComponent(p); } catch { return p; }
  });
  return { page: parts[0] || "overview", arg: parts.slice(1).join("/") || null };
}

function Route({ route, session }) {
  const props = { session, arg: route.arg };
  switch (route.page) {
    case "consumers": return route.arg ? html`<${ConsumerDetail} ...${props} />` : html`<${Consumers} ...${props} />`;
    case "groups": return route.arg ? html`<${GroupDetail} ...${props} />` : html`<${Groups} ...${props} />`;
    case "budgets": return html`<${Budgets} ...${props} />`;
    case "pools": return html`<${Pools} ...${props} />`;
    case "usage": return html`<${Usage} ...${props} />`;
    case "advice": return html`<${Advice} ...${props} />`;
    case "audit": return html`<${Audit} ...${props} />`;
    case "requests": return route.arg ? html`<${RequestDetail} ...${props} />` : html`<${Requests} ...${props} />`;
    case "access": return html`<${Access} ...${props} />`;
    default: return html`<${Overview} ...${props} />`;
  }
}

function App() {
  const [phase, setPhase] = useState("loading");
  const [session, setSession] = useState(null);
  const [route, setRoute] = useState(parseRoute());
  const [alert, setAlert] = useState(null);
  const [notice, setNotice] = useState("");

  useEffect(() => {
    setAlertSink(setAlert);
    onSignedOut((message) => { setSession(null); setPhase("signedout"); setNotice(message); });
    const changed = () => {
      setRoute(parseRoute());
      setAlert(null);
      // Move focus to the new page's heading so keyboard and screen-reader users land on it.
      requestAnimationFrame(() => { const h = document.getElementById("page-title"); if (h) h.focus(); });
    };
    window.addEventListener("hashchange", changed);
    resume().then((s) => signedIn(s), (e) => { setAlert(e.message); setPhase("signedout"); });
    return () => window.removeEventListener("hashchange", changed);
  }, []);

  async function signedIn(s) {
    if (!s) { setPhase("signedout"); return; }
    // The effective roles include an approved elevation; the session names the base roles.
    try {
      const me = await api("/admin/whoami");
      s = { ...s, roles: [...new Set([...(s.roles || []), ...(me.roles || [])])], group: me.group };
    } catch {
      // whoami is a convenience here; the session's roles stand
    }
    setSession(s);
    setPhase("signedin");
    setNotice("");
  }

  async function leave() {
    try { await signOut(); } catch { /* the cookie is gone either way */ }
    setSession(null);
    setPhase("signedout");
    setNotice("Signed out.");
  }

  const alertRegion = html`<div class="alert-region" role="alert">${alert ? html`<div class="alert"><span>${alert}</span><button type="button" class="ghost" onClick=${() => setAlert(null)}>Dismiss</button></div>` : null}</div>`;

  if (phase === "loading") return html`<main id="main"><p class="loading">Loading the console…</p></main>`;
  if (phase === "signedout") return html`<main id="main" class="signin-main">${alertRegion}<${SignIn} notice=${notice} onSignedIn=${signedIn} /></main>`;

  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById("main").focus(); }}>Skip to content</a>
    <header class="top">
      <span class="brand">Tokengate <span class="muted">console</span></span>
      <span class="who">Signed in as <b>${session.name}</b> <span class="roles">${(session.roles || []).join(", ")}</span></span>
      <button type="button" id="signout" onClick=${leave}>Sign out</button>
    </header>
    <div class="layout">
      <nav aria-label="Console" class="side">
        <ul>${NAV.filter((n) => !n.role || can(n.role, session.roles)).map((n) => html`<li><a href=${"#/" + n.path} aria-current=${route.page === n.path || (n.path === "overview" && !NAV.some((x) => x.path === route.page)) ? "page" : undefined}>${n.label}</a></li>`)}</ul>
      </nav>
      <main id="main" tabindex="-1">
        ${alertRegion}
        <${Route} key=${route.page + "/" + (route.arg || "")} route=${route} session=${session} />
      </main>
    </div>`;
}

const root = document.getElementById("app");
root.replaceChildren();
render(html`<${App} />`, root);
