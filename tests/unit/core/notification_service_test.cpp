#define BOOST_TEST_MODULE notification_service
#include <boost/test/unit_test.hpp>

#include <ctime>

#include "core/notification_service.h"
#include "fake_database.h"

using namespace gateway;
using namespace gateway::core;
using namespace gateway::core::notification;
using gateway::testing::FakeDatabase;

namespace {

struct Fixture {
  FakeDatabase db;
  NotificationService service{db, NotificationLimits{3}};
  persistence::SystemRecord owner;
  Fixture() {
    owner.id = 7;
    owner.owner_id = 2;
    owner.role = persistence::SystemRole::kServiceOwner;
    db.notifications_.templates = {
        {"Frist", 1044, "Frist for {0}", "Hei {1}, fristen for {0} er i morgen. Hilsen æøå", "Frist {0} i morgen"},
        {"Frist", 2068, "Frist for {0} (nn)", "Hei {1}, fristen for {0} er i morgon.", "Frist {0} i morgon"},
        {"Frist", 1033, "Deadline for {0}", "Hi {1}, the deadline for {0} is tomorrow.", "Deadline {0} tomorrow"},
        {"BareEpost", 1044, "Emne", "Tekst", ""},
    };
    db.contacts_.rows["01019010046"] = {"01019010046", "ola@example.no", "+4791234567", false, 2068};
  }
  NotificationInput input(int language = 1044) {
    NotificationInput n;
    n.notification_type = "Frist";
    n.reportee = "01019010046";
    n.language_id = language;
    n.endpoints = {{TransportType::kEmail, ""}};
    n.tokens = {{0, "MVA-melding"}, {1, "Ola"}};
    return n;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(NotificationServiceTests, Fixture)

BOOST_AUTO_TEST_CASE(QueuesRenderedMessagesInTheRequestedLanguage) {
  auto sent = service.send(owner, {input(1033)});
  BOOST_REQUIRE(sent.ok());
  BOOST_REQUIRE(db.notifications_.outbox.size() == 1u);
  const auto& m = db.notifications_.outbox[0];
  BOOST_TEST(m.subject == "Deadline for MVA-melding");
  BOOST_TEST(m.body == "Hi Ola, the deadline for MVA-melding is tomorrow.");
  BOOST_TEST(m.recipient == "ola@example.no");
  BOOST_TEST(m.owner_id == 2);
  BOOST_TEST(sent->at(0).endpoints.at(0).from_profile);
}

BOOST_AUTO_TEST_CASE(WithoutLanguageTheContactsPreferredLanguageIsUsed) {
  NotificationInput n = input();
  n.language_id.reset();
  BOOST_REQUIRE(service.send(owner, {n}).ok());
  BOOST_TEST(db.notifications_.outbox.at(0).subject == "Frist for MVA-melding (nn)");
}

BOOST_AUTO_TEST_CASE(FutureShipmentDefersTheMessage) {
  NotificationInput n = input();
  n.shipment = std::time(nullptr) + 3600;
  BOOST_REQUIRE(service.send(owner, {n}).ok());
  BOOST_TEST(db.notifications_.outbox.at(0).next_attempt_at == *n.shipment);
}

BOOST_AUTO_TEST_CASE(UnknownTypeIsErrorOneAndNothingIsQueued) {
  NotificationInput bad = input();
  bad.notification_type = "Finnes ikke";
  auto sent = service.send(owner, {input(), bad});
  BOOST_TEST(sent.status().altinnErrorId() == 1);
  BOOST_TEST(db.notifications_.outbox.empty());
}

BOOST_AUTO_TEST_CASE(TooManyNotificationsIs40014) {
  BOOST_TEST(service.send(owner, {input(), input(), input(), input()}).status().altinnErrorId() == 40014);
}

BOOST_AUTO_TEST_CASE(SmsLongerThan700CharactersIsRefused) {
  NotificationInput n = input();
  n.endpoints = {{TransportType::kSms, "+4791234567"}};
  n.tokens = {{0, std::string(700 - std::string("Frist  i morgen").size(), 'x')}};
  BOOST_TEST(service.send(owner, {n}).ok());
  n.tokens = {{0, std::string(701 - std::string("Frist  i morgen").size(), 'x')}};
  BOOST_TEST(service.send(owner, {n}).status().altinnErrorId() == 30305);
}

BOOST_AUTO_TEST_CASE(TemplateWithoutSmsTextRefusesSms) {
  NotificationInput n = input();
  n.notification_type = "BareEpost";
  n.endpoints = {{TransportType::kSms, "+4791234567"}};
  BOOST_TEST(service.send(owner, {n}).status().altinnErrorId() == 30306);
}

BOOST_AUTO_TEST_CASE(ReservedRecipientGetsNothing) {
  db.contacts_.rows["01019010046"].reserved = true;
  NotificationInput n = input();
  n.is_reservable = true;
  auto sent = service.send(owner, {n});
  BOOST_REQUIRE(sent.ok());
  BOOST_TEST(sent->at(0).reserved);
  BOOST_TEST(db.notifications_.outbox.empty());
}

BOOST_AUTO_TEST_CASE(ContactRegisterIsNotReadWhenNothingDependsOnIt) {
  NotificationInput n = input();
  n.endpoints = {{TransportType::kEmail, "kari@example.no"}};  // an address and a language: the row cannot matter
  BOOST_REQUIRE(service.send(owner, {n}).ok());
  BOOST_TEST(db.contacts_.many_lookups == 0);
  BOOST_TEST(db.notifications_.outbox.at(0).recipient == "kari@example.no");
  n.language_id.reset();  // now the preferred language (nynorsk) decides
  BOOST_REQUIRE(service.send(owner, {n}).ok());
  BOOST_TEST(db.contacts_.many_lookups == 1);
  BOOST_TEST(db.notifications_.outbox.at(1).subject == "Frist for MVA-melding (nn)");
}

BOOST_AUTO_TEST_CASE(TemplatesAreReadOncePerTypeWhileCached) {
  BOOST_REQUIRE(service.send(owner, {input()}).ok());
  BOOST_REQUIRE(service.send(owner, {input(1033)}).ok());
  BOOST_TEST(db.notifications_.template_reads == 1);
  BOOST_TEST(db.notifications_.outbox.at(1).subject == "Deadline for MVA-melding");

  NotificationService uncached{db, NotificationLimits{3, 0}};
  BOOST_REQUIRE(uncached.send(owner, {input()}).ok());
  BOOST_REQUIRE(uncached.send(owner, {input()}).ok());
  BOOST_TEST(db.notifications_.template_reads == 3);
}

BOOST_AUTO_TEST_CASE(AnUnknownTypeIsNotRemembered) {
  NotificationInput n = input();
  n.notification_type = "Ny";
  BOOST_TEST(!service.send(owner, {n}).ok());
  db.notifications_.templates.push_back({"Ny", 1044, "Ny", "Ny tekst", ""});
  BOOST_TEST(service.send(owner, {n}).ok());  // registered since: used at once
}

// Roles, Service and the SMS sender. Organisation 910000004: its own entry, a DAGL, a REGNA and a
// person with role LEDE only; service 4711/1 of this owner is granted by REGNA.
struct RoleFixture : Fixture {
  RoleFixture() {
    owner.owner_code = "SKD";
    db.contacts_.rows["910000004"] = {"910000004", "post@firma.no", "+4790000000", false, 1044};
    db.contacts_.rows["01019010127"] = {"01019010127", "dagl@firma.no", "+4791111111", false, 1033};
    db.contacts_.rows["01019010208"] = {"01019010208", "regna@firma.no", "+4792222222", false, 2068};
    db.contacts_.rows["01019010399"] = {"01019010399", "leder@firma.no", "+4793333333", false, 1044};
    db.contacts_.roles = {{"910000004", "01019010127", "DAGL"},
                          {"910000004", "01019010208", "REGNA"},
                          {"910000004", "01019010399", "LEDE"}};
    persistence::ServiceRecord mine;
    mine.id = 31;
    mine.owner_id = 2;
    mine.code = "4711";
    mine.edition = 1;
    persistence::ServiceRecord theirs = mine;
    theirs.id = 32;
    theirs.owner_id = 3;
    theirs.code = "9999";
    db.services_.services = {mine, theirs};
    db.contacts_.service_roles[31] = {"REGNA"};
    db.contacts_.service_roles[32] = {"DAGL"};
  }
  NotificationInput toOrganisation() {
    NotificationInput n = input();
    n.reportee = "910000004";
    n.language_id.reset();
    return n;
  }
  std::vector<std::string> recipients() const {
    std::vector<std::string> out;
    for (const auto& m : db.notifications_.outbox) out.push_back(m.recipient);
    return out;
  }
};

BOOST_FIXTURE_TEST_CASE(WithoutRolesOnlyTheOrganisationsOwnEntryIsUsed, RoleFixture) {
  BOOST_REQUIRE(service.send(owner, {toOrganisation()}).ok());
  const std::vector<std::string> expected = {"post@firma.no"};
  BOOST_TEST(recipients() == expected, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(RolesAddTheRoleHoldersInTheirOwnLanguage, RoleFixture) {
  NotificationInput n = toOrganisation();
  n.roles = {"dagl", "REGNA"};
  auto sent = service.send(owner, {n});
  BOOST_REQUIRE(sent.ok());
  const std::vector<std::string> expected = {"post@firma.no", "dagl@firma.no", "regna@firma.no"};
  BOOST_TEST(recipients() == expected, boost::test_tools::per_element());
  BOOST_TEST(db.notifications_.outbox[1].subject == "Deadline for MVA-melding");   // 1033
  BOOST_TEST(db.notifications_.outbox[2].subject == "Frist for MVA-melding (nn)");  // 2068
  BOOST_TEST(sent->at(0).endpoints.size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(ALanguageInTheRequestWinsOverEachPersonsOwn, RoleFixture) {
  NotificationInput n = toOrganisation();
  n.roles = {"DAGL"};
  n.language_id = 1044;
  BOOST_REQUIRE(service.send(owner, {n}).ok());
  for (const auto& m : db.notifications_.outbox) BOOST_TEST(m.subject == "Frist for MVA-melding");
}

BOOST_FIXTURE_TEST_CASE(ServiceSelectsOnlyHoldersOfARoleThatGrantsIt, RoleFixture) {
  NotificationInput n = toOrganisation();
  n.service = ServiceInput{"4711", 1};
  BOOST_REQUIRE(service.send(owner, {n}).ok());
  const std::vector<std::string> expected = {"post@firma.no", "regna@firma.no"};
  BOOST_TEST(recipients() == expected, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(RolesAndServiceTogetherNarrowToPersonsMeetingBoth, RoleFixture) {
  NotificationInput n = toOrganisation();
  n.roles = {"DAGL"};
  n.service = ServiceInput{"4711", 1};  // granted by REGNA only: the DAGL has no access
  BOOST_REQUIRE(service.send(owner, {n}).ok());
  const std::vector<std::string> expected = {"post@firma.no"};
  BOOST_TEST(recipients() == expected, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(UnknownOrAnotherOwnersServiceIs40013AndNothingIsQueued, RoleFixture) {
  for (const ServiceInput& bad : {ServiceInput{"4711", 2}, ServiceInput{"9999", 1}, ServiceInput{"", 1}}) {
    NotificationInput n = toOrganisation();
    n.service = bad;
    BOOST_TEST(service.send(owner, {input(), n}).status().altinnErrorId() == 40013);
  }
  BOOST_TEST(db.notifications_.outbox.empty());
}

BOOST_FIXTURE_TEST_CASE(RolesDoNotApplyToAPerson, RoleFixture) {
  NotificationInput n = input();
  n.roles = {"DAGL"};
  BOOST_REQUIRE(service.send(owner, {n}).ok());
  const std::vector<std::string> expected = {"ola@example.no"};
  BOOST_TEST(recipients() == expected, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(ReservedRoleHolderGetsNothingWhenReservable, RoleFixture) {
  db.contacts_.rows["01019010127"].reserved = true;
  NotificationInput n = toOrganisation();
  n.roles = {"DAGL", "REGNA"};
  n.is_reservable = true;
  BOOST_REQUIRE(service.send(owner, {n}).ok());
  const std::vector<std::string> expected = {"post@firma.no", "regna@firma.no"};
  BOOST_TEST(recipients() == expected, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(SmsSenderIsTheOwnersShortNameOnlyWhenAsked, RoleFixture) {
  NotificationInput n = input();
  n.endpoints = {{TransportType::kSms, ""}, {TransportType::kEmail, ""}};
  n.from_address = "frist@skatteetaten.no";
  NotificationInput asked = n;
  asked.sms_sender_is_owner = true;
  BOOST_REQUIRE(service.send(owner, {n, asked}).ok());
  BOOST_REQUIRE(db.notifications_.outbox.size() == 4u);
  const auto& outbox = db.notifications_.outbox;
  BOOST_TEST((outbox[0].transport == persistence::OutboxTransport::kSms));
  BOOST_TEST(outbox[0].from_address == "");  // the configured default (sms.from)
  BOOST_TEST(outbox[1].from_address == "frist@skatteetaten.no");  // e-mail keeps FromAddress
  BOOST_TEST(outbox[2].from_address == "SKD");
  BOOST_TEST(outbox[3].from_address == "frist@skatteetaten.no");
}

BOOST_AUTO_TEST_SUITE_END()
