// Tokengate dashboard: every figure comes from the admin API with the reader key kept in sessionStorage.
"use strict";
(function () {
  const KEY = "tokengate.dashboard.key";
  const COLORS = ["#4a6cf7", "#e8590c", "#2b8a3e", "#ae3ec9", "#0b7285", "#c92a2a", "#5c940d", "#d6336c"];
  const SVG = "http://www.w3.org/2000/svg";
  let period = { minutes: 15 };
  let timer = null;
  let view = "board";
  let adviceLoaded = false;

  const $ = (id) => document.getElementById(id);

  async function api(path) {
    const response = await fetch(path, { headers: { "api-key": sessionStorage.getItem(KEY) || "" }, cache: "no-store" });
    if (response.status === 401 || response.status === 403) throw Object.assign(new Error("The key was refused (it needs the reader role)."), { auth: true });
    if (!response.ok) throw new Error(path + " answered " + response.status);
    return response.json();
  }

  function el(tag, attrs, parent) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  function fmt(n) {
    if (n === null || n === undefined || Number.isNaN(n)) return "–";
    const a = Math.abs(n);
    if (a >= 1e6) return (n / 1e6).toFixed(1) + "M";
    if (a >= 1e3) return (n / 1e3).toFixed(1) + "k";
    return a >= 10 || a === 0 ? Math.round(n).toString() : n.toFixed(1);
  }

  function timeLabel(t, long) {
    const d = new Date(t);
    return long ? (d.getMonth() + 1) + "/" + d.getDate() + " " + String(d.getHours()).padStart(2, "0") + "h"
      : String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  // A line chart: series = [{ name, values (null = gap), color, dashed }], times = ISO strings.
  function lineChart(container, times, series, long) {
    container.replaceChildren();
    const drawn = series.filter((s) => s.values.some((v) => v !== null && v !== undefined));
    if (drawn.length === 0 || times.length === 0) {
      const p = document.createElement("div");
      p.className = "empty";
      p.textContent = "No data in this period";
      container.appendChild(p);
      return;
    }
    // Drawn at the container's own pixel width, so text is never stretched or shrunk.
    const W = Math.max(300, Math.round(container.clientWidth)), H = 190, L = 44, R = 14, T = 8, B = 22;
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img" }, container);
    let max = 0;
    for (const s of drawn) for (const v of s.values) if (v !== null && v !== undefined) max = Math.max(max, v);
    max = max <= 0 ? 1 : max * 1.1;
    const x = (i) => L + (times.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (times.length - 1));
    const y = (v) => T + (H - T - B) * (1 - v / max);
    for (let g = 0; g <= 4; g++) {
      const v = (max * g) / 4;
      el("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "axis" }, svg);
      el("text", { x: L - 4, y: y(v) + 3, "text-anchor": "end" }, svg).textContent = fmt(v);
    }
    const ticks = Math.min(6, times.length);
    for (let k = 0; k < ticks; k++) {
      const i = Math.round((k * (times.length - 1)) / Math.max(1, ticks - 1));
      const anchor = k === 0 ? "start" : k === ticks - 1 ? "end" : "middle";
      el("text", { x: x(i), y: H - 6, "text-anchor": anchor }, svg).textContent = timeLabel(times[i], long);
    }
    for (const s of drawn) {
      let d = "", pen = false;
      s.values.forEach((v, i) => {
        if (v === null || v === undefined) { pen = false; return; }
        d += (pen ? "L" : "M") + x(i).toFixed(1) + "," + y(v).toFixed(1);
        pen = true;
      });
      if (d.indexOf("L") < 0) {
        const i = s.values.findIndex((v) => v !== null && v !== undefined);
        el("circle", { cx: x(i), cy: y(s.values[i]), r: 3, fill: s.color, class: "series" }, svg);
      } else {
        el("path", { d, stroke: s.color, class: s.dashed ? "limit" : "series" }, svg);
      }
    }
    legend(container, drawn);
  }

  function legend(container, series) {
    const box = document.createElement("div");
    box.className = "legend";
    for (const s of series) {
      const item = document.createElement("span");
      const swatch = document.createElement("i");
      // A dashed series shares its backend's colour; its swatch is a dashed stroke so the two stay apart.
      if (s.dashed) {
        swatch.style.background = "transparent";
        swatch.style.borderTop = "2px dashed " + s.color;
        swatch.style.height = "0";
        swatch.style.alignSelf = "center";
      } else {
        swatch.style.background = s.color;
      }
      item.append(swatch, s.name);
      box.appendChild(item);
    }
    container.appendChild(box);
  }

  function hbarChart(container, rows) {
    container.replaceChildren();
    if (rows.length === 0) {
      const p = document.createElement("div");
      p.className = "empty";
      p.textContent = "No consumer traffic in this period";
      container.appendChild(p);
      return;
    }
    const W = Math.max(300, Math.round(container.clientWidth)), rowH = 24, H = rows.length * rowH + 6, L = 110, R = 150;
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img" }, container);
    svg.style.height = H + "px";
    const max = Math.max(1, ...rows.map((r) => r.value));
    rows.forEach((r, i) => {
      const yy = 3 + i * rowH;
      el("text", { x: L - 6, y: yy + 14, "text-anchor": "end" }, svg).textContent = r.name;
      el("rect", { x: L, y: yy + 3, height: rowH - 8, width: Math.max(2, ((W - L - R) * r.value) / max), fill: COLORS[i % COLORS.length], class: "bar" }, svg);
      el("text", { x: W - R + 6, y: yy + 14 }, svg).textContent = r.label;
    });
  }

  function bars(container, rows, emptyText) {
    container.replaceChildren();
    if (rows.length === 0) {
      const p = document.createElement("div");
      p.className = "empty";
      p.textContent = emptyText;
      container.appendChild(p);
      return;
    }
    for (const r of rows) {
      const row = document.createElement("div");
      row.className = "row";
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = r.name;
      name.title = r.name;
      const track = document.createElement("div");
      track.className = "track";
      const fill = document.createElement("div");
      const pct = Math.max(0, Math.min(100, r.percent || 0));
      fill.className = "fill" + (pct >= 90 ? " bad" : pct >= 75 ? " warn" : "");
      fill.style.width = pct + "%";
      track.appendChild(fill);
      const label = document.createElement("span");
      label.textContent = r.label;
      row.append(name, track, label);
      container.appendChild(row);
    }
  }

  const perMinute = (values, bucketSeconds) => values.map((v) => (v === null ? null : (v * 60) / bucketSeconds));

  function renderLive(backends, consumers) {
    const times = backends.times;
    const b = backends.backends;
    const tpm = [], rpm = [], throttle = [], latency = [];
    b.forEach((s, i) => {
      const color = COLORS[i % COLORS.length];
      const used = perMinute(s.series.tokens, backends.bucketSeconds);
      const peak = Math.max(0, ...used);
      const limit = s.now.limitTokens;
      // A limit far above the traffic would flatten the traffic to the axis: then it is named, not drawn.
      const drawLimit = limit && limit <= 4 * Math.max(peak, 1);
      tpm.push({ name: s.backend + (limit && !drawLimit ? " (limit " + fmt(limit) + "/min)" : ""), values: used, color });
      if (drawLimit) tpm.push({ name: s.backend + " limit", values: times.map(() => limit), color, dashed: true });
      rpm.push({ name: s.backend, values: perMinute(s.series.requests, backends.bucketSeconds), color });
      throttle.push({ name: s.backend + " 429", values: perMinute(s.series.throttled, backends.bucketSeconds), color });
      throttle.push({ name: s.backend + " spillover", values: perMinute(s.series.spillovers, backends.bucketSeconds), color, dashed: true });
      latency.push({ name: s.backend + " latency", values: s.series.latencyMs, color });
      latency.push({ name: s.backend + " TTFT", values: s.series.ttftMs, color, dashed: true });
    });
    lineChart($("chart-tpm"), times, tpm, false);
    lineChart($("chart-rpm"), times, rpm, false);
    lineChart($("chart-throttle"), times, throttle, false);
    lineChart($("chart-latency"), times, latency, false);
    hbarChart($("chart-consumers"), consumers.consumers.map((c) => ({ name: c.consumer, value: c.tokens, label: fmt(c.tokens) + " tok · $" + Number(c.costUsd).toFixed(4) })));
  }

  async function renderLedger(hours) {
    const since = new Date(Date.now() - hours * 3600e3).toISOString();
    const bucket = hours > 48 ? "day" : "hour";
    const [byBackend, byConsumer] = await Promise.all([
      api(`/admin/usage?by=backend&period=${bucket}&since=${encodeURIComponent(since)}`),
      api(`/admin/usage?by=consumer&period=total&since=${encodeURIComponent(since)}`),
    ]);
    const periods = [...new Set(byBackend.data.map((r) => r.period))].sort();
    const names = [...new Set(byBackend.data.map((r) => r.key))].sort();
    const minutes = bucket === "day" ? 1440 : 60;
    const tpm = [], rpm = [];
    names.forEach((n, i) => {
      const rows = periods.map((p) => byBackend.data.find((r) => r.key === n && r.period === p));
      tpm.push({ name: n, values: rows.map((r) => (r ? r.totalTokens / minutes : 0)), color: COLORS[i % COLORS.length] });
      rpm.push({ name: n, values: rows.map((r) => (r ? r.requests / minutes : 0)), color: COLORS[i % COLORS.length] });
    });
    const times = periods.map((p) => (p.length <= 10 ? p + "T00:00:00Z" : p.replace(" ", "T") + (p.length <= 13 ? ":00:00Z" : "")));
    lineChart($("chart-tpm"), times, tpm, true);
    lineChart($("chart-rpm"), times, rpm, true);
    for (const id of ["chart-throttle", "chart-latency"]) {
      const c = $(id);
      c.replaceChildren();
      const p = document.createElement("div");
      p.className = "empty";
      p.textContent = "Kept for the last hour only (use /metrics with Prometheus for history)";
      c.appendChild(p);
    }
    const top = byConsumer.data.slice().sort((a, c) => c.totalTokens - a.totalTokens).slice(0, 10);
    hbarChart($("chart-consumers"), top.map((c) => ({ name: c.key, value: c.totalTokens, label: fmt(c.totalTokens) + " tok · $" + Number(c.costUsd).toFixed(4) })));
  }

  async function refresh() {
    if (view !== "board") return;
    try {
      const [pools, budgets, alerts] = await Promise.all([api("/admin/metrics/backends?minutes=1"), api("/admin/metrics/budgets"), api("/admin/alerts")]);
      if (period.minutes) {
        const [backends, consumers] = await Promise.all([api(`/admin/metrics/backends?minutes=${period.minutes}`), api(`/admin/metrics/consumers?minutes=${period.minutes}`)]);
        renderLive(backends, consumers);
      } else {
        await renderLedger(period.hours);
      }
      bars($("utilization"), pools.backends.map((b) => ({
        name: b.backend,
        percent: b.now.utilizationPercent,
        label: (b.now.utilizationPercent === null ? "–" : b.now.utilizationPercent.toFixed(1) + "%") +
          (b.now.remainingTokens === null ? "" : " · " + fmt(b.now.remainingTokens) + " left") + (b.now.circuit !== "closed" ? " · " + b.now.circuit : ""),
      })), "No backends");
      const queues = pools.queues || [];
      const deepest = Math.max(1, ...queues.map((q) => q.depth));
      bars($("queue"), queues.map((q) => ({ name: q.pool + " · " + q.priority, percent: (100 * q.depth) / deepest, label: q.depth + " waiting" })), "No requests waiting");
      bars($("budgets"), budgets.budgets.map((b) => ({ name: b.label, percent: b.consumedPercent, label: b.consumedPercent.toFixed(1) + "%" })), "No budgets configured");
      renderAlerts(alerts);
      $("status").textContent = "updated " + new Date().toLocaleTimeString();
    } catch (error) {
      if (error.auth) { signOut(error.message); return; }
      $("status").textContent = error.message;
    }
  }

  function renderAlerts(alerts) {
    const list = $("alerts");
    list.replaceChildren();
    const items = alerts.active.map((a) => ({ cls: "firing", text: `FIRING ${a.rule} on ${a.target}: ${fmt(a.value)} (since ${new Date(a.since).toLocaleTimeString()})` }))
      .concat(alerts.recent.slice(0, 8).map((e) => ({ cls: e.state, text: `${new Date(e.at).toLocaleTimeString()} ${e.rule} on ${e.target} ${e.state} at ${fmt(e.value)} (threshold ${e.threshold})` })));
    if (items.length === 0) items.push({ cls: "cleared", text: "No capacity alerts" });
    for (const i of items) {
      const li = document.createElement("li");
      li.className = i.cls;
      li.textContent = i.text;
      list.appendChild(li);
    }
  }

  // Advice: GET /admin/advice (the last 30 days), loaded when the view is opened; every value goes in as textContent.
  const usd = (v) => "$" + Number(v).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const pct = (v) => (v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%");
  const int = (v) => Math.round(Number(v)).toLocaleString("en-US");
  const BILLING = { hourly: "hourly", monthlyReservation: "monthly reservation", yearlyReservation: "yearly reservation" };

  function emptyNote(container, text) {
    const p = document.createElement("div");
    p.className = "empty";
    p.textContent = text;
    container.appendChild(p);
  }

  // headers: [{ name, text }]; rows: arrays of strings or { text, cls }; columns flagged text are left-aligned.
  function table(container, headers, rows) {
    const t = document.createElement("table");
    t.className = "advice-table";
    const head = t.createTHead().insertRow();
    for (const h of headers) {
      const th = document.createElement("th");
      th.textContent = h.name;
      if (h.text) th.className = "text";
      head.appendChild(th);
    }
    const body = t.createTBody();
    for (const r of rows) {
      const tr = body.insertRow();
      r.forEach((cell, i) => {
        const td = tr.insertCell();
        const c = typeof cell === "object" && cell !== null ? cell : { text: cell };
        td.textContent = c.text === null || c.text === undefined ? "–" : String(c.text);
        td.className = [headers[i].text ? "text" : "", c.cls || ""].join(" ").trim();
      });
    }
    container.appendChild(t);
  }

  function reasons(container, items) {
    if (items.length === 0) return;
    const ul = document.createElement("ul");
    ul.className = "advice-reasons";
    for (const i of items) {
      const li = document.createElement("li");
      const b = document.createElement("b");
      b.textContent = i.name + ": ";
      li.append(b, i.text);
      ul.appendChild(li);
    }
    container.appendChild(ul);
  }

  function renderAdvice(r) {
    $("advice-period").textContent = "(" + new Date(r.since).toISOString().slice(0, 16).replace("T", " ") + " to " +
      new Date(r.until).toISOString().slice(0, 16).replace("T", " ") + " UTC, " + int(r.minutes) + " minutes)";

    const ptu = $("advice-ptu");
    ptu.replaceChildren();
    if (r.deployments.length === 0) emptyNote(ptu, "No deployment traffic in the ledger for this period");
    else {
      const p = r.deployments[0].percentile;
      table(ptu, [
        { name: "deployment", text: true }, { name: "model", text: true }, { name: "p" + p + " tokens/min" }, { name: "PTUs" },
        { name: "utilization" }, { name: "PAYG/month" }, { name: "PTU hourly" }, { name: "PTU monthly" }, { name: "PTU yearly" },
        { name: "spillover" }, { name: "break-even" }, { name: "recommendation", text: true },
      ], r.deployments.map((a) => {
        const best = a.options.find((o) => o.billing === a.bestBilling) || a.options[0];
        const option = (i) => (a.options[i] ? usd(a.options[i].ptuMonthlyUsd) : "–");
        const ptuAdvice = a.recommendation === "ptu";
        return [a.deployment, a.model, int(a.percentileMinuteTokens), int(a.requiredPtus), pct(a.averageUtilization), usd(a.paygMonthlyUsd),
          option(0), option(1), option(2), a.options[0] ? usd(a.options[0].spilloverMonthlyUsd) : "–", pct(best ? best.breakEvenUtilization : null),
          { text: ptuAdvice ? "PTU " + a.requiredPtus + " (" + (BILLING[a.bestBilling] || a.bestBilling) + ")" : "stay PAYG", cls: ptuAdvice ? "ptu" : "" }];
      }));
      reasons(ptu, r.deployments.map((a) => ({ name: a.deployment, text: a.reason })));
    }

    const idle = $("advice-underuse");
    idle.replaceChildren();
    if (r.provisioned.length === 0) emptyNote(idle, "No provisioned backend with known PTUs");
    else {
      table(idle, [
        { name: "backend", text: true }, { name: "model", text: true }, { name: "PTUs" }, { name: "utilization" }, { name: "idle tokens" },
        { name: "PTU/month" }, { name: "idle/month" }, { name: "idle hours (UTC)", text: true },
      ], r.provisioned.map((u) => [u.backend, u.model, int(u.ptus), pct(u.utilization), int(u.idleTokens), usd(u.ptuMonthlyUsd), usd(u.idleMonthlyUsd),
        u.idleHours.length === 0 ? "–" : u.idleHours.map((h) => String(h).padStart(2, "0")).join(",")]));
      reasons(idle, r.provisioned.map((u) => ({ name: u.backend, text: u.suggestion })));
    }

    const models = $("advice-models");
    models.replaceChildren();
    if (r.models.length === 0) emptyNote(models, "No cheaper model of the same family saves enough.");
    else {
      table(models, [
        { name: "consumer", text: true }, { name: "deployment", text: true }, { name: "model", text: true }, { name: "requests" },
        { name: "mean prompt" }, { name: "mean completion" }, { name: "month" }, { name: "cheaper model", text: true },
        { name: "cheaper month" }, { name: "saving" }, { name: "similar on", text: true },
      ], r.models.map((m) => [m.consumer, m.deployment, m.model, int(m.requests), int(m.meanPromptTokens), int(m.meanCompletionTokens),
        usd(m.monthlyUsd), m.cheaperModel, usd(m.cheaperMonthlyUsd), usd(m.savingMonthlyUsd), m.similarDeployment || "–"]));
      reasons(models, r.models.map((m) => ({ name: m.consumer + " on " + m.deployment, text: m.advice })));
    }

    const caching = $("advice-caching");
    caching.replaceChildren();
    if (r.caching.length === 0) emptyNote(caching, "No consumer and deployment with enough requests.");
    else {
      table(caching, [
        { name: "consumer", text: true }, { name: "deployment", text: true }, { name: "model", text: true }, { name: "requests" },
        { name: "mean prompt" }, { name: "hit rate" }, { name: "at stake/month" }, { name: "low" },
      ], r.caching.map((c) => [c.consumer, c.deployment, c.model, int(c.requests), int(c.meanPromptTokens), pct(c.hitRate), usd(c.atStakeMonthlyUsd), c.low ? "yes" : "–"]));
      reasons(caching, r.caching.filter((c) => c.low).map((c) => ({ name: c.consumer + " on " + c.deployment, text: c.advice })));
    }

    const notes = $("advice-notes");
    notes.replaceChildren();
    const items = r.notes.length === 0 ? ["No notes"] : r.notes;
    for (const n of items) {
      const li = document.createElement("li");
      li.textContent = n;
      notes.appendChild(li);
    }
  }

  async function loadAdvice() {
    $("status").textContent = "loading advice…";
    try {
      renderAdvice(await api("/admin/advice"));
      adviceLoaded = true;
      $("status").textContent = "advice updated " + new Date().toLocaleTimeString();
    } catch (error) {
      if (error.auth) { signOut(error.message); return; }
      $("status").textContent = error.message;
    }
  }

  function show(next) {
    view = next;
    document.querySelectorAll("#views button").forEach((b) => b.classList.toggle("active", b.dataset.view === view));
    $("board").hidden = view !== "board";
    $("advice").hidden = view !== "advice";
    $("periods").hidden = view !== "board";
    if (view === "advice") { if (!adviceLoaded) loadAdvice(); } else refresh();
  }

  function schedule() {
    if (timer) clearInterval(timer);
    timer = period.minutes ? setInterval(refresh, 10000) : null;
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    if (timer) clearInterval(timer);
    $("board").hidden = true;
    $("advice").hidden = true;
    adviceLoaded = false;
    $("signout").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message || "";
  }

  async function connect() {
    $("login").hidden = true;
    $("signout").hidden = false;
    show(view);
    schedule();
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("login").addEventListener("submit", (e) => {
      e.preventDefault();
      sessionStorage.setItem(KEY, $("key").value.trim());
      $("key").value = "";
      connect();
    });
    $("signout").addEventListener("click", () => signOut(""));
    $("advice-reload").addEventListener("click", loadAdvice);
    for (const button of document.querySelectorAll("#views button")) button.addEventListener("click", () => show(button.dataset.view));
    for (const button of document.querySelectorAll("#periods button")) {
      button.addEventListener("click", () => {
        document.querySelectorAll("#periods button").forEach((b) => b.classList.toggle("active", b === button));
        period = button.dataset.minutes ? { minutes: Number(button.dataset.minutes) } : { hours: Number(button.dataset.hours) };
        refresh();
        schedule();
      });
    }
    if (sessionStorage.getItem(KEY)) connect(); else signOut("");
  });
})();
