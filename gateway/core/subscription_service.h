#pragma once
// Subscription: service owner systems send subscription data (SubmitSubscriptionBasic). Each
// subscription is validated on its own and gets a sub-receipt; all of one request is stored in one
// transaction. Rules in docs/services.md.

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "core/services.h"
#include "persistence/records.h"

namespace gateway::core {

inline constexpr int kMaxSubscriptionsPerRequest = 500;

struct SubscriptionInput {
  std::optional<int> subscription_id;
  std::optional<std::string> service_code;
  std::optional<int> service_edition;
  std::optional<std::string> reportee;
  std::string period_type;  // PeriodType enum name
  std::time_t start_date = 0;
  std::optional<std::time_t> expiration_date;
  std::time_t next_schedule_date = 0;
  std::time_t next_due_date = 0;
  std::optional<std::time_t> visible_date;
  std::optional<int> case_id;
  std::optional<int> user_type;
  std::vector<std::string> identity_fields;
};

struct SubscriptionOutcome {
  persistence::ReceiptRecord receipt;
  bool duplicate = false;  // the externalBatchId was used before: the first request's receipt
};

class SubscriptionService {
 public:
  explicit SubscriptionService(persistence::Database& database);

  // `owner_system` is an authenticated service-owner system. Request-level failures:
  // kInvalidArgument (batch id missing, no subscriptions), kPermissionDenied (SystemUserCode of
  // another owner, ErrorID 5), kResourceExhausted, kUnavailable. Item-level problems become
  // ValidationFailed sub-receipts.
  Result<SubscriptionOutcome> submit(const persistence::SystemRecord& owner_system,
                                     const std::optional<std::string>& external_batch_id,
                                     const std::optional<std::string>& system_user_code,
                                     const std::vector<SubscriptionInput>& subscriptions);

  // Item rules, exposed for tests: ok, or kInvalidArgument / kPermissionDenied naming the problem.
  Result<persistence::SubscriptionRecord> check(const persistence::SystemRecord& owner_system,
                                                const SubscriptionInput& input);

 private:
  persistence::Database& database_;
};

}  // namespace gateway::core
