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

BOOST_AUTO_TEST_SUITE_END()
