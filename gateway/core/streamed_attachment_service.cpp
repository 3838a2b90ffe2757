#include "core/streamed_attachment_service.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "common/log.h"
#include "core/blob_guard.h"

namespace gateway::core {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string hex(const unsigned char* data, unsigned int size) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

constexpr std::size_t kMaxText = 255;  // the attachment row's text columns

}  // namespace

struct AttachmentUpload::Md5 {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Md5() { EVP_MD_CTX_free(ctx); }
};

AttachmentUpload::~AttachmentUpload() = default;  // blob_ not committed: its destructor removes the temp file

Status AttachmentUpload::write(const char* data, std::size_t size) {
  if (!failed_.ok()) return failed_;
  if (blob_->size() + static_cast<std::int64_t>(size) > limit_) {
    failed_ = Status::ResourceExhausted("the attachment is larger than " + std::to_string(limit_) + " bytes");
    return failed_;
  }
  if (md5_ && EVP_DigestUpdate(md5_->ctx, data, size) != 1) {
    failed_ = Status::Internal("md5 failed");
    return failed_;
  }
  Status s = blob_->write(data, size);
  if (!s.ok()) failed_ = s;
  return s;
}

std::int64_t AttachmentUpload::size() const { return blob_->size(); }

StreamedAttachmentService::StreamedAttachmentService(persistence::Database& database, persistence::FileStore& files,
                                                     const CoreLimits& limits)
    : database_(database), files_(files), limits_(limits) {}

Result<std::unique_ptr<AttachmentUpload>> StreamedAttachmentService::beginUpload(
    const persistence::SystemRecord& system, const StreamedAttachmentHeaders& headers) {
  if (!headers.reportee_element_id || *headers.reportee_element_id <= 0) {
    return Status::InvalidArgument("the ReporteeElementId header is required");
  }
  if (headers.name.empty()) return Status::InvalidArgument("the Name header is required");
  if (headers.file_name.empty()) return Status::InvalidArgument("the FileName header is required");
  for (const std::string* text : {&headers.name, &headers.file_name, &headers.attachment_type_name,
                                  &headers.end_user_system_reference}) {
    if (text->size() > kMaxText) return Status::InvalidArgument("a header is longer than 255 characters");
  }
  std::optional<std::string> checksum;
  if (headers.checksum && !headers.checksum->empty()) {
    checksum = lower(*headers.checksum);
    const bool is_hex = std::all_of(checksum->begin(), checksum->end(),
                                    [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
    if (!is_hex || (checksum->size() != 64 && checksum->size() != 32)) {
      return Status::InvalidArgument("the CheckSum header must be hex SHA-256 or MD5");
    }
  }

  auto target = database_.submissions().findSubmittedBy(system.id, *headers.reportee_element_id);
  if (!target.ok()) {
    if (target.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("no form task with this ReporteeElementId submitted by this system");
    }
    return target.status();
  }
  auto may = database_.systems().mayActFor(system.id, target->reportee);
  if (!may.ok()) return may.status();
  if (!may.value()) return Status::PermissionDenied("the system may not act for this reportee", 0);
  if (target->attachment_count >= limits_.max_attachments) {
    return Status::ResourceExhausted("the form task already has " + std::to_string(limits_.max_attachments) +
                                     " attachments");
  }

  auto blob = files_.create();
  if (!blob.ok()) return blob.status();
  std::unique_ptr<AttachmentUpload> upload(new AttachmentUpload());
  upload->system_id_ = system.id;
  upload->submission_id_ = target->submission_id;
  upload->headers_ = headers;
  upload->headers_.checksum = checksum;
  upload->limit_ = limits_.max_streamed_attachment_bytes;
  upload->blob_ = std::move(blob).value();
  if (checksum && checksum->size() == 32) {
    upload->md5_ = std::make_unique<AttachmentUpload::Md5>();
    if (!upload->md5_->ctx || EVP_DigestInit_ex(upload->md5_->ctx, EVP_md5(), nullptr) != 1) {
      return Status::Internal("md5 failed");
    }
  }
  return upload;
}

Result<UploadedAttachment> StreamedAttachmentService::finishUpload(AttachmentUpload& upload) {
  if (!upload.failed_.ok()) return upload.failed_;
  if (upload.blob_->size() == 0) return Status::InvalidArgument("the attachment is empty");
  std::string md5_hex;
  if (upload.md5_) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(upload.md5_->ctx, digest, &length) != 1) return Status::Internal("md5 failed");
    md5_hex = hex(digest, length);
  }
  auto stored = upload.blob_->commit();
  if (!stored.ok()) return stored.status();
  // From here the blob is durable under its key; it must go again unless the row commits.
  BlobGuard blob(files_);
  blob.add(stored->key);
  const auto& checksum = upload.headers_.checksum;
  if (checksum && *checksum != (checksum->size() == 64 ? stored->sha256_hex : md5_hex)) {
    return Status::InvalidArgument("the CheckSum header does not match the attachment");
  }
  persistence::AttachmentRecord row;
  row.name = upload.headers_.name;
  row.file_name = upload.headers_.file_name;
  row.attachment_type_name = upload.headers_.attachment_type_name;
  row.end_user_system_reference = upload.headers_.end_user_system_reference;
  row.size = stored->size;
  row.sha256_hex = stored->sha256_hex;
  row.storage_key = stored->key;
  auto id = database_.submissions().addAttachment(upload.system_id_, upload.submission_id_, row);
  if (!id.ok()) return id.status();
  blob.keep();
  UploadedAttachment out;
  out.attachment_id = id.value();
  out.archive_reference = "AR" + std::to_string(upload.submission_id_);
  out.size = stored->size;
  out.sha256_hex = stored->sha256_hex;
  out.at = std::time(nullptr);
  log::info("streamed_attachment_stored", {{"attachment_id", std::to_string(out.attachment_id)},
                                           {"archive_reference", out.archive_reference},
                                           {"bytes", std::to_string(out.size)}});
  return out;
}

Result<AttachmentDownload> StreamedAttachmentService::openDownload(const persistence::SystemRecord& owner,
                                                                   persistence::Id attachment_id) {
  auto meta = database_.submissions().findAttachment(*owner.owner_id, attachment_id);
  if (!meta.ok()) {
    if (meta.status().code() == StatusCode::kNotFound) return Status::NotFound("no attachment with this attachmentId");
    return meta.status();
  }
  auto bytes = files_.open(meta->storage_key);
  if (!bytes.ok()) {
    log::error("attachment_bytes_missing", {{"attachment_id", std::to_string(attachment_id)}});
    return Status::Internal("attachment bytes missing from the file store");
  }
  return AttachmentDownload{std::move(meta).value(), std::move(bytes).value()};
}

}  // namespace gateway::core
