# shellcheck shell=bash
# The development identities and services: provisioning them with gatewayctl, describing them in
# .local/dev-env.json (its shape is fixed by the contract), and telling the developer where things are.
# Needs common.sh, gateway_config.sh and gateway.sh. The organisation numbers must match the
# certificate subjects made by certs/make-dev-pki.sh.

# identity | org number | agency code (service owners only) | system user | role | organisation name
readonly DEV_SYSTEMS=(
  "agency|910000004|ETAT|etat-arkiv|owner|Utviklingsetaten"
  "agency2|910000101|ETAT2|etat2-arkiv|owner|Andre utviklingsetat"
  "enduser|910000209||regnskap|enduser|Regnskap Utvikling AS"
)
# Whom the end-user system may act for: an organisation and a person.
readonly DEV_REPORTEES=(910000306 01019010046)
# owner identity | owner code | service code | edition | data format id | data format version | kind | name
readonly DEV_SERVICES=(
  "agency|ETAT|4711|1|5703|34|FormTask|Utviklingsskjema"
  "agency2|ETAT2|4712|1|6001|1|FormTask|Utviklingsskjema for andre etat"
  "agency|ETAT|5100|1|1|1|BrokerService|Utviklingsformidling"
)
# Client certificates that are not provisioned systems (the gateway must refuse all but noorg's
# TLS handshake; noorg is then refused for carrying no organisation number).
readonly DEV_CERTIFICATE_ONLY=(untrusted expired revoked noorg wrongusage)
readonly DEV_ENDPOINTS=(
  /IntermediaryExternal/IntermediaryInboundBasic.svc
  /IntermediaryExternal/ReceiptExternalBasic.svc
  /IntermediaryExternal/ReceiptAgencyExternalBasic.svc
  /ArchiveExternal/DownloadQueueExternalBasic.svc
  /ArchiveExternal/ServiceOwnerArchiveExternalBasic.svc
  /ArchiveExternal/ArchiveCommonAgencyExternalBasic.svc
  /RegisterExternal/RegisterSRRAgencyExternalBasic.svc
  /ServiceEngineExternal/PreFillBasic.svc
  /ServiceEngineExternal/SubscriptionBasic.svc
  /IntermediaryExternal/IntermediaryPrefillBasic.svc
  /ServiceEngineExternal/NotificationAgencyExternalBasic.svc
  /IntermediaryExternal/IntermediaryInboundBasicStreamed.svc
  /ArchiveExternal/ServiceOwnerArchiveExternalStreamedBasic.svc
  /IntermediaryExternal/BatchLoggingAgencyExternalBasic.svc
  /ServiceEngineExternal/BrokerServiceExternalBasic.svc
  /ServiceEngineExternal/BrokerServiceExternalBasicStreamed.svc
  /ServiceEngineExternal/CorrespondenceAgencyExternalBasic.svc
  /IntermediaryExternal/CorrespondenceExternalBasic.svc
)
DEV_ENV_FILE=$LOCAL_DIR/dev-env.json

system_password_file() { printf '%s/%s_password' "$SECRETS_DIR" "$1"; }

# gatewayctl that must succeed.
ctl() {
  gatewayctl "$@" || die "gatewayctl $1 $2 failed (exit $?)"
}

# gatewayctl where "already exists" (exit 3) is success too.
ctl_allow_exists() {
  local rc=0
  gatewayctl "$@" || rc=$?
  ((rc == 0 || rc == 3)) || die "gatewayctl $1 $2 failed (exit $rc)"
}

# Creates what is missing; running it again changes nothing except re-setting each system's
# password to the one kept in .local/secrets/<identity>_password (the file is the truth).
provision_dev_identities() {
  local row name org code user role org_name password owner_args reportee
  local service_code edition format_id format_version kind service_name
  info "provisioning the development identities and services"
  for row in "${DEV_SYSTEMS[@]}"; do
    IFS='|' read -r name org code user role org_name <<<"$row"
    [[ -z $code ]] || ctl owner add --code "$code" --org "$org" --name "$org_name" --if-missing
  done
  for row in "${DEV_SERVICES[@]}"; do
    IFS='|' read -r _ code service_code edition format_id format_version kind service_name <<<"$row"
    ctl service add --owner "$code" --code "$service_code" --edition "$edition" --name "$service_name" \
      --format "$format_id:$format_version" --kind "$kind" --if-missing
  done
  for row in "${DEV_SYSTEMS[@]}"; do
    IFS='|' read -r name org code user role org_name <<<"$row"
    password=$(read_or_create_secret "$(system_password_file "$name")")
    owner_args=()
    [[ -z $code ]] || owner_args=(--owner "$code")
    DEV_SYSTEM_PASSWORD=$password ctl system add --username "$user" --org "$org" --role "$role" \
      "${owner_args[@]}" --password-env DEV_SYSTEM_PASSWORD --if-missing
    DEV_SYSTEM_PASSWORD=$password ctl system passwd --username "$user" --password-env DEV_SYSTEM_PASSWORD
    if [[ $role == enduser ]]; then
      for reportee in "${DEV_REPORTEES[@]}"; do
        ctl_allow_exists reportee grant --system "$user" --reportee "$reportee"
      done
    fi
  done
  # A notification template in the three languages (SendStandaloneNotification, zeep_flow.py).
  ctl template set --type DevVarsel --language 1044 --email-subject 'Varsel om {0}' \
    --email-body 'Hei! Du har fått et varsel om {0} fra {1}.' --sms-text 'Varsel om {0} fra {1}'
  ctl template set --type DevVarsel --language 2068 --email-subject 'Varsel om {0}' \
    --email-body 'Hei! Du har fått eit varsel om {0} frå {1}.' --sms-text 'Varsel om {0} frå {1}'
  ctl template set --type DevVarsel --language 1033 --email-subject 'Notice about {0}' \
    --email-body 'Hello! You have a notice about {0} from {1}.' --sms-text 'Notice about {0} from {1}'
}

