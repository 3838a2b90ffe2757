#pragma once
// Repository interfaces used by the core. Contract for every implementation:
// - Each method is one database transaction: it either commits entirely or leaves nothing behind.
//   Deadlocks and lock-wait timeouts are retried inside the method.
// - Methods are safe to call concurrently from many threads (implementations keep one connection
//   per thread, validated and reconnected as needed).
// - Failures: kUnavailable when the database cannot be reached, kAlreadyExists on a uniqueness
//   rule, kNotFound when the row does not exist *for the given scope*, kInternal otherwise.
//   Messages never contain row contents.
// Scoping arguments (owner_id / system_id) are filters applied in SQL, so rows of other parties
// are never read into memory.

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "persistence/records.h"

namespace gateway::persistence {

class SystemRepository {
 public:
  virtual ~SystemRepository() = default;
  virtual Result<std::optional<SystemRecord>> findByUsername(const std::string& username) = 0;
  // True when the end-user system may submit for / act on behalf of the reportee.
  virtual Result<bool> mayActFor(Id system_id, const std::string& reportee) = 0;
};

class ServiceRepository {
 public:
  virtual ~ServiceRepository() = default;
  virtual Result<std::optional<ServiceRecord>> find(const std::string& code, int edition) = 0;
};

class SubmissionRepository {
 public:
  virtual ~SubmissionRepository() = default;
  // Stores the submission, its forms and attachment rows, its receipt (type FormTask, status OK,
  // references ArchiveReference + EndUserSystemReference + ExternalShipmentReference when given),
  // a download-queue item for the owner and a NotSent shipment-status entry, in one transaction.
  // kAlreadyExists when (system_id, end_user_system_reference) was stored before (non-empty ref).
  virtual Result<SubmissionCreated> create(const NewSubmission& submission) = 0;
  // The receipt stored for an earlier submission with this end-user reference, if any.
  virtual Result<std::optional<ReceiptRecord>> findReceiptByEndUserReference(
      Id system_id, const std::string& end_user_system_reference) = 0;

  // Queue items of one owner not yet purged, oldest first, at most `limit`.
  virtual Result<std::vector<QueueItem>> listQueue(Id owner_id, const std::optional<std::string>& service_code,
                                                   int limit) = 0;
  // kNotFound unless the item exists, belongs to owner_id and is not purged.
  virtual Status purgeQueueItem(Id owner_id, const std::string& archive_reference) = 0;

  // The archived submission when it belongs to owner_id; kNotFound otherwise.
  virtual Result<ArchivedSubmission> getByArchiveReference(Id owner_id, const std::string& archive_reference) = 0;
  virtual Result<ArchivedSubmission> getById(Id owner_id, Id submission_id) = 0;
  // Those of `ids` that exist and belong to owner_id (others are left out), ordered by id, read
  // together (the push worker loads a run of outbox items at once). Default: one getById each.
  virtual Result<std::vector<ArchivedSubmission>> getManyById(Id owner_id, const std::vector<Id>& ids) {
    std::vector<ArchivedSubmission> out;
    for (Id id : ids) {
      auto one = getById(owner_id, id);
      if (one.ok()) out.push_back(std::move(one).value());
      else if (one.status().code() != StatusCode::kNotFound) return one.status();
    }
    return out;
  }

  // Streamed attachments (IntermediaryInbound streamed, ServiceOwnerArchive streamed).
  struct SubmittedBy {
    Id submission_id = 0;
    std::string reportee;
    int attachment_count = 0;
  };
  // The submission when system_id submitted it; kNotFound otherwise (unknown or another system's).
  virtual Result<SubmittedBy> findSubmittedBy(Id system_id, Id submission_id) = 0;
  // Adds one attachment row (bytes already in the file store) to a submission system_id submitted,
  // in one transaction; kNotFound when it is not the system's. Returns the new attachment id.
  virtual Result<Id> addAttachment(Id system_id, Id submission_id, const AttachmentRecord& attachment) = 0;
  // An attachment of one of owner_id's archived submissions; kNotFound otherwise (also another owner's).
  virtual Result<AttachmentRecord> findAttachment(Id owner_id, Id attachment_id) = 0;

  virtual Status appendShipmentStatus(Id owner_id, const std::string& archive_reference, ShipmentStatus status,
                                      const std::string& description) = 0;
  struct ShipmentQuery {
    std::optional<std::string> archive_reference;
    std::optional<std::string> service_code;
    std::optional<int> service_edition;
    std::optional<std::time_t> from, to;
  };
  // At most `limit` results; `limit_reached` tells whether more matched.
  struct ShipmentPage {
    std::vector<ArchiveShipmentStatus> items;
    bool limit_reached = false;
  };
  virtual Result<ShipmentPage> shipmentStatus(Id owner_id, const ShipmentQuery& query, int limit) = 0;

