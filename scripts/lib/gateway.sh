# shellcheck shell=bash disable=SC2034  # (variables here are used by the scripts that source this file)
# Starting, checking and stopping the development gateway (build/gateway/gatewayd).
# Needs common.sh and gateway_config.sh.

GATEWAYD=$BUILD_DIR/gateway/gatewayd
GATEWAYCTL=$BUILD_DIR/tools/gatewayctl
GATEWAY_PID_FILE=$LOCAL_DIR/gatewayd.pid
GATEWAY_LOG=$LOCAL_DIR/gatewayd.log
GATEWAY_START_TIMEOUT=${GATEWAY_START_TIMEOUT:-60}
GATEWAY_PID=""    # set by gateway_start
GATEWAY_MODE=""   # set by gateway_start: detached | foreground
GATEWAY_URL=""    # set by gateway_wait_ready: https://127.0.0.1:<bound port>

gatewayctl() { "$GATEWAYCTL" --config "$GATEWAY_CONF" "$@"; }

# The pid of the running development gateway, if there is one.
gateway_pid() {
  local pid
  pid=$(read_pid_file "$GATEWAY_PID_FILE") || return 1
  process_matches "$pid" gatewayd || return 1
  printf '%s' "$pid"
}

gateway_stop() {
  local pid
  if pid=$(gateway_pid); then
    info "stopping the gateway (pid $pid)"
    terminate_process "$pid" 30 gatewayd
  fi
  rm -f "$GATEWAY_PID_FILE" "$GATEWAY_READY_FILE"
}

# gateway_start detached|foreground: detached runs it in its own session with its log in
# .local/gatewayd.log; foreground keeps it a child of this script, logging to the terminal.
gateway_start() {
  GATEWAY_MODE=$1
  [[ -x $GATEWAYD ]] || die "$GATEWAYD was not built"
  rm -f "$GATEWAY_READY_FILE"
  if [[ $GATEWAY_MODE == detached ]]; then
    [[ ! -s $GATEWAY_LOG ]] || mv -f "$GATEWAY_LOG" "$GATEWAY_LOG.1"   # keep the previous run's log
    GATEWAY_PID=$(start_detached "$GATEWAY_LOG" "$GATEWAYD" --config "$GATEWAY_CONF")
  else
    "$GATEWAYD" --config "$GATEWAY_CONF" &
    GATEWAY_PID=$!
  fi
  printf '%s\n' "$GATEWAY_PID" >"$GATEWAY_PID_FILE"
}

# True when the gateway on <port> answers GET /health over mTLS (as the agency client).
gateway_healthy() {
  curl --silent --fail --max-time 5 -o /dev/null \
    --cacert "$PKI_DIR/ca/chain.pem" \
    --cert "$PKI_DIR/clients/agency.pem" --key "$PKI_DIR/clients/agency.key" \
    "https://127.0.0.1:$1/health"
}

# The port the gateway serves on: what it wrote to its ready file, else the configured one.
gateway_port() {
  local configured=$1 port=""
  [[ ! -s $GATEWAY_READY_FILE ]] || port=$(tr -dc '0-9' <"$GATEWAY_READY_FILE")
  [[ -n $port ]] || ((configured == 0)) || port=$configured
  [[ -n $port ]] && printf '%s' "$port"
}

# gateway_wait_ready <configured port>: waits until the gateway started by gateway_start answers.
gateway_wait_ready() {
  local configured=$1 port deadline=$((SECONDS + GATEWAY_START_TIMEOUT))
  info "waiting for the gateway to answer /health (up to ${GATEWAY_START_TIMEOUT}s)"
  until port=$(gateway_port "$configured") && gateway_healthy "$port"; do
    if ! process_alive "$GATEWAY_PID"; then
      [[ $GATEWAY_MODE != detached ]] || show_log_tail "$GATEWAY_LOG"
      die "gatewayd exited during start-up"
    fi
    if ((SECONDS >= deadline)); then
      die "the gateway did not answer https://127.0.0.1:${port:-$configured}/health within ${GATEWAY_START_TIMEOUT}s"
    fi
    sleep 0.5
  done
  GATEWAY_URL="https://127.0.0.1:$port"
}
