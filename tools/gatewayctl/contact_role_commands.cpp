#include "contact_role_commands.h"

#include <charconv>
#include <iostream>
#include <vector>

#include "core/notification_recipients.h"
#include "core/party_numbers.h"
#include "csv_import.h"

namespace gateway::tools {
namespace {

using persistence::RoleHolderRecord;

constexpr const char* kHeader = "organisation,person,role";

int fail(const Status& status, const std::string& what) {
  std::cerr << "gatewayctl: " << what << ": " << status.message() << "\n";
  return kExitError;
}

int usage(const std::string& message) {
  std::cerr << "gatewayctl: " << message << "\n(see gatewayctl --help)\n";
  return kExitUsage;
}

// Validates and normalises; the reason when the role cannot be registered.
std::optional<std::string> checkRole(RoleHolderRecord& r) {
  if (!core::isValidOrganisationNumber(r.organisation)) {
    return "'" + r.organisation + "' is not an organisation number (9 digits)";
  }
  if (!core::isValidNationalIdentityNumber(r.person)) {
    return "'" + r.person + "' is not a valid national identity number";
  }
  auto code = core::notification::normaliseRoleCode(r.role_code);
  if (!code) return "role '" + r.role_code + "' must be 1-20 letters and digits (e.g. DAGL)";
  r.role_code = *code;
  return std::nullopt;
}

std::optional<RoleHolderRecord> roleFromArgs(const ParsedArgs& args, int& exit_code) {
  RoleHolderRecord r{*args.value("--org"), *args.value("--person"), *args.value("--role")};
  if (auto reason = checkRole(r)) {
    exit_code = usage(*reason);
    return std::nullopt;
  }
  return r;
}

}  // namespace

std::optional<std::string> parseRoleLine(const std::string& line, RoleHolderRecord& out) {
  auto fields = splitCsv(line);
  if (!fields) return std::string("unterminated quoted field");
  if (fields->size() != 3) return "expected 3 fields (" + std::string(kHeader) + "), found " + std::to_string(fields->size());
  out = RoleHolderRecord{(*fields)[0], (*fields)[1], (*fields)[2]};
  return checkRole(out);
}

int cmdContactRoleAdd(persistence::Database& db, const ParsedArgs& args) {
  int exit_code = kExitOk;
  auto role = roleFromArgs(args, exit_code);
  if (!role) return exit_code;
  auto added = db.contacts().addRoles({*role});
  if (!added.ok()) return fail(added.status(), "contact role add");
  std::cout << role->person << " " << (added->front() ? "now holds " : "already holds ") << role->role_code
            << " for " << role->organisation << "\n";
  return kExitOk;
}

int cmdContactRoleRemove(persistence::Database& db, const ParsedArgs& args) {
  int exit_code = kExitOk;
  auto role = roleFromArgs(args, exit_code);
  if (!role) return exit_code;
  if (Status s = db.contacts().removeRole(*role); !s.ok()) return fail(s, "contact role remove");
  std::cout << "removed\n";
  return kExitOk;
}

int cmdContactRoleList(persistence::Database& db, const ParsedArgs& args) {
  const std::string organisation = *args.value("--org");
  if (!core::isValidOrganisationNumber(organisation)) return usage("--org must be an organisation number (9 digits)");
  auto roles = db.contacts().rolesOf(organisation);
  if (!roles.ok()) return fail(roles.status(), "contact role list");
  std::cout << "person\trole\n";
  for (const auto& r : roles.value()) std::cout << r.person << "\t" << r.role_code << "\n";
  return kExitOk;
}

int cmdContactRoleImport(persistence::Database& db, const ParsedArgs& args, const std::string& file) {
  return importCsvRecords<RoleHolderRecord>(
      args, file, "contact role import", kHeader, "role(s)", parseRoleLine,
      [&db](const std::vector<RoleHolderRecord>& batch) { return db.contacts().addRoles(batch).status(); });
}

int cmdServiceRoles(persistence::Database& db, const std::string& code, const std::string& edition_text,
                    const std::string& roles_text) {
  int edition = 0;
  auto [ptr, ec] = std::from_chars(edition_text.data(), edition_text.data() + edition_text.size(), edition);
  if (ec != std::errc() || ptr != edition_text.data() + edition_text.size() || edition < 1) {
    return usage("EDITION must be a whole number greater than 0");
  }
  std::vector<std::string> roles;
  if (roles_text != "none") {
    auto fields = splitCsv(roles_text);
    if (!fields) return usage("ROLES must be role codes separated by commas, or none");
    for (const std::string& field : *fields) {
      auto role = core::notification::normaliseRoleCode(field);
      if (!role) return usage("role '" + field + "' must be 1-20 letters and digits (e.g. DAGL)");
      roles.push_back(*role);
    }
  }
  auto service = db.services().find(code, edition);
  if (!service.ok()) return fail(service.status(), "service roles");
  if (!service.value()) {
    std::cerr << "gatewayctl: service roles: no service " << code << " edition " << edition << "\n";
    return kExitError;
  }
  if (Status s = db.contacts().setServiceAccessRoles(service.value()->id, roles); !s.ok()) {
    return fail(s, "service roles");
  }
  auto stored = db.contacts().serviceAccessRoles(service.value()->id);
  if (!stored.ok()) return fail(stored.status(), "service roles");
  std::string list;
  for (const auto& r : stored.value()) list += (list.empty() ? "" : ",") + r;
  std::cout << "service " << code << " edition " << edition << " is granted by: " << (list.empty() ? "none" : list)
            << "\n";
  return kExitOk;
}

}  // namespace gateway::tools
