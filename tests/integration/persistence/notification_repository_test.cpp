// Contact register, templates and the notification outbox against a fresh MariaDB database:
// all-or-nothing enqueue, claiming with leases (no row twice, expired leases reclaimed), outcomes,
// dead letters and redrive, and per-owner listing.
#define BOOST_TEST_MODULE notification_repository_test
#include <boost/test/unit_test.hpp>

#include <ctime>
#include <mutex>
#include <set>
#include <thread>

#include "support/test_database.h"

using namespace gateway;
using namespace gateway::persistence;
using gateway::testing::Parties;
using gateway::testing::seedParties;
using gateway::testing::TestDatabase;

using gateway::testing::TestDatabaseFixture;
BOOST_TEST_GLOBAL_FIXTURE(TestDatabaseFixture);

namespace {

Database& db() { return TestDatabase::instance().database(); }
NotificationRepository& repo() { return db().notifications(); }

OutboxMessage message(const Parties& p, const std::string& recipient, std::time_t due = 0) {
  OutboxMessage m;
  m.owner_id = p.owner.id;
  m.system_id = p.owner_system.id;
  m.reportee = "01019010046";
  m.notification_type = "Varsel";
  m.transport = OutboxTransport::kEmail;
  m.recipient = recipient;
  m.subject = "Blåbær";
  m.body = "Hei æøå";
  m.next_attempt_at = due ? due : std::time(nullptr) - 1;
  return m;
}

std::int64_t countFor(const Parties& p) {
  return TestDatabase::instance().scalar("SELECT COUNT(*) FROM notification_outbox WHERE owner_id = ?",
                                         {std::to_string(p.owner.id)});
}

// Claims everything due, in batches, until nothing is left (the shared database may hold other rows).
std::vector<OutboxMessage> claimAllOf(const Parties& p, int lease_seconds = 60) {
  std::vector<OutboxMessage> mine;
  while (true) {
    auto claimed = repo().claim(50, lease_seconds);
    BOOST_REQUIRE(claimed.ok());
    if (claimed->empty()) break;
    for (auto& m : claimed.value()) {
      if (m.owner_id == p.owner.id) mine.push_back(m);
    }
  }
  return mine;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(NotificationRepositoryTests)

BOOST_AUTO_TEST_CASE(ContactsAreUpsertedFoundAndRemoved) {
  auto& contacts = db().contacts();
  BOOST_REQUIRE(contacts.upsert({{"01019010046", "ola@example.no", "+4791234567", false, 2068},
                                 {"910000306", "post@firma.no", "", true, 1044}}).ok());
  BOOST_REQUIRE(contacts.upsert({{"01019010046", "ny@example.no", "", true, 1033}}).ok());
  auto found = contacts.find("01019010046");
  BOOST_REQUIRE(found.ok());
  BOOST_REQUIRE(found->has_value());
  BOOST_TEST((*found.value()).email == "ny@example.no");
  BOOST_TEST((*found.value()).reserved);
  BOOST_TEST((*found.value()).language_id == 1033);
  auto many = contacts.findMany({"910000306", "01019010046", "13109000161"});
  BOOST_TEST(many->size() == 2u);
  BOOST_TEST(contacts.remove("910000306").ok());
  BOOST_TEST((contacts.remove("910000306").code() == StatusCode::kNotFound));
  BOOST_TEST(!contacts.find("910000306")->has_value());
}

BOOST_AUTO_TEST_CASE(ContactWithABadLanguageIsRefusedAndNothingOfTheBatchIsStored) {
  Status s = db().contacts().upsert({{"05059000170", "a@b.no", "", false, 1044}, {"13109000161", "", "", false, 9}});
  BOOST_TEST(!s.ok());
  BOOST_TEST(!db().contacts().find("05059000170")->has_value());
}

BOOST_AUTO_TEST_CASE(TemplatesArePerTypeAndLanguage) {
  BOOST_REQUIRE(repo().putTemplate({"Frist", 1044, "Frist {0}", "Hei {1}, æøå", "SMS {0}"}).ok());
  BOOST_REQUIRE(repo().putTemplate({"Frist", 2068, "Frist {0} nn", "Hei {1}", ""}).ok());
  BOOST_REQUIRE(repo().putTemplate({"Frist", 1044, "Frist {0} v2", "Hei {1}, æøå", "SMS {0}"}).ok());
  auto templates = repo().templatesOf("Frist");
  BOOST_REQUIRE(templates->size() == 2u);
  BOOST_TEST(templates->at(0).language_id == 1044);
  BOOST_TEST(templates->at(0).email_subject == "Frist {0} v2");
  BOOST_TEST(templates->at(0).email_body == "Hei {1}, æøå");
  BOOST_TEST(repo().templatesOf("Ukjent")->empty());
}

BOOST_AUTO_TEST_CASE(EnqueueStoresEveryMessageWithTheRequest) {
  const Parties p = seedParties(db());
  auto ids = repo().enqueue({message(p, "a@example.no"), message(p, "b@example.no")});
  BOOST_REQUIRE(ids.ok());
  BOOST_TEST(ids->size() == 2u);
  BOOST_TEST(countFor(p) == 2);
  auto stored = repo().get(ids->at(0));
  BOOST_REQUIRE(stored->has_value());
  BOOST_TEST((stored->value().state == OutboxState::kPending));
  BOOST_TEST(stored->value().subject == "Blåbær");
  BOOST_TEST(stored->value().body == "Hei æøå");
}

BOOST_AUTO_TEST_CASE(AFailingRowRollsBackTheWholeRequest) {
  const Parties p = seedParties(db());
  auto ids = repo().enqueue({message(p, "a@example.no"), message(p, std::string(300, 'x') + "@example.no")});
  BOOST_TEST(!ids.ok());
  BOOST_TEST(countFor(p) == 0);
}

BOOST_AUTO_TEST_CASE(ClaimTakesDueMessagesOnceAndLeavesFutureOnes) {
  const Parties p = seedParties(db());
  auto ids = repo().enqueue({message(p, "now@example.no"), message(p, "later@example.no", std::time(nullptr) + 3600)});
  BOOST_REQUIRE(ids.ok());
  auto first = claimAllOf(p);
  BOOST_REQUIRE(first.size() == 1u);
  BOOST_TEST(first[0].recipient == "now@example.no");
  BOOST_TEST((first[0].state == OutboxState::kSending));
  BOOST_TEST(first[0].attempts == 1);
  BOOST_TEST(first[0].lease_token != 0);
  BOOST_TEST(claimAllOf(p).empty());  // leased

  BOOST_TEST(repo().markSent(first[0].id, first[0].lease_token + 1).code() == StatusCode::kNotFound);
  BOOST_TEST(repo().markSent(first[0].id, first[0].lease_token).ok());
  auto sent = repo().get(first[0].id);
  BOOST_TEST((sent->value().state == OutboxState::kSent));
  BOOST_TEST(sent->value().sent_at.has_value());
  BOOST_TEST(claimAllOf(p).empty());
}

BOOST_AUTO_TEST_CASE(ManyAreMarkedSentAtOnceAndUntriedOnesAreReleased) {
  const Parties p = seedParties(db());
  BOOST_REQUIRE(repo().enqueue({message(p, "a@example.no"), message(p, "b@example.no"), message(p, "c@example.no")}).ok());
  auto claimed = claimAllOf(p);
  BOOST_REQUIRE(claimed.size() == 3u);
  BOOST_TEST(claimed[0].id < claimed[1].id);  // oldest first
  // Two sent (one with a stale token, which is skipped), the third never tried.
  auto recorded = repo().markAllSent({{claimed[0].id, claimed[0].lease_token}, {claimed[1].id, claimed[1].lease_token + 1}});
  BOOST_REQUIRE(recorded.ok());
  BOOST_TEST(recorded.value() == 1);
  BOOST_TEST((repo().get(claimed[0].id)->value().state == OutboxState::kSent));
  BOOST_TEST((repo().get(claimed[1].id)->value().state == OutboxState::kSending));
  BOOST_REQUIRE(repo().release({{claimed[2].id, claimed[2].lease_token}}).ok());
  auto released = repo().get(claimed[2].id)->value();
  BOOST_TEST((released.state == OutboxState::kPending));
  BOOST_TEST(released.attempts == 0);  // the claim's attempt is not counted
  auto again = claimAllOf(p);
  BOOST_REQUIRE(again.size() == 1u);  // due at once; the other one is still leased
  BOOST_TEST(again[0].id == claimed[2].id);
}

BOOST_AUTO_TEST_CASE(AnExpiredLeaseIsClaimedAgain) {
  const Parties p = seedParties(db());
  BOOST_REQUIRE(repo().enqueue({message(p, "a@example.no")}).ok());
  auto first = claimAllOf(p, 1);
  BOOST_REQUIRE(first.size() == 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  auto again = claimAllOf(p);
  BOOST_REQUIRE(again.size() == 1u);
  BOOST_TEST(again[0].attempts == 2);
  BOOST_TEST(again[0].lease_token != first[0].lease_token);
  // The first worker's late outcome no longer counts.
  BOOST_TEST(repo().markSent(first[0].id, first[0].lease_token).code() == StatusCode::kNotFound);
  BOOST_TEST(repo().markSent(again[0].id, again[0].lease_token).ok());
}

BOOST_AUTO_TEST_CASE(ConcurrentClaimersNeverGetTheSameRow) {
  const Parties p = seedParties(db());
  std::vector<OutboxMessage> batch;
  for (int i = 0; i < 60; ++i) batch.push_back(message(p, "m" + std::to_string(i) + "@example.no"));
  BOOST_REQUIRE(repo().enqueue(batch).ok());
  std::mutex mutex;
  std::multiset<Id> seen;
  auto claimer = [&] {
    for (int round = 0; round < 30; ++round) {
      auto claimed = repo().claim(3, 60);
      if (!claimed.ok()) continue;
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& m : claimed.value()) {
        if (m.owner_id == p.owner.id) seen.insert(m.id);
      }
    }
  };
  std::thread a(claimer), b(claimer), c(claimer);
  a.join();
  b.join();
  c.join();
  BOOST_TEST(seen.size() == 60u);
  for (Id id : seen) BOOST_TEST(seen.count(id) == 1u);
}

BOOST_AUTO_TEST_CASE(FailuresRetryThenDieAndCanBeRedriven) {
  const Parties p = seedParties(db());
  BOOST_REQUIRE(repo().enqueue({message(p, "a@example.no")}).ok());
  auto claimed = claimAllOf(p);
  BOOST_REQUIRE(claimed.size() == 1u);
  const Id id = claimed[0].id;
  BOOST_REQUIRE(repo().markFailed(id, claimed[0].lease_token, "relay down", std::time(nullptr) - 1).ok());
  auto pending = repo().get(id);
  BOOST_TEST((pending->value().state == OutboxState::kPending));
  BOOST_TEST(pending->value().last_error == "relay down");

  claimed = claimAllOf(p);
  BOOST_REQUIRE(claimed.size() == 1u);
  BOOST_TEST(claimed[0].attempts == 2);
  BOOST_REQUIRE(repo().markFailed(id, claimed[0].lease_token, "550 no such user", std::nullopt).ok());
  BOOST_TEST((repo().get(id)->value().state == OutboxState::kDead));
  BOOST_TEST(claimAllOf(p).empty());

  OutboxQuery dead;
  dead.owner_id = p.owner.id;
  dead.dead_only = true;
  auto listed = repo().list(dead);
  BOOST_REQUIRE(listed->size() == 1u);
  BOOST_TEST(listed->at(0).last_error == "550 no such user");

  BOOST_TEST(repo().redrive(id).ok());
  BOOST_TEST((repo().redrive(id).code() == StatusCode::kNotFound));  // no longer dead
  claimed = claimAllOf(p);
  BOOST_REQUIRE(claimed.size() == 1u);
  BOOST_TEST(claimed[0].attempts == 1);
}

BOOST_AUTO_TEST_CASE(AnOwnerListsOnlyItsOwnMessages) {
  const Parties a = seedParties(db());
  const Parties b = seedParties(db());
  BOOST_REQUIRE(repo().enqueue({message(a, "a@example.no")}).ok());
  BOOST_REQUIRE(repo().enqueue({message(b, "b@example.no"), message(b, "b2@example.no")}).ok());
  OutboxQuery q;
  q.owner_id = a.owner.id;
  auto listed = repo().list(q);
  BOOST_REQUIRE(listed.ok());
  BOOST_REQUIRE(listed->size() == 1u);
  BOOST_TEST(listed->at(0).recipient == "a@example.no");
}

BOOST_AUTO_TEST_SUITE_END()
