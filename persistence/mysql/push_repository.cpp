// PushRepository: delivery channels and the push outbox (migration 006).

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <tuple>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

constexpr std::size_t kMaxResultText = 1024;

PushState pushStateFromName(const std::string& name) {
  if (name == "delivered") return PushState::kDelivered;
  if (name == "dead") return PushState::kDead;
  return PushState::kPending;
}

// Cuts at a UTF-8 character boundary so the column never holds half a character.
std::string cutText(const std::string& text) {
  if (text.size() <= kMaxResultText) return text;
  std::size_t end = kMaxResultText;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

constexpr const char* kItemColumns =
    "o.id, o.owner_id, o.service_id, o.submission_id, o.sequence_number, o.state, o.attempts, "
    "o.next_attempt_at <= UTC_TIMESTAMP(6), TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', o.next_attempt_at), "
    "o.last_result, w.code, s.code, s.edition "
    "FROM push_outbox o JOIN service s ON s.id = o.service_id JOIN service_owner w ON w.id = o.owner_id ";

PushItem readItem(const sql::ResultSet& rows) {
  PushItem item;
  item.id = rows.getInt64(1);
  item.owner_id = rows.getInt64(2);
  item.service_id = rows.getInt64(3);
  item.submission_id = rows.getInt64(4);
  item.sequence_number = rows.getInt64(5);
  item.state = pushStateFromName(getString(rows, 6));
  item.attempts = rows.getInt(7);
  item.due = rows.getBoolean(8);
  item.next_attempt_at = static_cast<std::time_t>(rows.getInt64(9));
  item.last_result = getString(rows, 10);
  item.owner_code = getString(rows, 11);
  item.service_code = getString(rows, 12);
  item.service_edition = rows.getInt(13);
  return item;
}

constexpr const char* kChannelColumns =
    "c.service_id, c.owner_id, w.code, s.code, s.edition, c.mode, c.receiver_url, c.receiver_username, "
    "c.remove_from_queue, c.queue_mode "
    "FROM service_channel c JOIN service s ON s.id = c.service_id JOIN service_owner w ON w.id = c.owner_id ";

DeliveryChannel readChannel(const sql::ResultSet& rows) {
  DeliveryChannel c;
  c.service_id = rows.getInt64(1);
  c.owner_id = rows.getInt64(2);
  c.owner_code = getString(rows, 3);
  c.service_code = getString(rows, 4);
  c.service_edition = rows.getInt(5);
  const std::string mode = getString(rows, 6);
  c.mode = mode == "push" ? DeliveryMode::kPush : mode == "batch" ? DeliveryMode::kBatch : DeliveryMode::kQueue;
  c.receiver_url = getString(rows, 7);
  c.receiver_username = getString(rows, 8);
  c.remove_from_queue = rows.getBoolean(9);
  c.queue_mode = rows.getBoolean(10);
  return c;
}

// True while `holder` holds the lease of the channel (locks the channel row until commit).
bool holdsLease(Session& session, Id service_id, const std::string& holder) {
  auto& statement = session.prepare(
      "SELECT 1 FROM service_channel WHERE service_id = ? AND lease_holder = ? AND lease_until > UTC_TIMESTAMP(6) "
      "FOR UPDATE");
  Params(statement).id(service_id).str(holder);
  std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
  return rows->next();
}

}  // namespace

Status MysqlPushRepository::setChannel(const std::string& service_code, int service_edition,
                                       const DeliveryChannel& channel) {
  const bool push = channel.mode == DeliveryMode::kPush;
  if (push && channel.receiver_url.empty()) return Status::InvalidArgument("channel: push needs a receiver URL");
  return db_.runInTransaction("push.setChannel", [&](Session& session) -> Status {
    auto& find = session.prepare("SELECT id, owner_id FROM service WHERE code = ? AND edition = ?");
    Params(find).str(service_code).i32(service_edition);
    std::unique_ptr<sql::ResultSet> rows(find.executeQuery());
    if (!rows->next()) return Status::NotFound("no such service edition");
    const Id service_id = rows->getInt64(1);
    const Id owner_id = rows->getInt64(2);
    auto& upsert = session.prepare(
        "INSERT INTO service_channel (service_id, owner_id, mode, receiver_url, receiver_username, receiver_password, "
        "remove_from_queue) VALUES (?,?,?,?,?,?,?) ON DUPLICATE KEY UPDATE mode = VALUES(mode), "
        "receiver_url = VALUES(receiver_url), receiver_username = VALUES(receiver_username), "
        "receiver_password = VALUES(receiver_password), remove_from_queue = VALUES(remove_from_queue), "
        "updated_at = UTC_TIMESTAMP(6)");
    Params(upsert)
        .id(service_id)
        .id(owner_id)
        .str(deliveryModeName(channel.mode))
        .str(push ? channel.receiver_url : "")
        .str(push ? channel.receiver_username : "")
        .str(push ? channel.receiver_password : "")
        .boolean(channel.remove_from_queue);
    upsert.executeUpdate();
    return Status::Ok();
  });
}

