#include "batch/inbound_batch_handler.h"

#include <algorithm>
#include <ctime>

#include "batch/inbound_batch_parser.h"
#include "common/log.h"

namespace gateway::batch {
namespace {

std::string escapeXml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string isoTime(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const char* statusName(persistence::ReceiptStatus status) {
  switch (status) {
    case persistence::ReceiptStatus::kNotSet: return "NotSet";
    case persistence::ReceiptStatus::kOk: return "OK";
    case persistence::ReceiptStatus::kUnExpectedError: return "UnExpectedError";
    case persistence::ReceiptStatus::kValidationFailed: return "ValidationFailed";
    case persistence::ReceiptStatus::kRejected: return "Rejected";
  }
  return "NotSet";
}

void renderReceipt(std::string& out, const persistence::ReceiptRecord& r, const char* element) {
  out += std::string("<") + element + " receiptId=\"" + std::to_string(r.id) + "\" type=\"" + escapeXml(r.type) +
         "\" status=\"" + statusName(r.status) + "\" lastChanged=\"" + isoTime(r.last_changed) + "\">";
  out += "<ReceiptText>" + escapeXml(r.text) + "</ReceiptText>";
  for (const auto& ref : r.references) {
    out += "<Reference type=\"" + escapeXml(ref.type) + "\">" + escapeXml(ref.value) + "</Reference>";
  }
  for (const auto& sub : r.sub_receipts) renderReceipt(out, sub, "SubReceipt");
  out += std::string("</") + element + ">";
}

}  // namespace

std::string renderBatchReceipt(const std::string& file_name, persistence::Id batch_file_id, const std::string& kind,
                               bool duplicate, const persistence::ReceiptRecord& receipt) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<BatchReceipt version=\"1\" file=\"" +
                    escapeXml(file_name) + "\" batchFileId=\"" + std::to_string(batch_file_id) + "\" kind=\"" + kind +
                    "\" duplicate=\"" + (duplicate ? "true" : "false") + "\">";
  renderReceipt(out, receipt, "Receipt");
  out += "</BatchReceipt>\n";
  return out;
}

InboundBatchHandler::InboundBatchHandler(persistence::Database& database, core::PrefillService& prefills,
                                         core::SubscriptionService& subscriptions)
    : database_(database), prefills_(prefills), subscriptions_(subscriptions) {}

Result<persistence::SystemRecord> InboundBatchHandler::systemFor(const sftp::SftpAccount& account,
                                                                 const std::string& username) {
  auto system = database_.systems().findByUsername(username);
  if (!system.ok()) return system.status();
  const auto& s = system.value();
  if (!s || !s->active || s->role != persistence::SystemRole::kServiceOwner || !s->owner_id ||
      *s->owner_id != account.owner_id) {
    return Status::PermissionDenied("systemUserName " + username + " is not an active system of service owner " +
                                    account.owner_code);
  }
  return *s;
}

Result<sftp::InboundVerdict> InboundBatchHandler::reject(const sftp::InboundFile& file, const std::string& kind,
                                                         const std::string& error) {
  persistence::BatchFileRecord record;
  record.owner_id = file.account.owner_id;
  record.direction = persistence::BatchDirection::kInbound;
  record.file_name = file.name;
  record.state = persistence::BatchFileState::kFailed;
  record.kind = kind;
  record.error_text = error;
  auto id = database_.batches().recordInbound(record);
  if (!id.ok()) return id.status();
  sftp::InboundVerdict verdict;
  verdict.error = "batch file " + std::to_string(id.value()) + " rejected, nothing imported: " + error;
  return verdict;
}

Result<sftp::InboundVerdict> InboundBatchHandler::handle(const sftp::InboundFile& file) {
  auto parsed = parseInboundBatch(file.bytes, std::max(core::kMaxPrefillBatchItems, core::kMaxSubscriptionsPerRequest));
  if (!parsed.ok()) return reject(file, "", parsed.status().message());
  InboundBatchDocument& document = parsed.value();
  const bool prefill = std::holds_alternative<PrefillBatchDocument>(document);
  const std::string kind = prefill ? "prefill" : "subscription";
  const std::string& username = prefill ? std::get<PrefillBatchDocument>(document).system_user_name
                                        : std::get<SubscriptionBatchDocument>(document).system_user_name;
  auto system = systemFor(file.account, username);
  if (!system.ok() && system.status().code() == StatusCode::kUnavailable) return system.status();
  if (!system.ok()) return reject(file, kind, system.status().message());

  persistence::ReceiptRecord receipt;
  bool duplicate = false;
  int items = 0;
  if (prefill) {
    auto& doc = std::get<PrefillBatchDocument>(document);
    items = static_cast<int>(doc.tasks.size());
    auto outcome = prefills_.submitBatch(system.value(), doc.external_batch_id,
                                         doc.system_user_code.value_or(file.account.owner_code), doc.tasks);
    if (!outcome.ok() && outcome.status().code() == StatusCode::kUnavailable) return outcome.status();
    if (!outcome.ok()) return reject(file, kind, outcome.status().message());
    receipt = outcome->receipt;
    duplicate = outcome->duplicate;
  } else {
    auto& doc = std::get<SubscriptionBatchDocument>(document);
    items = static_cast<int>(doc.subscriptions.size());
    auto outcome = subscriptions_.submit(system.value(), doc.external_batch_id,
                                         doc.system_user_code.value_or(file.account.owner_code), doc.subscriptions);
    if (!outcome.ok() && outcome.status().code() == StatusCode::kUnavailable) return outcome.status();
    if (!outcome.ok()) return reject(file, kind, outcome.status().message());
    receipt = outcome->receipt;
    duplicate = outcome->duplicate;
  }

  persistence::BatchFileRecord record;
  record.owner_id = file.account.owner_id;
  record.direction = persistence::BatchDirection::kInbound;
  record.file_name = file.name;
  record.state = persistence::BatchFileState::kProcessed;
  record.kind = kind;
  record.item_count = items;
  record.receipt_id = receipt.id;
  auto id = database_.batches().recordInbound(record);
  if (!id.ok()) return id.status();  // the file stays; picked up again it returns the same receipt
  sftp::InboundVerdict verdict;
  verdict.accepted = true;
  verdict.receipt = renderBatchReceipt(file.name, id.value(), kind, duplicate, receipt);
  return verdict;
}

}  // namespace gateway::batch
