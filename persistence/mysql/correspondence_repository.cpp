// CorrespondenceRepository: correspondences, their attachments, their receipt and their outbox rows.
// create() writes everything of an InsertCorrespondence in one transaction, batched with concurrent
// ones by group commit (correspondence_batch.h); reads are scoped in SQL
// by owner (status details) or by reportee and visibility time (the end-user inbox).

#include <memory>

#include "correspondence_options.h"
#include "group_write.h"
#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {

namespace {

constexpr const char* kFrom = " FROM correspondence c JOIN service sv ON sv.id = c.service_id ";

std::string correspondenceColumns() {
  return "c.id, c.owner_id, c.system_id, c.service_id, sv.code, sv.edition, c.reportee, "
         "c.external_shipment_reference, c.archive_reference, c.language_code, c.message_title, c.message_summary, "
         "c.message_body, c.custom_message_data, c.message_sender, c.case_id, c.allow_forwarding, c.is_reservable, " +
         epochOf("c.visible_at") + ", IF(c.due_at IS NULL, NULL, " + epochOf("c.due_at") +
         "), IF(c.allow_system_delete_at IS NULL, NULL, " + epochOf("c.allow_system_delete_at") + "), " +
         epochOf("c.created_at") + ", IF(c.read_at IS NULL, NULL, " + epochOf("c.read_at") +
         "), IF(c.confirmed_at IS NULL, NULL, " + epochOf("c.confirmed_at") + "), c.receipt_id, " +
         correspondenceOptionColumns();
}

std::optional<std::time_t> optionalTime(const sql::ResultSet& rows, std::uint32_t column) {
  if (auto v = getOptionalId(rows, column)) return static_cast<std::time_t>(*v);
  return std::nullopt;
}

CorrespondenceRecord readCorrespondence(const sql::ResultSet& rows) {
  CorrespondenceRecord c;
  c.id = rows.getInt64(1);
  c.owner_id = rows.getInt64(2);
  c.system_id = rows.getInt64(3);
  c.service_id = rows.getInt64(4);
  c.service_code = getString(rows, 5);
  c.service_edition = rows.getInt(6);
  c.reportee = getString(rows, 7);
  c.external_shipment_reference = getString(rows, 8);
  c.archive_reference = getString(rows, 9);
  c.language_code = getString(rows, 10);
  c.title = getString(rows, 11);
  c.summary = getString(rows, 12);
  c.body = getString(rows, 13);
  c.custom_message_data = getString(rows, 14);
  c.message_sender = getString(rows, 15);
  c.case_id = getOptionalInt(rows, 16);
  c.allow_forwarding = rows.getBoolean(17);
  if (!rows.isNull(18)) c.is_reservable = rows.getBoolean(18);
  c.visible_at = static_cast<std::time_t>(rows.getInt64(19));
  c.due_at = optionalTime(rows, 20);
  c.allow_system_delete_at = optionalTime(rows, 21);
  c.created_at = static_cast<std::time_t>(rows.getInt64(22));
  c.read_at = optionalTime(rows, 23);
  c.confirmed_at = optionalTime(rows, 24);
  c.receipt_id = getOptionalId(rows, 25);
  readCorrespondenceOptions(rows, 26, c);
  return c;
}

// SQL for the current status, matching CorrespondenceRecord::status().
constexpr const char* kCurrentStatus =
    "(CASE WHEN c.confirmed_at IS NOT NULL THEN 'Confirmed' WHEN c.read_at IS NOT NULL THEN 'Read' ELSE 'Created' END)";

void loadAttachments(Session& session, CorrespondenceRecord& c) {
  auto& binary = session.prepare(
      "SELECT id, name, file_name, senders_reference, function_type, destination_type, encrypted, size, sha256, "
      "storage_key FROM correspondence_attachment WHERE correspondence_id = ? ORDER BY id");
  Params(binary).id(c.id);
  std::unique_ptr<sql::ResultSet> rows(binary.executeQuery());
  while (rows->next()) {
    CorrespondenceAttachmentRecord a;
    a.id = rows->getInt64(1);
    a.name = getString(*rows, 2);
    a.file_name = getString(*rows, 3);
    a.senders_reference = getString(*rows, 4);
    a.function_type = getString(*rows, 5);
    a.destination_type = getString(*rows, 6);
    a.encrypted = rows->getBoolean(7);
    a.size = rows->getInt64(8);
    a.sha256_hex = getString(*rows, 9);
    a.storage_key = getString(*rows, 10);
    c.attachments.push_back(std::move(a));
  }
  auto& xml = session.prepare(
      "SELECT senders_reference, data_format_id, data_format_version, logical_form_id, form_data "
      "FROM correspondence_xml_attachment WHERE correspondence_id = ? ORDER BY id");
  Params(xml).id(c.id);
  std::unique_ptr<sql::ResultSet> xrows(xml.executeQuery());
  while (xrows->next()) {
    CorrespondenceXmlAttachmentRecord x;
    x.senders_reference = getString(*xrows, 1);
    x.data_format_id = getString(*xrows, 2);
    x.data_format_version = getOptionalInt(*xrows, 3);
    x.logical_form_id = getOptionalInt(*xrows, 4);
    x.form_data = getString(*xrows, 5);
    c.xml_attachments.push_back(std::move(x));
  }
}

}  // namespace

