# shellcheck shell=bash
# The notification runs of scripts/bench.sh (BENCH_NOTIFY=1), sourced by it after its own settings:
#   baseline: smtp_blast (the gateway's own SMTP client, no gateway) straight at the relay
#             (bench/notify/smtp_counter.py, aiosmtpd, STARTTLS required), 1 and BENCH_NOTIFY_MAX_THREADS threads;
#   gateway:  BENCH_NOTIFY_MESSAGES SendStandaloneNotificationBasic requests (one e-mail each) accepted
#             with the outbox worker off (the acceptance rate is reported too), then gatewayd restarted
#             with delivery.threads = each of BENCH_NOTIFY_THREADS and timed until the relay has
#             accepted every e-mail (e-mails/s from the relay's first DATA to its last).

BENCH_NOTIFY=${BENCH_NOTIFY:-0}
BENCH_NOTIFY_MESSAGES=${BENCH_NOTIFY_MESSAGES:-5000}
BENCH_NOTIFY_THREADS=${BENCH_NOTIFY_THREADS:-1 2 4}
BENCH_NOTIFY_MAX_THREADS=${BENCH_NOTIFY_MAX_THREADS:-4}
SMTP_BLAST=$BUILD_DIR/bench/notify/smtp_blast
SMTP_COUNTER=$REPO_ROOT/bench/notify/smtp_counter.py
NOTIFY_RESULTS=$BENCH_DIR/notify_results.jsonl
readonly NOTIFY_PATH=/ServiceEngineExternal/NotificationAgencyExternalBasic.svc
readonly NOTIFY_ACTION=http://www.altinn.no/services/ServiceEngine/Notification/2010/10/INotificationAgencyExternalBasic/SendStandaloneNotificationBasic
SMTP_COUNTER_PID=""

# start_smtp_counter <log> [--expect N]: the relay on a free port; sets SMTP_PORT and SMTP_COUNTER_PID.
start_smtp_counter() {
  local log=$1 ready=$BENCH_DIR/smtp_counter.port
  shift
  rm -f "$ready"
  : >"$log"
  SMTP_PORT=$(free_port)
  SMTP_COUNTER_PID=$(start_detached "$log" /usr/bin/python3 "$SMTP_COUNTER" --port "$SMTP_PORT" --ready-file "$ready" \
    --cert "$PKI_DIR/server/server.pem" --key "$PKI_DIR/server/server.key" "$@")
  wait_until 20 test -s "$ready" || { show_log_tail "$log"; die "smtp_counter did not start"; }
}

