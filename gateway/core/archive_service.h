#pragma once
// What a service owner does with archived submissions: the download queue, fetching an archived
// form task (with attachment bytes), purging, and shipment status. Every call is scoped to the
// caller's own service owner; another owner's references answer "not found".

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "core/services.h"
#include "persistence/records.h"

namespace gateway::core {

struct ArchivedAttachmentData {
  persistence::AttachmentRecord meta;
  std::string bytes;
};

struct ArchivedFormTask {
  persistence::ArchivedSubmission submission;
  std::vector<ArchivedAttachmentData> attachments;
};

class ArchiveService {
 public:
  ArchiveService(persistence::Database& database, persistence::FileStore& files, const CoreLimits& limits);

  Result<std::vector<persistence::QueueItem>> queue(const persistence::SystemRecord& owner,
                                                    const std::optional<std::string>& service_code);
  Status purge(const persistence::SystemRecord& owner, const std::string& archive_reference);
  // Also records a "Sent" shipment status: the owner has now received the form task.
  Result<ArchivedFormTask> fetchByArchiveReference(const persistence::SystemRecord& owner,
                                                   const std::string& archive_reference);
  Result<ArchivedFormTask> fetchById(const persistence::SystemRecord& owner, persistence::Id reportee_element_id);
  // Exactly one of archive reference or service reference (service code required there).
  Result<persistence::SubmissionRepository::ShipmentPage> shipmentStatus(
      const persistence::SystemRecord& owner, const persistence::SubmissionRepository::ShipmentQuery& query);

 private:
  Result<ArchivedFormTask> withAttachments(Result<persistence::ArchivedSubmission> submission);

  persistence::Database& database_;
  persistence::FileStore& files_;
  CoreLimits limits_;
};

}  // namespace gateway::core
