// Overview: capacity, utilization, throttling, latency and cost, refreshed every few seconds for live periods.
import { html, useState, useEffect, useMemo } from "../lib.js";
import { api, query } from "../api.js";
import { Page, Panel, Empty, Meter, num, usd, pct, report } from "../ui.js";
import { ChartView, timeLabel, COLORS } from "../charts.js";

const PERIODS = [
  { id: "15m", label: "15 min", minutes: 15 },
  { id: "1h", label: "1 hour", minutes: 60 },
  { id: "24h", label: "24 hours", hours: 24 },
  { id: "7d", label: "7 days", hours: 168 },
];
const REFRESH_MS = 5000;

const perMinute = (values, seconds) => values.map((v) => (v === null || v === undefined ? null : (v * 60) / seconds));

async function loadLive(minutes) {
  const [backends, consumers] = await Promise.all([api(`/admin/metrics/backends?minutes=${minutes}`), api(`/admin/metrics/consumers?minutes=${minutes}`)]);
  const labels = backends.times.map((t) => timeLabel(t, false));
  const tpm = [], rpm = [], throttle = [], latency = [];
  backends.backends.forEach((b, i) => {
    const color = COLORS[i % COLORS.length];
    const used = perMinute(b.series.tokens, backends.bucketSeconds);
    const limit = b.now.limitTokens;
    // A limit far above the traffic would flatten the traffic to the axis: then it is named, not drawn.
    const drawLimit = limit && limit <= 4 * Math.max(1, ...used.filter((v) => v !== null));
    tpm.push({ label: b.backend + (limit && !drawLimit ? ` (limit ${num(limit)}/min)` : ""), data: used, color });
    if (drawLimit) tpm.push({ label: b.backend + " limit", data: labels.map(() => limit), color, dashed: true });
    rpm.push({ label: b.backend, data: perMinute(b.series.requests, backends.bucketSeconds), color });
    throttle.push({ label: b.backend + " 429", data: perMinute(b.series.throttled, backends.bucketSeconds), color });
    throttle.push({ label: b.backend + " spillover", data: perMinute(b.series.spillovers, backends.bucketSeconds), color, dashed: true });
    latency.push({ label: b.backend + " latency", data: b.series.latencyMs, color });
    latency.push({ label: b.backend + " TTFT", data: b.series.ttftMs, color, dashed: true });
  });
  const top = consumers.consumers.slice(0, 10);
  return { labels, tpm, rpm, throttle, latency, live: true, top: top.map((c) => ({ name: c.consumer, tokens: c.tokens, cost: c.costUsd })) };
}

async function loadLedger(hours) {
  const since = new Date(Date.now() - hours * 3600e3).toISOString();
  const bucket = hours > 48 ? "day" : "hour";
  const [byBackend, byConsumer] = await Promise.all([
    api("/admin/usage" + query({ by: "backend", period: bucket, since })),
    api("/admin/usage" + query({ by: "consumer", period: "total", since })),
  ]);
  const periods = [...new Set(byBackend.data.map((r) => r.period))].sort();
  const names = [...new Set(byBackend.data.map((r) => r.key))].sort();
  const minutes = bucket === "day" ? 1440 : 60;
  const tpm = [], rpm = [];
  names.forEach((n, i) => {
    const rows = periods.map((p) => byBackend.data.find((r) => r.key === n && r.period === p));
    tpm.push({ label: n, data: rows.map((r) => (r ? r.totalTokens / minutes : 0)), color: COLORS[i % COLORS.length] });
    rpm.push({ label: n, data: rows.map((r) => (r ? r.requests / minutes : 0)), color: COLORS[i % COLORS.length] });
  });
  const top = byConsumer.data.slice().sort((a, b) => b.costUsd - a.costUsd || b.totalTokens - a.totalTokens).slice(0, 10);
  return { labels: periods, tpm, rpm, live: false, top: top.map((c) => ({ name: c.key, tokens: c.totalTokens, cost: c.costUsd })) };
}

