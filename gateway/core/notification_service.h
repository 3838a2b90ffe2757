#pragma once
// Standalone notifications (SendStandaloneNotificationBasic, V2, V3): validates a request, resolves
// addresses through the contact register (the reportee's own entry, plus the role holders that
// Roles / Service select for an organisation), fills the templates in the requested language and writes
// one outbox row per message, all of one request in ONE transaction (all notifications are
// accepted or none). The delivery worker (gateway/delivery) sends the rows later.
// Thread-safe. Rules and ErrorIDs: core/notification_rules.h, docs/services.md.

#include <string>
#include <vector>

#include "common/status.h"
#include "common/ttl_cache.h"
#include "core/notification_rules.h"
#include "persistence/database.h"

namespace gateway::core {

struct NotificationLimits {
  int max_per_request = 50;      // 40014 beyond this
  int lookup_cache_seconds = 5;  // notification templates (found ones); 0 = always ask the database
};

struct NotificationEndpointResult {
  persistence::OutboxTransport transport = persistence::OutboxTransport::kEmail;
  std::string address;
  bool from_profile = false;
};

struct NotificationResult {
  std::string notification_type;
  std::string reportee;
  bool reserved = false;  // reservable and the reportee is reserved: nothing queued
  std::vector<NotificationEndpointResult> endpoints;
};

// Notifications checked and resolved but not yet stored: the outbox rows and what the caller is told.
struct PreparedNotifications {
  std::vector<NotificationResult> results;
  std::vector<persistence::OutboxMessage> outbox;
};

class NotificationService {
 public:
  NotificationService(persistence::Database& database, NotificationLimits limits);

  // Everything send() does except storing: checks every notification, resolves addresses through
  // the contact register (read only for notifications that need it, notification::needsContactRegister)
  // and fills the templates (remembered for lookup_cache_seconds: a changed template is used within
  // that time). The caller stores `outbox` in its own transaction
  // (CorrespondenceService does, together with the correspondence). Same errors as send().
  Result<PreparedNotifications> prepare(const persistence::SystemRecord& owner_system,
                                        const std::vector<notification::NotificationInput>& notifications);

  // `owner_system` is an authenticated service-owner system. Errors: kInvalidArgument with the
  // ErrorID of the first broken notification (nothing is stored), kUnavailable.
  Result<std::vector<NotificationResult>> send(const persistence::SystemRecord& owner_system,
                                               const std::vector<notification::NotificationInput>& notifications);

 private:
  // The templates of a notification type (empty: no such type), remembered when found.
  Result<std::vector<persistence::NotificationTemplateRecord>> templatesOf(const std::string& notification_type);
  struct RoleLookups;
  // The contact rows of the role holders that `n`'s Roles / Service select (organisations only;
  // empty without Roles and Service). Errors: 40013 (see serviceAccessRoles), kUnavailable.
  Result<std::vector<persistence::ContactRecord>> roleHolderContacts(const persistence::SystemRecord& owner_system,
                                                                     const notification::NotificationInput& n,
                                                                     RoleLookups& lookups);
  // The role codes that grant `service`; 40013 unless it is a service of the caller's owner.
  Result<std::vector<std::string>> serviceAccessRoles(const persistence::SystemRecord& owner_system,
                                                      const notification::ServiceInput& service);

  persistence::Database& database_;
  NotificationLimits limits_;
  TtlCache<std::vector<persistence::NotificationTemplateRecord>> templates_;
};

}  // namespace gateway::core
