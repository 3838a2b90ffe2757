#include "core/broker_service.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "common/log.h"
#include "core/party_numbers.h"

namespace gateway::core {
namespace {

using persistence::BrokerRecipientState;
using persistence::BrokerShipmentState;
using persistence::ServiceAccess;

constexpr const char* kBrokerKind = "BrokerService";
constexpr int kMaxListedFiles = 1000;
constexpr std::size_t kMaxFileName = 255;
constexpr std::size_t kMaxPollRecipients = 1000;
constexpr std::time_t kSecondsPerDay = 24 * 60 * 60;

// A random (version 4) GUID, lower case, as WCF writes them.
Result<std::string> newGuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) return Status::Internal("no randomness for a file reference");
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char text[37];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return std::string(text);
}

// ZIP local file header, or the end record of an empty archive.
bool looksLikeZip(const std::string& head) {
  return head.size() >= 4 && head[0] == 'P' && head[1] == 'K' &&
         ((head[2] == '\x03' && head[3] == '\x04') || (head[2] == '\x05' && head[3] == '\x06'));
}

Status unknownFile() { return Status::NotFound("no broker file with this reference for this reportee"); }

}  // namespace

BrokerUpload::~BrokerUpload() = default;  // an uncommitted BlobWriter removes its temp file

Status BrokerUpload::write(const char* data, std::size_t size) {
  if (!failed_.ok()) return failed_;
  if (blob_->size() + static_cast<std::int64_t>(size) > limit_) {
    failed_ = Status::ResourceExhausted("the file is larger than " + std::to_string(limit_) + " bytes");
    return failed_;
  }
  if (head_.size() < 4) head_.append(data, std::min<std::size_t>(size, 4 - head_.size()));
  Status s = blob_->write(data, size);
  if (!s.ok()) failed_ = s;
  return s;
}

std::int64_t BrokerUpload::size() const { return blob_->size(); }

BrokerService::BrokerService(persistence::Database& database, persistence::FileStore& files, const CoreLimits& limits,
                             Clock now)
    : database_(database), files_(files), limits_(limits), now_(std::move(now)) {}

Status BrokerService::mayActFor(const persistence::SystemRecord& caller, const std::string& party) {
  if (!isValidReportee(party)) {
    return Status::InvalidArgument("the reportee is not a valid organisation or national identity number");
  }
  if (caller.org_number == party) return Status::Ok();
  if (caller.role == persistence::SystemRole::kEndUser) {
    auto may = database_.systems().mayActFor(caller.id, party);
    if (!may.ok()) return may.status();
    if (may.value()) return Status::Ok();
  }
  return Status::PermissionDenied("the system may not act for this reportee", 0);
}

Status BrokerService::requireRight(persistence::Id service_id, const std::string& party, ServiceAccess access,
                                   const std::string& who) {
  const bool write = access == ServiceAccess::kWrite;
  // A rule without condition, or with the condition naming this side of the exchange.
  for (const char* condition : {"", write ? "sender" : "recipient"}) {
    auto holds = database_.serviceRights().holds(service_id, party, access, condition, now_());
    if (!holds.ok()) return holds.status();
    if (holds.value()) return Status::Ok();
  }
  return Status::PermissionDenied(who + " does not hold the " + (write ? "Write" : "Read") +
                                      " right on this broker service (or it has expired)",
                                  14);
}

Result<persistence::ServiceRecord> BrokerService::brokerService(const std::string& code, int edition) {
  auto service = database_.services().find(code, edition);
  if (!service.ok()) return service.status();
  if (!service.value() || service.value()->kind != kBrokerKind) {
    return Status::NotFound("no broker service " + code + " edition " + std::to_string(edition));
  }
  return *service.value();
}

Result<std::string> BrokerService::initiate(const persistence::SystemRecord& sender, const BrokerInitiation& in) {
  // Through the documents, so a SOAP initiation obeys exactly the schema an SFTP drop does.
  return initiateFromXml(sender, manifestXml(in.manifest), recipientListXml(in.recipients));
}

