// ProvisioningRepository: operator changes made through gatewayctl.

#include <algorithm>
#include <memory>
#include <set>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

bool allDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool isOrgNumberShape(const std::string& s) { return s.size() == 9 && allDigits(s); }

struct OwnerRef {
  Id id = 0;
  std::string org_number;
};

std::optional<OwnerRef> findOwnerByCode(Session& session, const std::string& code) {
  auto& statement = session.prepare("SELECT id, org_number FROM service_owner WHERE code = ?");
  Params(statement).str(code);
  std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
  if (!rows->next()) return std::nullopt;
  return OwnerRef{rows->getInt64(1), getString(*rows, 2)};
}

}  // namespace

Result<ServiceOwnerRecord> MysqlProvisioningRepository::addServiceOwner(const ServiceOwnerRecord& owner) {
  if (owner.code.empty() || owner.name.empty()) return Status::InvalidArgument("service owner: code and name are required");
  if (!isOrgNumberShape(owner.org_number)) return Status::InvalidArgument("service owner: org number must be 9 digits");
  ServiceOwnerRecord stored = owner;
  Status status = db_.runInTransaction("provisioning.addServiceOwner", [&](Session& session) {
    auto& statement =
        session.prepare("INSERT INTO service_owner (code, org_number, name) VALUES (?, ?, ?) RETURNING id");
    Params(statement).str(owner.code).str(owner.org_number).str(owner.name);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    rows->next();
    stored.id = rows->getInt64(1);
    return Status::Ok();
  });
  if (status.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("a service owner with this code or org number exists");
  }
  if (!status.ok()) return status;
  return stored;
}

