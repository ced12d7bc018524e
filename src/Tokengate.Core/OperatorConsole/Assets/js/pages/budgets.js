// Budgets: each with its spend against the amount; create, edit and delete (money or tokens, daily or monthly).
import { html, useState } from "../lib.js";
import { api, can, seg } from "../api.js";
import { Page, Table, Dialog, Confirm, Input, Select, Meter, useLoad, attempt, usd, int } from "../ui.js";

const lower = (v) => String(v || "").toLowerCase();
const amountText = (b, v) => (lower(b.unit) === "tokens" ? int(v) + " tokens" : usd(v, Math.abs(v) >= 1 || !v ? 2 : 4));

function BudgetForm({ budget, onClose, onSaved }) {
  const b = budget || {};
  const [scope, setScope] = useState(lower(b.scope) || "consumer");
  const [name, setName] = useState(b.name || "");
  const [period, setPeriod] = useState(lower(b.period) || "monthly");
  const [unit, setUnit] = useState(lower(b.unit) || "usd");
  const [amount, setAmount] = useState(b.amount ?? "");
  const [alerts, setAlerts] = useState((b.alertPercents || [80, 100]).join(", "));
  const [action, setAction] = useState(lower(b.overBudget) || "block");
  const [throttle, setThrottle] = useState(b.throttleRequestsPerMinute ?? 1);
  async function submit(e) {
    e.preventDefault();
    const body = {
      amount: Number(amount), unit, overBudget: action,
      alertPercents: alerts.split(",").map((s) => s.trim()).filter(Boolean).map(Number),
      throttleRequestsPerMinute: Number(throttle) || 1,
    };
    if (await attempt(() => api(`/admin/budgets/${seg(scope)}/${seg(name.trim())}/${seg(period)}`, { method: "PUT", body }))) onSaved();
  }
  const editing = !!budget;
  return html`<${Dialog} title=${editing ? "Edit budget" : "New budget"} onClose=${onClose}>
    <form id="budget-form" onSubmit=${submit}>
      <div class="fields">
        <${Select} label="Applies to" name="scope" value=${scope} onChange=${setScope} options=${editing ? [scope] : ["consumer", "group"]} />
        <${Input} label="Name" name="name" required value=${name} onInput=${setName} readOnly=${editing} />
        <${Select} label="Period" name="period" value=${period} onChange=${setPeriod} options=${editing ? [period] : ["daily", "monthly"]} />
        <${Select} label="Unit" name="unit" value=${unit} onChange=${setUnit} options=${[{ value: "usd", label: "money (USD)" }, { value: "tokens", label: "tokens" }]} />
        <${Input} label="Amount" name="amount" type="number" min="0" step="any" required value=${amount} onInput=${setAmount} />
        <${Input} label="Alert at (percent, comma-separated)" name="alerts" value=${alerts} onInput=${setAlerts} />
        <${Select} label="When over budget" name="action" value=${action} onChange=${setAction} options=${[{ value: "block", label: "block (429)" }, { value: "throttle", label: "throttle" }]} />
        ${action === "throttle" ? html`<${Input} label="Throttle to requests per minute" name="throttle" type="number" min="1" value=${throttle} onInput=${setThrottle} />` : null}
      </div>
      <div class="form-actions"><button type="submit" class="primary">Save budget</button><button type="button" onClick=${onClose}>Cancel</button></div>
    </form>
  </${Dialog}>`;
}

export function Budgets() {
  const budgets = useLoad(() => api("/admin/budgets"), []);
  const [editing, setEditing] = useState(null);
  const [deleting, setDeleting] = useState(null);
  const operator = can("operator");
  const path = (b) => `/admin/budgets/${seg(lower(b.scope))}/${seg(b.name)}/${seg(lower(b.period))}`;
  const managed = (b) => !b.source || b.source === "managed";
  const actions = operator ? html`<button type="button" class="primary" id="new-budget" onClick=${() => setEditing({ budget: null })}>New budget</button>` : null;
  return html`<${Page} title="Budgets" actions=${actions}>
    ${budgets.data ? html`<${Table} rowKey=${(b) => path(b)} empty="No budgets" rows=${budgets.data.data || []} columns=${[
      { label: "Applies to", value: (b) => `${lower(b.scope)} ${b.name}` },
      { label: "Period", value: (b) => lower(b.period) },
      { label: "Spent", num: true, value: (b) => amountText(b, b.spent) },
      { label: "Budget", num: true, value: (b) => amountText(b, b.amount) },
      { label: "Used", value: (b) => html`<${Meter} percent=${b.percent} label=${`${b.name} ${lower(b.period)} budget used`} />` },
      { label: "Alerts at", value: (b) => (b.alertPercents || []).map((p) => p + "%").join(", ") || "–" },
      { label: "Over budget", value: (b) => (lower(b.overBudget) === "throttle" ? `throttle to ${b.throttleRequestsPerMinute}/min` : lower(b.overBudget)) },
      { label: "Source", value: (b) => b.source || "–" },
      { label: "Actions", value: (b) => (operator && managed(b) ? html`<span class="row-actions">
          <button type="button" onClick=${() => setEditing({ budget: b })} aria-label=${`Edit ${b.name} ${lower(b.period)} budget`}>Edit</button>
          <button type="button" class="danger" onClick=${() => setDeleting(b)} aria-label=${`Delete ${b.name} ${lower(b.period)} budget`}>Delete</button></span>` : "–") },
    ]} />` : budgets.loading ? html`<p class="loading">Loading…</p>` : null}
    ${editing ? html`<${BudgetForm} budget=${editing.budget} onClose=${() => setEditing(null)} onSaved=${() => { setEditing(null); budgets.reload(); }} />` : null}
    ${deleting ? html`<${Confirm} title="Delete budget" danger action="Delete" text=${`The ${lower(deleting.period)} budget of ${lower(deleting.scope)} ${deleting.name} is removed.`}
      onClose=${() => setDeleting(null)} onConfirm=${() => attempt(async () => { await api(path(deleting), { method: "DELETE" }); budgets.reload(); })} />` : null}
  </${Page}>`;
}
