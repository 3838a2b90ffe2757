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
# BENCH_STREAMING=1 adds the streaming runs (bench/stream/stream_load: 30 MB MTOM uploads and
# downloads with 1 and 8 clients against a bare-TLS sink/source baseline); BENCH_FORMS=0 leaves out
# runs 1-6 (e.g. BENCH_STREAMING=1 BENCH_FORMS=0 scripts/bench.sh measures streaming only).
# BENCH_BROKER=1 adds the broker runs: the same stream_load with --broker (BENCH_BROKER_BYTES, 100 MB
# files, through UploadFileStreamedBasic / DownloadFileStreamedBasic of the broker service, 1 and 8
# clients) against the same bare-TLS baseline moving the same bytes.
# BENCH_PUSH=1 (with BENCH_PROFILE=1: gatewayd and MariaDB recorded with perf while each push run
# drains) adds the push runs (bench/push/push_receiver): the receiver's raw request rate from
# gateway_load (the baseline), then for each CHANNELS:THREADS of BENCH_PUSH_RUNS ("1:1 4:1 4:2 4:4"):
# BENCH_PUSH_ITEMS (2000) submissions loaded into the outbox of CHANNELS push channels while the push
# worker is off, then gatewayd restarted with push.threads=THREADS and timed until the receiver has
# answered them all (deliveries/s from its first call to its last).
#
# BENCH_CORRESPONDENCE=1 adds the correspondence runs: InsertCorrespondenceBasicV2 with one e-mail
# notification each (service owner certificate, keep-alive, BENCH_CONNECTIONS connections) while the
# outbox worker is off, then gatewayd restarted with the worker on and a loopback SMTP relay
# (tests/e2e/support/smtp_sink.py, STARTTLS on the bench PKI) and the e-mails handed to the relay
# counted for BENCH_DRAIN_SECONDS (30).
# BENCH_NOTIFY=1 adds the notification runs (scripts/lib/bench_notify.sh: outbox drain rate to a
# local SMTP relay against the gateway's SMTP client sending straight to it, and the rate
# SendStandaloneNotificationBasic requests are accepted).
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
BENCH_FORMS=${BENCH_FORMS:-1}
BENCH_STREAMING=${BENCH_STREAMING:-0}
BENCH_STREAM_CLIENTS=${BENCH_STREAM_CLIENTS:-1 8}   # one streaming run per client count
BENCH_STREAM_BYTES=${BENCH_STREAM_BYTES:-30000000}
BENCH_STREAM_ROUNDS=${BENCH_STREAM_ROUNDS:-3}
BENCH_BROKER=${BENCH_BROKER:-0}
BENCH_BROKER_CLIENTS=${BENCH_BROKER_CLIENTS:-1 8}
BENCH_BROKER_BYTES=${BENCH_BROKER_BYTES:-100000000}
BENCH_BROKER_ROUNDS=${BENCH_BROKER_ROUNDS:-2}
BENCH_PUSH=${BENCH_PUSH:-0}
BENCH_PUSH_RUNS=${BENCH_PUSH_RUNS:-1:1 4:1 4:2 4:4}
BENCH_PUSH_ITEMS=${BENCH_PUSH_ITEMS:-2000}
BENCH_CORRESPONDENCE=${BENCH_CORRESPONDENCE:-0}
BENCH_DRAIN_SECONDS=${BENCH_DRAIN_SECONDS:-30}

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
STREAM_LOAD=$BUILD_DIR/bench/stream/stream_load
STREAM_RESULTS=$BENCH_DIR/stream_results.jsonl
PUSH_RECEIVER=$BUILD_DIR/bench/push/push_receiver
PUSH_RESULTS=$BENCH_DIR/push_results.jsonl
PUSH_RECEIVER_PIDS=()
ECHO_PID_FILE=$BENCH_DIR/echo_server.pid
ECHO_READY_FILE=$BENCH_DIR/echo_server.port
ECHO_LOG=$BENCH_DIR/echo_server.log
BENCH_DB_DIR=$BENCH_DIR/mariadb
RESULTS=$BENCH_DIR/results.jsonl
FORM_FILE=$REPO_ROOT/bench/payloads/form-5703-34.xml

