#define BOOST_TEST_MODULE submission_service
#include <boost/test/unit_test.hpp>

#include "core/submission_service.h"
#include "fake_database.h"

using namespace gateway;
using namespace gateway::core;
using gateway::testing::FakeDatabase;
using gateway::testing::FakeFileStore;

namespace {

struct Fixture {
  FakeDatabase db;
  FakeFileStore files;
  CoreLimits limits;
  persistence::SystemRecord system;
  Fixture() {
    system.id = 7;
    system.role = persistence::SystemRole::kEndUser;
    persistence::ServiceRecord svc;
    svc.id = 1;
    svc.owner_id = 3;
    svc.code = "4711";
    svc.edition = 1;
    svc.formats = {{"5703", 34}};
    db.services_.services.push_back(svc);
    db.systems_.reportees.insert({7, "910000306"});
  }
  SubmissionInput valid(const std::string& ref = "ref-1") const {
    SubmissionInput in;
    in.reportee = "910000306";
    in.service_code = "4711";
    in.service_edition = 1;
    FormInput f;
    f.data_format_id = "5703";
    f.data_format_version = 34;
    f.end_user_system_reference = ref;
    f.form_data = "<Skjema><Felt>1</Felt></Skjema>";
    in.forms.push_back(f);
    return in;
  }
  Result<SubmissionOutcome> submit(const SubmissionInput& in) {
    SubmissionService service(db, files, limits);
    return service.submit(system, in);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(SubmissionRules, Fixture)

BOOST_AUTO_TEST_CASE(StoresAValidSubmission) {
  auto out = submit(valid());
  BOOST_REQUIRE(out.ok());
  BOOST_TEST(!out->duplicate);
  BOOST_TEST(db.submissions_.stored.size() == 1u);
  BOOST_TEST(db.submissions_.stored[0].owner_id == 3);
}

BOOST_AUTO_TEST_CASE(ReturnsTheOriginalReceiptForADuplicateReference) {
  auto first = submit(valid("same"));
  auto second = submit(valid("same"));
  BOOST_REQUIRE(first.ok());
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(second->duplicate);
  BOOST_TEST(second->receipt.id == first->receipt.id);
  BOOST_TEST(db.submissions_.stored.size() == 1u);
}

BOOST_AUTO_TEST_CASE(RejectsUnknownServiceEdition) {
  auto in = valid();
  in.service_edition = 2;
  auto out = submit(in);
  BOOST_TEST((out.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(db.submissions_.stored.empty());
}

BOOST_AUTO_TEST_CASE(RejectsADataFormatOfAnotherService) {
  auto in = valid();
  in.forms[0].data_format_version = 35;
  auto out = submit(in);
  BOOST_TEST((out.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(out.status().message().find("5703") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RejectsAReporteeTheSystemMayNotActFor) {
  auto in = valid();
  in.reportee = "910000004";
  auto out = submit(in);
  BOOST_TEST((out.status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(out.status().altinnErrorId() == 0);
  BOOST_TEST(db.submissions_.stored.empty());
}

BOOST_AUTO_TEST_CASE(RejectsAnInvalidReporteeNumber) {
  auto in = valid();
  in.reportee = "123";
  BOOST_TEST((submit(in).status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(RejectsMalformedFormData) {
  auto in = valid();
  in.forms[0].form_data = "<Skjema>";
  BOOST_TEST((submit(in).status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(EnforcesTheFormCountLimit) {
  limits.max_forms = 1;
  auto in = valid();
  in.forms.push_back(in.forms[0]);
  BOOST_TEST((submit(in).status().code() == StatusCode::kResourceExhausted));
}

BOOST_AUTO_TEST_CASE(EnforcesTheAttachmentSizeLimit) {
  limits.max_attachment_bytes = 4;
  auto in = valid();
  AttachmentInput a;
  a.name = "vedlegg";
  a.file_name = "v.txt";
  a.data = "12345";
  in.attachments.push_back(a);
  BOOST_TEST((submit(in).status().code() == StatusCode::kResourceExhausted));
  BOOST_TEST(files.blobs.empty());
}

BOOST_AUTO_TEST_CASE(RejectsAWrongChecksum) {
  auto in = valid();
  AttachmentInput a;
  a.name = "vedlegg";
  a.file_name = "v.txt";
  a.data = "hello";
  a.checksum = "5d41402abc4b2a76b9719d911017c592";  // md5("hello")
  in.attachments.push_back(a);
  BOOST_TEST(submit(in).ok());
  in.forms[0].end_user_system_reference = "other";
  in.attachments[0].checksum = "00000000000000000000000000000000";
  BOOST_TEST((submit(in).status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(RemovesStoredAttachmentsWhenTheTransactionFails) {
  db.submissions_.fail_create = Status::Unavailable("db down");
  auto in = valid();
  AttachmentInput a;
  a.name = "vedlegg";
  a.file_name = "v.txt";
  a.data = "bytes";
  in.attachments.push_back(a);
  auto out = submit(in);
  BOOST_TEST((out.status().code() == StatusCode::kUnavailable));
  BOOST_TEST(files.blobs.empty());
}

// A prefilled form task (as PrefillService stores it) for the submission's reportee and service.
persistence::PrefillInstanceRecord openTask(persistence::Id id, persistence::PrefillState state = persistence::PrefillState::kInstantiated) {
  persistence::PrefillInstanceRecord p;
  p.id = id;
  p.owner_id = 3;
  p.service_id = 1;
  p.reportee = "910000306";
  p.state = state;
  p.valid_from = std::time(nullptr) - 3600;
  p.valid_to = std::time(nullptr) + 3600;
  return p;
}

BOOST_AUTO_TEST_CASE(LinksTheSubmissionToThePrefilledTaskNamedByParentReference) {
  db.prefills_.instances[42] = openTask(42);
  auto in = valid();
  in.forms[0].parent_reference = 42;
  BOOST_REQUIRE(submit(in).ok());
  BOOST_TEST(db.submissions_.stored.back().prefill_instance_id.value_or(0) == 42);
}

BOOST_AUTO_TEST_CASE(SubmissionsWithoutParentReferenceNameNoPrefilledTask) {
  BOOST_REQUIRE(submit(valid()).ok());
  BOOST_TEST(!db.submissions_.stored.back().prefill_instance_id.has_value());
}

BOOST_AUTO_TEST_CASE(RefusesAPrefilledTaskOfAnotherReporteeAsIfMissing) {
  auto task = openTask(42);
  task.reportee = "01019010046";
  db.prefills_.instances[42] = task;
  auto in = valid();
  in.forms[0].parent_reference = 42;
  auto out = submit(in);
  BOOST_TEST((out.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(out.status().message().find("no prefilled form task") != std::string::npos);
  in.forms[0].parent_reference = 43;  // does not exist: the same answer
  BOOST_TEST(submit(in).status().message() == out.status().message());
  BOOST_TEST(db.submissions_.stored.empty());
}

BOOST_AUTO_TEST_CASE(RefusesAPrefilledTaskOfAnotherService) {
  auto task = openTask(42);
  task.service_id = 2;
  db.prefills_.instances[42] = task;
  auto in = valid();
  in.forms[0].parent_reference = 42;
  BOOST_TEST((submit(in).status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(RefusesACompletedPrefilledTask) {
  db.prefills_.instances[42] = openTask(42, persistence::PrefillState::kCompleted);
  auto in = valid();
  in.forms[0].parent_reference = 42;
  auto out = submit(in);
  BOOST_TEST((out.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(out.status().message().find("completed already") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RefusesASavedOrExpiredPrefilledTask) {
  db.prefills_.instances[42] = openTask(42, persistence::PrefillState::kSaved);
  auto expired = openTask(43);
  expired.valid_to = std::time(nullptr) - 1;
  db.prefills_.instances[43] = expired;
  auto in = valid();
  in.forms[0].parent_reference = 42;
  BOOST_TEST(submit(in).status().message().find("not open") != std::string::npos);
  in.forms[0].parent_reference = 43;
  BOOST_TEST(submit(in).status().message().find("not open") != std::string::npos);
  BOOST_TEST(db.submissions_.stored.empty());
}

BOOST_AUTO_TEST_SUITE_END()
