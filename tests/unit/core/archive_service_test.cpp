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

BOOST_AUTO_TEST_SUITE_END()
