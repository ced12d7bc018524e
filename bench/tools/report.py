#!/usr/bin/env python3
"""Turns one bench/run raw-data folder into the markdown results table (printed on stdout).

usage: report.py RAW_DIR
"""
import json
import os
import statistics
import sys

NAMES = {
    "direct": "Static backend, direct",
    "nginx": "nginx `proxy_pass`",
    "yarp": "YARP pass-through",
    "tokengate": "**Tokengate**",
    "portkey": "Portkey gateway (Node.js)",
}
ORDER = list(NAMES)


def load(raw):
    with open(os.path.join(raw, "machine.json")) as f:
        machine = json.load(f)
    with open(os.path.join(raw, "runs.jsonl")) as f:
        runs = [json.loads(line) for line in f if line.strip()]
    with open(os.path.join(raw, "ttfe.jsonl")) as f:
        ttfe = {r["target"]: r["ttfe"] for r in (json.loads(line) for line in f if line.strip())}
    with open(os.path.join(raw, "rss.tsv")) as f:
        rss = [tuple(int(v) for v in line.split("\t")) for line in f.read().splitlines()[1:] if line.strip()]
    with open(os.path.join(raw, "soak-wrk.json")) as f:
        soak = json.load(f)
    with open(os.path.join(raw, "soak-cpu.json")) as f:
        soak.update(json.load(f))
    admission = {}
    path = os.path.join(raw, "admission.jsonl")
    if os.path.exists(path):  # results from before the admission phase existed have none
        with open(path) as f:
            admission = {r["target"]: r for r in (json.loads(line) for line in f if line.strip())}
    sequential = {}
    path = os.path.join(raw, "sequential.jsonl")
    if os.path.exists(path):  # results from before the second generator existed have none
        with open(path) as f:
            sequential = {r["target"]: r["latency"] for r in (json.loads(line) for line in f if line.strip())}
    responses = {}
    path = os.path.join(raw, "responses.jsonl")
    if os.path.exists(path):  # results from before the Responses rows existed have none
        with open(path) as f:
            for r in (json.loads(line) for line in f if line.strip()):
                responses.setdefault(r["measure"], {})[r["target"]] = r["latency"]
    priority = {}
    path = os.path.join(raw, "priority.jsonl")
    if os.path.exists(path):  # results from before the priority row existed have none
        with open(path) as f:
            priority = {r["measure"]: r for r in (json.loads(line) for line in f if line.strip())}
    screening = {}
    path = os.path.join(raw, "screening.jsonl")
    if os.path.exists(path):  # results from before the screening row existed have none
        with open(path) as f:
            screening = {(r["size"], r["screened"]): r for r in (json.loads(line) for line in f if line.strip())}
    upload = []
    path = os.path.join(raw, "upload.jsonl")
    if os.path.exists(path):  # results from before the upload phase existed have none
        with open(path) as f:
            upload = [json.loads(line) for line in f if line.strip()]
    responses_tp = []
    path = os.path.join(raw, "responses-throughput.jsonl")
    if os.path.exists(path):
        with open(path) as f:
            responses_tp = [json.loads(line) for line in f if line.strip()]
    return machine, runs, ttfe, rss, soak, admission, sequential, responses, priority, screening, upload, responses_tp


def aggregate(runs, clk_tck):
    """Per (target, connections): medians over rounds of req/s, p50, p99; CPU per request over all rounds."""
    cells = {}
    for key in {(r["target"], r["connections"]) for r in runs}:
        rs = [r for r in runs if (r["target"], r["connections"]) == key]
        requests = sum(r["wrk"]["requests"] for r in rs)
        cells[key] = {
            "rps": statistics.median(r["wrk"]["requests"] / r["wrk"]["duration_us"] * 1e6 for r in rs),
            "p50": statistics.median(r["wrk"]["p50_us"] for r in rs) / 1000,
            "p99": statistics.median(r["wrk"]["p99_us"] for r in rs) / 1000,
            "mean": statistics.median(r["wrk"]["mean_us"] for r in rs) / 1000,
            "cpu": sum(r["server_ticks"] for r in rs) / clk_tck * 1e6 / requests if requests else float("nan"),
            "backend_cpu": sum(r["backend_ticks"] for r in rs) / clk_tck * 1e6 / requests if requests else float("nan"),
            "requests": requests,
            "errors": sum(v for r in rs for k, v in r["wrk"].items() if k.endswith("errors") or k == "timeouts"),
        }
    return cells


