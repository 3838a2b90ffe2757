#include "correspondence_batch.h"

#include <cppconn/resultset.h>

#include <cstdint>
#include <optional>
#include <utility>

#include "batch_insert.h"
#include "correspondence_options.h"
#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

using Created = CorrespondenceRepository::Created;

std::optional<std::int64_t> epochOrNull(const std::optional<std::time_t>& t) {
  if (!t) return std::nullopt;
  return static_cast<std::int64_t>(*t);
}

// The values of one correspondence row: the record and the receipt written for it just before.
struct CorrespondenceRow {
  const CorrespondenceRecord& c;
  Id receipt_id;
};

// THE column list of the correspondence row: every column InsertCorrespondence writes, with its SQL
// value expression and its binding, side by side. A new column is one more line here.
struct Column {
  const char* name;
  const char* value;  // SQL expression with one "?" per bound parameter
  void (*bind)(Params&, const CorrespondenceRow&);
};
const Column kCorrespondenceColumns[] = {
    {"owner_id", "?", [](Params& p, const CorrespondenceRow& r) { p.id(r.c.owner_id); }},
    {"system_id", "?", [](Params& p, const CorrespondenceRow& r) { p.id(r.c.system_id); }},
    {"service_id", "?", [](Params& p, const CorrespondenceRow& r) { p.id(r.c.service_id); }},
    {"reportee", "?", [](Params& p, const CorrespondenceRow& r) { p.str(r.c.reportee); }},
    {"external_shipment_reference", "?", [](Params& p, const CorrespondenceRow& r) { p.str(r.c.external_shipment_reference); }},
    {"archive_reference", "?", [](Params& p, const CorrespondenceRow& r) { p.str(r.c.archive_reference); }},
    {"language_code", "?", [](Params& p, const CorrespondenceRow& r) { p.str(r.c.language_code); }},
    {"message_title", "?", [](Params& p, const CorrespondenceRow& r) { p.str(r.c.title); }},
    {"message_summary", "?", [](Params& p, const CorrespondenceRow& r) { p.str(r.c.summary); }},
    {"message_body", "?", [](Params& p, const CorrespondenceRow& r) { p.str(r.c.body); }},
    {"custom_message_data", "?", [](Params& p, const CorrespondenceRow& r) { p.str(r.c.custom_message_data); }},
    {"message_sender", "?", [](Params& p, const CorrespondenceRow& r) { p.str(r.c.message_sender); }},
    {"case_id", "?", [](Params& p, const CorrespondenceRow& r) { p.optI32(r.c.case_id); }},
    {"allow_forwarding", "?", [](Params& p, const CorrespondenceRow& r) { p.boolean(r.c.allow_forwarding); }},
    {"is_reservable", "?", [](Params& p, const CorrespondenceRow& r) { p.optBoolean(r.c.is_reservable); }},
    {"visible_at", kDatetimeFromEpochParam,
     [](Params& p, const CorrespondenceRow& r) { p.i64(static_cast<std::int64_t>(r.c.visible_at)); }},
    // TIMESTAMPADD of NULL is NULL: no due date, no delete date.
    {"due_at", kDatetimeFromEpochParam, [](Params& p, const CorrespondenceRow& r) { p.optI64(epochOrNull(r.c.due_at)); }},
    {"allow_system_delete_at", kDatetimeFromEpochParam,
     [](Params& p, const CorrespondenceRow& r) { p.optI64(epochOrNull(r.c.allow_system_delete_at)); }},
    {"receipt_id", "?", [](Params& p, const CorrespondenceRow& r) { p.id(r.receipt_id); }},
};

// The columns' names or value expressions, comma-separated, in column order.
std::string joined(const char* Column::*field) {
  std::string out;
  for (const Column& column : kCorrespondenceColumns) {
    if (!out.empty()) out += ", ";
    out += column.*field;
  }
  return out;
}

std::size_t textBytesOf(const CorrespondenceRecord& c) {
  return c.title.size() + c.summary.size() + c.body.size() + c.custom_message_data.size() +
         c.external_shipment_reference.size() + 256;
}

// Rows of a child table (one row per element of `children` of each correspondence): the first column
// is the correspondence id, `bind` binds the rest.
template <typename ChildRecord>
void insertChildRows(Session& session, const std::vector<const NewCorrespondence*>& batch,
                     const std::vector<Created>& created,
                     std::vector<ChildRecord> CorrespondenceRecord::*children, std::string head, std::string tuple,
                     void (*bind)(Params&, const ChildRecord&), std::size_t (*bytes_of)(const ChildRecord&)) {
  std::vector<std::pair<std::size_t, const ChildRecord*>> rows;  // (item, child)
  for (std::size_t i = 0; i < batch.size(); ++i) {
    for (const ChildRecord& child : batch[i]->record.*children) rows.emplace_back(i, &child);
  }
  insertRows(session,
             {std::move(head), std::move(tuple), "",
              [&](Params& p, std::size_t row) {
                p.id(created[rows[row].first].correspondence_id);
                bind(p, *rows[row].second);
              },
              nullptr, [&](std::size_t row) { return bytes_of(*rows[row].second); }},
             rows.size());
}

// The child tables' columns after correspondence_id, with their bindings and sizes.
constexpr const char* kAttachmentInsert =
    "INSERT INTO correspondence_attachment (correspondence_id, name, file_name, senders_reference, function_type, "
    "destination_type, encrypted, size, sha256, storage_key) VALUES ";
