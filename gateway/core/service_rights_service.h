#pragma once
// The service owner's rights register (SRR): which reportee may Read or Write on a service edition of
// the caller's own service owner, under which condition, until when. Every call names the service by
// code and edition; a service of another owner answers exactly like an unknown one.

#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "persistence/database.h"

namespace gateway::core {

enum class RightKind { kNone, kRead, kWrite };

// The contract's OperationResult values.
enum class RuleResult { kUnknown, kOk, kRuleNotFound, kRuleAlreadyExists, kInvalidReportee, kAlreadyExpired };

struct RuleInput {
  std::optional<std::string> reportee;
  RightKind right = RightKind::kNone;
  std::optional<std::string> condition;  // absent or "" = no condition
  std::time_t valid_to = 0;              // AddRights only
};

struct RuleOutcome {
  RuleInput rule;
  RuleResult result = RuleResult::kUnknown;
};

class ServiceRightsService {
 public:
  using Clock = std::function<std::time_t()>;
  // `max_rules`: most rules in one Add/Delete request (more: kResourceExhausted, nothing done).
  ServiceRightsService(persistence::Database& database, int max_rules, Clock now = [] { return std::time(nullptr); });

  // Rules still valid now, of one reportee when given (it must then be a valid number).
  Result<std::vector<persistence::ServiceRightRecord>> get(const persistence::SystemRecord& owner,
                                                           const std::string& service_code, int edition,
                                                           const std::optional<std::string>& reportee);
  // Per rule: kInvalidReportee (not an organisation or national identity number), kUnknown (right
  // None, or a condition longer than 255), kAlreadyExpired (ValidTo not in the future),
  // kRuleAlreadyExists (the same reportee, right and condition is registered and valid), else kOk.
  // The valid rules are written in one transaction.
  Result<std::vector<RuleOutcome>> add(const persistence::SystemRecord& owner, const std::string& service_code,
                                       int edition, const std::vector<RuleInput>& rules);
  // Per rule: kInvalidReportee, kUnknown (right None), kRuleNotFound, else kOk (removed).
  Result<std::vector<RuleOutcome>> remove(const persistence::SystemRecord& owner, const std::string& service_code,
                                          int edition, const std::vector<RuleInput>& rules);

 private:
  Result<persistence::ServiceRecord> ownService(const persistence::SystemRecord& owner, const std::string& code,
                                                int edition);
  Status checkCount(std::size_t count) const;

  persistence::Database& database_;
  int max_rules_;
  Clock now_;
};

}  // namespace gateway::core
