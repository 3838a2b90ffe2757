#include "submission_batch.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "batch_insert.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

struct ReferenceRow {
  std::size_t submission;
  const char* type;
  const std::string* value;  // nullptr: the archive reference
};

// Batch channel (migration 012): one batch_outbox row per submission whose service is in batch mode;
// the batch writer (gateway/sftp) groups them into files. No sequence numbers: files are named by
// their batch_file id.
void insertBatchOutboxRows(Session& session, const std::vector<const NewSubmission*>& batch,
                           const std::vector<SubmissionCreated>& created, const std::set<Id>& batch_services) {
  if (batch_services.empty()) return;
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch_services.count(batch[i]->service_id) != 0) rows.push_back(i);
  }
  insertRows(session,
             {"INSERT INTO batch_outbox (owner_id, service_id, submission_id) VALUES ", "(?,?,?)", "",
              [&](Params& p, std::size_t row) {
                const std::size_t i = rows[row];
                p.id(batch[i]->owner_id).id(batch[i]->service_id).id(created[i].submission_id);
              },
              nullptr, nullptr},
             rows.size());
}

// Push channel (migration 006): one push_outbox row per submission whose service is in push mode,
// numbered from the channel's next_sequence. The channel rows are locked (in service_id order, so two
// batches cannot deadlock on them) until this transaction commits, which makes each channel's
// sequence numbers contiguous and in commit order. A batch with no push-mode service costs one
// primary-key read.
void insertPushOutboxRows(Session& session, const std::vector<const NewSubmission*>& batch,
                          const std::vector<SubmissionCreated>& created) {
  std::vector<Id> services;
  for (const NewSubmission* s : batch) services.push_back(s->service_id);
  std::sort(services.begin(), services.end());
  services.erase(std::unique(services.begin(), services.end()), services.end());
  const std::size_t padded = bucketSize(services.size());
  auto& lock = session.prepare("SELECT service_id, next_sequence, mode FROM service_channel WHERE mode IN ('push', 'batch') AND service_id IN (" +
                               placeholderRows("?", padded) + ") ORDER BY service_id FOR UPDATE");
  Params params(lock);
  for (std::size_t i = 0; i < padded; ++i) params.id(services[std::min(i, services.size() - 1)]);
  std::map<Id, std::int64_t> next_sequence;  // push channels in this batch
  std::unique_ptr<sql::ResultSet> rows(lock.executeQuery());
  std::set<Id> batch_services;  // batch-mode channels in this batch (migration 012)
  while (rows->next()) {
    if (getString(*rows, 3) == "batch") {
      batch_services.insert(rows->getInt64(1));
    } else {
      next_sequence[rows->getInt64(1)] = rows->getInt64(2);
    }
  }
  insertBatchOutboxRows(session, batch, created, batch_services);
  if (next_sequence.empty()) return;

  std::vector<std::pair<std::size_t, std::int64_t>> outbox;  // (submission index, sequence number)
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto it = next_sequence.find(batch[i]->service_id);
    if (it != next_sequence.end()) outbox.emplace_back(i, it->second++);
  }
  for (const auto& [service_id, next] : next_sequence) {
    auto& advance = session.prepare("UPDATE service_channel SET next_sequence = ? WHERE service_id = ?");
    Params(advance).i64(next).id(service_id);
    advance.executeUpdate();
  }
  insertRows(session,
             {"INSERT INTO push_outbox (owner_id, service_id, submission_id, sequence_number) VALUES ", "(?,?,?,?)", "",
              [&](Params& p, std::size_t row) {
                const std::size_t i = outbox[row].first;
                p.id(batch[i]->owner_id).id(batch[i]->service_id).id(created[i].submission_id).i64(outbox[row].second);
              },
              nullptr, nullptr},
             outbox.size());
}

}  // namespace

