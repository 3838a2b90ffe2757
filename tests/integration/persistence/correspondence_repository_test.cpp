// Correspondences against a fresh MariaDB database: everything of one insert in one transaction
// (correspondence, attachments, receipt, outbox rows linked to it), the per-owner duplicate rule,
// owner-scoped status details with filters and LimitReached, the reportee's inbox honouring
// VisibleDateTime, and Read/Confirmed/deleted recorded once.
#define BOOST_TEST_MODULE correspondence_repository_test
#include <boost/test/unit_test.hpp>

#include <ctime>
#include <random>

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
CorrespondenceRepository& repo() { return db().correspondences(); }

// A reportee no other test case uses (the repository does not check number shapes).
std::string freshReportee() {
  static std::mt19937 generator{std::random_device{}()};
  return "8" + std::to_string(10'000'000 + generator() % 89'999'999);
}

CorrespondenceRecord correspondence(const Parties& p, const std::string& reportee, const std::string& ref,
                                    std::time_t visible) {
  CorrespondenceRecord c;
  c.owner_id = p.owner.id;
  c.system_id = p.owner_system.id;
  c.service_id = p.service.id;
  c.reportee = reportee;
  c.external_shipment_reference = ref;
  c.title = "Vedtak – æøå";
  c.summary = "Sammendrag";
  c.body = "Brødtekst";
  c.case_id = 42;
  c.visible_at = visible;
  c.allow_system_delete_at = visible + 10;
  return c;
}

