#pragma once
// Standalone notifications: the rules that need no database. Which request is valid (and which
// ErrorID a broken one gets), how text tokens fill a template, which template language is used,
// and how the receiver endpoints of one notification become messages to concrete addresses.
// Pure functions; docs/services.md lists every ErrorID with its trigger.

#include <cstddef>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "persistence/notification_repository.h"

namespace gateway::core::notification {

inline constexpr int kBokmal = 1044;
inline constexpr int kNynorsk = 2068;
inline constexpr int kEnglish = 1033;
inline constexpr std::size_t kMaxSmsCharacters = 700;  // contract: SMS text at most 700 characters

// The ErrorIDs the notification rules produce (AltinnFault ErrorID).
namespace error_id {
inline constexpr int kMissingValue = 1;                   // NotificationType/ReporteeNumber/endpoints missing, unknown type
inline constexpr int kAddressWithCombinedTransport = 30009;
inline constexpr int kInvalidEmail = 30010;
inline constexpr int kInvalidMobile = 30301;
inline constexpr int kNoMobileInRegister = 30302;
inline constexpr int kNoEmailInRegister = 30303;
inline constexpr int kNoAddressInRegister = 30304;
inline constexpr int kSmsTooLong = 30305;
inline constexpr int kTemplateLacksTransport = 30306;
inline constexpr int kInvalidLanguage = 40001;
inline constexpr int kInvalidService = 40013;             // Service names no service of the caller's owner (ServiceIsNotValid)
inline constexpr int kTooManyNotifications = 40014;
inline constexpr int kInvalidTransport = 40015;
inline constexpr int kInvalidNationalIdentityNumber = 40016;
inline constexpr int kInvalidFromAddress = 40020;
inline constexpr int kUnknownReportee = 60012;
}  // namespace error_id

enum class TransportType { kSms, kEmail, kIm, kBoth, kSmsPreferred, kEmailPreferred };
// The contract's enum names ("SMS", "Email", "IM", "Both", "SMSPreferred", "EmailPreferred").
std::optional<TransportType> transportFromName(std::string_view name);

struct EndpointInput {
  std::optional<TransportType> transport;
  std::string address;  // empty: RetrieveFromProfile (the contact register)
};

struct TokenInput {
  std::optional<int> number;  // TokenNum; when missing, the token's position in the list
  std::string value;
};

// Service: ServiceCode + ServiceEdition (both required on the wire).
struct ServiceInput {
  std::string code;
  int edition = 0;
};

struct NotificationInput {
  std::optional<std::string> from_address;
  std::optional<bool> is_reservable;
  std::optional<int> language_id;
  std::optional<std::string> notification_type;
  std::vector<EndpointInput> endpoints;
  std::optional<std::string> reportee;
  std::optional<std::time_t> shipment;
  std::vector<TokenInput> tokens;
  std::vector<std::string> roles;          // Roles/RoleName: role codes (any case; blanks ignored)
  std::optional<ServiceInput> service;     // Service: only role holders with access to it
  bool sms_sender_is_owner = false;        // UseServiceOwnerShortNameAsSenderOfSms
};

bool isSupportedLanguage(int language_id);
bool isValidEmail(std::string_view address);
// Digits with an optional leading '+' (or "00"), 8 to 15 digits; spaces are not allowed.
bool isValidMobile(std::string_view number);
// Number of characters (UTF-8 code points) in `text`.
std::size_t characterCount(std::string_view text);

// The request as a whole: at least one notification, at most `max_notifications` (40014).
Status checkRequestSize(std::size_t count, int max_notifications);
// Everything about one notification that needs no database. kInvalidArgument with the ErrorID.
Status checkNotification(const NotificationInput& input);

// Replaces {0}, {1}, ... with the tokens' values; a token number without a value becomes empty,
// braces around anything else stay as they are.
std::string substituteTokens(std::string_view text, const std::vector<TokenInput>& tokens);

// The template for `language_id`; when the type has none in that language: bokmål, then English,
// then nynorsk. nullopt when `templates` is empty.
std::optional<persistence::NotificationTemplateRecord> selectTemplate(
    const std::vector<persistence::NotificationTemplateRecord>& templates, int language_id);

// One message to be sent: transport and concrete address.
struct PlannedMessage {
  persistence::OutboxTransport transport = persistence::OutboxTransport::kEmail;
  std::string address;
  bool from_profile = false;  // the address came from the contact register
  int language_id = kBokmal;  // the preferred language of the person or organisation it goes to
};

struct Plan {
  bool reserved = false;  // reservation stopped the whole notification: nothing is sent
  int reserved_role_holders = 0;  // role holders left out because they are reserved
  std::vector<PlannedMessage> messages;
};

// Whether the contact register row of the reportee can change what is sent for this notification:
// an endpoint without ReceiverAddress (addresses from the register), IsReservable (the reservation
// flag) or no LanguageID (the preferred language). When false, planMessages and the template choice
// give the same result with or without the row, so the caller need not read it.
bool needsContactRegister(const NotificationInput& input);

// Resolves every endpoint of a checked notification to addresses. `contact` is the reportee's row in
// the contact register, if any; `role_holders` the contact rows of the persons selected by Roles /
// Service (selectRoleHolders, notification_recipients.h), empty without them.
// An endpoint with an address goes there only. One without (RetrieveFromProfile) goes to the
// reportee's own entry AND every role holder: SMS to each mobile, Email to each e-mail, Both to
// both, SMSPreferred/EmailPreferred to each recipient's preferred one, else its other.
// Reservation (IsReservable): a reserved reportee stops the whole notification (Plan::reserved);
// a reserved role holder is left out (Plan::reserved_role_holders), and when that leaves nobody to
// ask the register for, the notification is reserved too.
// Errors: 60012 (an endpoint needs the register and neither the reportee nor a role holder is in
// it), 30302/30303/30304 (no recipient has a usable address for the endpoint).
Result<Plan> planMessages(const NotificationInput& input, const std::optional<persistence::ContactRecord>& contact,
                          const std::vector<persistence::ContactRecord>& role_holders = {});

}  // namespace gateway::core::notification
