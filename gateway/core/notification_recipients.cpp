#include "core/notification_recipients.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace gateway::core::notification {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::optional<std::string> normaliseRoleCode(std::string_view code) {
  const auto first = code.find_first_not_of(" \t");
  if (first == std::string_view::npos) return std::nullopt;
  code = code.substr(first, code.find_last_not_of(" \t") - first + 1);
  if (code.size() > 20) return std::nullopt;
  std::string out;
  for (const char c : code) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) return std::nullopt;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::vector<std::string> selectRoleHolders(const std::vector<persistence::RoleHolderRecord>& holders,
                                           const RoleHolderFilter& filter) {
  if (!filter.selectsAnyone()) return {};
  struct Held {
    bool wanted_role = false;
    bool grants_service = false;
  };
  std::map<std::string, Held> persons;  // sorted, distinct
  for (const auto& h : holders) {
    Held& held = persons[h.person];
    held.wanted_role = held.wanted_role || filter.roles.empty() || contains(filter.roles, h.role_code);
    held.grants_service =
        held.grants_service || !filter.service_roles || contains(*filter.service_roles, h.role_code);
  }
  std::vector<std::string> selected;
  for (const auto& [person, held] : persons) {
    if (held.wanted_role && held.grants_service) selected.push_back(person);
  }
  return selected;
}

}  // namespace gateway::core::notification
