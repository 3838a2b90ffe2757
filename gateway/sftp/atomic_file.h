#pragma once
// Writing a file so that a reader sees either nothing or all of it: the bytes go to a temporary
// name in the same directory (".<name>.partial-XXXXXX", created with O_EXCL | O_NOFOLLOW, so a
// symlink planted by the folder's owner is never followed), are fsync'ed, get their owner and mode,
// and are renamed over `name` (replacing a file or symlink of that name, never writing through it);
// then the directory is fsync'ed. Readers of the folder should skip names starting with '.'.
//
// Thread-safe (no shared state). Failures: kInvalidArgument (name empty, starts with '.', or holds
// '/'), kUnavailable (any I/O error; the temporary file is removed).

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gateway::sftp {

struct FileOwner {
  uid_t uid = 0;
  gid_t gid = 0;
};

// `owner`: chown to it when the process runs as root (otherwise the file keeps the process's owner).
Status writeFileAtomically(const std::filesystem::path& dir, const std::string& name, std::string_view bytes,
                           mode_t mode, const std::optional<FileOwner>& owner);

// The same with the bytes read from `source_fd` (from its current offset to its end).
Status copyFileAtomically(const std::filesystem::path& dir, const std::string& name, int source_fd, mode_t mode,
                          const std::optional<FileOwner>& owner);

// True for a name writeFileAtomically accepts.
bool isPlainFileName(std::string_view name);

}  // namespace gateway::sftp
