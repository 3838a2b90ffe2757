#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Benchmarks the gateway against a bare gSOAP echo service over the same mutual-TLS set-up, in one
# run on one machine, and prints absolute figures and the ratios gateway/echo (docs/performance.md).
# Not a test and not part of CI: it takes minutes and its figures depend on the machine.
#
#   scripts/bench.sh
#
# Steps: build gatewayd, gatewayctl, echo_server and gateway_load in Release (build-bench/);
# start a private MariaDB (.local/bench/mariadb, durable settings from scripts/lib/mariadb.sh) with a
# fresh database, a private development PKI, provisioning and gatewayd on a free port; start
# echo_server; then run, each for BENCH_SECONDS after BENCH_WARMUP seconds of warm-up:
#   1. echo    keep-alive, BENCH_CONNECTIONS connections
#   2. gateway keep-alive, SubmitFormTaskBasic (~4 KB form, unique reference per request)
#   3. echo    new TCP+TLS connection per request, full handshake
#   4. gateway the same
#   5. echo    new TCP+TLS connection per request, TLS session resumption
#   6. gateway the same
# and stop everything it started.
#
# Settings: BENCH_SECONDS (20), BENCH_WARMUP (3), BENCH_CONNECTIONS (64), BENCH_HANDSHAKE_CONNECTIONS
# (BENCH_CONNECTIONS), BENCH_HANDSHAKES=0 (runs 1 and 2 only), BENCH_BUILD_DIR (build-bench), BENCH_PROFILE=1 (record the gateway with perf
# during run 2 and print where the time goes), BENCH_KEEP=1 (leave the gateway, echo server and
# database running at the end), BENCH_GATEWAYD (measure this gatewayd binary instead of the one
# built), BENCH_WAIT_QUIET (before each run, wait up to this many seconds for the machine to be
# under 10% busy: useful on a shared machine), GATEWAY_SKIP_PACKAGES=1, GATEWAY_BUILD_JOBS.
set -euo pipefail

LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/common.sh
source "$LIB/common.sh"
# shellcheck source=lib/packages.sh
source "$LIB/packages.sh"
# shellcheck source=lib/mariadb.sh
source "$LIB/mariadb.sh"
# shellcheck source=lib/gateway_config.sh
source "$LIB/gateway_config.sh"
# shellcheck source=lib/gateway.sh
source "$LIB/gateway.sh"
# shellcheck source=lib/dev_env.sh
source "$LIB/dev_env.sh"

BENCH_SECONDS=${BENCH_SECONDS:-20}
BENCH_WARMUP=${BENCH_WARMUP:-3}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
BENCH_HANDSHAKE_CONNECTIONS=${BENCH_HANDSHAKE_CONNECTIONS:-$BENCH_CONNECTIONS}
BENCH_PROFILE=${BENCH_PROFILE:-0}
BENCH_KEEP=${BENCH_KEEP:-0}
BENCH_WAIT_QUIET=${BENCH_WAIT_QUIET:-0}
BENCH_HANDSHAKES=${BENCH_HANDSHAKES:-1}

# Everything this script makes lives apart from scripts/run.sh's instance, so both can run at once.
BENCH_DIR=$LOCAL_DIR/bench
BUILD_DIR=${BENCH_BUILD_DIR:-$REPO_ROOT/build-bench}
PKI_DIR=$BENCH_DIR/pki
SECRETS_DIR=$BENCH_DIR/secrets
GATEWAY_CONF=$BENCH_DIR/gateway.conf
GATEWAY_READY_FILE=$BENCH_DIR/gatewayd.port
GATEWAY_STORAGE_DIR=$BENCH_DIR/files
GATEWAYD=${BENCH_GATEWAYD:-$BUILD_DIR/gateway/gatewayd}
GATEWAYCTL=$BUILD_DIR/tools/gatewayctl
GATEWAY_PID_FILE=$BENCH_DIR/gatewayd.pid
GATEWAY_LOG=$BENCH_DIR/gatewayd.log
ECHO_SERVER=$BUILD_DIR/bench/echo_server/echo_server
GATEWAY_LOAD=$BUILD_DIR/bench/load/gateway_load
ECHO_PID_FILE=$BENCH_DIR/echo_server.pid
ECHO_READY_FILE=$BENCH_DIR/echo_server.port
ECHO_LOG=$BENCH_DIR/echo_server.log
BENCH_DB_DIR=$BENCH_DIR/mariadb
RESULTS=$BENCH_DIR/results.jsonl
FORM_FILE=$REPO_ROOT/bench/payloads/form-5703-34.xml

