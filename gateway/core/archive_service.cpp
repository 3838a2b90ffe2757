#include "core/archive_service.h"

#include "pdf/form_set_pdf.h"

namespace gateway::core {
namespace {

Status notFound(const std::string& what) { return Status::NotFound("no archived form task with this " + what); }

bool isArchiveReference(const std::string& ref) { return ref.size() > 2 && ref.size() <= 64; }

}  // namespace

ArchiveService::ArchiveService(persistence::Database& database, persistence::FileStore& files,
                               const CoreLimits& limits)
    : database_(database), files_(files), limits_(limits) {}

Result<std::vector<persistence::QueueItem>> ArchiveService::queue(const persistence::SystemRecord& owner,
                                                                  const std::optional<std::string>& service_code) {
  std::optional<std::string> filter;
  if (service_code && !service_code->empty()) filter = service_code;
  return database_.submissions().listQueue(*owner.owner_id, filter, limits_.max_queue_items);
}

Status ArchiveService::purge(const persistence::SystemRecord& owner, const std::string& archive_reference) {
  if (!isArchiveReference(archive_reference)) return Status::InvalidArgument("archiveReference is required");
  Status s = database_.submissions().purgeQueueItem(*owner.owner_id, archive_reference);
  if (s.code() == StatusCode::kNotFound) return Status::NotFound("no queue item with this archive reference");
  if (s.ok()) {
    database_.submissions().appendShipmentStatus(*owner.owner_id, archive_reference,
                                                 persistence::ShipmentStatus::kCorrelated,
                                                 "Purged from the download queue by the service owner");
  }
  return s;
}

Result<ArchivedFormTask> ArchiveService::withAttachments(Result<persistence::ArchivedSubmission> submission) {
  if (!submission.ok()) return submission.status();
  ArchivedFormTask task{std::move(submission).value(), {}};
  for (const auto& meta : task.submission.attachments) {
    auto bytes = files_.get(meta.storage_key);
    if (!bytes.ok()) return Status::Internal("attachment bytes missing from the file store");
    task.attachments.push_back({meta, std::move(bytes).value()});
  }
  return task;
}

Result<ArchivedFormTask> ArchiveService::fetchByArchiveReference(const persistence::SystemRecord& owner,
                                                                 const std::string& archive_reference) {
  if (!isArchiveReference(archive_reference)) return Status::InvalidArgument("archiveReference is required");
  auto found = database_.submissions().getByArchiveReference(*owner.owner_id, archive_reference);
  if (!found.ok() && found.status().code() == StatusCode::kNotFound) return notFound("archive reference");
  auto task = withAttachments(std::move(found));
  if (task.ok()) {
    database_.submissions().appendShipmentStatus(*owner.owner_id, archive_reference,
                                                 persistence::ShipmentStatus::kSent,
                                                 "Fetched by the service owner");
  }
  return task;
}

Result<ArchivedFormTask> ArchiveService::fetchById(const persistence::SystemRecord& owner,
                                                   persistence::Id reportee_element_id) {
  auto found = database_.submissions().getById(*owner.owner_id, reportee_element_id);
  if (!found.ok() && found.status().code() == StatusCode::kNotFound) return notFound("reportee element id");
  return withAttachments(std::move(found));
}

Result<std::string> ArchiveService::formSetPdf(const persistence::SystemRecord& owner,
                                              const std::string& archive_reference, int language_id,
                                              const std::optional<std::string>& data_format_id,
                                              std::optional<int> data_format_version) {
  pdf::FormSetPdfInput input;
  switch (language_id) {
    case 1044: input.language = pdf::Language::kBokmal; break;
    case 2068: input.language = pdf::Language::kNynorsk; break;
    case 1033: input.language = pdf::Language::kEnglish; break;
    default: return Status::InvalidArgument("languageId must be 1044, 2068 or 1033", 40001);
  }
  if (!isArchiveReference(archive_reference)) return Status::InvalidArgument("archiveReference is required");
  auto found = database_.submissions().getByArchiveReference(*owner.owner_id, archive_reference);
  if (!found.ok()) {
    if (found.status().code() == StatusCode::kNotFound) return notFound("archive reference");
    return found.status();
  }
  input.submission = std::move(found).value();
  const bool by_id = data_format_id && !data_format_id->empty();
  for (std::size_t i = 0; i < input.submission.forms.size(); ++i) {
    const auto& form = input.submission.forms[i];
    if (by_id && form.data_format_id != *data_format_id) continue;
    if (data_format_version && form.data_format_version != *data_format_version) continue;
    input.form_indexes.push_back(i);
  }
  if (input.form_indexes.empty() && (by_id || data_format_version)) {
    return Status::NotFound("no form with this data format in the form set");
  }
  pdf::PdfLimits pdf_limits;
  pdf_limits.max_pages = limits_.pdf_max_pages;
  pdf_limits.max_form_bytes = limits_.pdf_max_form_bytes;
  auto rendered = pdf::renderFormSetPdf(input, pdf_limits);
  if (!rendered.ok()) return rendered.status();
  return std::move(rendered).value().bytes;
}

Result<persistence::SubmissionRepository::ShipmentPage> ArchiveService::shipmentStatus(
    const persistence::SystemRecord& owner, const persistence::SubmissionRepository::ShipmentQuery& query) {
  const bool by_reference = query.archive_reference && !query.archive_reference->empty();
  const bool by_service = query.service_code.has_value();
  if (by_reference == by_service) {
    return Status::InvalidArgument("give either ArchiveReference or ServiceReference, not both and not neither");
  }
  if (by_service && query.service_code->empty()) return Status::InvalidArgument("ServiceReference.ServiceCode is required");
  if (query.from && query.to && *query.from > *query.to) return Status::InvalidArgument("DateFrom is after DateTo");
  return database_.submissions().shipmentStatus(*owner.owner_id, query, limits_.max_shipment_status);
}

}  // namespace gateway::core
