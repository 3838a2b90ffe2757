#include "core/service_rights_service.h"

#include "core/party_numbers.h"

namespace gateway::core {
namespace {

constexpr std::size_t kMaxConditionLength = 255;

persistence::ServiceRightRecord recordOf(persistence::Id service_id, const RuleInput& in) {
  persistence::ServiceRightRecord record;
  record.service_id = service_id;
  record.reportee = in.reportee.value_or("");
  record.access = in.right == RightKind::kWrite ? persistence::ServiceAccess::kWrite : persistence::ServiceAccess::kRead;
  record.condition = in.condition.value_or("");
  record.valid_to = in.valid_to;
  return record;
}

// The checks both Add and Delete make before touching the register; kOk when the rule may go on.
RuleResult precheck(const RuleInput& in) {
  if (!in.reportee || !isValidReportee(*in.reportee)) return RuleResult::kInvalidReportee;
  if (in.right == RightKind::kNone) return RuleResult::kUnknown;
  if (in.condition && in.condition->size() > kMaxConditionLength) return RuleResult::kUnknown;
  return RuleResult::kOk;
}

}  // namespace

ServiceRightsService::ServiceRightsService(persistence::Database& database, int max_rules, Clock now)
    : database_(database), max_rules_(max_rules), now_(std::move(now)) {}

Result<persistence::ServiceRecord> ServiceRightsService::ownService(const persistence::SystemRecord& owner,
                                                                    const std::string& code, int edition) {
  if (code.empty()) return Status::InvalidArgument("serviceCode is required");
  auto found = database_.services().find(code, edition);
  if (!found.ok()) return found.status();
  if (!found.value() || !owner.owner_id || found.value()->owner_id != *owner.owner_id) {
    return Status::InvalidArgument("the service owner has no service with code " + code + " and edition " +
                                   std::to_string(edition));
  }
  return std::move(*found.value());
}

Status ServiceRightsService::checkCount(std::size_t count) const {
  if (static_cast<long>(count) > max_rules_) {
    return Status::ResourceExhausted("more than " + std::to_string(max_rules_) + " rules in one request");
  }
  return Status::Ok();
}

Result<std::vector<persistence::ServiceRightRecord>> ServiceRightsService::get(
    const persistence::SystemRecord& owner, const std::string& service_code, int edition,
    const std::optional<std::string>& reportee) {
  auto service = ownService(owner, service_code, edition);
  if (!service.ok()) return service.status();
  std::optional<std::string> filter;
  if (reportee && !reportee->empty()) {
    if (!isValidReportee(*reportee)) {
      return Status::InvalidArgument("reportee must be an organisation number or national identity number");
    }
    filter = *reportee;
  }
  return database_.serviceRights().list(service->id, filter, now_());
}

Result<std::vector<RuleOutcome>> ServiceRightsService::add(const persistence::SystemRecord& owner,
                                                           const std::string& service_code, int edition,
                                                           const std::vector<RuleInput>& rules) {
  if (Status s = checkCount(rules.size()); !s.ok()) return s;
  auto service = ownService(owner, service_code, edition);
  if (!service.ok()) return service.status();
  const std::time_t now = now_();
  std::vector<RuleOutcome> outcomes;
  std::vector<persistence::ServiceRightRecord> writes;
  std::vector<std::size_t> written;  // index into outcomes of each write
  for (const RuleInput& in : rules) {
    RuleResult result = precheck(in);
    if (result == RuleResult::kOk && in.valid_to <= now) result = RuleResult::kAlreadyExpired;
    outcomes.push_back({in, result});
    if (result == RuleResult::kOk) {
      written.push_back(outcomes.size() - 1);
      writes.push_back(recordOf(service->id, in));
    }
  }
  if (writes.empty()) return outcomes;
  auto added = database_.serviceRights().add(writes, now);
  if (!added.ok()) return added.status();
  for (std::size_t i = 0; i < written.size(); ++i) {
    if (!added.value()[i]) outcomes[written[i]].result = RuleResult::kRuleAlreadyExists;
  }
  return outcomes;
}

Result<std::vector<RuleOutcome>> ServiceRightsService::remove(const persistence::SystemRecord& owner,
                                                              const std::string& service_code, int edition,
                                                              const std::vector<RuleInput>& rules) {
  if (Status s = checkCount(rules.size()); !s.ok()) return s;
  auto service = ownService(owner, service_code, edition);
  if (!service.ok()) return service.status();
  std::vector<RuleOutcome> outcomes;
  std::vector<persistence::ServiceRightRecord> deletes;
  std::vector<std::size_t> deleted;
  for (const RuleInput& in : rules) {
    const RuleResult result = precheck(in);
    outcomes.push_back({in, result});
    if (result == RuleResult::kOk) {
      deleted.push_back(outcomes.size() - 1);
      deletes.push_back(recordOf(service->id, in));
    }
  }
  if (deletes.empty()) return outcomes;
  auto removed = database_.serviceRights().remove(deletes);
  if (!removed.ok()) return removed.status();
  for (std::size_t i = 0; i < deleted.size(); ++i) {
    if (!removed.value()[i]) outcomes[deleted[i]].result = RuleResult::kRuleNotFound;
  }
  return outcomes;
}

}  // namespace gateway::core
