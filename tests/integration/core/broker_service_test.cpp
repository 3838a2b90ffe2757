// core::BrokerService against a fresh MariaDB database and a local file store in a temp folder, with
// a clock the test moves: the shipment and recipient states, receipts, every rights refusal, an
// abandoned upload, and the retention job deleting expired files from disk.
#define BOOST_TEST_MODULE broker_service_test
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/broker_retention_job.h"
#include "core/broker_service.h"
#include "support/test_database.h"

using namespace gateway;
using namespace gateway::persistence;
using gateway::testing::Parties;
using gateway::testing::seedParties;
using gateway::testing::TestDatabase;
using gateway::testing::TestDatabaseFixture;
BOOST_TEST_GLOBAL_FIXTURE(TestDatabaseFixture);

namespace {

namespace fs = std::filesystem;
constexpr std::time_t kDay = 24 * 3600;
constexpr const char* kSender = "910000306";     // the end-user system of seedParties may act for it
constexpr const char* kRecipient = "01019010046";
constexpr const char* kOutsider = "910000004";

Database& db() { return TestDatabase::instance().database(); }

// Bytes on disk under the file store's root.
std::uintmax_t bytesUnder(const fs::path& root) {
  std::uintmax_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

struct Broker {
  Parties p = seedParties(db());
  ServiceRecord service;
  SystemRecord recipient_system;
  fs::path root = fs::temp_directory_path() / ("broker-test-" + testing::uniqueSuffix());
  std::unique_ptr<FileStore> files;
  std::time_t now = std::time(nullptr);
  std::unique_ptr<core::BrokerService> broker;

  Broker() {
    service.owner_code = p.owner.code;
    service.code = "B" + testing::uniqueSuffix();
    service.edition = 1;
    service.name = "Broker";
    service.kind = "BrokerService";
    service.formats = {{"1", 1}};
    service = db().provisioning().addService(service).value();
    SystemRecord r;
    r.username = "recipient-" + testing::uniqueSuffix();
    r.password_hash = "test-hash";
    r.org_number = "910000101";
    r.role = SystemRole::kEndUser;
    recipient_system = db().provisioning().addSystem(r).value();
    BOOST_TEST_REQUIRE(db().provisioning().grantReportee(r.username, kRecipient).ok());
    BOOST_TEST_REQUIRE(db().provisioning().grantReportee(r.username, kOutsider).ok());
    files = openLocalFileStore(root.string()).value();
    core::CoreLimits limits;
    limits.max_broker_file_bytes = 1024 * 1024;
    limits.broker_default_availability_days = 2;
    broker = std::make_unique<core::BrokerService>(db(), *files, limits, [this] { return now; });
  }
  ~Broker() { fs::remove_all(root); }

  void grant(const std::string& reportee, ServiceAccess access, std::time_t valid_to = 0,
             const std::string& condition = "") {
    auto added = db().serviceRights().add(
        {{service.id, reportee, access, condition, valid_to ? valid_to : now + 10 * kDay}}, now);
    BOOST_TEST_REQUIRE(added.ok());
  }
  core::BrokerInitiation initiation(std::vector<std::string> recipients = {kRecipient}) {
    core::BrokerInitiation in;
    in.manifest.service_code = service.code;
    in.manifest.service_edition = 1;
    in.manifest.senders_reference = "ref-1";
    in.manifest.reportee = kSender;
    in.recipients = std::move(recipients);
    return in;
  }
  std::string initiate() {
    auto ref = broker->initiate(p.enduser_system, initiation());
    BOOST_TEST_REQUIRE(ref.ok(), ref.status().message());
    return ref.value();
  }
  core::BrokerUploaded upload(const std::string& ref, const std::string& bytes) {
    auto up = broker->beginUpload(p.enduser_system, ref, kSender, "payload.zip");
    BOOST_TEST_REQUIRE(up.ok(), up.status().message());
    BOOST_TEST_REQUIRE(up.value()->write(bytes.data(), bytes.size()).ok());
    auto done = broker->finishUpload(*up.value());
    BOOST_TEST_REQUIRE(done.ok(), done.status().message());
    return done.value();
  }
  std::string readAll(BlobReader& reader) {
    std::string out;
    char buffer[4096];
    for (;;) {
      auto n = reader.read(buffer, sizeof buffer);
      BOOST_TEST_REQUIRE(n.ok());
      if (n.value() == 0) return out;
      out.append(buffer, n.value());
    }
  }
};

const std::string kZip = std::string("PK\x03\x04", 4) + std::string(5000, 'z');

}  // namespace

BOOST_AUTO_TEST_SUITE(BrokerServiceTests)

BOOST_AUTO_TEST_CASE(ShipmentMovesThroughEveryStateWithReceipts) {
  Broker b;
  b.grant(kSender, ServiceAccess::kWrite);
  b.grant(kRecipient, ServiceAccess::kRead, 0, "recipient");
  const std::string ref = b.initiate();
  BOOST_TEST(ref.size() == 36u);

  // Not uploaded yet: nothing to list, and the download says so.
  core::BrokerSearch search;
  search.reportee = kRecipient;
  BOOST_TEST(b.broker->availableFiles(b.recipient_system, search).value().empty());
  BOOST_TEST(b.broker->openFile(b.recipient_system, ref, kRecipient).status().message().find("not been uploaded") !=
             std::string::npos);

  auto uploaded = b.upload(ref, kZip);
  BOOST_TEST(uploaded.size == static_cast<std::int64_t>(kZip.size()));
  BOOST_TEST(uploaded.sha256_hex.size() == 64u);
  auto again = b.broker->beginUpload(b.p.enduser_system, ref, kSender, "second.zip");
  BOOST_TEST((again.status().code() == StatusCode::kAlreadyExists));

  auto listed = b.broker->availableFiles(b.recipient_system, search);
  BOOST_TEST_REQUIRE(listed.ok());
  BOOST_TEST_REQUIRE(listed->size() == 1u);
  BOOST_TEST(listed->at(0).file_reference == ref);
  BOOST_TEST(listed->at(0).file_name == "payload.zip");
  BOOST_TEST(listed->at(0).sender_reportee == kSender);
  BOOST_TEST(b.broker->anyAvailable(b.recipient_system, {kRecipient}, std::nullopt, std::nullopt).value());

  auto download = b.broker->openFile(b.recipient_system, ref, kRecipient);
  BOOST_TEST_REQUIRE(download.ok(), download.status().message());
  BOOST_TEST(b.readAll(*download->bytes) == kZip);
  BOOST_TEST_REQUIRE(b.broker->recordDownloaded(download->shipment.id, kRecipient).ok());
  BOOST_TEST_REQUIRE(b.broker->confirmDownloaded(b.recipient_system, ref, kRecipient).ok());
  BOOST_TEST(!b.broker->anyAvailable(b.recipient_system, {kRecipient}, std::nullopt, std::nullopt).value());
  search.status = core::BrokerFileStatus::kDownloaded;
  BOOST_TEST(b.broker->availableFiles(b.recipient_system, search).value().size() == 1u);

  // The sender's receipt: main receipt Uploaded, the recipient's sub-receipt Confirmed, history kept.
  auto receipt = db().receipts().get(ReceiptScope{std::nullopt, b.p.enduser_system.id}, uploaded.receipt_id);
  BOOST_TEST_REQUIRE(receipt.ok());
  BOOST_TEST(receipt->type == "BrokerService");
  BOOST_TEST(receipt->text.rfind("Uploaded", 0) == 0u);
  BOOST_TEST(receipt->history.find("Initiated") != std::string::npos);
  BOOST_TEST_REQUIRE(receipt->sub_receipts.size() == 1u);
  BOOST_TEST(receipt->sub_receipts[0].text.rfind("Confirmed", 0) == 0u);
  BOOST_TEST(receipt->sub_receipts[0].history.find("Downloaded") != std::string::npos);
  BOOST_TEST(receipt->sub_receipts[0].history.find("Uploaded") != std::string::npos);
  // The service owner reads it too.
  BOOST_TEST(db().receipts().get(ReceiptScope{b.p.owner.id, std::nullopt}, uploaded.receipt_id).ok());
}

BOOST_AUTO_TEST_CASE(SenderWithoutWriteIsRefused) {
  Broker b;
  b.grant(kRecipient, ServiceAccess::kRead);
  b.grant(kSender, ServiceAccess::kRead);  // Read is not Write
  auto ref = b.broker->initiate(b.p.enduser_system, b.initiation());
  BOOST_TEST((ref.status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(ref.status().altinnErrorId() == 14);
  BOOST_TEST(ref.status().message().find("Write") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RecipientWithoutReadIsRefused) {
  Broker b;
  b.grant(kSender, ServiceAccess::kWrite);
  b.grant(kRecipient, ServiceAccess::kRead, 0, "sender");  // the wrong side's condition grants nothing
  auto ref = b.broker->initiate(b.p.enduser_system, b.initiation());
  BOOST_TEST((ref.status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(ref.status().altinnErrorId() == 14);
  BOOST_TEST(ref.status().message().find("recipient 1 of the recipient list") != std::string::npos,
             ref.status().message());
  BOOST_TEST(ref.status().message().find(kRecipient) == std::string::npos);  // a person's number stays out
}

BOOST_AUTO_TEST_CASE(ExpiredRightIsRefusedOnDownload) {
  Broker b;
  b.grant(kSender, ServiceAccess::kWrite);
  b.grant(kRecipient, ServiceAccess::kRead, b.now + 3600);
  const std::string ref = b.initiate();
  b.upload(ref, kZip);
  BOOST_TEST(b.broker->openFile(b.recipient_system, ref, kRecipient).ok());
  b.now += 7200;  // the Read right's ValidTo has passed; the file itself is still available
  auto refused = b.broker->openFile(b.recipient_system, ref, kRecipient);
  BOOST_TEST((refused.status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(refused.status().altinnErrorId() == 14);
  core::BrokerSearch search;
  search.reportee = kRecipient;
  BOOST_TEST(b.broker->availableFiles(b.recipient_system, search).value().empty());
  BOOST_TEST((b.broker->confirmDownloaded(b.recipient_system, ref, kRecipient).code() ==
              StatusCode::kPermissionDenied));
}

BOOST_AUTO_TEST_CASE(ReporteeNotOnTheRecipientListGetsTheUnknownFileAnswer) {
  Broker b;
  b.grant(kSender, ServiceAccess::kWrite);
  b.grant(kRecipient, ServiceAccess::kRead);
  b.grant(kOutsider, ServiceAccess::kRead);  // holds Read, but is not a recipient of this shipment
  const std::string ref = b.initiate();
  b.upload(ref, kZip);
  auto refused = b.broker->openFile(b.recipient_system, ref, kOutsider);
  BOOST_TEST((refused.status().code() == StatusCode::kNotFound));
  auto unknown = b.broker->openFile(b.recipient_system, "00000000-0000-4000-8000-000000000000", kOutsider);
  BOOST_TEST(refused.status().message() == unknown.status().message());
  BOOST_TEST((b.broker->confirmDownloaded(b.recipient_system, ref, kOutsider).code() == StatusCode::kNotFound));
  // A system that may not act for the recipient is refused before anything is looked up.
  auto foreign = b.broker->openFile(b.p.enduser_system, ref, kRecipient);
  BOOST_TEST((foreign.status().code() == StatusCode::kPermissionDenied));
}

BOOST_AUTO_TEST_CASE(ServiceOwnerSendsAsItsOwnOrganisationOnly) {
  Broker b;
  const std::string owner_org = b.p.owner.org_number;
  b.grant(owner_org, ServiceAccess::kWrite, 0, "sender");
  b.grant(kSender, ServiceAccess::kWrite);
  b.grant(kRecipient, ServiceAccess::kRead);
  auto in = b.initiation();
  in.manifest.reportee = owner_org;
  auto ref = b.broker->initiate(b.p.owner_system, in);
  BOOST_TEST_REQUIRE(ref.ok(), ref.status().message());
  auto up = b.broker->beginUpload(b.p.owner_system, ref.value(), owner_org, "fra-etaten.zip");
  BOOST_TEST_REQUIRE(up.ok(), up.status().message());
  BOOST_TEST_REQUIRE(up.value()->write(kZip.data(), kZip.size()).ok());
  BOOST_TEST_REQUIRE(b.broker->finishUpload(*up.value()).ok());
  // Another system may not upload to it, even one that may act for the sender party.
  BOOST_TEST((b.broker->beginUpload(b.p.enduser_system, ref.value(), owner_org, "x.zip").status().code() !=
              StatusCode::kOk));
  // An owner system never acts for a reportee other than its own organisation.
  auto foreign = b.broker->initiate(b.p.owner_system, b.initiation());
  BOOST_TEST((foreign.status().code() == StatusCode::kPermissionDenied));
  BOOST_TEST(foreign.status().altinnErrorId() == 0);
}

BOOST_AUTO_TEST_CASE(InvalidManifestAndRecipientListAreNamed) {
  Broker b;
  b.grant(kSender, ServiceAccess::kWrite);
  auto in = b.initiation();
  in.manifest.reportee = "12345";
  auto bad_reportee = b.broker->initiate(b.p.enduser_system, in);
  BOOST_TEST((bad_reportee.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(bad_reportee.status().message().find("Reportee") != std::string::npos);
  auto no_recipients = b.broker->initiate(b.p.enduser_system, b.initiation({}));
  BOOST_TEST(no_recipients.status().message().find("recipient list") != std::string::npos);
  auto not_broker = b.initiation();
  not_broker.manifest.service_code = b.p.service.code;  // a FormTask service
  BOOST_TEST((b.broker->initiate(b.p.enduser_system, not_broker).status().code() == StatusCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(AbandonedOrRejectedUploadLeavesNothing) {
  Broker b;
  b.grant(kSender, ServiceAccess::kWrite);
  b.grant(kRecipient, ServiceAccess::kRead);
  const std::string ref = b.initiate();
  {
    auto up = b.broker->beginUpload(b.p.enduser_system, ref, kSender, "half.zip");
    BOOST_TEST_REQUIRE(up.ok());
    BOOST_TEST_REQUIRE(up.value()->write(kZip.data(), kZip.size() / 2).ok());
  }  // the connection broke: dropped before finishUpload
  BOOST_TEST(bytesUnder(b.root) == 0u);
  {
    auto up = b.broker->beginUpload(b.p.enduser_system, ref, kSender, "not-a-zip.bin");
    BOOST_TEST_REQUIRE(up.ok());
    BOOST_TEST_REQUIRE(up.value()->write("hello", 5).ok());
    auto done = b.broker->finishUpload(*up.value());
    BOOST_TEST(done.status().message().find("ZIP") != std::string::npos);
  }
  BOOST_TEST(bytesUnder(b.root) == 0u);
  auto shipment = db().brokers().find(ref);
  BOOST_TEST_REQUIRE(shipment.ok());
  BOOST_TEST((shipment.value()->state == BrokerShipmentState::kInitiated));
  // Still uploadable afterwards.
  b.upload(ref, kZip);
}

BOOST_AUTO_TEST_CASE(RetentionDeletesExpiredFilesAndTheyShowAsExpired) {
  Broker b;
  b.grant(kSender, ServiceAccess::kWrite, b.now + 100 * kDay);
  b.grant(kRecipient, ServiceAccess::kRead, b.now + 100 * kDay);
  BOOST_TEST_REQUIRE(db().brokers().setAvailabilityDays(b.service.id, 3).ok());
  BOOST_TEST(db().brokers().availabilityDays(b.service.id).value().value() == 3);
  const std::string ref = b.initiate();
  auto uploaded = b.upload(ref, kZip);
  BOOST_TEST(bytesUnder(b.root) >= kZip.size());

  b.now += 2 * kDay;  // within the service's 3 days: kept (other tests' shipments, 2-day default, may go)
  BOOST_TEST_REQUIRE(b.broker->expireDue().ok());
  BOOST_TEST(b.broker->openFile(b.recipient_system, ref, kRecipient).ok());

  b.now += 2 * kDay;
  {
    // The job runs a pass at start.
    core::BrokerRetentionJob job(*b.broker, std::chrono::seconds(3600));
    job.start();
    for (int i = 0; i < 100 && bytesUnder(b.root) != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_TEST(bytesUnder(b.root) == 0u);  // the bytes on disk are gone
  auto expired = b.broker->openFile(b.recipient_system, ref, kRecipient);
  BOOST_TEST((expired.status().code() == StatusCode::kNotFound));
  BOOST_TEST(expired.status().message().find("expired") != std::string::npos);
  auto receipt = db().receipts().get(ReceiptScope{std::nullopt, b.p.enduser_system.id}, uploaded.receipt_id);
  BOOST_TEST(receipt->text.rfind("Expired", 0) == 0u);
  BOOST_TEST(db().brokers().find(ref).value()->blob_key.empty());
  BOOST_TEST(b.broker->expireDue().value().blobs_removed == 0);  // nothing left to remove
}

BOOST_AUTO_TEST_CASE(UploadLargerThanTheLimitIsRefused) {
  Broker b;
  b.grant(kSender, ServiceAccess::kWrite);
  b.grant(kRecipient, ServiceAccess::kRead);
  const std::string ref = b.initiate();
  auto up = b.broker->beginUpload(b.p.enduser_system, ref, kSender, "big.zip");
  BOOST_TEST_REQUIRE(up.ok());
  const std::string chunk(512 * 1024, 'x');
  BOOST_TEST(up.value()->write(chunk.data(), chunk.size()).ok());
  BOOST_TEST(up.value()->write(chunk.data(), chunk.size()).ok());
  Status over = up.value()->write("x", 1);
  BOOST_TEST((over.code() == StatusCode::kResourceExhausted));
}

BOOST_AUTO_TEST_SUITE_END()
