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
  std::string bytes;  // empty when meta.size > CoreLimits::max_attachment_bytes (streamed ones)
};

struct ArchivedFormTask {
  persistence::ArchivedSubmission submission;
  std::vector<ArchivedAttachmentData> attachments;
};

// The criteria of an archive search as the caller gave them; empty strings count as not given.
struct ArchiveSearchCriteria {
  std::optional<std::string> reportee;     // SSNOrOrgNumber: organisation or national identity number
  std::optional<std::time_t> from, to;     // DateFrom / DateTo on the archived time, both inclusive
  std::optional<std::string> reference;    // ReferenceId: an archive reference
  std::optional<int> case_id;              // CaseID
  std::optional<std::string> subject;      // Subject: part of the service name, any case
  std::optional<std::string> user_name;    // UserName: the submitting end-user system's user name
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
  // A printable PDF of the form set (gateway/pdf/form_set_pdf.h), in the language of `language_id`
  // (1044 bokmål, 2068 nynorsk, 1033 English; anything else: kInvalidArgument, ErrorID 40001).
  // With data_format_id (and optionally data_format_version) only the matching forms are printed;
  // none matching is kNotFound. Another owner's reference answers exactly like an unknown one.
  // Reads no attachment bytes and records no shipment status.
  Result<std::string> formSetPdf(const persistence::SystemRecord& owner, const std::string& archive_reference,
                                 int language_id, const std::optional<std::string>& data_format_id,
                                 std::optional<int> data_format_version);
  // The owner's archived submissions matching every given criterion, newest first, at most
  // CoreLimits::max_archive_search (limit_reached says more matched). kInvalidArgument for a
  // malformed reportee, DateFrom after DateTo, over-long texts or an unknown language (ErrorID 40001).
  // A ReferenceId that is no archive reference matches nothing.
  Result<persistence::SubmissionRepository::ArchiveSearchPage> searchArchive(const persistence::SystemRecord& owner,
                                                                             const ArchiveSearchCriteria& criteria,
                                                                             int language_id);
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