readonly SUBMIT_PATH=/IntermediaryExternal/IntermediaryInboundBasic.svc
readonly SUBMIT_ACTION=http://www.altinn.no/services/Intermediary/Shipment/IntermediaryInbound/2009/10/IIntermediaryInboundExternalBasic/SubmitFormTaskBasic
readonly ENDUSER=enduser
readonly CORRESPONDENCE_PATH=/ServiceEngineExternal/CorrespondenceAgencyExternalBasic.svc
readonly CORRESPONDENCE_ACTION=http://www.altinn.no/services/ServiceEngine/Correspondence/2009/10/ICorrespondenceAgencyExternalBasic/InsertCorrespondenceBasicV2
SMTP_SINK_PID=""

# shellcheck source=lib/bench_notify.sh
source "$LIB/bench_notify.sh"

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
  local pid
  for pid in "${PUSH_RECEIVER_PIDS[@]}"; do terminate_process "$pid" 15 push_receiver; done
  [[ -z $SMTP_SINK_PID ]] || terminate_process "$SMTP_SINK_PID" 15 smtp_sink
  stop_smtp_counter
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
  local targets=(gatewayd gatewayctl echo_server gateway_load)
  ((BENCH_STREAMING || BENCH_BROKER)) && targets+=(stream_load)
  ((BENCH_PUSH)) && targets+=(push_receiver)
  ((BENCH_NOTIFY)) && targets+=(smtp_blast)
  info "building ${targets[*]} (-j$jobs)"
  cmake --build "$BUILD_DIR" -j"$jobs" --target "${targets[@]}"
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
enduser_field() { identity_system_user "$ENDUSER"; }

# identity_system_user <identity>: its system user name, from scripts/lib/dev_env.sh's table.
identity_system_user() {
  local row name org code user role org_name
  for row in "${DEV_SYSTEMS[@]}"; do
    IFS='|' read -r name org code user role org_name <<<"$row"
    [[ $name == "$1" ]] && { printf '%s' "$user"; return 0; }
  done
  die "no $1 identity in DEV_SYSTEMS"
}

# stream <clients> [broker]: the bare-TLS baseline, then the gateway, BENCH_STREAM_ROUNDS rounds each
# of <clients> concurrent uploads of BENCH_STREAM_BYTES and their downloads (with "broker": the
# broker service's operations, BENCH_BROKER_ROUNDS rounds of BENCH_BROKER_BYTES, labels "broker-tls
# N" / "broker N").
stream() {
  local clients=$1 mode=${2:-attachments} output who
  local rounds=$BENCH_STREAM_ROUNDS bytes=$BENCH_STREAM_BYTES prefix="" gateway_label="gateway" extra=()
  if [[ $mode == broker ]]; then
    rounds=$BENCH_BROKER_ROUNDS bytes=$BENCH_BROKER_BYTES prefix="broker-" gateway_label="broker" extra=(--broker)
  fi
  local tls=(--ca "$PKI_DIR/ca/chain.pem" --cert "$PKI_DIR/clients/$ENDUSER.pem" --key "$PKI_DIR/clients/$ENDUSER.key"
    --clients "$clients" --rounds "$rounds" --bytes "$bytes")
  for who in baseline gateway; do
    wait_for_quiet_machine
    info "run: streaming ($mode) $who, $clients client(s), $rounds rounds of $bytes bytes up and down"
    if [[ $who == baseline ]]; then
      output=$("$STREAM_LOAD" --baseline "${tls[@]}" --label "${prefix}tls $clients" \
        --server-cert "$PKI_DIR/server/server.pem" --server-key "$PKI_DIR/server/server.key" 2>&1) || true
    else
      output=$("$STREAM_LOAD" "${tls[@]}" "${extra[@]}" --label "$gateway_label $clients" --url "${GATEWAY_URL%/}" --gateway-pid "$GATEWAY_PID" \
        --user "$(identity_system_user "$ENDUSER")" --password-file "$(system_password_file "$ENDUSER")" \
        --owner-cert "$PKI_DIR/clients/agency.pem" --owner-key "$PKI_DIR/clients/agency.key" \
        --owner-user "$(identity_system_user agency)" --owner-password-file "$(system_password_file agency)" 2>&1) || true
    fi
    printf '%s\n' "$output" | grep -v '^RESULT ' | sed 's/^/    /'
    printf '%s\n' "$output" | sed -n 's/^RESULT //p' >>"$STREAM_RESULTS"
  done
}

