#define BOOST_TEST_MODULE notification_rules
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "core/notification_rules.h"

namespace bdata = boost::unit_test::data;
using namespace gateway;
using namespace gateway::core::notification;
using gateway::persistence::ContactRecord;
using gateway::persistence::NotificationTemplateRecord;
using gateway::persistence::OutboxTransport;

namespace {

constexpr const char* kPerson = "01019010046";   // valid national identity number
constexpr const char* kOrg = "910000306";        // valid organisation number

NotificationInput valid() {
  NotificationInput n;
  n.notification_type = "Varsel";
  n.reportee = kPerson;
  n.language_id = 1044;
  n.endpoints.push_back({TransportType::kEmail, "ola@example.no"});
  return n;
}

struct Case {
  const char* name;
  NotificationInput input;
  int error_id;  // 0 = valid
};
std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

template <typename F>
NotificationInput with(F change) {
  NotificationInput n = valid();
  change(n);
  return n;
}

const std::vector<Case> kCases = {
    {"valid e-mail to a person", valid(), 0},
    {"valid to an organisation", with([](auto& n) { n.reportee = kOrg; }), 0},
    {"valid SMS", with([](auto& n) { n.endpoints = {{TransportType::kSms, "+4799999999"}}; }), 0},
    {"valid Both from profile", with([](auto& n) { n.endpoints = {{TransportType::kBoth, ""}}; }), 0},
    {"no language is allowed", with([](auto& n) { n.language_id.reset(); }), 0},
    {"missing NotificationType", with([](auto& n) { n.notification_type.reset(); }), 1},
    {"empty NotificationType", with([](auto& n) { n.notification_type = ""; }), 1},
    {"missing ReporteeNumber", with([](auto& n) { n.reportee.reset(); }), 1},
    {"no endpoints", with([](auto& n) { n.endpoints.clear(); }), 1},
    {"address with Both", with([](auto& n) { n.endpoints = {{TransportType::kBoth, "a@b.no"}}; }), 30009},
    {"address with SMSPreferred", with([](auto& n) { n.endpoints = {{TransportType::kSmsPreferred, "99999999"}}; }), 30009},
    {"address with EmailPreferred", with([](auto& n) { n.endpoints = {{TransportType::kEmailPreferred, "a@b.no"}}; }), 30009},
    {"bad e-mail address", with([](auto& n) { n.endpoints = {{TransportType::kEmail, "not-an-address"}}; }), 30010},
    {"bad mobile number", with([](auto& n) { n.endpoints = {{TransportType::kSms, "12ab"}}; }), 30301},
    {"unsupported language", with([](auto& n) { n.language_id = 1053; }), 40001},
    {"IM transport", with([](auto& n) { n.endpoints = {{TransportType::kIm, ""}}; }), 40015},
    {"missing transport", with([](auto& n) { n.endpoints = {{std::nullopt, "a@b.no"}}; }), 40015},
    {"bad national id check digits", with([](auto& n) { n.reportee = "01019010047"; }), 40016},
    {"FromAddress not an e-mail", with([](auto& n) { n.from_address = "Etaten"; }), 40020},
    {"reportee of neither shape", with([](auto& n) { n.reportee = "12345"; }), 60012},
    {"organisation number with a bad check digit", with([](auto& n) { n.reportee = "910000307"; }), 60012},
};

}  // namespace

namespace gateway::core::notification {
std::ostream& operator<<(std::ostream& os, TransportType t) { return os << static_cast<int>(t); }
}  // namespace gateway::core::notification

BOOST_AUTO_TEST_SUITE(NotificationRules)

BOOST_DATA_TEST_CASE(ValidationGivesTheContractsErrorId, bdata::make(kCases), c) {
  const Status s = checkNotification(c.input);
  if (c.error_id == 0) {
    BOOST_TEST(s.ok(), s.message());
  } else {
    BOOST_TEST(!s.ok());
    BOOST_TEST((s.code() == StatusCode::kInvalidArgument));
    BOOST_TEST(s.altinnErrorId() == c.error_id);
  }
}

BOOST_AUTO_TEST_CASE(RequestSizeIsBounded) {
  BOOST_TEST(checkRequestSize(0, 5).altinnErrorId() == 1);
  BOOST_TEST(checkRequestSize(5, 5).ok());
  BOOST_TEST(checkRequestSize(6, 5).altinnErrorId() == 40014);
}

BOOST_AUTO_TEST_CASE(TokensAreReplacedByNumber) {
  std::vector<TokenInput> tokens = {{1, "Ola"}, {0, "Skatteetaten"}, {std::nullopt, "tredje"}};
  BOOST_TEST(substituteTokens("Hei {1}, melding fra {0} ({2})", tokens) == "Hei Ola, melding fra Skatteetaten (tredje)");
}

BOOST_AUTO_TEST_CASE(MissingTokensBecomeEmptyAndOtherBracesStay) {
  BOOST_TEST(substituteTokens("a{5}b {x} {} {12345} {", {}) == "ab {x} {} {12345} {");
  BOOST_TEST(substituteTokens("{0}{0}", {{0, "æ"}}) == "ææ");
}