OutboxMessage mail(const Parties& p, const std::string& reportee) {
  OutboxMessage m;
  m.owner_id = p.owner.id;
  m.system_id = p.owner_system.id;
  m.reportee = reportee;
  m.notification_type = "NyMelding";
  m.recipient = "post@firma.example.no";
  m.subject = "Ny melding";
  m.body = "Du har fått en melding";
  m.next_attempt_at = std::time(nullptr) - 1;
  return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(CorrespondenceRepositoryTests)

BOOST_AUTO_TEST_CASE(CreateWritesCorrespondenceAttachmentsReceiptAndLinkedOutboxRows) {
  const Parties p = seedParties(db());
  const std::string reportee = freshReportee();
  const std::time_t now = std::time(nullptr);
  CorrespondenceRecord c = correspondence(p, reportee, "ref-a", now - 60);
  c.attachments.push_back({0, "Vedlegg", "v.pdf", "sr-1", "Invoice", "PortalOnly", false, 4, "ab", "key-1"});
  c.xml_attachments.push_back({"sr-x", "5703", 34, 1, "<skjema>æ</skjema>"});
  auto created = repo().create(c, {mail(p, reportee)}, "Correspondence created");
  BOOST_REQUIRE(created.ok());
  BOOST_TEST(created->receipt.type == "Correspondence");
  BOOST_TEST(created->receipt.owner_id.value_or(0) == p.owner.id);
  bool has_reference = false;
  for (const auto& r : created->receipt.references) {
    if (r.type == "ExternalShipmentReference" && r.value == "ref-a") has_reference = true;
  }
  BOOST_TEST(has_reference);
  BOOST_TEST(TestDatabase::instance().scalar("SELECT COUNT(*) FROM notification_outbox WHERE correspondence_id = ?",
                                             {std::to_string(created->correspondence_id)}) == 1);

  auto got = repo().get(reportee, created->correspondence_id, now);
  BOOST_REQUIRE(got.ok());
  BOOST_TEST(got->title == "Vedtak – æøå");
  BOOST_TEST(got->case_id.value_or(0) == 42);
  BOOST_TEST(got->service_code == p.service.code);
  BOOST_TEST(*got->allow_system_delete_at == now - 50);
  BOOST_REQUIRE(got->attachments.size() == 1u);
  BOOST_TEST(got->attachments[0].destination_type == "PortalOnly");
  BOOST_TEST(got->attachments[0].function_type == "Invoice");
  BOOST_REQUIRE(got->xml_attachments.size() == 1u);
  BOOST_TEST(got->xml_attachments[0].form_data == "<skjema>æ</skjema>");
  BOOST_TEST(got->xml_attachments[0].data_format_version.value_or(0) == 34);
}

BOOST_AUTO_TEST_CASE(ReusedReferenceOfTheSameOwnerIsAlreadyExistsAndWritesNothing) {
  const Parties p = seedParties(db());
  const Parties other = seedParties(db());
  const std::string reportee = freshReportee();
  const std::time_t now = std::time(nullptr);
  BOOST_REQUIRE(repo().create(correspondence(p, reportee, "dup", now), {}, "x").ok());
  auto again = repo().create(correspondence(p, reportee, "dup", now), {mail(p, reportee)}, "x");
  BOOST_REQUIRE(!again.ok());
  BOOST_TEST((again.status().code() == StatusCode::kAlreadyExists));
  BOOST_TEST(TestDatabase::instance().scalar(
                 "SELECT COUNT(*) FROM notification_outbox WHERE owner_id = ? AND reportee = ?",
                 {std::to_string(p.owner.id), reportee}) == 0);
  // Another owner may use the same reference.
  BOOST_TEST(repo().create(correspondence(other, reportee, "dup", now), {}, "x").ok());
}

BOOST_AUTO_TEST_CASE(StatusDetailsAreScopedToTheOwnerAndFilter) {
  const Parties p = seedParties(db());
  const Parties other = seedParties(db());
  const std::string reportee = freshReportee();
  const std::time_t now = std::time(nullptr);
  auto a = repo().create(correspondence(p, reportee, "s-a", now), {mail(p, reportee)}, "x");
  auto b = repo().create(correspondence(p, reportee, "s-b", now), {}, "x");
  auto c = repo().create(correspondence(p, reportee, "s-c", now), {}, "x");
  BOOST_REQUIRE(a.ok() && b.ok() && c.ok());
  BOOST_REQUIRE(repo().markConfirmed(reportee, b->correspondence_id, now).ok());

  CorrespondenceRepository::StatusQuery q;
  q.owner_id = p.owner.id;
  q.service_id = p.service.id;
  auto all = repo().statusDetails(q);
  BOOST_REQUIRE(all.ok());
  BOOST_TEST(all->items.size() == 3u);
  BOOST_TEST(!all->limit_reached);
  BOOST_REQUIRE(all->items[0].notifications.size() == 1u);
  BOOST_TEST(all->items[0].notifications[0].recipient == "post@firma.example.no");
  BOOST_TEST((all->items[0].notifications[0].state == OutboxState::kPending));

  q.limit = 2;
  auto limited = repo().statusDetails(q);
  BOOST_REQUIRE(limited.ok());
  BOOST_TEST(limited->items.size() == 2u);
  BOOST_TEST(limited->limit_reached);

  q.limit = 100;
  q.current_status = CorrespondenceStatus::kConfirmed;
  auto confirmed = repo().statusDetails(q);
  BOOST_REQUIRE(confirmed.ok());
  BOOST_REQUIRE(confirmed->items.size() == 1u);
  BOOST_TEST(confirmed->items[0].correspondence.external_shipment_reference == "s-b");
  BOOST_TEST(confirmed->items[0].correspondence.read_at.has_value());

  q.current_status.reset();
  q.senders_references = {"s-c", "s-a"};
  auto by_reference = repo().statusDetails(q);
  BOOST_REQUIRE(by_reference.ok());
  BOOST_TEST(by_reference->items.size() == 2u);

  q.senders_references.clear();
  q.notification_sent = true;
  auto sent = repo().statusDetails(q);
  BOOST_REQUIRE(sent.ok());
  BOOST_TEST(sent->items.empty());  // nothing handed to a relay yet

  CorrespondenceRepository::StatusQuery foreign;
  foreign.owner_id = other.owner.id;
  foreign.service_id = p.service.id;
  auto none = repo().statusDetails(foreign);
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(none->items.empty());
}

BOOST_AUTO_TEST_CASE(InboxHonoursVisibleDateTimeAndDeletion) {
  const Parties p = seedParties(db());
  const std::string reportee = freshReportee();
  const std::time_t now = std::time(nullptr);
  auto visible = repo().create(correspondence(p, reportee, "v-now", now - 5), {}, "x");
  auto later = repo().create(correspondence(p, reportee, "v-later", now + 3600), {}, "x");
  BOOST_REQUIRE(visible.ok() && later.ok());

  CorrespondenceRepository::InboxQuery q;
  q.reportee = reportee;
  q.now = now;
  auto page = repo().inbox(q);
  BOOST_REQUIRE(page.ok());
  BOOST_REQUIRE(page->items.size() == 1u);
  BOOST_TEST(page->items[0].external_shipment_reference == "v-now");
  BOOST_TEST((repo().get(reportee, later->correspondence_id, now).status().code() == StatusCode::kNotFound));
  BOOST_TEST((repo().markRead(reportee, later->correspondence_id, now).code() == StatusCode::kNotFound));
  BOOST_TEST((repo().get("910000306", visible->correspondence_id, now).status().code() == StatusCode::kNotFound));

  q.now = now + 3600;
  auto afterwards = repo().inbox(q);
  BOOST_REQUIRE(afterwards.ok());
  BOOST_TEST(afterwards->items.size() == 2u);

  BOOST_REQUIRE(repo().markDeleted(reportee, visible->correspondence_id, now).ok());
  q.now = now;
  auto after_delete = repo().inbox(q);
  BOOST_REQUIRE(after_delete.ok());
  BOOST_TEST(after_delete->items.empty());
}

BOOST_AUTO_TEST_CASE(ReadAndConfirmedAreRecordedOnce) {
  const Parties p = seedParties(db());
  const std::string reportee = freshReportee();
  const std::time_t now = std::time(nullptr);
  auto created = repo().create(correspondence(p, reportee, "r-1", now - 100), {}, "x");
  BOOST_REQUIRE(created.ok());
  const Id id = created->correspondence_id;
  BOOST_REQUIRE(repo().markRead(reportee, id, now - 50).ok());
  BOOST_REQUIRE(repo().markRead(reportee, id, now - 40).ok());
  BOOST_REQUIRE(repo().markConfirmed(reportee, id, now - 30).ok());
  BOOST_REQUIRE(repo().markConfirmed(reportee, id, now - 20).ok());
  auto got = repo().get(reportee, id, now);
  BOOST_REQUIRE(got.ok());
  BOOST_TEST(*got->read_at == now - 50);
  BOOST_TEST(*got->confirmed_at == now - 30);
  BOOST_TEST((got->status() == CorrespondenceStatus::kConfirmed));
}

BOOST_AUTO_TEST_SUITE_END()
