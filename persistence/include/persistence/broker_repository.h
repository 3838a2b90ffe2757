#pragma once
// The broker service's shipments (migration 011). Contract as in repositories.h: every method is one
// transaction (retried on deadlock), safe to call from many threads; kNotFound when the row does not
// exist, kUnavailable when the database cannot be reached, kInternal otherwise.
//
// A shipment carries one file. Its state moves Initiated -> Uploaded -> Expired; each recipient's
// moves Initiated -> Uploaded -> Downloaded -> Confirmed. The main receipt (type BrokerService,
// readable by the service's owner and the sending system) and one sub-receipt per recipient follow
// those states in their text, the previous text moving to the receipt history.

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "persistence/file_store.h"
#include "persistence/records.h"

namespace gateway::persistence {

enum class BrokerShipmentState { kInitiated, kUploaded, kExpired };
enum class BrokerRecipientState { kInitiated, kUploaded, kDownloaded, kConfirmed };

struct BrokerRecipientRecord {
  std::string reportee;
  BrokerRecipientState state = BrokerRecipientState::kInitiated;
  Id sub_receipt_id = 0;
};

struct BrokerShipmentRecord {
  Id id = 0;
  std::string file_reference;  // GUID
  Id service_id = 0;
  Id owner_id = 0;             // the service's owner
  std::string service_code;
  int service_edition = 0;
  Id sender_system_id = 0;
  std::string sender_reportee;
  std::string senders_reference;
  std::string manifest_xml;
  BrokerShipmentState state = BrokerShipmentState::kInitiated;
  std::string file_name;
  std::string blob_key;        // '' before upload and after the retention job removed the bytes
  std::int64_t file_size = 0;
  std::string sha256_hex;
  Id receipt_id = 0;
  std::time_t created_at = 0;
  std::optional<std::time_t> uploaded_at;
  std::time_t expires_at = 0;
  std::vector<BrokerRecipientRecord> recipients;
};

struct NewBrokerShipment {
  std::string file_reference;
  Id service_id = 0;
  Id owner_id = 0;
  Id sender_system_id = 0;
  std::string sender_reportee;
  std::string senders_reference;
  std::string manifest_xml;
  std::time_t expires_at = 0;
  std::vector<std::string> recipients;  // distinct, validated
};

// One line of GetAvailableFiles: a shipment as one recipient sees it.
struct BrokerAvailableFile {
  std::string file_reference;
  std::string service_code;
  int service_edition = 0;
  Id service_id = 0;
  std::string file_name;
  std::int64_t file_size = 0;
  BrokerRecipientState recipient_state = BrokerRecipientState::kUploaded;
  std::string recipient;
  Id receipt_id = 0;
  std::string sender_reportee;
  std::string senders_reference;
  std::time_t sent_at = 0;  // uploaded_at
};

struct BrokerFileQuery {
  std::vector<std::string> recipients;               // at least one
  std::vector<BrokerRecipientState> states;          // at least one
  std::optional<std::string> service_code;
  std::optional<int> service_edition;
  std::optional<std::time_t> sent_from, sent_to;     // uploaded_at, both inclusive
  int limit = 1000;
};

struct ExpiringBrokerFile {
  Id shipment_id = 0;
  std::string blob_key;  // '' when there are no bytes to remove
};

class BrokerRepository {
 public:
  virtual ~BrokerRepository() = default;
  // Stores the shipment (state Initiated) with its recipients, the main receipt (status OK, text
  // "Initiated", references OutboundShipmentReference = file reference and SendersReference) and one
  // sub-receipt per recipient (text "Initiated", PartyReference = the recipient), in one transaction.
  // kAlreadyExists when the file reference is taken.
  virtual Result<BrokerShipmentRecord> create(const NewBrokerShipment& shipment) = 0;
  // The shipment with its recipients (any state); nullopt when there is none.
  virtual Result<std::optional<BrokerShipmentRecord>> find(const std::string& file_reference) = 0;
  // Initiated -> Uploaded with the blob's key, size and hash and the new expiry; recipients and
  // receipts move to "Uploaded". kAlreadyExists when the shipment is no longer Initiated (a file was
  // uploaded already, or it expired); the caller then removes the blob.
  virtual Status markUploaded(Id shipment_id, const std::string& file_name, const StoredBlob& blob,
                              std::time_t expires_at) = 0;
  // Moves one recipient forward to `state` (never back) and its sub-receipt text with it; a
  // recipient already at or past `state` is left as it is. kNotFound when not a recipient.
  virtual Status advanceRecipient(Id shipment_id, const std::string& reportee, BrokerRecipientState state) = 0;
  // Uploaded, unexpired shipments of the given recipients in the given recipient states, oldest first.
  virtual Result<std::vector<BrokerAvailableFile>> availableFiles(const BrokerFileQuery& query) = 0;

  // Retention: shipments whose expiry has passed (Initiated or Uploaded), and Expired ones whose
  // bytes are still recorded (a removal that did not finish), at most `limit`.
  virtual Result<std::vector<ExpiringBrokerFile>> dueForExpiry(std::time_t now, int limit) = 0;
  // State Expired; receipts say "Expired" (the recipients' sub-receipts too, unless Confirmed).
  virtual Status markExpired(Id shipment_id) = 0;
  // After the bytes were removed from the file store: forget the blob key.
  virtual Status forgetBlob(Id shipment_id) = 0;

  // Availability period of one broker service in days; nullopt = the configured default.
  virtual Status setAvailabilityDays(Id service_id, int days) = 0;
  virtual Result<std::optional<int>> availabilityDays(Id service_id) = 0;
};

// "Initiated", "Uploaded", "Downloaded", "Confirmed": as stored, and the receipts' texts.
inline const char* brokerRecipientStateName(BrokerRecipientState state) {
  switch (state) {
    case BrokerRecipientState::kInitiated: return "Initiated";
    case BrokerRecipientState::kUploaded: return "Uploaded";
    case BrokerRecipientState::kDownloaded: return "Downloaded";
    case BrokerRecipientState::kConfirmed: return "Confirmed";
  }
  return "Initiated";
}

}  // namespace gateway::persistence
