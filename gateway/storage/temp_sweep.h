#pragma once
// The temp-file sweep: removes the gateway's own temp files (storage/temp_file_names.h, exact names
// only) that are older than `max_age`, left behind when a process died mid-write (SIGKILL, power
// loss). Where it looks, and nowhere else:
//   - <file_store_root>/<2 hex>/<2 hex>/          file-store temp files
//   - <sftp_root>/etc, <sftp_root>/etc/authorized_keys, and <sftp_root>/{owners,orgs}/<account>/<folder>
//     for every folder except inbound/ (the clients' own uploads; the gateway never writes there)
//                                                   atomic-file temp files
//   - each of <zip_temp_dirs> (not below them)      attachment-ZIP temp files
// An empty root is skipped. The walk never follows a symbolic link (a chroot's owner may plant one):
// folders are opened with O_NOFOLLOW relative to their parent and files are removed with unlinkat.
// Only regular files are removed. Safe while gateways sharing the folders run: a live temp file is
// written to (its modification time refreshed) far more often than `max_age` (docs/operations.md).
//
// Logs one line per sweep, "storage.temp_sweep", with counts and bytes per kind (no file names:
// they carry keys and broker/batch file names). Thread-safe (no shared state).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace gateway::storage {

struct TempSweepRoots {
  std::string file_store_root;
  std::string sftp_root;     // "" when the drop area is off
  std::vector<std::string> zip_temp_dirs;  // where attachment ZIPs are built
};

// The roots as gatewayd uses them: `sftp_root` only when the drop area is enabled (else ""); the ZIP
// folder is `push_temp_dir`, or when that is empty both $TMPDIR (the push worker's fallback) and /tmp
// (the batch writer's).
TempSweepRoots tempSweepRoots(const std::string& file_store_root, const std::string& sftp_root,
                              const std::string& push_temp_dir);

struct TempSweepCounts {
  std::int64_t removed = 0;  // (dry run: would be removed)
  std::int64_t bytes = 0;
  std::int64_t kept_fresh = 0;  // matching names younger than max_age
};

struct TempSweepResult {
  TempSweepCounts file_store;
  TempSweepCounts atomic_files;
  TempSweepCounts attachment_zips;
  std::int64_t errors = 0;  // folders that could not be read, files that could not be removed
  std::int64_t removed() const { return file_store.removed + atomic_files.removed + attachment_zips.removed; }
  std::int64_t bytes() const { return file_store.bytes + atomic_files.bytes + attachment_zips.bytes; }
};

struct TempSweepOptions {
  std::chrono::seconds max_age{24 * 3600};
  bool dry_run = false;  // count what would go, remove nothing
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

TempSweepResult sweepTempFiles(const TempSweepRoots& roots, const TempSweepOptions& options);

}  // namespace gateway::storage
