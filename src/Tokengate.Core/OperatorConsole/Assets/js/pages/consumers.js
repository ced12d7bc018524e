// Consumers: the list with search and create; a consumer's page with its policy, group, keys and disable.
import { html, useState } from "../lib.js";
import { api, can, seg, query } from "../api.js";
import { Page, Panel, Table, Dialog, Confirm, KeyOnce, Input, useLoad, attempt, when, Empty } from "../ui.js";
import { PolicyEditor } from "./policy.js";

const ROLES = ["consumer", "reader", "operator", "admin"];

function CreateConsumer({ onClose, onCreated }) {
  const [name, setName] = useState("");
  const [group, setGroup] = useState("");
  const [roles, setRoles] = useState(["consumer"]);
  async function submit(e) {
    e.preventDefault();
    let created = null;
    if (await attempt(async () => { created = await api("/admin/consumers", { method: "POST", body: { name: name.trim(), group: group.trim() || null, roles } }); })) onCreated(created);
  }
  const toggle = (r) => setRoles(roles.includes(r) ? roles.filter((x) => x !== r) : [...roles, r]);
  return html`<${Dialog} title="New consumer" onClose=${onClose}>
    <form id="create-consumer" onSubmit=${submit}>
      <div class="fields">
        <${Input} label="Name" name="name" required value=${name} onInput=${setName} />
        <${Input} label="Group" name="group" value=${group} onInput=${setGroup} placeholder="(none)" />
      </div>
      <fieldset class="checks"><legend>Roles</legend>
        ${ROLES.map((r) => html`<label class="check"><input type="checkbox" name=${"role-" + r} checked=${roles.includes(r)} onChange=${() => toggle(r)} /> ${r}</label>`)}
      </fieldset>
      <div class="form-actions"><button type="submit" class="primary">Create consumer</button><button type="button" onClick=${onClose}>Cancel</button></div>
    </form>
  </${Dialog}>`;
}

export function Consumers() {
  const list = useLoad(() => api("/admin/consumers"), []);
  const [search, setSearch] = useState("");
  const [creating, setCreating] = useState(false);
  const rows = (list.data ? list.data.data : []).filter((c) => !search || (c.name + " " + (c.group || "")).toLowerCase().includes(search.toLowerCase()));
  const actions = can("operator") ? html`<button type="button" class="primary" id="new-consumer" onClick=${() => setCreating(true)}>New consumer</button>` : null;
  return html`<${Page} title="Consumers" actions=${actions}>
    <div class="filters"><${Input} label="Search" name="search" type="search" value=${search} onInput=${setSearch} placeholder="name or group" /></div>
    ${list.loading && !list.data ? html`<p class="loading">Loading…</p>` : html`<${Table} rowKey=${(c) => c.name} empty="No consumers" rows=${rows} columns=${[
      { label: "Name", value: (c) => html`<a href=${"#/consumers/" + seg(c.name)}>${c.name}</a>` },
      { label: "Group", value: (c) => (c.group ? html`<a href=${"#/groups/" + seg(c.group)}>${c.group}</a>` : "–") },
      { label: "Roles", value: (c) => (c.roles || []).join(", ") || "–" },
      { label: "Source", value: (c) => c.source },
      { label: "Created", value: (c) => when(c.created) },
      { label: "State", value: (c) => (c.disabled ? "disabled " + when(c.disabled) : "active") },
    ]} />`}
    ${creating ? html`<${CreateConsumer} onClose=${() => setCreating(false)} onCreated=${(c) => { setCreating(false); location.hash = "#/consumers/" + seg(c.name); }} />` : null}
  </${Page}>`;
}

async function loadConsumer(name) {
  try {
    return await api("/admin/consumers/" + seg(name));
  } catch (e) {
    // A gateway without the detail endpoint: the list still names the consumer.
    if (e.status !== 404 && e.status !== 405) throw e;
    const all = await api("/admin/consumers");
    const found = all.data.find((c) => c.name === name);
    if (!found) throw e;
    return found;
  }
}