stop_smtp_counter() {
  [[ -z $SMTP_COUNTER_PID ]] || terminate_process "$SMTP_COUNTER_PID" 15 smtp_counter
  SMTP_COUNTER_PID=""
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The request: one standalone notification to one e-mail address (template DevVarsel, provisioned
# by scripts/lib/dev_env.sh), sent by the owner's system. {{SEQ}} makes each address unique.
write_notify_body() {
  USER_NAME=$(identity_system_user agency) PASSWORD_FILE=$(system_password_file agency) \
    OUT=$BENCH_DIR/notify_body.xml python3 - <<'PY'
import os
from xml.sax.saxutils import escape

env = os.environ
with open(env["PASSWORD_FILE"], encoding="utf-8") as f:
    password = f.read().strip()
ntf = "http://schemas.altinn.no/services/ServiceEngine/Notification/2009/10"
body = ('<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        '<SendStandaloneNotificationBasic xmlns="http://www.altinn.no/services/ServiceEngine/Notification/2010/10">'
        '<systemUserName>' + escape(env["USER_NAME"]) + '</systemUserName>'
        '<systemPassword>' + escape(password) + '</systemPassword>'
        '<standaloneNotifications>'
        '<StandaloneNotification xmlns="http://schemas.altinn.no/services/ServiceEngine/StandaloneNotificationBE/2009/10">'
        '<n:FromAddress xmlns:n="' + ntf + '">etat@example.no</n:FromAddress>'
        '<n:LanguageID xmlns:n="' + ntf + '">1044</n:LanguageID>'
        '<n:NotificationType xmlns:n="' + ntf + '">DevVarsel</n:NotificationType>'
        '<n:ReceiverEndPoints xmlns:n="' + ntf + '"><n:ReceiverEndPoint>'
        '<n:TransportType>Email</n:TransportType><n:ReceiverAddress>bench-{{SEQ}}@example.no</n:ReceiverAddress>'
        '</n:ReceiverEndPoint></n:ReceiverEndPoints>'
        '<n:ReporteeNumber xmlns:n="' + ntf + '">01019010046</n:ReporteeNumber>'
        '<n:TextTokens xmlns:n="' + ntf + '"><n:TextToken><n:TokenNum>0</n:TokenNum><n:TokenValue>frist</n:TokenValue>'
        '</n:TextToken><n:TextToken><n:TokenNum>1</n:TokenNum><n:TokenValue>Etaten</n:TokenValue></n:TextToken></n:TextTokens>'
        '</StandaloneNotification></standaloneNotifications></SendStandaloneNotificationBasic></s:Body></s:Envelope>\n')
fd = os.open(env["OUT"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # holds a password
with os.fdopen(fd, "w", encoding="utf-8") as f:
    f.write(body)
PY
}

notify_baseline() {
  local threads output
  for threads in 1 "$BENCH_NOTIFY_MAX_THREADS"; do
    start_smtp_counter "$BENCH_DIR/smtp_counter_baseline.log"
    wait_for_quiet_machine
    info "run: notification baseline, smtp_blast -> relay, $threads thread(s), $BENCH_NOTIFY_MESSAGES e-mails"
    output=$("$SMTP_BLAST" --port "$SMTP_PORT" --ca "$PKI_DIR/ca/chain.pem" --threads "$threads" \
      --messages "$BENCH_NOTIFY_MESSAGES" 2>&1) || true
    printf '%s\n' "$output" | grep -v '^RESULT ' | sed 's/^/    /'
    printf '%s\n' "$output" | sed -n 's/^RESULT //p' | python3 -c 'import json, sys
r = json.loads(sys.stdin.read() or "{}")
print(json.dumps({"kind": "baseline", "threads": r.get("threads"), "per_s": r.get("per_s", 0), "errors": r.get("errors")}))' \
      >>"$NOTIFY_RESULTS"
    stop_smtp_counter
  done
}

pending_notifications() {
  db_sql "$BENCH_DB_DIR" -N -e "SELECT COUNT(*) FROM \`$DB_NAME\`.notification_outbox WHERE state = 'pending'"
}

# notify_run <delivery.threads>
notify_run() {
  local threads=$1 total=$BENCH_NOTIFY_MESSAGES output accepted pending deadline result
  info "run: notifications, $total e-mails, delivery.threads=$threads"
  start_smtp_counter "$BENCH_DIR/smtp_counter.log" --expect "$total"
  gateway_stop
  GATEWAY_DELIVERY_ENABLED=0 gateway_start detached
  gateway_wait_ready 0
  wait_for_quiet_machine
  output=$("$GATEWAY_LOAD" --url "$GATEWAY_URL$NOTIFY_PATH" --label "notifications accepted" --connections 8 \
    --requests "$total" --warmup 0 --body-file "$BENCH_DIR/notify_body.xml" --mode keepalive \
    --soap-action "$NOTIFY_ACTION" --unique-ref --watch "gatewayd=$GATEWAY_PID" \
    --cert "$PKI_DIR/clients/agency.pem" --key "$PKI_DIR/clients/agency.key" --ca "$PKI_DIR/ca/chain.pem" 2>&1) || true
  printf '%s\n' "$output" | grep -v '^RESULT ' | sed 's/^/    accept: /'
  accepted=$(printf '%s\n' "$output" | sed -n 's/^RESULT //p' | python3 -c 'import json, sys
r = json.loads(sys.stdin.read() or "{}")
print(r.get("rps", 0))')
  pending=$(pending_notifications)
  info "outbox: $pending pending e-mails"
  gateway_stop
  wait_for_quiet_machine
  GATEWAY_DELIVERY_THREADS=$threads GATEWAY_DELIVERY_POLL_INTERVAL_MS=100 GATEWAY_SMTP_HOST=127.0.0.1 \
    GATEWAY_SMTP_PORT=$SMTP_PORT GATEWAY_SMTP_STARTTLS=required GATEWAY_SMTP_CA_FILE=$PKI_DIR/ca/chain.pem \
    gateway_start detached
  gateway_wait_ready 0
  deadline=$((SECONDS + 300))
  until grep -q '^RESULT ' "$BENCH_DIR/smtp_counter.log"; do
    ((SECONDS < deadline)) || { warn "notifications: not all $total e-mails reached the relay within 300s"; break; }
    sleep 0.2
  done
  result=$(sed -n 's/^RESULT //p' "$BENCH_DIR/smtp_counter.log" | head -1)
  printf '    relay: %s; still pending: %s\n' "${result:-none}" "$(pending_notifications)"
  [[ -z $result ]] || THREADS=$threads PENDING=$pending ACCEPTED=$accepted R=$result python3 -c 'import json, os
r = json.loads(os.environ["R"])
r.update(kind="gateway", threads=int(os.environ["THREADS"]), loaded=int(os.environ["PENDING"]),
         accepted_per_s=float(os.environ["ACCEPTED"] or 0))
print(json.dumps(r))' >>"$NOTIFY_RESULTS"
  stop_smtp_counter
}

print_notify_report() {
  NOTIFY_RESULTS=$NOTIFY_RESULTS python3 - <<'PY'
import json
import os

rows = [json.loads(l) for l in open(os.environ["NOTIFY_RESULTS"], encoding="utf-8") if l.strip()]
base = {r["threads"]: r for r in rows if r["kind"] == "baseline"}
print()
print("## Notification results")
print()
print("| what | threads | e-mails/s to the relay | vs. baseline (most threads not above) | SendStandaloneNotificationBasic accepted/s (8 connections) |")
print("|---|--:|--:|--:|--:|")
for t, r in sorted(base.items()):
    print(f"| smtp_blast -> relay (baseline) | {t} | {r['per_s']:,.0f} | 1.00 | |")
best = 0
for r in rows:
    if r["kind"] != "gateway":
        continue
    best = max(best, r["per_s"])
    fit = [t for t in base if t <= r["threads"]]
    b = base[max(fit)] if fit else None
    ratio = f"{r['per_s'] / b['per_s']:.2f}" if b and b["per_s"] else "n/a"
    print(f"| gatewayd outbox -> relay ({r['messages']} of {r['loaded']} loaded) | {r['threads']} | {r['per_s']:,.0f} | {ratio} | {r['accepted_per_s']:,.0f} |")
print()
print(f"Target: >= 1,000 e-mails/s handed to the relay: best {best:,.0f}/s, " + ("met" if best >= 1000 else "MISSED"))
PY
}
