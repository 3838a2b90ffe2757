#include "broker_sftp/broker_zip.h"

#include <unistd.h>
#include <zip.h>

#include <memory>

namespace gateway::broker_sftp {
namespace {

struct ZipDiscard {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipFileClose {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

Result<std::string> readEntry(zip_t* archive, zip_int64_t index, const char* name) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(archive, static_cast<zip_uint64_t>(index), 0, &st) != 0 || (st.valid & ZIP_STAT_SIZE) == 0) {
    return Status::InvalidArgument(std::string("the ZIP's ") + name + " cannot be read");
  }
  if (st.size > kMaxBrokerZipDocumentBytes) {
    return Status::InvalidArgument(std::string("the ZIP's ") + name + " is larger than " +
                                   std::to_string(kMaxBrokerZipDocumentBytes) + " bytes");
  }
  std::unique_ptr<zip_file_t, ZipFileClose> file(zip_fopen_index(archive, static_cast<zip_uint64_t>(index), 0));
  if (!file) return Status::InvalidArgument(std::string("the ZIP's ") + name + " cannot be opened (encrypted or unsupported compression)");
  std::string out(static_cast<std::size_t>(st.size), '\0');
  std::size_t have = 0;
  for (;;) {
    // Read one byte past the declared size: a lying header shows up as more data or a CRC error.
    char extra;
    zip_int64_t n = have < out.size() ? zip_fread(file.get(), out.data() + have, out.size() - have)
                                      : zip_fread(file.get(), &extra, 1);
    if (n < 0) return Status::InvalidArgument(std::string("the ZIP's ") + name + " is damaged (CRC or data error)");
    if (n == 0) break;
    if (have == out.size()) return Status::InvalidArgument(std::string("the ZIP's ") + name + " is damaged");
    have += static_cast<std::size_t>(n);
  }
  if (have != out.size()) return Status::InvalidArgument(std::string("the ZIP's ") + name + " is truncated");
  return out;
}

}  // namespace

Result<BrokerZip> readBrokerZip(int fd) {
  const int copy = ::dup(fd);  // libzip closes the descriptor it is given
  if (copy < 0) return Status::Unavailable("cannot duplicate the file descriptor");
  int error = 0;
  std::unique_ptr<zip_t, ZipDiscard> archive(zip_fdopen(copy, ZIP_CHECKCONS, &error));
  if (!archive) {
    ::close(copy);
    ::lseek(fd, 0, SEEK_SET);
    return Status::InvalidArgument("not a complete ZIP archive (truncated, or damaged: the end record or central "
                                   "directory is missing or does not match the entries)");
  }
  BrokerZip out;
  zip_int64_t manifest = -1, recipients = -1;
  const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    const char* name = zip_get_name(archive.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
    if (name == nullptr) continue;
    const std::string entry(name);
    if (entry == kManifestEntry) {
      manifest = i;
    } else if (entry == kRecipientsEntry) {
      recipients = i;
    } else if (!entry.empty() && entry.back() != '/') {
      ++out.payload_entries;
    }
  }
  Status status = Status::Ok();
  if (manifest < 0) {
    status = Status::InvalidArgument("the ZIP has no manifest.xml at its top level");
  } else if (recipients < 0) {
    status = Status::InvalidArgument("the ZIP has no recipients.xml at its top level");
  } else if (out.payload_entries == 0) {
    status = Status::InvalidArgument("the ZIP holds no payload besides manifest.xml and recipients.xml");
  } else {
    auto m = readEntry(archive.get(), manifest, kManifestEntry);
    auto r = m.ok() ? readEntry(archive.get(), recipients, kRecipientsEntry) : Result<std::string>(m.status());
    if (!m.ok() || !r.ok()) {
      status = m.ok() ? r.status() : m.status();
    } else {
      out.manifest_xml = std::move(m).value();
      out.recipients_xml = std::move(r).value();
    }
  }
  archive.reset();
  ::lseek(fd, 0, SEEK_SET);
  if (!status.ok()) return status;
  return out;
}

}  // namespace gateway::broker_sftp