  // Archive search: every given criterion must hold (AND); absent ones do not filter.
  struct ArchiveSearch {
    std::optional<std::string> reportee;            // exact
    std::optional<std::time_t> from, to;            // archived time, both inclusive (`to` to the second)
    std::optional<Id> submission_id;                // from an archive reference
    std::optional<int> case_id;                     // exact
    std::optional<std::string> service_name_contains;  // case-insensitive substring of the service name
    std::optional<std::string> system_username;     // the submitting end-user system, exact
  };
  struct ArchiveSearchPage {
    std::vector<ArchiveElement> items;  // newest first (archived time, then id)
    bool limit_reached = false;         // more than `limit` matched; the oldest were left out
  };
  // Archived submissions of owner_id only, at most `limit` (kInvalidArgument when limit < 1).
  virtual Result<ArchiveSearchPage> searchArchive(Id owner_id, const ArchiveSearch& query, int limit) = 0;
};

// Who is asking: a receipt is visible to its owner (service owner) and to its system (end-user system).
struct ReceiptScope {
  std::optional<Id> owner_id;
  std::optional<Id> system_id;
};

class ReceiptRepository {
 public:
  virtual ~ReceiptRepository() = default;
  // kNotFound when it does not exist or is outside scope. Includes references and sub-receipts.
  virtual Result<ReceiptRecord> get(const ReceiptScope& scope, Id receipt_id) = 0;
  // Main receipts in scope that carry all the given references.
  virtual Result<std::vector<ReceiptRecord>> findByReferences(const ReceiptScope& scope,
                                                              const std::vector<ReceiptReference>& refs,
                                                              int limit) = 0;
  // Receipts of `type` in scope last changed within [from, to], newest first, at most limit.
  virtual Result<std::vector<ReceiptRecord>> list(const ReceiptScope& scope, const std::string& type,
                                                  std::optional<std::time_t> from, std::optional<std::time_t> to,
                                                  int limit) = 0;
  // Creates a receipt (and its sub-receipts) owned by scope. Returns it as stored.
  virtual Result<ReceiptRecord> create(const ReceiptScope& scope, const ReceiptRecord& receipt) = 0;

  struct Update {
    std::optional<Id> receipt_id;
    std::optional<std::string> archive_reference;  // alternative key: the receipt carrying this reference
    ReceiptStatus status = ReceiptStatus::kNotSet;
    std::string text;
    std::vector<ReceiptReference> add_references;
    std::vector<Update> sub_receipts;  // existing id -> update; no id -> new sub-receipt
  };
  // Moves the old text to the top of history, sets status/text, adds references, applies
  // sub-receipt updates; all or nothing. kNotFound when the receipt is outside scope.
  virtual Result<ReceiptRecord> update(const ReceiptScope& scope, const Update& update) = 0;
};

// Service owners' prefilled form tasks (PreFill) and the end-user side that reads them.
class PrefillRepository {
 public:
  virtual ~PrefillRepository() = default;

  // One prefilled form task of a request: `instance` to store, or, when `rejection` is not empty, an
  // item that failed validation (only its references are used, for its sub-receipt).
  struct Item {
    PrefillInstanceRecord instance;
    std::string rejection;
  };
  struct Request {
    Id owner_id = 0;
    Id system_id = 0;                 // the owner system sending it
    std::string external_batch_id;    // unique per owner for PreFill (owner_batch)
    bool sub_receipts = false;        // true: one sub-receipt per item (SubmitPrefilledFormTasks)
    std::vector<Item> items;
  };
  // In one transaction: claims the batch id, stores every valid item (forms, attachment rows) and
  // writes the PreFill receipt (owner-scoped) with references BatchReference, and per item
  // ExternalShipmentReference, SendersReference and ReceiversReference (= the instance id). With
  // sub_receipts, an item whose ExternalShipmentReference the owner used before gets a
  // ValidationFailed sub-receipt instead of failing the request; the main receipt is OK when every
  // item was stored, ValidationFailed otherwise.
  // kAlreadyExists when the batch id was used before (nothing written; see findBatchReceipt), or,
  // without sub_receipts, when the item's ExternalShipmentReference was used before.
  virtual Result<ReceiptRecord> store(const Request& request) = 0;
  // The receipt stored for the owner's earlier PreFill request with this batch id.
  virtual Result<std::optional<ReceiptRecord>> findBatchReceipt(Id owner_id, const std::string& external_batch_id) = 0;

