#include "core/archive_service.h"

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
