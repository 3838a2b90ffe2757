// SystemRepository and ServiceRepository: the per-request look-ups. Each is a single statement run
// in autocommit (one round trip, no transaction left open).

#include <memory>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {

Result<std::optional<SystemRecord>> MysqlSystemRepository::findByUsername(const std::string& username) {
  std::optional<SystemRecord> found;
  Status status = db_.run(TransactionMode::kAutocommit, "system.findByUsername", [&](Session& session) {
    found.reset();
    auto& statement = session.prepare(
        "SELECT s.id, s.username, s.password_hash, s.org_number, s.role, s.owner_id, o.code, s.active, "
        "s.credential_version FROM system s LEFT JOIN service_owner o ON o.id = s.owner_id WHERE s.username = ?");
    Params(statement).str(username);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) {
      SystemRecord record;
      record.id = rows->getInt64(1);
      record.username = getString(*rows, 2);
      record.password_hash = getString(*rows, 3);
      record.org_number = getString(*rows, 4);
      record.role = systemRoleFromName(getString(*rows, 5));
      record.owner_id = getOptionalId(*rows, 6);
      record.owner_code = rows->isNull(7) ? std::string() : getString(*rows, 7);
      record.active = rows->getBoolean(8);
      record.credential_version = rows->getInt64(9);
      found = std::move(record);
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<bool> MysqlSystemRepository::mayActFor(Id system_id, const std::string& reportee) {
  bool allowed = false;
  Status status = db_.run(TransactionMode::kAutocommit, "system.mayActFor", [&](Session& session) {
    auto& statement = session.prepare("SELECT 1 FROM system_reportee WHERE system_id = ? AND reportee = ?");
    Params(statement).id(system_id).str(reportee);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    allowed = rows->next();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return allowed;
}

Result<std::optional<ServiceRecord>> MysqlServiceRepository::find(const std::string& code, int edition) {
  std::optional<ServiceRecord> found;
  Status status = db_.run(TransactionMode::kAutocommit, "service.find", [&](Session& session) {
    found.reset();
    // One statement so the service and its formats are read from one consistent view.
    auto& statement = session.prepare(
        "SELECT s.id, s.owner_id, o.code, s.code, s.edition, s.name, s.kind, f.data_format_id, f.data_format_version "
        "FROM service s JOIN service_owner o ON o.id = s.owner_id "
        "LEFT JOIN service_data_format f ON f.service_id = s.id "
        "WHERE s.code = ? AND s.edition = ? ORDER BY f.data_format_id, f.data_format_version");
    Params(statement).str(code).i32(edition);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      if (!found) {
        ServiceRecord record;
        record.id = rows->getInt64(1);
        record.owner_id = rows->getInt64(2);
        record.owner_code = getString(*rows, 3);
        record.code = getString(*rows, 4);
        record.edition = rows->getInt(5);
        record.name = getString(*rows, 6);
        record.kind = getString(*rows, 7);
        found = std::move(record);
      }
      if (!rows->isNull(8)) found->formats.push_back({getString(*rows, 8), rows->getInt(9)});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

}  // namespace gateway::persistence::mysql
