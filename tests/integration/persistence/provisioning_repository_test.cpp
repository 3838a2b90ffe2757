// ProvisioningRepository plus the look-ups built on the same rows (SystemRepository,
// ServiceRepository), against a fresh MariaDB database.
#define BOOST_TEST_MODULE provisioning_repository_test
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "support/test_database.h"

using namespace gateway;
using namespace gateway::persistence;
using gateway::testing::TestDatabase;
using gateway::testing::uniqueOrgNumber;
using gateway::testing::uniqueSuffix;

using gateway::testing::TestDatabaseFixture;
BOOST_TEST_GLOBAL_FIXTURE(TestDatabaseFixture);

namespace {

Database& db() { return TestDatabase::instance().database(); }

ServiceOwnerRecord newOwner() {
  ServiceOwnerRecord owner;
  owner.code = "C" + uniqueSuffix();
  owner.org_number = uniqueOrgNumber();
  owner.name = "Owner æøå";
  auto added = db().provisioning().addServiceOwner(owner);
  BOOST_REQUIRE(added.ok());
  return added.value();
}

SystemRecord endUserSystem(const std::string& username) {
  SystemRecord s;
  s.username = username;
  s.password_hash = "pbkdf2-sha256$1$c2FsdA==$aGFzaA==";
  s.org_number = "910000209";
  s.role = SystemRole::kEndUser;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ProvisioningRepository)

BOOST_AUTO_TEST_CASE(ServiceOwnerRoundTripAndUniqueness) {
  ServiceOwnerRecord owner = newOwner();
  BOOST_TEST(owner.id > 0);
  auto owners = db().provisioning().listServiceOwners();
  BOOST_REQUIRE(owners.ok());
  auto it = std::find_if(owners->begin(), owners->end(), [&](const auto& o) { return o.code == owner.code; });
  BOOST_REQUIRE(it != owners->end());
  BOOST_TEST(it->org_number == owner.org_number);
  BOOST_TEST(it->name == "Owner æøå");

  ServiceOwnerRecord same_code = owner;
  same_code.org_number = uniqueOrgNumber();
  BOOST_TEST(db().provisioning().addServiceOwner(same_code).status().code() == StatusCode::kAlreadyExists);
  ServiceOwnerRecord same_org = owner;
  same_org.code = "D" + uniqueSuffix();
  BOOST_TEST(db().provisioning().addServiceOwner(same_org).status().code() == StatusCode::kAlreadyExists);

  ServiceOwnerRecord bad = owner;
  bad.code = "E" + uniqueSuffix();
  bad.org_number = "12345";
  BOOST_TEST(db().provisioning().addServiceOwner(bad).status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(OwnerSystemNeedsExistingOwnerWithSameOrgNumber) {
  ServiceOwnerRecord owner = newOwner();
  SystemRecord s;
  s.username = "own-" + uniqueSuffix();
  s.password_hash = "hash";
  s.org_number = owner.org_number;
  s.role = SystemRole::kServiceOwner;
  s.owner_code = "NOPE" + uniqueSuffix();
  BOOST_TEST(db().provisioning().addSystem(s).status().code() == StatusCode::kNotFound);

  s.owner_code = owner.code;
  s.org_number = uniqueOrgNumber();
  BOOST_TEST(db().provisioning().addSystem(s).status().code() == StatusCode::kInvalidArgument);

  s.org_number = owner.org_number;
  auto added = db().provisioning().addSystem(s);
  BOOST_REQUIRE(added.ok());
  BOOST_TEST(added->owner_id.value_or(0) == owner.id);
  BOOST_TEST(added->credential_version == 1);

  auto found = db().systems().findByUsername(s.username);
  BOOST_REQUIRE(found.ok());
  BOOST_REQUIRE(found->has_value());
  const SystemRecord& r = *found.value();
  BOOST_TEST(r.id == added->id);
  BOOST_TEST(r.password_hash == "hash");
  BOOST_TEST(r.org_number == owner.org_number);
  BOOST_TEST((r.role == SystemRole::kServiceOwner));
  BOOST_TEST(r.owner_id.value_or(0) == owner.id);
  BOOST_TEST(r.owner_code == owner.code);
  BOOST_TEST(r.active);

  BOOST_TEST(db().provisioning().addSystem(s).status().code() == StatusCode::kAlreadyExists);
}

BOOST_AUTO_TEST_CASE(EndUserSystemHasNoOwner) {
  SystemRecord s = endUserSystem("eu-" + uniqueSuffix());
  s.owner_code = "X";
  BOOST_TEST(db().provisioning().addSystem(s).status().code() == StatusCode::kInvalidArgument);
  s.owner_code.clear();
  auto added = db().provisioning().addSystem(s);
  BOOST_REQUIRE(added.ok());
  auto found = db().systems().findByUsername(s.username);
  BOOST_REQUIRE(found.ok() && found->has_value());
  BOOST_TEST(!found.value()->owner_id.has_value());
  BOOST_TEST(found.value()->owner_code.empty());
  BOOST_TEST((found.value()->role == SystemRole::kEndUser));
}

BOOST_AUTO_TEST_CASE(UnknownUsernameIsEmptyNotAnError) {
  auto found = db().systems().findByUsername("nobody-" + uniqueSuffix());
  BOOST_REQUIRE(found.ok());
  BOOST_TEST(!found->has_value());
}

BOOST_AUTO_TEST_CASE(UsernamesCompareExactly) {
  const std::string name = "Case-" + uniqueSuffix();
  BOOST_REQUIRE(db().provisioning().addSystem(endUserSystem(name)).ok());
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  BOOST_TEST(!db().systems().findByUsername(lower)->has_value());
  BOOST_TEST(!db().systems().findByUsername(name + " ")->has_value());
}

BOOST_AUTO_TEST_CASE(PasswordChangeAndDisableBumpCredentialVersion) {
  const std::string name = "pw-" + uniqueSuffix();
  BOOST_REQUIRE(db().provisioning().addSystem(endUserSystem(name)).ok());
  BOOST_REQUIRE(db().provisioning().setSystemPassword(name, "new-hash").ok());
  auto after = db().systems().findByUsername(name);
  BOOST_TEST(after.value()->password_hash == "new-hash");
  BOOST_TEST(after.value()->credential_version == 2);

  BOOST_REQUIRE(db().provisioning().setSystemActive(name, false).ok());
  after = db().systems().findByUsername(name);
  BOOST_TEST(!after.value()->active);
  BOOST_TEST(after.value()->credential_version == 3);
  BOOST_REQUIRE(db().provisioning().setSystemActive(name, false).ok());  // already disabled: still fine
  BOOST_REQUIRE(db().provisioning().setSystemActive(name, true).ok());
  BOOST_TEST(db().systems().findByUsername(name).value()->active);

  BOOST_TEST(db().provisioning().setSystemPassword("nobody-" + uniqueSuffix(), "h").code() == StatusCode::kNotFound);
  BOOST_TEST(db().provisioning().setSystemActive("nobody-" + uniqueSuffix(), true).code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(ListSystemsNeverCarriesPasswordHashes) {
  const std::string name = "list-" + uniqueSuffix();
  BOOST_REQUIRE(db().provisioning().addSystem(endUserSystem(name)).ok());
  auto systems = db().provisioning().listSystems();
  BOOST_REQUIRE(systems.ok());
  bool seen = false;
  for (const auto& s : systems.value()) {
    BOOST_TEST(s.password_hash.empty());
    seen = seen || s.username == name;
  }
  BOOST_TEST(seen);
}

BOOST_AUTO_TEST_CASE(ServiceRoundTripWithFormats) {
  ServiceOwnerRecord owner = newOwner();
  ServiceRecord service;
  service.owner_code = owner.code;
  service.code = "SV" + uniqueSuffix();
  service.edition = 3;
  service.name = "Skjema";
  service.formats = {{"5703", 34}, {"5704", 1}, {"5703", 34}};
  auto added = db().provisioning().addService(service);
  BOOST_REQUIRE(added.ok());
  BOOST_TEST(added->kind == "FormTask");

  auto found = db().services().find(service.code, 3);
  BOOST_REQUIRE(found.ok() && found->has_value());
  const ServiceRecord& s = *found.value();
  BOOST_TEST(s.id == added->id);
  BOOST_TEST(s.owner_id == owner.id);
  BOOST_TEST(s.owner_code == owner.code);
  BOOST_TEST(s.name == "Skjema");
  BOOST_REQUIRE_EQUAL(s.formats.size(), 2u);  // the duplicate format was stored once
  BOOST_TEST(s.formats[0].id == "5703");
  BOOST_TEST(s.formats[0].version == 34);
  BOOST_TEST(s.formats[1].id == "5704");

  BOOST_TEST(!db().services().find(service.code, 4)->has_value());
  BOOST_TEST(db().provisioning().addService(service).status().code() == StatusCode::kAlreadyExists);

  auto listed = db().provisioning().listServices();
  BOOST_REQUIRE(listed.ok());
  auto it = std::find_if(listed->begin(), listed->end(), [&](const auto& x) { return x.code == service.code; });
  BOOST_REQUIRE(it != listed->end());
  BOOST_TEST(it->formats.size() == 2u);

  ServiceRecord orphan = service;
  orphan.owner_code = "NOPE" + uniqueSuffix();
  orphan.edition = 9;
  BOOST_TEST(db().provisioning().addService(orphan).status().code() == StatusCode::kNotFound);
  ServiceRecord bad_edition = service;
  bad_edition.edition = 0;
  BOOST_TEST(db().provisioning().addService(bad_edition).status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(ReporteeGrantsDecideMayActFor) {
  const std::string name = "rep-" + uniqueSuffix();
  auto system = db().provisioning().addSystem(endUserSystem(name));
  BOOST_REQUIRE(system.ok());
  BOOST_TEST(!db().systems().mayActFor(system->id, "910000306").value());

  BOOST_REQUIRE(db().provisioning().grantReportee(name, "910000306").ok());
  BOOST_REQUIRE(db().provisioning().grantReportee(name, "01019010046").ok());
  BOOST_TEST(db().provisioning().grantReportee(name, "910000306").code() == StatusCode::kAlreadyExists);
  BOOST_TEST(db().provisioning().grantReportee(name, "12ab").code() == StatusCode::kInvalidArgument);
  BOOST_TEST(db().provisioning().grantReportee("nobody-" + uniqueSuffix(), "910000306").code() ==
             StatusCode::kNotFound);

  BOOST_TEST(db().systems().mayActFor(system->id, "910000306").value());
  BOOST_TEST(db().systems().mayActFor(system->id, "01019010046").value());
  BOOST_TEST(!db().systems().mayActFor(system->id, "910000004").value());

  auto listed = db().provisioning().listReportees(name);
  BOOST_REQUIRE(listed.ok());
  BOOST_TEST((listed.value() == std::vector<std::string>{"01019010046", "910000306"}));

  BOOST_REQUIRE(db().provisioning().revokeReportee(name, "910000306").ok());
  BOOST_TEST(!db().systems().mayActFor(system->id, "910000306").value());
  BOOST_TEST(db().provisioning().revokeReportee(name, "910000306").code() == StatusCode::kNotFound);
  BOOST_TEST(db().provisioning().listReportees(name)->size() == 1u);
  BOOST_TEST(db().provisioning().listReportees("nobody-" + uniqueSuffix()).status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(ReporteesAreForEndUserSystemsOnly) {
  ServiceOwnerRecord owner = newOwner();
  SystemRecord s;
  s.username = "own-" + uniqueSuffix();
  s.password_hash = "hash";
  s.org_number = owner.org_number;
  s.role = SystemRole::kServiceOwner;
  s.owner_code = owner.code;
  BOOST_REQUIRE(db().provisioning().addSystem(s).ok());
  BOOST_TEST(db().provisioning().grantReportee(s.username, "910000306").code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(PingAnswers) { BOOST_TEST(db().ping().ok()); }

BOOST_AUTO_TEST_SUITE_END()
