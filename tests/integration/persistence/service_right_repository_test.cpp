// ServiceRightRepository against a fresh MariaDB database: adding, renewing, listing, removing and
// checking rules of the rights register; concurrent adders of one rule.
#define BOOST_TEST_MODULE service_right_repository_test
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <ctime>
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
ServiceRightRepository& repo() { return db().serviceRights(); }

constexpr std::time_t kDay = 24 * 3600;

ServiceRightRecord rule(const Parties& p, std::string reportee, ServiceAccess access = ServiceAccess::kRead,
                        std::string condition = "", std::time_t valid_to = std::time(nullptr) + kDay) {
  return {p.service.id, std::move(reportee), access, std::move(condition), valid_to};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ServiceRightRepositoryTests)

BOOST_AUTO_TEST_CASE(AddListHoldsAndRemove) {
  Parties p = seedParties(db());
  const std::time_t now = std::time(nullptr);
  auto added = repo().add({rule(p, "910000306"), rule(p, "910000306", ServiceAccess::kWrite, "recipient"),
                           rule(p, "01019010046")},
                          now);
  BOOST_TEST_REQUIRE(added.ok());
  BOOST_TEST(added.value() == (std::vector<bool>{true, true, true}), boost::test_tools::per_element());

  auto all = repo().list(p.service.id, std::nullopt, now);
  BOOST_TEST_REQUIRE(all.ok());
  BOOST_TEST_REQUIRE(all->size() == 3u);
  BOOST_TEST(all->at(0).reportee == "01019010046");
  auto one = repo().list(p.service.id, std::string("910000306"), now);
  BOOST_TEST_REQUIRE(one->size() == 2u);
  BOOST_TEST(one->at(1).condition == "recipient");
  BOOST_TEST((one->at(1).access == ServiceAccess::kWrite));
  BOOST_TEST(one->at(1).valid_to >= now + kDay - 5);

  BOOST_TEST(repo().holds(p.service.id, "910000306", ServiceAccess::kWrite, "recipient", now).value());
  BOOST_TEST(!repo().holds(p.service.id, "910000306", ServiceAccess::kWrite, "", now).value());
  BOOST_TEST(!repo().holds(p.service.id, "01019010046", ServiceAccess::kWrite, "", now).value());

  auto removed = repo().remove({rule(p, "01019010046"), rule(p, "01019010046")});
  BOOST_TEST_REQUIRE(removed.ok());
  BOOST_TEST(removed.value() == (std::vector<bool>{true, false}), boost::test_tools::per_element());
  BOOST_TEST(repo().list(p.service.id, std::nullopt, now)->size() == 2u);
}

BOOST_AUTO_TEST_CASE(AValidRuleIsNotAddedTwiceAnExpiredOneIsRenewed) {
  Parties p = seedParties(db());
  const std::time_t now = std::time(nullptr);
  BOOST_TEST(repo().add({rule(p, "910000306")}, now)->front());
  BOOST_TEST(!repo().add({rule(p, "910000306")}, now)->front());
  // Seen from two days later the rule has expired: it is no longer listed or held, and adding renews it.
  const std::time_t later = now + 2 * kDay;
  BOOST_TEST(repo().list(p.service.id, std::nullopt, later)->empty());
  BOOST_TEST(!repo().holds(p.service.id, "910000306", ServiceAccess::kRead, "", later).value());
  BOOST_TEST(repo().add({rule(p, "910000306", ServiceAccess::kRead, "", later + kDay)}, later)->front());
  BOOST_TEST(repo().holds(p.service.id, "910000306", ServiceAccess::kRead, "", later).value());
  BOOST_TEST(TestDatabase::instance().scalar("SELECT COUNT(*) FROM service_right WHERE service_id = ?",
                                             {std::to_string(p.service.id)}) == 1);
}

BOOST_AUTO_TEST_CASE(ConcurrentAddersOfOneNewRuleAddItOnce) {
  Parties p = seedParties(db());
  const std::time_t now = std::time(nullptr);
  std::atomic<int> added{0}, existed{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      auto r = repo().add({rule(p, "910000209", ServiceAccess::kWrite)}, now);
      if (!r.ok()) ++failed;
      else if (r->front()) ++added;
      else ++existed;
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(added.load() == 1);
  BOOST_TEST(existed.load() == 5);
  BOOST_TEST(failed.load() == 0);
}

BOOST_AUTO_TEST_CASE(ABadRuleLeavesNothingOfItsRequest) {
  Parties p = seedParties(db());
  const std::time_t now = std::time(nullptr);
  // The second reportee breaks the table's check constraint: the whole request is rolled back.
  auto r = repo().add({rule(p, "910000306"), rule(p, "12")}, now);
  BOOST_TEST(!r.ok());
  BOOST_TEST(repo().list(p.service.id, std::nullopt, now)->empty());
}

BOOST_AUTO_TEST_SUITE_END()
