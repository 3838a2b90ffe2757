// ContactRepository: the contact register (e-mail, mobile, reservation, language per party).

#include <memory>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

constexpr const char* kColumns = "party_number, email, mobile, reserved, language_id";

ContactRecord readContact(const sql::ResultSet& rows) {
  ContactRecord c;
  c.party_number = getString(rows, 1);
  c.email = getString(rows, 2);
  c.mobile = getString(rows, 3);
  c.reserved = rows.getBoolean(4);
  c.language_id = rows.getInt(5);
  return c;
}

}  // namespace

Status MysqlContactRepository::upsert(const std::vector<ContactRecord>& contacts) {
  if (contacts.empty()) return Status::Ok();
  return db_.runInTransaction("contact.upsert", [&](Session& session) {
    auto& statement = session.prepare(
        "INSERT INTO contact (party_number, email, mobile, reserved, language_id) VALUES (?, ?, ?, ?, ?) "
        "ON DUPLICATE KEY UPDATE email = VALUES(email), mobile = VALUES(mobile), reserved = VALUES(reserved), "
        "language_id = VALUES(language_id), updated_at = UTC_TIMESTAMP(6)");
    for (const ContactRecord& c : contacts) {
      Params(statement).str(c.party_number).str(c.email).str(c.mobile).boolean(c.reserved).i32(c.language_id);
      statement.executeUpdate();
    }
    return Status::Ok();
  });
}

Result<std::optional<ContactRecord>> MysqlContactRepository::find(const std::string& party_number) {
  auto many = findMany({party_number});
  if (!many.ok()) return many.status();
  if (many->empty()) return std::optional<ContactRecord>();
  return std::optional<ContactRecord>(many->front());
}

Result<std::vector<ContactRecord>> MysqlContactRepository::findMany(const std::vector<std::string>& party_numbers) {
  std::vector<ContactRecord> found;
  Status status = db_.run(TransactionMode::kSnapshot, "contact.findMany", [&](Session& session) {
    found.clear();
    auto& statement = session.prepare(std::string("SELECT ") + kColumns + " FROM contact WHERE party_number = ?");
    for (const std::string& number : party_numbers) {
      Params(statement).str(number);
      std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
      if (rows->next()) found.push_back(readContact(*rows));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Status MysqlContactRepository::remove(const std::string& party_number) {
  return db_.runInTransaction("contact.remove", [&](Session& session) {
    auto& statement = session.prepare("DELETE FROM contact WHERE party_number = ?");
    Params(statement).str(party_number);
    if (statement.executeUpdate() == 0) return Status::NotFound("no contact for this party number");
    return Status::Ok();
  });
}

}  // namespace gateway::persistence::mysql
