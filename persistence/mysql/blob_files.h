#pragma once
// What the local file store's writer, reader and store share: where a key's file lives, how a
// finished temp file becomes durable under its key, O_DIRECT switching, and I/O error reporting.

#include <cstddef>
#include <string>

#include "common/status.h"

namespace gateway::persistence {

inline constexpr std::size_t kKeyHexLength = 32;
inline constexpr std::size_t kDirectIoAlignment = 4096;  // memory, offsets and sizes of O_DIRECT I/O

std::string toHex(const unsigned char* data, std::size_t size);
// A new random key (128 bits in hex); empty when no randomness could be had.
std::string newBlobKey();
bool isValidBlobKey(const std::string& key);

// Logs the failed operation and errno (never a path: keys are not for logs) and returns
// kUnavailable naming the operation.
Status ioError(const char* what, int error);
// fsync of a folder; 0 or the errno.
int fsyncPath(const std::string& path);
// Sets or clears O_DIRECT on an open file; false when the filesystem refuses it.
bool setDirectIo(int fd, bool on);

// The folders of a key (<root>/<k0k1>/<k2k3>), created when missing; `created*` say which were new
// (their parents must then be fsync'ed too).
struct KeyFolders {
  std::string level1, level2;
  bool created1 = false, created2 = false;
};
Result<KeyFolders> makeKeyFolders(const std::string& root, const std::string& key);

// Renames a complete, fsync'ed temp file into place and makes the rename durable. On failure the
// temp file is removed.
Status publishBlob(const std::string& root, const KeyFolders& folders, const std::string& temp, const std::string& key);

}  // namespace gateway::persistence
