// The role register and the service access roles of the contact register against a fresh MariaDB
// database (persistence/mysql/contact_role_repository.cpp, migration 014_contact_roles.sql).
#define BOOST_TEST_MODULE contact_role_repository_test
#include <boost/test/unit_test.hpp>

#include "support/test_database.h"

using namespace gateway;
using namespace gateway::persistence;
using gateway::testing::seedParties;
using gateway::testing::TestDatabase;
using gateway::testing::uniqueOrgNumber;

using gateway::testing::TestDatabaseFixture;
BOOST_TEST_GLOBAL_FIXTURE(TestDatabaseFixture);

namespace {

ContactRepository& repo() { return TestDatabase::instance().database().contacts(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(ContactRoleRepositoryTests)

BOOST_AUTO_TEST_CASE(RolesAreAddedOnceListedPerOrganisationAndRemoved) {
  const std::string org = uniqueOrgNumber();
  const std::string other = uniqueOrgNumber();
  auto added = repo().addRoles({{org, "01019010127", "REGNA"},
                                {org, "01019010046", "DAGL"},
                                {org, "01019010046", "REGNA"},
                                {other, "01019010046", "DAGL"}});
  BOOST_REQUIRE(added.ok());
  BOOST_TEST(added->size() == 4u);
  BOOST_TEST((added.value() == std::vector<bool>{true, true, true, true}));

  auto again = repo().addRoles({{org, "01019010046", "DAGL"}, {org, "01019010208", "LEDE"}});
  BOOST_REQUIRE(again.ok());
  BOOST_TEST((again.value() == std::vector<bool>{false, true}));

  auto roles = repo().rolesOf(org);
  BOOST_REQUIRE(roles.ok());
  const std::vector<RoleHolderRecord> expected = {{org, "01019010046", "DAGL"},
                                                  {org, "01019010046", "REGNA"},
                                                  {org, "01019010127", "REGNA"},
                                                  {org, "01019010208", "LEDE"}};
  BOOST_TEST((roles.value() == expected));

  BOOST_TEST(repo().removeRole({org, "01019010046", "REGNA"}).ok());
  BOOST_TEST(repo().removeRole({org, "01019010046", "REGNA"}).code() == StatusCode::kNotFound);
  BOOST_TEST(repo().rolesOf(org)->size() == 3u);
  BOOST_TEST(repo().rolesOf(other)->size() == 1u);  // another organisation's roles are untouched
}

BOOST_AUTO_TEST_CASE(ABadRowRollsBackTheWholeBatch) {
  const std::string org = uniqueOrgNumber();
  // The schema refuses a lower-case role code (CHECK constraint): nothing of the batch is stored.
  auto added = repo().addRoles({{org, "01019010046", "DAGL"}, {org, "01019010127", "regna"}});
  BOOST_TEST(!added.ok());
  BOOST_TEST(repo().rolesOf(org)->empty());
}

BOOST_AUTO_TEST_CASE(ServiceAccessRolesAreReplacedAsAWholeAndGoWithTheService) {
  auto& db = TestDatabase::instance();
  const auto parties = seedParties(db.database());
  const Id service = parties.service.id;
  BOOST_TEST(repo().serviceAccessRoles(service)->empty());
  BOOST_REQUIRE(repo().setServiceAccessRoles(service, {"REGNA", "DAGL", "DAGL"}).ok());
  BOOST_TEST((repo().serviceAccessRoles(service).value() == std::vector<std::string>{"DAGL", "REGNA"}));
  BOOST_REQUIRE(repo().setServiceAccessRoles(service, {"LEDE"}).ok());
  BOOST_TEST((repo().serviceAccessRoles(service).value() == std::vector<std::string>{"LEDE"}));
  BOOST_REQUIRE(repo().setServiceAccessRoles(service, {}).ok());
  BOOST_TEST(repo().serviceAccessRoles(service)->empty());
  // An unknown service id is refused by the foreign key.
  BOOST_TEST(!repo().setServiceAccessRoles(-1, {"DAGL"}).ok());
}

BOOST_AUTO_TEST_SUITE_END()
