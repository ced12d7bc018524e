// Audit log: who did what, filtered by time, actor and action (operators and above).
import { html, useState } from "../lib.js";
import { api, query } from "../api.js";
import { Page, Table, Input, Select, useLoad, when } from "../ui.js";

export function Audit() {
  const [draft, setDraft] = useState({ since: "", actor: "", action: "", limit: "100" });
  const [applied, setApplied] = useState(draft);
  const audit = useLoad(() => api("/admin/audit" + query({ ...applied, since: applied.since ? new Date(applied.since).toISOString() : "" })), [applied]);
  const set = (k) => (v) => setDraft({ ...draft, [k]: v });
  return html`<${Page} title="Audit log">
    <form class="filters" id="audit-filters" onSubmit=${(e) => { e.preventDefault(); setApplied(draft); }}>
      <${Input} label="Since" type="datetime-local" name="since" value=${draft.since} onInput=${set("since")} />
      <${Input} label="Actor" name="actor" value=${draft.actor} onInput=${set("actor")} placeholder="(anyone)" />
      <${Input} label="Action" name="action" value=${draft.action} onInput=${set("action")} placeholder="e.g. consumer.created" />
      <${Select} label="Rows" name="limit" value=${draft.limit} onChange=${set("limit")} options=${["50", "100", "500"]} />
      <div class="form-actions"><button type="submit" class="primary">Apply</button></div>
    </form>
    ${audit.data ? html`<${Table} empty="No audit records for these filters" rows=${audit.data.data} caption="Audit records, newest first" columns=${[
      { label: "At", value: (a) => when(a.at) },
      { label: "Actor", value: (a) => a.actor },
      { label: "Action", value: (a) => html`<span class="mono">${a.action}</span>` },
      { label: "Target", value: (a) => a.target || "–" },
      { label: "Address", value: (a) => a.address || "–" },
      { label: "Outcome", value: (a) => a.outcome },
      { label: "Detail", value: (a) => a.detail || "–" },
    ]} />` : audit.loading ? html`<p class="loading">Loading…</p>` : null}
  </${Page}>`;
}
