#define BOOST_TEST_MODULE archive_service
#include <boost/test/unit_test.hpp>

#include "core/archive_service.h"
#include "fake_database.h"

using namespace gateway;
using namespace gateway::core;
using gateway::testing::FakeDatabase;
using gateway::testing::FakeFileStore;

namespace {
struct Fixture {
  FakeDatabase db;
  FakeFileStore files;
  CoreLimits limits;
  persistence::SystemRecord owner;
  Fixture() {
    owner.id = 1;
    owner.role = persistence::SystemRole::kServiceOwner;
    owner.owner_id = 9;
  }
};
}  // namespace

BOOST_FIXTURE_TEST_SUITE(ArchiveRules, Fixture)

BOOST_AUTO_TEST_CASE(ShipmentStatusNeedsExactlyOneKind) {
  ArchiveService service(db, files, limits);
  persistence::SubmissionRepository::ShipmentQuery both;
  both.archive_reference = "AR1";
  both.service_code = "4711";
  BOOST_TEST((service.shipmentStatus(owner, both).status().code() == StatusCode::kInvalidArgument));
  persistence::SubmissionRepository::ShipmentQuery neither;
  BOOST_TEST((service.shipmentStatus(owner, neither).status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(db.submissions_.shipment_queries == 0);
  persistence::SubmissionRepository::ShipmentQuery by_reference;
  by_reference.archive_reference = "AR1";
  BOOST_TEST(service.shipmentStatus(owner, by_reference).ok());
  BOOST_TEST(db.submissions_.shipment_queries == 1);
}

BOOST_AUTO_TEST_CASE(UnknownArchiveReferenceIsNotFound) {
  ArchiveService service(db, files, limits);
  BOOST_TEST((service.fetchByArchiveReference(owner, "AR999").status().code() == StatusCode::kNotFound));
  BOOST_TEST((service.purge(owner, "AR999").code() == StatusCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(EmptyArchiveReferenceIsInvalid) {
  ArchiveService service(db, files, limits);
  BOOST_TEST((service.purge(owner, "").code() == StatusCode::kInvalidArgument));
}

persistence::ArchivedSubmission archivedOf(persistence::Id owner_id, const std::string& ref) {
  persistence::ArchivedSubmission s;
  s.archive_reference = ref;
  s.owner_id = owner_id;
  s.service_code = "4711";
  s.service_edition = 1;
  s.reportee = "910000306";
  s.forms.push_back({"5703", 34, "", std::nullopt, "<Skjema><Navn>Blåbær</Navn></Skjema>", true});
  s.forms.push_back({"6001", 1, "", std::nullopt, "<Annet><Felt>x</Felt></Annet>", true});
  return s;
}

BOOST_AUTO_TEST_CASE(FormSetPdfIsAPdfOfTheOwnersFormSet) {
  db.submissions_.archived[{9, "AR5"}] = archivedOf(9, "AR5");
  ArchiveService service(db, files, limits);
  auto pdf = service.formSetPdf(owner, "AR5", 1044, std::nullopt, std::nullopt);
  BOOST_REQUIRE(pdf.ok());
  BOOST_TEST(pdf.value().rfind("%PDF-", 0) == 0);
  BOOST_TEST(service.formSetPdf(owner, "AR5", 1033, std::string("6001"), 1).ok());
}

BOOST_AUTO_TEST_CASE(FormSetPdfOfAnotherOwnerLooksLikeAnUnknownReference) {
  db.submissions_.archived[{8, "AR6"}] = archivedOf(8, "AR6");
  ArchiveService service(db, files, limits);
  auto other = service.formSetPdf(owner, "AR6", 1044, std::nullopt, std::nullopt);
  auto unknown = service.formSetPdf(owner, "AR7", 1044, std::nullopt, std::nullopt);
  BOOST_TEST((other.status().code() == StatusCode::kNotFound));
  BOOST_TEST(other.status().message() == unknown.status().message());
}

BOOST_AUTO_TEST_CASE(FormSetPdfRejectsUnknownLanguageAndUnmatchedDataFormat) {
  db.submissions_.archived[{9, "AR5"}] = archivedOf(9, "AR5");
  ArchiveService service(db, files, limits);
  auto language = service.formSetPdf(owner, "AR5", 1030, std::nullopt, std::nullopt);
  BOOST_TEST((language.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(language.status().altinnErrorId() == 40001);
  BOOST_TEST((service.formSetPdf(owner, "AR5", 1044, std::string("9999"), std::nullopt).status().code() ==
              StatusCode::kNotFound));
  BOOST_TEST((service.formSetPdf(owner, "AR5", 1044, std::string("5703"), 35).status().code() ==
              StatusCode::kNotFound));
  BOOST_TEST((service.formSetPdf(owner, "", 1044, std::nullopt, std::nullopt).status().code() ==
              StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(AttachmentsOverTheInlineLimitAreListedWithoutTheirBytes) {
  limits.max_attachment_bytes = 10;
  auto archived = archivedOf(9, "AR8");
  files.blobs["small"] = "liten";
  persistence::AttachmentRecord small;
  small.id = 1;
  small.size = 5;
  small.storage_key = "small";
  persistence::AttachmentRecord big;
  big.id = 2;
  big.size = 300000000;
  big.storage_key = "not-in-the-store";  // never read: a read would fail the whole fetch
  archived.attachments = {small, big};
  db.submissions_.archived[{9, "AR8"}] = archived;
  ArchiveService service(db, files, limits);
  auto task = service.fetchByArchiveReference(owner, "AR8");
  BOOST_REQUIRE_MESSAGE(task.ok(), task.status().message());
  BOOST_REQUIRE_EQUAL(task->attachments.size(), 2u);
  BOOST_TEST(task->attachments[0].bytes == "liten");
  BOOST_TEST(task->attachments[1].bytes.empty());
  BOOST_TEST(task->attachments[1].meta.size == 300000000);
}

BOOST_AUTO_TEST_CASE(ArchiveSearchPassesGivenCriteriaAndDropsEmptyOnes) {
  limits.max_archive_search = 7;
  ArchiveService service(db, files, limits);
  ArchiveSearchCriteria c;
  c.reportee = "910000306";
  c.from = 100;
  c.to = 200;
  c.reference = "AR42";
  c.case_id = 3;
  c.subject = "";
  c.user_name = "regnskap";
  BOOST_REQUIRE(service.searchArchive(owner, c, 1044).ok());
  BOOST_REQUIRE_EQUAL(db.submissions_.searches.size(), 1u);
  const auto& q = db.submissions_.searches.front();
  BOOST_TEST(q.reportee.value_or("") == "910000306");
  BOOST_TEST(q.from.value_or(0) == 100);
  BOOST_TEST(q.to.value_or(0) == 200);
  BOOST_TEST(q.submission_id.value_or(0) == 42);
  BOOST_TEST(q.case_id.value_or(0) == 3);
  BOOST_TEST(!q.service_name_contains.has_value());
  BOOST_TEST(q.system_username.value_or("") == "regnskap");
  BOOST_TEST(db.submissions_.search_limit == 7);
}

BOOST_AUTO_TEST_CASE(ArchiveSearchRefusesBadCriteriaWithoutQuerying) {
  ArchiveService service(db, files, limits);
  ArchiveSearchCriteria bad_reportee;
  bad_reportee.reportee = "123";
  BOOST_TEST((service.searchArchive(owner, bad_reportee, 1044).status().code() == StatusCode::kInvalidArgument));
  ArchiveSearchCriteria dates;
  dates.from = 200;
  dates.to = 100;
  BOOST_TEST((service.searchArchive(owner, dates, 1044).status().code() == StatusCode::kInvalidArgument));
  ArchiveSearchCriteria long_subject;
  long_subject.subject = std::string(256, 's');
  BOOST_TEST((service.searchArchive(owner, long_subject, 1044).status().code() == StatusCode::kInvalidArgument));
  auto language = service.searchArchive(owner, {}, 9);
  BOOST_TEST(language.status().altinnErrorId() == 40001);
  BOOST_TEST(db.submissions_.searches.empty());
}

BOOST_AUTO_TEST_CASE(ArchiveSearchForSomethingNotAnArchiveReferenceFindsNothing) {
  ArchiveService service(db, files, limits);
  ArchiveSearchCriteria c;
  c.reference = "ext-123";
  auto page = service.searchArchive(owner, c, 1033);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(page->items.empty());
  BOOST_TEST(db.submissions_.searches.empty());
}

BOOST_AUTO_TEST_SUITE_END()
