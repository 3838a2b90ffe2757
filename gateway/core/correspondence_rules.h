#pragma once
// Correspondences (CorrespondenceAgency): the rules that need no database. What a valid
// InsertCorrespondence request is (and which ErrorID a broken one gets), and how the status filters
// of GetCorrespondenceStatusDetails read. Pure functions; docs/services.md lists every ErrorID.

#include <cstddef>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "core/notification_rules.h"

namespace gateway::core::correspondence {

// The ErrorIDs the correspondence rules produce (AltinnFault ErrorID). Altinn 2 documents no
// correspondence-specific numbers; these are in the integration range (30001-31000) and unused by
// the other services. 40001 (language) and 60012 (reportee) are the contract's general ones.
namespace error_id {
inline constexpr int kDuplicateReference = 30201;   // ExternalShipmentReference used before by the owner
inline constexpr int kMissingValue = 30202;         // a required value is missing or empty
inline constexpr int kUnknownService = 30203;       // ServiceCode/ServiceEdition names no service
inline constexpr int kInconsistentDates = 30204;    // AllowSystemDelete/Due before VisibleDateTime
inline constexpr int kNotFound = 30205;             // end user: no such (visible) correspondence for the reportee
inline constexpr int kDeleteNotAllowed = 30206;     // end user: AllowSystemDeleteDateTime not set or not reached
inline constexpr int kAttachmentRejected = 30207;   // attachment limits, empty or malformed attachment
inline constexpr int kInvalidReplyOption = 30208;   // ReplyOption not exactly one link, bad URL, too many
inline constexpr int kUnknownArchiveReference = 30209;  // ReplyOption ArchiveRef is not one of the owner's archived submissions
inline constexpr int kInvalidOnBehalfOf = 30210;    // OnBehalfOfOrgNr is not a valid organisation number
inline constexpr int kInvalidSdpOptions = 30211;    // SdpOptions: PrimaryDocumentFileName, notifications, lengths
inline constexpr int kNoDigitalMailbox = 30212;     // SdpSetting ForwardOnly, BackupAltinn false, reportee has no mailbox
inline constexpr int kInvalidLanguage = notification::error_id::kInvalidLanguage;      // 40001
inline constexpr int kInvalidReportee = notification::error_id::kUnknownReportee;      // 60012
}  // namespace error_id

struct BinaryAttachmentInput {
  std::string name;
  std::string file_name;
  std::string senders_reference;
  std::string function_type = "Unspecified";  // Unspecified | Invoice
  std::string destination_type = "Default";   // Default | PortalOnly | EndUserSystemOnly | ShowToAll
  bool encrypted = false;
  std::string data;
};

struct XmlAttachmentInput {
  std::string senders_reference;
  std::string form_data;
  std::string data_format_id;
  std::optional<int> data_format_version;
  std::optional<int> logical_form_id;
};

// One entry of Correspondence.Notifications. The reportee and IsReservable come from the
// correspondence; LanguageCode is the contract's string form ("1044", "2068", "1033").
struct NotificationRequest {
  std::optional<std::string> from_address;
  std::optional<std::time_t> shipment;
  std::optional<std::string> language_code;
  std::optional<std::string> notification_type;
  std::vector<notification::EndpointInput> endpoints;
  std::vector<notification::TokenInput> tokens;
};

// One ReplyOption: exactly one of the three links must be given. A ServiceCode/ServiceEdition link
// must name an existing service (any owner's: the reportee answers by filling it in), an ArchiveRef
// one of the sending owner's archived submissions, a LinkURL an absolute http(s) URL.
struct ReplyOptionInput {
  struct ServiceLink {
    std::optional<std::string> service_code;
    std::optional<std::string> service_edition;  // a number, as text on the wire
  };
  struct ArchiveLink {
    std::optional<std::string> archive_reference;  // ArchiveRef
  };
  struct UrlLink {
    std::optional<std::string> link_text;
    std::optional<std::string> link_url;
  };
  std::optional<ServiceLink> service;
  std::optional<ArchiveLink> archive;
  std::optional<UrlLink> url;
};

// SdpEmailNotification / SdpSmsNotification.
struct SdpNotificationInput {
  std::optional<std::string> address;  // EmailAddress / MobileNumber
  std::optional<std::string> text;     // NotificationText (required)
  std::vector<unsigned> repetitions;   // DaysDelayed
};

// SdpOptions (forward to a digital mailbox).
struct SdpOptionsInput {
  std::optional<bool> backup_altinn;
  std::optional<std::string> not_sensitive_title;
  std::optional<std::string> primary_document_file_name;  // required: FileName of one binary attachment
  std::optional<SdpNotificationInput> email;
  std::optional<SdpNotificationInput> sms;
  std::string setting = "ForwardOnly";  // SdpSetting: ForwardOnly | CopyAltinn
  std::optional<std::string> title;
  std::optional<std::time_t> visible;
};

struct CorrespondenceInput {
  std::optional<std::string> system_user_code;  // V2: required; V1: optional
  bool system_user_code_required = true;
  std::optional<std::string> external_shipment_reference;
  std::optional<std::string> service_code;
  std::optional<std::string> service_edition;  // a number, as text on the wire
  std::optional<std::string> reportee;
  std::optional<std::string> archive_reference;
  std::optional<std::string> language_code;
  std::optional<std::string> title;
  std::optional<std::string> summary;
  std::optional<std::string> body;
  std::optional<std::string> custom_message_data;
  std::optional<std::string> message_sender;
  std::optional<std::time_t> visible;
  std::optional<std::time_t> allow_system_delete;
  std::optional<std::time_t> due;
  std::optional<int> case_id;
  std::optional<bool> allow_forwarding;
  std::optional<bool> is_reservable;
  std::vector<BinaryAttachmentInput> attachments;
  std::vector<XmlAttachmentInput> xml_attachments;
  std::vector<NotificationRequest> notifications;
  std::vector<ReplyOptionInput> reply_options;
  std::optional<std::string> on_behalf_of_org_nr;
  std::optional<SdpOptionsInput> sdp;
};

struct AttachmentLimits {
  int max_attachments = 100;
  long max_attachment_bytes = 8L * 1024 * 1024;
  int max_xml_bytes = 4 * 1024 * 1024;
};

inline constexpr int kMaxReplyOptions = 20;

// An absolute http:// or https:// URL with a host, no spaces or control characters, at most 2000 bytes.
bool isAbsoluteHttpUrl(std::string_view url);

// "1044" -> 1044 for the three supported languages; nullopt for anything else.
std::optional<int> languageIdOf(std::string_view code);
// A ServiceEdition text that is a positive number.
std::optional<int> serviceEditionOf(std::string_view text);

// Everything about the request that needs no database: required values (30202), reportee (60012),
// language (40001), dates against VisibleDateTime (`now` when absent) (30204), attachment counts,
// sizes and content (30207), reply options (30208: one link each, absolute http(s) URL, at most
// kMaxReplyOptions; 30202 for an empty ServiceCode/ServiceEdition/ArchiveRef), OnBehalfOfOrgNr
// (30210) and SdpOptions (30211). kInvalidArgument / kResourceExhausted with the ErrorID.
Status checkCorrespondence(const CorrespondenceInput& input, const AttachmentLimits& limits, std::time_t now);

// The notification inputs of a checked correspondence: reportee and IsReservable from the
// correspondence, the language from the notification's LanguageCode or else the correspondence's, and
// ShipmentDateTime never before VisibleDateTime (nothing announces a message the reportee cannot see).
// kInvalidArgument 40001 for an unsupported notification LanguageCode.
Result<std::vector<notification::NotificationInput>> notificationInputsOf(const CorrespondenceInput& input,
                                                                         std::time_t now);

// Whether an end-user system may delete a correspondence at `now`: only once its
// AllowSystemDeleteDateTime is set and reached.
bool mayDelete(const std::optional<std::time_t>& allow_system_delete, std::time_t now);

// Whether an attachment with this DestinationType is given to end-user systems (PortalOnly is not).
bool visibleToEndUserSystems(std::string_view destination_type);

}  // namespace gateway::core::correspondence
