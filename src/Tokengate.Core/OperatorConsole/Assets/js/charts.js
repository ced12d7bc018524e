// Chart.js (the vendored UMD build, window.Chart) behind one Preact component. Chart.js sizes its canvas through
// the CSSOM, which the page's style-src 'self' allows; nothing here writes a style attribute.
import { html, useEffect, useRef } from "./lib.js";

export const COLORS = ["#3b5bdb", "#d9480f", "#2b8a3e", "#9c36b5", "#0b7285", "#c92a2a", "#5c940d", "#a61e4d", "#495057", "#e67700"];

const Chart = () => window.Chart;

function baseOptions(kind, stacked, horizontal) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    indexAxis: horizontal ? "y" : "x",
    interaction: { mode: "index", intersect: false },
    plugins: { legend: { position: "bottom", labels: { boxWidth: 12, color: "#1f2933" } }, tooltip: { enabled: true } },
    scales: {
      x: { stacked, ticks: { color: "#3e4c59", maxRotation: 0, autoSkip: true, maxTicksLimit: 8 }, grid: { color: "#e4e7eb" } },
      y: { stacked, beginAtZero: true, ticks: { color: "#3e4c59" }, grid: { color: "#e4e7eb" } },
    },
  };
}

/**
 * kind: "line" or "bar"; labels: x values; series: [{ label, data, color, dashed }]. The chart is built once and
 * updated in place when the data change, so a refresh does not flicker.
 */
export function ChartView({ kind, labels, series, label, stacked, horizontal, id }) {
  const canvas = useRef(null);
  const chart = useRef(null);
  useEffect(() => () => { if (chart.current) chart.current.destroy(); chart.current = null; }, []);
  useEffect(() => {
    if (!Chart() || !canvas.current) return;
    const datasets = series.map((s, i) => {
      const color = s.color || COLORS[i % COLORS.length];
      return {
        label: s.label,
        data: s.data,
        borderColor: color,
        backgroundColor: kind === "bar" ? color : color + "33",
        borderDash: s.dashed ? [6, 4] : [],
        borderWidth: kind === "bar" ? 0 : 2,
        pointRadius: s.data.filter((v) => v !== null && v !== undefined).length > 24 ? 0 : 2,
        spanGaps: false,
        fill: false,
        stack: stacked ? "all" : undefined,
        maxBarThickness: 56,
      };
    });
    if (!chart.current) {
      chart.current = new (Chart())(canvas.current, { type: kind, data: { labels, datasets }, options: baseOptions(kind, !!stacked, !!horizontal) });
    } else {
      chart.current.data.labels = labels;
      chart.current.data.datasets = datasets;
      chart.current.update("none");
    }
  }, [kind, labels, series, stacked, horizontal]);
  const empty = !series.some((s) => s.data.some((v) => v !== null && v !== undefined && v !== 0));
  return html`<div class="chart-box" id=${id}>
    <canvas ref=${canvas} role="img" aria-label=${label}></canvas>
    ${empty ? html`<p class="chart-empty">No data in this period</p>` : null}
  </div>`;
}

export function timeLabel(t, long) {
  const d = new Date(t);
  const hh = String(d.getUTCHours()).padStart(2, "0"), mm = String(d.getUTCMinutes()).padStart(2, "0");
  return long ? `${d.getUTCMonth() + 1}/${d.getUTCDate()} ${hh}h` : `${hh}:${mm}`;
}