Result<std::string> BrokerService::initiateFromXml(const persistence::SystemRecord& sender,
                                                   std::string_view manifest_xml,
                                                   std::string_view recipient_list_xml) {
  auto manifest = parseManifest(manifest_xml);
  if (!manifest.ok()) return manifest.status();
  auto recipients = parseRecipientList(recipient_list_xml);
  if (!recipients.ok()) return recipients.status();
  return initiateValidated(sender, manifest.value(), std::string(manifest_xml), recipients.value());
}

Result<std::string> BrokerService::initiateValidated(const persistence::SystemRecord& sender,
                                                     const BrokerManifest& manifest, const std::string& manifest_xml,
                                                     const std::vector<std::string>& recipients) {
  if (Status s = mayActFor(sender, manifest.reportee); !s.ok()) return s;
  auto service = brokerService(manifest.service_code, manifest.service_edition);
  if (!service.ok()) return service.status();
  if (Status s = requireRight(service->id, manifest.reportee, ServiceAccess::kWrite, "the sender (Reportee)"); !s.ok()) {
    return s;
  }
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    // By position: a recipient may be a person, whose number stays out of messages (and logs).
    const std::string who = "recipient " + std::to_string(i + 1) + " of the recipient list";
    if (Status s = requireRight(service->id, recipients[i], ServiceAccess::kRead, who); !s.ok()) return s;
  }
  auto days = database_.brokers().availabilityDays(service->id);
  if (!days.ok()) return days.status();
  auto reference = newGuid();
  if (!reference.ok()) return reference.status();

  persistence::NewBrokerShipment shipment;
  shipment.file_reference = reference.value();
  shipment.service_id = service->id;
  shipment.owner_id = service->owner_id;
  shipment.sender_system_id = sender.id;
  shipment.sender_reportee = manifest.reportee;
  shipment.senders_reference = manifest.senders_reference;
  shipment.manifest_xml = manifest_xml;
  shipment.expires_at = now_() + days.value().value_or(limits_.broker_default_availability_days) * kSecondsPerDay;
  shipment.recipients = recipients;
  auto created = database_.brokers().create(shipment);
  if (!created.ok()) return created.status();
  log::info("broker.initiated", {{"file_reference", created->file_reference},
                                 {"service", service->code + "/" + std::to_string(service->edition)},
                                 {"recipients", std::to_string(recipients.size())}});
  return created->file_reference;
}

Result<std::unique_ptr<BrokerUpload>> BrokerService::beginUpload(const persistence::SystemRecord& sender,
                                                                 const std::string& file_reference,
                                                                 const std::string& reportee,
                                                                 const std::string& file_name) {
  if (file_reference.empty()) return Status::InvalidArgument("the Reference header (file reference) is required");
  if (file_name.empty() || file_name.size() > kMaxFileName) {
    return Status::InvalidArgument("the FileName header is required, at most 255 characters");
  }
  if (Status s = mayActFor(sender, reportee); !s.ok()) return s;
  auto found = database_.brokers().find(file_reference);
  if (!found.ok()) return found.status();
  if (!found.value() || found.value()->sender_system_id != sender.id || found.value()->sender_reportee != reportee) {
    return Status::NotFound("no broker shipment with this reference initiated by this system for this reportee");
  }
  const persistence::BrokerShipmentRecord& shipment = *found.value();
  if (shipment.state == BrokerShipmentState::kUploaded) {
    return Status::AlreadyExists("the file of this broker shipment was uploaded already");
  }
  if (shipment.state == BrokerShipmentState::kExpired) {
    return Status::AlreadyExists("this broker shipment has expired");
  }
  if (Status s = requireRight(shipment.service_id, reportee, ServiceAccess::kWrite, "the sender"); !s.ok()) return s;
  auto blob = files_.create();
  if (!blob.ok()) return blob.status();
  std::unique_ptr<BrokerUpload> upload(new BrokerUpload());
  upload->shipment_id_ = shipment.id;
  upload->file_reference_ = shipment.file_reference;
  upload->file_name_ = file_name;
  upload->limit_ = limits_.max_broker_file_bytes;
  upload->blob_ = std::move(blob.value());
  return upload;
}