def ratio(value, base):
    if base is None or value is None or base <= 0:
        return "–"
    return f"{value / base:.2f}×"


def cell(value, yarp, direct, fmt):
    """The value with its ratios to the YARP pass-through (Y) and to direct (D) of the same run."""
    parts = [fmt.format(value)]
    tags = []
    if yarp is not None:
        tags.append(f"{ratio(value, yarp)} Y")
    if direct is not None:
        tags.append(f"{ratio(value, direct)} D")
    if tags:
        parts.append(" · ".join(tags))
    return "<br>".join(parts)


def latency_table(w, results, ratioed, plain):
    """One row per server of sequential.py results: the percentiles in `ratioed` with their ratios to YARP and
    direct, then the fields in `plain` as they are, then the added p50 against direct."""
    label = {"p999": "p99.9"}
    w("| Server | " + " | ".join(f"{label.get(f, f)} ms" for f in ratioed + plain) + " | added p50 ms |")
    w("|---|" + "---:|" * (len(ratioed) + len(plain) + 1))
    rd, ry = results["direct"], results["yarp"]
    for t in ORDER:
        if t not in results:
            continue
        r = results[t]
        added = (r["p50_us"] - rd["p50_us"]) / 1000
        y_added = (ry["p50_us"] - rd["p50_us"]) / 1000
        w("| " + " | ".join(
            [NAMES[t]]
            + [cell(r[f + "_us"] / 1000, ry[f + "_us"] / 1000, rd[f + "_us"] / 1000, "{:.3f}") for f in ratioed]
            + [f"{r[f + '_us'] / 1000:.3f}" for f in plain]
            + ["–" if t == "direct" else cell(added, y_added, None, "{:+.3f}")]) + " |")


def added_row(w, measure, api, results):
    """One row of the side-by-side table: direct's p50, then the p50 that nginx, YARP and Tokengate add to it."""
    if not results or any(t not in results for t in ("direct", "yarp", "tokengate")):
        w(f"| {measure} | {api} | not measured in this run | | | | |")
        return
    d = results["direct"]["p50_us"] / 1000
    added = {t: results[t]["p50_us"] / 1000 - d for t in ("nginx", "yarp", "tokengate") if t in results}
    w("| " + " | ".join([
        measure, api, f"{d:.3f}",
        f"{added['nginx']:+.3f}" if "nginx" in added else "–",
        f"{added['yarp']:+.3f}",
        f"{added['tokengate']:+.3f}",
        ratio(added["tokengate"], added["yarp"]) if added["yarp"] > 0 else "– (YARP adds nothing)",
    ]) + " |")


def responses_tables(w, machine, responses, sequential, ttfe):
    """The Responses API rows: Tokengate's added p50 beside chat's, then the full one-connection tables."""
    complete, first = responses.get("complete", {}), responses.get("first-event", {})
    w("## Responses API (`POST /openai/v1/responses`), beside chat")
    w("")
    w("The chat rows' two one-connection measurements (`bench/tools/sequential.py`, same counts and warm-up), on the "
      "Responses API: a stored response (`store` left at its default, true), not streamed, timed to its last byte; "
      "and a streamed one, timed to its first event (`response.created`, which Tokengate relays once the response's "
      "affinity record is written). The static backend answers a canned response (1.8 KB) and a canned stream of "
      "named events (6 KB, `response.created` … `response.completed` with the usage, no `[DONE]`); Tokengate routes "
      "them through its pools `bench-responses` and `bench-responses-stream`. Portkey is not measured here.")
    w("")
    w("| Measure | API | direct p50 ms | nginx added p50 ms | YARP added p50 ms | Tokengate added p50 ms | Tokengate ÷ YARP added |")
    w("|---|---|---:|---:|---:|---:|---:|")
    added_row(w, "Not streamed, to the last byte", "Chat completions", sequential)
    added_row(w, "Not streamed, to the last byte", "Responses", complete)
    added_row(w, "Streamed, to the first event", "Chat completions", ttfe)
    added_row(w, "Streamed, to the first event", "Responses", first)
    w("")
    if complete:
        w(f"### Responses, not streamed: {machine.get('sequential_count', '')} per server, to the last byte")
        w("")
        latency_table(w, complete, ["p50", "p99", "p999"], ["max", "mean"])
        w("")
    if first:
        w(f"### Responses, streamed: {machine.get('ttfe_count', '')} per server, to the first event")
        w("")
        latency_table(w, first, ["p50", "p90", "p99"], [])
        w("")


