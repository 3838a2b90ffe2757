#pragma once
// The `attachments` parameter of ReceiveOnlineBatchExternalAttachment: the submission's attachments
// as one ZIP archive (built with libzip), one entry per attachment, named by attachmentEntryName()
// (the same name is written as the zipEntry attribute of the attachment in the DataBatch XML, see
// data_batch.h and docs/services.md). No attachments: an empty string (a length-0 array on the wire).
//
// Memory is bounded by `max_total_bytes`: the ZIP is built in a temporary file under `temp_dir`
// (each attachment streamed from the file store through a small buffer, deflated) and only the
// finished archive is read into memory, because gSOAP sends a non-MTOM base64Binary from memory.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "persistence/file_store.h"
#include "persistence/records.h"

namespace gateway::push {

// "<attachment id>_<file name>", the file name made safe as a ZIP entry name: '/', '\\', ':', '*',
// '?', '"', '<', '>', '|' and control characters become '_', an empty name becomes "attachment",
// and it is cut to at most 200 bytes at a UTF-8 character boundary. Other UTF-8 (e.g. "æøå") is kept
// and the entry is flagged as UTF-8. The id prefix keeps names unique within one submission and
// never "." or "..".
std::string attachmentEntryName(const persistence::AttachmentRecord& attachment);

// The sum of the attachments' recorded sizes (what max_total_bytes is compared with).
std::int64_t totalAttachmentBytes(const std::vector<persistence::AttachmentRecord>& attachments);

// The ZIP bytes, or "" when `attachments` is empty.
//   kResourceExhausted  the recorded sizes add up to more than max_total_bytes (nothing is read)
//   kNotFound           an attachment's bytes are missing from the file store
//   kInternal           a blob's size differs from its record
//   kUnavailable        an I/O error (file store, temp file); trying again may help
Result<std::string> buildAttachmentZip(persistence::FileStore& files,
                                       const std::vector<persistence::AttachmentRecord>& attachments,
                                       std::int64_t max_total_bytes, const std::string& temp_dir);

}  // namespace gateway::push