void bindAttachment(Params& p, const CorrespondenceAttachmentRecord& a) {
  p.str(a.name).str(a.file_name).str(a.senders_reference).str(a.function_type).str(a.destination_type);
  p.boolean(a.encrypted).i64(a.size).str(a.sha256_hex).str(a.storage_key);
}
std::size_t attachmentBytes(const CorrespondenceAttachmentRecord&) { return 1024; }

constexpr const char* kXmlAttachmentInsert =
    "INSERT INTO correspondence_xml_attachment (correspondence_id, senders_reference, data_format_id, "
    "data_format_version, logical_form_id, form_data) VALUES ";
void bindXmlAttachment(Params& p, const CorrespondenceXmlAttachmentRecord& x) {
  p.str(x.senders_reference).str(x.data_format_id).optI32(x.data_format_version).optI32(x.logical_form_id);
  p.str(x.form_data);
}
std::size_t xmlAttachmentBytes(const CorrespondenceXmlAttachmentRecord& x) { return x.form_data.size() + 128; }

void insertAttachments(Session& session, const std::vector<const NewCorrespondence*>& batch,
                       const std::vector<Created>& created) {
  insertChildRows(session, batch, created, &CorrespondenceRecord::attachments, kAttachmentInsert,
                  "(?,?,?,?,?,?,?,?,?,?)", bindAttachment, attachmentBytes);
  insertChildRows(session, batch, created, &CorrespondenceRecord::xml_attachments, kXmlAttachmentInsert,
                  "(?,?,?,?,?,?)", bindXmlAttachment, xmlAttachmentBytes);
}

}  // namespace

std::size_t correspondenceWeight(const NewCorrespondence& item) {
  std::size_t bytes = textBytesOf(item.record) + item.receipt_text.size() + item.record.attachments.size() * 512;
  for (const auto& x : item.record.xml_attachments) bytes += x.form_data.size() + 128;
  for (const auto& m : item.notifications) bytes += m.subject.size() + m.body.size() + m.recipient.size() + 128;
  return bytes;
}

std::vector<Created> insertCorrespondenceBatch(Session& session, const std::vector<const NewCorrespondence*>& batch) {
  const std::size_t n = batch.size();
  std::vector<Created> created(n);

  // Receipts first, so each correspondence row carries its receipt_id (no UPDATE afterwards).
  insertRows(session,
             {"INSERT INTO receipt (type, status, text, history, owner_id) VALUES ", "(?,?,?,'',?)",
              " RETURNING id, " + epochOf("last_changed"),
              [&](Params& p, std::size_t i) {
                p.str("Correspondence").str(receiptStatusName(ReceiptStatus::kOk)).str(batch[i]->receipt_text)
                    .id(batch[i]->record.owner_id);
              },
              [&](const sql::ResultSet& rows, std::size_t i) {
                created[i].receipt.id = rows.getInt64(1);
                created[i].receipt.last_changed = static_cast<std::time_t>(rows.getInt64(2));
              },
              [&](std::size_t i) { return batch[i]->receipt_text.size() + 64; }},
             n);

  insertRows(session,
             {"INSERT INTO correspondence (" + joined(&Column::name) + ") VALUES ", "(" + joined(&Column::value) + ")",
              " RETURNING id",
              [&](Params& p, std::size_t i) {
                const CorrespondenceRow row{batch[i]->record, created[i].receipt.id};
                for (const Column& column : kCorrespondenceColumns) column.bind(p, row);
              },
              [&](const sql::ResultSet& rows, std::size_t i) { created[i].correspondence_id = rows.getInt64(1); },
              [&](std::size_t i) { return textBytesOf(batch[i]->record); }},
             n);

  // OnBehalfOfOrgNr, SdpOptions and reply options (migration 013): one UPDATE plus its reply-option rows
  // per correspondence that carries any (not batched: rare on the hot path).
  for (std::size_t i = 0; i < n; ++i) {
    if (hasCorrespondenceOptions(batch[i]->record)) {
      writeCorrespondenceOptions(session, created[i].correspondence_id, batch[i]->record);
    }
  }

  // Two references per receipt, in the order the receipt lists them.
  constexpr std::size_t kReferencesPerReceipt = 2;
  insertRows(session,
             {"INSERT INTO receipt_reference (receipt_id, type, value) VALUES ", "(?,?,?)", "",
              [&](Params& p, std::size_t row) {
                const std::size_t i = row / kReferencesPerReceipt;
                if (row % kReferencesPerReceipt == 0) {
                  p.id(created[i].receipt.id).str("ExternalShipmentReference").str(batch[i]->record.external_shipment_reference);
                } else {
                  p.id(created[i].receipt.id).str("ReceiversReference").str(std::to_string(created[i].correspondence_id));
                }
              },
              nullptr, nullptr},
             n * kReferencesPerReceipt);

  insertAttachments(session, batch, created);

  std::vector<OutboxRow> outbox;
  for (std::size_t i = 0; i < n; ++i) {
    for (const OutboxMessage& m : batch[i]->notifications) outbox.push_back({&m, created[i].correspondence_id});
  }
  insertOutboxRows(session, outbox);

  for (std::size_t i = 0; i < n; ++i) {
    ReceiptRecord& receipt = created[i].receipt;
    receipt.type = "Correspondence";
    receipt.status = ReceiptStatus::kOk;
    receipt.text = batch[i]->receipt_text;
    receipt.owner_id = batch[i]->record.owner_id;
    receipt.references = {{"ExternalShipmentReference", batch[i]->record.external_shipment_reference},
                          {"ReceiversReference", std::to_string(created[i].correspondence_id)}};
  }
  return created;
}

}  // namespace gateway::persistence::mysql
