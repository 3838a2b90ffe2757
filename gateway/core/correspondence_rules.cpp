#include "core/correspondence_rules.h"

#include <algorithm>

#include "core/form_data_check.h"
#include "core/party_numbers.h"

namespace gateway::core::correspondence {
namespace {

constexpr int kMaxXmlDepth = 100;  // as for submitted form data

bool empty(const std::optional<std::string>& value) { return !value || value->empty(); }

Status missing(const char* what) {
  return Status::InvalidArgument(std::string(what) + " is required", error_id::kMissingValue);
}

}  // namespace

std::optional<int> languageIdOf(std::string_view code) {
  if (code == "1044") return notification::kBokmal;
  if (code == "2068") return notification::kNynorsk;
  if (code == "1033") return notification::kEnglish;
  return std::nullopt;
}

std::optional<int> serviceEditionOf(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value <= 0) return std::nullopt;
  return value;
}

Status checkCorrespondence(const CorrespondenceInput& in, const AttachmentLimits& limits, std::time_t now) {
  if (in.system_user_code_required && empty(in.system_user_code)) return missing("SystemUserCode");
  if (empty(in.external_shipment_reference)) return missing("ExternalShipmentReference");
  if (empty(in.service_code)) return missing("ServiceCode");
  if (empty(in.service_edition)) return missing("ServiceEdition");
  if (!serviceEditionOf(*in.service_edition)) {
    return Status::InvalidArgument("ServiceEdition must be a positive number", error_id::kUnknownService);
  }
  if (empty(in.reportee)) return missing("Reportee");
  if (!isValidReportee(*in.reportee)) {
    return Status::InvalidArgument("Reportee is neither an organisation number nor a national identity number",
                                   error_id::kInvalidReportee);
  }
  if (in.language_code && !in.language_code->empty() && !languageIdOf(*in.language_code)) {
    return Status::InvalidArgument("LanguageCode must be 1044, 2068 or 1033", error_id::kInvalidLanguage);
  }
  if (empty(in.title)) return missing("MessageTitle");

  const std::time_t visible = in.visible.value_or(now);
  if (in.allow_system_delete && *in.allow_system_delete < visible) {
    return Status::InvalidArgument("AllowSystemDeleteDateTime is before VisibleDateTime", error_id::kInconsistentDates);
  }
  if (in.due && *in.due < visible) {
    return Status::InvalidArgument("DueDateTime is before VisibleDateTime", error_id::kInconsistentDates);
  }

  const std::size_t count = in.attachments.size() + in.xml_attachments.size();
  if (count > static_cast<std::size_t>(limits.max_attachments)) {
    return Status::ResourceExhausted("more than " + std::to_string(limits.max_attachments) + " attachments",
                                     error_id::kAttachmentRejected);
  }
  for (std::size_t i = 0; i < in.attachments.size(); ++i) {
    const BinaryAttachmentInput& a = in.attachments[i];
    const std::string which = "BinaryAttachment " + std::to_string(i + 1);
    if (a.file_name.empty() && a.name.empty()) {
      return Status::InvalidArgument(which + " has neither FileName nor Name", error_id::kAttachmentRejected);
    }
    if (a.data.empty()) return Status::InvalidArgument(which + " has no Data", error_id::kAttachmentRejected);
    if (static_cast<long>(a.data.size()) > limits.max_attachment_bytes) {
      return Status::ResourceExhausted(which + " is larger than " + std::to_string(limits.max_attachment_bytes) +
                                           " bytes",
                                       error_id::kAttachmentRejected);
    }
  }
  for (std::size_t i = 0; i < in.xml_attachments.size(); ++i) {
    const XmlAttachmentInput& x = in.xml_attachments[i];
    const std::string which = "XmlAttachment " + std::to_string(i + 1);
    if (x.form_data.empty()) return Status::InvalidArgument(which + " has no FormDataXml", error_id::kAttachmentRejected);
    if (static_cast<long>(x.form_data.size()) > limits.max_xml_bytes) {
      return Status::ResourceExhausted(which + " is larger than " + std::to_string(limits.max_xml_bytes) + " bytes",
                                       error_id::kAttachmentRejected);
    }
    if (Status s = checkFormData(x.form_data, kMaxXmlDepth); !s.ok()) {
      return Status::InvalidArgument(which + ": " + s.message(), error_id::kAttachmentRejected);
    }
  }
  return Status::Ok();
}

Result<std::vector<notification::NotificationInput>> notificationInputsOf(const CorrespondenceInput& in,
                                                                         std::time_t now) {
  const std::time_t visible = in.visible.value_or(now);
  const std::optional<int> message_language =
      in.language_code && !in.language_code->empty() ? languageIdOf(*in.language_code) : std::nullopt;
  std::vector<notification::NotificationInput> out;
  for (const NotificationRequest& n : in.notifications) {
    notification::NotificationInput input;
    input.from_address = n.from_address;
    input.is_reservable = in.is_reservable;
    if (n.language_code && !n.language_code->empty()) {
      input.language_id = languageIdOf(*n.language_code);
      if (!input.language_id) {
        return Status::InvalidArgument("Notification LanguageCode must be 1044, 2068 or 1033",
                                       error_id::kInvalidLanguage);
      }
    } else {
      input.language_id = message_language;
    }
    input.notification_type = n.notification_type;
    input.endpoints = n.endpoints;
    input.reportee = in.reportee;
    input.shipment = std::max(n.shipment.value_or(visible), visible);
    input.tokens = n.tokens;
    out.push_back(std::move(input));
  }
  return out;
}

bool mayDelete(const std::optional<std::time_t>& allow_system_delete, std::time_t now) {
  return allow_system_delete && *allow_system_delete <= now;
}

bool visibleToEndUserSystems(std::string_view destination_type) { return destination_type != "PortalOnly"; }

}  // namespace gateway::core::correspondence
