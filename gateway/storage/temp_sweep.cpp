#include "storage/temp_sweep.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "common/unique_fd.h"
#include "storage/temp_file_names.h"

namespace gateway::storage {
namespace {

using NameRule = bool (*)(std::string_view);

// Opens the folder `name` below `parent` (or the absolute path when parent < 0) without following a link.
UniqueFd openFolder(int parent, const std::string& name) {
  const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  return UniqueFd(parent < 0 ? ::open(name.c_str(), flags) : ::openat(parent, name.c_str(), flags));
}

// The entries of an open folder (without "." and ".."); false when it cannot be read.
bool listFolder(int fd, std::vector<std::string>& names) {
  const int copy = ::dup(fd);  // fdopendir takes ownership
  if (copy < 0) return false;
  DIR* dir = ::fdopendir(copy);
  if (dir == nullptr) {
    ::close(copy);
    return false;
  }
  while (dirent* entry = ::readdir(dir)) {
    const std::string_view n = entry->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  ::closedir(dir);
  return true;
}

bool isSubfolder(int parent, const std::string& name) {
  struct stat st {};
  return ::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

class Sweeper {
 public:
  explicit Sweeper(const TempSweepOptions& options) : options_(options) {}

  // Removes old files matching `rule` directly in the open folder `fd`.
  void sweepFolder(int fd, NameRule rule, TempSweepCounts& counts) {
    std::vector<std::string> names;
    if (!listFolder(fd, names)) {
      ++result.errors;
      return;
    }
    for (const std::string& name : names) {
      if (!rule(name)) continue;
      struct stat st {};
      if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
      if (!S_ISREG(st.st_mode)) continue;
      const auto modified = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::seconds(st.st_mtim.tv_sec) +
                                                                          std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
      if (!isOldEnough(modified, options_.now, options_.max_age)) {
        ++counts.kept_fresh;
        continue;
      }
      if (!options_.dry_run && ::unlinkat(fd, name.c_str(), 0) != 0) {
        if (errno != ENOENT) ++result.errors;
        continue;
      }
      ++counts.removed;
      counts.bytes += static_cast<std::int64_t>(st.st_size);
    }
  }

  // Runs `visit` on every subfolder of `fd` whose name passes `accept`.
  void eachSubfolder(int fd, const std::function<bool(const std::string&)>& accept,
                     const std::function<void(int)>& visit) {
    std::vector<std::string> names;
    if (!listFolder(fd, names)) {
      ++result.errors;
      return;
    }
    for (const std::string& name : names) {
      if (!accept(name) || !isSubfolder(fd, name)) continue;
      UniqueFd sub = openFolder(fd, name);
      if (sub.get() < 0) {
        ++result.errors;
        continue;
      }
      visit(sub.get());
    }
  }

  TempSweepResult result;

 private:
  const TempSweepOptions& options_;
};

bool isTwoHex(const std::string& name) {
  return name.size() == 2 && std::isxdigit(static_cast<unsigned char>(name[0])) &&
         std::isxdigit(static_cast<unsigned char>(name[1])) && !std::isupper(static_cast<unsigned char>(name[0])) &&
         !std::isupper(static_cast<unsigned char>(name[1]));
}

void sweepFileStore(Sweeper& s, const std::string& root) {
  UniqueFd top = openFolder(-1, root);
  if (top.get() < 0) {
    if (errno != ENOENT) ++s.result.errors;
    return;
  }
  s.eachSubfolder(top.get(), isTwoHex, [&](int level1) {
    s.eachSubfolder(level1, isTwoHex, [&](int level2) { s.sweepFolder(level2, isFileStoreTempName, s.result.file_store); });
  });
}

void sweepDropArea(Sweeper& s, const std::string& root) {
  UniqueFd top = openFolder(-1, root);
  if (top.get() < 0) {
    if (errno != ENOENT) ++s.result.errors;
    return;
  }
  auto& counts = s.result.atomic_files;
  if (UniqueFd etc = openFolder(top.get(), "etc"); etc.get() >= 0) {
    s.sweepFolder(etc.get(), isAtomicFileTempName, counts);
    if (UniqueFd keys = openFolder(etc.get(), "authorized_keys"); keys.get() >= 0) {
      s.sweepFolder(keys.get(), isAtomicFileTempName, counts);
    }
  }
  auto any = [](const std::string&) { return true; };
  auto gatewayWritten = [](const std::string& name) { return name != "inbound"; };
  for (const char* kind : {"owners", "orgs"}) {
    UniqueFd accounts = openFolder(top.get(), kind);
    if (accounts.get() < 0) continue;
    s.eachSubfolder(accounts.get(), any, [&](int account) {
      s.eachSubfolder(account, gatewayWritten, [&](int folder) { s.sweepFolder(folder, isAtomicFileTempName, counts); });
    });
  }
}

void sweepZipTemp(Sweeper& s, const std::string& dir) {
  UniqueFd folder = openFolder(-1, dir);
  if (folder.get() < 0) {
    if (errno != ENOENT) ++s.result.errors;
    return;
  }
  s.sweepFolder(folder.get(), isAttachmentZipTempName, s.result.attachment_zips);
}

}  // namespace

TempSweepRoots tempSweepRoots(const std::string& file_store_root, const std::string& sftp_root,
                              const std::string& push_temp_dir) {
  TempSweepRoots roots{file_store_root, sftp_root, {}};
  if (!push_temp_dir.empty()) {
    roots.zip_temp_dirs.push_back(push_temp_dir);
  } else {
    const char* tmpdir = std::getenv("TMPDIR");
    if (tmpdir != nullptr && *tmpdir != '\0' && std::string(tmpdir) != "/tmp") roots.zip_temp_dirs.emplace_back(tmpdir);
    roots.zip_temp_dirs.emplace_back("/tmp");
  }
  return roots;
}

TempSweepResult sweepTempFiles(const TempSweepRoots& roots, const TempSweepOptions& options) {
  Sweeper sweeper(options);
  if (!roots.file_store_root.empty()) sweepFileStore(sweeper, roots.file_store_root);
  if (!roots.sftp_root.empty()) sweepDropArea(sweeper, roots.sftp_root);
  for (const std::string& dir : roots.zip_temp_dirs) {
    if (!dir.empty()) sweepZipTemp(sweeper, dir);
  }
  const TempSweepResult& r = sweeper.result;
  log::info("storage.temp_sweep",
            {{"dry_run", options.dry_run ? "true" : "false"},
             {"max_age_seconds", std::to_string(options.max_age.count())},
             {"removed", std::to_string(r.removed())},
             {"bytes", std::to_string(r.bytes())},
             {"file_store_removed", std::to_string(r.file_store.removed)},
             {"file_store_bytes", std::to_string(r.file_store.bytes)},
             {"atomic_files_removed", std::to_string(r.atomic_files.removed)},
             {"atomic_files_bytes", std::to_string(r.atomic_files.bytes)},
             {"attachment_zips_removed", std::to_string(r.attachment_zips.removed)},
             {"attachment_zips_bytes", std::to_string(r.attachment_zips.bytes)},
             {"kept_fresh", std::to_string(r.file_store.kept_fresh + r.atomic_files.kept_fresh +
                                           r.attachment_zips.kept_fresh)},
             {"errors", std::to_string(r.errors)}});
  return r;
}

}  // namespace gateway::storage
