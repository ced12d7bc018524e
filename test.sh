#!/usr/bin/env bash
# Builds Tokengate and runs every test project. Installs what the tests need (Node.js and the npm client
# packages, Debian's chromium for the dashboard tests) from the package registries when it is missing. Ends with one line: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Socket completions on the I/O threads, as `tokengate serve` and `up` run (docs/operations.md, "Threads"): every
# in-process gateway, simulator and client in the tests runs that way, so a wait that blocks an I/O thread shows here.
export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1

log() { printf '\n== %s\n' "$*"; }

apt_updated=0
need_apt() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq >/dev/null && apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

log "Test prerequisites"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "installing nodejs and npm"
  need_apt nodejs npm || { echo "could not install Node.js"; exit 1; }
fi
node --version
(cd tests/Tokengate.IntegrationTests/js && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed"; exit 1; }

# The dashboard tests drive Debian's Chromium through Playwright (no browser download).
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium"
  need_apt chromium || { echo "could not install Chromium"; exit 1; }
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# PostgreSQL: a private cluster on a free loopback port, in a temporary folder, run as the postgres user
# (it refuses root). Tests create and drop their own databases through TOKENGATE_TEST_POSTGRES.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "installing postgresql"
  need_apt postgresql || { echo "could not install PostgreSQL"; exit 1; }
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
SERVICES_DIR=$(mktemp -d /tmp/tokengate-test-services.XXXXXX)
chmod 755 "$SERVICES_DIR"
PGDIR="$SERVICES_DIR/pg"; mkdir -p "$PGDIR"; chown postgres:postgres "$PGDIR"
PGPORT=$(free_port)
PGPASS="tg-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
echo "$PGPASS" > "$PGDIR/pw"; chown postgres "$PGDIR/pw"
REDIS_PID=""
AZURITE_PID=""
stop_services() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
  if [ -n "$REDIS_PID" ]; then kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null; fi
  if [ -n "$AZURITE_PID" ]; then kill "$AZURITE_PID" 2>/dev/null; wait "$AZURITE_PID" 2>/dev/null; fi
  rm -rf "$SERVICES_DIR"
}
trap stop_services EXIT
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A scram-sha-256 --pwfile="$PGDIR/pw" -E UTF8 --locale=C.UTF-8 -N >/dev/null \
  || { echo "initdb failed"; exit 1; }
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c max_connections=300" start >/dev/null \
  || { cat "$PGDIR/pg.log"; echo "PostgreSQL did not start"; exit 1; }
export TOKENGATE_TEST_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Database=postgres;Username=postgres;Password=$PGPASS"
echo "PostgreSQL on 127.0.0.1:$PGPORT"

# Redis: a private, non-persistent server on a free loopback port, next to PostgreSQL. Tests share it through
# TOKENGATE_TEST_REDIS with a key prefix of their own; tests that stop and start Redis run their own redis-server
# (found through TOKENGATE_TEST_REDIS_SERVER).
if ! command -v redis-server >/dev/null 2>&1; then
  echo "installing redis-server"
  need_apt redis-server || { echo "could not install Redis"; exit 1; }
fi
REDISDIR="$SERVICES_DIR/redis"; mkdir -p "$REDISDIR"
REDISPORT=$(free_port)
redis-server --bind 127.0.0.1 --port "$REDISPORT" --dir "$REDISDIR" --save "" --appendonly no \
  --daemonize no --logfile "$REDISDIR/redis.log" &
REDIS_PID=$!
for _ in $(seq 1 100); do
  if redis-cli -h 127.0.0.1 -p "$REDISPORT" ping 2>/dev/null | grep -q PONG; then break; fi
  sleep 0.05
done
redis-cli -h 127.0.0.1 -p "$REDISPORT" ping 2>/dev/null | grep -q PONG || { cat "$REDISDIR/redis.log"; echo "Redis did not start"; exit 1; }
export TOKENGATE_TEST_REDIS="127.0.0.1:$REDISPORT"
export TOKENGATE_TEST_REDIS_SERVER=$(command -v redis-server)
echo "Redis on 127.0.0.1:$REDISPORT"

# Azurite: the Azure Blob Storage emulator (npm, pinned in its own folder), blob service only, on a free loopback
# port with its data in the temporary folder. Tests reach it through TOKENGATE_TEST_AZURITE, each in a container of
# its own. --skipApiVersionCheck: the client library speaks a newer service version than Azurite 3.37 knows.
AZURITE_APP=tests/Tokengate.IntegrationTests/azurite
(cd "$AZURITE_APP" && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci for Azurite failed"; exit 1; }
AZURITEDIR="$SERVICES_DIR/azurite"; mkdir -p "$AZURITEDIR"
AZURITEPORT=$(free_port)
"$AZURITE_APP/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$AZURITEPORT" --location "$AZURITEDIR" \
  --skipApiVersionCheck --loose --silent --disableTelemetry >"$AZURITEDIR/azurite.log" 2>&1 &
AZURITE_PID=$!
port_open() { python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$1" 2>/dev/null; }
for _ in $(seq 1 200); do
  if port_open "$AZURITEPORT" || ! kill -0 "$AZURITE_PID" 2>/dev/null; then break; fi
  sleep 0.05
done
port_open "$AZURITEPORT" || { cat "$AZURITEDIR/azurite.log"; echo "Azurite did not start"; exit 1; }
# The emulator's well-known development account, with an explicit endpoint so any port works.
export TOKENGATE_TEST_AZURITE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$AZURITEPORT/devstoreaccount1;"
echo "Azurite (blob) on 127.0.0.1:$AZURITEPORT"

log "Build"
dotnet build Tokengate.slnx -c Release -nologo -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  log "Test $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$RESULTS" -- RunConfiguration.TreatNoTestsAsError=true || status=1
done

passed=0; failed=0; skipped=0
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi  # a test host that crashed counts as a failure

echo
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$failed" = 0 ] && [ "$status" = 0 ]
