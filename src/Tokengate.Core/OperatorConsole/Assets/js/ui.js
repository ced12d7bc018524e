// Small shared pieces: formatting, the error alert region, loading data, tables, dialogs, the shown-once key.
import { html, useState, useEffect, useRef, useCallback } from "./lib.js";

// ---- formatting (every value ends up as text; nothing is parsed as markup) ----
export function num(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return "–";
  const v = Number(n), a = Math.abs(v);
  if (a >= 1e6) return (v / 1e6).toFixed(1) + "M";
  if (a >= 1e4) return (v / 1e3).toFixed(1) + "k";
  return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(1);
}
export const int = (v) => (v === null || v === undefined ? "–" : Math.round(Number(v)).toLocaleString("en-US"));
export function usd(v, digits) {
  if (v === null || v === undefined) return "–";
  // A tiny amount (a test budget, one cheap request) keeps two significant digits rather than rounding to $0.00.
  if (Number(v) !== 0 && Math.abs(v) < 0.0001) return "$" + Number(v).toPrecision(2);
  const d = digits === undefined ? (Math.abs(v) < 1 ? 4 : 2) : digits;
  return "$" + Number(v).toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}
export const pct = (v) => (v === null || v === undefined ? "–" : Number(v).toFixed(1) + "%");
export function when(t) {
  if (!t) return "–";
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toISOString().slice(0, 19).replace("T", " ") + " UTC";
}
export const lines = (text) => String(text || "").split(/[\n,]/).map((s) => s.trim()).filter(Boolean);

// ---- the alert region: one per page, role="alert", shows the API's message ----
let alertSink = null;
export function setAlertSink(sink) {
  alertSink = sink;
}
export function report(error) {
  if (!alertSink) return;
  if (!error) { alertSink(null); return; }
  const message = error.message || String(error);
  alertSink(error.status ? `${message} (${error.status}${error.code ? " " + error.code : ""})` : message);
}

/** Loads with fn() when deps change; reload() runs it again. Errors go to the alert region. */
export function useLoad(fn, deps) {
  const [state, setState] = useState({ data: null, loading: true, error: null });
  const run = useCallback(async () => {
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await fn();
      setState({ data, loading: false, error: null });
    } catch (error) {
      report(error);
      setState({ data: null, loading: false, error });
    }
  }, deps);
  useEffect(() => { run(); }, [run]);
  return { ...state, reload: run };
}

/** Runs an action, reporting its error; returns true when it succeeded. */
export async function attempt(fn) {
  try {
    report(null);
    await fn();
    return true;
  } catch (error) {
    report(error);
    return false;
  }
}

// ---- building blocks ----
export function Page({ title, actions, children }) {
  return html`<section class="page">
    <div class="page-head"><h1 id="page-title" tabindex="-1">${title}</h1>${actions ? html`<div class="actions">${actions}</div>` : null}</div>
    ${children}
  </section>`;
}

export function Panel({ title, wide, children, actions }) {
  return html`<section class=${"panel" + (wide ? " wide" : "")}>
    <div class="panel-head"><h2>${title}</h2>${actions || null}</div>
    ${children}
  </section>`;
}

export function Empty({ children }) {
  return html`<p class="empty">${children}</p>`;
}

/** columns: [{ label, value: row => text or vnode, num: bool }]. */
export function Table({ columns, rows, empty, caption, rowKey }) {
  if (!rows || rows.length === 0) return html`<${Empty}>${empty || "Nothing to show"}</${Empty}>`;
  return html`<div class="table-wrap"><table>
    ${caption ? html`<caption>${caption}</caption>` : null}
    <thead><tr>${columns.map((c) => html`<th scope="col" class=${c.num ? "num" : ""}>${c.label}</th>`)}</tr></thead>
    <tbody>${rows.map((r, i) => html`<tr key=${rowKey ? rowKey(r) : i}>${columns.map((c) => html`<td class=${c.num ? "num" : ""}>${c.value(r)}</td>`)}</tr>`)}</tbody>
  </table></div>`;
}

