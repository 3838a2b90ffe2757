// Subscription over mTLS: insert, update by SubscriptionID, sub-receipts, receipts through
// ReceiptAgency, faults and isolation between service owners.
#define BOOST_TEST_MODULE e2e_subscription_flow
#include <boost/test/unit_test.hpp>

#include "prefills.h"

using namespace gateway::testing;

BOOST_AUTO_TEST_SUITE(SubscriptionFlow)

BOOST_AUTO_TEST_CASE(TestOperationAnswers) {
  _altinn__Test req;
  _altinn__TestResponse resp;
  auto c = client<SubscriptionProxy>(kSubscriptionPath, "agency");
  BOOST_TEST(c->Test(&req, resp) == SOAP_OK);
}

BOOST_AUTO_TEST_CASE(OwnerStoresAndUpdatesSubscriptions) {
  auto& gw = gatewayUnderTest();
  const Identity agency = gw.identity("agency");
  auto c = client<SubscriptionProxy>(kSubscriptionPath, "agency");
  r09__ReceiptExternal* receipt = nullptr;
  BOOST_REQUIRE_EQUAL(subscribe(c, agency, "sub-batch-1", "ETAT", {SubscriptionSpec{}, SubscriptionSpec{}}, &receipt),
                      SOAP_OK);
  BOOST_REQUIRE(receipt && receipt->SubReceipts);
  BOOST_TEST((*receipt->ReceiptTypeName == r09__ReceiptTypeEnum__Subscription));
  BOOST_TEST((*receipt->ReceiptStatusCode == r09__ReceiptStatusEnum__OK));
  BOOST_TEST(referenceOf(receipt, shp__ReferenceType__BatchReference) == "sub-batch-1");
  BOOST_REQUIRE_EQUAL(receipt->SubReceipts->ReceiptExternal.size(), 2u);
  const std::string id = referenceOf(receipt->SubReceipts->ReceiptExternal[0], shp__ReferenceType__ReceiversReference);
  BOOST_REQUIRE(!id.empty());
  const int receipt_id = *receipt->ReceiptId;

  // The same batch id again: the first receipt.
  r09__ReceiptExternal* again = nullptr;
  BOOST_REQUIRE_EQUAL(subscribe(c, agency, "sub-batch-1", "ETAT", {SubscriptionSpec{}}, &again), SOAP_OK);
  BOOST_TEST(*again->ReceiptId == receipt_id);

  // Update by SubscriptionID.
  SubscriptionSpec update;
  update.subscription_id = std::stoi(id);
  update.period = sent__PeriodType__Weekly;
  r09__ReceiptExternal* updated = nullptr;
  BOOST_REQUIRE_EQUAL(subscribe(c, agency, "sub-batch-2", "ETAT_LONN", {update}, &updated), SOAP_OK);
  BOOST_TEST((*updated->SubReceipts->ReceiptExternal[0]->ReceiptStatusCode == r09__ReceiptStatusEnum__OK));
  BOOST_TEST(referenceOf(updated->SubReceipts->ReceiptExternal[0], shp__ReferenceType__ReceiversReference) == id);
  BOOST_TEST(gw.sql("SELECT period_type FROM subscription WHERE id = " + id).find("Weekly") != std::string::npos);

  // The receipt is in the owner's Subscription receipt list.
  auto receipts = client<ReceiptProxy>(kReceiptAgencyPath, "agency");
  _rcpt__GetReceiptListBasicV2 list;
  _rcpt__GetReceiptListBasicV2Response listed;
  list.systemUserName = agency.system_user;
  list.systemPassword = agency.system_password;
  list.receiptTypeName = r15__ReceiptType__Subscription;
  BOOST_REQUIRE_EQUAL(receipts->GetReceiptListBasicV2(&list, listed), SOAP_OK);
  bool found = false;
  for (const auto* r : listed.GetReceiptListBasicV2Result->Receipt) found = found || *r->ReceiptId == receipt_id;
  BOOST_TEST(found);

  // Another owner cannot update it, nor subscribe on agency's service, nor see the receipts.
  const Identity agency2 = gw.identity("agency2");
  auto c2 = client<SubscriptionProxy>(kSubscriptionPath, "agency2");
  SubscriptionSpec hijack = update;
  hijack.service_code = "4712";
  hijack.period = sent__PeriodType__Daily;
  SubscriptionSpec foreign;  // 4711 belongs to agency
  r09__ReceiptExternal* refused = nullptr;
  BOOST_REQUIRE_EQUAL(subscribe(c2, agency2, "sub-batch-iso", "ETAT2", {hijack, foreign}, &refused), SOAP_OK);
  BOOST_TEST((*refused->ReceiptStatusCode == r09__ReceiptStatusEnum__ValidationFailed));
  BOOST_TEST((*refused->SubReceipts->ReceiptExternal[0]->ReceiptStatusCode == r09__ReceiptStatusEnum__ValidationFailed));
  BOOST_TEST((*refused->SubReceipts->ReceiptExternal[1]->ReceiptStatusCode == r09__ReceiptStatusEnum__ValidationFailed));
  BOOST_TEST(gw.sql("SELECT period_type FROM subscription WHERE id = " + id).find("Weekly") != std::string::npos);
  auto receipts2 = client<ReceiptProxy>(kReceiptAgencyPath, "agency2");
  list.systemUserName = agency2.system_user;
  list.systemPassword = agency2.system_password;
  BOOST_REQUIRE_EQUAL(receipts2->GetReceiptListBasicV2(&list, listed), SOAP_OK);
  for (const auto* r : listed.GetReceiptListBasicV2Result->Receipt) BOOST_TEST(*r->ReceiptId != receipt_id);
}

