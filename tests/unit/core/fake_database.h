#pragma once
// In-memory fakes of the persistence interfaces, for core unit tests. Single-threaded; implement
// just enough behaviour (scoping, duplicate rule) for the rules under test.

#include <openssl/evp.h>

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>
#include <set>

#include "persistence/database.h"

namespace gateway::testing {

using namespace gateway::persistence;

class FakeSystems : public SystemRepository {
 public:
  std::map<std::string, SystemRecord> by_name;
  std::set<std::pair<Id, std::string>> reportees;
  Result<std::optional<SystemRecord>> findByUsername(const std::string& u) override {
    auto it = by_name.find(u);
    return it == by_name.end() ? std::optional<SystemRecord>() : std::optional<SystemRecord>(it->second);
  }
  Result<bool> mayActFor(Id system_id, const std::string& reportee) override {
    return reportees.count({system_id, reportee}) > 0;
  }
};

class FakeServices : public ServiceRepository {
 public:
  std::vector<ServiceRecord> services;
  int finds = 0;  // calls of find()
  Result<std::optional<ServiceRecord>> find(const std::string& code, int edition) override {
    ++finds;
    for (const auto& s : services)
      if (s.code == code && s.edition == edition) return std::optional<ServiceRecord>(s);
    return std::optional<ServiceRecord>();
  }
};

class FakeSubmissions : public SubmissionRepository {
 public:
  std::vector<NewSubmission> stored;
  std::map<std::pair<Id, std::string>, ReceiptRecord> by_reference;
  Status fail_create;  // when set (not ok), create() fails with it
  Result<SubmissionCreated> create(const NewSubmission& s) override {
    if (!fail_create.ok()) return fail_create;
    if (!s.end_user_system_reference.empty() && by_reference.count({s.system_id, s.end_user_system_reference})) {
      return Status::AlreadyExists("duplicate");
    }
    stored.push_back(s);
    SubmissionCreated c;
    c.submission_id = static_cast<Id>(stored.size());
    c.archive_reference = "AR" + std::to_string(c.submission_id);
    c.receipt.id = c.submission_id;
    c.receipt.status = ReceiptStatus::kOk;
    c.receipt.references.push_back({"ArchiveReference", c.archive_reference});
    if (!s.end_user_system_reference.empty()) by_reference[{s.system_id, s.end_user_system_reference}] = c.receipt;
    return c;
  }
  Result<std::optional<ReceiptRecord>> findReceiptByEndUserReference(Id system_id, const std::string& ref) override {
    auto it = by_reference.find({system_id, ref});
    return it == by_reference.end() ? std::optional<ReceiptRecord>() : std::optional<ReceiptRecord>(it->second);
  }
  Result<std::vector<QueueItem>> listQueue(Id, const std::optional<std::string>&, int) override {
    return std::vector<QueueItem>{};
  }
  Status purgeQueueItem(Id, const std::string&) override { return Status::NotFound("none"); }
  std::map<std::pair<Id, std::string>, ArchivedSubmission> archived;  // (owner_id, archive reference)
  Result<ArchivedSubmission> getByArchiveReference(Id owner_id, const std::string& ref) override {
    auto it = archived.find({owner_id, ref});
    if (it == archived.end()) return Status::NotFound("none");
    return it->second;
  }
  Result<ArchivedSubmission> getById(Id, Id) override { return Status::NotFound("none"); }
  // Streamed attachments: submissions by (system_id, submission_id); attachments by owner.
  std::map<std::pair<Id, Id>, SubmittedBy> submitted_by;
  std::map<Id, Id> submission_owner;  // submission id -> owner id
  std::map<Id, std::pair<Id, AttachmentRecord>> attachments;  // id -> (submission id, row)
  Status fail_add_attachment;  // when set (not ok), addAttachment() fails with it
  Result<SubmittedBy> findSubmittedBy(Id system_id, Id submission_id) override {
    auto it = submitted_by.find({system_id, submission_id});
    if (it == submitted_by.end()) return Status::NotFound("none");
    return it->second;
  }
  Result<Id> addAttachment(Id system_id, Id submission_id, const AttachmentRecord& a) override {
    if (!fail_add_attachment.ok()) return fail_add_attachment;
    auto it = submitted_by.find({system_id, submission_id});
    if (it == submitted_by.end()) return Status::NotFound("none");
    ++it->second.attachment_count;
    const Id id = static_cast<Id>(attachments.size() + 1);
    attachments[id] = {submission_id, a};
    attachments[id].second.id = id;
    return id;
  }
  Result<AttachmentRecord> findAttachment(Id owner_id, Id attachment_id) override {
    auto it = attachments.find(attachment_id);
    if (it == attachments.end()) return Status::NotFound("none");
    auto owner = submission_owner.find(it->second.first);
    if (owner == submission_owner.end() || owner->second != owner_id) return Status::NotFound("none");
    return it->second.second;
  }
  Status appendShipmentStatus(Id, const std::string&, ShipmentStatus, const std::string&) override {
    return Status::Ok();
  }
  std::vector<ArchiveSearch> searches;  // every search the core passed down
  int search_limit = 0;
  Result<ArchiveSearchPage> searchArchive(Id, const ArchiveSearch& query, int limit) override {
    searches.push_back(query);
    search_limit = limit;
    return ArchiveSearchPage{};
  }
  int shipment_queries = 0;
  Result<ShipmentPage> shipmentStatus(Id, const ShipmentQuery&, int) override {
    ++shipment_queries;
    return ShipmentPage{};
  }
};

class FakeReceipts : public ReceiptRepository {
 public:
  int calls = 0;
  Result<ReceiptRecord> get(const ReceiptScope&, Id) override { ++calls; return Status::NotFound("none"); }
  Result<std::vector<ReceiptRecord>> findByReferences(const ReceiptScope&, const std::vector<ReceiptReference>&,
                                                      int) override {
    ++calls;
    return std::vector<ReceiptRecord>{};
  }
  Result<std::vector<ReceiptRecord>> list(const ReceiptScope&, const std::string&, std::optional<std::time_t>,
                                          std::optional<std::time_t>, int) override {
    ++calls;
    return std::vector<ReceiptRecord>{};
  }
  Result<ReceiptRecord> create(const ReceiptScope&, const ReceiptRecord& r) override { ++calls; return r; }
  Result<ReceiptRecord> update(const ReceiptScope&, const Update&) override { ++calls; return Status::NotFound("none"); }
};

// Prefilled form tasks: stores requests as given (no duplicate-reference rule beyond the batch id),
// answers find()/listOpen() from `instances`.
class FakePrefills : public PrefillRepository {
 public:
  std::vector<Request> requests;
  std::map<Id, PrefillInstanceRecord> instances;
  std::map<std::pair<Id, std::string>, ReceiptRecord> batches;
  Id next_id = 100;
  Result<ReceiptRecord> store(const Request& r) override {
    if (batches.count({r.owner_id, r.external_batch_id})) return Status::AlreadyExists("batch");
    requests.push_back(r);
    ReceiptRecord receipt;
    receipt.id = ++next_id;
    receipt.type = "PreFill";
    receipt.status = ReceiptStatus::kOk;
    receipt.references.push_back({"BatchReference", r.external_batch_id});
    for (const Item& item : r.items) {
      ReceiptRecord sub;
      sub.status = item.rejection.empty() ? ReceiptStatus::kOk : ReceiptStatus::kValidationFailed;
      sub.text = item.rejection;
      if (item.rejection.empty()) {
        PrefillInstanceRecord stored = item.instance;
        stored.id = ++next_id;
        instances[stored.id] = stored;
      } else {
        receipt.status = ReceiptStatus::kValidationFailed;
      }
      if (r.sub_receipts) receipt.sub_receipts.push_back(sub);
    }
    batches[{r.owner_id, r.external_batch_id}] = receipt;
    return receipt;
  }
  Result<std::optional<ReceiptRecord>> findBatchReceipt(Id owner_id, const std::string& batch) override {
    auto it = batches.find({owner_id, batch});
    return it == batches.end() ? std::optional<ReceiptRecord>() : std::optional<ReceiptRecord>(it->second);
  }
  Result<std::vector<PrefillInstanceRecord>> listOpen(const OpenQuery& q) override {
    std::vector<PrefillInstanceRecord> out;
    for (const auto& [id, p] : instances) {
      if (p.reportee == q.reportee && p.state == PrefillState::kInstantiated && p.valid_from <= q.now &&
          q.now < p.valid_to && (!q.instance_id || *q.instance_id == id)) {
        out.push_back(p);
      }
    }
    return out;
  }
  Result<std::optional<PrefillInstanceRecord>> find(Id id) override {
    auto it = instances.find(id);
    return it == instances.end() ? std::optional<PrefillInstanceRecord>() : std::optional<PrefillInstanceRecord>(it->second);
  }
};

class FakeSubscriptions : public SubscriptionRepository {
 public:
  std::vector<std::vector<Item>> requests;
  std::map<std::pair<Id, std::string>, ReceiptRecord> batches;
  Result<ReceiptRecord> store(Id owner_id, Id, const std::string& batch, const std::vector<Item>& items) override {
    if (batches.count({owner_id, batch})) return Status::AlreadyExists("batch");
    requests.push_back(items);
    ReceiptRecord receipt;
    receipt.id = static_cast<Id>(requests.size());
    receipt.type = "Subscription";
    receipt.status = ReceiptStatus::kOk;
    for (const Item& item : items) {
      ReceiptRecord sub;
      sub.status = item.rejection.empty() ? ReceiptStatus::kOk : ReceiptStatus::kValidationFailed;
      sub.text = item.rejection;
      if (!item.rejection.empty()) receipt.status = ReceiptStatus::kValidationFailed;
      receipt.sub_receipts.push_back(sub);
    }
    batches[{owner_id, batch}] = receipt;
    return receipt;
  }
  Result<std::optional<ReceiptRecord>> findBatchReceipt(Id owner_id, const std::string& batch) override {
    auto it = batches.find({owner_id, batch});
    return it == batches.end() ? std::optional<ReceiptRecord>() : std::optional<ReceiptRecord>(it->second);
  }
  Result<std::vector<SubscriptionRecord>> listForOwner(Id) override { return std::vector<SubscriptionRecord>{}; }
};

// Rules keyed by (service, reportee, access, condition) -> valid_to.
class FakeServiceRights : public ServiceRightRepository {
 public:
  using Key = std::tuple<Id, std::string, int, std::string>;
  std::map<Key, std::time_t> rules;
  static Key keyOf(const ServiceRightRecord& r) {
    return {r.service_id, r.reportee, static_cast<int>(r.access), r.condition};
  }
  Result<std::vector<ServiceRightRecord>> list(Id service_id, const std::optional<std::string>& reportee,
                                               std::time_t now) override {
    std::vector<ServiceRightRecord> out;
    for (const auto& [key, valid_to] : rules) {
      if (std::get<0>(key) != service_id || valid_to <= now) continue;
      if (reportee && std::get<1>(key) != *reportee) continue;
      out.push_back({service_id, std::get<1>(key), static_cast<ServiceAccess>(std::get<2>(key)), std::get<3>(key),
                     valid_to});
    }
    return out;
  }
  Result<std::vector<bool>> add(const std::vector<ServiceRightRecord>& in, std::time_t now) override {
    std::vector<bool> added;
    for (const auto& r : in) {
      auto it = rules.find(keyOf(r));
      const bool fresh = it == rules.end() || it->second <= now;
      if (fresh) rules[keyOf(r)] = r.valid_to;
      added.push_back(fresh);
    }
    return added;
  }
  Result<std::vector<bool>> remove(const std::vector<ServiceRightRecord>& in) override {
    std::vector<bool> removed;
    for (const auto& r : in) removed.push_back(rules.erase(keyOf(r)) > 0);
    return removed;
  }
  Result<bool> holds(Id service_id, const std::string& reportee, ServiceAccess access, const std::string& condition,
                     std::time_t now) override {
    auto it = rules.find({service_id, reportee, static_cast<int>(access), condition});
    return it != rules.end() && it->second > now;
  }
};

class FakeContacts : public ContactRepository {
 public:
  std::map<std::string, ContactRecord> rows;
  Status upsert(const std::vector<ContactRecord>& contacts) override {
    for (const auto& c : contacts) rows[c.party_number] = c;
    return Status::Ok();
  }
  Result<std::optional<ContactRecord>> find(const std::string& n) override {
    auto it = rows.find(n);
    if (it == rows.end()) return std::optional<ContactRecord>();
    return std::optional<ContactRecord>(it->second);
  }
  int many_lookups = 0;  // calls of findMany()
  Result<std::vector<ContactRecord>> findMany(const std::vector<std::string>& numbers) override {
    ++many_lookups;
    std::vector<ContactRecord> out;
    for (const auto& n : numbers) {
      if (auto it = rows.find(n); it != rows.end()) out.push_back(it->second);
    }
    return out;
  }
  Status remove(const std::string& n) override { return rows.erase(n) ? Status::Ok() : Status::NotFound("none"); }

