#include "server/router.h"

#include <cctype>

namespace gateway::server {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Router::Router(const std::vector<services::Endpoint*>& endpoints) : size_(endpoints.size()) {
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    std::string key = lower(pathOf(endpoints[i]->path()));
    if (!by_path_.emplace(key, i).second) duplicates_.push_back(endpoints[i]->path());
  }
}

std::optional<std::size_t> Router::find(std::string_view target) const {
  std::string_view path = pathOf(target);
  if (path.empty()) return std::nullopt;
  auto it = by_path_.find(lower(path));
  if (it == by_path_.end()) return std::nullopt;
  return it->second;
}

std::string_view Router::pathOf(std::string_view target) {
  // Absolute form: scheme "://" authority path.
  auto scheme = target.find("://");
  if (scheme != std::string_view::npos && target.find_first_of("/?#") > scheme) {
    target.remove_prefix(scheme + 3);
    auto slash = target.find_first_of("/?#");
    target = slash == std::string_view::npos ? std::string_view() : target.substr(slash);
  }
  auto end = target.find_first_of("?#");
  return end == std::string_view::npos ? target : target.substr(0, end);
}

std::string_view Router::queryOf(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  target.remove_prefix(q + 1);
  auto hash = target.find('#');
  return hash == std::string_view::npos ? target : target.substr(0, hash);
}

}  // namespace gateway::server
