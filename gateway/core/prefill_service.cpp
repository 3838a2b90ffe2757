#include "core/prefill_service.h"

#include <algorithm>

#include "common/log.h"
#include "core/form_data_check.h"
#include "core/party_numbers.h"
#include "core/system_user_code.h"

namespace gateway::core {
namespace {

constexpr int kMaxFormDepth = 64;
constexpr std::size_t kMaxReferenceLength = 255;

bool empty(const std::optional<std::string>& s) { return !s || s->empty(); }

}  // namespace

PrefillService::PrefillService(persistence::Database& database, persistence::FileStore& files,
                               const CoreLimits& limits)
    : database_(database), files_(files), limits_(limits) {}

Status PrefillService::validateRequest(const persistence::SystemRecord& owner_system,
                                       const std::optional<std::string>& external_batch_id) const {
  if (owner_system.role != persistence::SystemRole::kServiceOwner || !owner_system.owner_id) {
    return Status::PermissionDenied("this operation is for service owner systems");
  }
  if (empty(external_batch_id)) return Status::InvalidArgument("externalBatchId is required");
  if (external_batch_id->size() > kMaxReferenceLength) return Status::InvalidArgument("externalBatchId is too long");
  return Status::Ok();
}

Result<persistence::PrefillInstanceRecord> PrefillService::prepare(const persistence::SystemRecord& owner_system,
                                                                   const PrefillTaskInput& in, BlobGuard& blobs,
                                                                   std::vector<std::string>& keys) {
  if (empty(in.service_owner_code) || !isOwnSystemUserCode(*in.service_owner_code, owner_system.owner_code)) {
    return Status::PermissionDenied("ServiceOwnerCode must be the calling service owner's code");
  }
  if (empty(in.external_shipment_reference)) return Status::InvalidArgument("ExternalShipmentReference is required");
  if (in.external_shipment_reference->size() > kMaxReferenceLength || in.senders_reference.size() > kMaxReferenceLength) {
    return Status::InvalidArgument("ExternalShipmentReference and SendersReference are at most 255 characters");
  }
  if (empty(in.reportee) || !isValidReportee(*in.reportee)) {
    return Status::InvalidArgument("Reportee must be a valid organisation number or national identity number");
  }
  if (in.valid_from >= in.valid_to) return Status::InvalidArgument("ValidFromDate must be before ValidToDate");
  if (empty(in.service_code)) return Status::InvalidArgument("ExternalServiceCode is required");
  auto found = database_.services().find(*in.service_code, in.service_edition);
  if (!found.ok()) return found.status();
  if (!found.value()) {
    return Status::InvalidArgument("no service with code " + *in.service_code + " and edition " +
                                   std::to_string(in.service_edition));
  }
  const persistence::ServiceRecord& service = *found.value();
  if (!owner_system.owner_id || service.owner_id != *owner_system.owner_id) {
    return Status::PermissionDenied("the service does not belong to the calling service owner");
  }
  if (in.forms.empty()) return Status::InvalidArgument("PreFillForms must contain at least one PrefillForm");
  if (static_cast<int>(in.forms.size()) > limits_.max_forms) {
    return Status::ResourceExhausted("more than " + std::to_string(limits_.max_forms) + " forms");
  }
  if (static_cast<int>(in.attachments.size()) > limits_.max_attachments) {
    return Status::ResourceExhausted("more than " + std::to_string(limits_.max_attachments) + " attachments");
  }
  persistence::PrefillInstanceRecord record;
  record.owner_id = service.owner_id;
  record.service_id = service.id;
  record.service_code = service.code;
  record.service_edition = service.edition;
  record.system_id = owner_system.id;
  record.reportee = *in.reportee;
  record.external_shipment_reference = *in.external_shipment_reference;
  record.senders_reference = in.senders_reference;
  record.valid_from = in.valid_from;
  record.valid_to = in.valid_to;
  for (std::size_t i = 0; i < in.forms.size(); ++i) {
    const PrefillFormInput& f = in.forms[i];
    const std::string which = "form " + std::to_string(i + 1);
    if (empty(f.data_format_id)) return Status::InvalidArgument(which + ": DataFormatID is required");
    const bool known = std::any_of(service.formats.begin(), service.formats.end(), [&](const auto& df) {
      return df.id == *f.data_format_id && df.version == f.data_format_version;
    });
    if (!known) {
      return Status::InvalidArgument(which + ": data format " + *f.data_format_id + " version " +
                                     std::to_string(f.data_format_version) + " does not belong to service " +
                                     service.code + " edition " + std::to_string(service.edition));
    }
    if (!f.form_data) return Status::InvalidArgument(which + ": FormDataXML is required");
    if (static_cast<int>(f.form_data->size()) > limits_.max_form_data_bytes) {
      return Status::ResourceExhausted(which + ": FormDataXML is larger than " +
                                       std::to_string(limits_.max_form_data_bytes) + " bytes");
    }
    Status xml = checkFormData(*f.form_data, kMaxFormDepth);
    if (!xml.ok()) return Status::InvalidArgument(which + ": " + xml.message());
    record.forms.push_back({*f.data_format_id, f.data_format_version, f.senders_reference, *f.form_data});
  }
  for (std::size_t i = 0; i < in.attachments.size(); ++i) {
    const PrefillAttachmentInput& a = in.attachments[i];
    const std::string which = "attachment " + std::to_string(i + 1);
    if (a.name.empty()) return Status::InvalidArgument(which + ": AttachmentName is required");
    if (a.file_name.empty()) return Status::InvalidArgument(which + ": FileName is required");
    if (a.data.empty()) return Status::InvalidArgument(which + ": AttachmentData is empty");
    if (static_cast<long>(a.data.size()) > limits_.max_attachment_bytes) {
      return Status::ResourceExhausted(which + " is larger than " + std::to_string(limits_.max_attachment_bytes) +
                                       " bytes");
    }
  }
  // Bytes go to the file store only once everything else is known to be valid.
  for (const PrefillAttachmentInput& a : in.attachments) {
    auto blob = files_.put(a.data);
    if (!blob.ok()) return blob.status();
    blobs.add(blob->key);
    keys.push_back(blob->key);
    record.attachments.push_back(
        {a.name, a.file_name, a.attachment_type, a.senders_reference, blob->size, blob->sha256_hex, blob->key});
  }
  return record;
}

Result<PrefillOutcome> PrefillService::submitAndInstantiate(const persistence::SystemRecord& owner_system,
                                                            const std::optional<std::string>& external_batch_id,
                                                            const PrefillTaskInput& task,
                                                            const InstantiateOptions& options) {
  if (Status s = validateRequest(owner_system, external_batch_id); !s.ok()) return s;
  if (!options.save && !options.instantiate) {
    return Status::InvalidArgument("doSaveFormTask or doinstantiateFormTask must be true");
  }
  if (options.due_date && *options.due_date < task.valid_from) {
    return Status::InvalidArgument("dueDate must not be before ValidFromDate");
  }
  if (!options.on_behalf_of.empty() && !isValidOrganisationNumber(options.on_behalf_of)) {
    return Status::InvalidArgument("instantitedOnBehalfOf must be a valid organisation number");
  }
  BlobGuard blobs(files_);
  std::vector<std::string> keys;
  auto record = prepare(owner_system, task, blobs, keys);
  if (!record.ok()) return record.status();
  record->state = options.instantiate ? persistence::PrefillState::kInstantiated : persistence::PrefillState::kSaved;
  record->case_id = options.case_id;
  record->due_date = options.due_date;
  record->on_behalf_of = options.on_behalf_of;

  persistence::PrefillRepository::Request request;
  request.owner_id = *owner_system.owner_id;
  request.system_id = owner_system.id;
  request.external_batch_id = *external_batch_id;
  request.items.push_back({std::move(record).value(), ""});
  auto stored = database_.prefills().store(request);
  if (stored.ok()) {
    blobs.keep();
    log::info("prefill.stored", {{"receipt_id", std::to_string(stored->id)}});
    return PrefillOutcome{std::move(stored).value(), false};
  }
  if (stored.status().code() == StatusCode::kAlreadyExists) {
    auto earlier = database_.prefills().findBatchReceipt(request.owner_id, request.external_batch_id);
    if (earlier.ok() && earlier.value()) return PrefillOutcome{*earlier.value(), true};
  }
  return stored.status();
}

Result<PrefillOutcome> PrefillService::submitBatch(const persistence::SystemRecord& owner_system,
                                                   const std::optional<std::string>& external_batch_id,
                                                   const std::optional<std::string>& system_user_code,
                                                   const std::vector<PrefillTaskInput>& tasks) {
  if (Status s = validateRequest(owner_system, external_batch_id); !s.ok()) return s;
  if (empty(system_user_code) || !isOwnSystemUserCode(*system_user_code, owner_system.owner_code)) {
    return Status::PermissionDenied("SystemUserCode must be the calling service owner's code");
  }
  if (tasks.empty()) return Status::InvalidArgument("PreFillFormTasklist must contain at least one PrefillFormTask");
  if (static_cast<int>(tasks.size()) > kMaxPrefillBatchItems) {
    return Status::ResourceExhausted("more than " + std::to_string(kMaxPrefillBatchItems) + " prefilled form tasks");
  }
  BlobGuard blobs(files_);
  std::vector<std::vector<std::string>> keys(tasks.size());
  persistence::PrefillRepository::Request request;
  request.owner_id = *owner_system.owner_id;
  request.system_id = owner_system.id;
  request.external_batch_id = *external_batch_id;
  request.sub_receipts = true;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    auto record = prepare(owner_system, tasks[i], blobs, keys[i]);
    if (!record.ok() && (record.status().code() == StatusCode::kUnavailable ||
                        record.status().code() == StatusCode::kInternal)) {
      return record.status();
    }
    persistence::PrefillRepository::Item item;
    if (record.ok()) {
      item.instance = std::move(record).value();
      item.instance.state = persistence::PrefillState::kSaved;
    } else {
      // Keep the references the owner sent, for the sub-receipt; the message names the problem.
      item.instance.external_shipment_reference = tasks[i].external_shipment_reference.value_or("");
      item.instance.senders_reference = tasks[i].senders_reference;
      item.rejection = record.status().message();
    }
    request.items.push_back(std::move(item));
  }
  auto stored = database_.prefills().store(request);
  if (stored.ok()) {
    blobs.keep();
    // Items the repository refused (ExternalShipmentReference used before) keep no bytes.
    const auto& subs = stored->sub_receipts;
    for (std::size_t i = 0; i < subs.size() && i < keys.size(); ++i) {
      if (subs[i].status != persistence::ReceiptStatus::kOk) {
        for (const auto& key : keys[i]) files_.remove(key);
      }
    }
    log::info("prefill.batch_stored", {{"receipt_id", std::to_string(stored->id)},
                                        {"items", std::to_string(tasks.size())}});
    return PrefillOutcome{std::move(stored).value(), false};
  }
  if (stored.status().code() == StatusCode::kAlreadyExists) {
    auto earlier = database_.prefills().findBatchReceipt(request.owner_id, request.external_batch_id);
    if (earlier.ok() && earlier.value()) return PrefillOutcome{*earlier.value(), true};
  }
  return stored.status();
}

