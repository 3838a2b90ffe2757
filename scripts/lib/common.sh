# shellcheck shell=bash disable=SC2034  # (variables here are used by the scripts that source this file)
# Shared by the scripts in scripts/: where things live, messages, secrets, processes.
# Source it (every other file in scripts/lib expects it); it defines functions and paths only.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LOCAL_DIR=$REPO_ROOT/.local          # everything a run makes; ignored by git
BUILD_DIR=$REPO_ROOT/build
PKI_DIR=$LOCAL_DIR/pki
SECRETS_DIR=$LOCAL_DIR/secrets
SCRIPT_NAME=$(basename "$0")

info() { printf '==> %s\n' "$*"; }
warn() { printf '%s: warning: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() {
  printf '%s: error: %s\n' "$SCRIPT_NAME" "$*" >&2
  exit 1
}

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root to run '$*' (and sudo is not installed)"
  fi
}

# Prints the secret kept in <file>, making a random one (mode 0600) the first time.
read_or_create_secret() {
  local file=$1 tmp
  if [[ ! -s $file ]]; then
    mkdir -p "$(dirname "$file")"
    chmod 700 "$(dirname "$file")"
    tmp=$(mktemp "$file.XXXXXX")   # mode 0600
    od -An -N18 -tx1 /dev/urandom | tr -d ' \n' >"$tmp"
    ln "$tmp" "$file" 2>/dev/null || true   # first writer wins when two scripts race
    rm -f "$tmp"
  fi
  tr -d '\n' <"$file"
}

# True while <pid> runs (a zombie waiting to be reaped does not count).
process_alive() {
  local pid=$1 stat
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

process_gone() { ! process_alive "$1"; }

# True when <pid> runs and its command line contains <text> (guards against reused pids).
process_matches() {
  local pid=$1 text=$2
  process_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$text"
}

# Prints the pid recorded in <pid file>, if any.
read_pid_file() {
  local file=$1 pid
  [[ -s $file ]] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [[ -n $pid ]] || return 1
  printf '%s' "$pid"
}

# wait_until <seconds> <command...>: polls the command until it succeeds; false on timeout.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.25
  done
}

# Sends SIGTERM to <pid> and waits up to <seconds> for it to end; SIGKILL after that.
terminate_process() {
  local pid=$1 seconds=$2 what=$3
  process_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until "$seconds" process_gone "$pid"; then
    warn "$what (pid $pid) did not stop within ${seconds}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 10 process_gone "$pid" || warn "$what (pid $pid) is still there"
  fi
  wait "$pid" 2>/dev/null || true   # reap it when it is our own child
}

# Starts <command...> in its own session, detached from this script and its terminal, with
# stdout/stderr appended to <log>; prints its pid.
start_detached() {
  local log=$1
  shift
  # The subshell is not a process-group leader, so setsid(1) does not fork and $! is the
  # command's own pid; the subshell exits at once, so the command is not our child.
  # Descriptors 8 and 9 hold the scripts' locks: the command must not keep them.
  (setsid "$@" </dev/null >>"$log" 2>&1 8>&- 9>&- & printf '%s' "$!")
}

show_log_tail() {
  local log=$1
  [[ -s $log ]] || return 0
  printf -- '--- last lines of %s ---\n' "$log" >&2
  tail -n 30 "$log" >&2
  printf -- '---\n' >&2
}