# start_push_receiver <log> [--expect N]: a push_receiver on a free port; sets RECEIVER_URL/RECEIVER_PID.
start_push_receiver() {
  local log=$1 ready=$BENCH_DIR/push_receiver.port
  shift
  rm -f "$ready"
  : >"$log"
  RECEIVER_PID=$(start_detached "$log" "$PUSH_RECEIVER" --pki "$PKI_DIR" --ready-file "$ready" "$@")
  PUSH_RECEIVER_PIDS+=("$RECEIVER_PID")
  wait_until 20 test -s "$ready" || { show_log_tail "$log"; die "push_receiver did not start"; }
  RECEIVER_URL="https://127.0.0.1:$(tr -dc '0-9' <"$ready")/OnlineBatchReceiver/OnlineBatchReceiver.asmx"
}

stop_push_receiver() {
  terminate_process "$RECEIVER_PID" 15 push_receiver
  local kept=() pid
  for pid in "${PUSH_RECEIVER_PIDS[@]}"; do [[ $pid == "$RECEIVER_PID" ]] || kept+=("$pid"); done
  PUSH_RECEIVER_PIDS=("${kept[@]}")
}

# The receiver's request body: what the gateway sends (a DataBatch around the same ~4 KB form).
write_push_body() {
  FORM=$FORM_FILE OUT=$BENCH_DIR/push_body.xml python3 - <<'PY'
import os
from xml.sax.saxutils import escape

with open(os.environ["FORM"], encoding="utf-8") as f:
    form = f.read()
batch = ('<?xml version="1.0" encoding="utf-8"?><DataBatch schemaVersion="1.0"><DataUnits><DataUnit>'
         '<Reportee>910000306</Reportee><ArchiveReference>AR{{SEQ}}</ArchiveReference>'
         '<FormTask><ServiceCode>4711</ServiceCode><ServiceEditionCode>1</ServiceEditionCode><Form>'
         '<DataFormatId>5703</DataFormatId><DataFormatVersion>34</DataFormatVersion><FormData>'
         + escape(form) + '</FormData></Form></FormTask></DataUnit></DataUnits></DataBatch>')
body = ('<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        '<ReceiveOnlineBatchExternalAttachment xmlns="http://AltInn.no/webservices/">'
        '<username>bench</username><passwd>bench</passwd><receiversReference>AR{{SEQ}}</receiversReference>'
        '<sequenceNumber>1</sequenceNumber><batch>' + escape(batch) + '</batch>'
        '</ReceiveOnlineBatchExternalAttachment></s:Body></s:Envelope>\n')
with open(os.environ["OUT"], "w", encoding="utf-8") as f:
    f.write(body)
PY
}