Result<BrokerUploaded> BrokerService::finishUpload(BrokerUpload& upload) {
  if (!upload.failed_.ok()) return upload.failed_;
  if (upload.size() == 0) return Status::InvalidArgument("the file is empty");
  if (!looksLikeZip(upload.head_)) return Status::InvalidArgument("the file is not a ZIP archive");
  auto found = database_.brokers().find(upload.file_reference_);
  if (!found.ok()) return found.status();
  if (!found.value()) return Status::NotFound("broker shipment not found");
  auto days = database_.brokers().availabilityDays(found.value()->service_id);
  if (!days.ok()) return days.status();
  auto stored = upload.blob_->commit();
  if (!stored.ok()) return stored.status();
  const std::time_t now = now_();
  const std::time_t expires = now + days.value().value_or(limits_.broker_default_availability_days) * kSecondsPerDay;
  Status s = database_.brokers().markUploaded(upload.shipment_id_, upload.file_name_, stored.value(), expires);
  if (!s.ok()) {
    files_.remove(stored->key);  // nothing refers to it
    return s;
  }
  log::info("broker.uploaded", {{"file_reference", upload.file_reference_}, {"bytes", std::to_string(stored->size)}});
  BrokerUploaded out;
  out.receipt_id = found.value()->receipt_id;
  out.file_reference = upload.file_reference_;
  out.size = stored->size;
  out.sha256_hex = stored->sha256_hex;
  out.at = now;
  return out;
}

Result<std::vector<persistence::BrokerAvailableFile>> BrokerService::availableFiles(
    const persistence::SystemRecord& caller, const BrokerSearch& search) {
  if (Status s = mayActFor(caller, search.reportee); !s.ok()) return s;
  if (search.sent_from && search.sent_to && *search.sent_from > *search.sent_to) {
    return Status::InvalidArgument("MinSentDateTime is after MaxSentDateTime");
  }
  if (search.service_code && search.service_edition) {
    auto service = brokerService(*search.service_code, *search.service_edition);
    if (!service.ok()) return service.status();
    if (Status s = requireRight(service->id, search.reportee, ServiceAccess::kRead, "the reportee"); !s.ok()) return s;
  }
  persistence::BrokerFileQuery query;
  query.recipients = {search.reportee};
  if (search.status == BrokerFileStatus::kUploaded) {
    query.states = {BrokerRecipientState::kUploaded, BrokerRecipientState::kDownloaded};
  } else {
    query.states = {BrokerRecipientState::kConfirmed};
  }
  query.service_code = search.service_code;
  query.service_edition = search.service_edition;
  query.sent_from = search.sent_from;
  query.sent_to = search.sent_to;
  query.limit = kMaxListedFiles;
  auto files = database_.brokers().availableFiles(query);
  if (!files.ok()) return files.status();
  // Only services on which the recipient holds Read now (asked once per service).
  std::map<persistence::Id, bool> readable;
  std::vector<persistence::BrokerAvailableFile> out;
  for (auto& f : files.value()) {
    auto it = readable.find(f.service_id);
    if (it == readable.end()) {
      Status s = requireRight(f.service_id, search.reportee, ServiceAccess::kRead, "the reportee");
      if (!s.ok() && s.code() != StatusCode::kPermissionDenied) return s;
      it = readable.emplace(f.service_id, s.ok()).first;
    }
    if (it->second) out.push_back(std::move(f));
  }
  return out;
}

Result<bool> BrokerService::anyAvailable(const persistence::SystemRecord& caller,
                                         const std::vector<std::string>& recipients,
                                         const std::optional<std::string>& service_code,
                                         const std::optional<int>& edition) {
  if (recipients.empty()) return Status::InvalidArgument("Recipients must name at least one party");
  if (recipients.size() > kMaxPollRecipients) return Status::InvalidArgument("at most 1000 Recipients");
  for (const std::string& r : recipients) {
    if (Status s = mayActFor(caller, r); !s.ok()) return s;
  }
  for (const std::string& r : recipients) {
    BrokerSearch search;
    search.reportee = r;
    search.service_code = service_code;
    search.service_edition = edition;
    auto files = availableFiles(caller, search);
    if (!files.ok()) {
      if (files.status().code() == StatusCode::kPermissionDenied) continue;  // no Read: nothing for this one
      return files.status();
    }
    if (!files->empty()) return true;
  }
  return false;
}

