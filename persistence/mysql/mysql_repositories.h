#pragma once
// MariaDB implementations of the repository interfaces. Each public method is one call of
// ConnectionManager::run (one transaction, retried on deadlock). Internal to persistence_mysql.

#include <cppconn/resultset.h>

#include "common/group_commit.h"
#include "connection_manager.h"
#include "correspondence_batch.h"
#include "persistence/correspondence_repository.h"
#include "persistence/broker_repository.h"
#include "persistence/repositories.h"

namespace gateway::persistence::mysql {

class MysqlSystemRepository final : public SystemRepository {
 public:
  explicit MysqlSystemRepository(ConnectionManager& db) : db_(db) {}
  Result<std::optional<SystemRecord>> findByUsername(const std::string& username) override;
  Result<bool> mayActFor(Id system_id, const std::string& reportee) override;

 private:
  ConnectionManager& db_;
};

class MysqlServiceRepository final : public ServiceRepository {
 public:
  explicit MysqlServiceRepository(ConnectionManager& db) : db_(db) {}
  Result<std::optional<ServiceRecord>> find(const std::string& code, int edition) override;

 private:
  ConnectionManager& db_;
};

// create() goes through group commit: concurrent submissions are written together, one transaction
// and one multi-row INSERT per table for up to config.group_commit_max_submissions of them
// (submission_batch.h), and each caller returns once the transaction holding its submission has
// committed. A batch that fails is rolled back and its submissions are written again one by one, so
// one bad or duplicate submission fails alone.
class MysqlSubmissionRepository final : public SubmissionRepository {
 public:
  explicit MysqlSubmissionRepository(ConnectionManager& db);
  Result<SubmissionCreated> create(const NewSubmission& submission) override;
  Result<std::optional<ReceiptRecord>> findReceiptByEndUserReference(
      Id system_id, const std::string& end_user_system_reference) override;
  Result<std::vector<QueueItem>> listQueue(Id owner_id, const std::optional<std::string>& service_code,
                                           int limit) override;
  Status purgeQueueItem(Id owner_id, const std::string& archive_reference) override;
  Result<ArchivedSubmission> getByArchiveReference(Id owner_id, const std::string& archive_reference) override;
  Result<ArchivedSubmission> getById(Id owner_id, Id submission_id) override;
  Result<std::vector<ArchivedSubmission>> getManyById(Id owner_id, const std::vector<Id>& ids) override;
  Result<SubmittedBy> findSubmittedBy(Id system_id, Id submission_id) override;
  Result<Id> addAttachment(Id system_id, Id submission_id, const AttachmentRecord& attachment) override;
  Result<AttachmentRecord> findAttachment(Id owner_id, Id attachment_id) override;
  Status appendShipmentStatus(Id owner_id, const std::string& archive_reference, ShipmentStatus status,
                              const std::string& description) override;
  Result<ShipmentPage> shipmentStatus(Id owner_id, const ShipmentQuery& query, int limit) override;
  Result<ArchiveSearchPage> searchArchive(Id owner_id, const ArchiveSearch& query, int limit) override;  // archive_search.cpp

 private:
  std::vector<Result<SubmissionCreated>> writeBatch(const std::vector<const NewSubmission*>& batch);

  ConnectionManager& db_;
  GroupCommit<NewSubmission, Result<SubmissionCreated>> group_commit_;
};

class MysqlReceiptRepository final : public ReceiptRepository {
 public:
  explicit MysqlReceiptRepository(ConnectionManager& db) : db_(db) {}
  Result<ReceiptRecord> get(const ReceiptScope& scope, Id receipt_id) override;
  Result<std::vector<ReceiptRecord>> findByReferences(const ReceiptScope& scope,
                                                      const std::vector<ReceiptReference>& refs, int limit) override;
  Result<std::vector<ReceiptRecord>> list(const ReceiptScope& scope, const std::string& type,
                                          std::optional<std::time_t> from, std::optional<std::time_t> to,
                                          int limit) override;
  Result<ReceiptRecord> create(const ReceiptScope& scope, const ReceiptRecord& receipt) override;
  Result<ReceiptRecord> update(const ReceiptScope& scope, const Update& update) override;