std::vector<SubmissionCreated> insertSubmissionBatch(Session& session, const std::vector<const NewSubmission*>& batch) {
  const std::size_t n = batch.size();
  std::vector<SubmissionCreated> created(n);

  insertRows(session,
             {"INSERT INTO submission (owner_id, service_id, system_id, reportee, external_shipment_reference, case_id) "
              "VALUES ",
              "(?,?,?,?,?,?)", " RETURNING id",
              [&](Params& p, std::size_t i) {
                const NewSubmission& s = *batch[i];
                p.id(s.owner_id).id(s.service_id).id(s.system_id).str(s.reportee).str(s.external_shipment_reference)
                    .optI32(s.case_id);
              },
              [&](const sql::ResultSet& rows, std::size_t i) {
                created[i].submission_id = rows.getInt64(1);
                created[i].archive_reference = archiveReferenceOf(created[i].submission_id);
              },
              nullptr},
             n);

  insertRows(session,
             {"INSERT INTO receipt (type, status, text, history, owner_id, system_id, submission_id) VALUES ",
              "('FormTask','OK',?,'',?,?,?)", " RETURNING id, " + epochOf("last_changed"),
              [&](Params& p, std::size_t i) {
                const NewSubmission& s = *batch[i];
                p.str(s.receipt_text).id(s.owner_id).id(s.system_id).id(created[i].submission_id);
              },
              [&](const sql::ResultSet& rows, std::size_t i) {
                created[i].receipt.id = rows.getInt64(1);
                created[i].receipt.last_changed = static_cast<std::time_t>(rows.getInt64(2));
              },
              nullptr},
             n);

  std::vector<std::size_t> with_end_user_ref;
  for (std::size_t i = 0; i < n; ++i) {
    if (!batch[i]->end_user_system_reference.empty()) with_end_user_ref.push_back(i);
  }
  insertRows(session,
             {"INSERT INTO end_user_reference (system_id, reference, receipt_id) VALUES ", "(?,?,?)", "",
              [&](Params& p, std::size_t row) {
                const std::size_t i = with_end_user_ref[row];
                p.id(batch[i]->system_id).str(batch[i]->end_user_system_reference).id(created[i].receipt.id);
              },
              nullptr, nullptr},
             with_end_user_ref.size());

  std::vector<ReferenceRow> references;
  for (std::size_t i = 0; i < n; ++i) {
    references.push_back({i, "ArchiveReference", nullptr});
    if (!batch[i]->end_user_system_reference.empty()) {
      references.push_back({i, "EndUserSystemReference", &batch[i]->end_user_system_reference});
    }
    if (!batch[i]->external_shipment_reference.empty()) {
      references.push_back({i, "ExternalShipmentReference", &batch[i]->external_shipment_reference});
    }
  }
  insertRows(session,
             {"INSERT INTO receipt_reference (receipt_id, type, value) VALUES ", "(?,?,?)", "",
              [&](Params& p, std::size_t row) {
                const ReferenceRow& r = references[row];
                const SubmissionCreated& c = created[r.submission];
                p.id(c.receipt.id).str(r.type).str(r.value ? *r.value : c.archive_reference);
              },
              nullptr, nullptr},
             references.size());

  // The queue keeps the service code for its filter; read from the service row, not trusted input.
  insertRows(session,
             {"INSERT INTO download_queue (submission_id, owner_id, service_code) VALUES ",
              "(?,?,(SELECT code FROM service WHERE id = ?))", "",
              [&](Params& p, std::size_t i) {
                p.id(created[i].submission_id).id(batch[i]->owner_id).id(batch[i]->service_id);
              },
              nullptr, nullptr},
             n);

  insertRows(session,
             {"INSERT INTO shipment_status_log (submission_id, status) VALUES ", "(?,'NotSent')", "",
              [&](Params& p, std::size_t i) { p.id(created[i].submission_id); }, nullptr, nullptr},
             n);

  struct Child {
    std::size_t submission;
    std::size_t index;
  };
  std::vector<Child> forms, attachments;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t f = 0; f < batch[i]->forms.size(); ++f) forms.push_back({i, f});
    for (std::size_t a = 0; a < batch[i]->attachments.size(); ++a) attachments.push_back({i, a});
  }
  insertRows(session,
             {"INSERT INTO submission_form (submission_id, data_format_id, data_format_version, "
              "end_user_system_reference, parent_reference, completed, form_data) VALUES ",
              "(?,?,?,?,?,?,?)", "",
              [&](Params& p, std::size_t row) {
                const FormRecord& f = batch[forms[row].submission]->forms[forms[row].index];
                p.id(created[forms[row].submission].submission_id)
                    .str(f.data_format_id)
                    .i32(f.data_format_version)
                    .str(f.end_user_system_reference)
                    .optI32(f.parent_reference)
                    .boolean(f.completed)
                    .str(f.form_data);
              },
              nullptr,
              [&](std::size_t row) {
                const FormRecord& f = batch[forms[row].submission]->forms[forms[row].index];
                return f.form_data.size() + f.end_user_system_reference.size() + 64;
              }},
             forms.size());
  insertRows(session,
             {"INSERT INTO submission_attachment (submission_id, name, file_name, attachment_type_name, "
              "end_user_system_reference, parent_reference, encrypted, size, sha256, storage_key) VALUES ",
              "(?,?,?,?,?,?,?,?,?,?)", "",
              [&](Params& p, std::size_t row) {
                const AttachmentRecord& a = batch[attachments[row].submission]->attachments[attachments[row].index];
                p.id(created[attachments[row].submission].submission_id)
                    .str(a.name)
                    .str(a.file_name)
                    .str(a.attachment_type_name)
                    .str(a.end_user_system_reference)
                    .str(a.parent_reference)
                    .boolean(a.encrypted)
                    .i64(a.size)
                    .str(a.sha256_hex)
                    .str(a.storage_key);
              },
              nullptr, nullptr},
             attachments.size());

  insertPushOutboxRows(session, batch, created);

  for (std::size_t i = 0; i < n; ++i) {
    const NewSubmission& s = *batch[i];
    ReceiptRecord& receipt = created[i].receipt;
    receipt.type = "FormTask";
    receipt.status = ReceiptStatus::kOk;
    receipt.text = s.receipt_text;
    receipt.owner_id = s.owner_id;
    receipt.system_id = s.system_id;
    receipt.references.push_back({"ArchiveReference", created[i].archive_reference});
    if (!s.end_user_system_reference.empty()) {
      receipt.references.push_back({"EndUserSystemReference", s.end_user_system_reference});
    }
    if (!s.external_shipment_reference.empty()) {
      receipt.references.push_back({"ExternalShipmentReference", s.external_shipment_reference});
    }
  }
  return created;
}

}  // namespace gateway::persistence::mysql