Result<std::vector<OpenPrefillTask>> PrefillService::openTasks(const persistence::SystemRecord& end_user_system,
                                                               const OpenTaskQuery& query) {
  if (empty(query.reportee) || !isValidReportee(*query.reportee)) {
    return Status::InvalidArgument("reportee must be a valid organisation number or national identity number");
  }
  auto may = database_.systems().mayActFor(end_user_system.id, *query.reportee);
  if (!may.ok()) return may.status();
  if (!may.value()) return Status::PermissionDenied("the system may not act for this reportee", 0);
  persistence::PrefillRepository::OpenQuery open;
  open.reportee = *query.reportee;
  open.now = std::time(nullptr);
  open.service_code = query.service_code;
  open.service_edition = query.service_edition;
  open.instance_id = query.prefill_id;
  open.limit = kMaxOpenPrefillTasks;
  auto found = database_.prefills().listOpen(open);
  if (!found.ok()) return found.status();
  std::vector<OpenPrefillTask> tasks;
  for (auto& record : found.value()) {
    OpenPrefillTask task;
    for (const auto& a : record.attachments) {
      auto bytes = files_.get(a.storage_key);
      if (!bytes.ok()) return bytes.status();
      task.attachment_data.push_back(std::move(bytes).value());
    }
    task.task = std::move(record);
    tasks.push_back(std::move(task));
  }
  return tasks;
}

}  // namespace gateway::core