export function Overview() {
  const [period, setPeriod] = useState(PERIODS[0]);
  const [charts, setCharts] = useState(null);
  const [health, setHealth] = useState(null);
  const [updated, setUpdated] = useState("");

  useEffect(() => {
    let alive = true;
    async function refresh() {
      try {
        const [now, budgets, alerts, c] = await Promise.all([
          api("/admin/metrics/backends?minutes=1"), api("/admin/metrics/budgets"), api("/admin/alerts"),
          period.minutes ? loadLive(period.minutes) : loadLedger(period.hours),
        ]);
        if (!alive) return;
        setCharts(c);
        setHealth({ backends: now.backends, queues: now.queues || [], budgets: budgets.budgets, alerts });
        setUpdated("Updated " + new Date().toLocaleTimeString());
      } catch (e) {
        if (alive) report(e);
      }
    }
    refresh();
    const timer = period.minutes ? setInterval(refresh, REFRESH_MS) : null;
    return () => { alive = false; if (timer) clearInterval(timer); };
  }, [period]);

  const topSeries = useMemo(() => (charts ? [{ label: "tokens", data: charts.top.map((t) => t.tokens), color: COLORS[0] }] : []), [charts]);
  const costSeries = useMemo(() => (charts ? [{ label: "cost (USD)", data: charts.top.map((t) => t.cost), color: COLORS[1] }] : []), [charts]);

  const periodButtons = html`<div class="segmented" role="group" aria-label="Period">
    ${PERIODS.map((p) => html`<button type="button" aria-pressed=${p.id === period.id ? "true" : "false"} onClick=${() => setPeriod(p)}>${p.label}</button>`)}
  </div><span class="muted" id="overview-updated">${updated}</span>`;

  return html`<${Page} title="Overview" actions=${periodButtons}>
    ${!charts || !health ? html`<p class="loading">Loading…</p>` : html`<div class="grid">
      <${Panel} title="Tokens per minute by backend" wide><${ChartView} id="chart-tpm" kind="line" labels=${charts.labels} series=${charts.tpm} label="Tokens per minute by backend, with each backend's reported limit dashed" /></${Panel}>
      <${Panel} title="Requests per minute by backend"><${ChartView} id="chart-rpm" kind="line" labels=${charts.labels} series=${charts.rpm} label="Requests per minute by backend" /></${Panel}>
      <${Panel} title="Utilization and remaining quota">
        ${health.backends.length === 0 ? html`<${Empty}>No backends</${Empty}>` : html`<ul class="bars" id="utilization">${health.backends.map((b) => html`<li>
          <span class="name">${b.backend}</span><${Meter} percent=${b.now.utilizationPercent} label=${"Utilization of " + b.backend} />
          <span class="muted">${b.now.remainingTokens === null || b.now.remainingTokens === undefined ? "" : num(b.now.remainingTokens) + " tokens left"}${b.now.circuit && b.now.circuit !== "closed" ? " · circuit " + b.now.circuit : ""}</span></li>`)}</ul>`}
      </${Panel}>
      ${charts.live ? html`
        <${Panel} title="429s and spillovers per minute"><${ChartView} id="chart-throttle" kind="line" labels=${charts.labels} series=${charts.throttle} label="Throttled requests and spillovers per minute by backend" /></${Panel}>
        <${Panel} title="Latency and time to first token (ms)"><${ChartView} id="chart-latency" kind="line" labels=${charts.labels} series=${charts.latency} label="Latency and time to first token in milliseconds" /></${Panel}>`
      : html`<${Panel} title="Throttling and latency"><${Empty}>Kept for the last hour only (use /metrics with Prometheus for history).</${Empty}></${Panel}>`}
      <${Panel} title="Wait queue">
        ${health.queues.length === 0 ? html`<${Empty}>No requests waiting</${Empty}>` : html`<ul class="bars">${health.queues.map((q) => html`<li><span class="name">${q.pool} · ${q.priority}</span><span>${q.depth} waiting</span></li>`)}</ul>`}
      </${Panel}>
      <${Panel} title="Top consumers by tokens"><${ChartView} id="chart-consumers" kind="bar" horizontal labels=${charts.top.map((t) => t.name)} series=${topSeries} label="Tokens by consumer" /></${Panel}>
      <${Panel} title="Cost by consumer (USD)"><${ChartView} id="chart-cost" kind="bar" horizontal labels=${charts.top.map((t) => t.name)} series=${costSeries} label="Cost in US dollars by consumer" />
        <p class="muted">Total ${usd(charts.top.reduce((s, t) => s + (t.cost || 0), 0))} for the consumers shown.</p></${Panel}>
      <${Panel} title="Budgets consumed">
        ${health.budgets.length === 0 ? html`<${Empty}>No budgets configured</${Empty}>` : html`<ul class="bars" id="budgets">${health.budgets.map((b) => html`<li><span class="name">${b.label}</span><${Meter} percent=${b.consumedPercent} label=${b.label} /></li>`)}</ul>`}
      </${Panel}>
      <${Panel} title="Capacity alerts" wide>
        <ul class="alerts" id="alerts">
          ${health.alerts.active.map((a) => html`<li class="firing">FIRING ${a.rule} on ${a.target}: ${num(a.value)} (since ${new Date(a.since).toLocaleTimeString()})</li>`)}
          ${health.alerts.recent.slice(0, 8).map((e) => html`<li class=${e.state}>${new Date(e.at).toLocaleTimeString()} ${e.rule} on ${e.target} ${e.state} at ${num(e.value)} (threshold ${e.threshold})</li>`)}
          ${health.alerts.active.length + health.alerts.recent.length === 0 ? html`<li class="cleared">No capacity alerts</li>` : null}
        </ul>
      </${Panel}>
    </div>`}
  </${Page}>`;
}
