// NotificationRepository: templates and the outbox the delivery worker drains.
// Claiming uses SELECT ... FOR UPDATE SKIP LOCKED plus a lease (lease_until, lease_token), so
// concurrent workers in one or several processes never send the same row while its lease runs, and
// a row whose worker died is claimed again once the lease has expired.

#include <memory>
#include <random>

#include "batch_insert.h"
#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {

namespace {

OutboxState stateFromName(const std::string& name) {
  if (name == "sending") return OutboxState::kSending;
  if (name == "sent") return OutboxState::kSent;
  if (name == "dead") return OutboxState::kDead;
  return OutboxState::kPending;
}

std::string messageColumns() {
  return "id, owner_id, system_id, reportee, notification_type, transport, recipient, from_address, subject, body, " +
         epochOf("next_attempt_at") + ", state, attempts, lease_token, IF(sent_at IS NULL, NULL, " + epochOf("sent_at") +
         "), last_error, " + epochOf("created_at");
}

OutboxMessage readMessage(const sql::ResultSet& rows) {
  OutboxMessage m;
  m.id = rows.getInt64(1);
  m.owner_id = rows.getInt64(2);
  m.system_id = rows.getInt64(3);
  m.reportee = getString(rows, 4);
  m.notification_type = getString(rows, 5);
  m.transport = getString(rows, 6) == "SMS" ? OutboxTransport::kSms : OutboxTransport::kEmail;
  m.recipient = getString(rows, 7);
  m.from_address = getString(rows, 8);
  m.subject = getString(rows, 9);
  m.body = getString(rows, 10);
  m.next_attempt_at = static_cast<std::time_t>(rows.getInt64(11));
  m.state = stateFromName(getString(rows, 12));
  m.attempts = rows.getInt(13);
  m.lease_token = rows.getInt64(14);
  if (auto v = getOptionalId(rows, 15)) m.sent_at = static_cast<std::time_t>(*v);
  m.last_error = getString(rows, 16);
  m.created_at = static_cast<std::time_t>(rows.getInt64(17));
  return m;
}

std::int64_t newLeaseToken() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<std::int64_t> dist(1, INT64_MAX);
  return dist(generator);
}

NotificationTemplateRecord readTemplate(const sql::ResultSet& rows) {
  NotificationTemplateRecord t;
  t.notification_type = getString(rows, 1);
  t.language_id = rows.getInt(2);
  t.email_subject = getString(rows, 3);
  t.email_body = getString(rows, 4);
  t.sms_text = getString(rows, 5);
  return t;
}

constexpr const char* kTemplateColumns = "notification_type, language_id, email_subject, email_body, sms_text";

}  // namespace

Status MysqlNotificationRepository::putTemplate(const NotificationTemplateRecord& t) {
  return db_.runInTransaction("notification.putTemplate", [&](Session& session) {
    auto& statement = session.prepare(
        "INSERT INTO notification_template (notification_type, language_id, email_subject, email_body, sms_text) "
        "VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE email_subject = VALUES(email_subject), "
        "email_body = VALUES(email_body), sms_text = VALUES(sms_text), updated_at = UTC_TIMESTAMP(6)");
    Params(statement).str(t.notification_type).i32(t.language_id).str(t.email_subject).str(t.email_body).str(t.sms_text);
    statement.executeUpdate();
    return Status::Ok();
  });
}

