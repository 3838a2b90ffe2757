// ReceiptRepository. Scope is always part of the WHERE clause of the statement that finds the
// receipt: rows of other parties are never read. Sub-receipts carry their parent's owner_id and
// system_id, so checking the main receipt's scope covers its whole tree.

#include <algorithm>
#include <memory>
#include <set>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

constexpr std::size_t kMaxSearchReferences = 16;

Status checkScope(const ReceiptScope& scope) {
  if (!scope.owner_id && !scope.system_id) return Status::PermissionDenied("receipts: no owner or system in scope");
  return Status::Ok();
}

// "(r.owner_id = ? OR r.system_id = ?)" or one of the two, for the parties in scope.
std::string scopeClause(const ReceiptScope& scope, const char* alias) {
  std::string a(alias);
  if (scope.owner_id && scope.system_id) return "(" + a + ".owner_id = ? OR " + a + ".system_id = ?)";
  if (scope.owner_id) return a + ".owner_id = ?";
  return a + ".system_id = ?";
}

void bindScope(Params& params, const ReceiptScope& scope) {
  if (scope.owner_id) params.id(*scope.owner_id);
  if (scope.system_id) params.id(*scope.system_id);
}

struct LockedReceipt {
  Id id = 0;
  std::optional<Id> parent_id;
  std::string type;
  std::optional<Id> owner_id;
  std::optional<Id> system_id;
};

LockedReceipt readLocked(sql::ResultSet& rows) {
  LockedReceipt r;
  r.id = rows.getInt64(1);
  r.parent_id = getOptionalId(rows, 2);
  r.type = getString(rows, 3);
  r.owner_id = getOptionalId(rows, 4);
  r.system_id = getOptionalId(rows, 5);
  return r;
}

}  // namespace

