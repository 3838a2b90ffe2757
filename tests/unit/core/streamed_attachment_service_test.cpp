#define BOOST_TEST_MODULE streamed_attachment_service
#include <boost/test/unit_test.hpp>

#include "core/streamed_attachment_service.h"
#include "fake_database.h"

using namespace gateway;
using namespace gateway::core;
using gateway::testing::FakeDatabase;
using gateway::testing::FakeFileStore;

namespace {

constexpr persistence::Id kSystem = 5;
constexpr persistence::Id kOwner = 9;
constexpr int kElement = 42;
// SHA-256 and MD5 of "hello world".
const char* const kHelloSha256 = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
const char* const kHelloMd5 = "5eb63bbbe01eeed093cb22bb8f5acdc3";

struct Fixture {
  FakeDatabase db;
  FakeFileStore files;
  CoreLimits limits;
  persistence::SystemRecord enduser;
  persistence::SystemRecord owner;
  StreamedAttachmentHeaders headers;
  Fixture() {
    enduser.id = kSystem;
    enduser.role = persistence::SystemRole::kEndUser;
    owner.id = 1;
    owner.role = persistence::SystemRole::kServiceOwner;
    owner.owner_id = kOwner;
    db.systems_.reportees.insert({kSystem, "910000306"});
    db.submissions_.submitted_by[{kSystem, kElement}] = {kElement, "910000306", 0};
    db.submissions_.submission_owner[kElement] = kOwner;
    headers.reportee_element_id = kElement;
    headers.name = "vedlegg";
    headers.file_name = "vedlegg.bin";
    limits.max_streamed_attachment_bytes = 16;
  }
  Result<UploadedAttachment> upload(const std::string& bytes) {
    StreamedAttachmentService service(db, files, limits);
    auto begun = service.beginUpload(enduser, headers);
    if (!begun.ok()) return begun.status();
    Status s = begun.value()->write(bytes.data(), bytes.size());
    if (!s.ok()) return s;
    return service.finishUpload(*begun.value());
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(StreamedAttachmentRules, Fixture)

BOOST_AUTO_TEST_CASE(StoresTheBytesAndARowOnTheSubmittersFormTask) {
  auto stored = upload("hello world");
  BOOST_TEST_REQUIRE(stored.ok(), stored.status().message());
  BOOST_TEST(stored->archive_reference == "AR42");
  BOOST_TEST(stored->size == 11);
  BOOST_TEST(files.blobs.size() == 1u);
  BOOST_TEST_REQUIRE(db.submissions_.attachments.count(stored->attachment_id) == 1u);
  const auto& row = db.submissions_.attachments[stored->attachment_id];
  BOOST_TEST(row.first == kElement);
  BOOST_TEST(row.second.file_name == "vedlegg.bin");
  BOOST_TEST(row.second.size == 11);
  BOOST_TEST(files.blobs[row.second.storage_key] == "hello world");
}

BOOST_AUTO_TEST_CASE(AnotherSystemsOrAnUnknownFormTaskIsNotFound) {
  enduser.id = kSystem + 1;
  BOOST_TEST((upload("x").status().code() == StatusCode::kNotFound));
  enduser.id = kSystem;
  headers.reportee_element_id = kElement + 1;
  BOOST_TEST((upload("x").status().code() == StatusCode::kNotFound));
  BOOST_TEST(files.blobs.empty());
}

BOOST_AUTO_TEST_CASE(AReporteeTheSystemMayNoLongerActForIsRefused) {
  db.systems_.reportees.clear();
  BOOST_TEST((upload("x").status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(files.blobs.empty());
}

BOOST_AUTO_TEST_CASE(MissingHeadersAreInvalid) {
  for (int which = 0; which < 3; ++which) {
    Fixture f;
    if (which == 0) f.headers.reportee_element_id.reset();
    if (which == 1) f.headers.name.clear();
    if (which == 2) f.headers.file_name.clear();
    BOOST_TEST((f.upload("x").status().code() == StatusCode::kInvalidArgument), "case " << which);
  }
}

BOOST_AUTO_TEST_CASE(MoreThanTheLimitIsRefusedAndNothingKept) {
  BOOST_TEST((upload(std::string(17, 'x')).status().code() == StatusCode::kResourceExhausted));
  BOOST_TEST(upload(std::string(16, 'x')).ok());  // exactly the limit is fine
  BOOST_TEST(db.submissions_.attachments.size() == 1u);
}

BOOST_AUTO_TEST_CASE(AnEmptyAttachmentIsInvalid) {
  BOOST_TEST((upload("").status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(files.blobs.empty());
}

BOOST_AUTO_TEST_CASE(ChecksumsAreVerifiedBothKinds) {
  headers.checksum = std::string(kHelloSha256);
  BOOST_TEST(upload("hello world").ok());
  headers.checksum = std::string(kHelloMd5);
  BOOST_TEST(upload("hello world").ok());
  headers.checksum = std::string(kHelloMd5);
  BOOST_TEST((upload("hello world!").status().code() == StatusCode::kInvalidArgument));
  headers.checksum = std::string("not-hex");
  BOOST_TEST((upload("hello world").status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(files.blobs.size() == 2u);  // the mismatched one was removed again
}

BOOST_AUTO_TEST_CASE(AFailedRowRemovesTheBlob) {
  db.submissions_.fail_add_attachment = Status::Unavailable("database down");
  BOOST_TEST((upload("hello world").status().code() == StatusCode::kUnavailable));
  BOOST_TEST(files.blobs.empty());
}

BOOST_AUTO_TEST_CASE(TheFormTaskAttachmentLimitCounts) {
  limits.max_attachments = 1;
  db.submissions_.submitted_by[{kSystem, kElement}].attachment_count = 1;
  BOOST_TEST((upload("x").status().code() == StatusCode::kResourceExhausted));
}

BOOST_AUTO_TEST_CASE(DownloadsOnlyTheOwnersAttachments) {
  auto stored = upload("hello world");
  BOOST_TEST_REQUIRE(stored.ok());
  StreamedAttachmentService service(db, files, limits);
  auto mine = service.openDownload(owner, stored->attachment_id);
  BOOST_TEST_REQUIRE(mine.ok());
  BOOST_TEST(mine->bytes->size() == 11);
  char buffer[4];
  std::string read;
  for (;;) {
    auto n = mine->bytes->read(buffer, sizeof buffer);
    BOOST_TEST_REQUIRE(n.ok());
    if (n.value() == 0) break;
    read.append(buffer, n.value());
  }
  BOOST_TEST(read == "hello world");
  persistence::SystemRecord other = owner;
  other.owner_id = kOwner + 1;
  auto theirs = service.openDownload(other, stored->attachment_id);
  auto unknown = service.openDownload(owner, stored->attachment_id + 100);
  BOOST_TEST((theirs.status().code() == StatusCode::kNotFound));
  BOOST_TEST(theirs.status().message() == unknown.status().message());
}

BOOST_AUTO_TEST_SUITE_END()
