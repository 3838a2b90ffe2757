// SubscriptionRepository against a fresh MariaDB database: insert, update by id within the owner,
// sub-receipts, the batch-id rule.
#define BOOST_TEST_MODULE subscription_repository_test
#include <boost/test/unit_test.hpp>

#include <ctime>

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

constexpr std::time_t kStart = 1767225600;  // 2026-01-01T00:00:00Z
constexpr std::time_t kDay = 24 * 3600;

Database& db() { return TestDatabase::instance().database(); }
SubscriptionRepository& repo() { return db().subscriptions(); }

SubscriptionRepository::Item item(const Parties& p) {
  SubscriptionRecord s;
  s.owner_id = p.owner.id;
  s.service_id = p.service.id;
  s.system_id = p.owner_system.id;
  s.system_user_code = p.owner.code;
  s.reportee = p.reportee;
  s.period_type = "Monthly";
  s.start_date = kStart;
  s.expiration_date = kStart + 365 * kDay;
  s.next_schedule_date = kStart + kDay;
  s.next_due_date = kStart + 10 * kDay;
  s.case_id = 5;
  s.identity_fields = {"første", "second"};
  return {s, ""};
}

std::string value(const ReceiptRecord& r, const std::string& type) {
  for (const auto& ref : r.references) {
    if (ref.type == type) return ref.value;
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SubscriptionRepositoryTests)

BOOST_AUTO_TEST_CASE(InsertsAndUpdatesWithinTheOwner) {
  Parties p = seedParties(db());
  const std::string batch = "sb-" + uniqueSuffix();
  auto receipt = repo().store(p.owner.id, p.owner_system.id, batch, {item(p), item(p)});
  BOOST_REQUIRE_MESSAGE(receipt.ok(), receipt.status().message());
  BOOST_TEST(receipt->type == "Subscription");
  BOOST_TEST((receipt->status == ReceiptStatus::kOk));
  BOOST_TEST(value(receipt.value(), "BatchReference") == batch);
  BOOST_REQUIRE(receipt->sub_receipts.size() == 2u);
  const Id first = std::stoll(value(receipt->sub_receipts[0], "ReceiversReference"));

  auto listed = repo().listForOwner(p.owner.id);
  BOOST_REQUIRE(listed.ok());
  BOOST_REQUIRE(listed->size() == 2u);
  BOOST_TEST(listed->at(0).identity_fields.size() == 2u);
  BOOST_TEST(listed->at(0).identity_fields[0] == "første");
  BOOST_TEST(listed->at(0).expiration_date.value_or(0) == kStart + 365 * kDay);
  BOOST_TEST(!listed->at(0).visible_date.has_value());

  auto update = item(p);
  update.subscription.id = first;
  update.subscription.period_type = "Weekly";
  update.subscription.identity_fields = {"x"};
  auto updated = repo().store(p.owner.id, p.owner_system.id, "sb-" + uniqueSuffix(), {update});
  BOOST_REQUIRE(updated.ok());
  BOOST_TEST((updated->sub_receipts.at(0).status == ReceiptStatus::kOk));
  listed = repo().listForOwner(p.owner.id);
  BOOST_REQUIRE(listed->size() == 2u);
  BOOST_TEST(listed->at(0).period_type == "Weekly");
  BOOST_TEST(listed->at(0).identity_fields.size() == 1u);

  // Another owner cannot update it: a ValidationFailed sub-receipt, nothing changed.
  Parties other = seedParties(db());
  auto theirs = item(other);
  theirs.subscription.id = first;
  theirs.subscription.period_type = "Daily";
  auto refused = repo().store(other.owner.id, other.owner_system.id, "sb-" + uniqueSuffix(), {theirs});
  BOOST_REQUIRE(refused.ok());
  BOOST_TEST((refused->status == ReceiptStatus::kValidationFailed));
  BOOST_TEST((refused->sub_receipts.at(0).status == ReceiptStatus::kValidationFailed));
  BOOST_TEST(repo().listForOwner(p.owner.id)->at(0).period_type == "Weekly");
  BOOST_TEST(repo().listForOwner(other.owner.id)->empty());
}

BOOST_AUTO_TEST_CASE(RejectedItemsAndTheBatchIdRule) {
  Parties p = seedParties(db());
  const std::string batch = "sb-" + uniqueSuffix();
  auto bad = item(p);
  bad.rejection = "ReporteeId must be valid.";
  auto receipt = repo().store(p.owner.id, p.owner_system.id, batch, {item(p), bad});
  BOOST_REQUIRE(receipt.ok());
  BOOST_TEST((receipt->status == ReceiptStatus::kValidationFailed));
  BOOST_TEST(receipt->sub_receipts.at(1).text == "ReporteeId must be valid.");
  BOOST_TEST(repo().listForOwner(p.owner.id)->size() == 1u);

  auto again = repo().store(p.owner.id, p.owner_system.id, batch, {item(p)});
  BOOST_TEST((again.status().code() == StatusCode::kAlreadyExists));
  BOOST_TEST(repo().listForOwner(p.owner.id)->size() == 1u);
  auto earlier = repo().findBatchReceipt(p.owner.id, batch);
  BOOST_REQUIRE(earlier.ok());
  BOOST_TEST(earlier->value().id == receipt->id);
}

BOOST_AUTO_TEST_SUITE_END()
