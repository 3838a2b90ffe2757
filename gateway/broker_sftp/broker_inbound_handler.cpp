#include "broker_sftp/broker_inbound_handler.h"

#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <vector>

#include "broker_sftp/broker_zip.h"
#include "common/log.h"
#include "core/broker_manifest.h"

namespace gateway::broker_sftp {
namespace {

constexpr std::size_t kPiece = 1 << 20;

std::string isoTime(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string receiptXml(const core::BrokerUploaded& uploaded, const std::string& file_name) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<BrokerSftpReceipt>\n"
         "  <FileReference>" + uploaded.file_reference + "</FileReference>\n"
         "  <ReceiptId>" + std::to_string(uploaded.receipt_id) + "</ReceiptId>\n"
         "  <FileName>" + escaped(file_name) + "</FileName>\n"
         "  <Size>" + std::to_string(uploaded.size) + "</Size>\n"
         "  <Sha256>" + uploaded.sha256_hex + "</Sha256>\n"
         "  <Uploaded>" + isoTime(uploaded.at) + "</Uploaded>\n"
         "</BrokerSftpReceipt>\n";
}

}  // namespace

Result<persistence::SystemRecord> organisationSystem(const sftp::DropArea& area, persistence::SystemRepository& systems,
                                                     const std::string& org_number) {
  auto orgs = area.organisations();
  if (!orgs.ok()) return orgs.status();
  for (const auto& org : orgs.value()) {
    if (org.org_number != org_number) continue;
    auto system = systems.findByUsername(org.system);
    if (!system.ok()) return system.status();
    if (!system.value() || !system.value()->active || system.value()->org_number != org_number) {
      return Status::PermissionDenied("the organisation's SFTP account is not bound to an active system of the "
                                      "organisation (gatewayctl sftp org add)");
    }
    return *system.value();
  }
  return Status::NotFound("the organisation is not registered for the broker drop area");
}

BrokerInboundHandler::BrokerInboundHandler(const sftp::DropArea& area, persistence::SystemRepository& systems,
                                           core::BrokerService& broker, long max_file_bytes)
    : area_(area), systems_(systems), broker_(broker), max_file_bytes_(max_file_bytes) {}

Result<sftp::InboundVerdict> BrokerInboundHandler::handle(const sftp::InboundFile& file) {
  auto verdict = send(file);
  if (verdict.ok() || verdict.status().code() == StatusCode::kUnavailable) return verdict;
  const Status& s = verdict.status();
  log::info("broker.sftp.rejected", {{"account", file.account.owner_code}, {"file", file.name},
                                     {"error_id", std::to_string(s.altinnErrorId())}});
  sftp::InboundVerdict rejected;
  rejected.error = s.message() + " (ErrorID " + std::to_string(s.altinnErrorId()) + ")";
  return rejected;
}

Result<sftp::InboundVerdict> BrokerInboundHandler::send(const sftp::InboundFile& file) {
  const std::string& org = file.account.org_number;
  if (file.account.kind != sftp::AccountKind::kOrganisation || file.fd < 0) {
    return Status::Internal("the broker handler takes streamed files of organisation accounts");
  }
  auto system = organisationSystem(area_, systems_, org);
  if (!system.ok()) return system.status();
  auto zip = readBrokerZip(file.fd);
  if (!zip.ok()) return zip.status();
  auto manifest = core::parseManifest(zip->manifest_xml);
  if (!manifest.ok()) return manifest.status();
  if (manifest->reportee != org) {
    return Status::PermissionDenied("the manifest's Reportee must be the organisation of the SFTP account", 0);
  }
  auto reference = broker_.initiateFromXml(system.value(), zip->manifest_xml, zip->recipients_xml);
  if (!reference.ok()) return reference.status();
  auto upload = broker_.beginUpload(system.value(), reference.value(), org, file.name, max_file_bytes_);
  if (!upload.ok()) return upload.status();
  if (::lseek(file.fd, 0, SEEK_SET) != 0) return Status::Unavailable("cannot rewind the inbound file");
  std::vector<char> piece(kPiece);
  for (;;) {
    ssize_t n = ::read(file.fd, piece.data(), piece.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Unavailable("cannot read the inbound file");
    if (n == 0) break;
    if (Status s = upload.value()->write(piece.data(), static_cast<std::size_t>(n)); !s.ok()) return s;
  }
  auto uploaded = broker_.finishUpload(*upload.value());
  if (!uploaded.ok()) return uploaded.status();
  log::info("broker.sftp.sent", {{"account", file.account.owner_code}, {"file_reference", uploaded->file_reference},
                                 {"bytes", std::to_string(uploaded->size)}});
  sftp::InboundVerdict verdict;
  verdict.accepted = true;
  verdict.receipt = receiptXml(uploaded.value(), file.name);
  return verdict;
}

}  // namespace gateway::broker_sftp
