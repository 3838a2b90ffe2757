#pragma once
// The names of the gateway's own temporary files, so a sweep can recognise them exactly and never
// touch anything else. Each writer creates its temp file with mkstemp/mkostemp, whose "XXXXXX" becomes
// six characters of [A-Za-z0-9]:
//
//   file store (persistence/mysql/local_file_store.cpp): <storage.root>/<xx>/<yy>/.tmp-<key>-XXXXXX
//       key = 32 lowercase hex digits, <xx><yy> its first four
//   atomic files (gateway/sftp/atomic_file.cpp; batch files, reports, broker files and markers,
//       drop-area account files under sftp.root): <dir>/.<name>.partial-XXXXXX, <name> a plain name
//   push / batch attachment ZIPs (gateway/push/attachment_zip.cpp): <push.temp_dir>/push-attachments-XXXXXX,
//       and libzip's own temp file while it writes the archive: push-attachments-XXXXXX.XXXXXX
//
// The age rule: a temp file may be swept once its last modification is more than `max_age` ago.
// Writers keep a live temp file's modification time fresh (docs/operations.md "Temp files").

#include <chrono>
#include <string_view>

namespace gateway::storage {

// True for ".tmp-<32 lowercase hex>-XXXXXX" (a file-store upload in progress or orphaned).
bool isFileStoreTempName(std::string_view name);
// True for ".<plain name>.partial-XXXXXX" (an atomic file being written or orphaned).
bool isAtomicFileTempName(std::string_view name);
// True for "push-attachments-XXXXXX" and "push-attachments-XXXXXX.XXXXXX".
bool isAttachmentZipTempName(std::string_view name);

// The age rule: `modified` lies more than `max_age` before `now`. A file modified "in the future"
// (clock steps) is never old.
bool isOldEnough(std::chrono::system_clock::time_point modified, std::chrono::system_clock::time_point now,
                 std::chrono::seconds max_age);

}  // namespace gateway::storage