 private:
  ConnectionManager& db_;
};

class MysqlProvisioningRepository final : public ProvisioningRepository {
 public:
  explicit MysqlProvisioningRepository(ConnectionManager& db) : db_(db) {}
  Result<ServiceOwnerRecord> addServiceOwner(const ServiceOwnerRecord& owner) override;
  Result<std::vector<ServiceOwnerRecord>> listServiceOwners() override;
  Result<SystemRecord> addSystem(const SystemRecord& system) override;
  Status setSystemPassword(const std::string& username, const std::string& password_hash) override;
  Status setSystemActive(const std::string& username, bool active) override;
  Result<std::vector<SystemRecord>> listSystems() override;
  Result<ServiceRecord> addService(const ServiceRecord& service) override;
  Result<std::vector<ServiceRecord>> listServices() override;
  Status grantReportee(const std::string& system_username, const std::string& reportee) override;
  Status revokeReportee(const std::string& system_username, const std::string& reportee) override;
  Result<std::vector<std::string>> listReportees(const std::string& system_username) override;

 private:
  ConnectionManager& db_;
};

class MysqlPrefillRepository final : public PrefillRepository {
 public:
  explicit MysqlPrefillRepository(ConnectionManager& db) : db_(db) {}
  Result<ReceiptRecord> store(const Request& request) override;
  Result<std::optional<ReceiptRecord>> findBatchReceipt(Id owner_id, const std::string& external_batch_id) override;
  Result<std::vector<PrefillInstanceRecord>> listOpen(const OpenQuery& query) override;
  Result<std::optional<PrefillInstanceRecord>> find(Id instance_id) override;

 private:
  ConnectionManager& db_;
};

class MysqlPushRepository final : public PushRepository {
 public:
  explicit MysqlPushRepository(ConnectionManager& db) : db_(db) {}
  Status setChannel(const std::string& service_code, int service_edition, const DeliveryChannel& channel) override;
  Result<std::vector<DeliveryChannel>> listChannels() override;
  Result<std::vector<PushItem>> listItems(bool dead_only, int limit) override;
  Status redrive(Id item_id) override;
  Result<std::vector<Id>> dueChannels(const std::string& holder, int limit) override;
  Result<std::optional<DeliveryChannel>> claimChannel(Id service_id, const std::string& holder,
                                                      std::chrono::milliseconds lease) override;
  Status releaseChannel(Id service_id, const std::string& holder) override;
  Result<std::vector<PushItem>> pendingItems(Id service_id, int limit) override;
  Status recordAttempts(const std::string& holder, const std::vector<PushOutcome>& outcomes) override;
  Result<int> deleteDelivered(std::chrono::seconds older_than, int limit) override;

 private:
  ConnectionManager& db_;
};

class MysqlBatchRepository final : public BatchRepository {
 public:
  explicit MysqlBatchRepository(ConnectionManager& db) : db_(db) {}
  Result<std::vector<Id>> dueOwners(int max_items, std::chrono::seconds max_age, int limit) override;
  Result<std::optional<OutboundBatch>> assignBatch(Id owner_id, int max_items) override;
  Result<std::vector<OutboundBatch>> unfinishedBatches(int limit) override;
  Status markWritten(Id batch_file_id) override;
  Result<Id> recordInbound(const BatchFileRecord& record) override;
  Result<std::vector<BatchFileRecord>> list(const BatchFileQuery& query, int limit) override;
  Result<BatchFileRecord> find(Id owner_id, Id batch_file_id) override;
  Result<std::vector<Id>> submissionsOf(Id owner_id, Id batch_file_id) override;
  Result<std::vector<BatchItemRecord>> items(Id owner_id, Id batch_file_id) override;
  Result<BatchItemRecord> findItem(Id owner_id, Id item_id) override;

 private:
  ConnectionManager& db_;
};

class MysqlServiceRightRepository final : public ServiceRightRepository {
 public:
  explicit MysqlServiceRightRepository(ConnectionManager& db) : db_(db) {}
  Result<std::vector<ServiceRightRecord>> list(Id service_id, const std::optional<std::string>& reportee,
                                               std::time_t now) override;
  Result<std::vector<bool>> add(const std::vector<ServiceRightRecord>& rules, std::time_t now) override;
  Result<std::vector<bool>> remove(const std::vector<ServiceRightRecord>& rules) override;
  Result<bool> holds(Id service_id, const std::string& reportee, ServiceAccess access, const std::string& condition,
                     std::time_t now) override;

