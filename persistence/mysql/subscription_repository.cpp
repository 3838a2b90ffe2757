// SubscriptionRepository: a service owner's subscription data with its Subscription receipt.

#include <memory>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

constexpr const char* kKind = "Subscription";

// "IF(? IS NULL, NULL, TIMESTAMPADD(SECOND, ?, epoch))": an optional time as two parameters.
std::string optionalTimeParam() { return std::string("IF(? IS NULL, NULL, ") + kDatetimeFromEpochParam + ")"; }

void bindOptionalTime(Params& params, const std::optional<std::time_t>& t) {
  std::optional<Id> v;
  if (t) v = static_cast<Id>(*t);
  params.optId(v).i64(v.value_or(0));
}

void bindFields(Params& params, Id system_id, const SubscriptionRecord& s) {
  params.id(s.service_id)
      .id(system_id)
      .str(s.system_user_code)
      .str(s.reportee)
      .str(s.period_type)
      .i64(static_cast<std::int64_t>(s.start_date));
  bindOptionalTime(params, s.expiration_date);
  params.i64(static_cast<std::int64_t>(s.next_schedule_date)).i64(static_cast<std::int64_t>(s.next_due_date));
  bindOptionalTime(params, s.visible_date);
  params.optI32(s.case_id).optI32(s.user_type);
}

void replaceIdentityFields(Session& session, Id subscription_id, const std::vector<std::string>& fields) {
  {
    auto& statement = session.prepare("DELETE FROM subscription_identity_field WHERE subscription_id = ?");
    Params(statement).id(subscription_id);
    statement.executeUpdate();
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    auto& statement = session.prepare(
        "INSERT INTO subscription_identity_field (subscription_id, position, field_value) VALUES (?, ?, ?)");
    Params(statement).id(subscription_id).i32(static_cast<int>(i)).str(fields[i]);
    statement.executeUpdate();
  }
}

// The stored id, or nullopt when `s.id` names no subscription of the owner.
std::optional<Id> upsert(Session& session, Id owner_id, Id system_id, const SubscriptionRecord& s) {
  const std::string t = kDatetimeFromEpochParam;
  if (s.id) {
    {
      auto& exists = session.prepare("SELECT 1 FROM subscription WHERE id = ? AND owner_id = ? FOR UPDATE");
      Params(exists).id(*s.id).id(owner_id);
      std::unique_ptr<sql::ResultSet> rows(exists.executeQuery());
      if (!rows->next()) return std::nullopt;
    }
    auto& statement = session.prepare(
        "UPDATE subscription SET service_id = ?, system_id = ?, system_user_code = ?, reportee = ?, period_type = ?, "
        "start_date = " + t + ", expiration_date = " + optionalTimeParam() + ", next_schedule_date = " + t +
        ", next_due_date = " + t + ", visible_date = " + optionalTimeParam() +
        ", case_id = ?, user_type = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND owner_id = ?");
    Params params(statement);
    bindFields(params, system_id, s);
    params.id(*s.id).id(owner_id);
    statement.executeUpdate();
    replaceIdentityFields(session, *s.id, s.identity_fields);
    return *s.id;
  }
  auto& statement = session.prepare(
      "INSERT INTO subscription (owner_id, service_id, system_id, system_user_code, reportee, period_type, start_date, "
      "expiration_date, next_schedule_date, next_due_date, visible_date, case_id, user_type) VALUES (?, ?, ?, ?, ?, "
      "?, " + t + ", " + optionalTimeParam() + ", " + t + ", " + t + ", " + optionalTimeParam() + ", ?, ?) RETURNING id");
  Params params(statement);
  params.id(owner_id);
  bindFields(params, system_id, s);
  Id id = 0;
  {
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    rows->next();
    id = rows->getInt64(1);
  }
  replaceIdentityFields(session, id, s.identity_fields);
  return id;
}

}  // namespace