MysqlCorrespondenceRepository::MysqlCorrespondenceRepository(ConnectionManager& db)
    : db_(db),
      group_commit_(makeGroupCommit<NewCorrespondence, Result<Created>>(
          db.config(), [this](const std::vector<const NewCorrespondence*>& batch) { return writeBatch(batch); },
          correspondenceWeight)) {}

Result<CorrespondenceRepository::Created> MysqlCorrespondenceRepository::create(
    const CorrespondenceRecord& c, const std::vector<OutboxMessage>& notifications, const std::string& receipt_text) {
  return group_commit_.submit(NewCorrespondence{c, notifications, receipt_text});
}

std::vector<Result<CorrespondenceRepository::Created>> MysqlCorrespondenceRepository::writeBatch(
    const std::vector<const NewCorrespondence*>& batch) {
  return writeBatchOrEachAlone<NewCorrespondence, Created>(
      db_, "correspondence.create", "correspondence.batch", batch,
      [](Session& session, const std::vector<const NewCorrespondence*>& items, std::vector<Created>& created) {
        created = insertCorrespondenceBatch(session, items);
        return Status::Ok();
      },
      [](const Status& failed) {
        if (failed.code() != StatusCode::kAlreadyExists) return failed;
        return Status::AlreadyExists("ExternalShipmentReference was used before by this service owner");
      });
}

