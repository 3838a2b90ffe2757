#define BOOST_TEST_MODULE subscription_service
#include <boost/test/unit_test.hpp>

#include "core/subscription_service.h"
#include "fake_database.h"

using namespace gateway;
using namespace gateway::core;
using gateway::testing::FakeDatabase;

namespace {

constexpr std::time_t kStart = 1767225600;  // 2026-01-01T00:00:00Z
constexpr std::time_t kDay = 24 * 3600;

struct Fixture {
  FakeDatabase db;
  persistence::SystemRecord owner;
  Fixture() {
    owner.id = 1;
    owner.role = persistence::SystemRole::kServiceOwner;
    owner.owner_id = 3;
    owner.owner_code = "ETAT";
    persistence::ServiceRecord svc;
    svc.id = 1;
    svc.owner_id = 3;
    svc.code = "4711";
    svc.edition = 1;
    db.services_.services.push_back(svc);
    persistence::ServiceRecord other = svc;
    other.id = 2;
    other.owner_id = 4;
    other.code = "4712";
    db.services_.services.push_back(other);
  }
  SubscriptionInput valid() const {
    SubscriptionInput s;
    s.service_code = "4711";
    s.service_edition = 1;
    s.reportee = "910000306";
    s.period_type = "Monthly";
    s.start_date = kStart;
    s.next_schedule_date = kStart + kDay;
    s.next_due_date = kStart + 10 * kDay;
    s.identity_fields = {"a", "b"};
    return s;
  }
  Result<SubscriptionOutcome> submit(std::vector<SubscriptionInput> items, std::string code = "ETAT",
                                     std::string batch = "batch-1") {
    SubscriptionService service(db);
    return service.submit(owner, batch, code, items);
  }
  std::string rejectionOf(const SubscriptionInput& s) {
    SubscriptionService service(db);
    auto r = service.check(owner, s);
    return r.ok() ? std::string() : r.status().message();
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(SubscriptionRules, Fixture)

BOOST_AUTO_TEST_CASE(StoresValidSubscriptionsWithTheSystemUserCode) {
  auto out = submit({valid(), valid()}, "ETAT_LONN");
  BOOST_REQUIRE(out.ok());
  BOOST_REQUIRE(db.subscriptions_.requests.size() == 1u);
  const auto& items = db.subscriptions_.requests[0];
  BOOST_REQUIRE(items.size() == 2u);
  BOOST_TEST(items[0].rejection.empty());
  BOOST_TEST(items[0].subscription.owner_id == 3);
  BOOST_TEST(items[0].subscription.system_user_code == "ETAT_LONN");
  BOOST_TEST(items[0].subscription.identity_fields.size() == 2u);
  BOOST_TEST((out->receipt.status == persistence::ReceiptStatus::kOk));
}

BOOST_AUTO_TEST_CASE(RejectsAnotherOwnersSystemUserCode) {
  auto out = submit({valid()}, "ETAT2");
  BOOST_TEST((out.status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(db.subscriptions_.requests.empty());
}

BOOST_AUTO_TEST_CASE(RequiresBatchIdAndSubscriptions) {
  BOOST_TEST((submit({valid()}, "ETAT", "").status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST((submit({}).status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(ARepeatedBatchIdReturnsTheFirstReceipt) {
  auto first = submit({valid()});
  auto second = submit({valid()});
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(second->duplicate);
  BOOST_TEST(second->receipt.id == first->receipt.id);
  BOOST_TEST(db.subscriptions_.requests.size() == 1u);
}

BOOST_AUTO_TEST_CASE(AnInvalidSubscriptionGetsAValidationFailedSubReceipt) {
  auto bad = valid();
  bad.reportee = "12345678901";
  auto out = submit({valid(), bad});
  BOOST_REQUIRE(out.ok());
  BOOST_TEST(db.subscriptions_.requests[0][1].rejection.find("ReporteeId") != std::string::npos);
  BOOST_TEST((out->receipt.status == persistence::ReceiptStatus::kValidationFailed));
}

BOOST_AUTO_TEST_CASE(ItemRules) {
  auto s = valid();
  s.service_code = "4712";
  BOOST_TEST(rejectionOf(s).find("does not belong") != std::string::npos);
  s = valid();
  s.service_edition.reset();
  BOOST_TEST(rejectionOf(s).find("ExternalServiceEditionCode") != std::string::npos);
  s = valid();
  s.period_type = "Hourly";
  BOOST_TEST(rejectionOf(s).find("PeriodType") != std::string::npos);
  s = valid();
  s.expiration_date = kStart;
  BOOST_TEST(rejectionOf(s).find("ExpirationDate") != std::string::npos);
  s = valid();
  s.next_schedule_date = kStart - 1;
  BOOST_TEST(rejectionOf(s).find("NextScheduleDate") != std::string::npos);
  s = valid();
  s.next_due_date = s.next_schedule_date - 1;
  BOOST_TEST(rejectionOf(s).find("NextDueDate") != std::string::npos);
  s = valid();
  s.visible_date = s.next_due_date + 1;
  BOOST_TEST(rejectionOf(s).find("VisibleDate") != std::string::npos);
  BOOST_TEST(rejectionOf(valid()).empty());
}

BOOST_AUTO_TEST_SUITE_END()