Result<persistence::BrokerShipmentRecord> BrokerService::recipientShipment(const persistence::SystemRecord& caller,
                                                                           const std::string& file_reference,
                                                                           const std::string& reportee) {
  if (Status s = mayActFor(caller, reportee); !s.ok()) return s;
  if (file_reference.empty()) return Status::InvalidArgument("fileReference is required");
  auto found = database_.brokers().find(file_reference);
  if (!found.ok()) return found.status();
  if (!found.value()) return unknownFile();
  const auto& recipients = found.value()->recipients;
  const bool listed = std::any_of(recipients.begin(), recipients.end(),
                                  [&](const persistence::BrokerRecipientRecord& r) { return r.reportee == reportee; });
  if (!listed) return unknownFile();  // not on the recipient list: the same answer as an unknown reference
  if (found.value()->state == BrokerShipmentState::kInitiated) {
    return Status::NotFound("the file of this broker shipment has not been uploaded yet");
  }
  if (found.value()->state == BrokerShipmentState::kExpired) {
    return Status::NotFound("this broker file has expired: its availability period has passed and it was deleted");
  }
  if (Status s = requireRight(found.value()->service_id, reportee, ServiceAccess::kRead, "the reportee"); !s.ok()) {
    return s;
  }
  return std::move(*found.value());
}

Result<BrokerDownload> BrokerService::openFile(const persistence::SystemRecord& caller,
                                               const std::string& file_reference, const std::string& reportee) {
  auto shipment = recipientShipment(caller, file_reference, reportee);
  if (!shipment.ok()) return shipment.status();
  auto reader = files_.open(shipment->blob_key);
  if (!reader.ok()) return reader.status();
  BrokerDownload out;
  out.shipment = std::move(shipment.value());
  out.bytes = std::move(reader.value());
  return out;
}

Status BrokerService::recordDownloaded(persistence::Id shipment_id, const std::string& reportee) {
  return database_.brokers().advanceRecipient(shipment_id, reportee, BrokerRecipientState::kDownloaded);
}

Status BrokerService::confirmDownloaded(const persistence::SystemRecord& caller, const std::string& file_reference,
                                        const std::string& reportee) {
  auto shipment = recipientShipment(caller, file_reference, reportee);
  if (!shipment.ok()) return shipment.status();
  return database_.brokers().advanceRecipient(shipment->id, reportee, BrokerRecipientState::kConfirmed);
}

Result<BrokerRetentionPass> BrokerService::expireDue(int limit) {
  auto due = database_.brokers().dueForExpiry(now_(), limit);
  if (!due.ok()) return due.status();
  BrokerRetentionPass pass;
  for (const auto& item : due.value()) {
    // The state first: once Expired nobody opens the file, then the bytes can go.
    if (Status s = database_.brokers().markExpired(item.shipment_id); !s.ok()) return s;
    ++pass.expired;
    if (item.blob_key.empty()) continue;
    Status removed = files_.remove(item.blob_key);
    if (!removed.ok() && removed.code() != StatusCode::kNotFound) {
      log::warn("broker.retention.remove_failed", {{"shipment_id", std::to_string(item.shipment_id)}});
      continue;  // still recorded: the next pass tries again
    }
    if (Status s = database_.brokers().forgetBlob(item.shipment_id); !s.ok()) return s;
    ++pass.blobs_removed;
  }
  if (pass.expired > 0) {
    log::info("broker.retention", {{"expired", std::to_string(pass.expired)},
                                   {"files_removed", std::to_string(pass.blobs_removed)}});
  }
  return pass;
}

}  // namespace gateway::core
