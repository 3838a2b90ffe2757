#include "core/submission_service.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "common/log.h"
#include "core/blob_guard.h"
#include "core/form_data_check.h"
#include "core/party_numbers.h"

namespace gateway::core {
namespace {

constexpr int kMaxFormDepth = 64;

std::string hexDigest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 15];
  }
  return hex;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

Status checkAttachment(const AttachmentInput& a, std::size_t index, long max_bytes) {
  const std::string which = "attachment " + std::to_string(index + 1);
  if (a.name.empty()) return Status::InvalidArgument(which + ": Name is required");
  if (a.file_name.empty()) return Status::InvalidArgument(which + ": FileName is required");
  if (a.data.empty()) return Status::InvalidArgument(which + ": AttachementData is empty");
  if (static_cast<long>(a.data.size()) > max_bytes) {
    return Status::ResourceExhausted(which + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (a.checksum && !a.checksum->empty()) {
    const std::string given = lower(*a.checksum);
    std::string actual;
    if (given.size() == 64) actual = hexDigest(EVP_sha256(), a.data);
    else if (given.size() == 32) actual = hexDigest(EVP_md5(), a.data);
    else return Status::InvalidArgument(which + ": Checksum must be hex SHA-256 or MD5");
    if (actual != given) return Status::InvalidArgument(which + ": Checksum does not match the data");
  }
  return Status::Ok();
}

}  // namespace

SubmissionService::SubmissionService(persistence::Database& database, persistence::FileStore& files,
                                     const CoreLimits& limits)
    : database_(database),
      files_(files),
      limits_(limits),
      services_(database, std::chrono::seconds(limits.lookup_cache_seconds)),
      grants_(std::chrono::seconds(limits.lookup_cache_seconds)) {}

Result<bool> SubmissionService::mayActFor(persistence::Id system_id, const std::string& reportee) {
  const std::string key = std::to_string(system_id) + '\0' + reportee;
  if (grants_.get(key)) return true;
  auto may = database_.systems().mayActFor(system_id, reportee);
  if (may.ok() && may.value()) grants_.put(key, true);
  return may;
}

Result<std::optional<persistence::Id>> SubmissionService::prefillInstanceOf(const SubmissionInput& in,
                                                                          const persistence::ServiceRecord& service) {
  std::optional<persistence::Id> none;
  if (in.forms.empty() || !in.forms.front().parent_reference || *in.forms.front().parent_reference <= 0) return none;
  const persistence::Id id = *in.forms.front().parent_reference;
  auto found = database_.prefills().find(id);
  if (!found.ok()) return found.status();
  const auto& task = found.value();
  // Another reportee's or service's task is reported as missing: nothing about it is revealed.
  if (!task || task->reportee != *in.reportee || task->service_id != service.id) {
    return Status::InvalidArgument("ParentReference names no prefilled form task of this reportee and service");
  }
  if (task->state == persistence::PrefillState::kCompleted) {
    return Status::InvalidArgument("the prefilled form task named by ParentReference was completed already");
  }
  const std::time_t now = std::time(nullptr);
  if (task->state != persistence::PrefillState::kInstantiated || now < task->valid_from || now >= task->valid_to) {
    return Status::InvalidArgument("the prefilled form task named by ParentReference is not open (not instantiated "
                                   "or outside ValidFromDate..ValidToDate)");
  }
  return std::optional<persistence::Id>(id);
}

Status SubmissionService::validate(const SubmissionInput& in, const persistence::ServiceRecord& service) const {
  if (in.forms.empty()) return Status::InvalidArgument("FormTasks.Forms must contain at least one Form");
  if (static_cast<int>(in.forms.size()) > limits_.max_forms) {
    return Status::ResourceExhausted("more than " + std::to_string(limits_.max_forms) + " forms");
  }
  if (static_cast<int>(in.attachments.size()) > limits_.max_attachments) {
    return Status::ResourceExhausted("more than " + std::to_string(limits_.max_attachments) + " attachments");
  }
  for (std::size_t i = 0; i < in.forms.size(); ++i) {
    const FormInput& f = in.forms[i];
    const std::string which = "form " + std::to_string(i + 1);
    if (!f.data_format_id || f.data_format_id->empty() || !f.data_format_version) {
      return Status::InvalidArgument(which + ": DataFormatId and DataFormatVersion are required");
    }
    const bool known = std::any_of(service.formats.begin(), service.formats.end(), [&](const auto& df) {
      return df.id == *f.data_format_id && df.version == *f.data_format_version;
    });
    if (!known) {
      return Status::InvalidArgument(which + ": data format " + *f.data_format_id + " version " +
                                     std::to_string(*f.data_format_version) + " does not belong to service " +
                                     service.code + " edition " + std::to_string(service.edition));
    }
    if (!f.form_data) return Status::InvalidArgument(which + ": FormData is required");
    if (static_cast<int>(f.form_data->size()) > limits_.max_form_data_bytes) {
      return Status::ResourceExhausted(which + ": FormData is larger than " +
                                       std::to_string(limits_.max_form_data_bytes) + " bytes");
    }
    Status xml = checkFormData(*f.form_data, kMaxFormDepth);
    if (!xml.ok()) return Status::InvalidArgument(which + ": " + xml.message());
  }
  for (std::size_t i = 0; i < in.attachments.size(); ++i) {
    Status s = checkAttachment(in.attachments[i], i, limits_.max_attachment_bytes);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<SubmissionOutcome> SubmissionService::submit(const persistence::SystemRecord& system,
                                                    const SubmissionInput& in) {
  if (!in.reportee || !isValidReportee(*in.reportee)) {
    return Status::InvalidArgument("Reportee must be a valid organisation number or national identity number");
  }
  if (!in.service_code || in.service_code->empty() || !in.service_edition) {
    return Status::InvalidArgument("FormTasks.ServiceCode and FormTasks.ServiceEdition are required");
  }
  auto service = services_.find(*in.service_code, *in.service_edition);
  if (!service.ok()) return service.status();
  if (!service.value()) {
    return Status::InvalidArgument("no service with code " + *in.service_code + " and edition " +
                                   std::to_string(*in.service_edition));
  }
  const persistence::ServiceRecord& svc = *service.value();
  if (Status s = validate(in, svc); !s.ok()) return s;

  auto may = mayActFor(system.id, *in.reportee);
  if (!may.ok()) return may.status();
  if (!may.value()) return Status::PermissionDenied("the system may not submit for this reportee", 0);

  auto prefill = prefillInstanceOf(in, svc);
  if (!prefill.ok()) return prefill.status();

  // The duplicate rule is decided by the unique key on (system, end-user reference) inside create():
  // no extra round trip on the common path, and no race between two identical requests.
  const std::string& end_user_ref = in.forms.front().end_user_system_reference;

  persistence::NewSubmission row;
  row.system_id = system.id;
  row.service_id = svc.id;
  row.owner_id = svc.owner_id;
  row.reportee = *in.reportee;
  row.external_shipment_reference = in.external_shipment_reference;
  row.end_user_system_reference = end_user_ref;
  row.case_id = in.case_id;
  row.receipt_text = "Form task received and archived.";
  row.prefill_instance_id = prefill.value();
  for (const FormInput& f : in.forms) {
    row.forms.push_back({*f.data_format_id, *f.data_format_version, f.end_user_system_reference, f.parent_reference,
                         *f.form_data, f.completed});
  }
  BlobGuard blobs(files_);
  for (const AttachmentInput& a : in.attachments) {
    auto blob = files_.put(a.data);
    if (!blob.ok()) return blob.status();
    blobs.add(blob->key);
    persistence::AttachmentRecord rec;
    rec.name = a.name;
    rec.file_name = a.file_name;
    rec.attachment_type_name = a.attachment_type_name;
    rec.end_user_system_reference = a.end_user_system_reference;
    rec.parent_reference = a.parent_reference;
    rec.encrypted = a.encrypted;
    rec.size = blob->size;
    rec.sha256_hex = blob->sha256_hex;
    rec.storage_key = blob->key;
    row.attachments.push_back(std::move(rec));
  }

  auto created = database_.submissions().create(row);
  if (created.ok()) {
    blobs.keep();
    log::info("submission.archived", {{"archive_reference", created->archive_reference},
                                       {"service", svc.code + "/" + std::to_string(svc.edition)},
                                       {"attachments", std::to_string(row.attachments.size())}});
    return SubmissionOutcome{created->receipt, false};
  }
  if (created.status().code() == StatusCode::kAlreadyExists && !end_user_ref.empty()) {
    // Stored before (or by a concurrent identical request): answer with the original receipt.
    auto earlier = database_.submissions().findReceiptByEndUserReference(system.id, end_user_ref);
    if (earlier.ok() && earlier.value()) return SubmissionOutcome{*earlier.value(), true};
  }
  return created.status();
}

}  // namespace gateway::core
