// PrefillRepository: storing prefilled form tasks with their PreFill receipt, and reading the open
// ones of a reportee for end-user systems.

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

constexpr const char* kKind = "PreFill";

const char* stateName(PrefillState state) {
  switch (state) {
    case PrefillState::kSaved: return "saved";
    case PrefillState::kInstantiated: return "instantiated";
    case PrefillState::kCompleted: return "completed";
  }
  return "saved";
}

PrefillState stateFromName(const std::string& name) {
  if (name == "instantiated") return PrefillState::kInstantiated;
  if (name == "completed") return PrefillState::kCompleted;
  return PrefillState::kSaved;
}

// The common case is answered here, item by item. Two concurrent requests with the same new
// reference can both pass this check; the unique key then fails the later transaction as a whole
// (kAlreadyExists), which is still correct, only coarser than a sub-receipt.
bool referenceTaken(Session& session, Id owner_id, const std::string& reference) {
  auto& statement =
      session.prepare("SELECT 1 FROM prefill_instance WHERE owner_id = ? AND external_shipment_reference = ?");
  Params(statement).id(owner_id).str(reference);
  std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
  return rows->next();
}

Id insertInstance(Session& session, const PrefillRepository::Request& request, const PrefillInstanceRecord& p) {
  Id id = 0;
  {
    auto& statement = session.prepare(
        "INSERT INTO prefill_instance (owner_id, service_id, system_id, reportee, external_shipment_reference, "
        "senders_reference, state, valid_from, valid_to, due_date, case_id, on_behalf_of) VALUES (?, ?, ?, ?, ?, ?, ?, " +
        std::string(kDatetimeFromEpochParam) + ", " + kDatetimeFromEpochParam + ", IF(? IS NULL, NULL, " +
        kDatetimeFromEpochParam + "), ?, ?) RETURNING id");
    Params params(statement);
    params.id(request.owner_id)
        .id(p.service_id)
        .id(request.system_id)
        .str(p.reportee)
        .str(p.external_shipment_reference)
        .str(p.senders_reference)
        .str(stateName(p.state))
        .i64(static_cast<std::int64_t>(p.valid_from))
        .i64(static_cast<std::int64_t>(p.valid_to));
    std::optional<Id> due;
    if (p.due_date) due = static_cast<Id>(*p.due_date);
    params.optId(due).i64(due.value_or(0)).optI32(p.case_id).str(p.on_behalf_of);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    rows->next();
    id = rows->getInt64(1);
  }
  for (const PrefillFormRecord& f : p.forms) {
    auto& statement = session.prepare(
        "INSERT INTO prefill_form (instance_id, data_format_id, data_format_version, senders_reference, form_data) "
        "VALUES (?, ?, ?, ?, ?)");
    Params(statement).id(id).str(f.data_format_id).i32(f.data_format_version).str(f.senders_reference).str(
        f.form_data);
    statement.executeUpdate();
  }
  for (const PrefillAttachmentRecord& a : p.attachments) {
    auto& statement = session.prepare(
        "INSERT INTO prefill_attachment (instance_id, name, file_name, attachment_type, senders_reference, size, "
        "sha256, storage_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    Params(statement)
        .id(id)
        .str(a.name)
        .str(a.file_name)
        .str(a.attachment_type)
        .str(a.senders_reference)
        .i64(a.size)
        .str(a.sha256_hex)
        .str(a.storage_key);
    statement.executeUpdate();
  }
  return id;
}

std::vector<ReceiptReference> itemReferences(const PrefillInstanceRecord& p, std::optional<Id> stored_id) {
  std::vector<ReceiptReference> refs;
  if (!p.external_shipment_reference.empty()) refs.push_back({"ExternalShipmentReference", p.external_shipment_reference});
  if (!p.senders_reference.empty()) refs.push_back({"SendersReference", p.senders_reference});
  if (stored_id) refs.push_back({"ReceiversReference", std::to_string(*stored_id)});
  return refs;
}

std::string storedText(const PrefillInstanceRecord& p, Id id) {
  return std::string("Prefilled form task ") + std::to_string(id) +
         (p.state == PrefillState::kInstantiated ? " stored and instantiated." : " stored.");
}

constexpr const char* kInstanceColumns =
    "p.id, p.owner_id, o.code, p.service_id, sv.code, sv.edition, p.system_id, p.reportee, "
    "p.external_shipment_reference, p.senders_reference, p.state, ";

PrefillInstanceRecord readInstance(sql::ResultSet& rows) {
  PrefillInstanceRecord p;
  p.id = rows.getInt64(1);
  p.owner_id = rows.getInt64(2);
  p.owner_code = getString(rows, 3);
  p.service_id = rows.getInt64(4);
  p.service_code = getString(rows, 5);
  p.service_edition = rows.getInt(6);
  p.system_id = rows.getInt64(7);
  p.reportee = getString(rows, 8);
  p.external_shipment_reference = getString(rows, 9);
  p.senders_reference = getString(rows, 10);
  p.state = stateFromName(getString(rows, 11));
  p.valid_from = static_cast<std::time_t>(rows.getInt64(12));
  p.valid_to = static_cast<std::time_t>(rows.getInt64(13));
  if (auto due = getOptionalId(rows, 14)) p.due_date = static_cast<std::time_t>(*due);
  p.case_id = getOptionalInt(rows, 15);
  p.on_behalf_of = getString(rows, 16);
  p.submission_id = getOptionalId(rows, 17);
  return p;
}

std::string instanceSelect() {
  return std::string("SELECT ") + kInstanceColumns + epochOf("p.valid_from") + ", " + epochOf("p.valid_to") +
         ", IF(p.due_date IS NULL, NULL, " + epochOf("p.due_date") +
         "), p.case_id, p.on_behalf_of, p.submission_id FROM prefill_instance p "
         "JOIN service_owner o ON o.id = p.owner_id JOIN service sv ON sv.id = p.service_id ";
}

// Forms and attachment rows of `instances`, one IN-list query each per chunk (padded to a power of
// two like the receipt loader, so few statement texts exist).
void loadContents(Session& session, std::vector<PrefillInstanceRecord>& instances) {
  constexpr std::size_t kChunk = 256;
  std::map<Id, PrefillInstanceRecord*> by_id;
  for (auto& p : instances) by_id[p.id] = &p;
  for (std::size_t begin = 0; begin < instances.size(); begin += kChunk) {
    const std::size_t end = std::min(instances.size(), begin + kChunk);
    const std::size_t slots = bucketSize(end - begin);
    std::string in_list = "(";
    in_list.append(placeholderRows("?", slots));
    in_list.push_back(')');
    auto bind = [&](sql::PreparedStatement& statement) {
      Params params(statement);
      for (std::size_t i = 0; i < slots; ++i) params.id(instances[std::min(begin + i, end - 1)].id);
    };
    {
      auto& forms = session.prepare(
          "SELECT instance_id, data_format_id, data_format_version, senders_reference, form_data FROM prefill_form "
          "WHERE instance_id IN " + in_list + " ORDER BY id");
      bind(forms);
      std::unique_ptr<sql::ResultSet> rows(forms.executeQuery());
      while (rows->next()) {
        by_id[rows->getInt64(1)]->forms.push_back(
            {getString(*rows, 2), rows->getInt(3), getString(*rows, 4), getString(*rows, 5)});
      }
    }
    auto& attachments = session.prepare(
        "SELECT instance_id, name, file_name, attachment_type, senders_reference, size, sha256, storage_key "
        "FROM prefill_attachment WHERE instance_id IN " + in_list + " ORDER BY id");
    bind(attachments);
    std::unique_ptr<sql::ResultSet> rows(attachments.executeQuery());
    while (rows->next()) {
      by_id[rows->getInt64(1)]->attachments.push_back({getString(*rows, 2), getString(*rows, 3), getString(*rows, 4),
                                                       getString(*rows, 5), rows->getInt64(6), getString(*rows, 7),
                                                       getString(*rows, 8)});
    }
  }
}

}  // namespace

