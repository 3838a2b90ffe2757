#include "core/correspondence_rules.h"

#include <algorithm>
#include <cctype>

#include "core/form_data_check.h"
#include "core/party_numbers.h"

namespace gateway::core::correspondence {
namespace {

constexpr int kMaxXmlDepth = 100;  // as for submitted form data

bool empty(const std::optional<std::string>& value) { return !value || value->empty(); }

Status missing(const char* what) {
  return Status::InvalidArgument(std::string(what) + " is required", error_id::kMissingValue);
}

bool longerThan(const std::optional<std::string>& value, std::size_t max_bytes) {
  return value && value->size() > max_bytes;
}

Status checkReplyOption(const ReplyOptionInput& r, const std::string& which) {
  const int links = (r.service ? 1 : 0) + (r.archive ? 1 : 0) + (r.url ? 1 : 0);
  if (links != 1) {
    return Status::InvalidArgument(which + " must give exactly one of Service, ArchiveReference and URL",
                                   error_id::kInvalidReplyOption);
  }
  if (r.service) {
    if (empty(r.service->service_code)) return missing((which + " ServiceCode").c_str());
    if (empty(r.service->service_edition)) return missing((which + " ServiceEdition").c_str());
    if (longerThan(r.service->service_code, 64) || !serviceEditionOf(*r.service->service_edition)) {
      return Status::InvalidArgument(which + " names no service", error_id::kUnknownService);
    }
  }
  if (r.archive) {
    if (empty(r.archive->archive_reference)) return missing((which + " ArchiveRef").c_str());
    if (longerThan(r.archive->archive_reference, 255)) {
      return Status::InvalidArgument(which + " ArchiveRef is no archive reference of the service owner",
                                     error_id::kUnknownArchiveReference);
    }
  }
  if (r.url) {
    if (empty(r.url->link_url)) return missing((which + " LinkURL").c_str());
    if (!isAbsoluteHttpUrl(*r.url->link_url)) {
      return Status::InvalidArgument(which + " LinkURL must be an absolute http or https URL",
                                     error_id::kInvalidReplyOption);
    }
    if (longerThan(r.url->link_text, 1000)) {
      return Status::InvalidArgument(which + " LinkText is longer than 1000 bytes", error_id::kInvalidReplyOption);
    }
  }
  return Status::Ok();
}

Status sdpInvalid(const std::string& why) {
  return Status::InvalidArgument("SdpOptions: " + why, error_id::kInvalidSdpOptions);
}

Status checkSdpNotification(const SdpNotificationInput& n, const char* which, bool email) {
  if (empty(n.text)) return sdpInvalid(std::string(which) + " has no NotificationText");
  if (n.text->size() > 10000) return sdpInvalid(std::string(which) + " NotificationText is longer than 10000 bytes");
  if (n.address && !n.address->empty()) {
    const bool valid = email ? notification::isValidEmail(*n.address) && n.address->size() <= 255
                             : notification::isValidMobile(*n.address);
    if (!valid) return sdpInvalid(std::string(which) + (email ? " EmailAddress" : " MobileNumber") + " is not valid");
  }
  if (n.repetitions.size() > 10) return sdpInvalid(std::string(which) + " has more than 10 Repetitions");
  for (unsigned days : n.repetitions) {
    if (days > 365) return sdpInvalid(std::string(which) + " Repetitions must be 0 to 365 days");
  }
  return Status::Ok();
}

Status checkSdpOptions(const SdpOptionsInput& sdp, const std::vector<BinaryAttachmentInput>& attachments) {
  if (sdp.setting != "ForwardOnly" && sdp.setting != "CopyAltinn") {
    return sdpInvalid("SdpSetting must be ForwardOnly or CopyAltinn");
  }
  if (empty(sdp.primary_document_file_name)) return sdpInvalid("PrimaryDocumentFileName is required");
  const bool named = std::any_of(attachments.begin(), attachments.end(), [&](const BinaryAttachmentInput& a) {
    return a.file_name == *sdp.primary_document_file_name;
  });
  if (!named) return sdpInvalid("PrimaryDocumentFileName must be the FileName of one of the binary attachments");
  if (longerThan(sdp.title, 1000) || longerThan(sdp.not_sensitive_title, 1000)) {
    return sdpInvalid("Title and NotSensitiveTitle are at most 1000 bytes");
  }
  if (sdp.email) {
    if (Status s = checkSdpNotification(*sdp.email, "EmailNotification", true); !s.ok()) return s;
  }
  if (sdp.sms) {
    if (Status s = checkSdpNotification(*sdp.sms, "SmsNotification", false); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

bool isAbsoluteHttpUrl(std::string_view url) {
  if (url.size() > 2000) return false;
  std::string lower(url.substr(0, 8));
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::size_t host_start = 0;
  if (lower.rfind("https://", 0) == 0) {
    host_start = 8;
  } else if (lower.rfind("http://", 0) == 0) {
    host_start = 7;
  } else {
    return false;
  }
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) return false;  // no spaces or control characters anywhere
  }
  const std::size_t host_end = url.find_first_of("/?#", host_start);
  const std::string_view authority = url.substr(host_start, host_end == std::string_view::npos ? url.npos : host_end - host_start);
  const std::size_t at = authority.rfind('@');
  const std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
  return !host.empty() && host.front() != ':' && host.front() != '.';
}

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

  if (in.reply_options.size() > static_cast<std::size_t>(kMaxReplyOptions)) {
    return Status::InvalidArgument("more than " + std::to_string(kMaxReplyOptions) + " ReplyOptions",
                                   error_id::kInvalidReplyOption);
  }
  for (std::size_t i = 0; i < in.reply_options.size(); ++i) {
    if (Status s = checkReplyOption(in.reply_options[i], "ReplyOption " + std::to_string(i + 1)); !s.ok()) return s;
  }
  if (in.on_behalf_of_org_nr && !in.on_behalf_of_org_nr->empty() &&
      !isValidOrganisationNumber(*in.on_behalf_of_org_nr)) {
    return Status::InvalidArgument("OnBehalfOfOrgNr must be a valid organisation number (9 digits, mod-11)",
                                   error_id::kInvalidOnBehalfOf);
  }
  if (in.sdp) {
    if (Status s = checkSdpOptions(*in.sdp, in.attachments); !s.ok()) return s;
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
