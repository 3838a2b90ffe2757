// DeliveryWorker (gateway/push/delivery_worker.h) with an in-memory outbox, a fake clock and a
// scripted receiver: order, FAILED retries, DO_NOT_RETRY, queue mode and leases, without I/O.
#define BOOST_TEST_MODULE delivery_worker_test
#include <boost/test/unit_test.hpp>

#include <deque>
#include <functional>
#include <map>

#include "memory_file_store.h"
#include "push/delivery_worker.h"

using namespace gateway;
using namespace gateway::persistence;
using namespace gateway::push;
using std::chrono::milliseconds;

namespace {

// Time in milliseconds, moved by the test.
struct Clock {
  long now = 0;
};

class FakePush final : public PushRepository {
 public:
  explicit FakePush(Clock& clock) : clock_(clock) {}

  void addChannel(Id service_id) {
    DeliveryChannel c;
    c.service_id = service_id;
    c.owner_id = 1;
    c.mode = DeliveryMode::kPush;
    c.receiver_url = "https://receiver/" + std::to_string(service_id);
    c.receiver_username = "u";
    c.receiver_password = "p";
    channels_[service_id] = c;
  }
  Id addItem(Id service_id) {
    PushItem i;
    i.id = next_id_++;
    i.owner_id = 1;
    i.service_id = service_id;
    i.submission_id = i.id;
    i.sequence_number = ++sequence_[service_id];
    items_[i.id] = i;
    due_at_[i.id] = clock_.now;
    return i.id;
  }
  const PushItem& item(Id id) { return items_.at(id); }
  bool queueMode(Id service_id) { return channels_.at(service_id).queue_mode; }
  std::map<Id, std::string> leases;  // service -> holder

  Status setChannel(const std::string&, int, const DeliveryChannel&) override { return Status::Internal("unused"); }
  Result<std::vector<DeliveryChannel>> listChannels() override { return Status::Internal("unused"); }
  Result<std::vector<PushItem>> listItems(bool, int) override { return Status::Internal("unused"); }
  Status redrive(Id id) override {
    auto it = items_.find(id);
    if (it == items_.end() || it->second.state != PushState::kDead) return Status::NotFound("no");
    it->second.state = PushState::kPending;
    it->second.attempts = 0;
    due_at_[id] = clock_.now;
    return Status::Ok();
  }
  Result<std::vector<Id>> dueChannels(const std::string& holder, int) override {
    std::vector<Id> out;
    for (const auto& [id, c] : channels_) {
      auto lease = leases.find(id);
      if (lease != leases.end() && lease->second != holder) continue;
      auto head = headItem(id);
      if (head.value() && head.value()->due) out.push_back(id);
    }
    return out;
  }
  Result<std::optional<DeliveryChannel>> claimChannel(Id service_id, const std::string& holder, milliseconds) override {
    auto lease = leases.find(service_id);
    if (lease != leases.end() && lease->second != holder) return std::optional<DeliveryChannel>();
    leases[service_id] = holder;
    ++claims;
    return std::optional<DeliveryChannel>(channels_.at(service_id));
  }
  Status releaseChannel(Id service_id, const std::string& holder) override {
    auto lease = leases.find(service_id);
    if (lease != leases.end() && lease->second == holder) leases.erase(lease);
    return Status::Ok();
  }
  Result<std::vector<PushItem>> pendingItems(Id service_id, int limit) override {
    std::vector<PushItem> out;
    for (auto& [id, i] : items_) {  // ids grow with sequence numbers here
      if (i.service_id != service_id || i.state != PushState::kPending) continue;
      if (static_cast<int>(out.size()) == limit) break;
      out.push_back(i);
      out.back().due = due_at_[id] <= clock_.now;
    }
    return out;
  }
  // All or nothing, as the real one.
  Status recordAttempts(const std::string& holder, const std::vector<PushOutcome>& outcomes) override {
    for (const auto& [item, a] : outcomes) {
      auto lease = leases.find(item.service_id);
      if (lease == leases.end() || lease->second != holder) return Status::NotFound("lease lost");
    }
    ++commits;
    for (const auto& [item, a] : outcomes) {
      PushItem& stored = items_.at(item.id);
      stored.state = a.state;
      stored.attempts += a.count_attempt ? 1 : 0;
      stored.last_result = a.result_text;
      due_at_[item.id] = clock_.now + a.retry_after.count();
      channels_.at(item.service_id).queue_mode = a.channel_queue_mode;
    }
    return Status::Ok();
  }
  int commits = 0;
  int claims = 0;
  // Delivered items count as old enough when `older_than` is at most the fake clock's age of them.
  Result<int> deleteDelivered(std::chrono::seconds older_than, int limit) override {
    int deleted = 0;
    for (auto it = items_.begin(); it != items_.end() && deleted < limit;) {
      if (it->second.state == PushState::kDelivered && clock_.now - due_at_[it->first] >= older_than.count() * 1000) {
        it = items_.erase(it);
        ++deleted;
      } else {
        ++it;
      }
    }
    return deleted;
  }
  bool exists(Id id) const { return items_.count(id) > 0; }

