#pragma once
// Contact register (contacts, organisations' role holders, the roles that grant a service),
// notification templates and the notification outbox: records and repository interfaces. Times are UTC seconds since the epoch. Implemented in persistence/mysql
// (contact_repository.cpp, notification_repository.cpp).

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "persistence/records.h"

namespace gateway::persistence {

// One person (11-digit national identity number) or organisation (9-digit number).
struct ContactRecord {
  std::string party_number;
  std::string email;         // empty = none registered
  std::string mobile;        // empty = none registered
  bool reserved = false;     // reserved against notifications (honoured when IsReservable is true)
  int language_id = 1044;    // preferred language: 1044 bokmål, 2068 nynorsk, 1033 English
};

// A person (11-digit national identity number) holding a role code (e.g. DAGL, REGNA: upper-case
// letters and digits, at most 20) for an organisation (9 digits). Callers validate the fields.
struct RoleHolderRecord {
  std::string organisation;
  std::string person;
  std::string role_code;
  bool operator==(const RoleHolderRecord&) const = default;
};

class ContactRepository {
 public:
  virtual ~ContactRepository() = default;
  // Inserts or replaces every contact in one transaction (all or nothing).
  virtual Status upsert(const std::vector<ContactRecord>& contacts) = 0;
  virtual Result<std::optional<ContactRecord>> find(const std::string& party_number) = 0;
  // The contacts found among `party_numbers` (missing ones are left out), in one snapshot.
  virtual Result<std::vector<ContactRecord>> findMany(const std::vector<std::string>& party_numbers) = 0;
  virtual Status remove(const std::string& party_number) = 0;  // kNotFound when absent

  // Role register. addRoles writes all in ONE transaction (all or nothing); per input, true when
  // it was new, false when the person already held that role.
  virtual Result<std::vector<bool>> addRoles(const std::vector<RoleHolderRecord>& roles) = 0;
  virtual Status removeRole(const RoleHolderRecord& role) = 0;  // kNotFound when not held
  // Every role held for `organisation`, ordered by person, then role code.
  virtual Result<std::vector<RoleHolderRecord>> rolesOf(const std::string& organisation) = 0;

  // The role codes that grant access to a service (service.id). setServiceAccessRoles replaces
  // the set in one transaction (empty: none); serviceAccessRoles returns it sorted.
  virtual Status setServiceAccessRoles(Id service_id, const std::vector<std::string>& role_codes) = 0;
  virtual Result<std::vector<std::string>> serviceAccessRoles(Id service_id) = 0;
};

// A notification type's texts in one language. `{0}`, `{1}`, ... are replaced from TextTokens.
struct NotificationTemplateRecord {
  std::string notification_type;
  int language_id = 1044;
  std::string email_subject;
  std::string email_body;
  std::string sms_text;
};

enum class OutboxTransport { kEmail, kSms };
enum class OutboxState {
  kPending,  // waiting for next_attempt_at (ShipmentDateTime, or the backoff after a failure)
  kSending,  // claimed by a worker until lease_until
  kSent,     // handed to the relay / SMS gateway at sent_at
  kDead,     // gave up after the configured attempts; an operator may redrive it
};
// "pending", "sending", "sent", "dead" (as stored and shown).
inline const char* outboxStateName(OutboxState state) {
  switch (state) {
    case OutboxState::kPending: return "pending";
    case OutboxState::kSending: return "sending";
    case OutboxState::kSent: return "sent";
    case OutboxState::kDead: return "dead";
  }
  return "pending";
}
// "Email", "SMS" (the contract's TransportType names).
inline const char* outboxTransportName(OutboxTransport t) { return t == OutboxTransport::kSms ? "SMS" : "Email"; }

// One message to one address: what the worker sends, and how that went.
struct OutboxMessage {
  Id id = 0;
  Id owner_id = 0;
  Id system_id = 0;
  std::string reportee;
  std::string notification_type;
  OutboxTransport transport = OutboxTransport::kEmail;
  std::string recipient;      // e-mail address or mobile number
  std::string from_address;   // e-mail: From; SMS: the sender. Empty = the configured default
  std::string subject;        // e-mail only
  std::string body;           // e-mail body or SMS text, tokens already replaced
  std::time_t next_attempt_at = 0;
  // Filled in by the repository:
  OutboxState state = OutboxState::kPending;
  int attempts = 0;
  std::int64_t lease_token = 0;           // set by claim(); markSent/markFailed must present it
  std::optional<std::time_t> sent_at;
  std::string last_error;
  std::time_t created_at = 0;
};

// A claimed message as the worker reports on it.
struct OutboxLease {
  Id id = 0;
  std::int64_t lease_token = 0;
};

struct OutboxQuery {
  std::optional<Id> owner_id;   // only this owner's messages (an owner never sees another's)
  bool dead_only = false;
  int limit = 100;              // newest first
};

class NotificationRepository {
 public:
  virtual ~NotificationRepository() = default;

  virtual Status putTemplate(const NotificationTemplateRecord& t) = 0;  // insert or replace
  virtual Result<std::vector<NotificationTemplateRecord>> templatesOf(const std::string& notification_type) = 0;
  virtual Result<std::vector<NotificationTemplateRecord>> listTemplates() = 0;

  // Writes every message in ONE transaction: all are stored, or (on any error) none.
  virtual Result<std::vector<Id>> enqueue(const std::vector<OutboxMessage>& messages) = 0;

  // Claims up to `limit` messages that are due (pending with next_attempt_at <= now, or sending
  // with an expired lease) with SELECT ... FOR UPDATE SKIP LOCKED, marks them sending for
  // `lease_seconds`, counts the attempt and gives them a fresh lease token (one per claim), oldest
  // first. Concurrent claimers (threads or processes) never get the same row while its lease runs.
  virtual Result<std::vector<OutboxMessage>> claim(int limit, int lease_seconds) = 0;
  // Outcome of one attempt. Ignored (kNotFound) when the lease token no longer matches.
  virtual Status markSent(Id id, std::int64_t lease_token) = 0;
  // markSent for many messages in ONE transaction; those whose lease was lost are skipped. Returns
  // how many were recorded.
  virtual Result<int> markAllSent(const std::vector<OutboxLease>& sent) {
    int recorded = 0;
    for (const auto& m : sent) recorded += markSent(m.id, m.lease_token).ok() ? 1 : 0;
    return recorded;
  }
  // Hands claimed messages that were never tried back: pending and due again, their claim's
  // attempt not counted. Those whose lease was lost are skipped.
  virtual Status release(const std::vector<OutboxLease>& unsent) = 0;
  // retry_at set: pending again from then; nullopt: dead. `error` is stored as last_error.
  virtual Status markFailed(Id id, std::int64_t lease_token, const std::string& error,
                            std::optional<std::time_t> retry_at) = 0;

  virtual Result<std::vector<OutboxMessage>> list(const OutboxQuery& query) = 0;
  virtual Result<std::optional<OutboxMessage>> get(Id id) = 0;
  // Dead -> pending now with the attempt count reset. kNotFound unless the message is dead.
  virtual Status redrive(Id id) = 0;
};

}  // namespace gateway::persistence
