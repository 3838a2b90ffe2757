# shellcheck shell=bash
# The Debian packages the gateway needs to build, run and be tested.

readonly REQUIRED_PACKAGES=(
  cmake g++ make pkg-config
  gsoap libgsoap-dev libssl-dev openssl libxml2-dev libboost-test-dev
  mariadb-server mariadb-client libmysqlcppconn-dev
  libcairo2-dev libpango1.0-dev fonts-dejavu-core poppler-utils
  python3-zeep ca-certificates curl
  libcurl4-openssl-dev python3-aiosmtpd
  libzip-dev zlib1g-dev
  openssh-server openssh-client libnss-wrapper
)

missing_packages() {
  local package status
  for package in "${REQUIRED_PACKAGES[@]}"; do
    # shellcheck disable=SC2016  # ${db:Status-Status} is a dpkg-query field, not a shell expansion
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    [[ $status == installed ]] || printf '%s\n' "$package"
  done
}

# Installs whatever is missing with apt-get (nothing is run when everything is there).
# GATEWAY_SKIP_PACKAGES=1 skips the check (e.g. on a machine where the tools come from elsewhere).
ensure_packages() {
  if [[ ${GATEWAY_SKIP_PACKAGES:-0} == 1 ]]; then
    info "skipping the package check (GATEWAY_SKIP_PACKAGES=1)"
    return 0
  fi
  if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    warn "not a Debian-like system; make sure the equivalents of these are installed: ${REQUIRED_PACKAGES[*]}"
    return 0
  fi
  local missing
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]} > 0)) || return 0
  info "installing missing packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}