Result<std::vector<ServiceOwnerRecord>> MysqlProvisioningRepository::listServiceOwners() {
  std::vector<ServiceOwnerRecord> owners;
  Status status = db_.run(TransactionMode::kAutocommit, "provisioning.listServiceOwners", [&](Session& session) {
    owners.clear();
    auto& statement = session.prepare("SELECT id, code, org_number, name FROM service_owner ORDER BY code");
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      owners.push_back({rows->getInt64(1), getString(*rows, 2), getString(*rows, 3), getString(*rows, 4)});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return owners;
}

Result<SystemRecord> MysqlProvisioningRepository::addSystem(const SystemRecord& system) {
  if (system.username.empty()) return Status::InvalidArgument("system: username is required");
  if (system.password_hash.empty()) return Status::InvalidArgument("system: password hash is required");
  if (!isOrgNumberShape(system.org_number)) return Status::InvalidArgument("system: org number must be 9 digits");
  if (system.role == SystemRole::kServiceOwner && system.owner_code.empty()) {
    return Status::InvalidArgument("system: a service-owner system needs its owner's code");
  }
  if (system.role == SystemRole::kEndUser && (!system.owner_code.empty() || system.owner_id)) {
    return Status::InvalidArgument("system: an end-user system has no service owner");
  }
  SystemRecord stored = system;
  Status status = db_.runInTransaction("provisioning.addSystem", [&](Session& session) -> Status {
    stored = system;
    stored.owner_id.reset();
    if (system.role == SystemRole::kServiceOwner) {
      auto owner = findOwnerByCode(session, system.owner_code);
      if (!owner) return Status::NotFound("no service owner with this code");
      if (owner->org_number != system.org_number) {
        return Status::InvalidArgument("system: org number differs from the service owner's org number");
      }
      stored.owner_id = owner->id;
    }
    auto& statement = session.prepare(
        "INSERT INTO system (username, password_hash, org_number, role, owner_id, active) VALUES (?, ?, ?, ?, ?, ?) "
        "RETURNING id, credential_version");
    Params(statement)
        .str(system.username)
        .str(system.password_hash)
        .str(system.org_number)
        .str(systemRoleName(system.role))
        .optId(stored.owner_id)
        .boolean(system.active);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    rows->next();
    stored.id = rows->getInt64(1);
    stored.credential_version = rows->getInt64(2);
    return Status::Ok();
  });
  if (status.code() == StatusCode::kAlreadyExists) return Status::AlreadyExists("a system with this username exists");
  if (!status.ok()) return status;
  return stored;
}

Status MysqlProvisioningRepository::setSystemPassword(const std::string& username, const std::string& password_hash) {
  if (password_hash.empty()) return Status::InvalidArgument("system: password hash is required");
  return db_.runInTransaction("provisioning.setSystemPassword", [&](Session& session) {
    auto& statement = session.prepare(
        "UPDATE system SET password_hash = ?, credential_version = credential_version + 1, "
        "updated_at = UTC_TIMESTAMP(6) WHERE username = ?");
    Params(statement).str(password_hash).str(username);
    if (statement.executeUpdate() == 0) return Status::NotFound("no system with this username");
    return Status::Ok();
  });
}

Status MysqlProvisioningRepository::setSystemActive(const std::string& username, bool active) {
  return db_.runInTransaction("provisioning.setSystemActive", [&](Session& session) {
    // The credential version is bumped too, so a verifier cache cannot outlive a disable.
    auto& statement = session.prepare(
        "UPDATE system SET active = ?, credential_version = credential_version + 1, updated_at = UTC_TIMESTAMP(6) "
        "WHERE username = ?");
    Params(statement).boolean(active).str(username);
    if (statement.executeUpdate() == 0) return Status::NotFound("no system with this username");
    return Status::Ok();
  });
}

Result<std::vector<SystemRecord>> MysqlProvisioningRepository::listSystems() {
  std::vector<SystemRecord> systems;
  Status status = db_.run(TransactionMode::kAutocommit, "provisioning.listSystems", [&](Session& session) {
    systems.clear();
    // password_hash is deliberately not read: listings never carry credentials.
    auto& statement = session.prepare(std::string("SELECT ") + kSystemColumnsWithoutHash +
                                      " FROM system s LEFT JOIN service_owner o ON o.id = s.owner_id "
                                      "ORDER BY s.username");
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) systems.push_back(readSystemRow(*rows, false));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return systems;
}

Result<ServiceRecord> MysqlProvisioningRepository::addService(const ServiceRecord& service) {
  if (service.code.empty() || service.name.empty()) return Status::InvalidArgument("service: code and name are required");
  if (service.edition <= 0) return Status::InvalidArgument("service: edition must be positive");
  if (service.owner_code.empty()) return Status::InvalidArgument("service: owner code is required");
  std::vector<DataFormat> formats;
  std::set<std::pair<std::string, int>> seen;
  for (const auto& f : service.formats) {
    if (f.id.empty() || f.version < 0) return Status::InvalidArgument("service: bad data format");
    if (seen.insert({f.id, f.version}).second) formats.push_back(f);
  }
  ServiceRecord stored;
  Status status = db_.runInTransaction("provisioning.addService", [&](Session& session) -> Status {
    stored = service;
    stored.kind = service.kind.empty() ? "FormTask" : service.kind;
    stored.formats = formats;
    auto owner = findOwnerByCode(session, service.owner_code);
    if (!owner) return Status::NotFound("no service owner with this code");
    stored.owner_id = owner->id;
    {
      auto& statement = session.prepare(
          "INSERT INTO service (owner_id, code, edition, name, kind) VALUES (?, ?, ?, ?, ?) RETURNING id");
      Params(statement).id(owner->id).str(service.code).i32(service.edition).str(service.name).str(stored.kind);
      std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
      rows->next();
      stored.id = rows->getInt64(1);
    }
    for (std::size_t begin = 0; begin < formats.size(); begin += kInsertChunkRows) {
      std::size_t end = std::min(formats.size(), begin + kInsertChunkRows);
      auto& statement =
          session.prepare("INSERT INTO service_data_format (service_id, data_format_id, data_format_version) VALUES " +
                          placeholderRows("(?,?,?)", end - begin));
      Params params(statement);
      for (std::size_t i = begin; i < end; ++i) params.id(stored.id).str(formats[i].id).i32(formats[i].version);
      statement.executeUpdate();
    }
    return Status::Ok();
  });
  if (status.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("a service with this code and edition exists");
  }
  if (!status.ok()) return status;
  return stored;
}

Result<std::vector<ServiceRecord>> MysqlProvisioningRepository::listServices() {
  std::vector<ServiceRecord> services;
  Status status = db_.run(TransactionMode::kAutocommit, "provisioning.listServices", [&](Session& session) {
    services.clear();
    auto& statement = session.prepare(
        "SELECT s.id, s.owner_id, o.code, s.code, s.edition, s.name, s.kind, f.data_format_id, f.data_format_version "
        "FROM service s JOIN service_owner o ON o.id = s.owner_id "
        "LEFT JOIN service_data_format f ON f.service_id = s.id "
        "ORDER BY o.code, s.code, s.edition, f.data_format_id, f.data_format_version");
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      Id id = rows->getInt64(1);
      if (services.empty() || services.back().id != id) {
        ServiceRecord record;
        record.id = id;
        record.owner_id = rows->getInt64(2);
        record.owner_code = getString(*rows, 3);
        record.code = getString(*rows, 4);
        record.edition = rows->getInt(5);
        record.name = getString(*rows, 6);
        record.kind = getString(*rows, 7);
        services.push_back(std::move(record));
      }
      if (!rows->isNull(8)) services.back().formats.push_back({getString(*rows, 8), rows->getInt(9)});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return services;
}

Status MysqlProvisioningRepository::grantReportee(const std::string& system_username, const std::string& reportee) {
  if (!allDigits(reportee) || (reportee.size() != 9 && reportee.size() != 11)) {
    return Status::InvalidArgument("reportee must be an organisation number (9 digits) or a national identity number (11 digits)");
  }
  Status status = db_.runInTransaction("provisioning.grantReportee", [&](Session& session) -> Status {
    Id system_id = 0;
    {
      auto& statement = session.prepare("SELECT id, role FROM system WHERE username = ?");
      Params(statement).str(system_username);
      std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
      if (!rows->next()) return Status::NotFound("no system with this username");
      if (systemRoleFromName(getString(*rows, 2)) != SystemRole::kEndUser) {
        return Status::InvalidArgument("reportees are granted to end-user systems only");
      }
      system_id = rows->getInt64(1);
    }
    auto& statement = session.prepare("INSERT INTO system_reportee (system_id, reportee) VALUES (?, ?)");
    Params(statement).id(system_id).str(reportee);
    statement.executeUpdate();
    return Status::Ok();
  });
  if (status.code() == StatusCode::kAlreadyExists) return Status::AlreadyExists("the reportee is already granted");
  return status;
}

Status MysqlProvisioningRepository::revokeReportee(const std::string& system_username, const std::string& reportee) {
  return db_.runInTransaction("provisioning.revokeReportee", [&](Session& session) -> Status {
    Id system_id = 0;
    {
      auto& statement = session.prepare("SELECT id FROM system WHERE username = ?");
      Params(statement).str(system_username);
      std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
      if (!rows->next()) return Status::NotFound("no system with this username");
      system_id = rows->getInt64(1);
    }
    auto& statement = session.prepare("DELETE FROM system_reportee WHERE system_id = ? AND reportee = ?");
    Params(statement).id(system_id).str(reportee);
    if (statement.executeUpdate() == 0) return Status::NotFound("the reportee is not granted to this system");
    return Status::Ok();
  });
}

Result<std::vector<std::string>> MysqlProvisioningRepository::listReportees(const std::string& system_username) {
  std::vector<std::string> reportees;
  Status status = db_.run(TransactionMode::kAutocommit, "provisioning.listReportees", [&](Session& session) -> Status {
    reportees.clear();
    auto& statement = session.prepare(
        "SELECT s.id, r.reportee FROM system s LEFT JOIN system_reportee r ON r.system_id = s.id "
        "WHERE s.username = ? ORDER BY r.reportee");
    Params(statement).str(system_username);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    bool system_found = false;
    while (rows->next()) {
      system_found = true;
      if (!rows->isNull(2)) reportees.push_back(getString(*rows, 2));
    }
    if (!system_found) return Status::NotFound("no system with this username");
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return reportees;
}

}  // namespace gateway::persistence::mysql
