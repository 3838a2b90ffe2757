// BatchRepository: the batch channel's outbox and batch file log (migration 012).

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

constexpr std::size_t kMaxErrorText = 1024;

std::string cutText(const std::string& text) {
  if (text.size() <= kMaxErrorText) return text;
  std::size_t end = kMaxErrorText;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

BatchFileState stateFromName(const std::string& name) {
  if (name == "written") return BatchFileState::kWritten;
  if (name == "processed") return BatchFileState::kProcessed;
  if (name == "failed") return BatchFileState::kFailed;
  return BatchFileState::kWriting;
}

std::string fileColumns() {
  return "f.id, f.owner_id, w.code, f.direction, f.file_name, f.state, f.kind, f.item_count, f.receipt_id, "
         "f.error_text, " +
         epochOf("f.created_at") + ", " + epochOf("f.updated_at") +
         " FROM batch_file f JOIN service_owner w ON w.id = f.owner_id ";
}

BatchFileRecord readFile(const sql::ResultSet& rows) {
  BatchFileRecord r;
  r.id = rows.getInt64(1);
  r.owner_id = rows.getInt64(2);
  r.owner_code = getString(rows, 3);
  r.direction = getString(rows, 4) == "inbound" ? BatchDirection::kInbound : BatchDirection::kOutbound;
  r.file_name = getString(rows, 5);
  r.state = stateFromName(getString(rows, 6));
  r.kind = getString(rows, 7);
  r.item_count = rows.getInt(8);
  r.receipt_id = getOptionalId(rows, 9);
  r.error_text = getString(rows, 10);
  r.created_at = static_cast<std::time_t>(rows.getInt64(11));
  r.updated_at = static_cast<std::time_t>(rows.getInt64(12));
  return r;
}

std::vector<Id> itemsOf(Session& session, Id batch_file_id) {
  auto& items = session.prepare("SELECT submission_id FROM batch_outbox WHERE batch_file_id = ? ORDER BY id");
  Params(items).id(batch_file_id);
  std::unique_ptr<sql::ResultSet> rows(items.executeQuery());
  std::vector<Id> out;
  while (rows->next()) out.push_back(rows->getInt64(1));
  return out;
}

}  // namespace

