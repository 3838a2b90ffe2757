#include "push/attachment_zip.h"

#include <unistd.h>
#include <zip.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>

namespace gateway::push {
namespace {

constexpr std::size_t kMaxFileNameBytes = 200;

bool unsafeInEntryName(unsigned char c) {
  return c < 0x20 || c == 0x7f || std::strchr("/\\:*?\"<>|", c) != nullptr;
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string cutUtf8(std::string s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s;
}

// One attachment as a libzip source that reads the blob from the file store when libzip asks for
// it (during zip_close), so only one buffer's worth of an attachment is in memory at a time.
struct BlobSource {
  persistence::FileStore* files = nullptr;
  const persistence::AttachmentRecord* record = nullptr;
  std::unique_ptr<persistence::BlobReader> reader;
  std::int64_t read_so_far = 0;
  Status failure = Status::Ok();  // why a read failed, for the caller
  zip_error_t error;

  BlobSource() { zip_error_init(&error); }
  ~BlobSource() { zip_error_fini(&error); }
  BlobSource(const BlobSource&) = delete;
  BlobSource& operator=(const BlobSource&) = delete;

  zip_int64_t fail(Status status, int zip_code) {
    if (failure.ok()) failure = std::move(status);
    zip_error_set(&error, zip_code, 0);
    return -1;
  }

  zip_int64_t handle(void* data, zip_uint64_t length, zip_source_cmd_t command) {
    switch (command) {
      case ZIP_SOURCE_OPEN: {
        auto opened = files->open(record->storage_key);
        if (!opened.ok()) return fail(opened.status(), ZIP_ER_OPEN);
        reader = std::move(opened).value();
        read_so_far = 0;
        return 0;
      }
      case ZIP_SOURCE_READ: {
        auto n = reader->read(static_cast<char*>(data), static_cast<std::size_t>(length));
        if (!n.ok()) return fail(n.status(), ZIP_ER_READ);
        read_so_far += static_cast<std::int64_t>(n.value());
        if (read_so_far > record->size || (n.value() == 0 && read_so_far != record->size)) {
          return fail(Status::Internal("attachment " + std::to_string(record->id) +
                                       ": stored bytes differ in size from the record"),
                      ZIP_ER_INCONS);
        }
        return static_cast<zip_int64_t>(n.value());
      }
      case ZIP_SOURCE_CLOSE:
        reader.reset();
        return 0;
      case ZIP_SOURCE_STAT: {
        auto* st = static_cast<zip_stat_t*>(data);
        zip_stat_init(st);
        st->size = static_cast<zip_uint64_t>(record->size);
        st->valid |= ZIP_STAT_SIZE;
        return sizeof(zip_stat_t);
      }
      case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&error, data, length);
      case ZIP_SOURCE_FREE:
        return 0;  // owned by buildAttachmentZip, which outlives the archive handle
      case ZIP_SOURCE_SUPPORTS:
        return ZIP_SOURCE_SUPPORTS_READABLE;
      default:
        zip_error_set(&error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
  }

  static zip_int64_t callback(void* self, void* data, zip_uint64_t length, zip_source_cmd_t command) {
    return static_cast<BlobSource*>(self)->handle(data, length, command);
  }
};

// The temp file's name; removed when this goes out of scope.
struct TempPath {
  std::string path;
  ~TempPath() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

std::string zipErrorText(zip_t* archive) {
  const char* text = zip_strerror(archive);
  return text ? text : "unknown libzip error";
}

}  // namespace

std::string attachmentEntryName(const persistence::AttachmentRecord& attachment) {
  std::string safe;
  safe.reserve(attachment.file_name.size());
  for (char c : attachment.file_name) safe += unsafeInEntryName(static_cast<unsigned char>(c)) ? '_' : c;
  safe = cutUtf8(std::move(safe), kMaxFileNameBytes);
  if (safe.empty()) safe = "attachment";
  return std::to_string(attachment.id) + "_" + safe;
}

std::int64_t totalAttachmentBytes(const std::vector<persistence::AttachmentRecord>& attachments) {
  std::int64_t total = 0;
  for (const auto& a : attachments) total += a.size;
  return total;
}

Result<std::string> buildAttachmentZip(persistence::FileStore& files,
                                       const std::vector<persistence::AttachmentRecord>& attachments,
                                       std::int64_t max_total_bytes, const std::string& temp_dir) {
  if (attachments.empty()) return std::string();
  const std::int64_t total = totalAttachmentBytes(attachments);
  if (total > max_total_bytes) {
    return Status::ResourceExhausted("the attachments total " + std::to_string(total) +
                                     " bytes, more than push.max_attachment_bytes (" +
                                     std::to_string(max_total_bytes) + ")");
  }

  TempPath temp;
  {
    std::string pattern = (temp_dir.empty() ? std::string("/tmp") : temp_dir) + "/push-attachments-XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) return Status::Unavailable(std::string("cannot create a temp file for the ZIP: ") + std::strerror(errno));
    ::close(fd);
    temp.path = pattern;
  }

  std::vector<std::unique_ptr<BlobSource>> sources;  // outlive `archive` (declared before it)
  int open_error = 0;
  zip_t* archive = zip_open(temp.path.c_str(), ZIP_TRUNCATE, &open_error);
  if (archive == nullptr) return Status::Unavailable("cannot open the temp ZIP (libzip error " + std::to_string(open_error) + ")");

  for (const persistence::AttachmentRecord& a : attachments) {
    auto source = std::make_unique<BlobSource>();
    source->files = &files;
    source->record = &a;
    zip_source_t* zs = zip_source_function(archive, &BlobSource::callback, source.get());
    if (zs == nullptr) {
      const std::string why = zipErrorText(archive);
      zip_discard(archive);
      return Status::Internal("libzip: " + why);
    }
    const std::string name = attachmentEntryName(a);
    const zip_int64_t index = zip_file_add(archive, name.c_str(), zs, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      const std::string why = zipErrorText(archive);
      zip_source_free(zs);
      zip_discard(archive);
      return Status::Internal("libzip: cannot add an entry: " + why);
    }
    zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 0);
    sources.push_back(std::move(source));
  }

  // Reads every blob, deflates it into a file beside temp.path and renames that over it.
  if (zip_close(archive) != 0) {
    const std::string why = zipErrorText(archive);
    zip_discard(archive);
    for (const auto& s : sources) {
      if (!s->failure.ok()) return s->failure;
    }
    return Status::Unavailable("cannot write the attachments ZIP: " + why);
  }

  std::ifstream in(temp.path, std::ios::binary | std::ios::ate);
  const std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : -1;
  if (size < 0) return Status::Unavailable("cannot read back the attachments ZIP");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) return Status::Unavailable("cannot read back the attachments ZIP");
  return bytes;
}

}  // namespace gateway::push
