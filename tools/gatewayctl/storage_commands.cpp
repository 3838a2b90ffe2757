#include "storage_commands.h"

#include <chrono>
#include <iostream>
#include <string>

#include "cli_args.h"
#include "storage/temp_sweep.h"

namespace gateway::tools {
namespace {

void printCounts(const char* what, const storage::TempSweepCounts& c, bool dry_run) {
  std::cout << what << ": " << c.removed << (dry_run ? " would be removed (" : " removed (") << c.bytes
            << " bytes), " << c.kept_fresh << " younger kept\n";
}

}  // namespace

int cmdStorageSweep(const config::GatewayConfig& config, bool dry_run) {
  storage::TempSweepOptions options;
  options.max_age = std::chrono::hours(config.storage_temp_max_age_hours);
  options.dry_run = dry_run;
  const auto result = storage::sweepTempFiles(
      storage::tempSweepRoots(config.storage_root, config.sftp.enabled ? config.sftp.root : std::string(),
                              config.push.temp_dir),
      options);
  std::cout << (dry_run ? "dry run: nothing removed; " : "") << "temp files older than "
            << config.storage_temp_max_age_hours << " h\n";
  printCounts("file store", result.file_store, dry_run);
  printCounts("drop area", result.atomic_files, dry_run);
  printCounts("attachment ZIPs", result.attachment_zips, dry_run);
  if (result.errors > 0) {
    std::cerr << "gatewayctl: storage sweep: " << result.errors
              << " folders or files could not be handled (see the storage.temp_sweep log line and permissions)\n";
    return kExitError;
  }
  return kExitOk;
}

}  // namespace gateway::tools