BOOST_AUTO_TEST_CASE(TemplateLanguageFallsBackToBokmalThenEnglish) {
  std::vector<NotificationTemplateRecord> all = {{"T", 1033, "en", "en", ""}, {"T", 2068, "nn", "nn", ""},
                                                 {"T", 1044, "nb", "nb", ""}};
  BOOST_TEST(selectTemplate(all, 2068)->email_subject == "nn");
  BOOST_TEST(selectTemplate(all, 1033)->email_subject == "en");
  BOOST_TEST(selectTemplate(all, 1044)->email_subject == "nb");
  std::vector<NotificationTemplateRecord> no_bokmal = {{"T", 1033, "en", "en", ""}, {"T", 2068, "nn", "nn", ""}};
  BOOST_TEST(selectTemplate(no_bokmal, 1044)->email_subject == "en");
  BOOST_TEST(!selectTemplate({}, 1044).has_value());
}

BOOST_AUTO_TEST_CASE(CharacterCountCountsLettersNotBytes) {
  BOOST_TEST(characterCount("æøå") == 3u);
  BOOST_TEST(characterCount(std::string(700, 'a')) == 700u);
}

BOOST_AUTO_TEST_CASE(ProfileEndpointsUseTheContactRegister) {
  NotificationInput n = valid();
  n.endpoints = {{TransportType::kBoth, ""}, {TransportType::kEmail, "extra@example.no"}};
  ContactRecord c{kPerson, "ola@example.no", "+4791234567", false, 2068};
  auto plan = planMessages(n, c);
  BOOST_REQUIRE(plan.ok());
  BOOST_REQUIRE(plan->messages.size() == 3u);
  BOOST_TEST(plan->messages[0].address == "ola@example.no");
  BOOST_TEST(plan->messages[0].from_profile);
  BOOST_TEST((plan->messages[1].transport == OutboxTransport::kSms));
  BOOST_TEST(plan->messages[2].address == "extra@example.no");
  BOOST_TEST(!plan->messages[2].from_profile);
}

BOOST_AUTO_TEST_CASE(PreferredTransportFallsBackToTheOther) {
  NotificationInput n = valid();
  n.endpoints = {{TransportType::kSmsPreferred, ""}};
  auto plan = planMessages(n, ContactRecord{kPerson, "ola@example.no", "", false, 1044});
  BOOST_REQUIRE(plan.ok());
  BOOST_TEST((plan->messages.at(0).transport == OutboxTransport::kEmail));
}

BOOST_DATA_TEST_CASE(RegisterWithoutUsableAddressGivesItsErrorId,
                     bdata::make({TransportType::kSms, TransportType::kEmail, TransportType::kBoth}) ^
                         bdata::make({30302, 30303, 30304}),
                     transport, error_id) {
  NotificationInput n = valid();
  n.endpoints = {{transport, ""}};
  auto plan = planMessages(n, ContactRecord{kPerson, "", "", false, 1044});
  BOOST_TEST(plan.status().altinnErrorId() == error_id);
}

BOOST_AUTO_TEST_CASE(UnknownReporteeWithoutAddressIs60012) {
  NotificationInput n = valid();
  n.endpoints = {{TransportType::kEmail, ""}};
  BOOST_TEST(planMessages(n, std::nullopt).status().altinnErrorId() == 60012);
  n.endpoints = {{TransportType::kEmail, "x@example.no"}};
  BOOST_TEST(planMessages(n, std::nullopt).ok());
}

BOOST_AUTO_TEST_CASE(ReservationIsHonouredOnlyWhenReservable) {
  NotificationInput n = valid();
  ContactRecord reserved{kPerson, "ola@example.no", "", true, 1044};
  n.is_reservable = true;
  auto plan = planMessages(n, reserved);
  BOOST_TEST(plan->reserved);
  BOOST_TEST(plan->messages.empty());
  n.is_reservable = false;
  plan = planMessages(n, reserved);
  BOOST_TEST(!plan->reserved);
  BOOST_TEST(plan->messages.size() == 1u);
}

BOOST_AUTO_TEST_CASE(ContactRegisterIsNeededOnlyWhenItsRowCanMatter) {
  NotificationInput n = valid();  // an address, a language, not reservable
  BOOST_TEST(!needsContactRegister(n));
  n.is_reservable = false;
  BOOST_TEST(!needsContactRegister(n));
  n.is_reservable = true;  // the reservation flag decides
  BOOST_TEST(needsContactRegister(n));
  n = valid();
  n.language_id.reset();  // the preferred language decides
  BOOST_TEST(needsContactRegister(n));
  n = valid();
  n.endpoints.push_back({TransportType::kSms, ""});  // the mobile number comes from the register
  BOOST_TEST(needsContactRegister(n));
  // Without the row, a notification that does not need it is planned the same as with it.
  ContactRecord reserved{kPerson, "other@example.no", "+4791234567", true, 2068};
  n = valid();
  auto with = planMessages(n, reserved), without = planMessages(n, std::nullopt);
  BOOST_REQUIRE(with.ok());
  BOOST_REQUIRE(without.ok());
  BOOST_TEST(with->reserved == without->reserved);
  BOOST_REQUIRE(with->messages.size() == without->messages.size());
  BOOST_TEST(with->messages[0].address == without->messages[0].address);
}

