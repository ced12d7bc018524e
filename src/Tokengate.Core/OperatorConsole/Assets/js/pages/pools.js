// Pools and backends: health (cooling, circuit, utilization, remaining quota), drain and resume, backend key
// rotation, and the configuration in force, read-only.
import { html, useState, useEffect } from "../lib.js";
import { api, can, seg } from "../api.js";
import { Page, Panel, Table, Confirm, Meter, useLoad, attempt, when, num, report } from "../ui.js";

function until(t) {
  return t && new Date(t) > new Date() ? "until " + when(t) : null;
}

function state(b) {
  if (b.drained) return "drained";
  if (until(b.circuitOpenUntil)) return "circuit open";
  if (until(b.coolingUntil) || until(b.throttledUntil)) return "cooling";
  return b.available ? "available" : "unavailable";
}

export function Pools() {
  const pools = useLoad(() => api("/admin/pools"), []);
  // Operators only, as the configuration itself.
  const sources = useLoad(() => (can("operator") ? api("/admin/config/sources") : Promise.resolve(null)), []);
  const [config, setConfig] = useState(null);
  const [confirm, setConfirm] = useState(null);
  const operator = can("operator");

  useEffect(() => {
    const timer = setInterval(() => pools.reload(), 5000);
    return () => clearInterval(timer);
  }, [pools.reload]);
  useEffect(() => {
    if (!operator) return;
    api("/admin/config").then(setConfig, report);
  }, []);

  function act(b, verb) {
    const texts = {
      drain: `New requests stop going to ${b.name}; requests in flight finish.`,
      resume: `${b.name} takes new requests again.`,
      "rotate-key": `${b.name} switches to its other API key (both are re-read from their secret references first).`,
    };
    setConfirm({ title: { drain: "Drain backend", resume: "Resume backend", "rotate-key": "Rotate backend key" }[verb] + " " + b.name, text: texts[verb], action: { drain: "Drain", resume: "Resume", "rotate-key": "Rotate key" }[verb],
      run: () => attempt(async () => { await api(`/admin/backends/${seg(b.name)}/${verb}`, { method: "POST" }); pools.reload(); }) });
  }

  const list = pools.data ? pools.data.pools : [];
  // Where each pool's configuration comes from (a file, the environment): shown, since it is changed there.
  const sourceOf = (pool) => {
    const entry = sources.data && sources.data.data.find((e) => e.section === "Pools" && e.name.toLowerCase() === pool.toLowerCase());
    return entry ? entry.source : null;
  };
  return html`<${Page} title="Pools & backends">
    ${list.map((p) => html`<${Panel} title=${"Pool " + p.name} wide>
      ${sourceOf(p.name) ? html`<p class="muted pool-source" data-pool=${p.name}>Configured in ${sourceOf(p.name)} (read-only here)</p>` : null}
      ${p.dedicatedTo ? html`<p class="muted">Dedicated to groups ${p.dedicatedTo.groups.join(", ")} of ${p.dedicatedTo.deployment}${p.dedicatedTo.overflow ? ", overflow at " + p.dedicatedTo.overflowPriority : ""}</p>` : null}
      <${Table} rowKey=${(b) => b.name} rows=${p.backends} caption=${`Backends of pool ${p.name}`} columns=${[
        { label: "Backend", value: (b) => b.name },
        { label: "Type", value: (b) => b.type },
        { label: "Priority", num: true, value: (b) => b.priority },
        { label: "Weight", num: true, value: (b) => b.weight },
        { label: "State", value: (b) => html`<span class=${"state " + state(b).replace(" ", "-")} data-backend=${b.name}>${state(b)}</span>${b.drained && b.drainedBy ? html`<br /><span class="muted nowrap" title=${b.drainedAt ? when(b.drainedAt) : ""}>by ${b.drainedBy}${b.drainedAt ? " at " + new Date(b.drainedAt).toISOString().slice(11, 16) + " UTC" : ""}</span>` : null}` },
        { label: "Cooling", value: (b) => until(b.coolingUntil) || until(b.throttledUntil) || "–" },
        { label: "Circuit", value: (b) => until(b.circuitOpenUntil) ? "open " + until(b.circuitOpenUntil) : "closed" },
        { label: "Utilization", value: (b) => html`<${Meter} percent=${b.utilizationPercent} label=${"Utilization of " + b.name} />` },
        { label: "Remaining", num: true, value: (b) => (b.quota ? num(b.quota.remainingTokens) + " / " + num(b.quota.limitTokens) : "–") },
        { label: "Attempts (failed)", num: true, value: (b) => `${b.recentAttempts} (${b.recentFailures})` },
        ...(operator ? [{ label: "Actions", value: (b) => html`<span class="row-actions">
          ${b.drained ? html`<button type="button" onClick=${() => act(b, "resume")} aria-label=${"Resume " + b.name}>Resume</button>` : html`<button type="button" onClick=${() => act(b, "drain")} aria-label=${"Drain " + b.name}>Drain</button>`}
          <button type="button" onClick=${() => act(b, "rotate-key")} aria-label=${"Rotate the key of " + b.name}>Rotate key</button></span>` }] : []),
      ]} />
    </${Panel}>`)}
    ${operator ? html`<${Panel} title="Configuration in force" wide>
      <p class="muted">Read-only. Pools and backends come from the gateway's configuration (its settings file and environment); change them there and the gateway reloads them. Secrets appear only as references.</p>
      ${config ? html`<details><summary>Pools section</summary><pre class="json" id="config-pools">${JSON.stringify((typeof config === "string" ? JSON.parse(config) : config).Pools || {}, null, 2)}</pre></details>` : null}
    </${Panel}>` : null}
    ${confirm ? html`<${Confirm} title=${confirm.title} text=${confirm.text} action=${confirm.action} onClose=${() => setConfirm(null)} onConfirm=${confirm.run} />` : null}
  </${Page}>`;
}