/** A spend or usage bar: a meter, coloured by how close it is to 100%. */
export function Meter({ percent, label }) {
  const p = Math.max(0, Math.min(100, Number(percent) || 0));
  return html`<span class="meter"><meter min="0" max="100" low="75" high="90" optimum="0" value=${p} aria-label=${label}></meter><span class="meter-text">${pct(percent)}</span></span>`;
}

/** A modal dialog (the native element: focus is trapped, Escape closes it). */
export function Dialog({ title, onClose, children }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => { if (d && d.open) d.close(); };
  }, []);
  return html`<dialog ref=${ref} aria-labelledby="dialog-title" onCancel=${(e) => { e.preventDefault(); onClose(); }}>
    <div class="dialog-head"><h2 id="dialog-title">${title}</h2><button type="button" class="ghost" onClick=${onClose} aria-label="Close">×</button></div>
    ${children}
  </dialog>`;
}

/** Asks before something that cannot be undone. */
export function Confirm({ title, text, action, danger, onConfirm, onClose }) {
  const [busy, setBusy] = useState(false);
  return html`<${Dialog} title=${title} onClose=${onClose}>
    <p>${text}</p>
    <div class="form-actions">
      <button type="button" class=${danger ? "danger" : "primary"} disabled=${busy} onClick=${async () => { setBusy(true); const ok = await onConfirm(); setBusy(false); if (ok !== false) onClose(); }}>${action}</button>
      <button type="button" onClick=${onClose}>Cancel</button>
    </div>
  </${Dialog}>`;
}

/** A new key, shown once: it lives only in this dialog's props and is gone when the dialog closes. */
export function KeyOnce({ issued, onClose }) {
  const [copied, setCopied] = useState("");
  const input = useRef(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(issued.key);
      setCopied("Copied to the clipboard.");
    } catch {
      input.current.select();
      setCopied("The clipboard is not available here: the key is selected, copy it with Ctrl+C.");
    }
  }
  return html`<${Dialog} title="New key" onClose=${onClose}>
    <p>This is the only time the key is shown. Copy it now and keep it somewhere safe.</p>
    <label class="field wide">Key for ${issued.consumer}
      <input ref=${input} id="new-key" class="mono" readonly value=${issued.key} />
    </label>
    <p class="muted">Id ${issued.id} · prefix ${issued.prefix} · expires ${issued.expires ? when(issued.expires) : "never"}</p>
    <div class="form-actions">
      <button type="button" class="primary" onClick=${copy}>Copy</button>
      <button type="button" onClick=${onClose}>Done</button>
      <span role="status" class="muted">${copied}</span>
    </div>
  </${Dialog}>`;
}

export function Select({ label, value, options, onChange, name }) {
  return html`<label class="field">${label}
    <select name=${name} value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
      ${options.map((o) => (typeof o === "string" ? html`<option value=${o}>${o || "(any)"}</option>` : html`<option value=${o.value}>${o.label}</option>`))}
    </select>
  </label>`;
}

export function Input({ label, value, onInput, type, name, placeholder, required, wide, min, step, readOnly, list }) {
  return html`<label class=${"field" + (wide ? " wide" : "")}>${label}
    <input name=${name} type=${type || "text"} value=${value ?? ""} placeholder=${placeholder} required=${required} min=${min} step=${step} readOnly=${readOnly} list=${list}
      onInput=${(e) => onInput(e.currentTarget.value)} />
  </label>`;
}

export function TextArea({ label, value, onInput, name, readOnly, hint }) {
  return html`<label class="field wide">${label}${hint ? html` <span class="muted">${hint}</span>` : null}
    <textarea name=${name} rows="3" value=${value ?? ""} readOnly=${readOnly} onInput=${(e) => onInput(e.currentTarget.value)}></textarea>
  </label>`;
}
