// SystemRepository and ServiceRepository: the per-request look-ups. Each is a single statement run
// in autocommit (one round trip, no transaction left open).

#include <memory>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {

SystemRecord readSystemRow(sql::ResultSet& row, bool with_password_hash) {
  SystemRecord record;
  record.id = row.getInt64(1);
  record.username = getString(row, 2);
  record.org_number = getString(row, 3);
  record.role = systemRoleFromName(getString(row, 4));
  record.owner_id = getOptionalId(row, 5);
  record.owner_code = row.isNull(6) ? std::string() : getString(row, 6);
  record.active = row.getBoolean(7);
  record.credential_version = row.getInt64(8);
  if (with_password_hash) record.password_hash = getString(row, 9);
  return record;
}

Result<std::optional<SystemRecord>> MysqlSystemRepository::findByUsername(const std::string& username) {
  std::optional<SystemRecord> found;
  Status status = db_.run(TransactionMode::kAutocommit, "system.findByUsername", [&](Session& session) {
    found.reset();
    auto& statement = session.prepare(std::string("SELECT ") + kSystemColumns +
                                      " FROM system s LEFT JOIN service_owner o ON o.id = s.owner_id "
                                      "WHERE s.username = ?");
    Params(statement).str(username);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) found = readSystemRow(*rows, true);
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
