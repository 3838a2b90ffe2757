#define BOOST_TEST_MODULE correspondence_service
#include <boost/test/unit_test.hpp>

#include <ctime>

#include "core/correspondence_service.h"
#include "core/notification_service.h"
#include "fake_database.h"

using namespace gateway;
using namespace gateway::core;
using namespace gateway::core::correspondence;
using gateway::testing::FakeDatabase;
using gateway::testing::FakeFileStore;

namespace {

constexpr std::time_t kNow = 1'800'000'000;

struct Fixture {
  FakeDatabase db;
  FakeFileStore files;
  NotificationService notifications{db, NotificationLimits{5}};
  CorrespondenceService service{db, files, notifications, CorrespondenceLimits{{10, 1000, 1000}, 2, 2}};
  persistence::SystemRecord owner, other_owner, end_user;
  Fixture() {
    owner.id = 7;
    owner.owner_id = 2;
    owner.owner_code = "ETAT";
    owner.role = persistence::SystemRole::kServiceOwner;
    other_owner = owner;
    other_owner.id = 8;
    other_owner.owner_id = 3;
    other_owner.owner_code = "ETAT2";
    end_user.id = 20;
    end_user.role = persistence::SystemRole::kEndUser;
    db.services_.services = {{1, 2, "ETAT", "4711", 1, "Melding", "Correspondence", {}},
                             {2, 3, "ETAT2", "4712", 1, "Annen", "Correspondence", {}}};
    db.systems_.reportees.insert({20, "910000306"});
    db.notifications_.templates = {{"NyMelding", 1044, "Ny melding: {0}", "Du har fått {0}.", "Ny melding {0}"}};
    db.contacts_.rows["910000306"] = {"910000306", "post@firma.example.no", "", false, 1044};
  }
  CorrespondenceInput input(const std::string& ref = "ref-1") {
    CorrespondenceInput in;
    in.system_user_code = "ETAT";
    in.external_shipment_reference = ref;
    in.service_code = "4711";
    in.service_edition = "1";
    in.reportee = "910000306";
    in.title = "Vedtak";
    in.body = "Innhold";
    return in;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(CorrespondenceServiceTests, Fixture)

BOOST_AUTO_TEST_CASE(InsertStoresAttachmentsAndNotificationsTogether) {
  CorrespondenceInput in = input();
  in.attachments.push_back({"Vedlegg", "v.pdf", "", "Unspecified", "Default", false, "%PDF"});
  NotificationRequest n;
  n.notification_type = "NyMelding";
  n.endpoints = {{notification::TransportType::kEmail, ""}};
  n.tokens = {{0, "vedtak"}};
  in.notifications = {n};
  auto receipt = service.insert(owner, in, kNow);
  BOOST_REQUIRE(receipt.ok());
  BOOST_TEST(receipt->type == "Correspondence");
  BOOST_REQUIRE(db.correspondences_.rows.size() == 1u);
  BOOST_TEST(db.correspondences_.rows[0].attachments.size() == 1u);
  BOOST_TEST(files.blobs.size() == 1u);
  BOOST_REQUIRE(db.correspondences_.outbox[0].size() == 1u);
  BOOST_TEST(db.correspondences_.outbox[0][0].recipient == "post@firma.example.no");
  BOOST_TEST(db.correspondences_.outbox[0][0].subject == "Ny melding: vedtak");
  BOOST_TEST(db.notifications_.outbox.empty());  // not through a separate enqueue: same transaction as the message
}

BOOST_AUTO_TEST_CASE(ReusedExternalShipmentReferenceIs30201AndLeavesNoBlobs) {
  BOOST_REQUIRE(service.insert(owner, input(), kNow).ok());
  CorrespondenceInput again = input();
  again.attachments.push_back({"Vedlegg", "v.pdf", "", "Unspecified", "Default", false, "%PDF"});
  auto second = service.insert(owner, again, kNow);
  BOOST_REQUIRE(!second.ok());
  BOOST_TEST(second.status().altinnErrorId() == error_id::kDuplicateReference);
  BOOST_TEST(files.blobs.empty());
}

BOOST_AUTO_TEST_CASE(AnotherOwnersServiceOrSystemUserCodeIsErrorId5) {
  CorrespondenceInput foreign = input();
  foreign.service_code = "4712";
  auto r = service.insert(owner, foreign, kNow);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().altinnErrorId() == 5);
  CorrespondenceInput code = input();
  code.system_user_code = "ETAT2";
  r = service.insert(owner, code, kNow);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().altinnErrorId() == 5);
}

BOOST_AUTO_TEST_CASE(UnknownServiceIs30203) {
  CorrespondenceInput in = input();
  in.service_code = "9999";
  auto r = service.insert(owner, in, kNow);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().altinnErrorId() == error_id::kUnknownService);
}

