#pragma once
// gatewayctl commands for the role register of the contact register (contact role
// add/remove/list/import) and the role codes that grant a service (service roles). Each returns a
// CLI exit code (cli_args.h), writes its report to stdout and errors to stderr.

#include <optional>
#include <string>

#include "cli_args.h"
#include "persistence/database.h"

namespace gateway::tools {

// One CSV line of a role import, validated and normalised (role code upper-cased). Exposed for
// tests. Columns: organisation,person,role (header line required, see docs/operations.md).
// Returns the reason when the line is rejected.
std::optional<std::string> parseRoleLine(const std::string& line, persistence::RoleHolderRecord& out);

int cmdContactRoleAdd(persistence::Database& db, const ParsedArgs& args);
int cmdContactRoleRemove(persistence::Database& db, const ParsedArgs& args);
int cmdContactRoleList(persistence::Database& db, const ParsedArgs& args);
int cmdContactRoleImport(persistence::Database& db, const ParsedArgs& args, const std::string& file);
// ROLES: comma-separated role codes, or "none" to clear.
int cmdServiceRoles(persistence::Database& db, const std::string& code, const std::string& edition,
                    const std::string& roles);

}  // namespace gateway::tools
