// Request log: newest first, filtered; screening blocks; one request's detail (content only where roles allow).
import { html, useState } from "../lib.js";
import { api, query, seg } from "../api.js";
import { Page, Panel, Table, Input, Select, useLoad, when, int, usd, Empty } from "../ui.js";

const cost = (r) => r.cost ?? r.costUsd;
const WHY = {
  forbidden: "reading request content needs the admin role",
  not_recorded: "the consumer's logging policy does not record content",
  unavailable: "the log entry is not there (past retention, still queued, or lost)",
  unreadable: "the log could not be decrypted",
};

export function Requests() {
  const [draft, setDraft] = useState({ consumer: "", group: "", deployment: "", status: "", outcome: "", limit: "50" });
  const [applied, setApplied] = useState(draft);
  const [before, setBefore] = useState(null);
  const log = useLoad(() => api("/admin/requests" + query({ ...applied, before })), [applied, before]);
  const set = (k) => (v) => setDraft({ ...draft, [k]: v });
  const rows = log.data ? log.data.data || [] : [];
  return html`<${Page} title="Request log">
    <form class="filters" id="request-filters" onSubmit=${(e) => { e.preventDefault(); setBefore(null); setApplied(draft); }}>
      <${Input} label="Consumer" name="consumer" value=${draft.consumer} onInput=${set("consumer")} placeholder="(any)" />
      <${Input} label="Group" name="group" value=${draft.group} onInput=${set("group")} placeholder="(any)" />
      <${Input} label="Deployment" name="deployment" value=${draft.deployment} onInput=${set("deployment")} placeholder="(any)" />
      <${Input} label="Status" name="status" value=${draft.status} onInput=${set("status")} placeholder="e.g. 429" />
      <${Select} label="Outcome" name="outcome" value=${draft.outcome} onChange=${set("outcome")} options=${[{ value: "", label: "(any)" }, { value: "success", label: "success" }, { value: "throttled", label: "throttled (429)" }, { value: "error", label: "error" }, { value: "screened", label: "screening blocks" }]} />
      <${Select} label="Rows" name="limit" value=${draft.limit} onChange=${set("limit")} options=${["50", "100", "500"]} />
      <div class="form-actions"><button type="submit" class="primary">Apply</button></div>
    </form>
    ${log.data ? html`<${Table} rowKey=${(r) => r.id} empty="No requests for these filters" rows=${rows} caption="Requests, newest first" columns=${[
      { label: "At", value: (r) => html`<a href=${"#/requests/" + seg(r.id)}>${when(r.at)}</a>` },
      { label: "Consumer", value: (r) => r.consumer },
      { label: "Deployment", value: (r) => r.deployment || "–" },
      { label: "Operation", value: (r) => r.operation || "–" },
      { label: "Backend", value: (r) => r.backend || "–" },
      { label: "Status", num: true, value: (r) => r.status },
      { label: "Outcome", value: (r) => r.outcome || "–" },
      { label: "Tokens", num: true, value: (r) => int(r.totalTokens ?? (r.promptTokens || 0) + (r.completionTokens || 0)) },
      { label: "Cost", num: true, value: (r) => usd(cost(r)) },
      { label: "Duration ms", num: true, value: (r) => int(r.durationMs ?? r.latencyMs) },
      { label: "Screening", value: (r) => (r.screening ? (r.screening.blocked ? "blocked" : "") + (r.screening.verdict ? " " + r.screening.verdict : "") : "–") },
    ]} />` : log.loading ? html`<p class="loading">Loading…</p>` : null}
    ${log.data && log.data.nextBefore ? html`<p><button type="button" onClick=${() => setBefore(log.data.nextBefore)}>Older requests</button></p>` : null}
  </${Page}>`;
}

export function RequestDetail({ arg }) {
  const entry = useLoad(() => api("/admin/requests/" + seg(arg)), [arg]);
  const r = entry.data;
  const facts = r ? Object.entries(r).filter(([k, v]) => k !== "contentAvailable" && (v === null || typeof v !== "object")) : [];
  const content = r ? Object.entries(r).filter(([, v]) => v !== null && typeof v === "object") : [];
  const available = r && (r.contentAvailable === "available" || r.requestBody !== undefined);
  return html`<${Page} title="Request">
    <p><a href="#/requests">← Request log</a></p>
    ${!r ? (entry.loading ? html`<p class="loading">Loading…</p>` : html`<${Empty}>This request could not be loaded.</${Empty}>`) : html`<div class="grid">
      <${Panel} title="Request" wide><dl class="facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v === null ? "–" : k === "at" ? when(v) : String(v)}</dd>`)}</dl></${Panel}>
      ${available ? null : html`<${Panel} title="Content" wide><p class="muted" id="content-available">Content not shown: ${WHY[r.contentAvailable] || String(r.contentAvailable ?? "not logged")}.</p></${Panel}>`}
      ${content.map(([k, v]) => html`<${Panel} title=${k} wide><pre class="json">${JSON.stringify(v, null, 2)}</pre></${Panel}>`)}
    </div>`}
  </${Page}>`;
}
