// ServiceRightRepository: the rights register (migration 009, table service_right).

#include <memory>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

const char* accessName(ServiceAccess access) { return access == ServiceAccess::kWrite ? "Write" : "Read"; }

const std::string kValidToParam = kDatetimeFromEpochParam;

}  // namespace

Result<std::vector<ServiceRightRecord>> MysqlServiceRightRepository::list(Id service_id,
                                                                           const std::optional<std::string>& reportee,
                                                                           std::time_t now) {
  std::vector<ServiceRightRecord> rules;
  Status status = db_.run(TransactionMode::kAutocommit, "serviceRights.list", [&](Session& session) {
    rules.clear();
    std::string sql_text = "SELECT reportee, access, `condition`, " + epochOf("valid_to") +
                           " FROM service_right WHERE service_id = ? AND valid_to > " + kValidToParam;
    if (reportee) sql_text += " AND reportee = ?";
    sql_text += " ORDER BY reportee, access, `condition`";
    auto& statement = session.prepare(sql_text);
    Params params(statement);
    params.id(service_id).i64(now);
    if (reportee) params.str(*reportee);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      ServiceRightRecord rule;
      rule.service_id = service_id;
      rule.reportee = getString(*rows, 1);
      rule.access = getString(*rows, 2) == "Write" ? ServiceAccess::kWrite : ServiceAccess::kRead;
      rule.condition = getString(*rows, 3);
      rule.valid_to = static_cast<std::time_t>(rows->getInt64(4));
      rules.push_back(std::move(rule));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return rules;
}

Result<std::vector<bool>> MysqlServiceRightRepository::add(const std::vector<ServiceRightRecord>& rules,
                                                           std::time_t now) {
  std::vector<bool> added;
  auto attempt = [&](Session& session) {
    added.assign(rules.size(), false);
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const ServiceRightRecord& rule = rules[i];
      // The row lock keeps two adders of an existing rule apart; two inserting the same new rule
      // collide on the unique key instead (handled below).
      std::optional<std::int64_t> valid_to;
      {
        auto& find = session.prepare("SELECT " + epochOf("valid_to") +
                                     " FROM service_right WHERE service_id = ? AND reportee = ? AND access = ? "
                                     "AND `condition` = ? FOR UPDATE");
        Params(find).id(rule.service_id).str(rule.reportee).str(accessName(rule.access)).str(rule.condition);
        std::unique_ptr<sql::ResultSet> rows(find.executeQuery());
        if (rows->next()) valid_to = rows->getInt64(1);
      }
      if (valid_to && *valid_to > now) continue;  // exists and still valid
      if (valid_to) {
        auto& renew = session.prepare("UPDATE service_right SET valid_to = " + kValidToParam +
                                      ", created_at = UTC_TIMESTAMP(6) WHERE service_id = ? AND reportee = ? AND "
                                      "access = ? AND `condition` = ?");
        Params(renew).i64(rule.valid_to).id(rule.service_id).str(rule.reportee).str(accessName(rule.access))
            .str(rule.condition);
        renew.executeUpdate();
      } else {
        auto& insert = session.prepare(
            "INSERT INTO service_right (service_id, reportee, access, `condition`, valid_to) VALUES (?, ?, ?, ?, " +
            kValidToParam + ")");
        Params(insert).id(rule.service_id).str(rule.reportee).str(accessName(rule.access)).str(rule.condition)
            .i64(rule.valid_to);
        insert.executeUpdate();
      }
      added[i] = true;
    }
    return Status::Ok();
  };
  Status status = db_.runInTransaction("serviceRights.add", attempt);
  // A concurrent request inserted one of these rules first: run again, it now reads as existing.
  if (status.code() == StatusCode::kAlreadyExists) status = db_.runInTransaction("serviceRights.add", attempt);
  if (!status.ok()) return status;
  return added;
}

Result<std::vector<bool>> MysqlServiceRightRepository::remove(const std::vector<ServiceRightRecord>& rules) {
  std::vector<bool> removed;
  Status status = db_.runInTransaction("serviceRights.remove", [&](Session& session) {
    removed.assign(rules.size(), false);
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const ServiceRightRecord& rule = rules[i];
      auto& statement = session.prepare(
          "DELETE FROM service_right WHERE service_id = ? AND reportee = ? AND access = ? AND `condition` = ?");
      Params(statement).id(rule.service_id).str(rule.reportee).str(accessName(rule.access)).str(rule.condition);
      removed[i] = statement.executeUpdate() > 0;
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return removed;
}

Result<bool> MysqlServiceRightRepository::holds(Id service_id, const std::string& reportee, ServiceAccess access,
                                                const std::string& condition, std::time_t now) {
  bool found = false;
  Status status = db_.run(TransactionMode::kAutocommit, "serviceRights.holds", [&](Session& session) {
    auto& statement = session.prepare(
        "SELECT 1 FROM service_right WHERE service_id = ? AND reportee = ? AND access = ? AND `condition` = ? AND "
        "valid_to > " + kValidToParam);
    Params(statement).id(service_id).str(reportee).str(accessName(access)).str(condition).i64(now);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    found = rows->next();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

}  // namespace gateway::persistence::mysql