BOOST_AUTO_TEST_CASE(RequestLevelProblemsAreFaults) {
  auto& gw = gatewayUnderTest();
  auto c = client<SubscriptionProxy>(kSubscriptionPath, "agency");
  BOOST_TEST(subscribe(c, gw.identity("agency"), "sub-bad-1", "ETAT2", {SubscriptionSpec{}}, nullptr) != SOAP_OK);
  BOOST_TEST(altinnErrorId(c->soap).value_or(-1) == 5);
  BOOST_TEST(subscribe(c, gw.identity("agency"), "", "ETAT", {SubscriptionSpec{}}, nullptr) != SOAP_OK);
  BOOST_TEST(altinnErrorId(c->soap).value_or(-1) == 0);
  BOOST_TEST(subscribe(c, gw.identity("agency"), "sub-bad-2", "ETAT", {}, nullptr) != SOAP_OK);
  auto as_enduser = client<SubscriptionProxy>(kSubscriptionPath, "enduser");
  BOOST_TEST(subscribe(as_enduser, gw.identity("enduser"), "sub-bad-3", "ETAT", {SubscriptionSpec{}}, nullptr) !=
             SOAP_OK);
  BOOST_TEST(altinnErrorId(as_enduser->soap).value_or(-1) == 5);
}

BOOST_AUTO_TEST_CASE(AnInvalidReporteeGetsAValidationFailedSubReceipt) {
  auto& gw = gatewayUnderTest();
  auto c = client<SubscriptionProxy>(kSubscriptionPath, "agency");
  SubscriptionSpec bad;
  bad.reportee = "12345678901";
  r09__ReceiptExternal* receipt = nullptr;
  BOOST_REQUIRE_EQUAL(subscribe(c, gw.identity("agency"), "sub-invalid", "ETAT", {bad}, &receipt), SOAP_OK);
  BOOST_TEST((*receipt->ReceiptStatusCode == r09__ReceiptStatusEnum__ValidationFailed));
  BOOST_TEST(receipt->SubReceipts->ReceiptExternal[0]->ReceiptText->find("ReporteeId") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