BOOST_AUTO_TEST_CASE(BrokenNotificationStoresNothing) {
  CorrespondenceInput in = input();
  NotificationRequest n;
  n.notification_type = "Finnes ikke";
  n.endpoints = {{notification::TransportType::kEmail, ""}};
  in.notifications = {n};
  BOOST_TEST(!service.insert(owner, in, kNow).ok());
  BOOST_TEST(db.correspondences_.creates == 0);
}

BOOST_AUTO_TEST_CASE(StatusDetailsAreOwnerScopedAndLimited) {
  for (const char* ref : {"a", "b", "c"}) BOOST_REQUIRE(service.insert(owner, input(ref), kNow).ok());
  CorrespondenceStatusFilter filter;
  filter.service_code = "4711";
  filter.service_edition = 1;
  auto page = service.statusDetails(owner, filter);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(page->items.size() == 2u);
  BOOST_TEST(page->limit_reached);
  auto foreign = service.statusDetails(other_owner, filter);
  BOOST_REQUIRE(!foreign.ok());
  BOOST_TEST(foreign.status().altinnErrorId() == 5);
  CorrespondenceStatusFilter no_code;
  auto missing = service.statusDetails(owner, no_code);
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.status().altinnErrorId() == error_id::kMissingValue);
}

BOOST_AUTO_TEST_CASE(EndUserSeesNothingBeforeVisibleDateTime) {
  CorrespondenceInput in = input();
  in.visible = kNow + 600;
  BOOST_REQUIRE(service.insert(owner, in, kNow).ok());
  auto early = service.inbox(end_user, "910000306", {}, kNow);
  BOOST_REQUIRE(early.ok());
  BOOST_TEST(early->items.empty());
  auto fetch = service.fetch(end_user, "910000306", 1, kNow);
  BOOST_REQUIRE(!fetch.ok());
  BOOST_TEST(fetch.status().altinnErrorId() == error_id::kNotFound);
  auto later = service.inbox(end_user, "910000306", {}, kNow + 600);
  BOOST_REQUIRE(later.ok());
  BOOST_TEST(later->items.size() == 1u);
}

BOOST_AUTO_TEST_CASE(FetchRecordsReadOnceAndConfirmRecordsConfirmed) {
  BOOST_REQUIRE(service.insert(owner, input(), kNow).ok());
  auto first = service.fetch(end_user, "910000306", 1, kNow + 10);
  BOOST_REQUIRE(first.ok());
  BOOST_TEST(*first->record.read_at == kNow + 10);
  auto second = service.fetch(end_user, "910000306", 1, kNow + 20);
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(*second->record.read_at == kNow + 10);
  auto confirmed = service.confirm(end_user, "910000306", 1, kNow + 30);
  BOOST_REQUIRE(confirmed.ok());
  BOOST_TEST(*confirmed->confirmed_at == kNow + 30);
  BOOST_TEST((confirmed->status() == persistence::CorrespondenceStatus::kConfirmed));
}

