// ContactRepository, role part: the organisations' role holders and the role codes that grant a
// service (migration 014_contact_roles.sql).

#include <memory>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {

Result<std::vector<bool>> MysqlContactRepository::addRoles(const std::vector<RoleHolderRecord>& roles) {
  std::vector<bool> added;
  if (roles.empty()) return added;
  auto attempt = [&](Session& session) {
    added.assign(roles.size(), false);
    // The connection reports found rows (CLIENT_FOUND_ROWS), so ON DUPLICATE KEY cannot tell new from
    // held; INSERT IGNORE would also swallow CHECK violations. Insert only what is not there.
    auto& insert = session.prepare(
        "INSERT INTO contact_role (organisation, person, role_code) SELECT ?, ?, ? FROM DUAL WHERE NOT EXISTS "
        "(SELECT 1 FROM contact_role WHERE organisation = ? AND person = ? AND role_code = ?)");
    for (std::size_t i = 0; i < roles.size(); ++i) {
      const RoleHolderRecord& r = roles[i];
      Params(insert).str(r.organisation).str(r.person).str(r.role_code).str(r.organisation).str(r.person).str(r.role_code);
      added[i] = insert.executeUpdate() == 1;  // 1 inserted, 0 already held
    }
    return Status::Ok();
  };
  Status status = db_.runInTransaction("contact.addRoles", attempt);
  // A concurrent import inserted one of these first: run again, it now reads as held.
  if (status.code() == StatusCode::kAlreadyExists) status = db_.runInTransaction("contact.addRoles", attempt);
  if (!status.ok()) return status;
  return added;
}

Status MysqlContactRepository::removeRole(const RoleHolderRecord& role) {
  return db_.runInTransaction("contact.removeRole", [&](Session& session) {
    auto& statement =
        session.prepare("DELETE FROM contact_role WHERE organisation = ? AND person = ? AND role_code = ?");
    Params(statement).str(role.organisation).str(role.person).str(role.role_code);
    if (statement.executeUpdate() == 0) return Status::NotFound("the person does not hold this role");
    return Status::Ok();
  });
}

Result<std::vector<RoleHolderRecord>> MysqlContactRepository::rolesOf(const std::string& organisation) {
  std::vector<RoleHolderRecord> found;
  Status status = db_.run(TransactionMode::kAutocommit, "contact.rolesOf", [&](Session& session) {
    found.clear();
    auto& statement = session.prepare(
        "SELECT organisation, person, role_code FROM contact_role WHERE organisation = ? ORDER BY person, role_code");
    Params(statement).str(organisation);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) found.push_back({getString(*rows, 1), getString(*rows, 2), getString(*rows, 3)});
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Status MysqlContactRepository::setServiceAccessRoles(Id service_id, const std::vector<std::string>& role_codes) {
  return db_.runInTransaction("contact.setServiceAccessRoles", [&](Session& session) {
    auto& clear = session.prepare("DELETE FROM service_access_role WHERE service_id = ?");
    Params(clear).id(service_id);
    clear.executeUpdate();
    auto& insert = session.prepare(
        "INSERT INTO service_access_role (service_id, role_code) VALUES (?, ?) "
        "ON DUPLICATE KEY UPDATE role_code = role_code");  // the same code twice in the input
    for (const std::string& code : role_codes) {
      Params(insert).id(service_id).str(code);
      insert.executeUpdate();
    }
    return Status::Ok();
  });
}

Result<std::vector<std::string>> MysqlContactRepository::serviceAccessRoles(Id service_id) {
  std::vector<std::string> found;
  Status status = db_.run(TransactionMode::kAutocommit, "contact.serviceAccessRoles", [&](Session& session) {
    found.clear();
    auto& statement =
        session.prepare("SELECT role_code FROM service_access_role WHERE service_id = ? ORDER BY role_code");
    Params(statement).id(service_id);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) found.push_back(getString(*rows, 1));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

}  // namespace gateway::persistence::mysql