Result<std::vector<NotificationTemplateRecord>> MysqlNotificationRepository::templatesOf(const std::string& type) {
  std::vector<NotificationTemplateRecord> found;
  Status status = db_.run(TransactionMode::kAutocommit, "notification.templatesOf", [&](Session& session) {
    found.clear();
    auto& statement = session.prepare(std::string("SELECT ") + kTemplateColumns +
                                      " FROM notification_template WHERE notification_type = ? ORDER BY language_id");
    Params(statement).str(type);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) found.push_back(readTemplate(*rows));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<std::vector<NotificationTemplateRecord>> MysqlNotificationRepository::listTemplates() {
  std::vector<NotificationTemplateRecord> found;
  Status status = db_.run(TransactionMode::kAutocommit, "notification.listTemplates", [&](Session& session) {
    found.clear();
    auto& statement = session.prepare(std::string("SELECT ") + kTemplateColumns +
                                      " FROM notification_template ORDER BY notification_type, language_id");
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) found.push_back(readTemplate(*rows));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

std::vector<Id> insertOutboxRows(Session& session, const std::vector<OutboxRow>& rows) {
  std::vector<Id> ids(rows.size());
  insertRows(session,
             {"INSERT INTO notification_outbox (owner_id, system_id, reportee, notification_type, transport, recipient, "
              "from_address, subject, body, next_attempt_at, correspondence_id) VALUES ",
              std::string("(?,?,?,?,?,?,?,?,?,") + kDatetimeFromEpochParam + ",?)", " RETURNING id",
              [&](Params& p, std::size_t row) {
                const OutboxMessage& m = *rows[row].message;
                p.id(m.owner_id)
                    .id(m.system_id)
                    .str(m.reportee)
                    .str(m.notification_type)
                    .str(outboxTransportName(m.transport))
                    .str(m.recipient)
                    .str(m.from_address)
                    .str(m.subject)
                    .str(m.body)
                    .i64(static_cast<std::int64_t>(m.next_attempt_at))
                    .optId(rows[row].correspondence_id);
              },
              [&](const sql::ResultSet& returned, std::size_t row) { ids[row] = returned.getInt64(1); },
              [&](std::size_t row) {
                const OutboxMessage& m = *rows[row].message;
                return m.subject.size() + m.body.size() + m.recipient.size() + 128;
              }},
             rows.size());
  return ids;
}

Result<std::vector<Id>> MysqlNotificationRepository::enqueue(const std::vector<OutboxMessage>& messages) {
  std::vector<Id> ids;
  Status status = db_.runInTransaction("notification.enqueue", [&](Session& session) {
    std::vector<OutboxRow> rows;
    for (const OutboxMessage& m : messages) rows.push_back({&m, std::nullopt});
    ids = insertOutboxRows(session, rows);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return ids;
}

Result<std::vector<OutboxMessage>> MysqlNotificationRepository::claim(int limit, int lease_seconds) {
  std::vector<OutboxMessage> claimed;
  Status status = db_.runInTransaction("notification.claim", [&](Session& session) {
    claimed.clear();
    std::vector<Id> ids;
    {
      auto& select = session.prepare(
          "SELECT id FROM notification_outbox WHERE (state = 'pending' AND next_attempt_at <= UTC_TIMESTAMP(6)) "
          "OR (state = 'sending' AND lease_until <= UTC_TIMESTAMP(6)) ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED");
      Params(select).i32(limit);
      std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
      while (rows->next()) ids.push_back(rows->getInt64(1));
    }
    if (ids.empty()) return Status::Ok();
    const std::string in = "(" + placeholderRows("?", ids.size()) + ")";
    auto& update = session.prepare(
        "UPDATE notification_outbox SET state = 'sending', attempts = attempts + 1, lease_token = ?, "
        "lease_until = TIMESTAMPADD(SECOND, ?, UTC_TIMESTAMP(6)) WHERE id IN " + in);
    Params params(update);
    params.i64(newLeaseToken()).i32(lease_seconds);
    for (Id id : ids) params.id(id);
    update.executeUpdate();
    auto& read = session.prepare("SELECT " + messageColumns() + " FROM notification_outbox WHERE id IN " + in +
                                 " ORDER BY id");
    Params read_params(read);
    for (Id id : ids) read_params.id(id);
    std::unique_ptr<sql::ResultSet> rows(read.executeQuery());
    while (rows->next()) claimed.push_back(readMessage(*rows));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return claimed;
}

Status MysqlNotificationRepository::markSent(Id id, std::int64_t lease_token) {
  return db_.runInTransaction("notification.markSent", [&](Session& session) {
    auto& statement = session.prepare(
        "UPDATE notification_outbox SET state = 'sent', sent_at = UTC_TIMESTAMP(6), lease_until = NULL, "
        "last_error = '' WHERE id = ? AND lease_token = ? AND state = 'sending'");
    Params(statement).id(id).i64(lease_token);
    if (statement.executeUpdate() == 0) return Status::NotFound("the lease on this message has been lost");
    return Status::Ok();
  });
}

namespace {

// "(id = ? AND lease_token = ?) OR ..." for `count` claimed messages.
std::string leaseMatches(std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += i ? " OR (id = ? AND lease_token = ?)" : "(id = ? AND lease_token = ?)";
  return out;
}

}  // namespace

Result<int> MysqlNotificationRepository::markAllSent(const std::vector<OutboxLease>& sent) {
  int recorded = 0;
  if (sent.empty()) return recorded;
  Status status = db_.runInTransaction("notification.markAllSent", [&](Session& session) {
    auto& statement = session.prepare(
        "UPDATE notification_outbox SET state = 'sent', sent_at = UTC_TIMESTAMP(6), lease_until = NULL, "
        "last_error = '' WHERE state = 'sending' AND (" + leaseMatches(sent.size()) + ")");
    Params params(statement);
    for (const auto& m : sent) params.id(m.id).i64(m.lease_token);
    recorded = statement.executeUpdate();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return recorded;
}

Status MysqlNotificationRepository::release(const std::vector<OutboxLease>& unsent) {
  if (unsent.empty()) return Status::Ok();
  return db_.runInTransaction("notification.release", [&](Session& session) {
    auto& statement = session.prepare(
        "UPDATE notification_outbox SET state = 'pending', attempts = GREATEST(attempts - 1, 0), lease_until = NULL, "
        "next_attempt_at = UTC_TIMESTAMP(6) WHERE state = 'sending' AND (" + leaseMatches(unsent.size()) + ")");
    Params params(statement);
    for (const auto& m : unsent) params.id(m.id).i64(m.lease_token);
    statement.executeUpdate();
    return Status::Ok();
  });
}

Status MysqlNotificationRepository::markFailed(Id id, std::int64_t lease_token, const std::string& error,
                                               std::optional<std::time_t> retry_at) {
  return db_.runInTransaction("notification.markFailed", [&](Session& session) {
    auto& statement = session.prepare(
        "UPDATE notification_outbox SET state = IF(? IS NULL, 'dead', 'pending'), "
        "next_attempt_at = IF(? IS NULL, next_attempt_at, " + std::string(kDatetimeFromEpochParam) +
        "), lease_until = NULL, last_error = LEFT(?, 1000) WHERE id = ? AND lease_token = ? AND state = 'sending'");
    std::optional<Id> retry;
    if (retry_at) retry = static_cast<Id>(*retry_at);
    Params(statement).optId(retry).optId(retry).i64(retry.value_or(0)).str(error).id(id).i64(lease_token);
    if (statement.executeUpdate() == 0) return Status::NotFound("the lease on this message has been lost");
    return Status::Ok();
  });
}

Result<std::vector<OutboxMessage>> MysqlNotificationRepository::list(const OutboxQuery& query) {
  std::vector<OutboxMessage> found;
  Status status = db_.run(TransactionMode::kAutocommit, "notification.list", [&](Session& session) {
    found.clear();
    auto& statement = session.prepare("SELECT " + messageColumns() +
                                      " FROM notification_outbox WHERE (? IS NULL OR owner_id = ?) "
                                      "AND (? = 0 OR state = 'dead') ORDER BY id DESC LIMIT ?");
    Params(statement).optId(query.owner_id).id(query.owner_id.value_or(0)).i32(query.dead_only ? 1 : 0).i32(query.limit);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) found.push_back(readMessage(*rows));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<std::optional<OutboxMessage>> MysqlNotificationRepository::get(Id id) {
  std::optional<OutboxMessage> found;
  Status status = db_.run(TransactionMode::kAutocommit, "notification.get", [&](Session& session) {
    found.reset();
    auto& statement = session.prepare("SELECT " + messageColumns() + " FROM notification_outbox WHERE id = ?");
    Params(statement).id(id);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) found = readMessage(*rows);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Status MysqlNotificationRepository::redrive(Id id) {
  return db_.runInTransaction("notification.redrive", [&](Session& session) {
    auto& statement = session.prepare(
        "UPDATE notification_outbox SET state = 'pending', attempts = 0, next_attempt_at = UTC_TIMESTAMP(6) "
        "WHERE id = ? AND state = 'dead'");
    Params(statement).id(id);
    if (statement.executeUpdate() == 0) return Status::NotFound("no dead notification with this id");
    return Status::Ok();
  });
}

}  // namespace gateway::persistence::mysql
