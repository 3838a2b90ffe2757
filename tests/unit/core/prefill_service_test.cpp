#define BOOST_TEST_MODULE prefill_service
#include <boost/test/unit_test.hpp>

#include "core/prefill_service.h"
#include "fake_database.h"

using namespace gateway;
using namespace gateway::core;
using gateway::testing::FakeDatabase;
using gateway::testing::FakeFileStore;

namespace {

constexpr std::time_t kDay = 24 * 3600;

struct Fixture {
  FakeDatabase db;
  FakeFileStore files;
  CoreLimits limits;
  persistence::SystemRecord owner;  // ETAT's system
  persistence::SystemRecord enduser;
  Fixture() {
    owner.id = 1;
    owner.role = persistence::SystemRole::kServiceOwner;
    owner.owner_id = 3;
    owner.owner_code = "ETAT";
    enduser.id = 7;
    enduser.role = persistence::SystemRole::kEndUser;
    persistence::ServiceRecord svc;
    svc.id = 1;
    svc.owner_id = 3;
    svc.code = "4711";
    svc.edition = 1;
    svc.formats = {{"5703", 34}};
    db.services_.services.push_back(svc);
    persistence::ServiceRecord other = svc;
    other.id = 2;
    other.owner_id = 4;
    other.code = "4712";
    other.formats = {{"6001", 1}};
    db.services_.services.push_back(other);
    db.systems_.reportees.insert({7, "910000306"});
  }
  PrefillTaskInput task(const std::string& ref = "esr-1") const {
    PrefillTaskInput t;
    t.service_code = "4711";
    t.service_edition = 1;
    t.external_shipment_reference = ref;
    t.reportee = "910000306";
    t.service_owner_code = "ETAT";
    t.valid_from = std::time(nullptr) - kDay;
    t.valid_to = std::time(nullptr) + kDay;
    t.forms.push_back({std::string("5703"), 34, std::string("<Skjema><Navn>Ærlig</Navn></Skjema>"), "f-1"});
    return t;
  }
  InstantiateOptions instantiate() const {
    InstantiateOptions o;
    o.instantiate = true;
    return o;
  }
  PrefillService service() { return PrefillService(db, files, limits); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(PrefillRules, Fixture)

BOOST_AUTO_TEST_CASE(StoresAnInstantiatedTask) {
  auto out = service().submitAndInstantiate(owner, std::string("batch-1"), task(), instantiate());
  BOOST_REQUIRE(out.ok());
  BOOST_TEST(!out->duplicate);
  BOOST_REQUIRE(db.prefills_.requests.size() == 1u);
  const auto& req = db.prefills_.requests[0];
  BOOST_TEST(req.owner_id == 3);
  BOOST_TEST(!req.sub_receipts);
  BOOST_TEST((req.items[0].instance.state == persistence::PrefillState::kInstantiated));
  BOOST_TEST(req.items[0].instance.forms[0].form_data == "<Skjema><Navn>Ærlig</Navn></Skjema>");
}

BOOST_AUTO_TEST_CASE(SaveOnlyStoresTheTaskAsSaved) {
  InstantiateOptions o;
  o.save = true;
  BOOST_REQUIRE(service().submitAndInstantiate(owner, std::string("b"), task(), o).ok());
  BOOST_TEST((db.prefills_.requests[0].items[0].instance.state == persistence::PrefillState::kSaved));
}

BOOST_AUTO_TEST_CASE(RequiresSaveOrInstantiate) {
  auto out = service().submitAndInstantiate(owner, std::string("b"), task(), InstantiateOptions{});
  BOOST_TEST((out.status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(RequiresTheBatchId) {
  auto out = service().submitAndInstantiate(owner, std::nullopt, task(), instantiate());
  BOOST_TEST((out.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(db.prefills_.requests.empty());
}

BOOST_AUTO_TEST_CASE(ARepeatedBatchIdReturnsTheFirstReceipt) {
  auto first = service().submitAndInstantiate(owner, std::string("same"), task("a"), instantiate());
  auto second = service().submitAndInstantiate(owner, std::string("same"), task("b"), instantiate());
  BOOST_REQUIRE(first.ok());
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(second->duplicate);
  BOOST_TEST(second->receipt.id == first->receipt.id);
  BOOST_TEST(db.prefills_.requests.size() == 1u);
}

BOOST_AUTO_TEST_CASE(RejectsAnEndUserSystem) {
  auto out = service().submitAndInstantiate(enduser, std::string("b"), task(), instantiate());
  BOOST_TEST((out.status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(db.prefills_.requests.empty());
}

BOOST_AUTO_TEST_CASE(RejectsAnotherOwnersCode) {
  auto t = task();
  t.service_owner_code = "ETAT2";
  auto out = service().submitAndInstantiate(owner, std::string("b"), t, instantiate());
  BOOST_TEST((out.status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(out.status().altinnErrorId() == 5);
}

BOOST_AUTO_TEST_CASE(AcceptsTheOwnersCodeWithASystemSuffix) {
  auto t = task();
  t.service_owner_code = "ETAT_LONN";
  BOOST_TEST(service().submitAndInstantiate(owner, std::string("b"), t, instantiate()).ok());
  t.service_owner_code = "ETATX";
  BOOST_TEST(!service().submitAndInstantiate(owner, std::string("c"), t, instantiate()).ok());
}

BOOST_AUTO_TEST_CASE(RejectsAnotherOwnersService) {
  auto t = task();
  t.service_code = "4712";
  t.forms[0].data_format_id = "6001";
  t.forms[0].data_format_version = 1;
  auto out = service().submitAndInstantiate(owner, std::string("b"), t, instantiate());
  BOOST_TEST((out.status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(db.prefills_.requests.empty());
}

BOOST_AUTO_TEST_CASE(RejectsAnUnknownServiceEdition) {
  auto t = task();
  t.service_edition = 9;
  BOOST_TEST((service().submitAndInstantiate(owner, std::string("b"), t, instantiate()).status().code() ==
              StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(RejectsADataFormatTheServiceDoesNotAccept) {
  auto t = task();
  t.forms[0].data_format_version = 35;
  auto out = service().submitAndInstantiate(owner, std::string("b"), t, instantiate());
  BOOST_TEST(out.status().message().find("does not belong") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RejectsMalformedFormData) {
  auto t = task();
  t.forms[0].form_data = "<Skjema>";
  BOOST_TEST((service().submitAndInstantiate(owner, std::string("b"), t, instantiate()).status().code() ==
              StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(RejectsAnInvalidReportee) {
  auto t = task();
  t.reportee = "910000307";  // wrong check digit
  BOOST_TEST((service().submitAndInstantiate(owner, std::string("b"), t, instantiate()).status().code() ==
              StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(RejectsAValidityPeriodThatEndsBeforeItStarts) {
  auto t = task();
  t.valid_to = t.valid_from;
  auto out = service().submitAndInstantiate(owner, std::string("b"), t, instantiate());
  BOOST_TEST(out.status().message().find("ValidFromDate") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(StoresAttachmentBytesAndRemovesThemWhenStoringFails) {
  auto t = task();
  t.attachments.push_back({"Vedlegg", "v.pdf", "application_pdf", "a-1", "%PDF-1.4"});
  BOOST_REQUIRE(service().submitAndInstantiate(owner, std::string("b1"), t, instantiate()).ok());
  BOOST_TEST(files.blobs.size() == 1u);
  BOOST_TEST(db.prefills_.requests[0].items[0].instance.attachments[0].attachment_type == "application_pdf");
  // The same batch id again: the first receipt, and no new bytes kept.
  BOOST_REQUIRE(service().submitAndInstantiate(owner, std::string("b1"), t, instantiate()).ok());
  BOOST_TEST(files.blobs.size() == 1u);
}

BOOST_AUTO_TEST_CASE(BatchStoresValidTasksAndRejectsInvalidOnesEachWithASubReceipt) {
  auto bad = task("esr-2");
  bad.reportee = "123";
  auto out = service().submitBatch(owner, std::string("batch"), std::string("ETAT"), {task("esr-1"), bad});
  BOOST_REQUIRE(out.ok());
  const auto& req = db.prefills_.requests.at(0);
  BOOST_TEST(req.sub_receipts);
  BOOST_TEST(req.items[0].rejection.empty());
  BOOST_TEST((req.items[0].instance.state == persistence::PrefillState::kSaved));
  BOOST_TEST(req.items[1].rejection.find("Reportee") != std::string::npos);
  BOOST_TEST(req.items[1].instance.external_shipment_reference == "esr-2");
  BOOST_REQUIRE(out->receipt.sub_receipts.size() == 2u);
  BOOST_TEST((out->receipt.status == persistence::ReceiptStatus::kValidationFailed));
}

BOOST_AUTO_TEST_CASE(BatchRequiresTheOwnersSystemUserCode) {
  auto out = service().submitBatch(owner, std::string("batch"), std::string("ETAT2"), {task()});
  BOOST_TEST((out.status().code() == StatusCode::kPermissionDenied));
  out = service().submitBatch(owner, std::string("batch"), std::string("ETAT"), {});
  BOOST_TEST((out.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(db.prefills_.requests.empty());
}

BOOST_AUTO_TEST_CASE(EndUserSeesOnlyInstantiatedOpenTasksOfGrantedReportees) {
  BOOST_REQUIRE(service().submitAndInstantiate(owner, std::string("b1"), task("open"), instantiate()).ok());
  InstantiateOptions save;
  save.save = true;
  BOOST_REQUIRE(service().submitAndInstantiate(owner, std::string("b2"), task("saved"), save).ok());
  OpenTaskQuery q;
  q.reportee = "910000306";
  auto open = service().openTasks(enduser, q);
  BOOST_REQUIRE(open.ok());
  BOOST_REQUIRE(open->size() == 1u);
  BOOST_TEST(open->at(0).task.external_shipment_reference == "open");

  q.reportee = "01019010046";  // valid, but not granted to the system
  auto denied = service().openTasks(enduser, q);
  BOOST_TEST((denied.status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(denied.status().altinnErrorId() == 0);
}

BOOST_AUTO_TEST_CASE(EndUserGetsTheAttachmentBytes) {
  auto t = task();
  t.attachments.push_back({"Vedlegg", "v.txt", "text_plain", "", "innhold"});
  BOOST_REQUIRE(service().submitAndInstantiate(owner, std::string("b"), t, instantiate()).ok());
  OpenTaskQuery q;
  q.reportee = "910000306";
  auto open = service().openTasks(enduser, q);
  BOOST_REQUIRE(open.ok());
  BOOST_REQUIRE(open->size() == 1u);
  BOOST_REQUIRE(open->at(0).attachment_data.size() == 1u);
  BOOST_TEST(open->at(0).attachment_data[0] == "innhold");
}

BOOST_AUTO_TEST_SUITE_END()
