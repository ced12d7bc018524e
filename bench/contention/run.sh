#!/usr/bin/env bash
# Lock contention and throughput of Tokengate builds beside the YARP pass-through, interleaved in one run.
#   bench/contention/run.sh [DLL...]   each DLL a tokengate.dll (default: this tree's Release build)
# Env: ROUNDS (3), DUR (10 s), CONNS (64), PORT_BASE (19680), SERVER_CPU (1), LOAD_CPU (0), COUNTERS (1: collect
# dotnet-counters System.Runtime for each Tokengate run), TRACE (a path prefix: a dotnet-trace of the runtime's
# contention events with their stacks, per Tokengate build in round 1), PERF (a path prefix: `perf record -g` of each Tokengate
# build in round 1, with PERF_ARGS (default -F 499; -e syscalls:sys_enter_futex finds where threads block); set
# XENV="DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0" so perf can name JIT-compiled frames).
# Prints one line per run: target, req/s, lock contentions per 1,000 requests, GCs, bytes allocated per request,
# thread-pool threads, CPU µs/req (counters cover the load run plus about a second either side).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$ROOT/bench
ROUNDS=${ROUNDS:-3}; DUR=${DUR:-10}; CONNS=${CONNS:-64}; PB=${PORT_BASE:-19680}
SERVER_CPU=${SERVER_CPU:-1}; LOAD_CPU=${LOAD_CPU:-0}
DLLS=("$@"); [ ${#DLLS[@]} -gt 0 ] || DLLS=("$ROOT/src/Tokengate/bin/Release/net10.0/tokengate.dll")
YARP_DLL=$BENCH/YarpPassthrough/bin/Release/net10.0/YarpPassthrough.dll
WORK=$(mktemp -d /tmp/tg-contention.XXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
export PATH="$PATH:$HOME/.dotnet/tools"
API=2024-10-21
sed -e "s|@PREFIX@|$WORK|g" -e "s|@PORT@|$PB|g" -e "s|@BACKEND_PORT@|$PB|g" "$BENCH/nginx/backend.conf" >"$WORK/backend.conf"
taskset -c "$SERVER_CPU" nginx -p "$WORK" -c "$WORK/backend.conf" -g "user root;" >"$WORK/backend.log" 2>&1 & PIDS+=($!)
taskset -c "$SERVER_CPU" dotnet "$YARP_DLL" --urls "http://127.0.0.1:$((PB + 1))" --backend "http://127.0.0.1:$PB/" >"$WORK/yarp.log" 2>&1 & PIDS+=($!)
YARP_PID=$!
declare -a TG_PID
for i in "${!DLLS[@]}"; do
  mkdir -p "$WORK/data$i"
  port=$((PB + 2 + i))
  taskset -c "$SERVER_CPU" env TOKENGATE_BENCH_BACKEND_KEY=bench-backend-key Tokengate__Data__Directory="$WORK/data$i" \
    "Tokengate__Pools__bench__Backends__0__Endpoint=http://127.0.0.1:$PB/" ${XENV:-} \
    dotnet "${DLLS[$i]}" serve --config "$BENCH/tokengate.json" --urls "http://127.0.0.1:$port" >"$WORK/tg$i.log" 2>&1 & PIDS+=($!)
  TG_PID[$i]=$!
done
sleep 1
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
load() {  # load PORT KEY SECONDS -> requests
  BENCH_PATH="/openai/deployments/bench/chat/completions?api-version=$API" BENCH_BODY="$BENCH/requests/chat.json" \
  BENCH_HEADERS="api-key: $2" BENCH_OUT="$WORK/out.json" \
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"$3"s -s "$BENCH/wrk/post.lua" "http://127.0.0.1:$1" >/dev/null
  python3 -c "import json;d=json.load(open('$WORK/out.json'));print(d['requests'], d['status_errors']+d['read_errors']+d['timeouts'])"
}
for i in "${!DLLS[@]}"; do  # readiness and warm-up
  for _ in $(seq 60); do curl -sf -o /dev/null -X POST -H 'content-type: application/json' -H "api-key: tg-bench-consumer-key-not-a-secret" \
    --data-binary @"$BENCH/requests/chat.json" "http://127.0.0.1:$((PB + 2 + i))/openai/deployments/bench/chat/completions?api-version=$API" && break; sleep 1; done
  load $((PB + 2 + i)) tg-bench-consumer-key-not-a-secret 3 >/dev/null
done
load $((PB + 1)) bench-backend-key 3 >/dev/null
counters_start() {  # counters_start PID: System.Runtime counters for the next DUR seconds into $WORK/c.csv
  rm -f "$WORK/c.csv"
  taskset -c "$LOAD_CPU" dotnet-counters collect -p "$1" --counters System.Runtime --format csv -o "$WORK/c.csv" \
    --refresh-interval 1 >/dev/null 2>&1 & CPID=$!
  sleep 2
}
counters_stop() {  # -> "contentions gc-count threadpool-queue-mean threads-max" summed/averaged over the run
  kill -INT "$CPID" 2>/dev/null || true; wait "$CPID" 2>/dev/null || true
  cp "$WORK/c.csv" "$WORK/counters-$1.csv" 2>/dev/null || true
  python3 - "$WORK/c.csv" <<'PY'
import csv,sys
rows=[r for r in csv.reader(open(sys.argv[1])) if len(r)>=5][1:]
def vals(k): return [float(r[4]) for r in rows if k in r[2]]
lc=vals('lock_contentions'); gc=vals('gc.collections'); a=vals('total_allocated'); t=vals('thread_pool.thread.count')
print(int(sum(lc)), int(sum(gc)), int(sum(a)), int(max(t) if t else 0))
PY
}
for r in $(seq "$ROUNDS"); do
  for t in yarp "${!DLLS[@]}"; do
    if [ "$t" = yarp ]; then pid=$YARP_PID; port=$((PB + 1)); key=bench-backend-key; name=yarp
    else pid=${TG_PID[$t]}; port=$((PB + 2 + t)); key=tg-bench-consumer-key-not-a-secret; name="tg$t"; fi
    counters_start "$pid"
    c0=$(cpu "$pid")
    if [ -n "${PERF:-}" ] && [ "$t" != yarp ] && [ "$r" = 1 ]; then
      perf record ${PERF_ARGS:--F 499} -g -o "$PERF-$name.data" -p "$pid" -- sleep "$DUR" >/dev/null 2>&1 & PERFPID=$!
    fi
    if [ -n "${TRACE:-}" ] && [ "$t" != yarp ] && [ "$r" = 1 ]; then
      taskset -c "$LOAD_CPU" dotnet-trace collect -p "$pid" --providers Microsoft-Windows-DotNETRuntime:0x4000:5 \
        --duration "00:00:$(printf %02d $((DUR - 2)))" -o "$TRACE-$name.nettrace" >/dev/null 2>&1 & TRACEPID=$!
    fi
    read -r n errs < <(load "$port" "$key" "$DUR")
    [ -n "${TRACEPID:-}" ] && { wait "$TRACEPID" || true; TRACEPID=; }
    [ -n "${PERFPID:-}" ] && { wait "$PERFPID" || true; PERFPID=; }
    c1=$(cpu "$pid")
    read -r lc gcs alloc th < <(counters_stop "$name-$r")
    python3 -c "
n=$n; print(f'round $r  {\"$name\":5} req/s {n/$DUR:8.0f}  errors $errs  lock contentions/1k req {1000*$lc/max(n,1):7.2f}  gc $gcs  alloc B/req {$alloc/max(n,1):6.0f}  threads $th  cpu us/req {($c1-$c0)/$HZ*1e6/max(n,1):6.1f}')"
  done
done
