#pragma once
// gatewayctl commands for the SFTP drop area (gateway/sftp; docs/operations.md): provisioning the
// owners' and broker organisations' accounts and chroots, their authorized keys, and the batch file log. Each returns a CLI
// exit code (cli_args.h); reports to stdout, errors to stderr. They need sftp.root in the config.

#include <string>

#include "config/gateway_config.h"
#include "persistence/database.h"

namespace gateway::tools {

int cmdSftpProvision(persistence::Database& db, const config::GatewayConfig& config);
int cmdSftpKeyAdd(persistence::Database& db, const config::GatewayConfig& config, const std::string& owner,
                  const std::string& key_file);
int cmdSftpKeyList(persistence::Database& db, const config::GatewayConfig& config, const std::string& owner);
// `key` is a public key file or a fingerprint ("SHA256:...") as `sftp key list` prints it.
int cmdSftpKeyRemove(persistence::Database& db, const config::GatewayConfig& config, const std::string& owner,
                     const std::string& key);
// Broker organisations (docs/operations.md): the account org<ORGNR> acts as `system`, which must be
// an active system of that organisation. Its keys: sftp key add org<ORGNR> KEYFILE.pub.
int cmdSftpOrgAdd(persistence::Database& db, const config::GatewayConfig& config, const std::string& org_number,
                  const std::string& system);
// Withdraws the account org<ORGNR>: keys, registry entry and nss_wrapper lines go at once (no new
// login); its chroot's files stay unless `purge` (then the chroot and the record of delivered files
// are deleted too). Shipments and receipts are not touched.
int cmdSftpOrgRemove(persistence::Database& db, const config::GatewayConfig& config, const std::string& org_number,
                     bool purge);
int cmdSftpOrgList(persistence::Database& db, const config::GatewayConfig& config);
int cmdSftpBatches(persistence::Database& db, const std::optional<std::string>& owner, int limit);

}  // namespace gateway::tools
