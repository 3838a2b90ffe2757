#define BOOST_TEST_MODULE receipt_service
#include <boost/test/unit_test.hpp>

#include "core/receipt_service.h"
#include "fake_database.h"

using namespace gateway;
using namespace gateway::core;
using gateway::testing::FakeDatabase;

namespace {
struct Fixture {
  FakeDatabase db;
  CoreLimits limits;
  persistence::SystemRecord owner_system;
  persistence::SystemRecord enduser_system;
  Fixture() {
    owner_system.id = 1;
    owner_system.role = persistence::SystemRole::kServiceOwner;
    owner_system.owner_id = 9;
    enduser_system.id = 2;
    enduser_system.role = persistence::SystemRole::kEndUser;
  }
};
}  // namespace

BOOST_FIXTURE_TEST_SUITE(ReceiptRules, Fixture)

BOOST_AUTO_TEST_CASE(ScopesOwnersByOwnerAndEndUsersBySystem) {
  auto owner_scope = ReceiptService::scopeFor(owner_system);
  BOOST_TEST(owner_scope.owner_id.value() == 9);
  BOOST_TEST(!owner_scope.system_id.has_value());
  auto user_scope = ReceiptService::scopeFor(enduser_system);
  BOOST_TEST(user_scope.system_id.value() == 2);
  BOOST_TEST(!user_scope.owner_id.has_value());
}

BOOST_AUTO_TEST_CASE(ListWithoutTypeIs30101) {
  ReceiptService service(db, limits);
  auto r = service.list(owner_system, "NotSet", std::nullopt, std::nullopt);
  BOOST_TEST(r.status().altinnErrorId() == kErrorReceiptTypeMissing);
  BOOST_TEST(db.receipts_.calls == 0);
}

BOOST_AUTO_TEST_CASE(ReversedDateRangeIs30102) {
  ReceiptService service(db, limits);
  auto r = service.list(owner_system, "FormTask", 2000, 1000);
  BOOST_TEST(r.status().altinnErrorId() == kErrorReceiptDateRange);
}

BOOST_AUTO_TEST_CASE(MissingReceiptIs30008) {
  ReceiptService service(db, limits);
  ReceiptSearch search;
  search.receipt_id = 42;
  BOOST_TEST(service.get(owner_system, search).status().altinnErrorId() == kErrorReceiptNotFound);
}

BOOST_AUTO_TEST_CASE(UpdateWithBothKeysIsRefused) {
  ReceiptService service(db, limits);
  persistence::ReceiptRepository::Update u;
  u.receipt_id = 1;
  u.archive_reference = "AR1";
  auto r = service.update(owner_system, u);
  BOOST_TEST((r.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(r.status().altinnErrorId() == 0);
  BOOST_TEST(db.receipts_.calls == 0);
}

BOOST_AUTO_TEST_CASE(UpdateWithNoKeyIs30008) {
  ReceiptService service(db, limits);
  persistence::ReceiptRepository::Update u;
  BOOST_TEST(service.update(owner_system, u).status().altinnErrorId() == kErrorReceiptNotFound);
}

BOOST_AUTO_TEST_SUITE_END()
