#pragma once
// Reading and updating receipts, for service owners (their services' receipts) and end-user systems
// (the receipts of what they submitted). Error ids follow the contract: 30008 receipt not found,
// 30101 receipt type missing, 30102 date range reversed.

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "core/services.h"
#include "persistence/records.h"

namespace gateway::core {

inline constexpr int kErrorReceiptNotFound = 30008;
inline constexpr int kErrorReceiptTypeMissing = 30101;
inline constexpr int kErrorReceiptDateRange = 30102;

struct ReceiptSearch {
  std::optional<persistence::Id> receipt_id;
  std::vector<persistence::ReceiptReference> references;
};

class ReceiptService {
 public:
  ReceiptService(persistence::Database& database, const CoreLimits& limits);

  // The scope a system may see: its owner's receipts, or the receipts of what it submitted.
  static persistence::ReceiptScope scopeFor(const persistence::SystemRecord& system);

  Result<persistence::ReceiptRecord> get(const persistence::SystemRecord& caller, const ReceiptSearch& search);
  Result<std::vector<persistence::ReceiptRecord>> list(const persistence::SystemRecord& caller,
                                                       const std::string& type, std::optional<std::time_t> from,
                                                       std::optional<std::time_t> to);
  // ReceiptId xor ArchiveReference names the receipt (both: ErrorID 0; neither: 30008).
  Result<persistence::ReceiptRecord> update(const persistence::SystemRecord& caller,
                                            const persistence::ReceiptRepository::Update& update);
  // V1 SaveReceipt: updates when a key is given, otherwise creates a new receipt owned by the caller.
  Result<persistence::ReceiptRecord> save(const persistence::SystemRecord& caller,
                                          const persistence::ReceiptRepository::Update& update,
                                          const std::string& type);

 private:
  persistence::Database& database_;
  CoreLimits limits_;
};

}  // namespace gateway::core
