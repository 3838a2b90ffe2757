#include "core/archive_service.h"

#include "core/party_numbers.h"
#include "pdf/form_set_pdf.h"

namespace gateway::core {
namespace {

Status notFound(const std::string& what) { return Status::NotFound("no archived form task with this " + what); }

bool isArchiveReference(const std::string& ref) { return ref.size() > 2 && ref.size() <= 64; }

Status checkLanguage(int language_id, const char* parameter) {
  if (language_id == 1044 || language_id == 2068 || language_id == 1033) return Status::Ok();
  return Status::InvalidArgument(std::string(parameter) + " must be 1044, 2068 or 1033", 40001);
}

// "AR" followed by the submission id (1 to 18 digits); nullopt for anything else.
std::optional<persistence::Id> submissionIdOf(const std::string& ref) {
  if (ref.size() < 3 || ref.size() > 20 || ref.compare(0, 2, "AR") != 0) return std::nullopt;
  persistence::Id id = 0;
  for (std::size_t i = 2; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') return std::nullopt;
    id = id * 10 + (ref[i] - '0');
  }
  return id;
}

std::optional<std::string> given(const std::optional<std::string>& text) {
  return text && !text->empty() ? text : std::nullopt;
}

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
    // A streamed attachment may be far larger than any message: its bytes are fetched with
    // GetAttachmentDataStreamedBasic, never loaded here.
    if (meta.size > limits_.max_attachment_bytes) {
      task.attachments.push_back({meta, {}});
      continue;
    }
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
  if (Status language = checkLanguage(language_id, "languageId"); !language.ok()) return language;
  pdf::FormSetPdfInput input;
  input.language = language_id == 1033   ? pdf::Language::kEnglish
                   : language_id == 2068 ? pdf::Language::kNynorsk
                                         : pdf::Language::kBokmal;
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

Result<persistence::SubmissionRepository::ArchiveSearchPage> ArchiveService::searchArchive(
    const persistence::SystemRecord& owner, const ArchiveSearchCriteria& criteria, int language_id) {
  if (Status language = checkLanguage(language_id, "languageID"); !language.ok()) return language;
  persistence::SubmissionRepository::ArchiveSearch query;
  query.reportee = given(criteria.reportee);
  if (query.reportee && !isValidReportee(*query.reportee)) {
    return Status::InvalidArgument("SSNOrOrgNumber is neither an organisation number nor a national identity number");
  }
  query.from = criteria.from;
  query.to = criteria.to;
  if (query.from && query.to && *query.from > *query.to) return Status::InvalidArgument("DateFrom is after DateTo");
  if (auto reference = given(criteria.reference)) {
    query.submission_id = submissionIdOf(*reference);
    if (!query.submission_id) return persistence::SubmissionRepository::ArchiveSearchPage{};  // matches nothing
  }
  query.case_id = criteria.case_id;
  query.service_name_contains = given(criteria.subject);
  if (query.service_name_contains && query.service_name_contains->size() > 255) {
    return Status::InvalidArgument("Subject is longer than 255 characters");
  }
  query.system_username = given(criteria.user_name);
  if (query.system_username && query.system_username->size() > 64) {
    return Status::InvalidArgument("UserName is longer than 64 characters");
  }
  return database_.submissions().searchArchive(*owner.owner_id, query, limits_.max_archive_search);
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