// Roles / Service: the organisation's own entry and the selected role holders.
BOOST_AUTO_TEST_CASE(ProfileEndpointsReachTheOrganisationAndEveryRoleHolder) {
  NotificationInput n = valid();
  n.reportee = "910000004";
  n.endpoints = {{TransportType::kEmail, ""}, {TransportType::kSmsPreferred, ""}};
  const ContactRecord org{"910000004", "post@firma.no", "", false, 1044};
  const std::vector<ContactRecord> holders = {{"01019010046", "dagl@firma.no", "+4791111111", false, 2068},
                                              {"01019010127", "regna@firma.no", "", false, 1033}};
  auto plan = planMessages(n, org, holders);
  BOOST_REQUIRE(plan.ok());
  std::vector<std::string> addresses;
  for (const auto& m : plan->messages) addresses.push_back(m.address);
  const std::vector<std::string> expected = {"post@firma.no", "dagl@firma.no", "regna@firma.no", "+4791111111"};
  BOOST_TEST(addresses == expected, boost::test_tools::per_element());
  // Each message carries its recipient's preferred language.
  BOOST_TEST(plan->messages[0].language_id == 1044);
  BOOST_TEST(plan->messages[1].language_id == 2068);
  BOOST_TEST(plan->messages[2].language_id == 1033);
  BOOST_TEST(plan->messages[3].language_id == 2068);
}

BOOST_AUTO_TEST_CASE(RoleHoldersAloneAreEnoughWhenTheOrganisationIsNotInTheRegister) {
  NotificationInput n = valid();
  n.reportee = "910000004";
  n.endpoints = {{TransportType::kSms, ""}};
  auto plan = planMessages(n, std::nullopt, {{"01019010046", "", "+4791111111", false, 1044}});
  BOOST_REQUIRE(plan.ok());
  BOOST_REQUIRE(plan->messages.size() == 1u);
  BOOST_TEST(plan->messages[0].address == "+4791111111");
  BOOST_TEST(plan->messages[0].from_profile);
}

BOOST_AUTO_TEST_CASE(NoRecipientWithTheTransportsAddressGivesItsErrorId) {
  NotificationInput n = valid();
  n.reportee = "910000004";
  n.endpoints = {{TransportType::kSms, ""}};
  auto plan = planMessages(n, ContactRecord{"910000004", "post@firma.no", "", false, 1044},
                           {{"01019010046", "dagl@firma.no", "", false, 1044}});
  BOOST_TEST(plan.status().altinnErrorId() == 30302);
}

BOOST_AUTO_TEST_CASE(ReservedRoleHoldersAreLeftOutWhenReservable) {
  NotificationInput n = valid();
  n.reportee = "910000004";
  n.endpoints = {{TransportType::kEmail, ""}};
  n.is_reservable = true;
  const std::vector<ContactRecord> holders = {{"01019010046", "dagl@firma.no", "", true, 1044},
                                              {"01019010127", "regna@firma.no", "", false, 1044}};
  auto plan = planMessages(n, std::nullopt, holders);
  BOOST_REQUIRE(plan.ok());
  BOOST_TEST(plan->reserved_role_holders == 1);
  BOOST_TEST(!plan->reserved);
  BOOST_REQUIRE(plan->messages.size() == 1u);
  BOOST_TEST(plan->messages[0].address == "regna@firma.no");

  // Everyone the register would give is reserved: the notification is reserved, not a fault.
  plan = planMessages(n, std::nullopt, {holders[0]});
  BOOST_REQUIRE(plan.ok());
  BOOST_TEST(plan->reserved);
  BOOST_TEST(plan->messages.empty());

  // Not reservable: the reservation does not count.
  n.is_reservable = false;
  plan = planMessages(n, std::nullopt, holders);
  BOOST_REQUIRE(plan.ok());
  BOOST_TEST(plan->messages.size() == 2u);
}

BOOST_AUTO_TEST_CASE(AnExplicitAddressIgnoresRoleHolders) {
  NotificationInput n = valid();
  n.reportee = "910000004";
  n.endpoints = {{TransportType::kEmail, "named@example.no"}};
  auto plan = planMessages(n, std::nullopt, {{"01019010046", "dagl@firma.no", "", false, 1044}});
  BOOST_REQUIRE(plan.ok());
  BOOST_REQUIRE(plan->messages.size() == 1u);
  BOOST_TEST(plan->messages[0].address == "named@example.no");
}

BOOST_AUTO_TEST_SUITE_END()
