#include "storage/temp_file_names.h"

namespace gateway::storage {
namespace {

constexpr std::size_t kMkstempSuffix = 6;
constexpr std::size_t kKeyHexLength = 32;

bool isMkstempChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// `text` ends in "XXXXXX" filled in by mkstemp.
bool endsWithMkstempSuffix(std::string_view text) {
  if (text.size() < kMkstempSuffix) return false;
  for (char c : text.substr(text.size() - kMkstempSuffix)) {
    if (!isMkstempChar(c)) return false;
  }
  return true;
}

bool isLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

bool isFileStoreTempName(std::string_view name) {
  constexpr std::string_view kPrefix = ".tmp-";
  if (name.size() != kPrefix.size() + kKeyHexLength + 1 + kMkstempSuffix) return false;
  if (name.substr(0, kPrefix.size()) != kPrefix) return false;
  for (char c : name.substr(kPrefix.size(), kKeyHexLength)) {
    if (!isLowerHex(c)) return false;
  }
  return name[kPrefix.size() + kKeyHexLength] == '-' && endsWithMkstempSuffix(name);
}

bool isAtomicFileTempName(std::string_view name) {
  constexpr std::string_view kMarker = ".partial-";
  if (name.size() < 1 + 1 + kMarker.size() + kMkstempSuffix || name.front() != '.' || name[1] == '.') return false;
  if (!endsWithMkstempSuffix(name)) return false;
  const std::size_t marker_at = name.size() - kMkstempSuffix - kMarker.size();
  if (name.substr(marker_at, kMarker.size()) != kMarker) return false;
  const std::string_view plain = name.substr(1, marker_at - 1);  // the target's name (isPlainFileName)
  return !plain.empty() && plain.find('/') == std::string_view::npos;
}

bool isAttachmentZipTempName(std::string_view name) {
  constexpr std::string_view kPrefix = "push-attachments-";
  if (name.substr(0, kPrefix.size()) != kPrefix) return false;
  const std::string_view rest = name.substr(kPrefix.size());
  if (rest.size() == kMkstempSuffix) return endsWithMkstempSuffix(rest);
  if (rest.size() == 2 * kMkstempSuffix + 1) {
    return rest[kMkstempSuffix] == '.' && endsWithMkstempSuffix(rest.substr(0, kMkstempSuffix)) &&
           endsWithMkstempSuffix(rest);
  }
  return false;
}

bool isOldEnough(std::chrono::system_clock::time_point modified, std::chrono::system_clock::time_point now,
                 std::chrono::seconds max_age) {
  return modified < now && now - modified > max_age;
}

}  // namespace gateway::storage
