#include "core/correspondence_service.h"

#include "core/blob_guard.h"
#include "core/notification_service.h"
#include "core/party_numbers.h"
#include "core/system_user_code.h"

namespace gateway::core {

using namespace correspondence;
using persistence::CorrespondenceRecord;
using persistence::CorrespondenceRepository;

namespace {

Status ownerOnly(const persistence::SystemRecord& system) {
  if (!system.owner_id) return Status::PermissionDenied("this operation is for service owner systems");
  return Status::Ok();
}

std::string textOr(const std::optional<std::string>& value, const char* fallback = "") {
  return value ? *value : std::string(fallback);
}

}  // namespace

CorrespondenceService::CorrespondenceService(persistence::Database& database, persistence::FileStore& files,
                                             NotificationService& notifications, CorrespondenceLimits limits,
                                             SdpForwarder* sdp)
    : database_(database),
      files_(files),
      notifications_(notifications),
      limits_(limits),
      services_(database, std::chrono::seconds(limits.lookup_cache_seconds)),
      sdp_(sdp ? *sdp : static_cast<SdpForwarder&>(no_mailbox_)) {}

Result<std::vector<persistence::CorrespondenceReplyOptionRecord>> CorrespondenceService::replyOptionsOf(
    const persistence::SystemRecord& owner_system, const std::vector<ReplyOptionInput>& options) {
  using Kind = persistence::CorrespondenceReplyOptionRecord::Kind;
  std::vector<persistence::CorrespondenceReplyOptionRecord> out;
  for (std::size_t i = 0; i < options.size(); ++i) {
    const ReplyOptionInput& in = options[i];
    const std::string which = "ReplyOption " + std::to_string(i + 1);
    persistence::CorrespondenceReplyOptionRecord r;
    if (in.service) {
      r.kind = Kind::kService;
      r.service_code = *in.service->service_code;
      r.service_edition = serviceEditionOf(*in.service->service_edition);
      auto service = database_.services().find(r.service_code, *r.service_edition);
      if (!service.ok()) return service.status();
      if (!service.value()) {
        return Status::InvalidArgument(which + " ServiceCode/ServiceEdition name no service", error_id::kUnknownService);
      }
    } else if (in.archive) {
      r.kind = Kind::kArchiveReference;
      r.archive_reference = *in.archive->archive_reference;
      auto archived = database_.submissions().getByArchiveReference(*owner_system.owner_id, r.archive_reference);
      if (!archived.ok()) {
        if (archived.status().code() != StatusCode::kNotFound) return archived.status();
        return Status::InvalidArgument(which + " ArchiveRef is no archived submission of this service owner",
                                       error_id::kUnknownArchiveReference);
      }
    } else {
      r.kind = Kind::kUrl;
      r.link_url = *in.url->link_url;
      r.link_text = textOr(in.url->link_text);
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::optional<persistence::SdpRecord>> CorrespondenceService::digitalLetterOf(const CorrespondenceInput& in,
                                                                                     std::time_t now) {
  if (!in.sdp) return std::optional<persistence::SdpRecord>();
  const SdpOptionsInput& o = *in.sdp;
  persistence::SdpRecord letter;
  letter.setting = o.setting;
  letter.backup_altinn = o.backup_altinn;
  letter.primary_document_file_name = *o.primary_document_file_name;
  letter.title = textOr(o.title);
  letter.not_sensitive_title = textOr(o.not_sensitive_title);
  letter.visible_at = o.visible;
  for (auto [from, to] : {std::pair{&o.email, &letter.email}, std::pair{&o.sms, &letter.sms}}) {
    if (*from) *to = persistence::SdpNotificationRecord{textOr((*from)->address), *(*from)->text, (*from)->repetitions};
  }
  auto status = sdp_.route(*in.reportee, letter);
  if (!status.ok()) return status.status();
  letter.status = status.value();
  letter.status_at = now;
  const bool delivered = letter.status == persistence::SdpStatus::kSentMeldingsformidler ||
                         letter.status == persistence::SdpStatus::kDeliveredEndUser;
  if (!delivered && letter.setting == "ForwardOnly" && !letter.backup_altinn.value_or(true)) {
    return Status::InvalidArgument(
        std::string("SdpSetting ForwardOnly without BackupAltinn, but the reportee has no digital mailbox (") +
            persistence::sdpStatusName(letter.status) + ")",
        error_id::kNoDigitalMailbox);
  }
  return std::optional<persistence::SdpRecord>(std::move(letter));
}

Result<persistence::ServiceRecord> CorrespondenceService::ownService(const persistence::SystemRecord& owner_system,
                                                                     const std::string& code, int edition) {
  auto service = services_.find(code, edition);
  if (!service.ok()) return service.status();
  if (!service.value()) {
    return Status::InvalidArgument("ServiceCode/ServiceEdition name no service", error_id::kUnknownService);
  }
  if (service.value()->owner_id != *owner_system.owner_id) {
    return Status::PermissionDenied("the service belongs to another service owner");
  }
  return std::move(*service.value());
}

Result<persistence::ReceiptRecord> CorrespondenceService::insert(const persistence::SystemRecord& owner_system,
                                                                 const CorrespondenceInput& in, std::time_t now) {
  if (Status s = ownerOnly(owner_system); !s.ok()) return s;
  if (Status s = checkCorrespondence(in, limits_.attachments, now); !s.ok()) return s;
  if (in.system_user_code && !in.system_user_code->empty() &&
      !isOwnSystemUserCode(*in.system_user_code, owner_system.owner_code)) {
    return Status::PermissionDenied("SystemUserCode must be the calling service owner's code");
  }
  auto service = ownService(owner_system, *in.service_code, *serviceEditionOf(*in.service_edition));
  if (!service.ok()) return service.status();
  auto reply_options = replyOptionsOf(owner_system, in.reply_options);
  if (!reply_options.ok()) return reply_options.status();
  auto digital_letter = digitalLetterOf(in, now);
  if (!digital_letter.ok()) return digital_letter.status();

  std::vector<persistence::OutboxMessage> outbox;
  if (!in.notifications.empty()) {
    auto inputs = notificationInputsOf(in, now);
    if (!inputs.ok()) return inputs.status();
    auto prepared = notifications_.prepare(owner_system, inputs.value());
    if (!prepared.ok()) return prepared.status();
    outbox = std::move(prepared->outbox);
  }

  CorrespondenceRecord record;
  record.owner_id = *owner_system.owner_id;
  record.system_id = owner_system.id;
  record.service_id = service->id;
  record.reportee = *in.reportee;
  record.external_shipment_reference = *in.external_shipment_reference;
  record.archive_reference = textOr(in.archive_reference);
  record.language_code = in.language_code && !in.language_code->empty() ? *in.language_code : "1044";
  record.title = *in.title;
  record.summary = textOr(in.summary);
  record.body = textOr(in.body);
  record.custom_message_data = textOr(in.custom_message_data);
  record.message_sender = textOr(in.message_sender);
  record.case_id = in.case_id;
  record.allow_forwarding = in.allow_forwarding.value_or(true);
  record.is_reservable = in.is_reservable;
  record.visible_at = in.visible.value_or(now);
  record.due_at = in.due;
  record.allow_system_delete_at = in.allow_system_delete;
  record.on_behalf_of_org_nr = textOr(in.on_behalf_of_org_nr);
  record.reply_options = std::move(reply_options).value();
  record.sdp = std::move(digital_letter).value();

  BlobGuard blobs(files_);
  for (const BinaryAttachmentInput& a : in.attachments) {
    auto blob = files_.put(a.data);
    if (!blob.ok()) return blob.status();
    blobs.add(blob->key);
    persistence::CorrespondenceAttachmentRecord r;
    r.name = a.name.empty() ? a.file_name : a.name;
    r.file_name = a.file_name.empty() ? a.name : a.file_name;
    r.senders_reference = a.senders_reference;
    r.function_type = a.function_type;
    r.destination_type = a.destination_type;
    r.encrypted = a.encrypted;
    r.size = blob->size;
    r.sha256_hex = blob->sha256_hex;
    r.storage_key = blob->key;
    record.attachments.push_back(std::move(r));
  }
  for (const XmlAttachmentInput& x : in.xml_attachments) {
    record.xml_attachments.push_back(
        {x.senders_reference, x.data_format_id, x.data_format_version, x.logical_form_id, x.form_data});
  }

  const std::string receipt_text =
      record.sdp ? std::string("Correspondence created; digital letter: ") + persistence::sdpStatusName(record.sdp->status) +
                       (record.sdp->status == persistence::SdpStatus::kNoMailBox
                            ? " (the reportee has no digital mailbox; kept in the Altinn inbox)"
                            : "")
                 : std::string("Correspondence created");
  auto created = database_.correspondences().create(record, outbox, receipt_text);
  if (!created.ok()) {
    if (created.status().code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists("ExternalShipmentReference was used before by this service owner",
                                   error_id::kDuplicateReference);
    }
    return created.status();
  }
  blobs.keep();
  return std::move(created->receipt);
}

Result<CorrespondenceRepository::StatusPage> CorrespondenceService::statusDetails(
    const persistence::SystemRecord& owner_system, const CorrespondenceStatusFilter& filter) {
  if (Status s = ownerOnly(owner_system); !s.ok()) return s;
  if (!filter.service_code || filter.service_code->empty()) {
    return Status::InvalidArgument("ServiceCode is required", error_id::kMissingValue);
  }
  if (!filter.service_edition) return Status::InvalidArgument("ServiceEditionCode is required", error_id::kMissingValue);
  auto service = ownService(owner_system, *filter.service_code, *filter.service_edition);
  if (!service.ok()) return service.status();
  if (filter.only_reserved) return CorrespondenceRepository::StatusPage{};

  CorrespondenceRepository::StatusQuery query;
  query.owner_id = *owner_system.owner_id;
  query.service_id = service->id;
  if (filter.reportee && !filter.reportee->empty()) query.reportee = filter.reportee;
  if (filter.senders_reference && !filter.senders_reference->empty()) {
    query.senders_references.push_back(*filter.senders_reference);
  }
  query.created_after = filter.created_after;
  query.created_before = filter.created_before;
  query.current_status = filter.current_status;
  query.notification_sent = filter.notification_sent;
  query.only_digital_letters = filter.only_digital_letters;
  query.limit = limits_.max_status_results;
  return database_.correspondences().statusDetails(query);
}

Result<CorrespondenceRepository::StatusPage> CorrespondenceService::statusHistory(
    const persistence::SystemRecord& owner_system, const std::vector<std::string>& senders_references) {
  if (Status s = ownerOnly(owner_system); !s.ok()) return s;
  std::vector<std::string> references;
  for (const auto& r : senders_references) {
    if (!r.empty()) references.push_back(r);
  }
  if (references.empty()) {
    return Status::InvalidArgument("CorrespondenceSendersReferences must name at least one reference",
                                   error_id::kMissingValue);
  }
  if (static_cast<int>(references.size()) > limits_.max_status_results) {
    return Status::ResourceExhausted("more than " + std::to_string(limits_.max_status_results) + " references");
  }
  CorrespondenceRepository::StatusQuery query;
  query.owner_id = *owner_system.owner_id;
  query.senders_references = std::move(references);
  query.limit = limits_.max_status_results;
  return database_.correspondences().statusDetails(query);
}

Result<persistence::ServiceRecord> CorrespondenceService::createSimpleService(
    const persistence::SystemRecord& owner_system, const std::string& template_code, int template_edition) {
  if (Status s = ownerOnly(owner_system); !s.ok()) return s;
  if (template_code.empty() || template_edition <= 0) {
    return Status::InvalidArgument("templateServiceCode and a positive templateServiceEditionCode are required",
                                   error_id::kMissingValue);
  }
  auto existing = database_.services().find(template_code, template_edition);
  if (!existing.ok()) return existing.status();
  if (existing.value()) {
    if (existing.value()->owner_id != *owner_system.owner_id) {
      return Status::PermissionDenied("the service belongs to another service owner");
    }
    return std::move(*existing.value());
  }
  persistence::ServiceRecord service;
  service.owner_id = *owner_system.owner_id;
  service.owner_code = owner_system.owner_code;
  service.code = template_code;
  service.edition = template_edition;
  service.name = "Correspondence " + template_code + "/" + std::to_string(template_edition);
  service.kind = "Correspondence";
  auto added = database_.provisioning().addService(service);
  if (!added.ok() && added.status().code() == StatusCode::kAlreadyExists) {
    // Created concurrently: answer with the one stored, if it is the caller's.
    return ownService(owner_system, template_code, template_edition);
  }
  return added;
}

Status CorrespondenceService::checkReportee(const persistence::SystemRecord& end_user_system,
                                            const std::string& reportee) {
  if (end_user_system.owner_id) return Status::PermissionDenied("this operation is for end-user systems");
  if (!isValidReportee(reportee)) {
    return Status::InvalidArgument("reportee is neither an organisation number nor a national identity number",
                                   error_id::kInvalidReportee);
  }
  auto may = database_.systems().mayActFor(end_user_system.id, reportee);
  if (!may.ok()) return may.status();
  if (!may.value()) return Status::PermissionDenied("the system may not act for this reportee", 0);
  return Status::Ok();
}

Result<CorrespondenceRepository::InboxPage> CorrespondenceService::inbox(
    const persistence::SystemRecord& end_user_system, const std::string& reportee, const InboxFilter& filter,
    std::time_t now) {
  if (Status s = checkReportee(end_user_system, reportee); !s.ok()) return s;
  if (filter.only_reserved) return CorrespondenceRepository::InboxPage{};
  CorrespondenceRepository::InboxQuery query;
  query.reportee = reportee;
  query.now = now;
  query.service_code = filter.service_code;
  query.service_edition = filter.service_edition;
  query.created_after = filter.created_after;
  query.created_before = filter.created_before;
  query.status = filter.status;
  query.limit = limits_.max_inbox_results;
  return database_.correspondences().inbox(query);
}

namespace {

Status notFoundForEndUser(const Status& s) {
  if (s.code() == StatusCode::kNotFound) {
    return Status::NotFound("No such correspondence for this reportee", error_id::kNotFound);
  }
  return s;
}

}  // namespace

Result<FetchedCorrespondence> CorrespondenceService::fetch(const persistence::SystemRecord& end_user_system,
                                                           const std::string& reportee, persistence::Id id,
                                                           std::time_t now) {
  if (Status s = checkReportee(end_user_system, reportee); !s.ok()) return s;
  auto found = database_.correspondences().get(reportee, id, now);
  if (!found.ok()) return notFoundForEndUser(found.status());
  if (!found->read_at) {
    if (Status s = database_.correspondences().markRead(reportee, id, now); !s.ok()) return notFoundForEndUser(s);
    found->read_at = now;
  }
  FetchedCorrespondence out;
  out.record = std::move(found).value();
  std::vector<persistence::CorrespondenceAttachmentRecord> given;
  for (auto& a : out.record.attachments) {
    if (!visibleToEndUserSystems(a.destination_type)) continue;
    auto bytes = files_.get(a.storage_key);
    if (!bytes.ok()) return bytes.status();
    out.attachment_data.push_back(std::move(bytes).value());
    given.push_back(std::move(a));
  }
  out.record.attachments = std::move(given);
  return out;
}

Result<CorrespondenceRecord> CorrespondenceService::confirm(const persistence::SystemRecord& end_user_system,
                                                            const std::string& reportee, persistence::Id id,
                                                            std::time_t now) {
  if (Status s = checkReportee(end_user_system, reportee); !s.ok()) return s;
  if (Status s = database_.correspondences().markConfirmed(reportee, id, now); !s.ok()) return notFoundForEndUser(s);
  auto found = database_.correspondences().get(reportee, id, now);
  if (!found.ok()) return notFoundForEndUser(found.status());
  found->attachments.clear();
  found->xml_attachments.clear();
  return found;
}

Status CorrespondenceService::remove(const persistence::SystemRecord& end_user_system, const std::string& reportee,
                                     persistence::Id id, std::time_t now) {
  if (Status s = checkReportee(end_user_system, reportee); !s.ok()) return s;
  auto found = database_.correspondences().get(reportee, id, now);
  if (!found.ok()) return notFoundForEndUser(found.status());
  if (!mayDelete(found->allow_system_delete_at, now)) {
    return Status::InvalidArgument("The correspondence may not be deleted before its AllowSystemDeleteDateTime",
                                   error_id::kDeleteNotAllowed);
  }
  return notFoundForEndUser(database_.correspondences().markDeleted(reportee, id, now));
}

}  // namespace gateway::core