 private:
  ConnectionManager& db_;
};

class MysqlBrokerRepository final : public BrokerRepository {
 public:
  explicit MysqlBrokerRepository(ConnectionManager& db) : db_(db) {}
  Result<BrokerShipmentRecord> create(const NewBrokerShipment& shipment) override;
  Result<std::optional<BrokerShipmentRecord>> find(const std::string& file_reference) override;
  Status markUploaded(Id shipment_id, const std::string& file_name, const StoredBlob& blob,
                      std::time_t expires_at) override;
  Status advanceRecipient(Id shipment_id, const std::string& reportee, BrokerRecipientState state) override;
  Result<std::vector<BrokerAvailableFile>> availableFiles(const BrokerFileQuery& query) override;
  Result<std::vector<ExpiringBrokerFile>> dueForExpiry(std::time_t now, int limit) override;
  Status markExpired(Id shipment_id) override;
  Status forgetBlob(Id shipment_id) override;
  Status setAvailabilityDays(Id service_id, int days) override;
  Result<std::optional<int>> availabilityDays(Id service_id) override;

 private:
  ConnectionManager& db_;
};

class MysqlSubscriptionRepository final : public SubscriptionRepository {
 public:
  explicit MysqlSubscriptionRepository(ConnectionManager& db) : db_(db) {}
  Result<ReceiptRecord> store(Id owner_id, Id system_id, const std::string& external_batch_id,
                              const std::vector<Item>& items) override;
  Result<std::optional<ReceiptRecord>> findBatchReceipt(Id owner_id, const std::string& external_batch_id) override;
  Result<std::vector<SubscriptionRecord>> listForOwner(Id owner_id) override;

 private:
  ConnectionManager& db_;
};

class MysqlContactRepository final : public ContactRepository {
 public:
  explicit MysqlContactRepository(ConnectionManager& db) : db_(db) {}
  Status upsert(const std::vector<ContactRecord>& contacts) override;
  Result<std::optional<ContactRecord>> find(const std::string& party_number) override;
  Result<std::vector<ContactRecord>> findMany(const std::vector<std::string>& party_numbers) override;
  Status remove(const std::string& party_number) override;
  // Role register and service access roles: contact_role_repository.cpp.
  Result<std::vector<bool>> addRoles(const std::vector<RoleHolderRecord>& roles) override;
  Status removeRole(const RoleHolderRecord& role) override;
  Result<std::vector<RoleHolderRecord>> rolesOf(const std::string& organisation) override;
  Status setServiceAccessRoles(Id service_id, const std::vector<std::string>& role_codes) override;
  Result<std::vector<std::string>> serviceAccessRoles(Id service_id) override;

 private:
  ConnectionManager& db_;
};

class MysqlNotificationRepository final : public NotificationRepository {
 public:
  explicit MysqlNotificationRepository(ConnectionManager& db) : db_(db) {}
  Status putTemplate(const NotificationTemplateRecord& t) override;
  Result<std::vector<NotificationTemplateRecord>> templatesOf(const std::string& notification_type) override;
  Result<std::vector<NotificationTemplateRecord>> listTemplates() override;
  Result<std::vector<Id>> enqueue(const std::vector<OutboxMessage>& messages) override;
  Result<std::vector<OutboxMessage>> claim(int limit, int lease_seconds) override;
  Status markSent(Id id, std::int64_t lease_token) override;
  Result<int> markAllSent(const std::vector<OutboxLease>& sent) override;
  Status release(const std::vector<OutboxLease>& unsent) override;
  Status markFailed(Id id, std::int64_t lease_token, const std::string& error,
                    std::optional<std::time_t> retry_at) override;
  Result<std::vector<OutboxMessage>> list(const OutboxQuery& query) override;
  Result<std::optional<OutboxMessage>> get(Id id) override;
  Status redrive(Id id) override;

 private:
  ConnectionManager& db_;
};

// create() goes through group commit as submissions do (same db.group_commit_* settings): concurrent
// inserts are written together, one transaction and one multi-row INSERT per table
// (correspondence_batch.h), each caller answered once the transaction holding its correspondence has
// committed. A failing batch is rolled back and written again one by one, so a reused
// ExternalShipmentReference (decided by the unique key) fails alone with kAlreadyExists.
class MysqlCorrespondenceRepository final : public CorrespondenceRepository {
 public:
  explicit MysqlCorrespondenceRepository(ConnectionManager& db);
  Result<Created> create(const CorrespondenceRecord& correspondence, const std::vector<OutboxMessage>& notifications,
                         const std::string& receipt_text) override;
  Result<StatusPage> statusDetails(const StatusQuery& query) override;
  Result<InboxPage> inbox(const InboxQuery& query) override;
  Result<CorrespondenceRecord> get(const std::string& reportee, Id correspondence_id, std::time_t now) override;
  Status markRead(const std::string& reportee, Id correspondence_id, std::time_t now) override;
  Status markConfirmed(const std::string& reportee, Id correspondence_id, std::time_t now) override;
  Status markDeleted(const std::string& reportee, Id correspondence_id, std::time_t now) override;