BOOST_AUTO_TEST_CASE(UngrantedReporteeIsRefusedWithErrorId0) {
  auto page = service.inbox(end_user, "910000403", {}, kNow);
  BOOST_REQUIRE(!page.ok());
  BOOST_TEST((page.status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(page.status().altinnErrorId() == 0);
}

BOOST_AUTO_TEST_CASE(PortalOnlyAttachmentsAreLeftOut) {
  CorrespondenceInput in = input();
  in.attachments.push_back({"Portal", "p.pdf", "", "Unspecified", "PortalOnly", false, "P"});
  in.attachments.push_back({"System", "s.pdf", "", "Invoice", "Default", false, "S"});
  BOOST_REQUIRE(service.insert(owner, in, kNow).ok());
  auto fetched = service.fetch(end_user, "910000306", 1, kNow);
  BOOST_REQUIRE(fetched.ok());
  BOOST_REQUIRE(fetched->record.attachments.size() == 1u);
  BOOST_TEST(fetched->record.attachments[0].name == "System");
  BOOST_TEST(fetched->attachment_data.at(0) == "S");
}

BOOST_AUTO_TEST_CASE(DeleteWaitsForAllowSystemDeleteDateTime) {
  CorrespondenceInput in = input();
  in.allow_system_delete = kNow + 100;
  BOOST_REQUIRE(service.insert(owner, in, kNow).ok());
  Status early = service.remove(end_user, "910000306", 1, kNow + 50);
  BOOST_TEST(early.altinnErrorId() == error_id::kDeleteNotAllowed);
  BOOST_TEST(service.remove(end_user, "910000306", 1, kNow + 100).ok());
  auto page = service.inbox(end_user, "910000306", {}, kNow + 200);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(page->items.empty());
}

BOOST_AUTO_TEST_CASE(ServiceLookupsAreCachedButAnotherOwnersServiceStaysRefused) {
  BOOST_REQUIRE(service.insert(owner, input("c-1"), kNow).ok());
  BOOST_REQUIRE(service.insert(owner, input("c-2"), kNow).ok());
  BOOST_TEST(db.services_.finds == 1);
  // The cached service is still checked against the caller's owner on every request.
  CorrespondenceInput in = input("c-3");
  in.system_user_code = "ETAT2";
  auto refused = service.insert(other_owner, in, kNow);
  BOOST_TEST((refused.status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(db.services_.finds == 1);
}

BOOST_AUTO_TEST_CASE(InsertStoresReplyOptionsOnBehalfOfAndNoMailboxLetter) {
  persistence::ArchivedSubmission archived;
  archived.archive_reference = "AR77";
  db.submissions_.archived[{2, "AR77"}] = archived;
  CorrespondenceInput in = input();
  ReplyOptionInput service_link, archive_link, url_link;
  service_link.service = ReplyOptionInput::ServiceLink{std::string("4712"), std::string("1")};  // any owner's service
  archive_link.archive = ReplyOptionInput::ArchiveLink{std::string("AR77")};
  url_link.url = ReplyOptionInput::UrlLink{std::nullopt, std::string("https://svar.example.no/")};
  in.reply_options = {service_link, archive_link, url_link};
  in.on_behalf_of_org_nr = "910000306";
  in.attachments.push_back({"Brev", "brev.pdf", "", "Unspecified", "Default", false, "%PDF"});
  SdpOptionsInput sdp;
  sdp.primary_document_file_name = "brev.pdf";
  sdp.setting = "ForwardOnly";  // BackupAltinn absent = true: kept in the inbox
  sdp.sms = SdpNotificationInput{std::string("+4799999999"), std::string("Du har post"), {3}};
  in.sdp = sdp;
  auto receipt = service.insert(owner, in, kNow);
  BOOST_REQUIRE(receipt.ok());
  BOOST_TEST(receipt->text.find("NoMailBox") != std::string::npos);
  BOOST_REQUIRE(db.correspondences_.rows.size() == 1u);
  const auto& row = db.correspondences_.rows[0];
  BOOST_TEST(row.on_behalf_of_org_nr == "910000306");
  BOOST_REQUIRE(row.reply_options.size() == 3u);
  BOOST_TEST((row.reply_options[0].kind == persistence::CorrespondenceReplyOptionRecord::Kind::kService));
  BOOST_TEST(row.reply_options[0].service_code == "4712");
  BOOST_TEST(*row.reply_options[0].service_edition == 1);
  BOOST_TEST(row.reply_options[1].archive_reference == "AR77");
  BOOST_TEST(row.reply_options[2].link_url == "https://svar.example.no/");
  BOOST_REQUIRE(row.sdp.has_value());
  BOOST_TEST((row.sdp->status == persistence::SdpStatus::kNoMailBox));
  BOOST_TEST(row.sdp->status_at == kNow);
  BOOST_TEST(row.sdp->setting == "ForwardOnly");
  BOOST_REQUIRE(row.sdp->sms.has_value());
  BOOST_TEST(row.sdp->sms->repetitions.at(0) == 3u);
  BOOST_TEST(!row.sdp->email.has_value());
  auto fetched = service.fetch(end_user, "910000306", 1, kNow);  // kept in the inbox
  BOOST_REQUIRE(fetched.ok());
  BOOST_TEST(fetched->record.reply_options.size() == 3u);
}

BOOST_AUTO_TEST_CASE(ReplyOptionUnknownServiceIs30203AndForeignArchiveReferenceIs30209) {
  CorrespondenceInput in = input();
  ReplyOptionInput service_link;
  service_link.service = ReplyOptionInput::ServiceLink{std::string("9999"), std::string("1")};
  in.reply_options = {service_link};
  auto r = service.insert(owner, in, kNow);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().altinnErrorId() == error_id::kUnknownService);

  db.submissions_.archived[{3, "AR88"}] = persistence::ArchivedSubmission{};  // the other owner's
  ReplyOptionInput archive_link;
  archive_link.archive = ReplyOptionInput::ArchiveLink{std::string("AR88")};
  in.reply_options = {archive_link};
  r = service.insert(owner, in, kNow);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().altinnErrorId() == error_id::kUnknownArchiveReference);
  BOOST_TEST(db.correspondences_.creates == 0);
}

BOOST_AUTO_TEST_CASE(ForwardOnlyWithoutBackupAltinnIs30212WhenNoMailbox) {
  CorrespondenceInput in = input();
  in.attachments.push_back({"Brev", "brev.pdf", "", "Unspecified", "Default", false, "%PDF"});
  SdpOptionsInput sdp;
  sdp.primary_document_file_name = "brev.pdf";
  sdp.setting = "ForwardOnly";
  sdp.backup_altinn = false;
  in.sdp = sdp;
  auto r = service.insert(owner, in, kNow);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().altinnErrorId() == error_id::kNoDigitalMailbox);
  BOOST_TEST(db.correspondences_.creates == 0);
  BOOST_TEST(files.blobs.empty());
  in.sdp->setting = "CopyAltinn";  // CopyAltinn never fails for want of a mailbox
  BOOST_TEST(service.insert(owner, in, kNow).ok());
}

namespace {
struct DeliveringForwarder : SdpForwarder {
  std::vector<std::string> routed;
  Result<persistence::SdpStatus> route(const std::string& reportee, const persistence::SdpRecord&) override {
    routed.push_back(reportee);
    return persistence::SdpStatus::kSentMeldingsformidler;
  }
};
}  // namespace

BOOST_AUTO_TEST_CASE(AnotherForwarderDecidesTheLetterStatus) {
  DeliveringForwarder forwarder;
  CorrespondenceService with_provider{db, files, notifications, CorrespondenceLimits{{10, 1000, 1000}, 2, 2},
                                      &forwarder};
  CorrespondenceInput in = input();
  in.attachments.push_back({"Brev", "brev.pdf", "", "Unspecified", "Default", false, "%PDF"});
  SdpOptionsInput sdp;
  sdp.primary_document_file_name = "brev.pdf";
  sdp.backup_altinn = false;
  in.sdp = sdp;
  BOOST_REQUIRE(with_provider.insert(owner, in, kNow).ok());
  BOOST_TEST(forwarder.routed.size() == 1u);
  BOOST_TEST((db.correspondences_.rows.at(0).sdp->status == persistence::SdpStatus::kSentMeldingsformidler));
}

BOOST_AUTO_TEST_CASE(StatusDetailsCanAskForDigitalLettersOnly) {
  BOOST_REQUIRE(service.insert(owner, input("plain"), kNow).ok());
  CorrespondenceInput in = input("letter");
  in.attachments.push_back({"Brev", "brev.pdf", "", "Unspecified", "Default", false, "%PDF"});
  SdpOptionsInput sdp;
  sdp.primary_document_file_name = "brev.pdf";
  in.sdp = sdp;
  BOOST_REQUIRE(service.insert(owner, in, kNow).ok());
  CorrespondenceStatusFilter filter;
  filter.service_code = "4711";
  filter.service_edition = 1;
  filter.only_digital_letters = true;
  auto page = service.statusDetails(owner, filter);
  BOOST_REQUIRE(page.ok());
  BOOST_REQUIRE(page->items.size() == 1u);
  BOOST_TEST(page->items[0].correspondence.external_shipment_reference == "letter");
}

BOOST_AUTO_TEST_SUITE_END()
