// Reading the ZIP an organisation drops to send a broker file (gateway/broker_sftp/broker_zip.h):
// the two documents are found and read, everything else about the archive is refused by name, and a
// cut archive is refused whole.
#define BOOST_TEST_MODULE broker_zip_test
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "../sftp/scratch_dir.h"
#include "broker_sftp/broker_zip.h"

using namespace gateway;
namespace fs = std::filesystem;

namespace {

const std::string kManifest = "<BrokerServiceManifest/>";
const std::string kRecipients = "<BrokerServiceRecipientList/>";

// Writes a ZIP with `entries` (name -> bytes; a name ending in '/' is a directory), deflated.
fs::path makeZip(const fs::path& path, const std::map<std::string, std::string>& entries) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  BOOST_REQUIRE(archive != nullptr);
  for (const auto& [name, bytes] : entries) {
    if (!name.empty() && name.back() == '/') {
      BOOST_REQUIRE(zip_dir_add(archive, name.c_str(), ZIP_FL_ENC_UTF_8) >= 0);
      continue;
    }
    zip_source_t* source = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
    BOOST_REQUIRE(source != nullptr);
    BOOST_REQUIRE(zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8) >= 0);
  }
  BOOST_REQUIRE_EQUAL(zip_close(archive), 0);
  return path;
}

struct Opened {
  explicit Opened(const fs::path& path) : fd(::open(path.c_str(), O_RDONLY)) { BOOST_REQUIRE(fd >= 0); }
  ~Opened() { ::close(fd); }
  int fd;
};

Result<broker_sftp::BrokerZip> read(const fs::path& path) {
  Opened file(path);
  return broker_sftp::readBrokerZip(file.fd);
}

std::string messageOf(const fs::path& path) {
  auto zip = read(path);
  BOOST_REQUIRE(!zip.ok());
  BOOST_TEST(zip.status().code() == StatusCode::kInvalidArgument);
  return zip.status().message();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(BrokerZip)

BOOST_AUTO_TEST_CASE(ReadsBothDocumentsAndCountsThePayload) {
  testing::ScratchDir dir;
  const std::string big(300000, 'x');
  auto path = makeZip(dir.path() / "a.zip", {{"manifest.xml", kManifest},
                                             {"recipients.xml", kRecipients},
                                             {"data/", ""},
                                             {"data/report.pdf", big},
                                             {"other.txt", "y"}});
  Opened file(path);
  auto zip = broker_sftp::readBrokerZip(file.fd);
  BOOST_REQUIRE(zip.ok());
  BOOST_TEST(zip->manifest_xml == kManifest);
  BOOST_TEST(zip->recipients_xml == kRecipients);
  BOOST_TEST(zip->payload_entries == 2);
  BOOST_TEST(::lseek(file.fd, 0, SEEK_CUR) == 0);  // the caller streams the whole file next
}

BOOST_AUTO_TEST_CASE(RefusesAnArchiveWithoutManifest) {
  testing::ScratchDir dir;
  auto path = makeZip(dir.path() / "a.zip", {{"recipients.xml", kRecipients}, {"p.bin", "1"}});
  BOOST_TEST(messageOf(path).find("no manifest.xml") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RefusesAnArchiveWithoutRecipientList) {
  testing::ScratchDir dir;
  auto path = makeZip(dir.path() / "a.zip", {{"manifest.xml", kManifest}, {"p.bin", "1"}});
  BOOST_TEST(messageOf(path).find("no recipients.xml") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RefusesDocumentsInASubfolder) {
  testing::ScratchDir dir;
  auto path = makeZip(dir.path() / "a.zip",
                      {{"x/manifest.xml", kManifest}, {"recipients.xml", kRecipients}, {"p.bin", "1"}});
  BOOST_TEST(messageOf(path).find("no manifest.xml") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RefusesAnArchiveWithoutPayload) {
  testing::ScratchDir dir;
  auto path = makeZip(dir.path() / "a.zip", {{"manifest.xml", kManifest}, {"recipients.xml", kRecipients}, {"d/", ""}});
  BOOST_TEST(messageOf(path).find("no payload") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RefusesAnOversizedManifest) {
  testing::ScratchDir dir;
  auto path = makeZip(dir.path() / "a.zip", {{"manifest.xml", std::string(broker_sftp::kMaxBrokerZipDocumentBytes + 1, 'm')},
                                             {"recipients.xml", kRecipients},
                                             {"p.bin", "1"}});
  BOOST_TEST(messageOf(path).find("larger than") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RefusesATruncatedArchive) {
  testing::ScratchDir dir;
  std::string payload;
  for (int i = 0; i < 200000; ++i) payload += std::to_string(i * 7919 % 10007);  // compresses, but not to nothing
  auto path = makeZip(dir.path() / "a.zip", {{"manifest.xml", kManifest}, {"recipients.xml", kRecipients}, {"p.bin", payload}});
  for (double part : {0.5, 0.99}) {
    const auto size = fs::file_size(path);
    fs::path cut = dir.path() / "cut.zip";
    fs::copy_file(path, cut, fs::copy_options::overwrite_existing);
    fs::resize_file(cut, static_cast<std::uintmax_t>(static_cast<double>(size) * part));
    BOOST_TEST(messageOf(cut).find("not a complete ZIP") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(RefusesSomethingElse) {
  testing::ScratchDir dir;
  std::ofstream(dir.path() / "a.zip") << "<xml>not a zip</xml>";
  BOOST_TEST(messageOf(dir.path() / "a.zip").find("not a complete ZIP") != std::string::npos);
  std::ofstream(dir.path() / "empty.zip");
  BOOST_TEST(!messageOf(dir.path() / "empty.zip").empty());  // libzip reads it as an empty archive: no manifest
}

BOOST_AUTO_TEST_SUITE_END()
