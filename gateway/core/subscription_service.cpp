#include "core/subscription_service.h"

#include <array>
#include <string_view>

#include "common/log.h"
#include "core/party_numbers.h"
#include "core/system_user_code.h"

namespace gateway::core {
namespace {

constexpr std::size_t kMaxReferenceLength = 255;
constexpr std::array<std::string_view, 10> kPeriodTypes = {"Annual",      "Semiannual", "Quarterly", "Tertiary",
                                                           "Bimonthly",   "Monthly",    "Fortnightly", "Weekly",
                                                           "Daily",       "Once"};

bool empty(const std::optional<std::string>& s) { return !s || s->empty(); }

}  // namespace

SubscriptionService::SubscriptionService(persistence::Database& database) : database_(database) {}

Result<persistence::SubscriptionRecord> SubscriptionService::check(const persistence::SystemRecord& owner_system,
                                                                   const SubscriptionInput& in) {
  if (empty(in.reportee) || !isValidReportee(*in.reportee)) {
    return Status::InvalidArgument("ReporteeId must be a valid organisation number or national identity number");
  }
  bool known_period = false;
  for (auto p : kPeriodTypes) known_period = known_period || p == in.period_type;
  if (!known_period) return Status::InvalidArgument("SubscriptionPeriodType is not a PeriodType");
  if (in.expiration_date && *in.expiration_date <= in.start_date) {
    return Status::InvalidArgument("ExpirationDate must be after StartDate");
  }
  if (in.next_schedule_date < in.start_date) return Status::InvalidArgument("NextScheduleDate must not be before StartDate");
  if (in.next_due_date < in.next_schedule_date) {
    return Status::InvalidArgument("NextDueDate must not be before NextScheduleDate");
  }
  if (in.expiration_date && in.next_schedule_date > *in.expiration_date) {
    return Status::InvalidArgument("NextScheduleDate must not be after ExpirationDate");
  }
  if (in.visible_date && *in.visible_date > in.next_due_date) {
    return Status::InvalidArgument("VisibleDate must not be after NextDueDate");
  }
  if (in.subscription_id && *in.subscription_id <= 0) return Status::InvalidArgument("SubscriptionID must be positive");
  for (const auto& field : in.identity_fields) {
    if (field.size() > kMaxReferenceLength) return Status::InvalidArgument("an identity field is longer than 255");
  }
  if (empty(in.service_code)) return Status::InvalidArgument("ExternalServiceCode is required");
  if (!in.service_edition) return Status::InvalidArgument("ExternalServiceEditionCode is required by this gateway");
  auto found = database_.services().find(*in.service_code, *in.service_edition);
  if (!found.ok()) return found.status();
  if (!found.value()) {
    return Status::InvalidArgument("no service with code " + *in.service_code + " and edition " +
                                   std::to_string(*in.service_edition));
  }
  if (!owner_system.owner_id || found.value()->owner_id != *owner_system.owner_id) {
    return Status::PermissionDenied("the service does not belong to the calling service owner");
  }
  persistence::SubscriptionRecord record;
  if (in.subscription_id) record.id = *in.subscription_id;
  record.owner_id = *owner_system.owner_id;
  record.service_id = found.value()->id;
  record.system_id = owner_system.id;
  record.reportee = *in.reportee;
  record.period_type = in.period_type;
  record.start_date = in.start_date;
  record.expiration_date = in.expiration_date;
  record.next_schedule_date = in.next_schedule_date;
  record.next_due_date = in.next_due_date;
  record.visible_date = in.visible_date;
  record.case_id = in.case_id;
  record.user_type = in.user_type;
  record.identity_fields = in.identity_fields;
  return record;
}

Result<SubscriptionOutcome> SubscriptionService::submit(const persistence::SystemRecord& owner_system,
                                                        const std::optional<std::string>& external_batch_id,
                                                        const std::optional<std::string>& system_user_code,
                                                        const std::vector<SubscriptionInput>& subscriptions) {
  if (owner_system.role != persistence::SystemRole::kServiceOwner || !owner_system.owner_id) {
    return Status::PermissionDenied("this operation is for service owner systems");
  }
  if (empty(external_batch_id)) return Status::InvalidArgument("externalBatchId is required");
  if (external_batch_id->size() > kMaxReferenceLength) return Status::InvalidArgument("externalBatchId is too long");
  if (empty(system_user_code) || !isOwnSystemUserCode(*system_user_code, owner_system.owner_code)) {
    return Status::PermissionDenied("SystemUserCode must be the calling service owner's code");
  }
  if (subscriptions.empty()) return Status::InvalidArgument("Subscriptionlist must contain at least one Subscription");
  if (static_cast<int>(subscriptions.size()) > kMaxSubscriptionsPerRequest) {
    return Status::ResourceExhausted("more than " + std::to_string(kMaxSubscriptionsPerRequest) + " subscriptions");
  }
  std::vector<persistence::SubscriptionRepository::Item> items;
  for (const SubscriptionInput& in : subscriptions) {
    auto record = check(owner_system, in);
    if (!record.ok() && record.status().code() == StatusCode::kUnavailable) return record.status();
    persistence::SubscriptionRepository::Item item;
    if (record.ok()) {
      item.subscription = std::move(record).value();
      item.subscription.system_user_code = *system_user_code;
    } else {
      item.rejection = record.status().message();
    }
    items.push_back(std::move(item));
  }
  const persistence::Id owner_id = *owner_system.owner_id;
  auto stored = database_.subscriptions().store(owner_id, owner_system.id, *external_batch_id, items);
  if (stored.ok()) {
    log::info("subscription.stored", {{"receipt_id", std::to_string(stored->id)},
                                       {"items", std::to_string(items.size())}});
    return SubscriptionOutcome{std::move(stored).value(), false};
  }
  if (stored.status().code() == StatusCode::kAlreadyExists) {
    auto earlier = database_.subscriptions().findBatchReceipt(owner_id, *external_batch_id);
    if (earlier.ok() && earlier.value()) return SubscriptionOutcome{*earlier.value(), true};
  }
  return stored.status();
}

}  // namespace gateway::core