Result<std::vector<Id>> MysqlBatchRepository::dueOwners(int max_items, std::chrono::seconds max_age, int limit) {
  if (max_items < 1 || limit < 1) return Status::InvalidArgument("max_items and limit must be at least 1");
  std::vector<Id> out;
  Status status = db_.run(TransactionMode::kAutocommit, "batch.dueOwners", [&](Session& session) {
    out.clear();
    auto& statement = session.prepare(
        "SELECT owner_id FROM batch_outbox WHERE batch_file_id IS NULL GROUP BY owner_id "
        "HAVING COUNT(*) >= ? OR MIN(created_at) <= TIMESTAMPADD(SECOND, ?, UTC_TIMESTAMP(6)) "
        "ORDER BY MIN(created_at), owner_id LIMIT ?");
    Params(statement).i32(max_items).i64(-static_cast<std::int64_t>(max_age.count())).i32(limit);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) out.push_back(rows->getInt64(1));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Result<std::optional<OutboundBatch>> MysqlBatchRepository::assignBatch(Id owner_id, int max_items) {
  if (max_items < 1) return Status::InvalidArgument("max_items must be at least 1");
  std::optional<OutboundBatch> out;
  Status status = db_.runInTransaction("batch.assignBatch", [&](Session& session) -> Status {
    out.reset();
    // SKIP LOCKED: items another writer is assigning right now are left to it.
    auto& pick = session.prepare(
        "SELECT id FROM batch_outbox WHERE owner_id = ? AND batch_file_id IS NULL ORDER BY id LIMIT ? "
        "FOR UPDATE SKIP LOCKED");
    Params(pick).id(owner_id).i32(max_items);
    std::unique_ptr<sql::ResultSet> rows(pick.executeQuery());
    std::vector<Id> ids;
    while (rows->next()) ids.push_back(rows->getInt64(1));
    if (ids.empty()) return Status::Ok();

    auto& create = session.prepare(
        "INSERT INTO batch_file (owner_id, direction, file_name, state, kind, item_count) "
        "VALUES (?, 'outbound', '', 'writing', 'submissions', ?) RETURNING id");
    Params(create).id(owner_id).i32(static_cast<int>(ids.size()));
    std::unique_ptr<sql::ResultSet> created(create.executeQuery());
    created->next();
    const Id file_id = created->getInt64(1);
    auto& name = session.prepare("UPDATE batch_file SET file_name = ? WHERE id = ?");
    Params(name).str(outboundBatchFileName(file_id)).id(file_id);
    name.executeUpdate();

    auto& assign = session.prepare("UPDATE batch_outbox SET batch_file_id = ? WHERE id IN (" +
                                   placeholderRows("?", ids.size()) + ")");
    Params params(assign);
    params.id(file_id);
    for (Id id : ids) params.id(id);
    assign.executeUpdate();

    auto& read = session.prepare("SELECT " + fileColumns() + "WHERE f.id = ?");
    Params(read).id(file_id);
    std::unique_ptr<sql::ResultSet> file(read.executeQuery());
    if (!file->next()) return Status::Internal("batch file vanished");
    OutboundBatch batch;
    batch.file = readFile(*file);
    batch.submission_ids = itemsOf(session, file_id);
    out = std::move(batch);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Result<std::vector<OutboundBatch>> MysqlBatchRepository::unfinishedBatches(int limit) {
  if (limit < 1) return Status::InvalidArgument("limit must be at least 1");
  std::vector<OutboundBatch> out;
  Status status = db_.run(TransactionMode::kAutocommit, "batch.unfinishedBatches", [&](Session& session) {
    out.clear();
    auto& statement = session.prepare("SELECT " + fileColumns() +
                                      "WHERE f.state = 'writing' AND f.direction = 'outbound' ORDER BY f.id LIMIT ?");
    Params(statement).i32(limit);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) out.push_back({readFile(*rows), {}});
    for (auto& batch : out) batch.submission_ids = itemsOf(session, batch.file.id);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Status MysqlBatchRepository::markWritten(Id batch_file_id) {
  return db_.runInTransaction("batch.markWritten", [&](Session& session) -> Status {
    auto& statement = session.prepare(
        "UPDATE batch_file SET state = 'written', updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND state = 'writing'");
    Params(statement).id(batch_file_id);
    if (statement.executeUpdate() != 1) return Status::NotFound("no batch file in state writing with this id");
    return Status::Ok();
  });
}

Result<Id> MysqlBatchRepository::recordInbound(const BatchFileRecord& record) {
  if (record.state != BatchFileState::kProcessed && record.state != BatchFileState::kFailed) {
    return Status::InvalidArgument("an inbound batch file is processed or failed");
  }
  Id id = 0;
  Status status = db_.runInTransaction("batch.recordInbound", [&](Session& session) -> Status {
    auto& statement = session.prepare(
        "INSERT INTO batch_file (owner_id, direction, file_name, state, kind, item_count, receipt_id, error_text) "
        "VALUES (?, 'inbound', ?, ?, ?, ?, ?, ?) RETURNING id");
    Params(statement)
        .id(record.owner_id)
        .str(record.file_name.substr(0, 255))
        .str(batchFileStateName(record.state))
        .str(record.kind.substr(0, 16))
        .i32(record.item_count)
        .optId(record.receipt_id)
        .str(cutText(record.error_text));
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    if (!rows->next()) return Status::Internal("no id returned");
    id = rows->getInt64(1);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return id;
}

Result<std::vector<BatchFileRecord>> MysqlBatchRepository::list(const BatchFileQuery& query, int limit) {
  if (limit < 1) return Status::InvalidArgument("limit must be at least 1");
  std::vector<BatchFileRecord> out;
  Status status = db_.run(TransactionMode::kAutocommit, "batch.list", [&](Session& session) {
    out.clear();
    std::string sql = "SELECT " + fileColumns() + "WHERE 1 = 1";
    if (query.owner_id) sql += " AND f.owner_id = ?";
    if (query.batch_file_id) sql += " AND f.id = ?";
    if (query.file_name) sql += " AND f.file_name = ?";
    if (query.kind) sql += " AND f.kind = ?";
    if (query.direction) sql += " AND f.direction = ?";
    if (query.created_from) sql += std::string(" AND f.created_at >= ") + kDatetimeFromEpochParam;
    if (query.created_to) sql += std::string(" AND f.created_at < TIMESTAMPADD(SECOND, 1, ") + kDatetimeFromEpochParam + ")";
    sql += " ORDER BY f.id DESC LIMIT ?";
    auto& statement = session.prepare(sql);
    Params params(statement);
    if (query.owner_id) params.id(*query.owner_id);
    if (query.batch_file_id) params.id(*query.batch_file_id);
    if (query.file_name) params.str(*query.file_name);
    if (query.kind) params.str(*query.kind);
    if (query.direction) params.str(batchDirectionName(*query.direction));
    if (query.created_from) params.i64(static_cast<std::int64_t>(*query.created_from));
    if (query.created_to) params.i64(static_cast<std::int64_t>(*query.created_to));
    params.i32(limit);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) out.push_back(readFile(*rows));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Result<BatchFileRecord> MysqlBatchRepository::find(Id owner_id, Id batch_file_id) {
  std::optional<BatchFileRecord> out;
  Status status = db_.run(TransactionMode::kAutocommit, "batch.find", [&](Session& session) {
    out.reset();
    auto& statement = session.prepare("SELECT " + fileColumns() + "WHERE f.id = ? AND f.owner_id = ?");
    Params(statement).id(batch_file_id).id(owner_id);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) out = readFile(*rows);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (!out) return Status::NotFound("no such batch");
  return *out;
}

Result<std::vector<Id>> MysqlBatchRepository::submissionsOf(Id owner_id, Id batch_file_id) {
  std::vector<Id> out;
  Status status = db_.run(TransactionMode::kAutocommit, "batch.submissionsOf", [&](Session& session) {
    out.clear();
    auto& statement = session.prepare(
        "SELECT submission_id FROM batch_outbox WHERE batch_file_id = ? AND owner_id = ? ORDER BY id");
    Params(statement).id(batch_file_id).id(owner_id);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) out.push_back(rows->getInt64(1));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

namespace {

// Items of outbound batches with their position in the file (ROW_NUMBER over the file's rows).
constexpr const char* kItemSelect =
    "SELECT i.id, i.batch_file_id, i.submission_id, s.code, s.edition, i.position, f.state FROM "
    "(SELECT o.id, o.batch_file_id, o.submission_id, o.service_id, o.owner_id, "
    "  ROW_NUMBER() OVER (PARTITION BY o.batch_file_id ORDER BY o.id) AS position "
    "  FROM batch_outbox o WHERE o.owner_id = ? AND o.batch_file_id IS NOT NULL) i "
    "JOIN service s ON s.id = i.service_id JOIN batch_file f ON f.id = i.batch_file_id ";

BatchItemRecord readItem(const sql::ResultSet& rows) {
  BatchItemRecord r;
  r.id = rows.getInt64(1);
  r.batch_file_id = rows.getInt64(2);
  r.submission_id = rows.getInt64(3);
  r.service_code = getString(rows, 4);
  r.service_edition = rows.getInt(5);
  r.position = rows.getInt(6);
  r.state = stateFromName(getString(rows, 7));
  return r;
}

}  // namespace

Result<std::vector<BatchItemRecord>> MysqlBatchRepository::items(Id owner_id, Id batch_file_id) {
  std::vector<BatchItemRecord> out;
  Status status = db_.run(TransactionMode::kAutocommit, "batch.items", [&](Session& session) {
    out.clear();
    auto& statement = session.prepare(std::string(kItemSelect) + "WHERE i.batch_file_id = ? ORDER BY i.id");
    Params(statement).id(owner_id).id(batch_file_id);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) out.push_back(readItem(*rows));
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return out;
}

Result<BatchItemRecord> MysqlBatchRepository::findItem(Id owner_id, Id item_id) {
  std::optional<BatchItemRecord> out;
  Status status = db_.run(TransactionMode::kAutocommit, "batch.findItem", [&](Session& session) {
    out.reset();
    auto& statement = session.prepare(std::string(kItemSelect) + "WHERE i.id = ?");
    Params(statement).id(owner_id).id(item_id);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) out = readItem(*rows);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (!out) return Status::NotFound("no such data item");
  return *out;
}

}  // namespace gateway::persistence::mysql