Result<std::vector<DeliveryChannel>> MysqlPushRepository::listChannels() {
  std::vector<DeliveryChannel> out;
  Status status = db_.run(TransactionMode::kAutocommit, "push.listChannels", [&](Session& session) {
    out.clear();
    auto& statement = session.prepare(std::string("SELECT ") + kChannelColumns + "ORDER BY w.code, s.code, s.edition");
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) out.push_back(readChannel(*rows));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Result<std::vector<PushItem>> MysqlPushRepository::listItems(bool dead_only, int limit) {
  if (limit < 1) return Status::InvalidArgument("limit must be at least 1");
  std::vector<PushItem> out;
  Status status = db_.run(TransactionMode::kAutocommit, "push.listItems", [&](Session& session) {
    out.clear();
    auto& statement = session.prepare(std::string("SELECT ") + kItemColumns +
                                      (dead_only ? "WHERE o.state = 'dead' " : "") + "ORDER BY o.id LIMIT ?");
    Params(statement).i32(limit);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) out.push_back(readItem(*rows));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Status MysqlPushRepository::redrive(Id item_id) {
  return db_.runInTransaction("push.redrive", [&](Session& session) -> Status {
    auto& statement = session.prepare(
        "UPDATE push_outbox SET state = 'pending', attempts = 0, next_attempt_at = UTC_TIMESTAMP(6), "
        "updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND state = 'dead'");
    Params(statement).id(item_id);
    if (statement.executeUpdate() != 1) return Status::NotFound("no dead push item with this id");
    return Status::Ok();
  });
}

Result<std::vector<Id>> MysqlPushRepository::dueChannels(const std::string& holder, int limit) {
  std::vector<Id> out;
  Status status = db_.run(TransactionMode::kAutocommit, "push.dueChannels", [&](Session& session) {
    out.clear();
    // Oldest waiting head first, so that busy channels cannot starve the others.
    auto& statement = session.prepare(
        "SELECT d.service_id FROM (SELECT c.service_id, "
        "  (SELECT o.next_attempt_at FROM push_outbox o WHERE o.service_id = c.service_id AND o.state = 'pending' "
        "   ORDER BY o.sequence_number LIMIT 1) AS head_due "
        " FROM service_channel c WHERE c.mode = 'push' "
        " AND (c.lease_holder IS NULL OR c.lease_until <= UTC_TIMESTAMP(6) OR c.lease_holder = ?)) d "
        "WHERE d.head_due <= UTC_TIMESTAMP(6) ORDER BY d.head_due, d.service_id LIMIT ?");
    Params(statement).str(holder).i32(limit);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) out.push_back(rows->getInt64(1));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Result<std::optional<DeliveryChannel>> MysqlPushRepository::claimChannel(Id service_id, const std::string& holder,
                                                                         std::chrono::milliseconds lease) {
  std::optional<DeliveryChannel> out;
  Status status = db_.runInTransaction("push.claimChannel", [&](Session& session) {
    out.reset();
    auto& claim = session.prepare(
        "UPDATE service_channel SET lease_holder = ?, "
        "lease_until = TIMESTAMPADD(MICROSECOND, ?, UTC_TIMESTAMP(6)) WHERE service_id = ? AND mode = 'push' "
        "AND (lease_holder IS NULL OR lease_until <= UTC_TIMESTAMP(6) OR lease_holder = ?)");
    Params(claim).str(holder).i64(static_cast<std::int64_t>(lease.count()) * 1000).id(service_id).str(holder);
    if (claim.executeUpdate() != 1) return Status::Ok();
    auto& full = session.prepare(
        "SELECT c.service_id, c.owner_id, w.code, s.code, s.edition, c.mode, c.receiver_url, c.receiver_username, "
        "c.remove_from_queue, c.queue_mode, c.receiver_password FROM service_channel c "
        "JOIN service s ON s.id = c.service_id JOIN service_owner w ON w.id = c.owner_id WHERE c.service_id = ?");
    Params(full).id(service_id);
    std::unique_ptr<sql::ResultSet> rows(full.executeQuery());
    if (!rows->next()) return Status::Ok();
    DeliveryChannel channel = readChannel(*rows);
    channel.receiver_password = getString(*rows, 11);
    out = std::move(channel);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Status MysqlPushRepository::releaseChannel(Id service_id, const std::string& holder) {
  return db_.runInTransaction("push.releaseChannel", [&](Session& session) {
    auto& statement = session.prepare(
        "UPDATE service_channel SET lease_holder = NULL, lease_until = NULL WHERE service_id = ? AND lease_holder = ?");
    Params(statement).id(service_id).str(holder);
    statement.executeUpdate();
    return Status::Ok();
  });
}

Result<std::vector<PushItem>> MysqlPushRepository::pendingItems(Id service_id, int limit) {
  if (limit < 1) return Status::InvalidArgument("limit must be at least 1");
  std::vector<PushItem> out;
  Status status = db_.run(TransactionMode::kAutocommit, "push.pendingItems", [&](Session& session) {
    out.clear();
    auto& statement = session.prepare(std::string("SELECT ") + kItemColumns +
                                      "WHERE o.service_id = ? AND o.state = 'pending' ORDER BY o.sequence_number LIMIT ?");
    Params(statement).id(service_id).i32(limit);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) out.push_back(readItem(*rows));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

namespace {

// Outcomes that update their items the same way share one UPDATE … WHERE id IN (…): a worker's
// run of OK answers becomes one statement.
struct SameUpdate {
  PushState state;
  int counted;
  std::int64_t retry_micros;
  std::string text;
  bool operator<(const SameUpdate& o) const {
    return std::tie(state, counted, retry_micros, text) < std::tie(o.state, o.counted, o.retry_micros, o.text);
  }
};

}  // namespace

Status MysqlPushRepository::recordAttempts(const std::string& holder, const std::vector<PushOutcome>& outcomes) {
  if (outcomes.empty()) return Status::Ok();
  const Id service_id = outcomes.front().item.service_id;
  for (const auto& o : outcomes) {
    if (o.item.service_id != service_id) return Status::InvalidArgument("outcomes of more than one channel");
  }
  std::map<SameUpdate, std::vector<Id>> updates;
  for (const auto& o : outcomes) {
    SameUpdate key{o.attempt.state, o.attempt.count_attempt ? 1 : 0,
                   static_cast<std::int64_t>(o.attempt.retry_after.count()) * 1000, cutText(o.attempt.result_text)};
    updates[key].push_back(o.item.id);
  }
  return db_.runInTransaction("push.recordAttempts", [&](Session& session) -> Status {
    if (!holdsLease(session, service_id, holder)) return Status::NotFound("the channel lease was lost");
    for (const auto& [how, ids] : updates) {
      auto& update = session.prepare(
          "UPDATE push_outbox SET state = ?, attempts = attempts + ?, "
          "next_attempt_at = TIMESTAMPADD(MICROSECOND, ?, UTC_TIMESTAMP(6)), last_result = ?, "
          "updated_at = UTC_TIMESTAMP(6) WHERE state = 'pending' AND id IN (" + placeholderRows("?", ids.size()) + ")");
      Params params(update);
      params.str(pushStateName(how.state)).i32(how.counted).i64(how.retry_micros).str(how.text);
      for (Id id : ids) params.id(id);
      if (update.executeUpdate() != static_cast<int>(ids.size())) {
        return Status::NotFound("a push item is no longer pending");
      }
    }

    auto& channel = session.prepare("UPDATE service_channel SET queue_mode = ? WHERE service_id = ?");
    Params(channel).boolean(outcomes.back().attempt.channel_queue_mode).id(service_id);
    channel.executeUpdate();

    std::vector<const PushOutcome*> finished;
    std::vector<Id> delivered;
    for (const auto& o : outcomes) {
      if (o.attempt.state == PushState::kPending) continue;
      finished.push_back(&o);
      if (o.attempt.state == PushState::kDelivered) delivered.push_back(o.item.submission_id);
    }
    if (finished.empty()) return Status::Ok();
    std::string rows;
    for (std::size_t i = 0; i < finished.size(); ++i) rows += i ? ",(?,?,?)" : "(?,?,?)";
    auto& log = session.prepare("INSERT INTO shipment_status_log (submission_id, status, description) VALUES " + rows);
    Params logged(log);
    for (const PushOutcome* o : finished) {
      const bool sent = o->attempt.state == PushState::kDelivered;
      logged.id(o->item.submission_id)
          .str(shipmentStatusName(sent ? ShipmentStatus::kSent : ShipmentStatus::kError))
          .str(sent ? "Pushed to the service owner's receiver" : cutText("Push failed: " + o->attempt.result_text));
    }
    log.executeUpdate();
    if (!delivered.empty()) {
      auto& purge = session.prepare(
          "UPDATE download_queue q JOIN service_channel c ON c.service_id = ? SET q.purged_at = UTC_TIMESTAMP(6) "
          "WHERE q.submission_id IN (" + placeholderRows("?", delivered.size()) + ") AND q.purged_at IS NULL AND c.remove_from_queue = 1");
      Params purged(purge);
      purged.id(service_id);
      for (Id id : delivered) purged.id(id);
      purge.executeUpdate();
    }
    return Status::Ok();
  });
}

Result<int> MysqlPushRepository::deleteDelivered(std::chrono::seconds older_than, int limit) {
  if (limit < 1) return Status::InvalidArgument("limit must be at least 1");
  int deleted = 0;
  Status status = db_.runInTransaction("push.deleteDelivered", [&](Session& session) {
    auto& statement = session.prepare(
        "DELETE FROM push_outbox WHERE state = 'delivered' "
        "AND updated_at < TIMESTAMPADD(SECOND, ?, UTC_TIMESTAMP(6)) ORDER BY id LIMIT ?");
    Params(statement).i64(-static_cast<std::int64_t>(older_than.count())).i32(limit);
    deleted = statement.executeUpdate();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return deleted;
}

}  // namespace gateway::persistence::mysql