  std::vector<RoleHolderRecord> roles;
  std::map<Id, std::vector<std::string>> service_roles;
  Result<std::vector<bool>> addRoles(const std::vector<RoleHolderRecord>& add) override {
    std::vector<bool> added;
    for (const auto& r : add) {
      const bool held = std::find(roles.begin(), roles.end(), r) != roles.end();
      if (!held) roles.push_back(r);
      added.push_back(!held);
    }
    return added;
  }
  Status removeRole(const RoleHolderRecord& r) override {
    auto it = std::find(roles.begin(), roles.end(), r);
    if (it == roles.end()) return Status::NotFound("none");
    roles.erase(it);
    return Status::Ok();
  }
  Result<std::vector<RoleHolderRecord>> rolesOf(const std::string& organisation) override {
    std::vector<RoleHolderRecord> out;
    for (const auto& r : roles) {
      if (r.organisation == organisation) out.push_back(r);
    }
    return out;
  }
  Status setServiceAccessRoles(Id service_id, const std::vector<std::string>& codes) override {
    service_roles[service_id] = codes;
    return Status::Ok();
  }
  Result<std::vector<std::string>> serviceAccessRoles(Id service_id) override { return service_roles[service_id]; }
};

class FakeNotifications : public NotificationRepository {
 public:
  std::vector<NotificationTemplateRecord> templates;
  std::vector<OutboxMessage> outbox;
  Status putTemplate(const NotificationTemplateRecord& t) override {
    templates.push_back(t);
    return Status::Ok();
  }
  int template_reads = 0;  // calls of templatesOf()
  Result<std::vector<NotificationTemplateRecord>> templatesOf(const std::string& type) override {
    ++template_reads;
    std::vector<NotificationTemplateRecord> out;
    for (const auto& t : templates) {
      if (t.notification_type == type) out.push_back(t);
    }
    return out;
  }
  Result<std::vector<NotificationTemplateRecord>> listTemplates() override { return templates; }
  Result<std::vector<Id>> enqueue(const std::vector<OutboxMessage>& messages) override {
    std::vector<Id> ids;
    for (auto m : messages) {
      m.id = static_cast<Id>(outbox.size() + 1);
      outbox.push_back(m);
      ids.push_back(m.id);
    }
    return ids;
  }
  Result<std::vector<OutboxMessage>> claim(int, int) override { return std::vector<OutboxMessage>(); }
  Status markSent(Id, std::int64_t) override { return Status::Ok(); }
  Status release(const std::vector<OutboxLease>&) override { return Status::Ok(); }
  Status markFailed(Id, std::int64_t, const std::string&, std::optional<std::time_t>) override { return Status::Ok(); }
  Result<std::vector<OutboxMessage>> list(const OutboxQuery&) override { return outbox; }
  Result<std::optional<OutboxMessage>> get(Id) override { return std::optional<OutboxMessage>(); }
  Status redrive(Id) override { return Status::NotFound("none"); }
};

// Correspondences in memory: enough to test the core's rules (scoping, visibility, first-read).
class FakeCorrespondences : public CorrespondenceRepository {
 public:
  std::vector<CorrespondenceRecord> rows;
  std::vector<std::vector<OutboxMessage>> outbox;  // per row, parallel to rows
  int creates = 0;
  Result<Created> create(const CorrespondenceRecord& c, const std::vector<OutboxMessage>& notifications,
                         const std::string& text) override {
    ++creates;
    for (const auto& r : rows) {
      if (r.owner_id == c.owner_id && r.external_shipment_reference == c.external_shipment_reference) {
        return Status::AlreadyExists("duplicate");
      }
    }
    CorrespondenceRecord stored = c;
    stored.id = static_cast<Id>(rows.size()) + 1;
    stored.created_at = c.visible_at;
    rows.push_back(stored);
    outbox.push_back(notifications);
    ReceiptRecord receipt;
    receipt.id = stored.id;
    receipt.type = "Correspondence";
    receipt.status = ReceiptStatus::kOk;
    receipt.text = text;
    receipt.references = {{"ExternalShipmentReference", c.external_shipment_reference}};
    return Created{stored.id, receipt};
  }
  Result<StatusPage> statusDetails(const StatusQuery& q) override {
    StatusPage page;
    for (const auto& r : rows) {
      if (r.owner_id != q.owner_id || (q.service_id && r.service_id != *q.service_id)) continue;
      if (q.reportee && r.reportee != *q.reportee) continue;
      if (q.current_status && r.status() != *q.current_status) continue;
      if (q.only_digital_letters && !r.sdp) continue;
      if (!q.senders_references.empty() &&
          std::find(q.senders_references.begin(), q.senders_references.end(), r.external_shipment_reference) ==
              q.senders_references.end()) {
        continue;
      }
      if (static_cast<int>(page.items.size()) == q.limit) {
        page.limit_reached = true;
        break;
      }
      page.items.push_back({r, {}});
    }
    return page;
  }
  Result<InboxPage> inbox(const InboxQuery& q) override {
    InboxPage page;
    for (const auto& r : rows) {
      if (r.reportee == q.reportee && r.visible_at <= q.now) page.items.push_back(r);
    }
    return page;
  }
  CorrespondenceRecord* visible(const std::string& reportee, Id id, std::time_t now) {
    for (auto& r : rows) {
      if (r.id == id && r.reportee == reportee && r.visible_at <= now) return &r;
    }
    return nullptr;
  }
  Result<CorrespondenceRecord> get(const std::string& reportee, Id id, std::time_t now) override {
    if (auto* r = visible(reportee, id, now)) return *r;
    return Status::NotFound("none");
  }
  Status markRead(const std::string& reportee, Id id, std::time_t now) override {
    auto* r = visible(reportee, id, now);
    if (!r) return Status::NotFound("none");
    if (!r->read_at) r->read_at = now;
    return Status::Ok();
  }
  Status markConfirmed(const std::string& reportee, Id id, std::time_t now) override {
    auto* r = visible(reportee, id, now);
    if (!r) return Status::NotFound("none");
    if (!r->read_at) r->read_at = now;
    if (!r->confirmed_at) r->confirmed_at = now;
    return Status::Ok();
  }
  Status markDeleted(const std::string& reportee, Id id, std::time_t now) override {
    auto* r = visible(reportee, id, now);
    if (!r) return Status::NotFound("none");
    r->visible_at = std::numeric_limits<std::time_t>::max();  // gone from the inbox
    return Status::Ok();
  }
};

class FakeDatabase : public Database {
 public:
  FakeSystems systems_;
  FakeServices services_;
  FakeSubmissions submissions_;
  FakeReceipts receipts_;
  FakePrefills prefills_;
  FakeSubscriptions subscriptions_;
  FakeServiceRights service_rights_;
  FakeContacts contacts_;
  FakeNotifications notifications_;
  FakeCorrespondences correspondences_;
  CorrespondenceRepository& correspondences() override { return correspondences_; }
  ContactRepository& contacts() override { return contacts_; }
  NotificationRepository& notifications() override { return notifications_; }
  Status migrate(const std::string&) override { return Status::Ok(); }
  Status ping() override { return Status::Ok(); }
  SystemRepository& systems() override { return systems_; }
  ServiceRepository& services() override { return services_; }
  SubmissionRepository& submissions() override { return submissions_; }
  ReceiptRepository& receipts() override { return receipts_; }
  ProvisioningRepository& provisioning() override { throw std::logic_error("not used by core tests"); }
  PrefillRepository& prefills() override { return prefills_; }
  SubscriptionRepository& subscriptions() override { return subscriptions_; }
  ServiceRightRepository& serviceRights() override { return service_rights_; }
  PushRepository& push() override { throw std::logic_error("not used by core tests"); }
  BatchRepository& batches() override { throw std::logic_error("not used by core tests"); }
  BrokerRepository& brokers() override { throw std::logic_error("not used by core tests"); }
};

class FakeFileStore : public FileStore {
 public:
  std::map<std::string, std::string> blobs;
  int next = 0;
  Result<StoredBlob> put(std::string_view bytes) override {
    std::string key = "k" + std::to_string(++next);
    blobs[key] = std::string(bytes);
    return StoredBlob{key, static_cast<std::int64_t>(bytes.size()), "00"};
  }
  Result<std::string> get(const std::string& key) override {
    auto it = blobs.find(key);
    if (it == blobs.end()) return Status::NotFound("no blob");
    return it->second;
  }
  Status remove(const std::string& key) override {
    blobs.erase(key);
    return Status::Ok();
  }
  // Streaming: bytes collect in memory and land in `blobs` on commit (these tests move little data).
  class Writer : public BlobWriter {
   public:
    explicit Writer(FakeFileStore& store) : store_(store) {}
    Status write(const char* data, std::size_t size) override {
      bytes_.append(data, size);
      return Status::Ok();
    }
    std::int64_t size() const override { return static_cast<std::int64_t>(bytes_.size()); }
    Result<StoredBlob> commit() override {
      auto blob = store_.put(bytes_);
      unsigned char digest[EVP_MAX_MD_SIZE];
      unsigned int length = 0;
      EVP_Digest(bytes_.data(), bytes_.size(), digest, &length, EVP_sha256(), nullptr);
      static const char* kHex = "0123456789abcdef";
      blob->sha256_hex.clear();
      for (unsigned int i = 0; i < length; ++i) {
        blob->sha256_hex += kHex[digest[i] >> 4];
        blob->sha256_hex += kHex[digest[i] & 15];
      }
      return blob;
    }

   private:
    FakeFileStore& store_;
    std::string bytes_;
  };
  class Reader : public BlobReader {
   public:
    explicit Reader(std::string bytes) : bytes_(std::move(bytes)) {}
    std::int64_t size() const override { return static_cast<std::int64_t>(bytes_.size()); }
    Result<std::size_t> read(char* buffer, std::size_t capacity) override {
      const std::size_t n = std::min(capacity, bytes_.size() - offset_);
      std::copy_n(bytes_.data() + offset_, n, buffer);
      offset_ += n;
      return n;
    }

   private:
    std::string bytes_;
    std::size_t offset_ = 0;
  };
  Result<std::unique_ptr<BlobWriter>> create() override {
    return std::unique_ptr<BlobWriter>(std::make_unique<Writer>(*this));
  }
  Result<std::unique_ptr<BlobReader>> open(const std::string& key) override {
    auto it = blobs.find(key);
    if (it == blobs.end()) return Status::NotFound("no blob");
    return std::unique_ptr<BlobReader>(std::make_unique<Reader>(it->second));
  }
};

}  // namespace gateway::testing