 private:
  Clock& clock_;
  Id next_id_ = 1;
  std::map<Id, DeliveryChannel> channels_;
  std::map<Id, PushItem> items_;
  std::map<Id, long> due_at_;
  std::map<Id, std::int64_t> sequence_;
};

class FakeSubmissions final : public SubmissionRepository {
 public:
  std::map<Id, std::vector<AttachmentRecord>> attachments;  // by submission id
  Result<SubmissionCreated> create(const NewSubmission&) override { return Status::Internal("unused"); }
  Result<std::optional<ReceiptRecord>> findReceiptByEndUserReference(Id, const std::string&) override {
    return Status::Internal("unused");
  }
  Result<std::vector<QueueItem>> listQueue(Id, const std::optional<std::string>&, int) override {
    return Status::Internal("unused");
  }
  Status purgeQueueItem(Id, const std::string&) override { return Status::Internal("unused"); }
  Result<ArchivedSubmission> getByArchiveReference(Id, const std::string&) override { return Status::Internal("unused"); }
  Result<ArchivedSubmission> getById(Id owner_id, Id submission_id) override {
    ArchivedSubmission s;
    s.id = submission_id;
    s.owner_id = owner_id;
    s.archive_reference = "AR" + std::to_string(submission_id);
    s.service_code = "4711";
    s.service_edition = 1;
    if (auto it = attachments.find(submission_id); it != attachments.end()) s.attachments = it->second;
    return s;
  }
  Status appendShipmentStatus(Id, const std::string&, ShipmentStatus, const std::string&) override {
    return Status::Internal("unused");
  }
  Result<ShipmentPage> shipmentStatus(Id, const ShipmentQuery&, int) override { return Status::Internal("unused"); }
  Result<ArchiveSearchPage> searchArchive(Id, const ArchiveSearch&, int) override { return Status::Internal("unused"); }
  Result<SubmittedBy> findSubmittedBy(Id, Id) override { return Status::Internal("unused"); }
  Result<Id> addAttachment(Id, Id, const AttachmentRecord&) override { return Status::Internal("unused"); }
  Result<AttachmentRecord> findAttachment(Id, Id) override { return Status::Internal("unused"); }
};

// Answers from a script (then OK), and remembers what it was sent.
class ScriptedReceiver final : public ReceiverClient {
 public:
  std::deque<ReceiverOutcome> script;
  std::vector<std::string> sent;  // receivers_reference per call, in order
  std::vector<std::string> zips;  // the attachments parameter per call
  std::function<void()> on_deliver;

  ReceiverOutcome deliver(const DeliveryRequest& request) override {
    sent.push_back(request.receivers_reference);
    if (on_deliver) on_deliver();
    zips.push_back(request.attachments);
    BOOST_TEST(request.password == "p");
    BOOST_TEST(request.batch.find("<DataBatch") != std::string::npos);
    if (script.empty()) return {OutcomeKind::kOk, ""};
    ReceiverOutcome next = script.front();
    script.pop_front();
    return next;
  }
};

struct Fixture {
  Clock clock;
  FakePush push{clock};
  FakeSubmissions submissions;
  testing::MemoryFileStore files;
  ScriptedReceiver receiver;
  std::unique_ptr<DeliveryWorker> worker;