Result<ReceiptRecord> MysqlSubscriptionRepository::store(Id owner_id, Id system_id,
                                                         const std::string& external_batch_id,
                                                         const std::vector<Item>& items) {
  if (owner_id <= 0 || system_id <= 0) return Status::InvalidArgument("subscription: owner and system are required");
  if (external_batch_id.empty()) return Status::InvalidArgument("subscription: externalBatchId is required");
  ReceiptRecord stored;
  Status status = db_.runInTransaction("subscription.store", [&](Session& session) -> Status {
    const Id receipt_id =
        insertReceipt(session, std::nullopt, kKind, ReceiptStatus::kNotSet, "", "", owner_id, std::nullopt);
    claimOwnerBatch(session, owner_id, kKind, external_batch_id, receipt_id);
    std::size_t stored_count = 0;
    for (const Item& item : items) {
      std::string text = item.rejection;
      std::optional<Id> id;
      if (text.empty()) {
        id = upsert(session, owner_id, system_id, item.subscription);
        if (id) {
          ++stored_count;
          text = std::string("Subscription ") + std::to_string(*id) + (item.subscription.id ? " updated." : " stored.");
        } else {
          text = "No subscription with this SubscriptionID belongs to the service owner.";
        }
      }
      const Id sub_id = insertReceipt(session, receipt_id, kKind, id ? ReceiptStatus::kOk : ReceiptStatus::kValidationFailed,
                                      text, "", owner_id, std::nullopt);
      std::vector<ReceiptReference> refs;
      if (id) refs.push_back({"ReceiversReference", std::to_string(*id)});
      insertReceiptReferences(session, sub_id, refs);
    }
    const bool all = stored_count == items.size();
    {
      auto& statement = session.prepare("UPDATE receipt SET status = ?, text = ? WHERE id = ?");
      Params(statement)
          .str(receiptStatusName(all ? ReceiptStatus::kOk : ReceiptStatus::kValidationFailed))
          .str(std::to_string(stored_count) + " of " + std::to_string(items.size()) + " subscriptions stored.")
          .id(receipt_id);
      statement.executeUpdate();
    }
    insertReceiptReferences(session, receipt_id, {{"BatchReference", external_batch_id}});
    auto receipts = loadReceipts(session, {receipt_id});
    if (receipts.empty()) return Status::Internal("subscription.store: stored receipt not found");
    stored = std::move(receipts.front());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return stored;
}

Result<std::optional<ReceiptRecord>> MysqlSubscriptionRepository::findBatchReceipt(Id owner_id,
                                                                                    const std::string& external_batch_id) {
  return findOwnerBatchReceipt(db_, owner_id, kKind, external_batch_id);
}

Result<std::vector<SubscriptionRecord>> MysqlSubscriptionRepository::listForOwner(Id owner_id) {
  std::vector<SubscriptionRecord> found;
  Status status = db_.run(TransactionMode::kSnapshot, "subscription.listForOwner", [&](Session& session) {
    found.clear();
    auto opt = [](const std::string& column) {
      return "IF(" + column + " IS NULL, NULL, " + epochOf(column) + ")";
    };
    auto& statement = session.prepare(
        "SELECT id, owner_id, service_id, system_id, system_user_code, reportee, period_type, " + epochOf("start_date") +
        ", " + opt("expiration_date") + ", " + epochOf("next_schedule_date") + ", " + epochOf("next_due_date") + ", " +
        opt("visible_date") + ", case_id, user_type FROM subscription WHERE owner_id = ? ORDER BY id");
    Params(statement).id(owner_id);
    {
      std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
      while (rows->next()) {
        SubscriptionRecord s;
        s.id = rows->getInt64(1);
        s.owner_id = rows->getInt64(2);
        s.service_id = rows->getInt64(3);
        s.system_id = rows->getInt64(4);
        s.system_user_code = getString(*rows, 5);
        s.reportee = getString(*rows, 6);
        s.period_type = getString(*rows, 7);
        s.start_date = static_cast<std::time_t>(rows->getInt64(8));
        if (auto v = getOptionalId(*rows, 9)) s.expiration_date = static_cast<std::time_t>(*v);
        s.next_schedule_date = static_cast<std::time_t>(rows->getInt64(10));
        s.next_due_date = static_cast<std::time_t>(rows->getInt64(11));
        if (auto v = getOptionalId(*rows, 12)) s.visible_date = static_cast<std::time_t>(*v);
        s.case_id = getOptionalInt(*rows, 13);
        s.user_type = getOptionalInt(*rows, 14);
        found.push_back(std::move(s));
      }
    }
    for (SubscriptionRecord& s : found) {
      auto& fields = session.prepare(
          "SELECT field_value FROM subscription_identity_field WHERE subscription_id = ? ORDER BY position");
      Params(fields).id(*s.id);
      std::unique_ptr<sql::ResultSet> rows(fields.executeQuery());
      while (rows->next()) s.identity_fields.push_back(getString(*rows, 1));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

}  // namespace gateway::persistence::mysql
