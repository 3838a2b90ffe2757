// SubmissionRepository: archiving a submission with its receipt, the download queue, archived form
// sets and the shipment-status log.

#include <algorithm>
#include <map>
#include <memory>

#include "group_write.h"
#include "mysql_repositories.h"
#include "sql_util.h"
#include "submission_batch.h"

namespace gateway::persistence::mysql {
namespace {

// The columns attachmentFrom() reads, in its order (plain, and qualified by the alias "a").
constexpr const char* kAttachmentColumns =
    "id, name, file_name, attachment_type_name, end_user_system_reference, parent_reference, encrypted, size, "
    "sha256, storage_key";
constexpr const char* kAttachmentColumnsOfA =
    "a.id, a.name, a.file_name, a.attachment_type_name, a.end_user_system_reference, a.parent_reference, "
    "a.encrypted, a.size, a.sha256, a.storage_key";

AttachmentRecord attachmentFrom(const sql::ResultSet& rows) {
  AttachmentRecord a;
  a.id = rows.getInt64(1);
  a.name = getString(rows, 2);
  a.file_name = getString(rows, 3);
  a.attachment_type_name = getString(rows, 4);
  a.end_user_system_reference = getString(rows, 5);
  a.parent_reference = getString(rows, 6);
  a.encrypted = rows.getBoolean(7);
  a.size = rows.getInt64(8);
  a.sha256_hex = getString(rows, 9);
  a.storage_key = getString(rows, 10);
  return a;
}

// What a submission weighs against group_commit_max_bytes: the bytes it sends in the batch.
std::size_t weightOf(const NewSubmission& s) {
  std::size_t bytes = s.receipt_text.size() + s.external_shipment_reference.size() +
                      s.end_user_system_reference.size() + 256;
  for (const FormRecord& f : s.forms) bytes += f.form_data.size() + f.end_user_system_reference.size() + 64;
  bytes += s.attachments.size() * 512;
  return bytes;
}

}  // namespace

MysqlSubmissionRepository::MysqlSubmissionRepository(ConnectionManager& db)
    : db_(db),
      group_commit_(makeGroupCommit<NewSubmission, Result<SubmissionCreated>>(
          db.config(), [this](const std::vector<const NewSubmission*>& batch) { return writeBatch(batch); },
          weightOf)) {}

Result<SubmissionCreated> MysqlSubmissionRepository::create(const NewSubmission& submission) {
  if (submission.system_id <= 0 || submission.service_id <= 0 || submission.owner_id <= 0) {
    return Status::InvalidArgument("submission.create: system, service and owner are required");
  }
  if (submission.reportee.empty()) return Status::InvalidArgument("submission.create: reportee is required");
  return group_commit_.submit(submission);
}

std::vector<Result<SubmissionCreated>> MysqlSubmissionRepository::writeBatch(
    const std::vector<const NewSubmission*>& batch) {
  return writeBatchOrEachAlone<NewSubmission, SubmissionCreated>(
      db_, "submission.create", "submission.batch", batch,
      [](Session& session, const std::vector<const NewSubmission*>& items, std::vector<SubmissionCreated>& created) {
        created = insertSubmissionBatch(session, items);
        for (std::size_t i = 0; i < items.size(); ++i) {
          if (!items[i]->prefill_instance_id) continue;
          Status completed =
              completePrefillInstance(session, *items[i]->prefill_instance_id, created[i].submission_id, *items[i]);
          if (!completed.ok()) return completed;  // rolls the batch back; each is then written alone
        }
        return Status::Ok();
      },
      [](const Status& failed) {
        if (failed.code() != StatusCode::kAlreadyExists) return failed;
        return Status::AlreadyExists("a submission with this end-user system reference was already received");
      });
}

Result<std::optional<ReceiptRecord>> MysqlSubmissionRepository::findReceiptByEndUserReference(
    Id system_id, const std::string& end_user_system_reference) {
  std::optional<ReceiptRecord> found;
  if (end_user_system_reference.empty()) return found;
  // Called before every submission that carries a reference, and almost always finds nothing: one
  // autocommit look-up first, the consistent receipt read only when there is something to read.
  std::optional<Id> receipt_id;
  Status status = db_.run(TransactionMode::kAutocommit, "submission.findReceiptByEndUserReference",
                          [&](Session& session) {
                            receipt_id.reset();
                            auto& statement = session.prepare(
                                "SELECT receipt_id FROM end_user_reference WHERE system_id = ? AND reference = ?");
                            Params(statement).id(system_id).str(end_user_system_reference);
                            std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
                            if (rows->next()) receipt_id = rows->getInt64(1);
                            return Status::Ok();
                          });
  if (!status.ok()) return status;
  if (!receipt_id) return found;
  status = db_.run(TransactionMode::kSnapshot, "submission.findReceiptByEndUserReference", [&](Session& session) {
    found.reset();
    auto receipts = loadReceipts(session, {*receipt_id});
    if (!receipts.empty()) found = std::move(receipts.front());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<std::vector<QueueItem>> MysqlSubmissionRepository::listQueue(Id owner_id,
                                                                    const std::optional<std::string>& service_code,
                                                                    int limit) {
  std::vector<QueueItem> items;
  if (limit <= 0) return items;
  Status status = db_.run(TransactionMode::kAutocommit, "submission.listQueue", [&](Session& session) {
    items.clear();
    std::string sql_text =
        "SELECT s.id, " + epochOf("s.archived_at") +
        ", s.reportee, sv.code, sv.edition FROM download_queue q "
        "JOIN submission s ON s.id = q.submission_id JOIN service sv ON sv.id = s.service_id "
        "WHERE q.owner_id = ? AND q.purged_at IS NULL";
    if (service_code) sql_text += " AND q.service_code = ?";
    sql_text += " ORDER BY q.enqueued_at, q.submission_id LIMIT ?";
    auto& statement = session.prepare(sql_text);
    Params params(statement);
    params.id(owner_id);
    if (service_code) params.str(*service_code);
    params.i32(limit);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      QueueItem item;
      item.archive_reference = archiveReferenceOf(rows->getInt64(1));
      item.archived_at = static_cast<std::time_t>(rows->getInt64(2));
      item.reportee = getString(*rows, 3);
      item.service_code = getString(*rows, 4);
      item.service_edition = rows->getInt(5);
      items.push_back(std::move(item));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return items;
}

Status MysqlSubmissionRepository::purgeQueueItem(Id owner_id, const std::string& archive_reference) {
  const std::optional<Id> id = submissionIdOf(archive_reference);
  if (!id) return Status::NotFound("no queue item with this archive reference");
  return db_.runInTransaction("submission.purgeQueueItem", [&](Session& session) {
    auto& statement = session.prepare(
        "UPDATE download_queue SET purged_at = UTC_TIMESTAMP(6) "
        "WHERE submission_id = ? AND owner_id = ? AND purged_at IS NULL");
    Params(statement).id(*id).id(owner_id);
    if (statement.executeUpdate() == 0) return Status::NotFound("no queue item with this archive reference");
    return Status::Ok();
  });
}

Result<ArchivedSubmission> MysqlSubmissionRepository::getByArchiveReference(Id owner_id,
                                                                            const std::string& archive_reference) {
  const std::optional<Id> id = submissionIdOf(archive_reference);
  if (!id) return Status::NotFound("no archived submission with this reference");
  return getById(owner_id, *id);
}

Result<SubmissionRepository::SubmittedBy> MysqlSubmissionRepository::findSubmittedBy(Id system_id,
                                                                                      Id submission_id) {
  SubmittedBy found;
  Status status = db_.run(TransactionMode::kAutocommit, "submission.findSubmittedBy", [&](Session& session) -> Status {
    auto& statement = session.prepare(
        "SELECT s.id, s.reportee, (SELECT COUNT(*) FROM submission_attachment a WHERE a.submission_id = s.id) "
        "FROM submission s WHERE s.id = ? AND s.system_id = ?");
    Params(statement).id(submission_id).id(system_id);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    if (!rows->next()) return Status::NotFound("no submission with this reportee element id");
    found.submission_id = rows->getInt64(1);
    found.reportee = getString(*rows, 2);
    found.attachment_count = rows->getInt(3);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<Id> MysqlSubmissionRepository::addAttachment(Id system_id, Id submission_id, const AttachmentRecord& a) {
  Id attachment_id = 0;
  Status status = db_.runInTransaction("submission.addAttachment", [&](Session& session) -> Status {
    // INSERT ... SELECT: the row exists only if the submission is the system's, decided in the same statement.
    auto& statement = session.prepare(
        "INSERT INTO submission_attachment (submission_id, name, file_name, attachment_type_name, "
        "end_user_system_reference, parent_reference, encrypted, size, sha256, storage_key) "
        "SELECT s.id, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM submission s WHERE s.id = ? AND s.system_id = ?");
    Params(statement)
        .str(a.name)
        .str(a.file_name)
        .str(a.attachment_type_name)
        .str(a.end_user_system_reference)
        .str(a.parent_reference)
        .boolean(a.encrypted)
        .i64(a.size)
        .str(a.sha256_hex)
        .str(a.storage_key)
        .id(submission_id)
        .id(system_id);
    if (statement.executeUpdate() == 0) return Status::NotFound("no submission with this reportee element id");
    auto& last = session.prepare("SELECT LAST_INSERT_ID()");
    std::unique_ptr<sql::ResultSet> rows(last.executeQuery());
    if (!rows->next()) return Status::Internal("no id for the new attachment");
    attachment_id = rows->getInt64(1);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return attachment_id;
}

Result<AttachmentRecord> MysqlSubmissionRepository::findAttachment(Id owner_id, Id attachment_id) {
  AttachmentRecord a;
  Status status = db_.run(TransactionMode::kAutocommit, "submission.findAttachment", [&](Session& session) -> Status {
    auto& statement = session.prepare(
        std::string("SELECT ") + kAttachmentColumnsOfA + " FROM submission_attachment a "
        "JOIN submission s ON s.id = a.submission_id WHERE a.id = ? AND s.owner_id = ?");
    Params(statement).id(attachment_id).id(owner_id);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    if (!rows->next()) return Status::NotFound("no attachment with this id");
    a = attachmentFrom(*rows);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return a;
}

namespace {

// The archived submissions `ids` of owner `owner_id` (others' and unknown ids are left out), with
// their forms and attachment records, in three statements whatever the count. IN-lists are padded to
// bucketSize() by repeating the last id.
std::vector<ArchivedSubmission> loadSubmissions(Session& session, Id owner_id, const std::vector<Id>& ids) {
  std::vector<ArchivedSubmission> out;
  if (ids.empty()) return out;
  const std::size_t padded = bucketSize(ids.size());
  const std::string in = "(" + placeholderRows("?", padded) + ")";
  const auto bindIds = [&](Params& params) {
    for (std::size_t i = 0; i < padded; ++i) params.id(ids[std::min(i, ids.size() - 1)]);
  };
  std::map<Id, std::size_t> index;
  {
    auto& statement = session.prepare(
        "SELECT s.id, s.owner_id, s.system_id, sv.code, sv.edition, s.reportee, " + epochOf("s.archived_at") +
        ", s.case_id, sv.name FROM submission s JOIN service sv ON sv.id = s.service_id "
        "WHERE s.owner_id = ? AND s.id IN " + in + " ORDER BY s.id");
    Params params(statement);
    params.id(owner_id);
    bindIds(params);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      ArchivedSubmission archived;
      archived.id = rows->getInt64(1);
      archived.archive_reference = archiveReferenceOf(archived.id);
      archived.owner_id = rows->getInt64(2);
      archived.system_id = rows->getInt64(3);
      archived.service_code = getString(*rows, 4);
      archived.service_edition = rows->getInt(5);
      archived.reportee = getString(*rows, 6);
      archived.archived_at = static_cast<std::time_t>(rows->getInt64(7));
      archived.case_id = getOptionalInt(*rows, 8);
      archived.service_name = getString(*rows, 9);
      index[archived.id] = out.size();
      out.push_back(std::move(archived));
    }
  }
  if (out.empty()) return out;
  {
    auto& statement = session.prepare(
        "SELECT data_format_id, data_format_version, end_user_system_reference, parent_reference, form_data, "
        "completed, submission_id FROM submission_form WHERE submission_id IN " + in + " ORDER BY id");
    Params params(statement);
    bindIds(params);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      auto owner = index.find(rows->getInt64(7));
      if (owner == index.end()) continue;  // another owner's submission
      FormRecord form;
      form.data_format_id = getString(*rows, 1);
      form.data_format_version = rows->getInt(2);
      form.end_user_system_reference = getString(*rows, 3);
      form.parent_reference = getOptionalInt(*rows, 4);
      form.form_data = getString(*rows, 5);
      form.completed = rows->getBoolean(6);
      out[owner->second].forms.push_back(std::move(form));
    }
  }
  {
    auto& statement = session.prepare(std::string("SELECT ") + kAttachmentColumns +
                                      ", submission_id FROM submission_attachment WHERE submission_id IN " + in +
                                      " ORDER BY id");
    Params params(statement);
    bindIds(params);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      auto owner = index.find(rows->getInt64(11));
      if (owner != index.end()) out[owner->second].attachments.push_back(attachmentFrom(*rows));
    }
  }
  return out;
}

}  // namespace

// Autocommit reads are enough: a submission's rows are written in one transaction and never change,
// except that streamed attachments may be added later (each in its own transaction).
Result<ArchivedSubmission> MysqlSubmissionRepository::getById(Id owner_id, Id submission_id) {
  auto found = getManyById(owner_id, {submission_id});
  if (!found.ok()) return found.status();
  if (found.value().empty()) return Status::NotFound("no archived submission with this reference");
  return std::move(found.value().front());
}

Result<std::vector<ArchivedSubmission>> MysqlSubmissionRepository::getManyById(Id owner_id,
                                                                               const std::vector<Id>& ids) {
  std::vector<ArchivedSubmission> out;
  Status status = db_.run(TransactionMode::kAutocommit, "submission.get", [&](Session& session) -> Status {
    out = loadSubmissions(session, owner_id, ids);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Status MysqlSubmissionRepository::appendShipmentStatus(Id owner_id, const std::string& archive_reference,
                                                       ShipmentStatus shipment_status, const std::string& description) {
  const std::optional<Id> id = submissionIdOf(archive_reference);
  if (!id) return Status::NotFound("no archived submission with this reference");
  return db_.runInTransaction("submission.appendShipmentStatus", [&](Session& session) {
    auto& statement = session.prepare(
        "INSERT INTO shipment_status_log (submission_id, status, description, at) "
        "SELECT s.id, ?, ?, UTC_TIMESTAMP(6) FROM submission s WHERE s.id = ? AND s.owner_id = ?");
    Params(statement).str(shipmentStatusName(shipment_status)).str(description).id(*id).id(owner_id);
    if (statement.executeUpdate() == 0) return Status::NotFound("no archived submission with this reference");
    return Status::Ok();
  });
}

Result<SubmissionRepository::ShipmentPage> MysqlSubmissionRepository::shipmentStatus(Id owner_id,
                                                                                   const ShipmentQuery& query,
                                                                                   int limit) {
  ShipmentPage page;
  if (limit <= 0) return Status::InvalidArgument("shipment status: limit must be positive");
  std::optional<Id> by_id;
  if (query.archive_reference) {
    by_id = submissionIdOf(*query.archive_reference);
    if (!by_id) return page;  // not an archive reference: nothing matches
  }
  Status status = db_.run(TransactionMode::kSnapshot, "submission.shipmentStatus", [&](Session& session) {
    page = ShipmentPage();
    std::string sql_text = "SELECT s.id, sv.code, sv.edition, " + epochOf("s.archived_at") +
                           " FROM submission s JOIN service sv ON sv.id = s.service_id WHERE s.owner_id = ?";
    if (by_id) sql_text += " AND s.id = ?";
    if (query.service_code) sql_text += " AND sv.code = ?";
    if (query.service_edition) sql_text += " AND sv.edition = ?";
    if (query.from) sql_text += std::string(" AND s.archived_at >= ") + kDatetimeFromEpochParam;
    // `to` is inclusive to the second: everything before the next whole second.
    if (query.to) sql_text += std::string(" AND s.archived_at < TIMESTAMPADD(SECOND, 1, ") + kDatetimeFromEpochParam + ")";
    sql_text += " ORDER BY s.archived_at, s.id LIMIT ?";
    auto& statement = session.prepare(sql_text);
    Params params(statement);
    params.id(owner_id);
    if (by_id) params.id(*by_id);
    if (query.service_code) params.str(*query.service_code);
    if (query.service_edition) params.i32(*query.service_edition);
    if (query.from) params.i64(static_cast<std::int64_t>(*query.from));
    if (query.to) params.i64(static_cast<std::int64_t>(*query.to));
    params.i32(limit + 1);  // one more than asked tells whether the limit was reached

    std::vector<Id> ids;
    {
      std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
      while (rows->next()) {
        if (static_cast<int>(page.items.size()) == limit) {
          page.limit_reached = true;
          break;
        }
        ArchiveShipmentStatus item;
        ids.push_back(rows->getInt64(1));
        item.archive_reference = archiveReferenceOf(ids.back());
        item.service_code = getString(*rows, 2);
        item.service_edition = rows->getInt(3);
        item.archived_at = static_cast<std::time_t>(rows->getInt64(4));
        page.items.push_back(std::move(item));
      }
    }
    std::map<Id, std::size_t> index;
    for (std::size_t i = 0; i < ids.size(); ++i) index[ids[i]] = i;
    constexpr std::size_t kChunk = 1024;
    for (std::size_t begin = 0; begin < ids.size(); begin += kChunk) {
      std::size_t end = std::min(ids.size(), begin + kChunk);
      std::size_t slots = bucketSize(end - begin);
      auto& logs = session.prepare("SELECT submission_id, status, description, " + epochOf("at") +
                                   " FROM shipment_status_log WHERE submission_id IN (" + placeholderRows("?", slots) +
                                   ") ORDER BY id");
      Params log_params(logs);
      for (std::size_t i = 0; i < slots; ++i) log_params.id(ids[std::min(begin + i, end - 1)]);
      std::unique_ptr<sql::ResultSet> rows(logs.executeQuery());
      while (rows->next()) {
        auto it = index.find(rows->getInt64(1));
        if (it == index.end()) continue;
        page.items[it->second].log.push_back({shipmentStatusFromName(getString(*rows, 2)), getString(*rows, 3),
                                              static_cast<std::time_t>(rows->getInt64(4))});
      }
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return page;
}

}  // namespace gateway::persistence::mysql