 private:
  std::vector<Result<Created>> writeBatch(const std::vector<const NewCorrespondence*>& batch);

  ConnectionManager& db_;
  GroupCommit<NewCorrespondence, Result<Created>> group_commit_;
};

// Inside the caller's transaction (notification_repository.cpp): inserts the outbox rows (multi-row
// INSERTs, batch_insert.h), each linked to its correspondence when it has one, and returns their ids
// in order. Shared by standalone notifications and correspondences so both feed the one outbox the
// delivery worker drains. `message` is borrowed for the call.
struct OutboxRow {
  const OutboxMessage* message = nullptr;
  std::optional<Id> correspondence_id;
};
std::vector<Id> insertOutboxRows(Session& session, const std::vector<OutboxRow>& rows);

// owner_batch (owner_batch.cpp): the service owners' externalBatchId duplicate rule, kind "PreFill"
// or "Subscription". claimOwnerBatch throws the duplicate-key SQLException (-> kAlreadyExists)
// when the id was used before.
void claimOwnerBatch(Session& session, Id owner_id, const char* kind, const std::string& external_batch_id,
                     Id receipt_id);
Result<std::optional<ReceiptRecord>> findOwnerBatchReceipt(ConnectionManager& db, Id owner_id, const char* kind,
                                                           const std::string& external_batch_id);

// Inside SubmissionRepository::create's transaction (prefill_completion.cpp): marks the prefilled
// form task completed and links it to the submission. Conditional UPDATE: only an instantiated,
// unexpired instance of the same owner, service and reportee changes; otherwise kInvalidArgument
// (the caller returns it, so the transaction rolls back).
Status completePrefillInstance(Session& session, Id instance_id, Id submission_id, const NewSubmission& submission);

// Shared by the submission and receipt repositories (receipt_loader.cpp).
// Loads the given receipts with their references and sub-receipts, in the order of `ids`.
// Scope must already have been checked by the caller's query; ids that do not exist are skipped.
std::vector<ReceiptRecord> loadReceipts(Session& session, const std::vector<Id>& ids);
// Inserts one receipt row (last_changed = now) and returns its id; no references.
Id insertReceipt(Session& session, const std::optional<Id>& parent_id, const std::string& type, ReceiptStatus status,
                 const std::string& text, const std::string& history, const std::optional<Id>& owner_id,
                 const std::optional<Id>& system_id);
// Moves the current text (with the time it was set) to the top of the history. Assignments run left
// to right, so history is computed from the old text and last_changed before they are replaced (and
// under SIMULTANEOUS_ASSIGNMENT the result is the same).
inline constexpr const char* kUpdateReceiptSet =
    "SET history = CONCAT(DATE_FORMAT(last_changed, '%Y-%m-%dT%H:%i:%sZ'), ' ', text, "
    "IF(history = '', '', CONCAT('\\n', history))), "
    "text = ?, status = ?, last_changed = UTC_TIMESTAMP(6)";

// Inserts references for one receipt; duplicates of (receipt, type, value) are ignored.
void insertReceiptReferences(Session& session, Id receipt_id, const std::vector<ReceiptReference>& refs);

// Reading system rows, shared by the lookup and the operator listing. The SELECT list is
// kSystemColumns (with the password hash) or kSystemColumnsWithoutHash, from
// "system s LEFT JOIN service_owner o ON o.id = s.owner_id".
inline constexpr const char* kSystemColumns =
    "s.id, s.username, s.org_number, s.role, s.owner_id, o.code, s.active, s.credential_version, s.password_hash";
inline constexpr const char* kSystemColumnsWithoutHash =
    "s.id, s.username, s.org_number, s.role, s.owner_id, o.code, s.active, s.credential_version";
SystemRecord readSystemRow(sql::ResultSet& row, bool with_password_hash);

}  // namespace gateway::persistence::mysql
