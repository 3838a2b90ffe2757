#include "core/notification_service.h"

#include <chrono>
#include <ctime>
#include <map>

#include "core/notification_recipients.h"
#include "core/party_numbers.h"

namespace gateway::core {

using namespace notification;
using persistence::OutboxMessage;
using persistence::OutboxTransport;

NotificationService::NotificationService(persistence::Database& database, NotificationLimits limits)
    : database_(database), limits_(limits), templates_(std::chrono::seconds(limits.lookup_cache_seconds)) {}

Result<std::vector<persistence::NotificationTemplateRecord>> NotificationService::templatesOf(const std::string& type) {
  if (auto hit = templates_.get(type)) return std::move(*hit);
  auto loaded = database_.notifications().templatesOf(type);
  if (loaded.ok() && !loaded->empty()) templates_.put(type, loaded.value());
  return loaded;
}

// Per request: the role register and service grants already read (a request may name one
// organisation or service many times).
struct NotificationService::RoleLookups {
  std::map<std::pair<std::string, int>, std::vector<std::string>> service_roles;
  std::map<std::string, std::vector<persistence::RoleHolderRecord>> holders;
};

Result<std::vector<NotificationResult>> NotificationService::send(const persistence::SystemRecord& owner_system,
                                                                  const std::vector<NotificationInput>& notifications) {
  auto prepared = prepare(owner_system, notifications);
  if (!prepared.ok()) return prepared.status();
  if (!prepared->outbox.empty()) {
    auto ids = database_.notifications().enqueue(prepared->outbox);
    if (!ids.ok()) return ids.status();
  }
  return std::move(prepared->results);
}

Result<PreparedNotifications> NotificationService::prepare(const persistence::SystemRecord& owner_system,
                                                           const std::vector<NotificationInput>& notifications) {
  if (!owner_system.owner_id) return Status::PermissionDenied("Only service owner systems may send notifications");
  if (Status s = checkRequestSize(notifications.size(), limits_.max_per_request); !s.ok()) return s;
  for (const NotificationInput& n : notifications) {
    if (Status s = checkNotification(n); !s.ok()) return s;
  }

  std::vector<std::string> reportees;
  for (const NotificationInput& n : notifications) {
    if (needsContactRegister(n)) reportees.push_back(*n.reportee);
  }
  std::map<std::string, persistence::ContactRecord> contact_of;
  if (!reportees.empty()) {
    auto contacts = database_.contacts().findMany(reportees);
    if (!contacts.ok()) return contacts.status();
    for (auto& c : contacts.value()) contact_of.emplace(c.party_number, c);
  }

  std::map<std::string, std::vector<persistence::NotificationTemplateRecord>> templates_of;
  RoleLookups lookups;
  const std::time_t now = std::time(nullptr);
  std::vector<OutboxMessage> outbox;
  std::vector<NotificationResult> results;
  for (const NotificationInput& n : notifications) {
    auto templates = templates_of.find(*n.notification_type);
    if (templates == templates_of.end()) {
      auto loaded = templatesOf(*n.notification_type);
      if (!loaded.ok()) return loaded.status();
      templates = templates_of.emplace(*n.notification_type, std::move(loaded).value()).first;
    }
    if (templates->second.empty()) {
      return Status::InvalidArgument("NotificationType '" + *n.notification_type + "' is not a registered template",
                                     error_id::kMissingValue);
    }
    std::optional<persistence::ContactRecord> contact;
    if (auto it = contact_of.find(*n.reportee); it != contact_of.end()) contact = it->second;

    auto holder_contacts = roleHolderContacts(owner_system, n, lookups);
    if (!holder_contacts.ok()) return holder_contacts.status();
    auto plan = planMessages(n, contact, holder_contacts.value());
    if (!plan.ok()) return plan.status();

    NotificationResult result{*n.notification_type, *n.reportee, plan->reserved, {}};
    for (const PlannedMessage& m : plan->messages) {
      // Each recipient's preferred language unless the request names one.
      const auto chosen = selectTemplate(templates->second, n.language_id.value_or(m.language_id));
      OutboxMessage out;
      out.owner_id = *owner_system.owner_id;
      out.system_id = owner_system.id;
      out.reportee = *n.reportee;
      out.notification_type = *n.notification_type;
      out.transport = m.transport;
      out.recipient = m.address;
      out.next_attempt_at = std::max(now, n.shipment.value_or(now));
      if (m.transport == OutboxTransport::kSms) {
        // The owner's short name (its code) as sender when asked; empty: the configured sms.from.
        out.from_address = n.sms_sender_is_owner ? owner_system.owner_code : "";
        if (chosen->sms_text.empty()) {
          return Status::InvalidArgument("NotificationType '" + *n.notification_type + "' has no SMS text",
                                         error_id::kTemplateLacksTransport);
        }
        out.body = substituteTokens(chosen->sms_text, n.tokens);
        if (characterCount(out.body) > kMaxSmsCharacters) {
          return Status::InvalidArgument("The SMS text is longer than 700 characters", error_id::kSmsTooLong);
        }
      } else {
        out.from_address = n.from_address.value_or("");
        if (chosen->email_body.empty()) {
          return Status::InvalidArgument("NotificationType '" + *n.notification_type + "' has no e-mail text",
                                         error_id::kTemplateLacksTransport);
        }
        out.subject = substituteTokens(chosen->email_subject, n.tokens);
        out.body = substituteTokens(chosen->email_body, n.tokens);
      }
      outbox.push_back(std::move(out));
      result.endpoints.push_back({m.transport, m.address, m.from_profile});
    }
    results.push_back(std::move(result));
  }
  return PreparedNotifications{std::move(results), std::move(outbox)};
}

Result<std::vector<persistence::ContactRecord>> NotificationService::roleHolderContacts(
    const persistence::SystemRecord& owner_system, const NotificationInput& n, RoleLookups& lookups) {
  RoleHolderFilter filter;
  for (const std::string& role : n.roles) {
    // A code that cannot be stored matches nobody; dropping it would widen the filter.
    if (role.find_first_not_of(" \t") != std::string::npos) filter.roles.push_back(normaliseRoleCode(role).value_or(role));
  }
  if (n.service) {  // checked even for a person, who has no role holders
    const auto key = std::make_pair(n.service->code, n.service->edition);
    auto granted = lookups.service_roles.find(key);
    if (granted == lookups.service_roles.end()) {
      auto roles = serviceAccessRoles(owner_system, *n.service);
      if (!roles.ok()) return roles.status();
      granted = lookups.service_roles.emplace(key, std::move(roles).value()).first;
    }
    filter.service_roles = granted->second;
  }
  if (!filter.selectsAnyone() || !isValidOrganisationNumber(*n.reportee)) {
    return std::vector<persistence::ContactRecord>();
  }
  auto holders = lookups.holders.find(*n.reportee);
  if (holders == lookups.holders.end()) {
    auto loaded = database_.contacts().rolesOf(*n.reportee);
    if (!loaded.ok()) return loaded.status();
    holders = lookups.holders.emplace(*n.reportee, std::move(loaded).value()).first;
  }
  const std::vector<std::string> persons = selectRoleHolders(holders->second, filter);
  if (persons.empty()) return std::vector<persistence::ContactRecord>();
  return database_.contacts().findMany(persons);
}

Result<std::vector<std::string>> NotificationService::serviceAccessRoles(const persistence::SystemRecord& owner_system,
                                                                       const ServiceInput& service) {
  // Another owner's service reads as unknown: nothing crosses owners, not even its existence.
  auto unknown = [&service] {
    return Status::InvalidArgument("Service " + service.code + " edition " + std::to_string(service.edition) +
                                       " is not a service of this service owner",
                                   error_id::kInvalidService);
  };
  if (service.code.empty() || service.edition < 1) return unknown();
  auto found = database_.services().find(service.code, service.edition);
  if (!found.ok()) return found.status();
  if (!found.value() || found.value()->owner_id != *owner_system.owner_id) return unknown();
  return database_.contacts().serviceAccessRoles(found.value()->id);
}

}  // namespace gateway::core