  struct OpenQuery {
    std::string reportee;
    std::time_t now = 0;
    std::optional<std::string> service_code;
    std::optional<int> service_edition;
    std::optional<Id> instance_id;
    int limit = 100;
  };
  // Instantiated instances of the reportee with valid_from <= now < valid_to, oldest first, with
  // forms and attachment rows.
  virtual Result<std::vector<PrefillInstanceRecord>> listOpen(const OpenQuery& query) = 0;
  // One instance by id (any state; forms and attachments not loaded); nullopt when none.
  virtual Result<std::optional<PrefillInstanceRecord>> find(Id instance_id) = 0;
};

class SubscriptionRepository {
 public:
  virtual ~SubscriptionRepository() = default;
  struct Item {
    SubscriptionRecord subscription;
    std::string rejection;  // not empty: failed validation, gets a ValidationFailed sub-receipt
  };
  // In one transaction: claims (owner, "Subscription", batch id), inserts or updates every valid item
  // (an id that is not one of the owner's subscriptions becomes a ValidationFailed sub-receipt) and
  // writes the Subscription receipt: BatchReference on the main receipt, one sub-receipt per item
  // with ReceiversReference = the subscription id. Main status OK when every item was stored.
  // kAlreadyExists when the batch id was used before (nothing written).
  virtual Result<ReceiptRecord> store(Id owner_id, Id system_id, const std::string& external_batch_id,
                                      const std::vector<Item>& items) = 0;
  // The receipt stored for the owner's earlier Subscription request with this batch id.
  virtual Result<std::optional<ReceiptRecord>> findBatchReceipt(Id owner_id, const std::string& external_batch_id) = 0;
  // The owner's subscriptions (with identity fields), by id.
  virtual Result<std::vector<SubscriptionRecord>> listForOwner(Id owner_id) = 0;
};

// Operator provisioning (admin CLI). Each call is one transaction.
class ProvisioningRepository {
 public:
  virtual ~ProvisioningRepository() = default;
  virtual Result<ServiceOwnerRecord> addServiceOwner(const ServiceOwnerRecord& owner) = 0;  // kAlreadyExists on code/org
  virtual Result<std::vector<ServiceOwnerRecord>> listServiceOwners() = 0;
  // For kServiceOwner, owner_code names an existing owner whose org number must equal org_number.
  virtual Result<SystemRecord> addSystem(const SystemRecord& system) = 0;
  virtual Status setSystemPassword(const std::string& username, const std::string& password_hash) = 0;  // bumps version
  virtual Status setSystemActive(const std::string& username, bool active) = 0;
  virtual Result<std::vector<SystemRecord>> listSystems() = 0;
  // service.owner_code names the owner; formats replace any earlier list.
  virtual Result<ServiceRecord> addService(const ServiceRecord& service) = 0;
  virtual Result<std::vector<ServiceRecord>> listServices() = 0;
  virtual Status grantReportee(const std::string& system_username, const std::string& reportee) = 0;
  virtual Status revokeReportee(const std::string& system_username, const std::string& reportee) = 0;
  virtual Result<std::vector<std::string>> listReportees(const std::string& system_username) = 0;
};

// The rights register. Every method is one transaction.
class ServiceRightRepository {
 public:
  virtual ~ServiceRightRepository() = default;
  // Rules of the service (of one reportee when given) still valid at `now`, by reportee, access, condition.
  virtual Result<std::vector<ServiceRightRecord>> list(Id service_id, const std::optional<std::string>& reportee,
                                                       std::time_t now) = 0;
  // Adds each rule; per rule true when added, false when that rule exists and is still valid at
  // `now`. An expired rule with the same key is replaced (counts as added). All or nothing.
  virtual Result<std::vector<bool>> add(const std::vector<ServiceRightRecord>& rules, std::time_t now) = 0;
  // Removes each rule (valid_to ignored); per rule true when it existed. All or nothing.
  virtual Result<std::vector<bool>> remove(const std::vector<ServiceRightRecord>& rules) = 0;
  // Whether `reportee` holds `access` on the service at `now` under `condition` ("" = the rule
  // without condition).
  virtual Result<bool> holds(Id service_id, const std::string& reportee, ServiceAccess access,
                             const std::string& condition, std::time_t now) = 0;
};

}  // namespace gateway::persistence
