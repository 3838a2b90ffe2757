#pragma once
// Maps a request target to the Endpoint serving it. Paths match case-insensitively (as IIS did
// for the original services); the query and fragment are ignored, and an absolute-form target
// ("https://host:port/path") is reduced to its path. Immutable after construction: thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/endpoint.h"

namespace gateway::server {

class Router {
 public:
  // `endpoints` are not owned and must outlive the router. A path that two endpoints claim is a
  // wiring bug: the first one wins and the duplicates are reported by duplicates().
  explicit Router(const std::vector<services::Endpoint*>& endpoints);

  // Index into the constructor's vector of the endpoint serving `target`, or nullopt.
  std::optional<std::size_t> find(std::string_view target) const;
  std::size_t size() const { return size_; }
  const std::vector<std::string>& duplicates() const { return duplicates_; }

  // The path part of a request target: no scheme/authority, no "?query", no "#fragment".
  static std::string_view pathOf(std::string_view target);
  // The query part (after '?', before '#'), empty when there is none.
  static std::string_view queryOf(std::string_view target);

 private:
  std::unordered_map<std::string, std::size_t> by_path_;  // lower-cased path -> index
  std::vector<std::string> duplicates_;
  std::size_t size_ = 0;
};

}  // namespace gateway::server
