// RegisterSRRAgency over mTLS: the owner adds, lists and deletes rules of its own service with a
// result per rule; another owner and end-user systems cannot see or touch them.
#define BOOST_TEST_MODULE e2e_service_rights
#include <boost/test/unit_test.hpp>

#include <ctime>

#include "soap_clients.h"

using namespace gateway::testing;

namespace {

constexpr time_t kDay = 24 * 3600;

srr__AddRightRequest* addRule(struct soap* soap, const std::string& reportee, enum reg__RegisterSRRRightsType right,
                              time_t valid_to, const char* condition = nullptr) {
  auto* r = soap_new_srr__AddRightRequest(soap);
  r->Reportee = soap_new_std__string(soap);
  *r->Reportee = reportee;
  r->Right = right;
  r->ValidTo = valid_to;
  if (condition) {
    r->Condition = soap_new_std__string(soap);
    *r->Condition = condition;
  }
  return r;
}

struct Owner {
  Identity id;
  Client<ServiceRightsProxy> c;
  explicit Owner(const std::string& name)
      : id(gatewayUnderTest().identity(name)), c(client<ServiceRightsProxy>(kServiceRightsPath, name)) {}

  int add(const std::string& code, std::vector<srr__AddRightRequest*> rules, _srra__AddRightsBasicResponse& out) {
    _srra__AddRightsBasic req;
    req.systemUserName = id.system_user;
    req.systemPassword = id.system_password;
    req.serviceCode = code;
    req.serviceEditionCode = 1;
    req.insertRightList = soap_new_srr__AddRightRequestList(c->soap);
    req.insertRightList->AddRightRequest = std::move(rules);
    return c->AddRightsBasic(&req, out);
  }
  int get(const std::string& code, const std::string* reportee, _srra__GetRightsBasicResponse& out) {
    _srra__GetRightsBasic req;
    req.systemUserName = id.system_user;
    req.systemPassword = id.system_password;
    req.serviceCode = code;
    req.serviceEditionCode = 1;
    req.reportee = const_cast<std::string*>(reportee);
    return c->GetRightsBasic(&req, out);
  }
  int remove(const std::string& code, const std::string& reportee, enum reg__RegisterSRRRightsType right,
             _srra__DeleteRightsBasicResponse& out) {
    _srra__DeleteRightsBasic req;
    req.systemUserName = id.system_user;
    req.systemPassword = id.system_password;
    req.serviceCode = code;
    req.serviceEditionCode = 1;
    req.deleteRightList = soap_new_srr__DeleteRightRequestList(c->soap);
    auto* rule = soap_new_srr__DeleteRightRequest(c->soap);
    rule->Reportee = soap_new_std__string(c->soap);
    *rule->Reportee = reportee;
    rule->Right = right;
    req.deleteRightList->DeleteRightRequest.push_back(rule);
    return c->DeleteRightsBasic(&req, out);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ServiceRights)

BOOST_AUTO_TEST_CASE(TestOperationAnswers) {
  _altinn__Test req;
  _altinn__TestResponse resp;
  auto c = client<ServiceRightsProxy>(kServiceRightsPath, "agency");
  BOOST_TEST(c->Test(&req, resp) == SOAP_OK);
}

BOOST_AUTO_TEST_CASE(OwnerAddsListsAndDeletesRulesWithAResultPerRule) {
  Owner agency("agency");
  const time_t now = std::time(nullptr);
  _srra__AddRightsBasicResponse added;
  BOOST_REQUIRE_EQUAL(agency.add("4711",
                                 {addRule(agency.c->soap, "910000306", reg__RegisterSRRRightsType__Read, now + kDay),
                                  addRule(agency.c->soap, "910000306", reg__RegisterSRRRightsType__Write, now + kDay,
                                          "recipient"),
                                  addRule(agency.c->soap, "12345", reg__RegisterSRRRightsType__Read, now + kDay),
                                  addRule(agency.c->soap, "910000209", reg__RegisterSRRRightsType__Read, now - kDay),
                                  addRule(agency.c->soap, "910000306", reg__RegisterSRRRightsType__Read, now + kDay)},
                                 added),
                      SOAP_OK);
  BOOST_REQUIRE(added.AddRightsBasicResult);
  const auto& results = added.AddRightsBasicResult->AddRightResponse;
  BOOST_REQUIRE_EQUAL(results.size(), 5u);
  const enum reg__OperationResult expected[] = {
      reg__OperationResult__Ok, reg__OperationResult__Ok, reg__OperationResult__EmptyOrNotAValidSsnOrOrganisation,
      reg__OperationResult__RightAlreadyExpired, reg__OperationResult__RuleAlreadyExists};
  for (std::size_t i = 0; i < 5; ++i) {
    BOOST_REQUIRE(results[i]->OperationResult);
    BOOST_TEST((*results[i]->OperationResult == expected[i]), "rule " << i);
  }
  BOOST_TEST(*results[1]->Condition == "recipient");  // the rule comes back as sent

  _srra__GetRightsBasicResponse listed;
  const std::string reportee = "910000306";
  BOOST_REQUIRE_EQUAL(agency.get("4711", &reportee, listed), SOAP_OK);
  BOOST_REQUIRE(listed.GetRightsBasicResult);
  BOOST_REQUIRE_EQUAL(listed.GetRightsBasicResult->GetRightResponse.size(), 2u);
  const auto* write = listed.GetRightsBasicResult->GetRightResponse[1];
  BOOST_TEST((write->Right == reg__RegisterSRRRightsType__Write));
  BOOST_TEST(*write->Condition == "recipient");
  BOOST_REQUIRE(write->ValidTo);
  BOOST_TEST(std::abs(static_cast<long>(*write->ValidTo - (now + kDay))) <= 1);

  _srra__DeleteRightsBasicResponse removed;
  BOOST_REQUIRE_EQUAL(agency.remove("4711", "910000306", reg__RegisterSRRRightsType__Read, removed), SOAP_OK);
  BOOST_TEST((*removed.DeleteRightsBasicResult->DeleteRightResponse[0]->OperationResult == reg__OperationResult__Ok));
  _srra__DeleteRightsBasicResponse again;
  BOOST_REQUIRE_EQUAL(agency.remove("4711", "910000306", reg__RegisterSRRRightsType__Read, again), SOAP_OK);
  BOOST_TEST((*again.DeleteRightsBasicResult->DeleteRightResponse[0]->OperationResult ==
              reg__OperationResult__RuleNotFound));
  _srra__GetRightsBasicResponse after;
  BOOST_REQUIRE_EQUAL(agency.get("4711", nullptr, after), SOAP_OK);
  BOOST_TEST(after.GetRightsBasicResult->GetRightResponse.size() == 1u);
}

BOOST_AUTO_TEST_CASE(AnotherOwnerCannotSeeOrChangeTheRules) {
  Owner agency("agency");
  const time_t now = std::time(nullptr);
  _srra__AddRightsBasicResponse added;
  BOOST_REQUIRE_EQUAL(
      agency.add("4711", {addRule(agency.c->soap, "01019010046", reg__RegisterSRRRightsType__Read, now + kDay)}, added),
      SOAP_OK);

  Owner agency2("agency2");
  _srra__GetRightsBasicResponse listed;
  BOOST_TEST(agency2.get("4711", nullptr, listed) != SOAP_OK);
  BOOST_TEST(altinnErrorId(agency2.c->soap).has_value());
  _srra__DeleteRightsBasicResponse removed;
  BOOST_TEST(agency2.remove("4711", "01019010046", reg__RegisterSRRRightsType__Read, removed) != SOAP_OK);
  _srra__AddRightsBasicResponse foreign;
  BOOST_TEST(agency2.add("4711", {addRule(agency2.c->soap, "910000306", reg__RegisterSRRRightsType__Write,
                                          now + kDay)},
                         foreign) != SOAP_OK);
  // The fault for another owner's service is the one for a service that does not exist.
  const std::optional<int> foreign_id = altinnErrorId(agency2.c->soap);
  const std::string foreign_text = altinnFault(agency2.c->soap)->AltinnErrorMessage
                                       ? *altinnFault(agency2.c->soap)->AltinnErrorMessage
                                       : "";
  _srra__AddRightsBasicResponse unknown;
  BOOST_TEST(agency2.add("9999", {addRule(agency2.c->soap, "910000306", reg__RegisterSRRRightsType__Write,
                                          now + kDay)},
                         unknown) != SOAP_OK);
  BOOST_TEST((altinnErrorId(agency2.c->soap) == foreign_id));
  BOOST_TEST(foreign_text.find("4711") != std::string::npos);

  // agency's rule is untouched and no rule of agency2 was added to agency's service.
  _srra__GetRightsBasicResponse mine;
  const std::string reportee = "01019010046";
  BOOST_REQUIRE_EQUAL(agency.get("4711", &reportee, mine), SOAP_OK);
  BOOST_TEST(mine.GetRightsBasicResult->GetRightResponse.size() == 1u);
  std::string count = gatewayUnderTest().sql("SELECT COUNT(*) FROM service_right WHERE reportee = '910000306' AND "
                                             "access = 'Write' AND `condition` = ''");
  while (!count.empty() && (count.back() == '\n' || count.back() == ' ')) count.pop_back();
  BOOST_TEST(count == "0");
}

BOOST_AUTO_TEST_CASE(EndUserSystemsAndWrongPasswordsAreRefused) {
  auto& gw = gatewayUnderTest();
  auto enduser = client<ServiceRightsProxy>(kServiceRightsPath, "enduser");
  _srra__GetRightsBasic req;
  Identity id = gw.identity("enduser");
  req.systemUserName = id.system_user;
  req.systemPassword = id.system_password;
  req.serviceCode = "4711";
  req.serviceEditionCode = 1;
  _srra__GetRightsBasicResponse resp;
  BOOST_TEST(enduser->GetRightsBasic(&req, resp) != SOAP_OK);
  BOOST_TEST(altinnErrorId(enduser->soap).has_value());

  auto agency = client<ServiceRightsProxy>(kServiceRightsPath, "agency");
  Identity a = gw.identity("agency");
  req.systemUserName = a.system_user;
  req.systemPassword = "wrong";
  BOOST_TEST(agency->GetRightsBasic(&req, resp) != SOAP_OK);
  BOOST_TEST((altinnErrorId(agency->soap) == 989));
}

BOOST_AUTO_TEST_SUITE_END()
