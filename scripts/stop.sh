#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Stops what scripts/run.sh started: the gateway (SIGTERM: it finishes in-flight requests), the SFTP
# drop area's sshd, and the
# private MariaDB in .local/mariadb. A database of your own (GATEWAY_DB_SOCKET/HOST) is left alone.
set -euo pipefail

LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/common.sh
source "$LIB/common.sh"
# shellcheck source=lib/mariadb.sh
source "$LIB/mariadb.sh"
# shellcheck source=lib/gateway_config.sh
source "$LIB/gateway_config.sh"
# shellcheck source=lib/gateway.sh
source "$LIB/gateway.sh"
# shellcheck source=lib/sftp.sh
source "$LIB/sftp.sh"

main() {
  (($# == 0)) || die "usage: scripts/stop.sh"
  gateway_pid >/dev/null || info "the gateway is not running"
  gateway_stop
  sftp_pid "$LOCAL_DIR/sftp" >/dev/null || info "the SFTP sshd is not running"
  sftp_stop "$LOCAL_DIR/sftp"
  db_running "$LOCAL_DIR/mariadb" || info "the private database is not running"
  db_stop "$LOCAL_DIR/mariadb"
}

main "$@"
