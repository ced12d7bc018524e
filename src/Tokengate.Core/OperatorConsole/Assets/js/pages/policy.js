// The policy editor shared by consumers and groups: one form per part (scopes, IP ranges, limits and max tokens,
// logging, screening), each saved on its own with PUT .../policy. A part that a configuration file owns is shown
// read-only with that file named; the API would refuse it (409) anyway.
import { html, useState } from "../lib.js";
import { api, can } from "../api.js";
import { Panel, Input, TextArea, Select, attempt, lines } from "../ui.js";

const LOGGING = ["off", "metadata", "full"];
const SCREENING_MODES = ["off", "monitor", "annotate", "block"];

const lower = (v, fallback) => (v === null || v === undefined ? fallback : String(v).toLowerCase());
const numberOrNull = (v) => (v === "" || v === null || v === undefined ? null : Number(v));
const text = (list) => (Array.isArray(list) ? list.join("\n") : "");

function ownerOf(sources, part) {
  const s = sources && sources[part];
  return s && s !== "managed" ? s : null;
}

function PartForm({ title, part, owner, canEdit, save, children }) {
  const readOnly = !!owner || !canEdit;
  const [saved, setSaved] = useState("");
  async function submit(e) {
    e.preventDefault();
    setSaved("");
    if (await attempt(save)) setSaved("Saved.");
  }
  return html`<form class="policy-part" data-part=${part} onSubmit=${submit}>
    <fieldset disabled=${readOnly}>
      <legend>${title}</legend>
      ${owner ? html`<p class="source">Set in <b>${owner}</b>: read-only here; change it there.</p>` : null}
      <div class="fields">${children}</div>
      ${readOnly ? null : html`<div class="form-actions"><button type="submit" class="primary">Save ${title === "IP ranges" ? title : title.toLowerCase()}</button><span role="status" class="muted">${saved}</span></div>`}
    </fieldset>
  </form>`;
}

/** policy and sources as GET /admin/consumers/{name} or /admin/groups/{name} return them; path is the PUT target. */
export function PolicyEditor({ policy, sources, path, onSaved }) {
  const p = policy || {};
  const canEdit = can("operator");
  const put = async (part, value) => { await api(path, { method: "PUT", body: { [part]: value } }); if (onSaved) onSaved(); };

  const scopes = Array.isArray(p.scopes) ? (p.scopes[0] || {}) : (p.scopes || {});
  const [deployments, setDeployments] = useState(text(scopes.deployments));
  const [operations, setOperations] = useState(text(scopes.operations));
  const [ranges, setRanges] = useState(text(p.allowedIpRanges));
  const limits = p.limits || {};
  const maxTokens = limits.maxTokens || {};
  const [tpm, setTpm] = useState(limits.tokensPerMinute ?? "");
  const [rpm, setRpm] = useState(limits.requestsPerMinute ?? "");
  const [concurrent, setConcurrent] = useState(limits.concurrentRequests ?? "");
  const [mtDefault, setMtDefault] = useState(maxTokens.default ?? "");
  const [mtCap, setMtCap] = useState(maxTokens.cap ?? "");
  const [mtOver, setMtOver] = useState(lower(maxTokens.overCap, "clamp"));
  const logging = p.logging && typeof p.logging === "object" ? p.logging.policy : p.logging;
  const [log, setLog] = useState(lower(logging, ""));
  const screening = p.screening || {};
  const [mode, setMode] = useState(lower(screening.mode, ""));
  const [detectors, setDetectors] = useState(text(screening.detectors));

  return html`<${Panel} title="Policy" wide>
    <div class="policy">
      <${PartForm} title="Scopes" part="scopes" owner=${ownerOf(sources, "scopes")} canEdit=${canEdit}
        save=${() => put("scopes", lines(deployments).length + lines(operations).length === 0 ? null : { deployments: lines(deployments), operations: lines(operations) })}>
        <${TextArea} label="Deployments" hint="(one a line; empty: all)" name="scope-deployments" value=${deployments} onInput=${setDeployments} />
        <${TextArea} label="Operations" hint="(one a line; empty: all)" name="scope-operations" value=${operations} onInput=${setOperations} />
      </${PartForm}>
      ${!sources || "allowedIpRanges" in sources ? html`<${PartForm} title="IP ranges" part="allowedIpRanges" owner=${ownerOf(sources, "allowedIpRanges")} canEdit=${canEdit}
        save=${() => put("allowedIpRanges", lines(ranges).length ? lines(ranges) : null)}>
        <${TextArea} label="Allowed IP ranges" hint="(CIDR, one a line; empty: any address)" name="ip-ranges" value=${ranges} onInput=${setRanges} />
      </${PartForm}>` : null}
      <${PartForm} title="Limits" part="limits" owner=${ownerOf(sources, "limits")} canEdit=${canEdit}
        save=${() => put("limits", {
          tokensPerMinute: numberOrNull(tpm), requestsPerMinute: numberOrNull(rpm), concurrentRequests: numberOrNull(concurrent),
          maxTokens: mtDefault === "" && mtCap === "" ? null : { default: numberOrNull(mtDefault), cap: numberOrNull(mtCap), overCap: mtOver },
        })}>
        <${Input} label="Tokens per minute" type="number" min="0" name="tpm" value=${tpm} onInput=${setTpm} />
        <${Input} label="Requests per minute" type="number" min="0" name="rpm" value=${rpm} onInput=${setRpm} />
        <${Input} label="Concurrent requests" type="number" min="0" name="concurrent" value=${concurrent} onInput=${setConcurrent} />
        <${Input} label="Max tokens: default" type="number" min="0" name="max-tokens-default" value=${mtDefault} onInput=${setMtDefault} />
        <${Input} label="Max tokens: cap" type="number" min="0" name="max-tokens-cap" value=${mtCap} onInput=${setMtCap} />
        <${Select} label="Over the cap" name="max-tokens-over" value=${mtOver} onChange=${setMtOver} options=${[{ value: "clamp", label: "clamp to the cap" }, { value: "reject", label: "reject (400)" }]} />
      </${PartForm}>
      <${PartForm} title="Logging" part="logging" owner=${ownerOf(sources, "logging")} canEdit=${canEdit} save=${() => put("logging", log || null)}>
        <${Select} label="Request log" name="logging" value=${log} onChange=${setLog} options=${[{ value: "", label: "(inherit)" }, ...LOGGING.map((l) => ({ value: l, label: l }))]} />
      </${PartForm}>
      <${PartForm} title="Screening" part="screening" owner=${ownerOf(sources, "screening")} canEdit=${canEdit}
        save=${() => put("screening", mode ? { mode, detectors: lines(detectors).length ? lines(detectors) : null } : null)}>
        <${Select} label="Prompt screening" name="screening-mode" value=${mode} onChange=${setMode} options=${[{ value: "", label: "(inherit)" }, ...SCREENING_MODES.map((m) => ({ value: m, label: m }))]} />
        <${TextArea} label="Detectors" hint="(one a line; empty: the default)" name="screening-detectors" value=${detectors} onInput=${setDetectors} />
      </${PartForm}>
    </div>
    ${Array.isArray(p.budgets) && p.budgets.length ? html`<p class="muted">Budgets: ${p.budgets.map((b) => `${String(b.period).toLowerCase()} ${b.amount} ${String(b.unit).toLowerCase()}`).join(", ")} — <a href="#/budgets">edit on the Budgets page</a>.</p>` : null}
  </${Panel}>`;
}
