// Access: who am I, my effective roles, request an elevation, and approve or revoke the pending ones I may.
import { html, useState } from "../lib.js";
import { api, can, seg } from "../api.js";
import { Page, Panel, Table, Input, Select, useLoad, attempt, when } from "../ui.js";

export function Access({ session }) {
  const me = useLoad(() => api("/admin/whoami"), []);
  const elevations = useLoad(() => api("/admin/elevations"), []);
  const [role, setRole] = useState("operator");
  const [reason, setReason] = useState("");
  const [duration, setDuration] = useState("01:00:00");
  const [sent, setSent] = useState("");
  async function request(e) {
    e.preventDefault();
    setSent("");
    if (await attempt(() => api("/admin/elevations", { method: "POST", body: { role, reason, duration } }))) { setSent("Requested; another admin approves it."); setReason(""); elevations.reload(); }
  }
  const act = (id, verb) => attempt(async () => { await api(`/admin/elevations/${seg(id)}/${verb}`, { method: "POST" }); elevations.reload(); });
  const w = me.data;
  return html`<${Page} title="Access">
    <div class="grid">
      <${Panel} title="Signed in">
        <dl class="facts">
          <dt>Name</dt><dd id="whoami-name">${w ? w.name : session.name}</dd>
          <dt>Group</dt><dd>${w && w.group ? w.group : "–"}</dd>
          <dt>Effective roles</dt><dd id="whoami-roles">${w ? w.roles.join(", ") : "…"}</dd>
          <dt>Signed in with</dt><dd>${session.authMethod || "–"}</dd>
          <dt>Session ends</dt><dd>${when(session.expires)}</dd>
        </dl>
      </${Panel}>
      <${Panel} title="Request an elevation">
        <form id="elevation-form" onSubmit=${request}>
          <div class="fields">
            <${Select} label="Role" name="role" value=${role} onChange=${setRole} options=${["operator", "admin"]} />
            <${Input} label="Duration (hh:mm:ss)" name="duration" value=${duration} onInput=${setDuration} />
            <${Input} label="Reason" name="reason" required wide value=${reason} onInput=${setReason} />
          </div>
          <div class="form-actions"><button type="submit" class="primary">Request</button><span role="status" class="muted">${sent}</span></div>
        </form>
      </${Panel}>
      <${Panel} title="Elevations" wide>
        ${elevations.data ? html`<${Table} rowKey=${(x) => x.id} empty="No elevations" rows=${elevations.data.data} columns=${[
          { label: "Principal", value: (x) => x.principal },
          { label: "Role", value: (x) => x.role },
          { label: "Reason", value: (x) => x.reason },
          { label: "Duration", value: (x) => x.duration },
          { label: "State", value: (x) => x.state },
          { label: "Requested", value: (x) => when(x.requestedAt) },
          { label: "Approved by", value: (x) => x.approvedBy || "–" },
          { label: "Expires", value: (x) => when(x.expiresAt) },
          { label: "Actions", value: (x) => html`<span class="row-actions">
            ${x.state === "pending" && can("admin") && x.principal !== session.name ? html`<button type="button" onClick=${() => act(x.id, "approve")}>Approve</button>` : null}
            ${(x.state === "pending" || x.state === "active") && (can("admin") || x.principal === session.name) ? html`<button type="button" class="danger" onClick=${() => act(x.id, "revoke")}>Revoke</button>` : null}</span>` },
        ]} />` : null}
      </${Panel}>
    </div>
  </${Page}>`;
}