# Debian's python3 (installed with python3-zeep), not whatever python3 comes first on the PATH.
system_python() {
  if [[ -x /usr/bin/python3 ]]; then printf '/usr/bin/python3'; else printf 'python3'; fi
}

# write_dev_env <base url>: .local/dev-env.json (mode 0600: it holds the system passwords).
write_dev_env() {
  local base_url=$1
  BASE_URL=$base_url PKI_DIR=$PKI_DIR SECRETS_DIR=$SECRETS_DIR OUT=$DEV_ENV_FILE \
    SYSTEMS="$(printf '%s\n' "${DEV_SYSTEMS[@]}")" SERVICES="$(printf '%s\n' "${DEV_SERVICES[@]}")" \
    REPORTEES="${DEV_REPORTEES[*]}" CERTIFICATE_ONLY="${DEV_CERTIFICATE_ONLY[*]}" \
    ENDPOINTS="${DEV_ENDPOINTS[*]}" CONFIG=$GATEWAY_CONF \
    "$(system_python)" - <<'PY'
import json
import os

env = os.environ
pki, secrets = env["PKI_DIR"], env["SECRETS_DIR"]


def certificate(name):
    return {"certificate": f"{pki}/clients/{name}.pem", "key": f"{pki}/clients/{name}.key"}


identities = {}
for row in env["SYSTEMS"].splitlines():
    name, org, code, user, role, _ = row.split("|")
    identity = {"org_number": org}
    if code:
        identity["agency_code"] = code
    identity.update(certificate(name))
    identity["system_user"] = user
    with open(f"{secrets}/{name}_password", encoding="utf-8") as f:
        identity["system_password"] = f.read().strip()
    identity["role"] = role
    if role == "enduser":
        identity["reportees"] = env["REPORTEES"].split()
    identities[name] = identity
for name in env["CERTIFICATE_ONLY"].split():
    identities[name] = certificate(name)

services = []
for row in env["SERVICES"].splitlines():
    owner, owner_code, code, edition, format_id, format_version, kind, name = row.split("|")
    services.append({
        "owner": owner, "service_code": code, "service_edition": int(edition),
        "data_format_id": format_id, "data_format_version": int(format_version), "kind": kind,
        "owner_code": owner_code, "name": name,
    })

base_url = env["BASE_URL"]
document = {
    "base_url": base_url,
    "ca_certificate": f"{pki}/ca/chain.pem",
    "identities": identities,
    "services": services,
    "endpoints": [base_url + path for path in env["ENDPOINTS"].split()],
    "health_url": base_url + "/health",
    "config": env["CONFIG"],
}
out = env["OUT"]
tmp = out + ".tmp"
fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w", encoding="utf-8") as f:
    json.dump(document, f, indent=2, ensure_ascii=False)
    f.write("\n")
os.replace(tmp, out)
PY
}

print_dev_summary() {
  local base_url=$1 path
  cat <<EOF

The gateway is running at $base_url
  health:      $base_url/health
EOF
  for path in "${DEV_ENDPOINTS[@]}"; do
    printf '  endpoint:    %s%s   (WSDL: ?wsdl)\n' "$base_url" "$path"
  done
  if ((${SFTP_ENABLED:-0})); then
    printf '  SFTP:        sftp -P %s -i <key> <OWNER>@127.0.0.1   (drop area %s; gatewayctl sftp key add OWNER KEY.pub)\n' \
      "$SFTP_PORT" "$SFTP_DROP_ROOT"
  else
    printf '  SFTP:        disabled (%s)\n' "${SFTP_DISABLED_REASON:-not started}"
  fi
  cat <<EOF
  CA bundle:   $PKI_DIR/ca/chain.pem
  client certificates and keys: $PKI_DIR/clients/ (agency, agency2, enduser; bad ones: ${DEV_CERTIFICATE_ONLY[*]})
  identities, passwords and services: $DEV_ENV_FILE
  configuration: $GATEWAY_CONF
EOF
}