readonly SUBMIT_PATH=/IntermediaryExternal/IntermediaryInboundBasic.svc
readonly SUBMIT_ACTION=http://www.altinn.no/services/Intermediary/Shipment/IntermediaryInbound/2009/10/IIntermediaryInboundExternalBasic/SubmitFormTaskBasic
readonly ENDUSER=enduser

ECHO_PID=""
PERF_PID=""
DB_PID=""
PROFILE_NEXT=0

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [[ -z $PERF_PID ]] || terminate_process "$PERF_PID" 30 perf
  if ((BENCH_KEEP)); then
    info "BENCH_KEEP=1: leaving the gateway, the echo server and the database running"
    exit "$status"
  fi
  [[ -z $ECHO_PID ]] || { info "stopping the echo server (pid $ECHO_PID)"; terminate_process "$ECHO_PID" 15 echo_server; }
  rm -f "$ECHO_PID_FILE" "$ECHO_READY_FILE"
  [[ -z $GATEWAY_PID ]] || gateway_stop
  if ((DB_STARTED)); then db_stop "$BENCH_DB_DIR"; fi
  exit "$status"
}

check_number() {
  [[ $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || die "$1 must be a positive whole number (got '$2')"
}

build_release() {
  local jobs=${GATEWAY_BUILD_JOBS:-$(nproc)}
  info "configuring a Release build in $BUILD_DIR"
  cmake -S "$REPO_ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DGATEWAY_BUILD_TESTS=OFF >/dev/null
  info "building gatewayd gatewayctl echo_server gateway_load (-j$jobs)"
  cmake --build "$BUILD_DIR" -j"$jobs" --target gatewayd gatewayctl echo_server gateway_load
}

# A fresh database for every run, so earlier runs' submissions do not change the figures.
start_database() {
  db_start "$BENCH_DB_DIR"
  DB_SOCKET=$(db_socket "$BENCH_DB_DIR") DB_HOST="" DB_PORT="" DB_USER=gateway DB_NAME=gateway_bench
  DB_PASSWORD=$(read_or_create_secret "$SECRETS_DIR/db_password")
  info "making a fresh database $DB_NAME"
  db_sql "$BENCH_DB_DIR" -e "DROP DATABASE IF EXISTS \`$DB_NAME\`"
  db_ensure_app_user "$BENCH_DB_DIR" "$DB_USER" "$DB_PASSWORD" "$DB_NAME"
  rm -rf "$GATEWAY_STORAGE_DIR"
}

start_echo_server() {
  rm -f "$ECHO_READY_FILE"
  ECHO_PID=$(start_detached "$ECHO_LOG" "$ECHO_SERVER" --host 127.0.0.1 --port 0 --ready-file "$ECHO_READY_FILE" \
    --cert "$PKI_DIR/server/server.pem" --key "$PKI_DIR/server/server.key" \
    --ca "$PKI_DIR/ca/chain.pem" --crl "$PKI_DIR/ca/crl.pem")
  printf '%s\n' "$ECHO_PID" >"$ECHO_PID_FILE"
  wait_until 20 test -s "$ECHO_READY_FILE" || {
    show_log_tail "$ECHO_LOG"
    die "echo_server did not start"
  }
  ECHO_URL="https://127.0.0.1:$(tr -dc '0-9' <"$ECHO_READY_FILE")/echo"
}

# The request bodies: the same ~4 KB form, escaped into FormData (gateway) or the echo argument.
# {{SEQ}} is replaced by gateway_load with a reference unique to the request.
write_bodies() {
  FORM=$FORM_FILE USER_NAME=$(enduser_field system_user) PASSWORD_FILE=$(system_password_file "$ENDUSER") \
    ECHO_BODY=$BENCH_DIR/echo_body.xml SUBMIT_BODY=$BENCH_DIR/submit_body.xml python3 - <<'PY'
import os
from xml.sax.saxutils import escape

env = os.environ
with open(env["FORM"], encoding="utf-8") as f:
    form = f.read()
with open(env["PASSWORD_FILE"], encoding="utf-8") as f:
    password = f.read().strip()
soap = '<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
end = "</s:Body></s:Envelope>\n"
echo = soap + '<e:echo xmlns:e="urn:gateway-bench:echo"><e:in>' + escape(form) + "</e:in></e:echo>" + end
submit = (soap
          + '<SubmitFormTaskBasic xmlns="http://www.altinn.no/services/Intermediary/Shipment/IntermediaryInbound/2009/10">'
          + "<systemUserName>" + escape(env["USER_NAME"]) + "</systemUserName>"
          + "<systemPassword>" + escape(password) + "</systemPassword>"
          + "<formTaskShipment><Reportee>910000306</Reportee>"
          + "<ExternalShipmentReference>bench-{{SEQ}}</ExternalShipmentReference>"
          + "<FormTasks><ServiceCode>4711</ServiceCode><ServiceEdition>1</ServiceEdition><Forms><Form>"
          + "<Completed>true</Completed><DataFormatId>5703</DataFormatId><DataFormatVersion>34</DataFormatVersion>"
          + "<EndUserSystemReference>{{SEQ}}</EndUserSystemReference>"
          + "<FormData>" + escape(form) + "</FormData>"
          + "</Form></Forms></FormTasks></formTaskShipment></SubmitFormTaskBasic>" + end)
for name, text in (("ECHO_BODY", echo), ("SUBMIT_BODY", submit)):
    fd = os.open(env[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # the submit body holds a password
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
PY
}

# The system user of the end-user identity, from scripts/lib/dev_env.sh's table.
enduser_field() {
  local row name org code user role org_name
  for row in "${DEV_SYSTEMS[@]}"; do
    IFS='|' read -r name org code user role org_name <<<"$row"
    [[ $name == "$ENDUSER" ]] && { printf '%s' "$user"; return 0; }
  done
  die "no $ENDUSER identity in DEV_SYSTEMS"
}

# load <label> <url> <body> <connections> [gateway_load options...]: one measured run.
load() {
  local label=$1 url=$2 body=$3 connections=$4 output
  shift 4
  wait_for_quiet_machine
  if ((PROFILE_NEXT)); then
    PROFILE_NEXT=0
    start_profile
  fi
  info "run: $label ($connections connections, ${BENCH_WARMUP}s warm-up + ${BENCH_SECONDS}s)"
  output=$("$GATEWAY_LOAD" --url "$url" --label "$label" --connections "$connections" \
    --duration "$BENCH_SECONDS" --warmup "$BENCH_WARMUP" --body-file "$body" \
    --watch "echo_server=$ECHO_PID" --watch "gatewayd=$GATEWAY_PID" --watch "mariadbd=$DB_PID" \
    --cert "$PKI_DIR/clients/$ENDUSER.pem" --key "$PKI_DIR/clients/$ENDUSER.key" --ca "$PKI_DIR/ca/chain.pem" \
    "$@") || true
  printf '%s\n' "$output" | grep -v '^RESULT ' | sed 's/^/    /'
  printf '%s\n' "$output" | sed -n 's/^RESULT //p' >>"$RESULTS"
}

# Percentage of CPU time the machine spent busy over one second (everyone's, before we start).
machine_busy_percent() {
  local a b
  read -r -a a < <(head -1 /proc/stat)
  sleep 1
  read -r -a b < <(head -1 /proc/stat)
  local idle=$(((b[4] + b[5]) - (a[4] + a[5]))) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  ((total > 0)) || { echo 0; return; }
  echo $((100 * (total - idle) / total))
}

# Waits (up to BENCH_WAIT_QUIET seconds) until other processes leave the machine under 10% busy.
wait_for_quiet_machine() {
  ((BENCH_WAIT_QUIET > 0)) || return 0
  local deadline=$((SECONDS + BENCH_WAIT_QUIET)) busy
  while busy=$(machine_busy_percent) && ((busy >= 10)); do
    if ((SECONDS >= deadline)); then
      warn "the machine is still ${busy}% busy after ${BENCH_WAIT_QUIET}s; measuring anyway"
      return 0
    fi
  done
}

start_profile() {
  command -v perf >/dev/null || { warn "BENCH_PROFILE=1 but perf is not installed (apt-get install linux-perf)"; return 0; }
  info "recording gatewayd and MariaDB with perf (cpu-clock, DWARF call graphs) over the measured window"
  # Starts after the warm-up, so the first requests' slow password checks (before the credential
  # cache is warm) do not swamp the profile. DWARF unwinding: the Debian libraries and a Release
  # build keep no frame pointers.
  (
    sleep "$BENCH_WARMUP"
    exec perf record -e cpu-clock -F 199 --call-graph dwarf,16384 -p "$GATEWAY_PID,$DB_PID" \
      -o "$BENCH_DIR/perf.data" -- sleep "$BENCH_SECONDS" >"$BENCH_DIR/perf.log" 2>&1
  ) &
  PERF_PID=$!
}

stop_profile() {
  [[ -n $PERF_PID ]] || return 0
  wait "$PERF_PID" 2>/dev/null || true
  PERF_PID=""
  local comm
  : >"$BENCH_DIR/profile.txt"
  for comm in gatewayd mariadbd; do
    {
      printf '%s: share of its own CPU time, including callees (symbols without names left out)\n' "$comm"
      # awk rather than head: head would close the pipe early, and SIGPIPE under pipefail ends the script.
      perf report -i "$BENCH_DIR/perf.data" --comm "$comm" --children --sort symbol --stdio -g none 2>/dev/null |
        awk '/^ +[0-9.]+%/ && !/ 0x0000/ && n < 45 { print substr($0, 1, 160); n++ }' || true
      printf '\n'
    } >>"$BENCH_DIR/profile.txt"
  done
  info "where the CPU goes ($BENCH_DIR/profile.txt; data: $BENCH_DIR/perf.data, perf report -i ... to explore)"
  sed 's/^/    /' "$BENCH_DIR/profile.txt"
}

print_report() {
  local flush sync_binlog log_bin doublewrite commit
  read -r flush sync_binlog log_bin doublewrite < <(db_sql "$BENCH_DB_DIR" -e \
    "SELECT @@innodb_flush_log_at_trx_commit, @@sync_binlog, @@log_bin, @@innodb_doublewrite")
  commit=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [[ -z $(git -C "$REPO_ROOT" status --porcelain 2>/dev/null | awk 'NR == 1') ]] || commit="$commit (with uncommitted changes)"
  RESULTS=$RESULTS MACHINE_CPUS=$(nproc) \
    MACHINE_CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) \
    MACHINE_RAM=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) \
    MACHINE_KERNEL=$(uname -r) BUSY=$BUSY_BEFORE \
    DURABILITY="innodb_flush_log_at_trx_commit=$flush, sync_binlog=$sync_binlog (log_bin=$log_bin), innodb_doublewrite=$doublewrite" \
    WHEN=$(date -u '+%Y-%m-%d %H:%M UTC') COMMIT=$commit \
    COMMAND="BENCH_SECONDS=$BENCH_SECONDS BENCH_WARMUP=$BENCH_WARMUP BENCH_CONNECTIONS=$BENCH_CONNECTIONS BENCH_HANDSHAKE_CONNECTIONS=$BENCH_HANDSHAKE_CONNECTIONS scripts/bench.sh" \
    python3 - <<'PY'
import json
import os

env = os.environ
runs = {}
with open(env["RESULTS"], encoding="utf-8") as f:
    for line in f:
        if line.strip():
            r = json.loads(line)
            runs[r["label"]] = r

def row(r):
    if r is None:
        return None
    return r

pairs = [
    ("keep-alive", "echo keepalive", "gateway keepalive"),
    ("handshake per request, full", "echo handshake", "gateway handshake"),
    ("handshake per request, resumed", "echo handshake+resume", "gateway handshake+resume"),
]

def fmt(v, d=1):
    return f"{v:,.{d}f}"

print()
print("## Results")
print()
print(f"- date: {env['WHEN']}, commit {env['COMMIT']}")
print(f"- machine: {env['MACHINE_CPUS']} CPUs ({env['MACHINE_CPU']}), {env['MACHINE_RAM']} RAM, Linux {env['MACHINE_KERNEL']};"
      f" load generator, servers and MariaDB share the machine")
print(f"- CPU busy before the run (other processes): {env['BUSY']}%")
print(f"- MariaDB durability: {env['DURABILITY']}")
print(f"- command: `{env['COMMAND']}`")
print("- server CPU us/req: CPU time of the server process (gateway: gatewayd + MariaDB) per successful request;"
      " cores: CPU seconds per second of each party over the measured window")
print()
print("| mode | server | conns | requests/s | p50 ms | p90 ms | p99 ms | max ms | errors | server CPU us/req | cores: load gen / server / MariaDB / other | TLS |")
print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|")
for mode, echo, gw in pairs:
    for who, label in (("echo", echo), ("gateway", gw)):
        r = runs.get(label)
        if r is None:
            print(f"| {mode} | {who} | | not measured | | | | | | | | |")
            continue
        extra = r["tls"]
        if r["mode"] == "handshake":
            extra += f"; resumed {r['resumed']}/{r['handshakes']}"
        cpu = r.get("cpu", {})
        server = "echo_server" if who == "echo" else "gatewayd"
        us = cpu.get(f"{server}_us_per_request", 0) + (cpu.get("mariadbd_us_per_request", 0) if who == "gateway" else 0)
        cores = (f"{cpu.get('gateway_load', 0):.2f} / {cpu.get(server, 0):.2f} / {cpu.get('mariadbd', 0):.2f}"
                 f" / {cpu.get('other', 0):.2f}")
        print(f"| {mode} | {who} | {r['connections']} | {fmt(r['rps'])} | {fmt(r['p50_ms'], 2)} | {fmt(r['p90_ms'], 2)} |"
              f" {fmt(r['p99_ms'], 2)} | {fmt(r['max_ms'], 2)} | {r['errors']} | {us:,.0f} | {cores} | {extra} |")
print()
print("| mode | gateway/echo requests/s | gateway/echo p99 | gateway/echo server CPU per request |")
print("|---|--:|--:|--:|")
for mode, echo, gw in pairs:
    e, g = runs.get(echo), runs.get(gw)
    if e and g and e["rps"] > 0 and e["p99_ms"] > 0:
        ecpu = e.get("cpu", {}).get("echo_server_us_per_request", 0)
        gcpu = g.get("cpu", {}).get("gatewayd_us_per_request", 0) + g.get("cpu", {}).get("mariadbd_us_per_request", 0)
        cpu_ratio = f"{gcpu / ecpu:.2f}" if ecpu > 0 else "n/a"
        print(f"| {mode} | {g['rps'] / e['rps']:.3f} | {g['p99_ms'] / e['p99_ms']:.2f} | {cpu_ratio} |")
    else:
        print(f"| {mode} | n/a | n/a | n/a |")
print()
targets = [
    ("keep-alive: >= 5,000 submissions/s", runs.get("gateway keepalive"), lambda r: r["rps"] >= 5000),
    ("keep-alive: p99 <= 20 ms", runs.get("gateway keepalive"), lambda r: r["p99_ms"] <= 20),
    ("handshake per request (full): >= 1,000/s", runs.get("gateway handshake"), lambda r: r["rps"] >= 1000),
    ("handshake per request (resumed): >= 1,000/s", runs.get("gateway handshake+resume"), lambda r: r["rps"] >= 1000),
]
print("Targets (2-core machine, durable commits):")
for name, r, ok in targets:
    verdict = "not measured" if r is None else ("met" if ok(r) and r["errors"] == 0 else "MISSED")
    print(f"- {name}: {verdict}")
errors = [r for r in runs.values() if r["errors"]]
for r in errors:
    print(f"- {r['label']}: {r['errors']} errors; first: {r['first_error'][:300]}")
PY
}

main() {
  (($# == 0)) || die "usage: scripts/bench.sh   (settings through BENCH_* variables; see the header)"
  check_number BENCH_SECONDS "$BENCH_SECONDS"
  check_number BENCH_WARMUP "$BENCH_WARMUP"
  check_number BENCH_CONNECTIONS "$BENCH_CONNECTIONS"
  check_number BENCH_HANDSHAKE_CONNECTIONS "$BENCH_HANDSHAKE_CONNECTIONS"
  [[ $BENCH_WAIT_QUIET =~ ^[0-9]+$ ]] || die "BENCH_WAIT_QUIET must be a whole number of seconds (got '$BENCH_WAIT_QUIET')"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  mkdir -p "$BENCH_DIR"

  ensure_packages
  build_release
  info "making the development PKI in $PKI_DIR"
  "$REPO_ROOT/certs/make-dev-pki.sh" "$PKI_DIR" >/dev/null
  start_database
  write_gateway_config 0
  info "migrating the database"
  gatewayctl migrate >/dev/null
  provision_dev_identities >/dev/null
  if gateway_pid >/dev/null; then gateway_stop; fi
  : >"$GATEWAY_LOG"
  gateway_start detached
  gateway_wait_ready 0
  start_echo_server
  write_bodies
  DB_PID=$(db_pid "$BENCH_DB_DIR")
  info "gateway $GATEWAY_URL (pid $GATEWAY_PID), echo $ECHO_URL (pid $ECHO_PID), MariaDB pid $DB_PID"

  wait_for_quiet_machine
  BUSY_BEFORE=$(machine_busy_percent)
  ((BUSY_BEFORE < 10)) || warn "the machine was ${BUSY_BEFORE}% busy before the run: the figures will be low and noisy"
  : >"$RESULTS"

  load "echo keepalive" "$ECHO_URL" "$BENCH_DIR/echo_body.xml" "$BENCH_CONNECTIONS" --mode keepalive
  PROFILE_NEXT=$BENCH_PROFILE   # the next run is recorded (after its quiet-machine wait)
  load "gateway keepalive" "$GATEWAY_URL$SUBMIT_PATH" "$BENCH_DIR/submit_body.xml" "$BENCH_CONNECTIONS" \
    --mode keepalive --soap-action "$SUBMIT_ACTION" --unique-ref
  stop_profile
  if ((BENCH_HANDSHAKES)); then
    load "echo handshake" "$ECHO_URL" "$BENCH_DIR/echo_body.xml" "$BENCH_HANDSHAKE_CONNECTIONS" --mode handshake
    load "gateway handshake" "$GATEWAY_URL$SUBMIT_PATH" "$BENCH_DIR/submit_body.xml" "$BENCH_HANDSHAKE_CONNECTIONS" \
      --mode handshake --soap-action "$SUBMIT_ACTION" --unique-ref
    load "echo handshake+resume" "$ECHO_URL" "$BENCH_DIR/echo_body.xml" "$BENCH_HANDSHAKE_CONNECTIONS" \
      --mode handshake --resume
    load "gateway handshake+resume" "$GATEWAY_URL$SUBMIT_PATH" "$BENCH_DIR/submit_body.xml" \
      "$BENCH_HANDSHAKE_CONNECTIONS" --mode handshake --resume --soap-action "$SUBMIT_ACTION" --unique-ref
  fi

  print_report
  info "raw results: $RESULTS; gateway log: $GATEWAY_LOG"
}

main "$@"