Result<ReceiptRecord> MysqlReceiptRepository::get(const ReceiptScope& scope, Id receipt_id) {
  if (Status s = checkScope(scope); !s.ok()) return s;
  ReceiptRecord found;
  Status status = db_.run(TransactionMode::kSnapshot, "receipt.get", [&](Session& session) {
    auto& statement = session.prepare("SELECT r.id FROM receipt r WHERE r.id = ? AND " + scopeClause(scope, "r"));
    Params params(statement);
    params.id(receipt_id);
    bindScope(params, scope);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    if (!rows->next()) return Status::NotFound("no receipt with this id");
    auto receipts = loadReceipts(session, {receipt_id});
    if (receipts.empty()) return Status::NotFound("no receipt with this id");
    found = std::move(receipts.front());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<std::vector<ReceiptRecord>> MysqlReceiptRepository::findByReferences(const ReceiptScope& scope,
                                                                            const std::vector<ReceiptReference>& refs,
                                                                            int limit) {
  if (Status s = checkScope(scope); !s.ok()) return s;
  std::vector<ReceiptReference> wanted;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& ref : refs) {
    if (seen.insert({ref.type, ref.value}).second) wanted.push_back(ref);
  }
  if (wanted.empty()) return Status::InvalidArgument("receipt search: at least one reference is required");
  if (wanted.size() > kMaxSearchReferences) return Status::InvalidArgument("receipt search: too many references");
  std::vector<ReceiptRecord> found;
  if (limit <= 0) return found;

  Status status = db_.run(TransactionMode::kSnapshot, "receipt.findByReferences", [&](Session& session) {
    found.clear();
    std::string sql_text =
        "SELECT r.id FROM receipt_reference rr JOIN receipt r ON r.id = rr.receipt_id "
        "WHERE rr.type = ? AND rr.value = ? AND r.parent_id IS NULL AND " + scopeClause(scope, "r");
    for (std::size_t i = 1; i < wanted.size(); ++i) {
      sql_text += " AND EXISTS (SELECT 1 FROM receipt_reference x WHERE x.receipt_id = r.id AND x.type = ? AND x.value = ?)";
    }
    sql_text += " ORDER BY r.id LIMIT ?";
    auto& statement = session.prepare(sql_text);
    Params params(statement);
    params.str(wanted[0].type).str(wanted[0].value);
    bindScope(params, scope);
    for (std::size_t i = 1; i < wanted.size(); ++i) params.str(wanted[i].type).str(wanted[i].value);
    params.i32(limit);
    std::vector<Id> ids;
    {
      std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
      while (rows->next()) ids.push_back(rows->getInt64(1));
    }
    found = loadReceipts(session, ids);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<std::vector<ReceiptRecord>> MysqlReceiptRepository::list(const ReceiptScope& scope, const std::string& type,
                                                                std::optional<std::time_t> from,
                                                                std::optional<std::time_t> to, int limit) {
  if (Status s = checkScope(scope); !s.ok()) return s;
  std::vector<ReceiptRecord> found;
  if (limit <= 0) return found;
  Status status = db_.run(TransactionMode::kSnapshot, "receipt.list", [&](Session& session) {
    found.clear();
    std::string sql_text = "SELECT r.id FROM receipt r WHERE r.parent_id IS NULL AND r.type = ? AND " +
                           scopeClause(scope, "r");
    if (from) sql_text += std::string(" AND r.last_changed >= ") + kDatetimeFromEpochParam;
    // `to` is inclusive to the second: everything before the next whole second.
    if (to) sql_text += std::string(" AND r.last_changed < TIMESTAMPADD(SECOND, 1, ") + kDatetimeFromEpochParam + ")";
    sql_text += " ORDER BY r.last_changed DESC, r.id DESC LIMIT ?";
    auto& statement = session.prepare(sql_text);
    Params params(statement);
    params.str(type);
    bindScope(params, scope);
    if (from) params.i64(static_cast<std::int64_t>(*from));
    if (to) params.i64(static_cast<std::int64_t>(*to));
    params.i32(limit);
    std::vector<Id> ids;
    {
      std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
      while (rows->next()) ids.push_back(rows->getInt64(1));
    }
    found = loadReceipts(session, ids);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<ReceiptRecord> MysqlReceiptRepository::create(const ReceiptScope& scope, const ReceiptRecord& receipt) {
  if (Status s = checkScope(scope); !s.ok()) return s;
  if (receipt.type.empty()) return Status::InvalidArgument("receipt: type is required");
  ReceiptRecord stored;
  Status status = db_.runInTransaction("receipt.create", [&](Session& session) -> Status {
    std::optional<Id> owner_id = scope.owner_id;
    std::optional<Id> system_id = scope.system_id;
    if (receipt.parent_id) {
      // A new sub-receipt of an existing main receipt in scope; it takes the parent's parties.
      auto& statement = session.prepare("SELECT r.id, r.parent_id, r.type, r.owner_id, r.system_id FROM receipt r "
                                        "WHERE r.id = ? AND " + scopeClause(scope, "r") + " FOR UPDATE");
      Params params(statement);
      params.id(*receipt.parent_id);
      bindScope(params, scope);
      std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
      if (!rows->next()) return Status::NotFound("no parent receipt with this id");
      LockedReceipt parent = readLocked(*rows);
      if (parent.parent_id) return Status::InvalidArgument("receipt: sub-receipts cannot have sub-receipts");
      if (!receipt.sub_receipts.empty()) return Status::InvalidArgument("receipt: sub-receipts cannot have sub-receipts");
      owner_id = parent.owner_id;
      system_id = parent.system_id;
    }
    Id id = insertReceipt(session, receipt.parent_id, receipt.type, receipt.status, receipt.text, receipt.history,
                          owner_id, system_id);
    insertReceiptReferences(session, id, receipt.references);
    for (const ReceiptRecord& sub : receipt.sub_receipts) {
      if (!sub.sub_receipts.empty()) return Status::InvalidArgument("receipt: sub-receipts cannot have sub-receipts");
      // Sub-receipts share their parent's type, as when update() adds one.
      Id sub_id = insertReceipt(session, id, receipt.type, sub.status, sub.text, sub.history, owner_id, system_id);
      insertReceiptReferences(session, sub_id, sub.references);
    }
    auto receipts = loadReceipts(session, {id});
    if (receipts.empty()) return Status::Internal("receipt.create: stored receipt not found");
    stored = std::move(receipts.front());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return stored;
}

Result<ReceiptRecord> MysqlReceiptRepository::update(const ReceiptScope& scope, const Update& update) {
  if (Status s = checkScope(scope); !s.ok()) return s;
  const bool by_reference = update.archive_reference && !update.archive_reference->empty();
  if (update.receipt_id.has_value() == by_reference) {
    return Status::InvalidArgument("receipt update: give either a receipt id or an archive reference");
  }
  for (const Update& sub : update.sub_receipts) {
    if (!sub.sub_receipts.empty()) return Status::InvalidArgument("receipt: sub-receipts cannot have sub-receipts");
  }
  ReceiptRecord stored;
  Status status = db_.runInTransaction("receipt.update", [&](Session& session) -> Status {
    LockedReceipt target;
    {
      std::string sql_text;
      if (update.receipt_id) {
        sql_text = "SELECT r.id, r.parent_id, r.type, r.owner_id, r.system_id FROM receipt r WHERE r.id = ? AND " +
                   scopeClause(scope, "r") + " FOR UPDATE";
      } else {
        sql_text = "SELECT r.id, r.parent_id, r.type, r.owner_id, r.system_id FROM receipt_reference rr "
                   "JOIN receipt r ON r.id = rr.receipt_id "
                   "WHERE rr.type = 'ArchiveReference' AND rr.value = ? AND r.parent_id IS NULL AND " +
                   scopeClause(scope, "r") + " ORDER BY r.id LIMIT 1 FOR UPDATE";
      }
      auto& statement = session.prepare(sql_text);
      Params params(statement);
      if (update.receipt_id) {
        params.id(*update.receipt_id);
      } else {
        params.str(*update.archive_reference);
      }
      bindScope(params, scope);
      std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
      if (!rows->next()) return Status::NotFound("no receipt to update");
      target = readLocked(*rows);
    }
    if (target.parent_id && !update.sub_receipts.empty()) {
      return Status::InvalidArgument("receipt: sub-receipts cannot have sub-receipts");
    }
    {
      auto& statement = session.prepare(std::string("UPDATE receipt ") + kUpdateReceiptSet + " WHERE id = ?");
      Params(statement).str(update.text).str(receiptStatusName(update.status)).id(target.id);
      statement.executeUpdate();
    }
    insertReceiptReferences(session, target.id, update.add_references);
    for (const Update& sub : update.sub_receipts) {
      // Sub-receipts are addressed by id only; an archive reference on a sub-receipt is ignored.
      if (sub.receipt_id) {
        auto& statement =
            session.prepare(std::string("UPDATE receipt ") + kUpdateReceiptSet + " WHERE id = ? AND parent_id = ?");
        Params(statement).str(sub.text).str(receiptStatusName(sub.status)).id(*sub.receipt_id).id(target.id);
        if (statement.executeUpdate() == 0) return Status::NotFound("no such sub-receipt of this receipt");
        insertReceiptReferences(session, *sub.receipt_id, sub.add_references);
      } else {
        Id sub_id =
            insertReceipt(session, target.id, target.type, sub.status, sub.text, "", target.owner_id, target.system_id);
        insertReceiptReferences(session, sub_id, sub.add_references);
      }
    }
    auto receipts = loadReceipts(session, {target.id});
    if (receipts.empty()) return Status::Internal("receipt.update: updated receipt not found");
    stored = std::move(receipts.front());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return stored;
}

}  // namespace gateway::persistence::mysql