function Keys({ name, editable }) {
  const keys = useLoad(() => api("/admin/keys" + query({ consumer: name })), [name]);
  const [issued, setIssued] = useState(null);
  const [creating, setCreating] = useState(false);
  const [expires, setExpires] = useState("");
  const [revoking, setRevoking] = useState(null);
  async function create(e) {
    e.preventDefault();
    if (await attempt(async () => { setIssued(await api("/admin/consumers/" + seg(name) + "/keys", { method: "POST", body: expires.trim() ? { expires: expires.trim() } : {} })); })) {
      setCreating(false);
      setExpires("");
      keys.reload();
    }
  }
  async function rotate(k) {
    if (await attempt(async () => { setIssued(await api("/admin/keys/" + seg(k.id) + "/rotate", { method: "POST", body: {} })); })) keys.reload();
  }
  const actions = editable ? html`<button type="button" class="primary" id="new-key-button" onClick=${() => setCreating(true)}>Create key</button>` : null;
  return html`<${Panel} title="Keys" wide actions=${actions}>
    ${keys.data ? html`<${Table} rowKey=${(k) => k.id} empty="No keys (a consumer from the configuration file holds key hashes there)" rows=${keys.data.data} columns=${[
      { label: "Id", value: (k) => html`<span class="mono">${k.id}</span>` },
      { label: "Prefix", value: (k) => html`<span class="mono">${k.prefix}</span>` },
      { label: "Created", value: (k) => when(k.created) },
      { label: "Expires", value: (k) => (k.expires ? when(k.expires) : "never") },
      { label: "Status", value: (k) => k.status },
      { label: "Actions", value: (k) => (editable && k.status === "active" ? html`<span class="row-actions">
          <button type="button" onClick=${() => rotate(k)} aria-label=${"Rotate key " + k.prefix}>Rotate</button>
          <button type="button" class="danger" onClick=${() => setRevoking(k)} aria-label=${"Revoke key " + k.prefix}>Revoke</button></span>` : "–") },
    ]} />` : null}
    ${creating ? html`<${Dialog} title="Create key" onClose=${() => setCreating(false)}>
      <form id="create-key" onSubmit=${create}>
        <${Input} label="Expires" name="expires" value=${expires} onInput=${setExpires} placeholder="e.g. 30d or 2027-01-01T00:00:00Z; empty: never" wide />
        <div class="form-actions"><button type="submit" class="primary">Create key</button><button type="button" onClick=${() => setCreating(false)}>Cancel</button></div>
      </form></${Dialog}>` : null}
    ${issued ? html`<${KeyOnce} issued=${issued} onClose=${() => setIssued(null)} />` : null}
    ${revoking ? html`<${Confirm} title="Revoke key" danger action="Revoke" text=${`Key ${revoking.prefix}… stops working at once. This cannot be undone.`}
      onClose=${() => setRevoking(null)} onConfirm=${() => attempt(async () => { await api("/admin/keys/" + seg(revoking.id) + "/revoke", { method: "POST" }); keys.reload(); })} />` : null}
  </${Panel}>`;
}

export function ConsumerDetail({ arg }) {
  const name = arg;
  const consumer = useLoad(() => loadConsumer(name), [name]);
  const [group, setGroup] = useState(null);
  const [disabling, setDisabling] = useState(false);
  const [saved, setSaved] = useState("");
  const c = consumer.data;
  const operator = can("operator");
  const editable = operator && c && c.source !== "configuration" && !c.disabled;
  async function saveGroup(e) {
    e.preventDefault();
    setSaved("");
    if (await attempt(() => api("/admin/consumers/" + seg(name), { method: "PATCH", body: { group: (group ?? c.group ?? "").trim() || null } }))) { setSaved("Saved."); consumer.reload(); }
  }
  const actions = editable ? html`<button type="button" class="danger" id="disable-consumer" onClick=${() => setDisabling(true)}>Disable</button>` : null;
  return html`<${Page} title=${"Consumer " + name} actions=${actions}>
    <p><a href="#/consumers">← All consumers</a></p>
    ${!c ? (consumer.loading ? html`<p class="loading">Loading…</p>` : html`<${Empty}>This consumer could not be loaded.</${Empty}>`) : html`
      <div class="grid">
        <${Panel} title="Consumer">
          <dl class="facts">
            <dt>Name</dt><dd>${c.name}</dd>
            <dt>Roles</dt><dd>${(c.roles || []).join(", ") || "–"}</dd>
            <dt>Source</dt><dd>${c.source}</dd>
            <dt>Created</dt><dd>${when(c.created)}</dd>
            <dt>State</dt><dd>${c.disabled ? "disabled " + when(c.disabled) : "active"}</dd>
          </dl>
        </${Panel}>
        <${Panel} title="Group">
          <form id="group-form" onSubmit=${saveGroup}>
            <fieldset disabled=${!editable}>
              <${Input} label="Group" name="group" value=${group ?? c.group ?? ""} onInput=${setGroup} placeholder="(none)" />
              ${editable ? html`<div class="form-actions"><button type="submit" class="primary">Save group</button><span role="status" class="muted">${saved}</span></div>` : null}
            </fieldset>
          </form>
          ${c.group ? html`<p><a href=${"#/groups/" + seg(c.group)}>Open group ${c.group}</a></p>` : null}
        </${Panel}>
        ${c.policy !== undefined ? html`<${PolicyEditor} policy=${c.policy} sources=${c.sources} path=${"/admin/consumers/" + seg(name) + "/policy"} onSaved=${consumer.reload} />` : null}
        ${c.source === "configuration" ? html`<${Panel} title="Keys" wide><p class="muted">This consumer comes from the configuration file, which holds its key hashes; its keys are managed there.</p></${Panel}>` : html`<${Keys} name=${name} editable=${editable} />`}
      </div>`}
    ${disabling ? html`<${Confirm} title="Disable consumer" danger action="Disable" text=${`${name} and all its keys stop working at once.`}
      onClose=${() => setDisabling(false)} onConfirm=${() => attempt(async () => { await api("/admin/consumers/" + seg(name), { method: "DELETE" }); consumer.reload(); })} />` : null}
  </${Page}>`;
}
