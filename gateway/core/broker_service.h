#pragma once
// The broker service (formidling): a sender moves one file to a list of recipients through the
// gateway, and the service owner's rights register (SRR) decides who may send and receive.
// Independent of the transport: the SOAP endpoints (BrokerServiceExternalBasic + ...Streamed) call
// it, and so can an SFTP drop area (initiateFromXml + beginUpload/finishUpload with the ZIP's bytes).
//
// Who may do what (docs/services.md, "Broker service"):
// - a caller acts for a party when the party is its own organisation number, or, for an end-user
//   system, a reportee it was granted (gatewayctl reportee grant); otherwise kPermissionDenied (ErrorID 0);
// - the sender party needs Write on the broker service, every recipient Read, checked again on every
//   call (ValidTo honoured); a rule without condition or with condition "sender" (Write) /
//   "recipient" (Read) counts; otherwise kPermissionDenied with ErrorID 14 (MissingRight), naming the
//   party by its role or place in the recipient list, never by its number (messages reach the log);
// - a shipment is seen only by its sending system (upload) and by parties on its recipient list
//   (download, confirm); anyone else gets the kNotFound of an unknown file reference.
//
// Upload in three steps so nothing is read before the caller is known to be allowed and nothing is
// kept unless the whole file arrived: beginUpload() -> BrokerUpload::write() per piece ->
// finishUpload(). Dropping a BrokerUpload before finishUpload() succeeded leaves no file and no
// state change. Thread-safe: one service serves every worker; a BrokerUpload belongs to one thread.

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "core/broker_manifest.h"
#include "core/services.h"
#include "persistence/broker_repository.h"
#include "persistence/file_store.h"
#include "persistence/records.h"

namespace gateway::core {

struct BrokerInitiation {
  BrokerManifest manifest;
  std::vector<std::string> recipients;
};

class BrokerUpload {
 public:
  ~BrokerUpload();  // without a successful finishUpload(): the partial blob is removed
  BrokerUpload(const BrokerUpload&) = delete;
  BrokerUpload& operator=(const BrokerUpload&) = delete;

  // Appends a piece. kResourceExhausted once the total passes limits.max_broker_file_bytes,
  // kUnavailable on a file-store error; after a failure the upload only accepts being dropped.
  Status write(const char* data, std::size_t size);
  std::int64_t size() const;

 private:
  friend class BrokerService;
  BrokerUpload() = default;

  persistence::Id shipment_id_ = 0;
  std::string file_reference_;
  std::string file_name_;
  long limit_ = 0;
  std::string head_;  // the first bytes, for the ZIP signature
  std::unique_ptr<persistence::BlobWriter> blob_;
  Status failed_;
};

struct BrokerUploaded {
  persistence::Id receipt_id = 0;
  std::string file_reference;
  std::int64_t size = 0;
  std::string sha256_hex;
  std::time_t at = 0;
};

enum class BrokerFileStatus { kUploaded, kDownloaded };  // the contract's BrokerServiceAvailableFileStatus

struct BrokerSearch {
  std::string reportee;
  BrokerFileStatus status = BrokerFileStatus::kUploaded;
  std::optional<std::string> service_code;
  std::optional<int> service_edition;
  std::optional<std::time_t> sent_from, sent_to;
};

struct BrokerDownload {
  persistence::BrokerShipmentRecord shipment;
  std::unique_ptr<persistence::BlobReader> bytes;  // positioned at the start
};

struct BrokerRetentionPass {
  int expired = 0;          // shipments marked Expired in this pass
  int blobs_removed = 0;    // files deleted from the file store
};

class BrokerService {
 public:
  using Clock = std::function<std::time_t()>;
  BrokerService(persistence::Database& database, persistence::FileStore& files, const CoreLimits& limits,
                Clock now = [] { return std::time(nullptr); });

  // Validates the manifest and recipient list (schemas, check digits), the service (an existing
  // service of kind BrokerService: else kNotFound), the caller's right to act for the manifest's
  // Reportee, the sender's Write and every recipient's Read right. Returns the new file reference
  // (a GUID) of a shipment in state Initiated with its receipts.
  Result<std::string> initiate(const persistence::SystemRecord& sender, const BrokerInitiation& initiation);
  // The same from the two documents of an SFTP drop (manifest.xml, recipients.xml).
  Result<std::string> initiateFromXml(const persistence::SystemRecord& sender, std::string_view manifest_xml,
                                      std::string_view recipient_list_xml);

  // kInvalidArgument for a missing file name or reference; kNotFound unless the shipment was
  // initiated by this system for `reportee`; kAlreadyExists when its file was uploaded already or it
  // expired; rights as above.
  Result<std::unique_ptr<BrokerUpload>> beginUpload(const persistence::SystemRecord& sender,
                                                    const std::string& file_reference, const std::string& reportee,
                                                    const std::string& file_name);
  // Call once the whole file has been read. kInvalidArgument for an empty file or one that is not a
  // ZIP archive (local-file or empty-archive signature). On failure nothing is kept.
  Result<BrokerUploaded> finishUpload(BrokerUpload& upload);

  // Files for one recipient party (uploaded, unexpired, and of services on which it holds Read;
  // naming a service on which it does not is a refusal), oldest first, at most 1000.
  Result<std::vector<persistence::BrokerAvailableFile>> availableFiles(const persistence::SystemRecord& caller,
                                                                       const BrokerSearch& search);
  // Whether any of `recipients` has a file it has not confirmed yet.
  Result<bool> anyAvailable(const persistence::SystemRecord& caller, const std::vector<std::string>& recipients,
                            const std::optional<std::string>& service_code, const std::optional<int>& edition);
  // Opens the file for `reportee`, a recipient. kNotFound also when the file is not uploaded yet or
  // has expired (the message says which).
  Result<BrokerDownload> openFile(const persistence::SystemRecord& caller, const std::string& file_reference,
                                  const std::string& reportee);
  // After a download was sent in full: the recipient moves to Downloaded.
  Status recordDownloaded(persistence::Id shipment_id, const std::string& reportee);
  // The recipient confirms: Confirmed (the contract's FileStatus Downloaded). Same checks as openFile.
  Status confirmDownloaded(const persistence::SystemRecord& caller, const std::string& file_reference,
                           const std::string& reportee);

  // One retention pass: shipments past their availability become Expired and their bytes are
  // removed from the file store (at most `limit` shipments).
  Result<BrokerRetentionPass> expireDue(int limit = 500);

  long maxFileBytes() const { return limits_.max_broker_file_bytes; }

 private:
  Result<std::string> initiateValidated(const persistence::SystemRecord& sender, const BrokerManifest& manifest,
                                        const std::string& manifest_xml, const std::vector<std::string>& recipients);
  Result<persistence::ServiceRecord> brokerService(const std::string& code, int edition);
  Status mayActFor(const persistence::SystemRecord& caller, const std::string& party);
  // `who` names the party in the refusal without its number (it may be a national identity number).
  Status requireRight(persistence::Id service_id, const std::string& party, persistence::ServiceAccess access,
                      const std::string& who);
  Result<persistence::BrokerShipmentRecord> recipientShipment(const persistence::SystemRecord& caller,
                                                              const std::string& file_reference,
                                                              const std::string& reportee);

  persistence::Database& database_;
  persistence::FileStore& files_;
  CoreLimits limits_;
  Clock now_;
};

}  // namespace gateway::core
