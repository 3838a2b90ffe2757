#define BOOST_TEST_MODULE notification_recipients
#include <boost/test/unit_test.hpp>

#include "core/notification_recipients.h"

using namespace gateway::core::notification;
using gateway::persistence::RoleHolderRecord;

namespace {

const char* kOrg = "910000004";
const char* kDagl = "01019010046";      // DAGL
const char* kRegna = "01019010127";     // REGNA
const char* kBoth = "01019010208";      // DAGL and LEDE
const char* kOther = "01019010399";     // UTINN only

std::vector<RoleHolderRecord> holders() {
  return {{kOrg, kDagl, "DAGL"}, {kOrg, kRegna, "REGNA"}, {kOrg, kBoth, "DAGL"}, {kOrg, kBoth, "LEDE"},
          {kOrg, kOther, "UTINN"}};
}

std::vector<std::string> persons(std::initializer_list<const char*> list) { return {list.begin(), list.end()}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(NotificationRecipientsTests)

BOOST_AUTO_TEST_CASE(RoleCodesAreTrimmedAndUpperCased) {
  BOOST_TEST(normaliseRoleCode(" dagl ").value() == "DAGL");
  BOOST_TEST(normaliseRoleCode("A0212").value() == "A0212");
  BOOST_TEST(!normaliseRoleCode("").has_value());
  BOOST_TEST(!normaliseRoleCode("DA GL").has_value());
  BOOST_TEST(!normaliseRoleCode("DAGL;").has_value());
  BOOST_TEST(!normaliseRoleCode(std::string(21, 'A')).has_value());
}

BOOST_AUTO_TEST_CASE(WithoutRolesOrServiceNobodyIsSelected) {
  BOOST_TEST(selectRoleHolders(holders(), RoleHolderFilter{}).empty());
}

BOOST_AUTO_TEST_CASE(RolesSelectTheHoldersOfAnyOfThemOnce) {
  RoleHolderFilter filter;
  filter.roles = {"DAGL", "REGNA"};
  BOOST_TEST(selectRoleHolders(holders(), filter) == persons({kDagl, kRegna, kBoth}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ServiceSelectsHoldersOfARoleThatGrantsIt) {
  RoleHolderFilter filter;
  filter.service_roles = std::vector<std::string>{"LEDE", "UTINN"};
  BOOST_TEST(selectRoleHolders(holders(), filter) == persons({kBoth, kOther}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ServiceThatNoRoleGrantsSelectsNobody) {
  RoleHolderFilter filter;
  filter.service_roles = std::vector<std::string>{};
  BOOST_TEST(selectRoleHolders(holders(), filter).empty());
}

BOOST_AUTO_TEST_CASE(RolesAndServiceTogetherSelectPersonsMeetingBoth) {
  // kDagl holds DAGL but nothing that grants the service; kBoth holds DAGL and LEDE (grants it);
  // kOther has access but not a wanted role.
  RoleHolderFilter filter;
  filter.roles = {"DAGL"};
  filter.service_roles = std::vector<std::string>{"LEDE", "UTINN"};
  BOOST_TEST(selectRoleHolders(holders(), filter) == persons({kBoth}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(UnknownRoleSelectsNobody) {
  RoleHolderFilter filter;
  filter.roles = {"NOSUCHROLE"};
  BOOST_TEST(selectRoleHolders(holders(), filter).empty());
}

BOOST_AUTO_TEST_SUITE_END()
