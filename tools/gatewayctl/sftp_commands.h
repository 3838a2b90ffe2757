#pragma once
// gatewayctl commands for the SFTP drop area (gateway/sftp; docs/operations.md): provisioning the
// owners' accounts and chroots, their authorized keys, and the batch file log. Each returns a CLI
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
int cmdSftpBatches(persistence::Database& db, const std::optional<std::string>& owner, int limit);

}  // namespace gateway::tools
