// Advice: GET /admin/advice (the last 30 days) as tables: PAYG vs PTU, PTU under-use, right model, caching, notes.
import { html } from "../lib.js";
import { api } from "../api.js";
import { Page, Panel, Table, Empty, useLoad, usd, int } from "../ui.js";

const pct = (v) => (v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%");
const BILLING = { hourly: "hourly", monthlyReservation: "monthly reservation", yearlyReservation: "yearly reservation" };
const day = (t) => new Date(t).toISOString().slice(0, 16).replace("T", " ");

function Reasons({ items }) {
  if (items.length === 0) return null;
  return html`<ul class="reasons">${items.map((i) => html`<li><b>${i.name}: </b>${i.text}</li>`)}</ul>`;
}

export function Advice() {
  const advice = useLoad(() => api("/admin/advice"), []);
  const r = advice.data;
  const reload = html`<button type="button" id="advice-reload" onClick=${advice.reload}>Reload</button>`;
  return html`<${Page} title="Advice" actions=${reload}>
    <p class="caveat"><b>Quality is not measured.</b> The advice compares tokens and money only; it cannot tell whether a cheaper option would answer as well. Try a cheaper model on a sample before switching.</p>
    ${!r ? (advice.loading ? html`<p class="loading">Loading…</p>` : null) : html`<p class="muted">${day(r.since)} to ${day(r.until)} UTC, ${int(r.minutes)} minutes</p>
    <div class="grid">
      <${Panel} title="PAYG vs PTU (per deployment; USD per month)" wide>
        <div id="advice-ptu">${r.deployments.length === 0 ? html`<${Empty}>No deployment traffic in the ledger for this period</${Empty}>` : html`
          <${Table} rows=${r.deployments} columns=${[
            { label: "Deployment", value: (a) => a.deployment }, { label: "Model", value: (a) => a.model },
            { label: `p${r.deployments[0].percentile} tokens/min`, num: true, value: (a) => int(a.percentileMinuteTokens) },
            { label: "PTUs", num: true, value: (a) => int(a.requiredPtus) }, { label: "Utilization", num: true, value: (a) => pct(a.averageUtilization) },
            { label: "PAYG/month", num: true, value: (a) => usd(a.paygMonthlyUsd, 2) },
            { label: "PTU hourly", num: true, value: (a) => (a.options[0] ? usd(a.options[0].ptuMonthlyUsd, 2) : "–") },
            { label: "PTU monthly", num: true, value: (a) => (a.options[1] ? usd(a.options[1].ptuMonthlyUsd, 2) : "–") },
            { label: "PTU yearly", num: true, value: (a) => (a.options[2] ? usd(a.options[2].ptuMonthlyUsd, 2) : "–") },
            { label: "Spillover", num: true, value: (a) => (a.options[0] ? usd(a.options[0].spilloverMonthlyUsd, 2) : "–") },
            { label: "Break-even", num: true, value: (a) => { const b = a.options.find((o) => o.billing === a.bestBilling) || a.options[0]; return pct(b ? b.breakEvenUtilization : null); } },
            { label: "Recommendation", value: (a) => (a.recommendation === "ptu" ? html`<b class="ptu">PTU ${a.requiredPtus} (${BILLING[a.bestBilling] || a.bestBilling})</b>` : "stay PAYG") },
          ]} />
          <${Reasons} items=${r.deployments.map((a) => ({ name: a.deployment, text: a.reason }))} />`}</div>
      </${Panel}>
      <${Panel} title="PTU under-use (per provisioned backend)" wide>
        ${r.provisioned.length === 0 ? html`<${Empty}>No provisioned backend with known PTUs</${Empty}>` : html`
          <${Table} rows=${r.provisioned} columns=${[
            { label: "Backend", value: (u) => u.backend }, { label: "Model", value: (u) => u.model }, { label: "PTUs", num: true, value: (u) => int(u.ptus) },
            { label: "Utilization", num: true, value: (u) => pct(u.utilization) }, { label: "Idle tokens", num: true, value: (u) => int(u.idleTokens) },
            { label: "PTU/month", num: true, value: (u) => usd(u.ptuMonthlyUsd, 2) }, { label: "Idle/month", num: true, value: (u) => usd(u.idleMonthlyUsd, 2) },
            { label: "Idle hours (UTC)", value: (u) => (u.idleHours.length === 0 ? "–" : u.idleHours.map((h) => String(h).padStart(2, "0")).join(",")) },
          ]} />
          <${Reasons} items=${r.provisioned.map((u) => ({ name: u.backend, text: u.suggestion }))} />`}
      </${Panel}>
      <${Panel} title="Right model for the task (quality is not measured)" wide>
        ${r.models.length === 0 ? html`<${Empty}>No cheaper model of the same family saves enough.</${Empty}>` : html`
          <${Table} rows=${r.models} columns=${[
            { label: "Consumer", value: (m) => m.consumer }, { label: "Deployment", value: (m) => m.deployment }, { label: "Model", value: (m) => m.model },
            { label: "Requests", num: true, value: (m) => int(m.requests) }, { label: "Mean prompt", num: true, value: (m) => int(m.meanPromptTokens) },
            { label: "Mean completion", num: true, value: (m) => int(m.meanCompletionTokens) }, { label: "Month", num: true, value: (m) => usd(m.monthlyUsd, 2) },
            { label: "Cheaper model", value: (m) => m.cheaperModel }, { label: "Cheaper month", num: true, value: (m) => usd(m.cheaperMonthlyUsd, 2) },
            { label: "Saving", num: true, value: (m) => usd(m.savingMonthlyUsd, 2) }, { label: "Similar on", value: (m) => m.similarDeployment || "–" },
          ]} />
          <${Reasons} items=${r.models.map((m) => ({ name: m.consumer + " on " + m.deployment, text: m.advice }))} />`}
      </${Panel}>
      <${Panel} title="Prompt caching" wide>
        ${r.caching.length === 0 ? html`<${Empty}>No consumer and deployment with enough requests.</${Empty}>` : html`
          <${Table} rows=${r.caching} columns=${[
            { label: "Consumer", value: (c) => c.consumer }, { label: "Deployment", value: (c) => c.deployment }, { label: "Model", value: (c) => c.model },
            { label: "Requests", num: true, value: (c) => int(c.requests) }, { label: "Mean prompt", num: true, value: (c) => int(c.meanPromptTokens) },
            { label: "Hit rate", num: true, value: (c) => pct(c.hitRate) }, { label: "At stake/month", num: true, value: (c) => usd(c.atStakeMonthlyUsd, 2) },
            { label: "Low", value: (c) => (c.low ? "yes" : "–") },
          ]} />
          <${Reasons} items=${r.caching.filter((c) => c.low).map((c) => ({ name: c.consumer + " on " + c.deployment, text: c.advice }))} />`}
      </${Panel}>
      ${Array.isArray(r.truncation) ? html`<${Panel} title="Truncation" wide>
        ${r.truncation.length === 0 ? html`<${Empty}>No consumer has many answers cut at their output bound.</${Empty}>` : html`
          <${Table} rows=${r.truncation} columns=${[
            { label: "Consumer", value: (t) => t.consumer }, { label: "Deployment", value: (t) => t.deployment },
            { label: "Requests", num: true, value: (t) => int(t.requests) }, { label: "Bounded", num: true, value: (t) => int(t.boundedRequests) },
            { label: "Cut at the bound", num: true, value: (t) => int(t.truncatedRequests) }, { label: "Share", num: true, value: (t) => pct(t.share) },
          ]} />
          <${Reasons} items=${r.truncation.map((t) => ({ name: t.consumer + " on " + t.deployment, text: t.advice }))} />`}
      </${Panel}>` : null}
      <${Panel} title="Notes" wide>
        <ul class="alerts" id="advice-notes">${(r.notes.length === 0 ? ["No notes"] : r.notes).map((n) => html`<li>${n}</li>`)}</ul>
      </${Panel}>
    </div>`}
  </${Page}>`;
}
