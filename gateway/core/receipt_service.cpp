#include "core/receipt_service.h"

namespace gateway::core {
namespace {

Status notFound() { return Status::NotFound("no receipt found", kErrorReceiptNotFound); }

template <typename T>
Result<T> hideMissing(Result<T> r) {
  if (!r.ok() && r.status().code() == StatusCode::kNotFound) return notFound();
  return r;
}

}  // namespace

ReceiptService::ReceiptService(persistence::Database& database, const CoreLimits& limits)
    : database_(database), limits_(limits) {}

persistence::ReceiptScope ReceiptService::scopeFor(const persistence::SystemRecord& system) {
  persistence::ReceiptScope scope;
  if (system.role == persistence::SystemRole::kServiceOwner) scope.owner_id = system.owner_id;
  else scope.system_id = system.id;
  return scope;
}

Result<persistence::ReceiptRecord> ReceiptService::get(const persistence::SystemRecord& caller,
                                                       const ReceiptSearch& search) {
  const auto scope = scopeFor(caller);
  if (search.receipt_id) return hideMissing(database_.receipts().get(scope, *search.receipt_id));
  if (search.references.empty()) return Status::InvalidArgument("give ReceiptId or References", kErrorReceiptNotFound);
  for (const auto& ref : search.references) {
    if (ref.type.empty() || ref.type == "NotSet" || ref.value.empty()) {
      return Status::InvalidArgument("every reference needs a type and a value", kErrorReceiptNotFound);
    }
  }
  auto found = database_.receipts().findByReferences(scope, search.references, 1);
  if (!found.ok()) return found.status();
  if (found->empty()) return notFound();
  return found->front();
}

Result<std::vector<persistence::ReceiptRecord>> ReceiptService::list(const persistence::SystemRecord& caller,
                                                                     const std::string& type,
                                                                     std::optional<std::time_t> from,
                                                                     std::optional<std::time_t> to) {
  if (type.empty() || type == "NotSet") {
    return Status::InvalidArgument("receiptTypeName is required", kErrorReceiptTypeMissing);
  }
  if (from && to && *from > *to) return Status::InvalidArgument("dateFrom is after dateTo", kErrorReceiptDateRange);
  return database_.receipts().list(scopeFor(caller), type, from, to, limits_.max_receipt_list);
}

Result<persistence::ReceiptRecord> ReceiptService::update(const persistence::SystemRecord& caller,
                                                          const persistence::ReceiptRepository::Update& update) {
  const bool by_id = update.receipt_id.has_value();
  const bool by_reference = update.archive_reference && !update.archive_reference->empty();
  if (by_id && by_reference) return Status::InvalidArgument("give either ReceiptId or ArchiveReference, not both");
  if (!by_id && !by_reference) return Status::InvalidArgument("nothing to update: give ReceiptId or ArchiveReference",
                                                             kErrorReceiptNotFound);
  return hideMissing(database_.receipts().update(scopeFor(caller), update));
}

Result<persistence::ReceiptRecord> ReceiptService::save(const persistence::SystemRecord& caller,
                                                        const persistence::ReceiptRepository::Update& update,
                                                        const std::string& type) {
  if (update.receipt_id || (update.archive_reference && !update.archive_reference->empty())) {
    return this->update(caller, update);
  }
  persistence::ReceiptRecord receipt;
  receipt.type = type.empty() || type == "NotSet" ? "FormTask" : type;
  receipt.status = update.status;
  receipt.text = update.text;
  receipt.references = update.add_references;
  for (const auto& sub : update.sub_receipts) {
    persistence::ReceiptRecord child;
    child.type = receipt.type;
    child.status = sub.status;
    child.text = sub.text;
    child.references = sub.add_references;
    receipt.sub_receipts.push_back(std::move(child));
  }
  return database_.receipts().create(scopeFor(caller), receipt);
}

}  // namespace gateway::core