# The baseline: gateway_load straight at a receiver, keep-alive, 1 and 4 connections.
push_baseline() {
  local connections output
  start_push_receiver "$BENCH_DIR/push_receiver_baseline.log"
  for connections in 1 4; do
    wait_for_quiet_machine
    info "run: push baseline, gateway_load -> push_receiver, $connections connection(s), ${BENCH_SECONDS}s"
    output=$("$GATEWAY_LOAD" --url "$RECEIVER_URL" --label "receiver $connections" --connections "$connections" \
      --duration "$BENCH_SECONDS" --warmup "$BENCH_WARMUP" --body-file "$BENCH_DIR/push_body.xml" --unique-ref \
      --soap-action http://AltInn.no/webservices/ReceiveOnlineBatchExternalAttachment --mode keepalive \
      --watch "push_receiver=$RECEIVER_PID" \
      --cert "$PKI_DIR/clients/agency.pem" --key "$PKI_DIR/clients/agency.key" --ca "$PKI_DIR/ca/chain.pem") || true
    printf '%s\n' "$output" | grep -v '^RESULT ' | sed 's/^/    /'
    printf '%s\n' "$output" | sed -n 's/^RESULT //p' | python3 -c 'import json, sys
r = json.loads(sys.stdin.read() or "{}")
print(json.dumps({"kind": "baseline", "connections": r.get("connections"), "per_s": r.get("rps", 0), "errors": r.get("errors")}))' >>"$PUSH_RESULTS"
  done
  stop_push_receiver
}

# Editions 2..n of service 4711 (same owner, same form) so that runs can use several channels.
ensure_push_services() {
  local edition
  for ((edition = 2; edition <= $1; edition++)); do
    gatewayctl service add --owner ETAT --code 4711 --edition "$edition" --name "Utviklingsskjema $edition" \
      --format 5703:34 --kind FormTask --if-missing >/dev/null
  done
}

