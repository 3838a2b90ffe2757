#include "broker_sftp/broker_outbound_writer.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "broker_sftp/broker_inbound_handler.h"
#include "common/log.h"

namespace gateway::broker_sftp {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kListLimit = 1000;  // BrokerService::availableFiles lists at most this many

bool present(const fs::path& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

Status ensureMarkerDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Unavailable("cannot create " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  return Status::Ok();
}

}  // namespace

BrokerOutboundWriter::BrokerOutboundWriter(const sftp::DropArea& area, persistence::SystemRepository& systems,
                                           core::BrokerService& broker)
    : area_(area), systems_(systems), broker_(broker) {}

Result<OutboundPass> BrokerOutboundWriter::passOnce() {
  auto orgs = area_.organisations();
  if (!orgs.ok()) return orgs.status();
  OutboundPass counts;
  Status first = Status::Ok();
  for (const auto& org : orgs.value()) {
    Status s = pass(org, counts);
    if (!s.ok()) {
      log::warn("broker.sftp.outbound_failed", {{"account", org.account().owner_code}, {"error", s.message()}});
      if (first.ok()) first = s;
    }
  }
  if (!first.ok()) return first;
  return counts;
}

Status BrokerOutboundWriter::pass(const sftp::OrgAccount& org, OutboundPass& counts) {
  const sftp::SftpAccount account = org.account();
  auto system = organisationSystem(area_, systems_, org.org_number);
  if (!system.ok()) return system.status();
  core::BrokerSearch search;
  search.reportee = org.org_number;
  search.status = core::BrokerFileStatus::kUploaded;  // Uploaded or Downloaded, not confirmed
  auto files = broker_.availableFiles(system.value(), search);
  if (!files.ok()) return files.status();

  const fs::path outbound = area_.folder(account, sftp::Folder::kOutbound);
  const fs::path markers = area_.root() / "etc" / "broker-delivered" / account.owner_code;
  if (Status s = ensureMarkerDir(markers); !s.ok()) return s;
  std::set<std::string> listed;
  Status first = Status::Ok();
  for (const auto& f : files.value()) {
    listed.insert(f.file_reference);
    // One file's trouble (it expired a moment ago, a disk error) does not hold up the others.
    Status s = serveFile(account, org.org_number, system.value(), f, outbound, markers, counts);
    if (!s.ok()) {
      log::warn("broker.sftp.outbound_file_failed",
                {{"account", account.owner_code}, {"file_reference", f.file_reference}, {"error", s.message()}});
      if (first.ok()) first = s;
    }
  }
  if (files->size() >= kListLimit) return first;  // a partial list: nothing is known to be gone
  std::error_code ec;
  for (fs::directory_iterator it(markers, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string reference = it->path().filename().string();
    if (listed.count(reference) != 0) continue;
    std::error_code ignored;
    fs::remove(outbound / (reference + ".zip"), ignored);
    fs::remove(it->path(), ignored);
    ++counts.removed;
    log::info("broker.sftp.withdrawn", {{"account", account.owner_code}, {"file_reference", reference}});
  }
  return first;
}

Status BrokerOutboundWriter::serveFile(const sftp::SftpAccount& account, const std::string& org_number,
                                       const persistence::SystemRecord& system,
                                       const persistence::BrokerAvailableFile& file, const fs::path& outbound,
                                       const fs::path& markers, OutboundPass& counts) {
  const std::string name = file.file_reference + ".zip";
  const fs::path marker = markers / file.file_reference;
  if (!present(marker)) {
    auto download = broker_.openFile(system, file.file_reference, org_number);
    if (!download.ok()) return download.status();
    persistence::BlobReader& bytes = *download->bytes;
    Status written = sftp::streamFileAtomically(
        outbound, name, [&bytes](char* buffer, std::size_t capacity) { return bytes.read(buffer, capacity); }, 0640,
        area_.fileOwner(account));
    if (!written.ok()) return written;
    if (Status s = sftp::writeFileAtomically(markers, file.file_reference, "", 0600, std::nullopt); !s.ok()) return s;
    if (Status s = broker_.recordDownloaded(download->shipment.id, org_number); !s.ok()) return s;
    ++counts.delivered;
    log::info("broker.sftp.delivered", {{"account", account.owner_code}, {"file_reference", file.file_reference}});
    return Status::Ok();
  }
  if (!present(outbound / name)) {
    // Picked up: the recipient deleted or moved the file it was given.
    if (Status s = broker_.confirmDownloaded(system, file.file_reference, org_number); !s.ok()) return s;
    std::error_code ignored;
    fs::remove(marker, ignored);
    ++counts.confirmed;
    log::info("broker.sftp.confirmed", {{"account", account.owner_code}, {"file_reference", file.file_reference}});
    return Status::Ok();
  }
  if (file.recipient_state == persistence::BrokerRecipientState::kUploaded) {
    // Delivered, but recording it did not happen (the database was away): record it now.
    auto shipment = broker_.openFile(system, file.file_reference, org_number);
    if (!shipment.ok()) return shipment.status();
    return broker_.recordDownloaded(shipment->shipment.id, org_number);
  }
  return Status::Ok();
}

}  // namespace gateway::broker_sftp