Result<ReceiptRecord> MysqlPrefillRepository::store(const Request& request) {
  if (request.owner_id <= 0 || request.system_id <= 0) return Status::InvalidArgument("prefill: owner and system are required");
  if (request.external_batch_id.empty()) return Status::InvalidArgument("prefill: externalBatchId is required");
  if (request.items.empty()) return Status::InvalidArgument("prefill: no form tasks");
  if (!request.sub_receipts && request.items.size() != 1) return Status::InvalidArgument("prefill: one form task expected");
  ReceiptRecord stored;
  Status status = db_.runInTransaction("prefill.store", [&](Session& session) -> Status {
    const Id receipt_id = insertReceipt(session, std::nullopt, kKind, ReceiptStatus::kNotSet, "", "",
                                        request.owner_id, std::nullopt);
    claimOwnerBatch(session, request.owner_id, kKind, request.external_batch_id, receipt_id);
    std::vector<ReceiptReference> main_refs{{"BatchReference", request.external_batch_id}};

    std::set<std::string> seen;  // references used earlier in this same request
    std::size_t stored_count = 0;
    std::string single_text;
    for (const Item& item : request.items) {
      const PrefillInstanceRecord& p = item.instance;
      std::string rejection = item.rejection;
      if (rejection.empty() &&
          (seen.count(p.external_shipment_reference) || referenceTaken(session, request.owner_id, p.external_shipment_reference))) {
        if (!request.sub_receipts) {
          return Status::AlreadyExists("ExternalShipmentReference was used before by this service owner");
        }
        rejection = "ExternalShipmentReference was used before by this service owner.";
      }
      std::optional<Id> id;
      if (rejection.empty()) {
        seen.insert(p.external_shipment_reference);  // only a stored task takes its reference
        id = insertInstance(session, request, p);
        ++stored_count;
      }
      auto refs = itemReferences(p, id);
      if (request.sub_receipts) {
        const Id sub_id = insertReceipt(session, receipt_id, kKind,
                                        id ? ReceiptStatus::kOk : ReceiptStatus::kValidationFailed,
                                        id ? storedText(p, *id) : rejection, "", request.owner_id, std::nullopt);
        insertReceiptReferences(session, sub_id, refs);
      } else {
        main_refs.insert(main_refs.end(), refs.begin(), refs.end());
        single_text = storedText(p, *id);
      }
    }
    const bool all = stored_count == request.items.size();
    const std::string text = request.sub_receipts ? std::to_string(stored_count) + " of " +
                                                        std::to_string(request.items.size()) +
                                                        " prefilled form tasks stored."
                                                  : single_text;
    {
      auto& statement = session.prepare("UPDATE receipt SET status = ?, text = ? WHERE id = ?");
      Params(statement)
          .str(receiptStatusName(all ? ReceiptStatus::kOk : ReceiptStatus::kValidationFailed))
          .str(text)
          .id(receipt_id);
      statement.executeUpdate();
    }
    insertReceiptReferences(session, receipt_id, main_refs);
    auto receipts = loadReceipts(session, {receipt_id});
    if (receipts.empty()) return Status::Internal("prefill.store: stored receipt not found");
    stored = std::move(receipts.front());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return stored;
}

Result<std::optional<ReceiptRecord>> MysqlPrefillRepository::findBatchReceipt(Id owner_id,
                                                                               const std::string& external_batch_id) {
  return findOwnerBatchReceipt(db_, owner_id, kKind, external_batch_id);
}

Result<std::vector<PrefillInstanceRecord>> MysqlPrefillRepository::listOpen(const OpenQuery& query) {
  std::vector<PrefillInstanceRecord> found;
  if (query.limit <= 0) return found;
  Status status = db_.run(TransactionMode::kSnapshot, "prefill.listOpen", [&](Session& session) {
    found.clear();
    std::string sql_text = instanceSelect() +
                           "WHERE p.reportee = ? AND p.state = 'instantiated' AND p.valid_from <= " +
                           kDatetimeFromEpochParam + " AND p.valid_to > " + kDatetimeFromEpochParam;
    if (query.service_code) sql_text += " AND sv.code = ?";
    if (query.service_edition) sql_text += " AND sv.edition = ?";
    if (query.instance_id) sql_text += " AND p.id = ?";
    sql_text += " ORDER BY p.id LIMIT ?";
    auto& statement = session.prepare(sql_text);
    Params params(statement);
    params.str(query.reportee).i64(static_cast<std::int64_t>(query.now)).i64(static_cast<std::int64_t>(query.now));
    if (query.service_code) params.str(*query.service_code);
    if (query.service_edition) params.i32(*query.service_edition);
    if (query.instance_id) params.id(*query.instance_id);
    params.i32(query.limit);
    {
      std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
      while (rows->next()) found.push_back(readInstance(*rows));
    }
    loadContents(session, found);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

Result<std::optional<PrefillInstanceRecord>> MysqlPrefillRepository::find(Id instance_id) {
  std::optional<PrefillInstanceRecord> found;
  Status status = db_.run(TransactionMode::kAutocommit, "prefill.find", [&](Session& session) {
    found.reset();
    auto& statement = session.prepare(instanceSelect() + "WHERE p.id = ?");
    Params(statement).id(instance_id);
    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    if (rows->next()) found = readInstance(*rows);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

}  // namespace gateway::persistence::mysql