  explicit Fixture(WorkerOptions options = {}) {
    options.retry.max_attempts = 3;
    options.retry.backoff_initial = milliseconds(100);
    options.retry.backoff_max = milliseconds(1000);
    options.retry.queue_retry_interval = milliseconds(5000);
    options.max_attachment_bytes = 100;
    worker = std::make_unique<DeliveryWorker>(push, submissions, files, [] { return nullptr; }, options);
    push.addChannel(10);
  }
  int pass() { return worker->runOnce(receiver, "me"); }
};

std::vector<std::string> refs(std::initializer_list<int> ids) {
  std::vector<std::string> out;
  for (int id : ids) out.push_back("AR" + std::to_string(id));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(DeliveryWorkerWithFakes)

BOOST_FIXTURE_TEST_CASE(DeliversEveryItemOnceInSequenceOrder, Fixture) {
  for (int i = 0; i < 3; ++i) push.addItem(10);
  BOOST_TEST(pass() == 3);
  BOOST_TEST(receiver.sent == refs({1, 2, 3}), boost::test_tools::per_element());
  for (Id id : {1, 2, 3}) BOOST_TEST((push.item(id).state == PushState::kDelivered));
  BOOST_TEST(pass() == 0);
  BOOST_TEST(push.leases.empty());
}

BOOST_FIXTURE_TEST_CASE(FailedIsRetriedAfterBackoffAndBlocksLaterItems, Fixture) {
  push.addItem(10);
  push.addItem(10);
  receiver.script = {{OutcomeKind::kFailed, "busy"}};
  BOOST_TEST(pass() == 1);
  BOOST_TEST((push.item(1).state == PushState::kPending));
  BOOST_TEST(push.item(1).attempts == 1);
  clock.now += 99;
  BOOST_TEST(pass() == 0);  // not due yet, and item 2 waits behind it
  clock.now += 1;
  BOOST_TEST(pass() == 2);
  BOOST_TEST(receiver.sent == refs({1, 1, 2}), boost::test_tools::per_element());
  BOOST_TEST((push.item(1).state == PushState::kDelivered));
  BOOST_TEST((push.item(2).state == PushState::kDelivered));
}

BOOST_FIXTURE_TEST_CASE(FailedUntilMaxAttemptsIsDeadAndTheRestFollows, Fixture) {
  push.addItem(10);
  push.addItem(10);
  receiver.script = {{OutcomeKind::kFailed, "a"}, {OutcomeKind::kFailed, "b"}, {OutcomeKind::kFailed, "c"}};
  pass();
  clock.now += 100;
  pass();
  clock.now += 200;
  BOOST_TEST(pass() == 2);  // third FAILED: dead; item 2 goes at once
  BOOST_TEST((push.item(1).state == PushState::kDead));
  BOOST_TEST(push.item(1).last_result.find("FAILED: c") == 0u);
  BOOST_TEST((push.item(2).state == PushState::kDelivered));
}

BOOST_FIXTURE_TEST_CASE(DoNotRetryIsDeadAtOnceAndRedriveDeliversIt, Fixture) {
  push.addItem(10);
  push.addItem(10);
  receiver.script = {{OutcomeKind::kFailedDoNotRetry, "feil"}};
  BOOST_TEST(pass() == 2);
  BOOST_TEST((push.item(1).state == PushState::kDead));
  BOOST_TEST(push.item(1).last_result == "FAILED_DO_NOT_RETRY: feil");
  BOOST_TEST((push.item(2).state == PushState::kDelivered));
  BOOST_TEST(push.redrive(1).ok());
  BOOST_TEST(pass() == 1);
  BOOST_TEST((push.item(1).state == PushState::kDelivered));
  BOOST_TEST(receiver.sent == refs({1, 2, 1}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(UnavailableReceiverPutsTheChannelInQueueMode, Fixture) {
  for (int i = 0; i < 3; ++i) push.addItem(10);
  receiver.script = {{OutcomeKind::kUnavailable, "fault"}, {OutcomeKind::kUnavailable, "refused"}};
  BOOST_TEST(pass() == 1);
  BOOST_TEST(push.queueMode(10));
  clock.now += 4999;
  BOOST_TEST(pass() == 0);
  clock.now += 1;
  BOOST_TEST(pass() == 1);  // only the oldest is retried
  BOOST_TEST(push.queueMode(10));
  BOOST_TEST(push.item(1).attempts == 0);  // queue-mode tries never make an item dead
  clock.now += 5000;
  BOOST_TEST(pass() == 3);  // receiver back: the oldest, then the rest, in order
  BOOST_TEST(!push.queueMode(10));
  BOOST_TEST(receiver.sent == refs({1, 1, 1, 2, 3}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(ChannelLeasedByAnotherHolderIsLeftAlone, Fixture) {
  push.addItem(10);
  push.leases[10] = "someone-else";
  BOOST_TEST(pass() == 0);
  BOOST_TEST(receiver.sent.empty());
  push.leases.clear();
  BOOST_TEST(pass() == 1);
}

BOOST_FIXTURE_TEST_CASE(ChannelsAreIndependent, Fixture) {
  push.addChannel(20);
  push.addItem(10);  // id 1
  push.addItem(20);  // id 2
  receiver.script = {{OutcomeKind::kUnavailable, "down"}};
  BOOST_TEST(pass() == 2);
  BOOST_TEST(push.queueMode(10));
  BOOST_TEST(!push.queueMode(20));
  BOOST_TEST((push.item(2).state == PushState::kDelivered));
}

BOOST_FIXTURE_TEST_CASE(AttachmentsTravelAsAZipAndNoAttachmentsAsAnEmptyArray, Fixture) {
  const Id with = push.addItem(10);
  const Id without = push.addItem(10);
  AttachmentRecord a;
  a.id = 5;
  a.file_name = "a.txt";
  a.size = 3;
  a.storage_key = files.put("abc").value().key;
  submissions.attachments[with] = {a};
  BOOST_TEST(pass() == 2);
  BOOST_REQUIRE(receiver.zips.size() == 2u);
  BOOST_TEST(receiver.zips[0].substr(0, 4) == std::string("PK\x03\x04"));
  BOOST_TEST(receiver.zips[1].empty());
  BOOST_TEST((push.item(without).state == PushState::kDelivered));
}

BOOST_FIXTURE_TEST_CASE(AttachmentsOverTheLimitMakeTheItemDeadUnsentAndTheNextFollows, Fixture) {
  const Id big = push.addItem(10);
  push.addItem(10);
  AttachmentRecord a;
  a.id = 5;
  a.file_name = "big.bin";
  a.size = 101;  // the fixture's limit is 100
  a.storage_key = files.put(std::string(101, 'x')).value().key;
  submissions.attachments[big] = {a};
  BOOST_TEST(pass() == 1);  // only the second item was sent
  BOOST_TEST(receiver.sent == refs({2}), boost::test_tools::per_element());
  BOOST_TEST((push.item(big).state == PushState::kDead));
  BOOST_TEST(push.item(big).last_result.find("push.max_attachment_bytes") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(MissingAttachmentBytesMakeTheItemDeadUnsent, Fixture) {
  const Id item = push.addItem(10);
  AttachmentRecord a;
  a.id = 5;
  a.file_name = "gone.bin";
  a.size = 3;
  a.storage_key = "no such key";
  submissions.attachments[item] = {a};
  BOOST_TEST(pass() == 0);
  BOOST_TEST(receiver.sent.empty());
  BOOST_TEST((push.item(item).state == PushState::kDead));
  BOOST_TEST(push.item(item).last_result.find("unreadable") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(ARunOfOkAnswersIsCommittedInGroupsUnderOneLease, Fixture) {
  for (int i = 0; i < 70; ++i) push.addItem(10);
  BOOST_TEST(pass() == 70);
  BOOST_TEST(push.commits == 3);  // 32 + 32 + 6 (outcomes_per_commit = 32)
  BOOST_TEST(push.claims == 1);
  for (Id id = 1; id <= 70; ++id) BOOST_TEST((push.item(id).state == PushState::kDelivered));
}

struct ShortLeaseFixture : Fixture {
  static WorkerOptions shortLease() {
    WorkerOptions o;
    o.lease = milliseconds(50);
    o.longest_delivery = milliseconds(50);  // every item needs a fresh lease
    return o;
  }
  ShortLeaseFixture() : Fixture(shortLease()) {}
};

BOOST_FIXTURE_TEST_CASE(OutcomesAreCommittedBeforeTheLeaseIsRenewed, ShortLeaseFixture) {
  for (int i = 0; i < 3; ++i) push.addItem(10);
  BOOST_TEST(pass() == 3);
  BOOST_TEST(push.claims == 4);   // the claim, then a renewal before every item
  BOOST_TEST(push.commits == 3);  // each renewal first commits what was delivered under the old lease
  for (Id id = 1; id <= 3; ++id) BOOST_TEST((push.item(id).state == PushState::kDelivered));
}

BOOST_FIXTURE_TEST_CASE(OutcomesUnderALostLeaseAreDroppedAndTheItemsStayPending, Fixture) {
  for (int i = 0; i < 3; ++i) push.addItem(10);
  receiver.on_deliver = [this] {
    if (receiver.sent.size() == 2) push.leases[10] = "thief";
  };
  BOOST_TEST(pass() == 3);
  BOOST_TEST(push.commits == 0);
  for (Id id = 1; id <= 3; ++id) BOOST_TEST((push.item(id).state == PushState::kPending));
}

BOOST_FIXTURE_TEST_CASE(HousekeepingDeletesOnlyOldDeliveredItems, Fixture) {
  const Id delivered = push.addItem(10);
  const Id dead = push.addItem(10);
  const Id pending = push.addItem(10);
  receiver.script = {{OutcomeKind::kOk, ""}, {OutcomeKind::kFailedDoNotRetry, "no"}, {OutcomeKind::kFailed, "later"}};
  pass();
  BOOST_TEST(worker->deleteOldDelivered() == 0);  // delivered just now: kept for keep_delivered (30 days)
  clock.now += 31L * 24 * 3600 * 1000;
  BOOST_TEST(worker->deleteOldDelivered() == 1);
  BOOST_TEST(!push.exists(delivered));
  BOOST_TEST(push.exists(dead));
  BOOST_TEST(push.exists(pending));
}

BOOST_AUTO_TEST_SUITE_END()
