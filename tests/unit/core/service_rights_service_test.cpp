#define BOOST_TEST_MODULE service_rights_service
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "core/service_rights_service.h"
#include "fake_database.h"

using namespace gateway;
using namespace gateway::core;
using gateway::testing::FakeDatabase;

namespace {

constexpr std::time_t kNow = 1767225600;  // 2026-01-01T00:00:00Z
constexpr std::time_t kDay = 24 * 3600;

struct Fixture {
  FakeDatabase db;
  persistence::SystemRecord owner;
  ServiceRightsService service{db, 3, [] { return kNow; }};
  Fixture() {
    owner.id = 1;
    owner.role = persistence::SystemRole::kServiceOwner;
    owner.owner_id = 3;
    persistence::ServiceRecord own;
    own.id = 10;
    own.owner_id = 3;
    own.code = "4711";
    own.edition = 1;
    db.services_.services.push_back(own);
    persistence::ServiceRecord foreign = own;
    foreign.id = 20;
    foreign.owner_id = 4;
    foreign.code = "4712";
    db.services_.services.push_back(foreign);
  }
  static RuleInput rule(std::string reportee, RightKind right = RightKind::kRead, std::time_t valid_to = kNow + kDay,
                        std::optional<std::string> condition = std::nullopt) {
    return RuleInput{std::move(reportee), right, std::move(condition), valid_to};
  }
};

struct AddCase {
  const char* name;
  RuleInput rule;
  RuleResult expected;
};
std::ostream& operator<<(std::ostream& os, const AddCase& c) { return os << c.name; }

const AddCase kAddCases[] = {
    {"valid organisation", Fixture::rule("910000306"), RuleResult::kOk},
    {"valid person", Fixture::rule("01019010046", RightKind::kWrite), RuleResult::kOk},
    {"empty reportee", Fixture::rule(""), RuleResult::kInvalidReportee},
    {"bad check digit", Fixture::rule("910000307"), RuleResult::kInvalidReportee},
    {"right None", Fixture::rule("910000306", RightKind::kNone), RuleResult::kUnknown},
    {"already expired", Fixture::rule("910000306", RightKind::kRead, kNow), RuleResult::kAlreadyExpired},
    {"condition too long", Fixture::rule("910000306", RightKind::kRead, kNow + kDay, std::string(256, 'x')),
     RuleResult::kUnknown},
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(ServiceRights, Fixture)

BOOST_DATA_TEST_CASE(EachRuleGetsItsOperationResult, boost::unit_test::data::make(kAddCases), c) {
  Fixture f;
  auto outcomes = f.service.add(f.owner, "4711", 1, {c.rule});
  BOOST_TEST_REQUIRE(outcomes.ok());
  BOOST_TEST_REQUIRE(outcomes->size() == 1u);
  BOOST_TEST((outcomes->front().result == c.expected));
  BOOST_TEST(f.db.service_rights_.rules.size() == (c.expected == RuleResult::kOk ? 1u : 0u));
}

BOOST_AUTO_TEST_CASE(AddingAValidRuleAgainSaysItExistsButAnExpiredOneIsRenewed) {
  BOOST_TEST((service.add(owner, "4711", 1, {rule("910000306")})->front().result == RuleResult::kOk));
  BOOST_TEST((service.add(owner, "4711", 1, {rule("910000306")})->front().result == RuleResult::kRuleAlreadyExists));
  // Another condition is another rule.
  BOOST_TEST((service.add(owner, "4711", 1, {rule("910000306", RightKind::kRead, kNow + kDay, "recipient")})
                  ->front().result == RuleResult::kOk));
  db.service_rights_.rules.begin()->second = kNow - 1;  // let the first one expire
  BOOST_TEST((service.add(owner, "4711", 1, {rule("910000306")})->front().result == RuleResult::kOk));
}

BOOST_AUTO_TEST_CASE(DeleteSaysWhichRulesWereNotThere) {
  service.add(owner, "4711", 1, {rule("910000306")});
  auto outcomes = service.remove(owner, "4711", 1, {rule("910000306"), rule("910000306", RightKind::kWrite), rule("x")});
  BOOST_TEST_REQUIRE(outcomes.ok());
  BOOST_TEST((outcomes->at(0).result == RuleResult::kOk));
  BOOST_TEST((outcomes->at(1).result == RuleResult::kRuleNotFound));
  BOOST_TEST((outcomes->at(2).result == RuleResult::kInvalidReportee));
  BOOST_TEST(db.service_rights_.rules.empty());
}

BOOST_AUTO_TEST_CASE(GetListsOnlyValidRulesOptionallyOfOneReportee) {
  service.add(owner, "4711", 1, {rule("910000306"), rule("01019010046", RightKind::kWrite)});
  db.service_rights_.rules[{10, "910000209", 0, ""}] = kNow - 1;  // expired
  BOOST_TEST(service.get(owner, "4711", 1, std::nullopt)->size() == 2u);
  auto one = service.get(owner, "4711", 1, std::string("01019010046"));
  BOOST_TEST_REQUIRE(one->size() == 1u);
  BOOST_TEST((one->front().access == persistence::ServiceAccess::kWrite));
  BOOST_TEST((service.get(owner, "4711", 1, std::string("123")).status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(AnotherOwnersServiceAnswersLikeAnUnknownOne) {
  auto foreign = service.add(owner, "4712", 1, {rule("910000306")});
  auto unknown = service.add(owner, "9999", 1, {rule("910000306")});
  BOOST_TEST((foreign.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST((unknown.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(foreign.status().message().find("4712") != std::string::npos);
  BOOST_TEST((service.get(owner, "4712", 1, std::nullopt).status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST((service.remove(owner, "4712", 1, {rule("910000306")}).status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(db.service_rights_.rules.empty());
}

BOOST_AUTO_TEST_CASE(TooManyRulesInOneRequestChangeNothing) {
  auto outcomes = service.add(owner, "4711", 1, {rule("910000306"), rule("910000209"), rule("01019010046"),
                                                 rule("910000004")});
  BOOST_TEST((outcomes.status().code() == StatusCode::kResourceExhausted));
  BOOST_TEST(db.service_rights_.rules.empty());
}

BOOST_AUTO_TEST_SUITE_END()
