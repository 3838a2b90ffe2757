#define BOOST_TEST_MODULE e2e_submission_flow
#include <boost/test/unit_test.hpp>

#include "submissions.h"

using namespace gateway::testing;

namespace {

std::string queueReferences(Client<QueueProxy>& q, const Identity& owner) {
  _dq__GetDownloadQueueItems req;
  _dq__GetDownloadQueueItemsResponse resp;
  req.systemUserName = const_cast<std::string*>(&owner.system_user);
  req.systemPassword = const_cast<std::string*>(&owner.system_password);
  BOOST_REQUIRE_EQUAL(q->GetDownloadQueueItems(&req, resp), SOAP_OK);
  std::string refs;
  if (resp.GetDownloadQueueItemsResult) {
    for (const auto* item : resp.GetDownloadQueueItemsResult->DownloadQueueItemBE) refs += *item->ArchiveReference + ",";
  }
  return refs;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SubmissionFlow)

BOOST_AUTO_TEST_CASE(TestOperationAnswersOnEveryService) {
  _altinn__Test req;
  _altinn__TestResponse resp;
  auto inbound = client<InboundProxy>(kInboundPath, "enduser");
  BOOST_TEST(inbound->Test(&req, resp) == SOAP_OK);
  auto queue = client<QueueProxy>(kQueuePath, "agency");
  BOOST_TEST(queue->Test(&req, resp) == SOAP_OK);
  auto archive = client<ArchiveProxy>(kArchivePath, "agency");
  BOOST_TEST(archive->Test(&req, resp) == SOAP_OK);
  auto receipts = client<ReceiptProxy>(kReceiptAgencyPath, "agency");
  BOOST_TEST(receipts->Test(&req, resp) == SOAP_OK);
}

BOOST_AUTO_TEST_CASE(EndUserSubmitsAndServiceOwnerCollects) {
  auto& gw = gatewayUnderTest();
  const Identity enduser = gw.identity("enduser");
  const Identity agency = gw.identity("agency");

  auto inbound = client<InboundProxy>(kInboundPath, "enduser");
  SubmissionSpec spec;
  spec.end_user_reference = "flow-1";
  spec.attachment = "vedleggsdata æøå";
  iib__ReceiptExternalBE* receipt = nullptr;
  BOOST_REQUIRE_EQUAL(submit(inbound, enduser, spec, &receipt), SOAP_OK);
  BOOST_REQUIRE(receipt);
  BOOST_TEST((*receipt->ReceiptStatusCode == iib__ReceiptStatusExternal__OK));
  const std::string ar = archiveReferenceOf(receipt);
  BOOST_REQUIRE(!ar.empty());
  const int receipt_id = *receipt->ReceiptId;

  // The owner's queue lists it.
  auto queue = client<QueueProxy>(kQueuePath, "agency");
  BOOST_TEST(queueReferences(queue, agency).find(ar + ",") != std::string::npos);

  // The owner fetches the archived form task, with the form data and attachment intact.
  _dq__GetArchivedFormTaskBasicDQ get;
  _dq__GetArchivedFormTaskBasicDQResponse got;
  get.systemUserName = const_cast<std::string*>(&agency.system_user);
  get.systemPassword = const_cast<std::string*>(&agency.system_password);
  std::string ar_copy = ar;
  get.archiveReference = &ar_copy;
  BOOST_REQUIRE_EQUAL(queue->GetArchivedFormTaskBasicDQ(&get, got), SOAP_OK);
  auto* task = got.GetArchivedFormTaskBasicDQResult;
  BOOST_REQUIRE(task);
  BOOST_TEST(*task->Reportee == "910000306");
  BOOST_TEST(*task->ServiceCode == "4711");
  BOOST_REQUIRE(task->Forms && task->Forms->ArchivedFormDQBE.size() == 1u);
  BOOST_TEST(*task->Forms->ArchivedFormDQBE[0]->FormData == spec.form_data);
  BOOST_REQUIRE(task->Attachments && task->Attachments->ArchivedAttachmentDQBE.size() == 1u);
  const auto* data = task->Attachments->ArchivedAttachmentDQBE[0]->AttachmentData;
  BOOST_TEST(std::string(reinterpret_cast<const char*>(data->__ptr), data->__size) == spec.attachment);

  // The same through the archive service, by reportee element id (the number after "AR").
  auto archive = client<ArchiveProxy>(kArchivePath, "agency");
  _soa__GetArchivedFormTaskBasicV2 byId;
  _soa__GetArchivedFormTaskBasicV2Response byIdResp;
  byId.systemUserName = get.systemUserName;
  byId.systemPassword = get.systemPassword;
  int element_id = std::stoi(ar.substr(2));
  byId.reporteeElementID = &element_id;
  BOOST_REQUIRE_EQUAL(archive->GetArchivedFormTaskBasicV2(&byId, byIdResp), SOAP_OK);
  BOOST_TEST(*byIdResp.GetArchivedFormTaskBasicV2Result->ServiceOwner == "ETAT");
  BOOST_TEST(*byIdResp.GetArchivedFormTaskBasicV2Result->ArchivedFormList->ArchivedFormBE[0]->FormDataXML ==
             spec.form_data);

  // Shipment status shows it was sent to the owner.
  _soa__GetArchiveShipmentStatusExternalBasicV2 status;
  _soa__GetArchiveShipmentStatusExternalBasicV2Response statusResp;
  status.systemUserName = get.systemUserName;
  status.systemPassword = get.systemPassword;
  status.searchArchiveShipmentStatus = soap_new_shst__SearchArchiveShipmentStatusBE(archive->soap);
  status.searchArchiveShipmentStatus->ArchiveReference = &ar_copy;
  BOOST_REQUIRE_EQUAL(archive->GetArchiveShipmentStatusExternalBasicV2(&status, statusResp), SOAP_OK);
  auto* list = statusResp.GetArchiveShipmentStatusExternalBasicV2Result->ArchiveShipmentStatusList;
  BOOST_REQUIRE(list && list->ArchiveShipmentStatusExternalV2.size() == 1u);
  const auto& log = list->ArchiveShipmentStatusExternalV2[0]->ShipmentStatusLog->ShipmentStatusLogEntry;
  BOOST_REQUIRE(!log.empty());
  BOOST_TEST((*log.back()->ShipmentStatus == arch13__ShipmentStatusExternal__Sent));

  // The owner reads and updates the receipt; the end user sees the update and the history.
  auto agencyReceipts = client<ReceiptProxy>(kReceiptAgencyPath, "agency");
  _rcpt__UpdateReceiptBasic update;
  _rcpt__UpdateReceiptBasicResponse updated;
  update.systemUserName = agency.system_user;
  update.systemPassword = agency.system_password;
  update.receipt = soap_new_r15__ReceiptSave(agencyReceipts->soap);
  update.receipt->ArchiveReference = &ar_copy;
  update.receipt->ReceiptStatus = r09__ReceiptStatusEnum__OK;
  std::string text = "Behandlet av etaten";
  update.receipt->ReceiptText = &text;
  BOOST_REQUIRE_EQUAL(agencyReceipts->UpdateReceiptBasic(&update, updated), SOAP_OK);
  BOOST_TEST(*updated.UpdateReceiptBasicResult->ReceiptText == text);

  auto userReceipts = client<ReceiptProxy>(kReceiptExternalPath, "enduser");
  _rcpt__GetReceiptBasicV2 read;
  _rcpt__GetReceiptBasicV2Response readResp;
  read.systemUserName = enduser.system_user;
  read.systemPassword = enduser.system_password;
  read.receipt = soap_new_r15__ReceiptSearch(userReceipts->soap);
  int id = receipt_id;
  read.receipt->ReceiptId = &id;
  BOOST_REQUIRE_EQUAL(userReceipts->GetReceiptBasicV2(&read, readResp), SOAP_OK);
  BOOST_TEST(*readResp.GetReceiptBasicV2Result->ReceiptText == text);
  BOOST_TEST(readResp.GetReceiptBasicV2Result->ReceiptHistory->find("Form task received") != std::string::npos);

  // The end user lists its receipts of type FormTask.
  _rcpt__GetReceiptListBasicV2 listReq;
  _rcpt__GetReceiptListBasicV2Response listResp;
  listReq.systemUserName = enduser.system_user;
  listReq.systemPassword = enduser.system_password;
  listReq.receiptTypeName = r15__ReceiptType__FormTask;
  BOOST_REQUIRE_EQUAL(userReceipts->GetReceiptListBasicV2(&listReq, listResp), SOAP_OK);
  BOOST_TEST(listResp.GetReceiptListBasicV2Result->Receipt.size() >= 1u);

  // Purge: it leaves the queue; a second purge is a fault.
  _dq__PurgeItem purge;
  _dq__PurgeItemResponse purged;
  purge.systemUserName = get.systemUserName;
  purge.systemPassword = get.systemPassword;
  purge.archiveReference = &ar_copy;
  BOOST_REQUIRE_EQUAL(queue->PurgeItem(&purge, purged), SOAP_OK);
  BOOST_TEST(queueReferences(queue, agency).find(ar + ",") == std::string::npos);
  BOOST_TEST(queue->PurgeItem(&purge, purged) != SOAP_OK);
  BOOST_TEST(altinnFault(queue->soap) != nullptr);
}

BOOST_AUTO_TEST_CASE(DuplicateEndUserReferenceReturnsTheOriginalReceipt) {
  auto& gw = gatewayUnderTest();
  auto inbound = client<InboundProxy>(kInboundPath, "enduser");
  SubmissionSpec spec;
  spec.end_user_reference = "dup-1";
  iib__ReceiptExternalBE* first = nullptr;
  iib__ReceiptExternalBE* second = nullptr;
  BOOST_REQUIRE_EQUAL(submit(inbound, gw.identity("enduser"), spec, &first), SOAP_OK);
  const int first_id = *first->ReceiptId;
  const std::string count_before = gw.sql("SELECT COUNT(*) FROM submission");
  BOOST_REQUIRE_EQUAL(submit(inbound, gw.identity("enduser"), spec, &second), SOAP_OK);
  BOOST_TEST(*second->ReceiptId == first_id);
  BOOST_TEST(gw.sql("SELECT COUNT(*) FROM submission") == count_before);
}

BOOST_AUTO_TEST_CASE(UnknownDataFormatIsAFaultAndStoresNothing) {
  auto& gw = gatewayUnderTest();
  auto inbound = client<InboundProxy>(kInboundPath, "enduser");
  SubmissionSpec spec;
  spec.end_user_reference = "bad-format";
  spec.data_format_version = 99;
  const std::string before = gw.sql("SELECT COUNT(*) FROM submission");
  BOOST_TEST(submit(inbound, gw.identity("enduser"), spec, nullptr) != SOAP_OK);
  BOOST_TEST(altinnFault(inbound->soap) != nullptr);
  BOOST_TEST(!altinnFault(inbound->soap)->ErrorGuid->empty());
  BOOST_TEST(gw.sql("SELECT COUNT(*) FROM submission") == before);
}

BOOST_AUTO_TEST_SUITE_END()
