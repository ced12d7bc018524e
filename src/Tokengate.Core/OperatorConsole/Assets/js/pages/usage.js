// Usage explorer: filters, spend or tokens over time (stacked by a dimension), the breakdown, top spenders, CSV.
import { html, useState, useEffect, useMemo } from "../lib.js";
import { api, query } from "../api.js";
import { Page, Panel, Table, Input, Select, attempt, usd, int, report } from "../ui.js";
import { ChartView, COLORS } from "../charts.js";

const DIMENSIONS = ["consumer", "group", "deployment", "model", "backend", "pool", "priority", "modality", "service_tier", "operation"];
const RANGES = [
  { value: "24h", label: "last 24 hours", hours: 24 },
  { value: "7d", label: "last 7 days", hours: 168 },
  { value: "30d", label: "last 30 days", hours: 720 },
  { value: "all", label: "all time", hours: null },
];
const FILTERS = ["consumer", "group", "deployment", "model", "priority", "modality"];
const MODALITIES = [{ value: "", label: "(any)" }, "text", "image", "audio", "embeddings"].map((m) => (typeof m === "string" ? { value: m, label: m } : m));

const cost = (r) => Number(r.cost ?? r.costUsd ?? 0);
const startOf = (r) => r.start ?? r.period;

function label(t, interval) {
  const s = String(t);
  return interval === "day" ? s.slice(0, 10) : s.replace("T", " ").slice(5, 16);
}

async function series(by, interval, filters) {
  try {
    return (await api("/admin/usage/series" + query({ ...filters, by, interval }))).data;
  } catch (e) {
    // Without the series endpoint, the usage report bucketed by hour or day gives the same rows.
    if (e.status !== 404 && e.status !== 405) throw e;
    return (await api("/admin/usage" + query({ ...filters, by, period: interval }))).data;
  }
}

async function topSpenders(filters) {
  const r = await api("/admin/usage" + query({ ...filters, by: "consumer", period: "total", order: "cost", limit: 10 }));
  return r.data.slice().sort((a, b) => cost(b) - cost(a)).slice(0, 10);
}

export function Usage() {
  const [draft, setDraft] = useState({ by: "consumer", range: "7d", metric: "cost", consumer: "", group: "", deployment: "", model: "", priority: "", modality: "" });
  const [applied, setApplied] = useState(draft);
  const [data, setData] = useState(null);

  const range = RANGES.find((r) => r.value === applied.range) || RANGES[1];
  const interval = range.hours && range.hours <= 168 ? "hour" : "day";
  const filters = useMemo(() => {
    const f = {};
    for (const k of FILTERS) if (applied[k]) f[k] = applied[k];
    if (range.hours) f.since = new Date(Date.now() - range.hours * 3600e3).toISOString();
    return f;
  }, [applied]);

  useEffect(() => {
    let alive = true;
    Promise.all([series(applied.by, interval, filters), api("/admin/usage" + query({ ...filters, by: applied.by, period: "total" })), topSpenders(filters)])
      .then(([rows, totals, top]) => { if (alive) setData({ rows, totals: totals.data, top }); }, report);
    return () => { alive = false; };
  }, [filters, applied.by]);

  const chart = useMemo(() => {
    if (!data) return null;
    const times = [...new Set(data.rows.map(startOf))].sort();
    const keys = [...new Set(data.rows.map((r) => r.key ?? "(none)"))].sort();
    const value = (r) => (applied.metric === "cost" ? cost(r) : Number(r.totalTokens || 0));
    return {
      labels: times.map((t) => label(t, interval)),
      series: keys.map((k, i) => ({ label: k, color: COLORS[i % COLORS.length], data: times.map((t) => data.rows.filter((r) => startOf(r) === t && (r.key ?? "(none)") === k).reduce((s, r) => s + value(r), 0)) })),
    };
  }, [data, applied.metric]);

  const set = (k) => (v) => setDraft({ ...draft, [k]: v });
  const csv = "/admin/usage" + query({ ...filters, by: applied.by, period: "total", format: "csv" });
  const csvSeries = "/admin/usage/series" + query({ ...filters, by: applied.by, interval, format: "csv" });

  return html`<${Page} title="Usage">
    <form class="filters" id="usage-filters" onSubmit=${(e) => { e.preventDefault(); report(null); setApplied(draft); }}>
      ${FILTERS.filter((k) => k !== "modality").map((k) => html`<${Input} label=${k === "priority" ? "Priority class" : k[0].toUpperCase() + k.slice(1)} name=${k} value=${draft[k]} onInput=${set(k)} placeholder="(any)" />`)}
      <${Select} label="Modality" name="modality" value=${draft.modality} onChange=${set("modality")} options=${MODALITIES} />
      <${Select} label="Period" name="range" value=${draft.range} onChange=${set("range")} options=${RANGES} />
      <${Select} label="Break down by" name="by" value=${draft.by} onChange=${set("by")} options=${DIMENSIONS} />
      <${Select} label="Show" name="metric" value=${draft.metric} onChange=${set("metric")} options=${[{ value: "cost", label: "spend (USD)" }, { value: "tokens", label: "tokens" }]} />
      <div class="form-actions"><button type="submit" class="primary">Apply</button></div>
    </form>
    ${!data ? html`<p class="loading">Loading…</p>` : html`<div class="grid">
      <${Panel} title=${(applied.metric === "cost" ? "Spend" : "Tokens") + " per " + interval + " by " + applied.by} wide>
        <${ChartView} id="chart-usage" kind="bar" stacked labels=${chart.labels} series=${chart.series} label=${`${applied.metric === "cost" ? "Spend in US dollars" : "Tokens"} per ${interval}, stacked by ${applied.by}`} />
      </${Panel}>
      <${Panel} title=${"Breakdown by " + applied.by} wide actions=${html`<span class="row-actions"><a class="button" id="usage-csv" href=${csv} download="usage.csv">Export CSV</a><a class="button" href=${csvSeries} download="usage-series.csv">Export series CSV</a></span>`}>
        <${Table} rowKey=${(r) => r.key} empty="No usage for these filters" rows=${data.totals.slice().sort((a, b) => cost(b) - cost(a))} caption=${"Usage by " + applied.by} columns=${[
          { label: applied.by, value: (r) => r.key ?? "(none)" },
          { label: "Requests", num: true, value: (r) => int(r.requests) },
          { label: "Prompt tokens", num: true, value: (r) => int(r.promptTokens) },
          { label: "Completion tokens", num: true, value: (r) => int(r.completionTokens) },
          { label: "Total tokens", num: true, value: (r) => int(r.totalTokens) },
          { label: "Cost", num: true, value: (r) => usd(cost(r)) },
        ]} />
      </${Panel}>
      <${Panel} title="Top spenders">
        <${Table} rowKey=${(r) => r.key} empty="No spend" rows=${data.top} caption="Consumers by cost" columns=${[
          { label: "Consumer", value: (r) => r.key },
          { label: "Requests", num: true, value: (r) => int(r.requests) },
          { label: "Cost", num: true, value: (r) => usd(cost(r)) },
        ]} />
      </${Panel}>
    </div>`}
  </${Page}>`;
}
