#include "core/notification_service.h"

#include <chrono>
#include <ctime>
#include <map>

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
    auto plan = planMessages(n, contact);
    if (!plan.ok()) return plan.status();

    const int language = n.language_id.value_or(contact ? contact->language_id : kBokmal);
    const auto chosen = selectTemplate(templates->second, language);  // non-empty: never nullopt here
    NotificationResult result{*n.notification_type, *n.reportee, plan->reserved, {}};
    for (const PlannedMessage& m : plan->messages) {
      OutboxMessage out;
      out.owner_id = *owner_system.owner_id;
      out.system_id = owner_system.id;
      out.reportee = *n.reportee;
      out.notification_type = *n.notification_type;
      out.transport = m.transport;
      out.recipient = m.address;
      out.from_address = n.from_address.value_or("");
      out.next_attempt_at = std::max(now, n.shipment.value_or(now));
      if (m.transport == OutboxTransport::kSms) {
        if (chosen->sms_text.empty()) {
          return Status::InvalidArgument("NotificationType '" + *n.notification_type + "' has no SMS text",
                                         error_id::kTemplateLacksTransport);
        }
        out.body = substituteTokens(chosen->sms_text, n.tokens);
        if (characterCount(out.body) > kMaxSmsCharacters) {
          return Status::InvalidArgument("The SMS text is longer than 700 characters", error_id::kSmsTooLong);
        }
      } else {
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

}  // namespace gateway::core
