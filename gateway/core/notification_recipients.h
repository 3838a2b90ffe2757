#pragma once
// Who in an organisation a notification reaches besides the organisation's own contact entry:
// the persons of the role register selected by the request's Roles and Service. Pure functions;
// the rules are in docs/services.md (NotificationAgency, "Roles and Service").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/notification_repository.h"

namespace gateway::core::notification {

// A role code as stored: trimmed and upper-cased; nullopt unless 1-20 letters A-Z and digits.
std::optional<std::string> normaliseRoleCode(std::string_view code);

struct RoleHolderFilter {
  std::vector<std::string> roles;                          // normalised; empty = any role
  std::optional<std::vector<std::string>> service_roles;  // set: the roles that grant the Service
  // Without Roles and Service nobody is selected: only the organisation's own entry is used.
  bool selectsAnyone() const { return !roles.empty() || service_roles.has_value(); }
};

// The distinct persons (sorted) among `holders` who hold one of `filter.roles` (any role when
// empty) AND, when a Service was named, one of the roles that grant it (none granted: nobody).
std::vector<std::string> selectRoleHolders(const std::vector<persistence::RoleHolderRecord>& holders,
                                           const RoleHolderFilter& filter);

}  // namespace gateway::core::notification
