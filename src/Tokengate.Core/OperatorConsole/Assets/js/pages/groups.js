// Groups: the list, create, and a group's page with its members and policy.
import { html, useState } from "../lib.js";
import { api, can, seg } from "../api.js";
import { Page, Panel, Table, Dialog, Input, useLoad, attempt, Empty } from "../ui.js";
import { PolicyEditor } from "./policy.js";

const listOf = (r) => (r && (r.data || r.groups)) || [];

export function Groups() {
  const groups = useLoad(() => api("/admin/groups"), []);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  async function create(e) {
    e.preventDefault();
    if (await attempt(() => api("/admin/groups", { method: "POST", body: { name: name.trim(), description: description.trim() || null } }))) {
      setCreating(false);
      location.hash = "#/groups/" + seg(name.trim());
    }
  }
  const actions = can("operator") ? html`<button type="button" class="primary" id="new-group" onClick=${() => setCreating(true)}>New group</button>` : null;
  return html`<${Page} title="Groups" actions=${actions}>
    ${groups.data ? html`<${Table} rowKey=${(g) => g.name} empty="No groups" rows=${listOf(groups.data)} columns=${[
      { label: "Name", value: (g) => html`<a href=${"#/groups/" + seg(g.name)}>${g.name}</a>` },
      { label: "Members", value: (g) => (g.members ? (Array.isArray(g.members) ? g.members.length : g.members) : g.consumers ?? "–") },
      { label: "Description", value: (g) => g.description || "–" },
    ]} />` : groups.loading ? html`<p class="loading">Loading…</p>` : null}
    ${creating ? html`<${Dialog} title="New group" onClose=${() => setCreating(false)}>
      <form id="create-group" onSubmit=${create}>
        <div class="fields">
          <${Input} label="Name" name="name" required value=${name} onInput=${setName} />
          <${Input} label="Description" name="description" value=${description} onInput=${setDescription} placeholder="(optional)" />
        </div>
        <div class="form-actions"><button type="submit" class="primary">Create group</button><button type="button" onClick=${() => setCreating(false)}>Cancel</button></div>
      </form></${Dialog}>` : null}
  </${Page}>`;
}

export function GroupDetail({ arg }) {
  const group = useLoad(() => api("/admin/groups/" + seg(arg)), [arg]);
  const g = group.data;
  const members = g ? (Array.isArray(g.members) ? g.members : Array.isArray(g.consumers) ? g.consumers : []) : [];
  return html`<${Page} title=${"Group " + arg}>
    <p><a href="#/groups">← All groups</a></p>
    ${!g ? (group.loading ? html`<p class="loading">Loading…</p>` : html`<${Empty}>This group could not be loaded.</${Empty}>`) : html`<div class="grid">
      <${Panel} title="Members">
        ${members.length === 0 ? html`<${Empty}>No consumers in this group</${Empty}>` : html`<ul class="plain">${members.map((m) => { const n = typeof m === "string" ? m : m.name; return html`<li><a href=${"#/consumers/" + seg(n)}>${n}</a></li>`; })}</ul>`}
        ${g.description ? html`<p class="muted">${g.description}</p>` : null}
      </${Panel}>
      <${PolicyEditor} policy=${g.policy} sources=${g.sources} path=${"/admin/groups/" + seg(arg) + "/policy"} onSaved=${group.reload} />
    </div>`}
  </${Page}>`;
}
