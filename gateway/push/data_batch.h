#pragma once
// The `batch` string of ReceiveOnlineBatchExternalAttachment: one archived submission as a
// genericbatch DataBatch document, shaped after genericbatch.2013.06 as far as the public sources
// describe it (docs/services.md shows the exact output). Attachments are listed (name, file name,
// type, size, SHA-256, zipEntry); their bytes travel in the `attachments` parameter as a ZIP whose
// entry names are the zipEntry attributes (attachment_zip.h).

#include <cstdint>
#include <string>

#include "persistence/records.h"

namespace gateway::push {

// `sequence_number` is the channel's sequence number of this item; `now` the time stamp written.
// Form data is carried as CDATA text of <FormData>, byte for byte.
std::string buildDataBatch(const persistence::ArchivedSubmission& submission, std::int64_t sequence_number,
                           std::time_t now);

}  // namespace gateway::push