# InsertCorrespondenceBasicV2 with one e-mail notification (template DevVarsel), unique reference per request.
write_correspondence_body() {
  USER_NAME=$(identity_system_user agency) PASSWORD_FILE=$(system_password_file agency) \
    OUT=$BENCH_DIR/correspondence_body.xml python3 - <<'PY'
import os
from xml.sax.saxutils import escape

env = os.environ
with open(env["PASSWORD_FILE"], encoding="utf-8") as f:
    password = f.read().strip()
body = ('<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        '<InsertCorrespondenceBasicV2 xmlns="http://www.altinn.no/services/ServiceEngine/Correspondence/2009/10">'
        '<systemUserName>' + escape(env["USER_NAME"]) + '</systemUserName>'
        '<systemPassword>' + escape(password) + '</systemPassword>'
        '<SystemUserCode>ETAT</SystemUserCode><ExternalShipmentReference>bench-{{SEQ}}</ExternalShipmentReference>'
        '<Correspondence xmlns:c="http://schemas.altinn.no/services/ServiceEngine/Correspondence/2010/10"'
        ' xmlns:n="http://schemas.altinn.no/services/ServiceEngine/Notification/2009/10">'
        '<c:ServiceCode>4711</c:ServiceCode><c:ServiceEdition>1</c:ServiceEdition><c:Reportee>910000306</c:Reportee>'
        '<c:Content><c:LanguageCode>1044</c:LanguageCode><c:MessageTitle>Vedtak om tilskudd – æøå</c:MessageTitle>'
        '<c:MessageSummary>Sammendrag</c:MessageSummary>'
        '<c:MessageBody>' + escape("<p>Vi har behandlet søknaden din. " * 20 + "</p>") + '</c:MessageBody></c:Content>'
        '<c:Notifications><n:Notification><n:FromAddress>etat@example.no</n:FromAddress>'
        '<n:LanguageCode>1044</n:LanguageCode><n:NotificationType>DevVarsel</n:NotificationType>'
        '<n:TextTokens><n:TextToken><n:TokenNum>0</n:TokenNum><n:TokenValue>vedtak</n:TokenValue></n:TextToken>'
        '<n:TextToken><n:TokenNum>1</n:TokenNum><n:TokenValue>Etaten</n:TokenValue></n:TextToken></n:TextTokens>'
        '<n:ReceiverEndPoints><n:ReceiverEndPoint><n:TransportType>Email</n:TransportType>'
        '<n:ReceiverAddress>bench@example.no</n:ReceiverAddress></n:ReceiverEndPoint></n:ReceiverEndPoints>'
        '</n:Notification></c:Notifications></Correspondence></InsertCorrespondenceBasicV2></s:Body></s:Envelope>\n')
fd = os.open(env["OUT"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # holds a password
with os.fdopen(fd, "w", encoding="utf-8") as f:
    f.write(body)
PY
}

outbox_count() { db_sql "$BENCH_DB_DIR" -N -e "SELECT COUNT(*) FROM \`$DB_NAME\`.notification_outbox WHERE $1"; }

# Inserts for BENCH_SECONDS with the outbox worker off, then drains to a loopback SMTP relay.
correspondence_runs() {
  local output sent_before sent_after pending relay_port ready=$BENCH_DIR/smtp_sink.ready mails=$BENCH_DIR/mails
  write_correspondence_body
  gateway_stop
  GATEWAY_DELIVERY_ENABLED=0 gateway_start detached
  gateway_wait_ready 0
  wait_for_quiet_machine
  info "run: InsertCorrespondenceBasicV2 + 1 notification ($BENCH_CONNECTIONS connections, ${BENCH_WARMUP}s warm-up + ${BENCH_SECONDS}s)"
  output=$("$GATEWAY_LOAD" --url "$GATEWAY_URL$CORRESPONDENCE_PATH" --label "correspondence keepalive" \
    --connections "$BENCH_CONNECTIONS" --duration "$BENCH_SECONDS" --warmup "$BENCH_WARMUP" \
    --body-file "$BENCH_DIR/correspondence_body.xml" --mode keepalive --soap-action "$CORRESPONDENCE_ACTION" \
    --unique-ref --watch "gatewayd=$GATEWAY_PID" --watch "mariadbd=$DB_PID" \
    --cert "$PKI_DIR/clients/agency.pem" --key "$PKI_DIR/clients/agency.key" --ca "$PKI_DIR/ca/chain.pem" 2>&1) || true
  printf '%s\n' "$output" | grep -v '^RESULT ' | sed 's/^/    /'
  printf '%s\n' "$output" | sed -n 's/^RESULT //p' >>"$RESULTS"
  pending=$(outbox_count "state = 'pending'")
  info "outbox: $pending pending e-mails"

  rm -rf "$mails" "$ready"
  mkdir -p "$mails"
  relay_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  SMTP_SINK_PID=$(start_detached "$BENCH_DIR/smtp_sink.log" "$(system_python)" "$REPO_ROOT/tests/e2e/support/smtp_sink.py" \
    --dir "$mails" --port "$relay_port" --ready-file "$ready" \
    --cert "$PKI_DIR/server/server.pem" --key "$PKI_DIR/server/server.key")
  wait_until 20 test -s "$ready" || { show_log_tail "$BENCH_DIR/smtp_sink.log"; die "smtp_sink.py did not start"; }
  gateway_stop
  wait_for_quiet_machine
  sent_before=$(outbox_count "state = 'sent'")
  GATEWAY_DELIVERY_ENABLED=1 GATEWAY_DELIVERY_POLL_INTERVAL_MS=100 GATEWAY_DELIVERY_BATCH_SIZE=100 \
    GATEWAY_SMTP_HOST=127.0.0.1 GATEWAY_SMTP_PORT=$relay_port GATEWAY_SMTP_STARTTLS=required \
    GATEWAY_SMTP_CA_FILE=$PKI_DIR/ca/chain.pem gateway_start detached
  gateway_wait_ready 0
  info "run: outbox drain to the loopback SMTP relay (STARTTLS) for ${BENCH_DRAIN_SECONDS}s"
  sleep "$BENCH_DRAIN_SECONDS"
  sent_after=$(outbox_count "state = 'sent'")
  python3 -c 'import json, sys
sent = int(sys.argv[1]) - int(sys.argv[2]); seconds = int(sys.argv[3])
print(json.dumps({"label": "outbox drain", "sent": sent, "seconds": seconds, "per_s": sent / seconds,
                  "pending_before": int(sys.argv[4]), "relay_files": int(sys.argv[5])}))' \
    "$sent_after" "$sent_before" "$BENCH_DRAIN_SECONDS" "$pending" "$(find "$mails" -name '*.mail' | wc -l)" \
    | tee -a "$BENCH_DIR/drain_results.jsonl" | sed 's/^/    /'
  terminate_process "$SMTP_SINK_PID" 15 smtp_sink
  SMTP_SINK_PID=""
}

pending_push_items() { db_sql "$BENCH_DB_DIR" -N -e "SELECT COUNT(*) FROM \`$DB_NAME\`.push_outbox WHERE state = 'pending'"; }

# push_run <channels> <threads>
push_run() {
  local channels=$1 threads=$2 per=$((BENCH_PUSH_ITEMS / $1)) edition output pending deadline result
  local total=$((per * channels))
  info "run: push, $total submissions over $channels channel(s), push.threads=$threads"
  ensure_push_services "$channels"
  start_push_receiver "$BENCH_DIR/push_receiver.log" --expect "$total"
  for ((edition = 1; edition <= channels; edition++)); do
    gatewayctl service channel --code 4711 --edition "$edition" --push "$RECEIVER_URL" --user bench >/dev/null
  done
  # Load the outbox with the worker off.
  gateway_stop
  GATEWAY_PUSH_THREADS=0 gateway_start detached
  gateway_wait_ready 0
  for ((edition = 1; edition <= channels; edition++)); do
    sed "s|<ServiceEdition>1</ServiceEdition>|<ServiceEdition>$edition</ServiceEdition>|" \
      "$BENCH_DIR/submit_body.xml" >"$BENCH_DIR/submit_body_$edition.xml"
    "$GATEWAY_LOAD" --url "$GATEWAY_URL$SUBMIT_PATH" --label "push preload" --connections 8 --requests "$per" \
      --warmup 0 --body-file "$BENCH_DIR/submit_body_$edition.xml" --mode keepalive --soap-action "$SUBMIT_ACTION" \
      --unique-ref --cert "$PKI_DIR/clients/$ENDUSER.pem" --key "$PKI_DIR/clients/$ENDUSER.key" \
      --ca "$PKI_DIR/ca/chain.pem" | grep -E '^[a-z].*(requests|errors)' | head -2 | sed 's/^/    preload: /' || true
  done
  pending=$(pending_push_items)
  info "outbox: $pending pending items"
  gateway_stop
  wait_for_quiet_machine
  GATEWAY_PUSH_THREADS=$threads GATEWAY_PUSH_POLL_INTERVAL_MS=100 \
    GATEWAY_PUSH_CLIENT_CERTIFICATE=$PKI_DIR/clients/agency.pem GATEWAY_PUSH_CLIENT_KEY=$PKI_DIR/clients/agency.key \
    GATEWAY_PUSH_CA_BUNDLE=$PKI_DIR/ca/chain.pem gateway_start detached
  gateway_wait_ready 0
  local profiling=0
  if ((BENCH_PROFILE)) && command -v perf >/dev/null; then
    profiling=1
    perf record -e cpu-clock -F 499 -g -p "$GATEWAY_PID,$DB_PID" -o "$BENCH_DIR/perf-push-$channels-$threads.data" \
      >"$BENCH_DIR/perf.log" 2>&1 &
    PERF_PID=$!
  fi
  deadline=$((SECONDS + 300))
  until grep -q '^RESULT ' "$BENCH_DIR/push_receiver.log"; do
    ((SECONDS < deadline)) || { warn "push: not all $total items delivered within 300s"; break; }
    sleep 0.2
  done
  if ((profiling)); then
    kill -INT "$PERF_PID" 2>/dev/null || true
    wait "$PERF_PID" 2>/dev/null || true
    PERF_PID=""
    info "where gatewayd's CPU goes while delivering (perf, $BENCH_DIR/perf-push-$channels-$threads.data)"
    perf report -i "$BENCH_DIR/perf-push-$channels-$threads.data" --comm gatewayd --children --sort symbol --stdio \
      -g none 2>/dev/null | awk '/^ +[0-9.]+%/ && !/ 0x0000/ && n < 30 { print "    " substr($0, 1, 150); n++ }' || true
  fi
  result=$(sed -n 's/^RESULT //p' "$BENCH_DIR/push_receiver.log" | head -1)
  printf '    receiver: %s; still pending: %s\n' "${result:-none}" "$(pending_push_items)"
  [[ -z $result ]] || CHANNELS=$channels THREADS=$threads PENDING=$pending R=$result python3 -c 'import json, os
r = json.loads(os.environ["R"])
r.update(kind="gateway", channels=int(os.environ["CHANNELS"]), threads=int(os.environ["THREADS"]), loaded=int(os.environ["PENDING"]))
print(json.dumps(r))' >>"$PUSH_RESULTS"
  stop_push_receiver
  # Back to the download queue, so that later runs' submissions are not pushed anywhere.
  for ((edition = 1; edition <= channels; edition++)); do
    gatewayctl service channel --code 4711 --edition "$edition" --queue >/dev/null
  done
}

print_push_report() {
  PUSH_RESULTS=$PUSH_RESULTS python3 - <<'PY'
import json
import os

rows = [json.loads(l) for l in open(os.environ["PUSH_RESULTS"], encoding="utf-8") if l.strip()]
base = {r["connections"]: r for r in rows if r["kind"] == "baseline"}
print()
print("## Push results")
print()
print("| what | channels | push.threads / connections | deliveries (requests)/s | vs. receiver baseline (most connections not above push.threads) |")
print("|---|--:|--:|--:|--:|")
for c, r in sorted(base.items()):
    print(f"| gateway_load -> receiver (baseline) | | {c} | {r['per_s']:,.0f} | 1.00 |")
best = 0
for r in rows:
    if r["kind"] != "gateway":
        continue
    best = max(best, r["per_s"])
    fit = [c for c in base if c <= min(r["threads"], r["channels"])]
    b = base[max(fit)] if fit else None
    ratio = f"{r['per_s'] / b['per_s']:.3f}" if b and b["per_s"] else "n/a"
    print(f"| gatewayd push outbox -> receiver ({r['calls']} of {r['loaded']} loaded) | {r['channels']} | {r['threads']} | {r['per_s']:,.0f} | {ratio} |")
print()
print(f"Target: >= 2,000 deliveries/s: best {best:,.0f}/s, " + ("met" if best >= 2000 else "MISSED"))
PY
}

# print_stream_report [broker]: the streamed-attachment table, or (broker) the broker table with its
# targets (issue 5: >= 60% of the TLS baseline, <= 4 MB RSS growth per transfer in flight).
print_stream_report() {
  MODE=${1:-attachments} STREAM_RESULTS=$STREAM_RESULTS BUSY=$BUSY_BEFORE WHEN=$(date -u '+%Y-%m-%d %H:%M UTC') \
    COMMIT=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown) python3 - <<'PY'
import json
import os

env = os.environ
runs = {}
with open(env["STREAM_RESULTS"], encoding="utf-8") as f:
    for line in f:
        if line.strip():
            r = json.loads(line)
            runs[r["label"]] = r
broker = env["MODE"] == "broker"
base_prefix, gateway_prefix = ("broker-tls", "broker") if broker else ("tls", "gateway")
runs = {label: r for label, r in runs.items()
        if label.split(" ")[0] in (base_prefix, gateway_prefix)}
print()
title = "Broker streaming results" if broker else "Streaming results"
print(f"## {title} ({env['WHEN']}, commit {env['COMMIT']}, other processes {env['BUSY']}% busy before)")
print()
print("| clients | direction | TLS baseline MB/s | gateway MB/s | gateway/baseline | gateway p50 ms | gateway max ms | gatewayd RSS growth per transfer in flight | CPU ms per MB: baseline / gateway (client + gatewayd) | errors |")
print("|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|")
clients = sorted({r["clients"] for r in runs.values()})
worst_up, best = 0.0, {}
for n in clients:
    b, g = runs.get(f"{base_prefix} {n}"), runs.get(f"{gateway_prefix} {n}")
    for d in ("upload", "download"):
        bm = b[d]["mb_per_s"] if b else 0
        gm = g[d]["mb_per_s"] if g else 0
        ratio = f"{gm / bm:.2f}" if bm and g else "n/a"
        if g:
            rss = g[d]["rss_growth_per_transfer_kb"]
            if d == "upload":
                worst_up = max(worst_up, rss)
            best[d] = max(best.get(d, 0), gm)
            errors = g[d]["errors"] + (b[d]["errors"] if b else 0)
            hwm = (g.get("vmhwm_after_kb", 0) - g.get("vmhwm_before_kb", 0)) / n
            if d == "upload":
                worst_up = max(worst_up, hwm)
            cpu = "n/a"
            if "client_cpu_ms_per_mb" in g[d]:
                base_cpu = b[d].get("client_cpu_ms_per_mb", 0) if b else 0  # the baseline's server runs in its process
                cpu = f"{base_cpu:.2f} / {g[d]['client_cpu_ms_per_mb']:.2f} + {g[d]['server_cpu_ms_per_mb']:.2f}"
            print(f"| {n} | {d} | {bm:,.1f} | {gm:,.1f} | {ratio} | {g[d]['p50_ms']:,.0f} | {g[d]['max_ms']:,.0f} | {rss / 1024:.2f} MB (VmHWM: {hwm / 1024:.2f} MB) | {cpu} | {errors} |")
        else:
            print(f"| {n} | {d} | {bm:,.1f} | not measured | | | | | | |")
print()
if broker:
    print("Targets (issue 5, broker files, loopback):")
    for n in clients:
        b, g = runs.get(f"{base_prefix} {n}"), runs.get(f"{gateway_prefix} {n}")
        for d in ("upload", "download"):
            if b and g and b[d]["mb_per_s"]:
                ratio = g[d]["mb_per_s"] / b[d]["mb_per_s"]
                print(f"- >= 60% of the TLS baseline ({n} client(s), {d}): {ratio:.0%}, " + ("met" if ratio >= 0.6 else "MISSED"))
else:
    print("Targets (30 MB attachments, loopback):")
    for d in ("upload", "download"):
        v = best.get(d)
        print(f"- >= 200 MB/s aggregate ({d}, best client count): " + ("not measured" if v is None else f"{v:,.1f} MB/s, " + ("met" if v >= 200 else "MISSED")))
print(f"- <= 4 MB gatewayd RSS growth per upload in flight: {worst_up / 1024:.2f} MB, " + ("met" if worst_up <= 4096 else "MISSED"))
for r in runs.values():
    for d in ("upload", "download"):
        if r[d]["errors"]:
            print(f"- {r['label']} {d}: {r[d]['errors']} errors; first: {r[d]['first_error']}")
PY
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
  : >"$STREAM_RESULTS"

  if ((BENCH_STREAMING)); then
    local n
    for n in $BENCH_STREAM_CLIENTS; do stream "$n"; done
    print_stream_report
  fi
  if ((BENCH_BROKER)); then
    local n
    for n in $BENCH_BROKER_CLIENTS; do stream "$n" broker; done
    print_stream_report broker
  fi
  if ((BENCH_PUSH)); then
    : >"$PUSH_RESULTS"
    write_push_body
    push_baseline
    local run
    for run in $BENCH_PUSH_RUNS; do push_run "${run%%:*}" "${run##*:}"; done
    print_push_report
  fi
  if ((BENCH_CORRESPONDENCE)); then
    : >"$BENCH_DIR/drain_results.jsonl"
    correspondence_runs
  fi
  if ((BENCH_NOTIFY)); then
    : >"$NOTIFY_RESULTS"
    write_notify_body
    notify_baseline
    local threads
    for threads in $BENCH_NOTIFY_THREADS; do notify_run "$threads"; done
    print_notify_report
  fi
  ((BENCH_FORMS)) || { info "BENCH_FORMS=0: no form runs; raw results: $RESULTS $STREAM_RESULTS $PUSH_RESULTS $NOTIFY_RESULTS"; return 0; }

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
