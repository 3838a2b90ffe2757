#pragma once
// gatewayctl commands for notifications: the contact register (contact import/set/show/remove),
// templates (template set/list) and the outbox (notification list/redrive). Each returns a CLI exit
// code (cli_args.h) and writes its report to stdout, errors to stderr.

#include <optional>
#include <string>

#include "cli_args.h"
#include "persistence/database.h"

namespace gateway::tools {

// One CSV line of a contact import, validated. Exposed for tests.
// Columns: party_number,email,mobile,reserved,language (header line required, see docs/operations.md).
// Returns the reason when the line is rejected.
std::optional<std::string> parseContactLine(const std::string& line, persistence::ContactRecord& out);

int cmdContactImport(persistence::Database& db, const ParsedArgs& args, const std::string& file);
int cmdContactSet(persistence::Database& db, const ParsedArgs& args);
int cmdContactShow(persistence::Database& db, const ParsedArgs& args);
int cmdContactRemove(persistence::Database& db, const ParsedArgs& args);
int cmdTemplateSet(persistence::Database& db, const ParsedArgs& args);
int cmdTemplateList(persistence::Database& db);
int cmdNotificationList(persistence::Database& db, const ParsedArgs& args);
int cmdNotificationRedrive(persistence::Database& db, const std::string& id);

}  // namespace gateway::tools
