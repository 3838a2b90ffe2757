#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Builds everything and runs the tests:
#   scripts/test.sh [ctest arguments...]      e.g. scripts/test.sh -L unit
#
# Installs missing Debian packages, builds, makes the development PKI (.local/pki), starts a private
# MariaDB for the tests (.local/test-mariadb, apart from the one scripts/run.sh uses), runs ctest,
# and stops the database again, also when the tests fail. Exits with ctest's status.
# Set GATEWAY_TEST_DB_SOCKET, GATEWAY_TEST_DB_USER and GATEWAY_TEST_DB_PASSWORD to use a server of
# your own instead (its user must be allowed to create and drop databases).
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

TEST_DB_DIR=$LOCAL_DIR/test-mariadb
TEST_LOCK=$LOCAL_DIR/test.lock
OWN_TEST_DB=0

# Gateway settings in the environment (GATEWAY_<KEY>) override every config file, so they would
# leak into the gateways the end-to-end tests start.
clear_gateway_overrides() {
  local name cleared=()
  for name in $(compgen -e); do
    case $name in
      GATEWAY_LISTEN_* | GATEWAY_PUBLIC_BASE_URL | GATEWAY_WORKERS | GATEWAY_TLS_* | GATEWAY_LIMITS_* | \
        GATEWAY_DB_* | GATEWAY_STORAGE_* | GATEWAY_WSDL_* | GATEWAY_MIGRATIONS_* | GATEWAY_LOG_* | GATEWAY_AUTH_* | \
        GATEWAY_PUSH_* | GATEWAY_BROKER_*)
        unset "$name"
        cleared+=("$name")
        ;;
    esac
  done
  ((${#cleared[@]} == 0)) || warn "not passing these to the tests: ${cleared[*]}"
}

start_test_database() {
  exec 8>"$TEST_LOCK"
  flock -n 8 || die "another scripts/test.sh is running (it holds $TEST_LOCK)"
  OWN_TEST_DB=1
  db_start "$TEST_DB_DIR"
  db_drop_user_databases "$TEST_DB_DIR"
  local password
  password=$(read_or_create_secret "$SECRETS_DIR/db_password")
  db_ensure_app_user "$TEST_DB_DIR" gateway "$password"
  GATEWAY_TEST_DB_SOCKET=$(db_socket "$TEST_DB_DIR")
  GATEWAY_TEST_DB_USER=gateway
  GATEWAY_TEST_DB_PASSWORD=$password
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  ((OWN_TEST_DB == 0)) || db_stop "$TEST_DB_DIR"
  exit "$status"
}

main() {
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  mkdir -p "$LOCAL_DIR"
  clear_gateway_overrides

  ensure_packages
  build_project all
  info "making the development PKI in $PKI_DIR"
  "$REPO_ROOT/certs/make-dev-pki.sh" "$PKI_DIR"
  if [[ -n ${GATEWAY_TEST_DB_SOCKET:-} ]]; then
    info "using the test database at $GATEWAY_TEST_DB_SOCKET"
  else
    start_test_database
  fi

  export GATEWAY_TEST_DB_SOCKET GATEWAY_TEST_DB_USER GATEWAY_TEST_DB_PASSWORD
  export GATEWAY_TEST_PKI_DIR=$PKI_DIR GATEWAY_SOURCE_DIR=$REPO_ROOT GATEWAY_BUILD_DIR=$BUILD_DIR
  export CTEST_PARALLEL_LEVEL=${CTEST_PARALLEL_LEVEL:-$(nproc)}
  info "running the tests"
  local status=0
  ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error "$@" || status=$?
  if ((status == 0)); then info "all tests passed"; else warn "tests failed (ctest exit $status)"; fi
  return "$status"
}

main "$@"
