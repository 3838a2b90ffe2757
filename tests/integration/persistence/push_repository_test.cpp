// PushRepository and the outbox rows SubmissionRepository writes (migration 006) against a fresh
// MariaDB database: the outbox row commits with its submission or not at all, sequence numbers are
// contiguous per channel under concurrent submissions, and channel leases keep one deliverer per
// channel.
#define BOOST_TEST_MODULE push_repository_test
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "support/test_database.h"

using namespace gateway;
using namespace gateway::persistence;
using gateway::testing::Parties;
using gateway::testing::seedParties;
using gateway::testing::TestDatabase;
using gateway::testing::uniqueSuffix;

using gateway::testing::TestDatabaseFixture;
BOOST_TEST_GLOBAL_FIXTURE(TestDatabaseFixture);

namespace {

using namespace std::chrono_literals;

Database& db() { return TestDatabase::instance().database(); }

NewSubmission newSubmission(const Parties& p, const std::string& end_user_ref = "") {
  NewSubmission s;
  s.system_id = p.enduser_system.id;
  s.service_id = p.service.id;
  s.owner_id = p.owner.id;
  s.reportee = p.reportee;
  s.end_user_system_reference = end_user_ref;
  FormRecord form;
  form.data_format_id = "5703";
  form.data_format_version = 34;
  form.form_data = "<Skjema/>";
  s.forms.push_back(form);
  s.receipt_text = "Mottatt";
  return s;
}

std::int64_t count(const std::string& sql, const std::vector<std::string>& params) {
  return TestDatabase::instance().scalar(sql, params);
}

std::int64_t outboxRows(const Parties& p) {
  return count("SELECT COUNT(*) FROM push_outbox WHERE service_id = ?", {std::to_string(p.service.id)});
}

Parties pushParties(bool remove_from_queue = false) {
  Parties p = seedParties(db());
  DeliveryChannel channel;
  channel.mode = DeliveryMode::kPush;
  channel.receiver_url = "https://receiver.example/obr.asmx";
  channel.receiver_username = "altinn";
  channel.receiver_password = "s3cret";
  channel.remove_from_queue = remove_from_queue;
  BOOST_TEST_REQUIRE(db().push().setChannel(p.service.code, p.service.edition, channel).ok());
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(PushRepositoryAgainstMariaDb)

BOOST_AUTO_TEST_CASE(QueueServiceGetsNoOutboxRow) {
  Parties p = seedParties(db());
  BOOST_TEST_REQUIRE(db().submissions().create(newSubmission(p)).ok());
  BOOST_TEST(outboxRows(p) == 0);
}

BOOST_AUTO_TEST_CASE(PushServiceGetsOneOutboxRowWithTheSubmission) {
  Parties p = pushParties();
  auto created = db().submissions().create(newSubmission(p));
  BOOST_TEST_REQUIRE(created.ok());
  BOOST_TEST(count("SELECT COUNT(*) FROM push_outbox WHERE submission_id = ? AND state = 'pending' AND "
                   "sequence_number = 1 AND owner_id = ?",
                   {std::to_string(created.value().submission_id), std::to_string(p.owner.id)}) == 1);
}

BOOST_AUTO_TEST_CASE(FailedSubmissionLeavesNoOutboxRow) {
  Parties p = pushParties();
  const std::string ref = "dup-" + uniqueSuffix();
  BOOST_TEST_REQUIRE(db().submissions().create(newSubmission(p, ref)).ok());
  auto again = db().submissions().create(newSubmission(p, ref));
  BOOST_TEST(again.status().code() == StatusCode::kAlreadyExists);
  BOOST_TEST(outboxRows(p) == 1);
  BOOST_TEST(count("SELECT next_sequence FROM service_channel WHERE service_id = ?", {std::to_string(p.service.id)}) ==
             2);
}

BOOST_AUTO_TEST_CASE(ConcurrentSubmissionsGetContiguousSequenceNumbers) {
  Parties p = pushParties();
  constexpr int kThreads = 8, kEach = 10;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        if (!db().submissions().create(newSubmission(p)).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(failures.load() == 0);
  const std::string sid = std::to_string(p.service.id);
  BOOST_TEST(outboxRows(p) == kThreads * kEach);
  BOOST_TEST(count("SELECT MIN(sequence_number) FROM push_outbox WHERE service_id = ?", {sid}) == 1);
  BOOST_TEST(count("SELECT MAX(sequence_number) FROM push_outbox WHERE service_id = ?", {sid}) == kThreads * kEach);
  BOOST_TEST(count("SELECT COUNT(DISTINCT sequence_number) FROM push_outbox WHERE service_id = ?", {sid}) ==
             kThreads * kEach);
  // (Submission ids are NOT in commit order under concurrency, which is why the sequence comes from
  // the locked channel counter and not from an AUTO_INCREMENT id.)
}

BOOST_AUTO_TEST_CASE(LeaseKeepsOneHolderPerChannel) {
  Parties p = pushParties();
  BOOST_TEST_REQUIRE(db().submissions().create(newSubmission(p)).ok());
  persistence::PushRepository& push = db().push();

  auto a = push.claimChannel(p.service.id, "A", 60s);
  BOOST_TEST_REQUIRE(a.ok());
  BOOST_TEST_REQUIRE(a.value().has_value());
  BOOST_TEST(a.value()->receiver_password == "s3cret");
  BOOST_TEST(a.value()->receiver_url == "https://receiver.example/obr.asmx");
  auto b = push.claimChannel(p.service.id, "B", 60s);
  BOOST_TEST_REQUIRE(b.ok());
  BOOST_TEST(!b.value().has_value());
  auto due_for_b = push.dueChannels("B", 1000);
  BOOST_TEST_REQUIRE(due_for_b.ok());
  for (Id id : due_for_b.value()) BOOST_TEST(id != p.service.id);

  BOOST_TEST_REQUIRE(push.releaseChannel(p.service.id, "A").ok());
  auto b2 = push.claimChannel(p.service.id, "B", 60s);
  BOOST_TEST_REQUIRE(b2.ok());
  BOOST_TEST(b2.value().has_value());

  // A lost its lease: what it records is refused and the item is unchanged.
  auto head = push.headItem(p.service.id);
  BOOST_TEST_REQUIRE(head.ok());
  BOOST_TEST_REQUIRE(head.value().has_value());
  PushAttempt delivered;
  delivered.state = PushState::kDelivered;
  BOOST_TEST(push.recordAttempt("A", *head.value(), delivered).code() == StatusCode::kNotFound);
  BOOST_TEST(count("SELECT COUNT(*) FROM push_outbox WHERE id = ? AND state = 'pending'",
                   {std::to_string(head.value()->id)}) == 1);
}

BOOST_AUTO_TEST_CASE(ExpiredLeaseCanBeTakenOver) {
  Parties p = pushParties();
  BOOST_TEST_REQUIRE(db().submissions().create(newSubmission(p)).ok());
  auto a = db().push().claimChannel(p.service.id, "A", 50ms);
  BOOST_TEST_REQUIRE(a.ok());
  BOOST_TEST_REQUIRE(a.value().has_value());
  std::this_thread::sleep_for(150ms);
  auto b = db().push().claimChannel(p.service.id, "B", 60s);
  BOOST_TEST_REQUIRE(b.ok());
  BOOST_TEST(b.value().has_value());
}

BOOST_AUTO_TEST_CASE(RetryLaterHidesTheChannelUntilDue) {
  Parties p = pushParties();
  BOOST_TEST_REQUIRE(db().submissions().create(newSubmission(p)).ok());
  persistence::PushRepository& push = db().push();
  BOOST_TEST_REQUIRE(push.claimChannel(p.service.id, "A", 60s).ok());
  auto head = push.headItem(p.service.id);
  BOOST_TEST_REQUIRE(head.value().has_value());
  BOOST_TEST(head.value()->due);
  PushAttempt later;
  later.state = PushState::kPending;
  later.retry_after = 3600s;
  later.result_text = "FAILED: busy";
  BOOST_TEST_REQUIRE(push.recordAttempt("A", *head.value(), later).ok());
  BOOST_TEST_REQUIRE(push.releaseChannel(p.service.id, "A").ok());
  auto due = push.dueChannels("A", 1000);
  BOOST_TEST_REQUIRE(due.ok());
  for (Id id : due.value()) BOOST_TEST(id != p.service.id);
  auto again = push.headItem(p.service.id);
  BOOST_TEST(!again.value()->due);
  BOOST_TEST(again.value()->attempts == 1);
  BOOST_TEST(again.value()->last_result == "FAILED: busy");
}

BOOST_AUTO_TEST_CASE(DeliveredRecordsSentAndPurgesWhenConfigured) {
  Parties p = pushParties(/*remove_from_queue=*/true);
  auto created = db().submissions().create(newSubmission(p));
  BOOST_TEST_REQUIRE(created.ok());
  persistence::PushRepository& push = db().push();
  BOOST_TEST_REQUIRE(push.claimChannel(p.service.id, "A", 60s).ok());
  auto head = push.headItem(p.service.id);
  PushAttempt delivered;
  delivered.state = PushState::kDelivered;
  delivered.result_text = "OK";
  BOOST_TEST_REQUIRE(push.recordAttempt("A", *head.value(), delivered).ok());
  const std::string sid = std::to_string(created.value().submission_id);
  BOOST_TEST(count("SELECT COUNT(*) FROM shipment_status_log WHERE submission_id = ? AND status = 'Sent'", {sid}) == 1);
  BOOST_TEST(count("SELECT COUNT(*) FROM download_queue WHERE submission_id = ? AND purged_at IS NOT NULL", {sid}) == 1);
  auto next = push.headItem(p.service.id);
  BOOST_TEST(!next.value().has_value());
}

BOOST_AUTO_TEST_CASE(DeadItemIsListedAndRedriven) {
  Parties p = pushParties();
  auto created = db().submissions().create(newSubmission(p));
  BOOST_TEST_REQUIRE(created.ok());
  persistence::PushRepository& push = db().push();
  BOOST_TEST_REQUIRE(push.claimChannel(p.service.id, "A", 60s).ok());
  auto head = push.headItem(p.service.id);
  PushAttempt dead;
  dead.state = PushState::kDead;
  dead.result_text = "FAILED_DO_NOT_RETRY: bad data";
  BOOST_TEST_REQUIRE(push.recordAttempt("A", *head.value(), dead).ok());
  const std::string sid = std::to_string(created.value().submission_id);
  // Delivered items stay in the download queue unless the channel says otherwise.
  BOOST_TEST(count("SELECT COUNT(*) FROM download_queue WHERE submission_id = ? AND purged_at IS NULL", {sid}) == 1);
  BOOST_TEST(count("SELECT COUNT(*) FROM shipment_status_log WHERE submission_id = ? AND status = 'Error'", {sid}) == 1);

  auto listed = push.listItems(/*dead_only=*/true, 1000);
  BOOST_TEST_REQUIRE(listed.ok());
  bool found = false;
  for (const auto& i : listed.value()) found = found || i.id == head.value()->id;
  BOOST_TEST(found);
  BOOST_TEST(push.redrive(head.value()->id).ok());
  BOOST_TEST(push.redrive(head.value()->id).code() == StatusCode::kNotFound);  // no longer dead
  auto again = push.headItem(p.service.id);
  BOOST_TEST_REQUIRE(again.value().has_value());
  BOOST_TEST(again.value()->id == head.value()->id);
  BOOST_TEST(again.value()->attempts == 0);
}

BOOST_AUTO_TEST_CASE(AGroupOfOutcomesIsRecordedWhole) {
  Parties p = pushParties(/*remove_from_queue=*/true);
  for (int i = 0; i < 3; ++i) BOOST_TEST_REQUIRE(db().submissions().create(newSubmission(p)).ok());
  persistence::PushRepository& push = db().push();
  BOOST_TEST_REQUIRE(push.claimChannel(p.service.id, "A", 60s).ok());
  auto items = push.pendingItems(p.service.id, 10);
  BOOST_TEST_REQUIRE(items.ok());
  BOOST_TEST_REQUIRE(items.value().size() == 3u);
  BOOST_TEST(items.value()[0].sequence_number < items.value()[1].sequence_number);
  PushAttempt ok;
  ok.state = PushState::kDelivered;
  ok.result_text = "OK";
  PushAttempt dead;
  dead.state = PushState::kDead;
  dead.result_text = "FAILED_DO_NOT_RETRY: no";
  const auto& v = items.value();
  BOOST_TEST_REQUIRE(push.recordAttempts("A", {{v[0], ok}, {v[1], dead}, {v[2], ok}}).ok());
  const std::string svc = std::to_string(p.service.id);
  BOOST_TEST(count("SELECT COUNT(*) FROM push_outbox WHERE service_id = ? AND state = 'delivered'", {svc}) == 2);
  BOOST_TEST(count("SELECT COUNT(*) FROM push_outbox WHERE service_id = ? AND state = 'dead'", {svc}) == 1);
  BOOST_TEST(count("SELECT COUNT(*) FROM download_queue q JOIN submission s ON s.id = q.submission_id "
                   "WHERE s.service_id = ? AND q.purged_at IS NOT NULL", {svc}) == 2);
  BOOST_TEST(count("SELECT COUNT(*) FROM shipment_status_log l JOIN submission s ON s.id = l.submission_id "
                   "WHERE s.service_id = ? AND l.status IN ('Sent', 'Error')", {svc}) == 3);

  // A group with one item that is no longer pending changes nothing at all.
  BOOST_TEST_REQUIRE(db().submissions().create(newSubmission(p)).ok());
  auto fresh = push.pendingItems(p.service.id, 10);
  BOOST_TEST_REQUIRE(fresh.value().size() == 1u);
  BOOST_TEST(push.recordAttempts("A", {{fresh.value()[0], ok}, {v[0], ok}}).code() == StatusCode::kNotFound);
  BOOST_TEST(push.pendingItems(p.service.id, 10).value().size() == 1u);
  BOOST_TEST(count("SELECT COUNT(*) FROM push_outbox WHERE service_id = ? AND state = 'delivered'", {svc}) == 2);
}

BOOST_AUTO_TEST_CASE(HousekeepingDeletesOnlyDeliveredItemsPastTheirKeepTime) {
  Parties p = pushParties();
  for (int i = 0; i < 3; ++i) BOOST_TEST_REQUIRE(db().submissions().create(newSubmission(p)).ok());
  persistence::PushRepository& push = db().push();
  BOOST_TEST_REQUIRE(push.claimChannel(p.service.id, "A", 60s).ok());
  auto items = push.pendingItems(p.service.id, 10).value();
  BOOST_TEST_REQUIRE(items.size() == 3u);
  PushAttempt ok;
  ok.state = PushState::kDelivered;
  ok.result_text = "OK";
  PushAttempt dead;
  dead.state = PushState::kDead;
  dead.result_text = "FAILED_DO_NOT_RETRY";
  BOOST_TEST_REQUIRE(push.recordAttempts("A", {{items[0], ok}, {items[1], ok}, {items[2], dead}}).ok());
  // The first delivery and the dead item were recorded two days ago.
  for (Id id : {items[0].id, items[2].id}) {
    TestDatabase::instance().execute(
        "UPDATE push_outbox SET updated_at = TIMESTAMPADD(DAY, -2, UTC_TIMESTAMP(6)) WHERE id = ?", {std::to_string(id)});
  }
  auto deleted = push.deleteDelivered(std::chrono::hours(24), 1000);
  BOOST_TEST_REQUIRE(deleted.ok());
  BOOST_TEST(deleted.value() >= 1);  // other tests' old rows may go too; ours is checked below
  const auto rows = [](Id id) { return count("SELECT COUNT(*) FROM push_outbox WHERE id = ?", {std::to_string(id)}); };
  BOOST_TEST(rows(items[0].id) == 0);  // delivered, old
  BOOST_TEST(rows(items[1].id) == 1);  // delivered, recent
  BOOST_TEST(rows(items[2].id) == 1);  // dead: kept for the operator
}

BOOST_AUTO_TEST_CASE(PushWithoutUrlIsRefusedAndUnknownServiceIsNotFound) {
  Parties p = seedParties(db());
  DeliveryChannel channel;
  channel.mode = DeliveryMode::kPush;
  BOOST_TEST(db().push().setChannel(p.service.code, p.service.edition, channel).code() == StatusCode::kInvalidArgument);
  channel.receiver_url = "https://x.example/";
  BOOST_TEST(db().push().setChannel("no-such-" + uniqueSuffix(), 1, channel).code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_SUITE_END()
