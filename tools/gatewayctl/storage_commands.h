#pragma once
// gatewayctl storage commands (docs/operations.md "Temp files"): the operator's way to run the
// temp-file sweep (gateway/storage/temp_sweep.h) that gatewayd runs by itself. Returns a CLI exit
// code (cli_args.h); the report goes to stdout, errors to stderr.

#include "config/gateway_config.h"

namespace gateway::tools {

// Sweeps the temp files of `config` (storage.root, sftp.root when enabled, the ZIP temp folder) older
// than storage.temp_max_age_hours; `dry_run` only counts. Exit 1 when a folder or file could not be handled.
int cmdStorageSweep(const config::GatewayConfig& config, bool dry_run);

}  // namespace gateway::tools
