// The refusals of the broker's SFTP inbound handler (gateway/broker_sftp/broker_inbound_handler.h)
// that come before anything is stored: the account's organisation and system, the ZIP, and the
// manifest's Reportee. Each is a rejection with its report, and the broker is never reached (the
// fake database has no broker repository: touching it would throw). The accepted path is covered
// end to end (tests/e2e/sftp_broker_test.cpp).
#define BOOST_TEST_MODULE broker_inbound_handler_test
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include <fstream>

#include "../core/fake_database.h"
#include "../sftp/scratch_dir.h"
#include "broker_sftp/broker_inbound_handler.h"
#include "core/broker_manifest.h"

using namespace gateway;
namespace fs = std::filesystem;

namespace {

constexpr const char* kOrgA = "920000002";
constexpr const char* kOrgB = "920000010";

std::string zipOf(const std::map<std::string, std::string>& entries, const fs::path& path) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  BOOST_REQUIRE(archive != nullptr);
  for (const auto& [name, bytes] : entries) {
    zip_source_t* source = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
    BOOST_REQUIRE(zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8) >= 0);
  }
  BOOST_REQUIRE_EQUAL(zip_close(archive), 0);
  return path.string();
}

std::string manifestFor(const std::string& reportee) {
  core::BrokerManifest m;
  m.service_code = "5200";
  m.service_edition = 1;
  m.senders_reference = "r1";
  m.reportee = reportee;
  return core::manifestXml(m);
}

struct Fixture {
  Fixture()
      : area(sftp::DropArea::create((dir.path() / "drop").string(), 61000).value()),
        broker(db, files, limits),
        handler(area, db.systems_, broker, 1 << 20) {
    persistence::SystemRecord a;
    a.id = 1;
    a.username = "sys-a";
    a.org_number = kOrgA;
    db.systems_.by_name["sys-a"] = a;
    BOOST_REQUIRE(area.registerOrganisation(kOrgA, "sys-a").ok());
    BOOST_REQUIRE(area.provision({}).ok());
  }

  // Hands `path` to the handler as the poller would (streamed) for organisation `org`.
  Result<sftp::InboundVerdict> handle(const std::string& org, const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    BOOST_REQUIRE(fd >= 0);
    sftp::InboundFile file{sftp::SftpAccount(1, sftp::DropArea::orgAccountName(org), sftp::AccountKind::kOrganisation, org),
                           fs::path(path).filename().string(), {}, fd,
                           static_cast<std::int64_t>(fs::file_size(path))};
    auto verdict = handler.handle(file);
    ::close(fd);
    return verdict;
  }

  // The rejection report for `path` sent by `org`.
  std::string refusal(const std::string& org, const std::string& path) {
    auto verdict = handle(org, path);
    BOOST_REQUIRE_MESSAGE(verdict.ok(), verdict.status().message());
    BOOST_TEST(!verdict->accepted);
    return verdict->error;
  }

  std::string goodZip(const std::string& reportee) {
    return zipOf({{"manifest.xml", manifestFor(reportee)},
                  {"recipients.xml", core::recipientListXml({kOrgB})},
                  {"payload.bin", "bytes"}},
                 dir.path() / "a.zip");
  }

  testing::ScratchDir dir;
  sftp::DropArea area;
  testing::FakeDatabase db;
  testing::FakeFileStore files;
  core::CoreLimits limits;
  core::BrokerService broker;
  broker_sftp::BrokerInboundHandler handler;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(BrokerInboundHandler, Fixture)

BOOST_AUTO_TEST_CASE(AnUnregisteredOrganisationIsRefused) {
  BOOST_TEST(refusal(kOrgB, goodZip(kOrgB)).find("not registered") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ASystemOfAnotherOrganisationIsRefused) {
  BOOST_REQUIRE(area.registerOrganisation(kOrgB, "sys-a").ok());  // sys-a belongs to A
  const std::string report = refusal(kOrgB, goodZip(kOrgB));
  BOOST_TEST(report.find("not bound to an active system of the organisation") != std::string::npos, report);
}

BOOST_AUTO_TEST_CASE(AnInactiveSystemIsRefused) {
  db.systems_.by_name["sys-a"].active = false;
  BOOST_TEST(refusal(kOrgA, goodZip(kOrgA)).find("not bound to an active system") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ATruncatedZipIsRefusedWithItsErrorId) {
  const std::string path = goodZip(kOrgA);
  fs::resize_file(path, fs::file_size(path) - 10);
  const std::string report = refusal(kOrgA, path);
  BOOST_TEST(report.find("not a complete ZIP") != std::string::npos, report);
  BOOST_TEST(report.find("(ErrorID 0)") != std::string::npos, report);
}

BOOST_AUTO_TEST_CASE(AnInvalidManifestIsRefusedNamingTheProblem) {
  const std::string path = zipOf({{"manifest.xml", "<BrokerServiceManifest/>"},
                                  {"recipients.xml", core::recipientListXml({kOrgB})},
                                  {"payload.bin", "bytes"}},
                                 dir.path() / "bad.zip");
  const std::string report = refusal(kOrgA, path);
  BOOST_TEST(report.find("the manifest") != std::string::npos, report);
}

BOOST_AUTO_TEST_CASE(AManifestForAnotherOrganisationIsRefused) {
  const std::string report = refusal(kOrgA, goodZip(kOrgB));
  BOOST_TEST(report.find("Reportee must be the organisation of the SFTP account") != std::string::npos, report);
}

BOOST_AUTO_TEST_SUITE_END()
