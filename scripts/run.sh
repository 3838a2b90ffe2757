#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Builds and runs the development gateway:
#   scripts/run.sh            in the foreground; Ctrl-C stops the gateway and the private database
#   scripts/run.sh --detach   returns once the gateway answers; scripts/stop.sh stops both
#
# Steps: install missing Debian packages, build, start a private MariaDB (unless GATEWAY_DB_SOCKET
# or GATEWAY_DB_HOST names one), make the development PKI, migrate, provision the development
# identities and services, start gatewayd, wait for /health, write .local/dev-env.json.
# Also starts the SFTP drop area's sshd (scripts/lib/sftp.sh) on GATEWAY_SFTP_PORT (default 2222)
# when running as root; otherwise the SFTP channel is disabled with a message.
# Settings: GATEWAY_PORT (default 8443; 0 = any free port), GATEWAY_START_TIMEOUT (seconds, 60),
# GATEWAY_SKIP_PACKAGES=1, GATEWAY_BUILD_JOBS; for a database of your own GATEWAY_DB_SOCKET or
# GATEWAY_DB_HOST (+ GATEWAY_DB_PORT), GATEWAY_DB_USER, GATEWAY_DB_PASSWORD, GATEWAY_DB_NAME.
set -euo pipefail

LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/common.sh
source "$LIB/common.sh"
# shellcheck source=lib/packages.sh
source "$LIB/packages.sh"
# shellcheck source=lib/build.sh
source "$LIB/build.sh"
# shellcheck source=lib/mariadb.sh
source "$LIB/mariadb.sh"
# shellcheck source=lib/gateway_config.sh
source "$LIB/gateway_config.sh"
# shellcheck source=lib/gateway.sh
source "$LIB/gateway.sh"
# shellcheck source=lib/dev_env.sh
source "$LIB/dev_env.sh"
# shellcheck source=lib/sftp.sh
source "$LIB/sftp.sh"

RUN_DB_DIR=$LOCAL_DIR/mariadb
SFTP_RUN_DIR=$LOCAL_DIR/sftp           # sshd's config, host key, pid file, log
SFTP_DROP_ROOT=$SFTP_RUN_DIR/drop      # the drop area (sftp.root)
SFTP_ENABLED=0
DETACH=0
PRIVATE_DB=0
SERVING=0      # 1 once the gateway answers: from then on the run owns the gateway and the database

usage() {
  printf 'usage: scripts/run.sh [--detach]\n' >&2
  exit 2
}

# Sets DB_SOCKET or DB_HOST/DB_PORT, DB_USER, DB_PASSWORD, DB_NAME for the gateway's configuration.
select_database() {
  DB_SOCKET=${GATEWAY_DB_SOCKET:-} DB_HOST=${GATEWAY_DB_HOST:-} DB_PORT=${GATEWAY_DB_PORT:-3306}
  if [[ -n $DB_SOCKET || -n $DB_HOST ]]; then
    DB_USER=${GATEWAY_DB_USER:-gateway} DB_PASSWORD=${GATEWAY_DB_PASSWORD:-} DB_NAME=${GATEWAY_DB_NAME:-gateway}
    info "using the configured database ${DB_SOCKET:-$DB_HOST:$DB_PORT} (database $DB_NAME, user $DB_USER)"
    return 0
  fi
  PRIVATE_DB=1
  db_start "$RUN_DB_DIR"
  DB_SOCKET=$(db_socket "$RUN_DB_DIR") DB_USER=gateway DB_NAME=gateway
  DB_PASSWORD=$(read_or_create_secret "$SECRETS_DIR/db_password")
  db_ensure_app_user "$RUN_DB_DIR" "$DB_USER" "$DB_PASSWORD" "$DB_NAME"
}

# On any exit but a successful --detach: stop the gateway this run started, and the private
# database if this run started it or was serving with it (Ctrl-C in the foreground).
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if ((DETACH && SERVING)); then exit "$status"; fi
  [[ -z $GATEWAY_PID ]] || gateway_stop
  ((!SFTP_ENABLED)) || sftp_stop "$SFTP_RUN_DIR"
  if ((PRIVATE_DB && (DB_STARTED || SERVING))); then db_stop "$RUN_DB_DIR"; fi
  exit "$status"
}

main() {
  case "${1:-}" in
    "") ;;
    --detach) DETACH=1 ;;
    *) usage ;;
  esac
  (($# <= 1)) || usage
  local port=${GATEWAY_PORT:-8443}
  [[ $port =~ ^[0-9]+$ ]] || die "GATEWAY_PORT must be a port number (got '$port')"

  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  mkdir -p "$LOCAL_DIR"

  ensure_packages
  build_project gatewayd gatewayctl
  info "making the development PKI in $PKI_DIR"
  "$REPO_ROOT/certs/make-dev-pki.sh" "$PKI_DIR"
  select_database
  SFTP_PORT=${GATEWAY_SFTP_PORT:-2222}
  [[ $SFTP_PORT =~ ^[0-9]+$ ]] || die "GATEWAY_SFTP_PORT must be a port number (got '$SFTP_PORT')"
  if SFTP_DISABLED_REASON=$(sftp_unsupported_reason "$SFTP_DROP_ROOT"); then
    SFTP_ENABLED=1
    mkdir -p "$SFTP_DROP_ROOT"
    chmod 755 "$LOCAL_DIR" "$SFTP_DROP_ROOT"
  else
    warn "the SFTP channel is disabled: $SFTP_DISABLED_REASON"
  fi
  write_gateway_config "$port"
  info "migrating the database"
  gatewayctl migrate
  provision_dev_identities
  if ((SFTP_ENABLED)); then
    gatewayctl sftp provision
    sftp_stop "$SFTP_RUN_DIR"
    info "starting sshd for the SFTP drop area on 127.0.0.1:$SFTP_PORT"
    sftp_start "$SFTP_RUN_DIR" "$SFTP_DROP_ROOT" "$SFTP_PORT" || die "sshd did not start (see $SFTP_RUN_DIR/sshd.log)"
  fi

  if gateway_pid >/dev/null; then
    info "replacing the gateway that is already running"
    gateway_stop
  fi
  rm -f "$DEV_ENV_FILE"
  if ((DETACH)); then gateway_start detached; else gateway_start foreground; fi
  gateway_wait_ready "$port"
  write_dev_env "$GATEWAY_URL"
  SERVING=1
  print_dev_summary "$GATEWAY_URL"

  if ((DETACH)); then
    info "the gateway runs in the background (pid $GATEWAY_PID, log $GATEWAY_LOG); scripts/stop.sh stops it"
    return 0
  fi
  info "Ctrl-C stops the gateway and the database"
  wait "$GATEWAY_PID"
}

main "$@"
