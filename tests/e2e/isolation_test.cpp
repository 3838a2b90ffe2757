#define BOOST_TEST_MODULE e2e_isolation
#include <boost/test/unit_test.hpp>

#include "submissions.h"

using namespace gateway::testing;

namespace {

// One submission by enduser to agency's service, shared by the cases below.
struct Submitted {
  std::string archive_reference;
  int receipt_id = 0;
  Submitted() {
    auto& gw = gatewayUnderTest();
    auto inbound = client<InboundProxy>(kInboundPath, "enduser");
    SubmissionSpec spec;
    spec.end_user_reference = "isolation-1";
    iib__ReceiptExternalBE* receipt = nullptr;
    if (submit(inbound, gw.identity("enduser"), spec, &receipt) != SOAP_OK) throw std::runtime_error("submit failed");
    archive_reference = archiveReferenceOf(receipt);
    receipt_id = *receipt->ReceiptId;
  }
};

const Submitted& submitted() {
  static Submitted s;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(Isolation)

BOOST_AUTO_TEST_CASE(AnotherOwnerDoesNotSeeItInItsQueue) {
  auto& gw = gatewayUnderTest();
  const auto& s = submitted();
  Identity agency2 = gw.identity("agency2");
  auto queue = client<QueueProxy>(kQueuePath, "agency2");
  _dq__GetDownloadQueueItems req;
  _dq__GetDownloadQueueItemsResponse resp;
  req.systemUserName = &agency2.system_user;
  req.systemPassword = &agency2.system_password;
  BOOST_REQUIRE_EQUAL(queue->GetDownloadQueueItems(&req, resp), SOAP_OK);
  if (resp.GetDownloadQueueItemsResult) {
    for (const auto* item : resp.GetDownloadQueueItemsResult->DownloadQueueItemBE) {
      BOOST_TEST(*item->ArchiveReference != s.archive_reference);
    }
  }
}

BOOST_AUTO_TEST_CASE(AnotherOwnerCannotFetchOrPurgeIt) {
  auto& gw = gatewayUnderTest();
  std::string ar = submitted().archive_reference;
  Identity agency2 = gw.identity("agency2");
  auto queue = client<QueueProxy>(kQueuePath, "agency2");
  _dq__GetArchivedFormTaskBasicDQ get;
  _dq__GetArchivedFormTaskBasicDQResponse got;
  get.systemUserName = &agency2.system_user;
  get.systemPassword = &agency2.system_password;
  get.archiveReference = &ar;
  BOOST_TEST(queue->GetArchivedFormTaskBasicDQ(&get, got) != SOAP_OK);
  BOOST_REQUIRE(altinnFault(queue->soap));
  BOOST_TEST(altinnFault(queue->soap)->AltinnErrorMessage->find("910000306") == std::string::npos);

  _dq__PurgeItem purge;
  _dq__PurgeItemResponse purged;
  purge.systemUserName = &agency2.system_user;
  purge.systemPassword = &agency2.system_password;
  purge.archiveReference = &ar;
  BOOST_TEST(queue->PurgeItem(&purge, purged) != SOAP_OK);

  auto archive = client<ArchiveProxy>(kArchivePath, "agency2");
  _soa__GetArchivedFormTaskBasicV2 byId;
  _soa__GetArchivedFormTaskBasicV2Response byIdResp;
  byId.systemUserName = &agency2.system_user;
  byId.systemPassword = &agency2.system_password;
  int id = std::stoi(ar.substr(2));
  byId.reporteeElementID = &id;
  BOOST_TEST(archive->GetArchivedFormTaskBasicV2(&byId, byIdResp) != SOAP_OK);

  // Still in the owner's queue: the purge attempt changed nothing.
  BOOST_TEST(gw.sql("SELECT COUNT(*) FROM download_queue WHERE submission_id = " + std::to_string(id) +
                    " AND purged_at IS NULL") == "1\n");
}

BOOST_AUTO_TEST_CASE(AnotherOwnerCannotReadOrUpdateItsReceipt) {
  auto& gw = gatewayUnderTest();
  Identity agency2 = gw.identity("agency2");
  auto receipts = client<ReceiptProxy>(kReceiptAgencyPath, "agency2");
  _rcpt__GetReceiptBasicV2 read;
  _rcpt__GetReceiptBasicV2Response readResp;
  read.systemUserName = agency2.system_user;
  read.systemPassword = agency2.system_password;
  read.receipt = soap_new_r15__ReceiptSearch(receipts->soap);
  int id = submitted().receipt_id;
  read.receipt->ReceiptId = &id;
  BOOST_TEST(receipts->GetReceiptBasicV2(&read, readResp) != SOAP_OK);
  BOOST_TEST(altinnErrorId(receipts->soap).value_or(-1) == 30008);

  _rcpt__UpdateReceiptBasic update;
  _rcpt__UpdateReceiptBasicResponse updated;
  update.systemUserName = agency2.system_user;
  update.systemPassword = agency2.system_password;
  update.receipt = soap_new_r15__ReceiptSave(receipts->soap);
  update.receipt->ReceiptId = &id;
  std::string text = "kapret";
  update.receipt->ReceiptText = &text;
  BOOST_TEST(receipts->UpdateReceiptBasic(&update, updated) != SOAP_OK);
  BOOST_TEST(gw.sql("SELECT COUNT(*) FROM receipt WHERE text = 'kapret'") == "0\n");
}

BOOST_AUTO_TEST_CASE(AnotherEndUserSystemCannotReadTheReceipt) {
  auto& gw = gatewayUnderTest();
  Identity other = gw.identity("enduser2");
  auto receipts = client<ReceiptProxy>(kReceiptExternalPath, "enduser2");
  _rcpt__GetReceiptBasicV2 read;
  _rcpt__GetReceiptBasicV2Response readResp;
  read.systemUserName = other.system_user;
  read.systemPassword = other.system_password;
  read.receipt = soap_new_r15__ReceiptSearch(receipts->soap);
  int id = submitted().receipt_id;
  read.receipt->ReceiptId = &id;
  BOOST_TEST(receipts->GetReceiptBasicV2(&read, readResp) != SOAP_OK);
  BOOST_TEST(altinnErrorId(receipts->soap).value_or(-1) == 30008);
}

BOOST_AUTO_TEST_CASE(EndUserCannotSubmitForAReporteeItMayNotActFor) {
  auto& gw = gatewayUnderTest();
  auto inbound = client<InboundProxy>(kInboundPath, "enduser2");
  SubmissionSpec spec;
  spec.reportee = "01019010046";  // granted to regnskap, not to regnskap2
  spec.end_user_reference = "not-mine";
  BOOST_TEST(submit(inbound, gw.identity("enduser2"), spec, nullptr) != SOAP_OK);
  BOOST_TEST(altinnFault(inbound->soap) != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
