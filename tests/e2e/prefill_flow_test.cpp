// PreFill and IntermediaryPrefill over mTLS: the owner prefills, the end-user system fetches and
// completes the task through SubmitFormTaskBasic, the owner collects the result; faults and isolation.
#define BOOST_TEST_MODULE e2e_prefill_flow
#include <boost/test/unit_test.hpp>

#include "prefills.h"
#include "submissions.h"

using namespace gateway::testing;

namespace {

std::string attachmentText(const xsd__base64Binary* data) {
  return data ? std::string(reinterpret_cast<const char*>(data->__ptr), data->__size) : std::string();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(PrefillFlow)

BOOST_AUTO_TEST_CASE(TestOperationAnswers) {
  _altinn__Test req;
  _altinn__TestResponse resp;
  auto prefill = client<PreFillProxy>(kPreFillPath, "agency");
  BOOST_TEST(prefill->Test(&req, resp) == SOAP_OK);
  auto open = client<IntermediaryPrefillProxy>(kIntermediaryPrefillPath, "enduser");
  BOOST_TEST(open->Test(&req, resp) == SOAP_OK);
}

BOOST_AUTO_TEST_CASE(OwnerPrefillsEndUserCompletesOwnerCollects) {
  auto& gw = gatewayUnderTest();
  const Identity agency = gw.identity("agency");
  const Identity enduser = gw.identity("enduser");

  // 1. The owner prefills and instantiates a form task for 910000306 on 4711/1.
  auto pf = client<PreFillProxy>(kPreFillPath, "agency");
  PrefillSpec spec;
  spec.external_shipment_reference = "roundtrip-1";
  spec.attachment = "grunnlagsdata æøå";
  r09__ReceiptExternal* receipt = nullptr;
  BOOST_REQUIRE_EQUAL(prefill(pf, agency, "batch-roundtrip", spec, &receipt), SOAP_OK);
  BOOST_REQUIRE(receipt);
  BOOST_TEST((*receipt->ReceiptStatusCode == r09__ReceiptStatusEnum__OK));
  BOOST_TEST((*receipt->ReceiptTypeName == r09__ReceiptTypeEnum__PreFill));
  BOOST_TEST(referenceOf(receipt, shp__ReferenceType__BatchReference) == "batch-roundtrip");
  BOOST_TEST(referenceOf(receipt, shp__ReferenceType__ExternalShipmentReference) == "roundtrip-1");
  BOOST_TEST(referenceOf(receipt, shp__ReferenceType__SendersReference) == "sak-1");
  const std::string prefill_id = referenceOf(receipt, shp__ReferenceType__ReceiversReference);
  BOOST_REQUIRE(!prefill_id.empty());
  const int receipt_id = *receipt->ReceiptId;

  // 2. The receipt is readable through ReceiptAgency, by reference and in the PreFill list.
  auto receipts = client<ReceiptProxy>(kReceiptAgencyPath, "agency");
  _rcpt__GetReceiptBasicV2 get;
  _rcpt__GetReceiptBasicV2Response got;
  get.systemUserName = agency.system_user;
  get.systemPassword = agency.system_password;
  get.receipt = soap_new_r15__ReceiptSearch(receipts->soap);
  get.receipt->References = soap_new_r15__ReferenceList(receipts->soap);
  auto* ref = soap_new_r15__Reference(receipts->soap);
  ref->ReferenceType = shp__ReferenceType__BatchReference;
  ref->ReferenceValue = text(receipts->soap, "batch-roundtrip");
  get.receipt->References->Reference.push_back(ref);
  BOOST_REQUIRE_EQUAL(receipts->GetReceiptBasicV2(&get, got), SOAP_OK);
  BOOST_TEST(*got.GetReceiptBasicV2Result->ReceiptId == receipt_id);
  BOOST_TEST((*got.GetReceiptBasicV2Result->ReceiptType == r15__ReceiptType__PreFill));
  _rcpt__GetReceiptListBasicV2 list;
  _rcpt__GetReceiptListBasicV2Response listed;
  list.systemUserName = agency.system_user;
  list.systemPassword = agency.system_password;
  list.receiptTypeName = r15__ReceiptType__PreFill;
  BOOST_REQUIRE_EQUAL(receipts->GetReceiptListBasicV2(&list, listed), SOAP_OK);
  bool in_list = false;
  for (const auto* r : listed.GetReceiptListBasicV2Result->Receipt) in_list = in_list || *r->ReceiptId == receipt_id;
  BOOST_TEST(in_list);

  // 3. The end-user system lists the reportee's open tasks and gets the data and attachment.
  auto open = client<IntermediaryPrefillProxy>(kIntermediaryPrefillPath, "enduser");
  std::vector<iipf__PrefilledFormTask*> tasks;
  BOOST_REQUIRE_EQUAL(openTasks(open, enduser, "910000306", &tasks, std::stoi(prefill_id)), SOAP_OK);
  BOOST_REQUIRE_EQUAL(tasks.size(), 1u);
  const auto* task = tasks[0];
  BOOST_TEST(task->PrefillId == std::stoi(prefill_id));
  BOOST_TEST(*task->ServiceOwnerCode == "ETAT");
  BOOST_TEST(*task->ServiceCode == "4711");
  BOOST_TEST(task->ServiceEdition == 1);
  BOOST_TEST(*task->ExternalShipmentReference == "roundtrip-1");
  BOOST_REQUIRE(task->Forms && task->Forms->PrefilledForm.size() == 1u);
  BOOST_TEST(*task->Forms->PrefilledForm[0]->FormData == spec.form_data);
  BOOST_TEST(*task->Forms->PrefilledForm[0]->DataFormatId == "5703");
  BOOST_REQUIRE(task->Attachments && task->Attachments->PrefilledAttachment.size() == 1u);
  BOOST_TEST(attachmentText(task->Attachments->PrefilledAttachment[0]->AttachmentData) == spec.attachment);
  BOOST_TEST(*task->Attachments->PrefilledAttachment[0]->AttachmentType == "text_plain");
  // Listing without a filter shows it too.
  BOOST_REQUIRE_EQUAL(openTasks(open, enduser, "910000306", &tasks), SOAP_OK);
  bool listed_open = false;
  for (const auto* t : tasks) listed_open = listed_open || t->PrefillId == std::stoi(prefill_id);
  BOOST_TEST(listed_open);

  // 4. The end-user system completes it: the main form's ParentReference names the task.
  auto inbound = client<InboundProxy>(kInboundPath, "enduser");
  SubmissionSpec sub;
  sub.end_user_reference = "prefill-completion-1";
  sub.parent_reference = std::stoi(prefill_id);
  sub.form_data = "<Skjema><Navn>Åse Ødegård</Navn><Beløp>2750</Beløp></Skjema>";
  iib__ReceiptExternalBE* done = nullptr;
  BOOST_REQUIRE_EQUAL(submit(inbound, enduser, sub, &done), SOAP_OK);
  const std::string ar = archiveReferenceOf(done);
  BOOST_REQUIRE(!ar.empty());

  // 5. The owner fetches the archived form task with the completed data.
  auto queue = client<QueueProxy>(kQueuePath, "agency");
  _dq__GetArchivedFormTaskBasicDQ fetch;
  _dq__GetArchivedFormTaskBasicDQResponse fetched;
  fetch.systemUserName = text(queue->soap, agency.system_user);
  fetch.systemPassword = text(queue->soap, agency.system_password);
  fetch.archiveReference = text(queue->soap, ar);
  BOOST_REQUIRE_EQUAL(queue->GetArchivedFormTaskBasicDQ(&fetch, fetched), SOAP_OK);
  auto* archived = fetched.GetArchivedFormTaskBasicDQResult;
  BOOST_REQUIRE(archived && archived->Forms && archived->Forms->ArchivedFormDQBE.size() == 1u);
  BOOST_TEST(*archived->Forms->ArchivedFormDQBE[0]->FormData == sub.form_data);
  BOOST_TEST(*archived->Reportee == "910000306");

  // 6. The task is no longer open, and a second submission referring to it is refused.
  BOOST_REQUIRE_EQUAL(openTasks(open, enduser, "910000306", &tasks, std::stoi(prefill_id)), SOAP_OK);
  BOOST_TEST(tasks.empty());
  sub.end_user_reference = "prefill-completion-2";
  BOOST_TEST(submit(inbound, enduser, sub, nullptr) != SOAP_OK);
  BOOST_TEST(altinnErrorId(inbound->soap).value_or(-1) == 0);
  const auto* fault = altinnFault(inbound->soap);
  BOOST_REQUIRE(fault && fault->AltinnErrorMessage);
  BOOST_TEST(fault->AltinnErrorMessage->find("completed already") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ARepeatedBatchIdReturnsTheFirstReceipt) {
  auto& gw = gatewayUnderTest();
  auto pf = client<PreFillProxy>(kPreFillPath, "agency");
  PrefillSpec spec;
  spec.external_shipment_reference = "dup-batch-1";
  r09__ReceiptExternal* first = nullptr;
  BOOST_REQUIRE_EQUAL(prefill(pf, gw.identity("agency"), "batch-dup", spec, &first), SOAP_OK);
  spec.external_shipment_reference = "dup-batch-2";
  r09__ReceiptExternal* second = nullptr;
  BOOST_REQUIRE_EQUAL(prefill(pf, gw.identity("agency"), "batch-dup", spec, &second), SOAP_OK);
  BOOST_TEST(*second->ReceiptId == *first->ReceiptId);
  BOOST_TEST(referenceOf(second, shp__ReferenceType__ExternalShipmentReference) == "dup-batch-1");
}

BOOST_AUTO_TEST_CASE(AReusedShipmentReferenceIsRefused) {
  auto& gw = gatewayUnderTest();
  auto pf = client<PreFillProxy>(kPreFillPath, "agency");
  PrefillSpec spec;
  spec.external_shipment_reference = "reused-esr";
  BOOST_REQUIRE_EQUAL(prefill(pf, gw.identity("agency"), "batch-esr-1", spec, nullptr), SOAP_OK);
  BOOST_TEST(prefill(pf, gw.identity("agency"), "batch-esr-2", spec, nullptr) != SOAP_OK);
  BOOST_TEST(altinnErrorId(pf->soap).value_or(-1) == 0);
}

BOOST_AUTO_TEST_CASE(InvalidPrefillsAreRefusedWithFaults) {
  auto& gw = gatewayUnderTest();
  const Identity agency = gw.identity("agency");
  auto pf = client<PreFillProxy>(kPreFillPath, "agency");
  struct Case {
    const char* name;
    void (*change)(PrefillSpec&);
    int error_id;
  };
  const Case cases[] = {
      {"another owner's code", [](PrefillSpec& s) { s.service_owner_code = "ETAT2"; }, 5},
      {"invalid reportee", [](PrefillSpec& s) { s.reportee = "910000307"; }, 0},
      {"malformed form data", [](PrefillSpec& s) { s.form_data = "<Skjema>"; }, 0},
      {"validity reversed", [](PrefillSpec& s) { s.valid_to = s.valid_from - 1; }, 0},
      {"unknown data format", [](PrefillSpec& s) { s.data_format_version = 99; }, 0},
      {"unknown service", [](PrefillSpec& s) { s.service_code = "9999"; }, 0},
  };
  int n = 0;
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      PrefillSpec spec;
      spec.external_shipment_reference = "bad-" + std::to_string(++n);
      c.change(spec);
      BOOST_TEST(prefill(pf, agency, "batch-bad-" + std::to_string(n), spec, nullptr) != SOAP_OK);
      BOOST_TEST(altinnErrorId(pf->soap).value_or(-1) == c.error_id);
      const auto* f = altinnFault(pf->soap);
      BOOST_TEST((f && f->ErrorGuid && !f->ErrorGuid->empty()));
    }
  }
  // Wrong password: 989; an end-user system may not prefill: 5.
  Identity wrong = agency;
  wrong.system_password = "not-the-password";
  PrefillSpec spec;
  spec.external_shipment_reference = "bad-auth";
  BOOST_TEST(prefill(pf, wrong, "batch-bad-auth", spec, nullptr) != SOAP_OK);
  BOOST_TEST(altinnErrorId(pf->soap).value_or(-1) == 989);
  auto as_enduser = client<PreFillProxy>(kPreFillPath, "enduser");
  BOOST_TEST(prefill(as_enduser, gw.identity("enduser"), "batch-bad-role", spec, nullptr) != SOAP_OK);
  BOOST_TEST(altinnErrorId(as_enduser->soap).value_or(-1) == 5);
}

BOOST_AUTO_TEST_CASE(OnlineBatchGivesASubReceiptPerTask) {
  auto& gw = gatewayUnderTest();
  const Identity agency = gw.identity("agency");
  auto pf = client<PreFillProxy>(kPreFillPath, "agency");
  struct soap* soap = pf->soap;
  _pfl__SubmitPrefilledFormTasksBasic req;
  _pfl__SubmitPrefilledFormTasksBasicResponse resp;
  req.systemUserName = text(soap, agency.system_user);
  req.systemPassword = text(soap, agency.system_password);
  req.externalBatchId = text(soap, "online-batch-1");
  req.preFillFormTasksDetails = soap_new_pf__PrefillFormTaskDetails(soap);
  req.preFillFormTasksDetails->SystemUserCode = text(soap, "ETAT_LONN");
  req.preFillFormTasksDetails->PreFillFormTasklist = soap_new_pf__PreFillFormTaskBEList(soap);
  PrefillSpec good;
  good.external_shipment_reference = "batch-item-1";
  PrefillSpec bad = good;
  bad.external_shipment_reference = "batch-item-2";
  bad.reportee = "123";
  req.preFillFormTasksDetails->PreFillFormTasklist->PrefillFormTask = {prefillTask(soap, good), prefillTask(soap, bad)};
  BOOST_REQUIRE_EQUAL(pf->SubmitPrefilledFormTasksBasic(&req, resp), SOAP_OK);
  auto* r = resp.SubmitPrefilledFormTasksBasicResult;
  BOOST_REQUIRE(r && r->SubReceipts);
  BOOST_TEST((*r->ReceiptStatusCode == r09__ReceiptStatusEnum__ValidationFailed));
  BOOST_TEST(referenceOf(r, shp__ReferenceType__BatchReference) == "online-batch-1");
  BOOST_REQUIRE_EQUAL(r->SubReceipts->ReceiptExternal.size(), 2u);
  const auto* ok = r->SubReceipts->ReceiptExternal[0];
  const auto* failed = r->SubReceipts->ReceiptExternal[1];
  BOOST_TEST((*ok->ReceiptStatusCode == r09__ReceiptStatusEnum__OK));
  BOOST_TEST(referenceOf(ok, shp__ReferenceType__ExternalShipmentReference) == "batch-item-1");
  BOOST_TEST((*failed->ReceiptStatusCode == r09__ReceiptStatusEnum__ValidationFailed));
  BOOST_TEST(failed->ReceiptText->find("Reportee") != std::string::npos);

  // Batch tasks are stored for later use, not instantiated: the end user does not see them.
  auto open = client<IntermediaryPrefillProxy>(kIntermediaryPrefillPath, "enduser");
  std::vector<iipf__PrefilledFormTask*> tasks;
  BOOST_REQUIRE_EQUAL(openTasks(open, gw.identity("enduser"), "910000306", &tasks), SOAP_OK);
  for (const auto* t : tasks) BOOST_TEST(*t->ExternalShipmentReference != "batch-item-1");

  // Another owner's SystemUserCode fails the whole request.
  req.externalBatchId = text(soap, "online-batch-2");
  req.preFillFormTasksDetails->SystemUserCode = text(soap, "ETAT2");
  BOOST_TEST(pf->SubmitPrefilledFormTasksBasic(&req, resp) != SOAP_OK);
  BOOST_TEST(altinnErrorId(soap).value_or(-1) == 5);
}

BOOST_AUTO_TEST_CASE(AnotherOwnerCannotPrefillOnOrSeeTheOwnersPrefills) {
  auto& gw = gatewayUnderTest();
  auto pf2 = client<PreFillProxy>(kPreFillPath, "agency2");
  PrefillSpec spec;  // agency's service 4711
  spec.service_owner_code = "ETAT2";
  spec.external_shipment_reference = "isolation-1";
  BOOST_TEST(prefill(pf2, gw.identity("agency2"), "batch-iso", spec, nullptr) != SOAP_OK);
  BOOST_TEST(altinnErrorId(pf2->soap).value_or(-1) == 5);

  // agency's PreFill receipt (from the round trip's batch) is not found for agency2.
  auto pf = client<PreFillProxy>(kPreFillPath, "agency");
  PrefillSpec own;
  own.external_shipment_reference = "isolation-own";
  BOOST_REQUIRE_EQUAL(prefill(pf, gw.identity("agency"), "batch-iso-own", own, nullptr), SOAP_OK);
  const Identity agency2 = gw.identity("agency2");
  auto receipts = client<ReceiptProxy>(kReceiptAgencyPath, "agency2");
  _rcpt__GetReceiptBasicV2 get;
  _rcpt__GetReceiptBasicV2Response got;
  get.systemUserName = agency2.system_user;
  get.systemPassword = agency2.system_password;
  get.receipt = soap_new_r15__ReceiptSearch(receipts->soap);
  get.receipt->References = soap_new_r15__ReferenceList(receipts->soap);
  auto* ref = soap_new_r15__Reference(receipts->soap);
  ref->ReferenceType = shp__ReferenceType__BatchReference;
  ref->ReferenceValue = text(receipts->soap, "batch-iso-own");
  get.receipt->References->Reference.push_back(ref);
  BOOST_TEST(receipts->GetReceiptBasicV2(&get, got) != SOAP_OK);
  BOOST_TEST(altinnErrorId(receipts->soap).value_or(-1) == 30008);
  // The same batch id is free for agency2 (batch ids are per owner).
  PrefillSpec theirs;
  theirs.service_owner_code = "ETAT2";
  theirs.service_code = "4712";
  theirs.data_format_id = "6001";
  theirs.data_format_version = 1;
  theirs.external_shipment_reference = "isolation-own";
  r09__ReceiptExternal* r = nullptr;
  BOOST_REQUIRE_EQUAL(prefill(pf2, agency2, "batch-iso-own", theirs, &r), SOAP_OK);
  BOOST_TEST(referenceOf(r, shp__ReferenceType__ExternalShipmentReference) == "isolation-own");
}

BOOST_AUTO_TEST_CASE(EndUserSeesOnlyReporteesGrantedToIt) {
  auto& gw = gatewayUnderTest();
  auto pf = client<PreFillProxy>(kPreFillPath, "agency");
  PrefillSpec spec;
  spec.reportee = "01019010046";  // granted to regnskap, not to regnskap2
  spec.external_shipment_reference = "person-1";
  r09__ReceiptExternal* receipt = nullptr;
  BOOST_REQUIRE_EQUAL(prefill(pf, gw.identity("agency"), "batch-person", spec, &receipt), SOAP_OK);
  const int id = std::stoi(referenceOf(receipt, shp__ReferenceType__ReceiversReference));

  auto open = client<IntermediaryPrefillProxy>(kIntermediaryPrefillPath, "enduser");
  std::vector<iipf__PrefilledFormTask*> tasks;
  BOOST_REQUIRE_EQUAL(openTasks(open, gw.identity("enduser"), "01019010046", &tasks, id), SOAP_OK);
  BOOST_TEST(tasks.size() == 1u);

  auto other = client<IntermediaryPrefillProxy>(kIntermediaryPrefillPath, "enduser2");
  BOOST_TEST(openTasks(other, gw.identity("enduser2"), "01019010046", &tasks, id) != SOAP_OK);
  BOOST_TEST(altinnErrorId(other->soap).value_or(-1) == 0);
  // A service owner system may not use the end-user operation.
  auto owner = client<IntermediaryPrefillProxy>(kIntermediaryPrefillPath, "agency");
  BOOST_TEST(openTasks(owner, gw.identity("agency"), "01019010046", &tasks, id) != SOAP_OK);
  BOOST_TEST(altinnErrorId(owner->soap).value_or(-1) == 5);
  // regnskap2 may act for 910000306 but cannot complete a task of 01019010046 through it.
  auto inbound = client<InboundProxy>(kInboundPath, "enduser2");
  SubmissionSpec sub;
  sub.reportee = "910000306";
  sub.end_user_reference = "wrong-reportee";
  sub.parent_reference = id;
  BOOST_TEST(submit(inbound, gw.identity("enduser2"), sub, nullptr) != SOAP_OK);
  const auto* f = altinnFault(inbound->soap);
  BOOST_TEST((f && f->AltinnErrorMessage && f->AltinnErrorMessage->find("no prefilled form task") != std::string::npos));
}

BOOST_AUTO_TEST_CASE(SavedTasksAreNotOpen) {
  auto& gw = gatewayUnderTest();
  auto pf = client<PreFillProxy>(kPreFillPath, "agency");
  PrefillSpec spec;
  spec.external_shipment_reference = "saved-only";
  r09__ReceiptExternal* receipt = nullptr;
  BOOST_REQUIRE_EQUAL(prefill(pf, gw.identity("agency"), "batch-saved", spec, &receipt, false), SOAP_OK);
  const int id = std::stoi(referenceOf(receipt, shp__ReferenceType__ReceiversReference));
  auto open = client<IntermediaryPrefillProxy>(kIntermediaryPrefillPath, "enduser");
  std::vector<iipf__PrefilledFormTask*> tasks;
  BOOST_REQUIRE_EQUAL(openTasks(open, gw.identity("enduser"), "910000306", &tasks, id), SOAP_OK);
  BOOST_TEST(tasks.empty());
  auto inbound = client<InboundProxy>(kInboundPath, "enduser");
  SubmissionSpec sub;
  sub.end_user_reference = "saved-task";
  sub.parent_reference = id;
  BOOST_TEST(submit(inbound, gw.identity("enduser"), sub, nullptr) != SOAP_OK);
}

BOOST_AUTO_TEST_SUITE_END()