def verdict(ok):
    if ok is None:
        return "not measured yet"
    return "**met**" if ok else "**missed**"


def main():
    raw = sys.argv[1]
    machine, runs, ttfe, rss, soak, admission, sequential, responses, priority, screening, upload, responses_tp = load(raw)
    cells = aggregate(runs, machine["clk_tck"])
    conns = sorted({c for _, c in cells})
    out = []
    w = out.append
    kind = "QUICK SMOKE RUN — short durations, figures are noisy" if machine["quick"] else "full run"
    w(f"# Tokengate performance suite — {machine['date_utc'][:10]} on {machine['machine']} ({kind})")
    w("")
    if machine["quick"]:
        w("> **Smoke run** (`bench/run --quick`): it shows that the suite works end to end, not how fast anything is. "
          "Quote only a full run (`bench/run`) on a quiet machine.")
        w("")
    v = machine["versions"]
    w("| Machine | |")
    w("|---|---|")
    w(f"| Date (UTC) | {machine['date_utc']} |")
    w(f"| Command | `{machine['command'].strip()}` |")
    w(f"| Commit | `{machine['commit']}` |")
    w(f"| CPU | {machine['cpu_model']}, nproc {machine['nproc']} |")
    w(f"| Kernel | {machine['kernel']} |")
    w(f"| Load average at start | {machine['load_avg_at_start']} |")
    w(f"| Pinning | load generator on CPU {machine['load_cpu']}, every server on CPU {machine['server_cpu']} |")
    w(f"| Durations | warm-up {machine['warmup_s']} s per server; {machine['rounds']} round(s) × {machine['duration_s']} s "
      f"per server and connection count (medians over rounds); {machine['ttfe_count']} streaming requests per server; "
      f"soak {machine['soak_s']} s |")
    w(f"| Versions | .NET SDK {v['dotnet']}, nginx {v['nginx']}, Node.js {v['node']}, wrk {v['wrk']}, "
      f"@portkey-ai/gateway {v['portkey']} |")
    w("| .NET servers | `dotnet build -c Release`; Tokengate and the YARP pass-through both with quick JIT off "
      "(`TieredCompilationQuickJit`: optimized code from the first call, see docs/performance.md) |")
    w("")

    # -- throughput and latency ------------------------------------------------------------------------------
    w("## Throughput, latency and CPU (chat completions, not streamed)")
    w("")
    w("Each cell: the value, then its ratio to the YARP pass-through (Y) and to the backend called directly (D) "
      "at the same connection count in this run. *Added p50* is the server's p50 minus direct's p50. CPU is "
      "user + system time of the server's process(es) per request; for a gateway, the backend's CPU is its own column.")
    w("")
    w("*Mean ms* is wrk's mean latency and, after it, the mean that the throughput implies for a closed loop of N "
      "connections (Little's law: N ÷ req/s). The two must agree; where wrk's is much higher, its latency histogram "
      "holds values the run's wall time cannot contain, and its p99 is not to be trusted (see docs/performance.md).")
    w("")
    w("| Conns | Server | req/s | p50 ms | p99 ms | mean ms: wrk · N÷req/s | added p50 ms | server CPU µs/req | backend CPU µs/req | errors |")
    w("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    suspect = []
    for c in conns:
        d, y = cells.get(("direct", c)), cells.get(("yarp", c))
        for t in ORDER:
            x = cells.get((t, c))
            if x is None:
                continue
            added = x["p50"] - d["p50"]
            y_added = y["p50"] - d["p50"]
            w("| " + " | ".join([
                str(c), NAMES[t],
                cell(x["rps"], y["rps"], d["rps"], "{:,.0f}"),
                cell(x["p50"], y["p50"], d["p50"], "{:.3f}"),
                cell(x["p99"], y["p99"], d["p99"], "{:.3f}"),
                f"{x['mean']:.3f} · {c / x['rps'] * 1000:.3f}",
                "–" if t == "direct" else cell(added, y_added, None, "{:+.3f}"),
                cell(x["cpu"], y["cpu"], d["cpu"], "{:.1f}"),
                "(is the server)" if t == "direct" else f"{x['backend_cpu']:.1f}",
                f"{x['errors']} of {x['requests']:,}",
            ]) + " |")
            if x["mean"] > 1.25 * c / x["rps"] * 1000:
                suspect.append(f"{t} at {c}")
    w("")
    if suspect:
        w(f"**Latency tails unreliable in this run:** wrk's mean exceeds the closed-loop mean by more than 25% for "
          f"{', '.join(suspect)}. Quote p50 and req/s from those cells, not p99.")
        w("")

    # -- one connection, second generator ---------------------------------------------------------------------
    if sequential:
        w("## Latency at one connection, from a second generator")
        w("")
        w(f"{machine.get('sequential_count', '')} chat completions per server, one after another on one kept-alive connection, each "
          "timed from the end of the request to the last byte of the response by `bench/tools/sequential.py` (on the "
          "load generator's core). These tails replace wrk's at one connection, where its histogram can hold more time "
          "than the run had.")
        w("")
        latency_table(w, sequential, ["p50", "p99", "p999"], ["max", "mean"])
        w("")

    # -- streaming -------------------------------------------------------------------------------------------
    w("## Streaming: time to first event")
    w("")
    w("From the end of the request to the first `data:` of the response body, sequential requests on one "
      "kept-alive connection (`bench/tools/sequential.py first-event`).")
    w("")
    latency_table(w, ttfe, ["p50", "p90", "p99"], [])
    w("")

    # -- Responses API ---------------------------------------------------------------------------------------
    if responses:
        responses_tables(w, machine, responses, sequential, ttfe)

    # -- soak ------------------------------------------------------------------------------------------------
    # rss.tsv: the idle sample first (second 0), the warm-up's samples (negative seconds; runs before the soak had a
    # warm-up had none), then the soak's.
    under_load = [kb for secs, kb in rss if secs > 0] or [rss[0][1]]
    warmup = [kb for secs, kb in rss if secs < 0]
    start_mb, end_mb, max_mb = under_load[0] / 1024, under_load[-1] / 1024, max(under_load) / 1024
    before = f"Idle before the soak: {rss[0][1] / 1024:.1f} MB"
    if warmup:
        before += (f"; during its {machine.get('soak_warmup_s', '?')} s warm-up (the same load, not in the table) "
                   f"{warmup[0] / 1024:.1f} → {warmup[-1] / 1024:.1f} MB, at most {max(warmup) / 1024:.1f} MB")
    else:
        max_mb = max(max_mb, rss[0][1] / 1024)
    change = (end_mb - start_mb) / start_mb * 100
    soak_cpu = soak["server_ticks"] / machine["clk_tck"] * 1e6 / soak["requests"] if soak["requests"] else float("nan")
    w("## Resident memory under a soak (Tokengate, 64 connections)")
    w("")
    w("Consumer `bench-full` where the run has it (screening with the built-in detector, request logging at Metadata, "
      "rate limits and a budget of its own). "
      "RSS of the gateway process from `/proc/PID/status`; *start* is the first sample under load, *end* the last. "
      f"{before}. Samples: `rss.tsv`.")
    w("")
    w("| Duration | Requests | req/s | p99 ms | start MB | end MB | max MB | change | CPU µs/req |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    w(f"| {soak['duration_us'] / 1e6:.0f} s | {soak['requests']:,} | {soak['requests'] / soak['duration_us'] * 1e6:,.0f} | "
      f"{soak['p99_us'] / 1000:.3f} | {start_mb:.1f} | {end_mb:.1f} | {max_mb:.1f} | {change:+.1f}% | {soak_cpu:.1f} |")
    w("")

    # -- admission -------------------------------------------------------------------------------------------
    w("## Admission cost of a 128k-token prompt")
    w("")
    admission_cost = None
    if admission:
        tl, yl = admission["tokengate"], admission["yarp"]
        t1s, y1s = cells[("tokengate", 1)], cells[("yarp", 1)]
        long_added = (tl["wrk"]["p50_us"] - yl["wrk"]["p50_us"]) / 1000
        small_added = t1s["p50"] - y1s["p50"]
        admission_cost = long_added - small_added
        w(f"One connection, a {tl['prompt_tokens']:,}-token prompt ({tl['body_bytes'] / 1024:.0f} KiB) to a gpt-4.1 pool on the same "
          "static backend. *Cost* is Tokengate's p50 over YARP's with the long prompt, less the same difference with the "
          "small prompt of the table above: the work that grows with the prompt (reading, parsing, estimating, relaying).")
        w("")
        w("| Server | p50 ms | req/s |")
        w("|---|---:|---:|")
        for name, r in (("YARP pass-through", yl), ("**Tokengate**", tl)):
            w(f"| {name} | {r['wrk']['p50_us'] / 1000:.3f} | {r['wrk']['requests'] / r['wrk']['duration_us'] * 1e6:,.0f} |")
        w("")
        w(f"Cost: {long_added:+.3f} ms − {small_added:+.3f} ms = **{admission_cost:+.3f} ms**.")
    else:
        w("Not measured in this run (the run predates the admission phase of `bench/run`).")
    w("")

    # -- high priority beside a batch -----------------------------------------------------------------------
    w("## High priority beside a gateway-run batch")
    w("")
    priority_ratio = None
    if priority and "direct" in sequential:
        alone, beside = priority["alone"]["latency"], priority["with_batch"]["latency"]
        floor = sequential["direct"]["p50_us"]
        added_alone, added_beside = (alone["p50_us"] - floor) / 1000, (beside["p50_us"] - floor) / 1000
        priority_ratio = added_beside / added_alone if added_alone > 0 else None
        w(f"{alone['count'] if 'count' in alone else ''} chat completions of a consumer of class `high`, one after another "
          "(`bench/tools/sequential.py`), first alone, then while a gateway-run batch "
          f"({priority['with_batch']['batch_lines']:,} lines at class `low`) runs on the same pool and backend; "
          f"{priority['with_batch']['batch_lines_during']:,} batch lines ran during the second measurement. *Added* is over "
          "the direct backend's p50 from the second generator's table.")
        w("")
        w("| Measure | p50 ms | p99 ms | added p50 ms |")
        w("|---|---:|---:|---:|")
        w(f"| alone | {alone['p50_us'] / 1000:.3f} | {alone['p99_us'] / 1000:.3f} | {added_alone:+.3f} |")
        w(f"| beside the batch | {beside['p50_us'] / 1000:.3f} | {beside['p99_us'] / 1000:.3f} | {added_beside:+.3f} |")
    else:
        w("Not measured in this run (the run predates the priority phase of `bench/run`).")
    w("")

    # -- prompt screening ------------------------------------------------------------------------------------
    w("## Prompt screening's cost (built-in detector)")
    w("")
    screen_added = {}
    sizes = sorted({size for size, _ in screening})
    if sizes and all((size, s) in screening for size in sizes for s in (False, True)):
        first = screening[(sizes[0], True)]
        w(f"{first['latency']['count']:,} chat completions per prompt size and consumer, one after another on one connection "
          "(`bench/tools/sequential.py complete`), through Tokengate to the static backend: consumer `bench` (no screening "
          "policy) and consumer `bench-screened` (mode `Annotate`, detector `builtin` alone, so every prompt is screened "
          f"and forwarded), the same benign prose prompt for both, measured in {first['rounds']} alternating chunks. "
          "*Added p50* is the screened p50 less the unscreened one: what screening the prompt costs.")
        w("")
        w("| Prompt | body | not screened p50 ms | p99 ms | screened p50 ms | p99 ms | added p50 ms | verdict |")
        w("|---|---:|---:|---:|---:|---:|---:|---|")
        for size in sizes:
            plain, screened = screening[(size, False)], screening[(size, True)]
            p, s = plain["latency"], screened["latency"]
            screen_added[size] = (s["p50_us"] - p["p50_us"]) / 1000
            w(f"| {screened['prompt_tokens']:,} tokens | {screened['body_bytes'] / 1024:,.1f} KiB | {p['p50_us'] / 1000:.3f} | "
              f"{p['p99_us'] / 1000:.3f} | {s['p50_us'] / 1000:.3f} | {s['p99_us'] / 1000:.3f} | "
              f"{screen_added[size]:+.3f} | `{screened.get('verdict') or '–'}` |")
    else:
        w("Not measured in this run (the run predates the screening phase of `bench/run`).")
    w("")

    # -- Responses throughput -------------------------------------------------------------------------------
    responses_tp_ratio = None
    w("## Responses API throughput at 64 connections (Tokengate)")
    w("")
    if responses_tp:
        by_api = {api: statistics.median(r["wrk"]["requests"] / r["wrk"]["duration_us"] * 1e6 for r in responses_tp if r["api"] == api)
                  for api in ("chat", "responses")}
        p99 = {api: statistics.median(r["wrk"]["p99_us"] for r in responses_tp if r["api"] == api) / 1000 for api in by_api}
        responses_tp_ratio = by_api["responses"] / by_api["chat"]
        w("Chat completions and Responses (`store` true, not streamed) alternating, the same duration each, medians over rounds.")
        w("")
        w("| API | req/s | p99 ms |")
        w("|---|---:|---:|")
        for api in ("chat", "responses"):
            w(f"| {api} | {by_api[api]:,.0f} | {p99[api]:.3f} |")
        w("")
        w(f"Responses ÷ chat: {responses_tp_ratio:.2f}×.")
    else:
        w("Not measured in this run (the run predates this phase of `bench/run`).")
    w("")

    # -- upload ----------------------------------------------------------------------------------------------
    upload_ratio = None
    w("## Upload through the Files API")
    w("")
    if upload:
        def speed(measure):
            rows = [r["bytes"] / r["seconds"] for r in upload if r["measure"] == measure]
            return statistics.median(rows) / 1e6 if rows else None
        copy, http = speed("copy"), speed("http")
        gate = [r for r in upload if r["measure"] == "gateway"]
        through = statistics.median(r["bytes"] / r["seconds"] for r in gate) / 1e6
        # The target's yardstick is the upload straight to a store over HTTP where the run has it, else cp.
        upload_ratio = through / (http or copy)
        size = gate[0]["bytes"] / 1024 / 1024
        w(f"A {size:,.0f} MB file of random bytes, medians over {len(gate)} round(s) alternating three ways: `curl -F file=@…` to "
          "Tokengate's `POST /openai/v1/files` (SHA-256 and AES-GCM into the blob store in its data folder); `curl -T` straight "
          "to a store over HTTP (the static nginx writing the body to its folder, `client_body_in_file_only`); and `cp` into the "
          "data folder (no network). RSS of the gateway before, at most during, and after each upload.")
        w("")
        w("| Measure | MB/s | RSS before · max · after MB |")
        w("|---|---:|---|")
        if http is not None:
            w(f"| Straight to a store over HTTP (nginx) | {http:,.0f} | |")
        w(f"| `cp` into the data folder | {copy:,.0f} | |")
        w(f"| Through Tokengate | {through:,.0f} | " + "; ".join(
            f"{r['rss_before_kb'] / 1024:.0f} · {r['rss_max_kb'] / 1024:.0f} · {r['rss_after_kb'] / 1024:.0f}" for r in gate) + " |")
        w("")
        w(f"Tokengate ÷ straight over HTTP: {through / http:.2f}×; Tokengate ÷ cp: {through / copy:.2f}×." if http is not None
          else f"Tokengate ÷ cp: {through / copy:.2f}×.")
    else:
        w("Not measured in this run (the run predates the upload phase of `bench/run`).")
    w("")

    # -- targets ---------------------------------------------------------------------------------------------
    t1, y1, d1 = cells[("tokengate", 1)], cells[("yarp", 1)], cells[("direct", 1)]
    tg_added, y_added = t1["p50"] - d1["p50"], y1["p50"] - d1["p50"]
    t64, y64, p64 = cells[("tokengate", 64)], cells[("yarp", 64)], cells[("portkey", 64)]
    st_added = (ttfe["tokengate"]["p50_us"] - ttfe["direct"]["p50_us"]) / 1000
    seq_t, seq_y = sequential.get("tokengate"), sequential.get("yarp")
    resp_first = responses.get("first-event", {}) if responses else {}
    resp_ttfe_added = ((resp_first["tokengate"]["p50_us"] - resp_first["direct"]["p50_us"]) / 1000
                       if resp_first and "tokengate" in resp_first and "direct" in resp_first else None)
    upload_gate = [r for r in upload if r["measure"] == "gateway"]
    rows = [
        ("Added p50 at 1 connection", f"{tg_added:+.3f} ms", "≤ 0.10 ms", tg_added <= 0.10),
        ("Throughput at 64 connections vs YARP", f"{t64['rps']:,.0f} / {y64['rps']:,.0f} req/s = {ratio(t64['rps'], y64['rps'])}",
         "≥ 1.0×", t64["rps"] >= y64["rps"]),
        ("p99 at 64 connections vs YARP's", f"{t64['p99']:.3f} / {y64['p99']:.3f} ms = {ratio(t64['p99'], y64['p99'])}",
         "≤ 1.5×", t64["p99"] <= 1.5 * y64["p99"]),
        ("p99.9 at 1 connection (second generator) vs YARP's",
         f"{seq_t['p999_us'] / 1000:.3f} / {seq_y['p999_us'] / 1000:.3f} ms = {ratio(seq_t['p999_us'], seq_y['p999_us'])}" if seq_t and seq_y else "not measured",
         "≤ 2×", seq_t["p999_us"] <= 2 * seq_y["p999_us"] if seq_t and seq_y else None),
        ("Max at 1 connection (second generator)",
         f"{seq_t['max_us'] / 1000:.3f} ms over {seq_t['count']:,}" if seq_t else "not measured", "≤ 2 ms",
         seq_t["max_us"] <= 2000 if seq_t else None),
        ("Throughput at 64 connections vs Portkey", f"{t64['rps']:,.0f} / {p64['rps']:,.0f} req/s = {ratio(t64['rps'], p64['rps'])}",
         "≥ 10×", t64["rps"] >= 10 * p64["rps"]),
        ("Streaming chat: added time to first event, p50", f"{st_added:+.3f} ms", "≤ 0.05 ms", st_added <= 0.05),
        ("Streaming Responses: added time to first event, p50",
         f"{resp_ttfe_added:+.3f} ms" if resp_ttfe_added is not None else "not measured", "≤ 0.05 ms",
         resp_ttfe_added <= 0.05 if resp_ttfe_added is not None else None),
        ("Responses throughput at 64 connections vs chat's",
         f"{responses_tp_ratio:.2f}×" if responses_tp_ratio is not None else "not measured", "≥ 0.9×",
         responses_tp_ratio >= 0.9 if responses_tp_ratio is not None else None),
        ("Admission of a 128k-token prompt", f"{admission_cost:+.3f} ms" if admission_cost is not None else "not measured",
         "≤ 1 ms", admission_cost <= 1 if admission_cost is not None else None),
        ("High priority: added p50 beside a gateway-run batch vs alone",
         f"{priority_ratio:.2f}×" if priority_ratio is not None else "not measured", "≤ 1.2×",
         priority_ratio <= 1.2 if priority_ratio is not None else None),
        ("Screening (built-in), 1,000-token prompt: added p50",
         f"{screen_added[1000]:+.3f} ms" if 1000 in screen_added else "not measured", "≤ 0.5 ms",
         screen_added[1000] <= 0.5 if 1000 in screen_added else None),
        ("Screening (built-in), 32,000-token prompt: added p50",
         f"{screen_added[32000]:+.3f} ms" if 32000 in screen_added else "not measured", "≤ 5 ms",
         screen_added[32000] <= 5 if 32000 in screen_added else None),
        ("Upload through the gateway vs straight to the store (over HTTP; cp where not measured)",
         f"{upload_ratio:.2f}×" if upload_ratio is not None else "not measured", "≥ 0.8×",
         upload_ratio >= 0.8 if upload_ratio is not None else None),
        ("RSS during the upload: growth over its start",
         f"{max(r['rss_max_kb'] - r['rss_before_kb'] for r in upload_gate) / 1024:+.1f} MB" if upload_gate else "not measured",
         "flat (≤ +64 MB)", max(r["rss_max_kb"] - r["rss_before_kb"] for r in upload_gate) <= 64 * 1024 if upload_gate else None),
        (f"RSS flat over the soak ({machine['soak_s']} s)", f"{change:+.1f}%", "within ±10%", abs(change) <= 10),
        ("RSS at most over the soak", f"{max_mb:.1f} MB", "≤ 200 MB", max_mb <= 200),
    ]
    w("## Targets")
    w("")
    if machine["quick"]:
        w("Smoke run: the verdicts below only show that the suite computes them.")
        w("")
    w("| Target | Measured | Threshold | Verdict |")
    w("|---|---|---|---|")
    for name, measured, threshold, ok in rows:
        w(f"| {name} | {measured} | {threshold} | {verdict(ok)} |")
    w("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