Result<CorrespondenceRepository::StatusPage> MysqlCorrespondenceRepository::statusDetails(const StatusQuery& q) {
  StatusPage page;
  Status status = db_.run(TransactionMode::kSnapshot, "correspondence.statusDetails", [&](Session& session) {
    page = StatusPage{};
    std::string text = "SELECT " + correspondenceColumns() + kFrom + "WHERE c.owner_id = ?";
    if (q.service_id) text += " AND c.service_id = ?";
    if (q.reportee) text += " AND c.reportee = ?";
    if (!q.senders_references.empty()) {
      text += " AND c.external_shipment_reference IN (" +
              placeholderRows("?", bucketSize(q.senders_references.size())) + ")";
    }
    if (q.created_after) text += " AND c.created_at >= " + std::string(kDatetimeFromEpochParam);
    if (q.created_before) text += " AND c.created_at <= " + std::string(kDatetimeFromEpochParam);
    if (q.current_status) text += std::string(" AND ") + kCurrentStatus + " = ?";
    if (q.only_digital_letters) text += " AND c.sdp_status IS NOT NULL";
    if (q.notification_sent) {
      text += std::string(" AND ") + (*q.notification_sent ? "" : "NOT ") +
              "EXISTS (SELECT 1 FROM notification_outbox n WHERE n.correspondence_id = c.id AND n.state = 'sent')";
    }
    text += " ORDER BY c.id LIMIT ?";
    auto& statement = session.prepare(text);
    Params p(statement);
    p.id(q.owner_id);
    if (q.service_id) p.id(*q.service_id);
    if (q.reportee) p.str(*q.reportee);
    if (!q.senders_references.empty()) {
      const std::size_t bucket = bucketSize(q.senders_references.size());
      for (std::size_t i = 0; i < bucket; ++i) p.str(q.senders_references[std::min(i, q.senders_references.size() - 1)]);
    }
    if (q.created_after) p.i64(static_cast<std::int64_t>(*q.created_after));
    if (q.created_before) p.i64(static_cast<std::int64_t>(*q.created_before));
    if (q.current_status) p.str(correspondenceStatusName(*q.current_status));
    p.i32(q.limit + 1);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      if (static_cast<int>(page.items.size()) == q.limit) {
        page.limit_reached = true;
        break;
      }
      page.items.push_back({readCorrespondence(*rows), {}});
    }
    auto& notifications = session.prepare(
        "SELECT transport, recipient, state, IF(sent_at IS NULL, NULL, " + epochOf("sent_at") +
        ") FROM notification_outbox WHERE correspondence_id = ? AND owner_id = ? ORDER BY id");
    for (auto& item : page.items) {
      Params(notifications).id(item.correspondence.id).id(q.owner_id);
      std::unique_ptr<sql::ResultSet> n(notifications.executeQuery());
      while (n->next()) {
        CorrespondenceNotificationRecord r;
        r.transport = getString(*n, 1) == "SMS" ? OutboxTransport::kSms : OutboxTransport::kEmail;
        r.recipient = getString(*n, 2);
        const std::string state = getString(*n, 3);
        r.state = state == "sent"      ? OutboxState::kSent
                  : state == "dead"    ? OutboxState::kDead
                  : state == "sending" ? OutboxState::kSending
                                       : OutboxState::kPending;
        r.sent_at = optionalTime(*n, 4);
        item.notifications.push_back(std::move(r));
      }
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return page;
}

Result<CorrespondenceRepository::InboxPage> MysqlCorrespondenceRepository::inbox(const InboxQuery& q) {
  InboxPage page;
  Status status = db_.run(TransactionMode::kSnapshot, "correspondence.inbox", [&](Session& session) {
    page = InboxPage{};
    std::string text = "SELECT " + correspondenceColumns() + kFrom +
                       "WHERE c.reportee = ? AND c.deleted_at IS NULL AND c.visible_at <= " + kDatetimeFromEpochParam;
    if (q.service_code) text += " AND sv.code = ?";
    if (q.service_edition) text += " AND sv.edition = ?";
    if (q.created_after) text += " AND c.created_at >= " + std::string(kDatetimeFromEpochParam);
    if (q.created_before) text += " AND c.created_at <= " + std::string(kDatetimeFromEpochParam);
    if (q.status) text += std::string(" AND ") + kCurrentStatus + " = ?";
    text += " ORDER BY c.id DESC LIMIT ?";
    auto& statement = session.prepare(text);
    Params p(statement);
    p.str(q.reportee).i64(static_cast<std::int64_t>(q.now));
    if (q.service_code) p.str(*q.service_code);
    if (q.service_edition) p.i32(*q.service_edition);
    if (q.created_after) p.i64(static_cast<std::int64_t>(*q.created_after));
    if (q.created_before) p.i64(static_cast<std::int64_t>(*q.created_before));
    if (q.status) p.str(correspondenceStatusName(*q.status));
    p.i32(q.limit + 1);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      if (static_cast<int>(page.items.size()) == q.limit) {
        page.limit_reached = true;
        break;
      }
      page.items.push_back(readCorrespondence(*rows));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return page;
}

Result<CorrespondenceRecord> MysqlCorrespondenceRepository::get(const std::string& reportee, Id id, std::time_t now) {
  std::optional<CorrespondenceRecord> found;
  Status status = db_.run(TransactionMode::kSnapshot, "correspondence.get", [&](Session& session) {
    found.reset();
    auto& statement = session.prepare("SELECT " + correspondenceColumns() + kFrom +
                                      "WHERE c.id = ? AND c.reportee = ? AND c.deleted_at IS NULL AND c.visible_at <= " +
                                      kDatetimeFromEpochParam);
    Params(statement).id(id).str(reportee).i64(static_cast<std::int64_t>(now));
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    if (!rows->next()) return Status::Ok();
    found = readCorrespondence(*rows);
    loadAttachments(session, *found);
    loadReplyOptions(session, *found);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (!found) return Status::NotFound("No such correspondence for this reportee");
  return std::move(*found);
}

namespace {

// One conditional UPDATE on a visible correspondence of the reportee; kNotFound when there is none.
Status updateVisible(ConnectionManager& db, const char* operation, const std::string& set_clause,
                     const std::string& reportee, Id id, std::time_t now, int time_params) {
  return db.runInTransaction(operation, [&](Session& session) {
    auto& exists = session.prepare(
        std::string("SELECT id FROM correspondence WHERE id = ? AND reportee = ? AND deleted_at IS NULL AND visible_at <= ") +
        kDatetimeFromEpochParam + " FOR UPDATE");
    Params(exists).id(id).str(reportee).i64(static_cast<std::int64_t>(now));
    std::unique_ptr<sql::ResultSet> rows(exists.executeQuery());
    if (!rows->next()) return Status::NotFound("No such correspondence for this reportee");
    auto& update = session.prepare("UPDATE correspondence SET " + set_clause + " WHERE id = ?");
    Params p(update);
    for (int i = 0; i < time_params; ++i) p.i64(static_cast<std::int64_t>(now));
    p.id(id);
    update.executeUpdate();
    return Status::Ok();
  });
}

}  // namespace

Status MysqlCorrespondenceRepository::markRead(const std::string& reportee, Id id, std::time_t now) {
  return updateVisible(db_, "correspondence.markRead",
                       std::string("read_at = COALESCE(read_at, ") + kDatetimeFromEpochParam + ")", reportee, id, now, 1);
}

Status MysqlCorrespondenceRepository::markConfirmed(const std::string& reportee, Id id, std::time_t now) {
  return updateVisible(db_, "correspondence.markConfirmed",
                       std::string("read_at = COALESCE(read_at, ") + kDatetimeFromEpochParam +
                           "), confirmed_at = COALESCE(confirmed_at, " + kDatetimeFromEpochParam + ")",
                       reportee, id, now, 2);
}

Status MysqlCorrespondenceRepository::markDeleted(const std::string& reportee, Id id, std::time_t now) {
  return updateVisible(db_, "correspondence.markDeleted",
                       std::string("deleted_at = COALESCE(deleted_at, ") + kDatetimeFromEpochParam + ")", reportee, id,
                       now, 1);
}

}  // namespace gateway::persistence::mysql
