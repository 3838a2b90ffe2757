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

BOOST_AUTO_TEST_SUITE_END()
