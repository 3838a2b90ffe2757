#pragma once
// Streamed attachments: an end-user system adds one attachment to a form task it submitted
// (IntermediaryInbound SubmitAttachmentStreamedBasic), and a service owner downloads any attachment
// of its own archived submissions (ServiceOwnerArchive GetAttachmentDataStreamedBasic). Bytes move
// between the caller and the file store in pieces; nothing here holds a whole attachment in memory.
//
// An upload is three steps so that nothing is read before the caller is known to be allowed, and
// nothing is kept unless the whole message arrived: beginUpload() (checks) -> AttachmentUpload::write()
// for every piece -> finishUpload() (checksum, durable blob, database row in one transaction).
// Dropping an AttachmentUpload before finishUpload() succeeded leaves no file and no row.
//
// Thread-safe: one service serves every worker; each AttachmentUpload belongs to one thread.

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "core/services.h"
#include "persistence/file_store.h"
#include "persistence/records.h"

namespace gateway::core {

// The SOAP headers of SubmitAttachmentStreamedBasic, as the caller sent them.
struct StreamedAttachmentHeaders {
  std::optional<int> reportee_element_id;  // the form task (archive reference "AR" + this number)
  std::string name;
  std::string file_name;
  std::string attachment_type_name;
  std::string end_user_system_reference;
  std::optional<std::string> checksum;  // hex SHA-256 (64) or MD5 (32) of the bytes, when given
};

class AttachmentUpload {
 public:
  ~AttachmentUpload();  // without a successful finishUpload(): the partial blob is removed
  AttachmentUpload(const AttachmentUpload&) = delete;
  AttachmentUpload& operator=(const AttachmentUpload&) = delete;

  // Appends a piece. kResourceExhausted once the total would pass the streamed attachment limit,
  // kUnavailable on a file-store error; after a failure the upload only accepts being dropped.
  Status write(const char* data, std::size_t size);
  std::int64_t size() const;

 private:
  friend class StreamedAttachmentService;
  AttachmentUpload() = default;

  persistence::Id system_id_ = 0;
  persistence::Id submission_id_ = 0;
  StreamedAttachmentHeaders headers_;
  long limit_ = 0;
  std::unique_ptr<persistence::BlobWriter> blob_;
  struct Md5;  // running MD5 when the caller's checksum is one
  std::unique_ptr<Md5> md5_;
  Status failed_;
};

struct UploadedAttachment {
  persistence::Id attachment_id = 0;
  std::string archive_reference;  // of the form task it joined
  std::int64_t size = 0;
  std::string sha256_hex;
  std::time_t at = 0;
};

struct AttachmentDownload {
  persistence::AttachmentRecord meta;
  std::unique_ptr<persistence::BlobReader> bytes;  // positioned at the start; size() is the length
};

class StreamedAttachmentService {
 public:
  StreamedAttachmentService(persistence::Database& database, persistence::FileStore& files, const CoreLimits& limits);

  // `system` is an authenticated end-user system. kInvalidArgument for missing headers,
  // kNotFound when the reportee element is unknown or was not submitted by this system (the same
  // answer for both), kPermissionDenied when the system may no longer act for its reportee,
  // kResourceExhausted when the form task already has limits.max_attachments attachments.
  Result<std::unique_ptr<AttachmentUpload>> beginUpload(const persistence::SystemRecord& system,
                                                        const StreamedAttachmentHeaders& headers);
  // Call once the whole message has been read. kInvalidArgument for an empty attachment or a
  // checksum that does not match; file-store and database failures as they come. On failure
  // nothing is kept.
  Result<UploadedAttachment> finishUpload(AttachmentUpload& upload);

  // `owner` is an authenticated service-owner system. kNotFound for an unknown attachment id and
  // for another owner's attachment alike.
  Result<AttachmentDownload> openDownload(const persistence::SystemRecord& owner, persistence::Id attachment_id);

  long maxAttachmentBytes() const { return limits_.max_streamed_attachment_bytes; }

 private:
  persistence::Database& database_;
  persistence::FileStore& files_;
  CoreLimits limits_;
};

}  // namespace gateway::core
