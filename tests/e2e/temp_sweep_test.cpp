// Orphaned temp files are swept (gateway/storage/temp_sweep.h): gatewayd is killed (SIGKILL) while a
// streamed upload is half way, which leaves the upload's temp file in the file store; once that file
// is older than storage.temp_max_age_hours (aged here by setting its modification time back), the
// restarted gateway's start-up sweep removes it, and the stored blobs stay intact and readable.
#define BOOST_TEST_MODULE temp_sweep
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "gateway_under_test.h"
#include "raw_https.h"
#include "streamed_attachments.h"
#include "submissions.h"

using namespace gateway::testing;
namespace fs = std::filesystem;

namespace {

constexpr const char* kNs = "http://www.altinn.no/services/Intermediary/Shipment/IntermediaryInbound/2013/06";
constexpr const char* kBoundary = "uuid:6b62cda9-sweep-test";

int newFormTask(const std::string& reference) {
  auto c = client<InboundProxy>(kInboundPath, "enduser");
  SubmissionSpec spec;
  spec.end_user_reference = reference;
  iib__ReceiptExternalBE* receipt = nullptr;
  BOOST_REQUIRE_EQUAL(submit(c, gatewayUnderTest().identity("enduser"), spec, &receipt), SOAP_OK);
  return std::stoi(archiveReferenceOf(receipt).substr(2));
}

bool isTemp(const fs::path& p) { return p.filename().string().rfind(".tmp-", 0) == 0; }

// Temp files under the storage root.
std::vector<fs::path> tempFiles() {
  std::vector<fs::path> out;
  const fs::path root = gatewayUnderTest().storageRoot();
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && isTemp(e.path())) out.push_back(e.path());
  }
  return out;
}

// The stored blobs (not temp files) and their sizes.
std::map<std::string, std::uintmax_t> blobs() {
  std::map<std::string, std::uintmax_t> out;
  for (const auto& e : fs::recursive_directory_iterator(gatewayUnderTest().storageRoot())) {
    if (e.is_regular_file() && !isTemp(e.path())) out[e.path().string()] = e.file_size();
  }
  return out;
}

std::string mtomContentType() {
  return std::string("multipart/related; type=\"application/xop+xml\"; boundary=\"") + kBoundary +
         "\"; start=\"<root@test>\"; start-info=\"text/xml\"";
}

// The start of an MTOM request (WCF's framing), up to the first byte of the attachment part.
std::string mtomHead(int element, const std::string& file_name) {
  const Identity me = gatewayUnderTest().identity("enduser");
  auto header = [](const std::string& name, const std::string& value) {
    return "<h:" + name + " xmlns:h=\"" + kNs + "\">" + value + "</h:" + name + ">";
  };
  const std::string envelope =
      "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>" + header("FileName", file_name) +
      header("Name", "fil") + header("ReporteeElementId", std::to_string(element)) +
      header("password", me.system_password) + header("userName", me.system_user) +
      "</s:Header><s:Body><StreamedAttachmentBasicBE xmlns=\"" + kNs +
      "\"><dataStream><xop:Include href=\"cid:part1@test\" xmlns:xop=\"http://www.w3.org/2004/08/xop/include\"/>"
      "</dataStream></StreamedAttachmentBasicBE></s:Body></s:Envelope>";
  return std::string("--") + kBoundary +
         "\r\nContent-ID: <root@test>\r\nContent-Transfer-Encoding: 8bit\r\n"
         "Content-Type: application/xop+xml;charset=utf-8;type=\"text/xml\"\r\n\r\n" + envelope + "\r\n--" +
         kBoundary +
         "\r\nContent-ID: <part1@test>\r\nContent-Transfer-Encoding: binary\r\n"
         "Content-Type: application/octet-stream\r\n\r\n";
}

}  // namespace

BOOST_AUTO_TEST_CASE(AnUploadOrphanedBySigkillIsSweptAtTheNextStartAndTheStoreStaysIntact) {
  auto& gw = gatewayUnderTest();
  // A stored attachment that must survive everything below.
  const int stored_element = newFormTask("sweep-kept");
  {
    auto up = client<InboundStreamedProxy>(kInboundStreamedPath, "enduser");
    GeneratedBytes source(300 * 1024, 21);
    UploadHeaders headers;
    headers.reportee_element_id = stored_element;
    headers.file_name = "beholdt.bin";
    _iibs__ReceiptExternalStreamedBE receipt;
    BOOST_REQUIRE(uploadStreamed(up, gw.identity("enduser"), headers, source, receipt) == SOAP_OK);
  }
  BOOST_REQUIRE(tempFiles().empty());
  const auto blobs_before = blobs();
  BOOST_REQUIRE(!blobs_before.empty());

  // An upload half way: the connection stays open while gatewayd is killed.
  const int element = newFormTask("sweep-killed");
  const std::string head = mtomHead(element, "drept.bin");
  GeneratedBytes half(600 * 1024, 22);
  std::string body(600 * 1024, '\0');
  half.fill(body.data(), body.size());
  std::thread uploader([&] {
    (void)rawPostAndDrop(kInboundStreamedPath, mtomContentType(), head.size() + 2 * body.size(), head + body, "enduser",
                         4000);
  });
  std::vector<fs::path> orphans;
  for (int i = 0; i < 100 && orphans.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    orphans = tempFiles();
  }
  BOOST_REQUIRE_EQUAL(orphans.size(), 1u);
  BOOST_REQUIRE_EQUAL(::kill(gw.pid(), SIGKILL), 0);
  gw.stop();  // reaps the killed process
  uploader.join();
  BOOST_REQUIRE(fs::exists(orphans[0]));  // nobody was left to remove it

  // Not yet old: a restart keeps it (it could be a live upload of another gateway on the same folder).
  gw.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  BOOST_TEST(fs::exists(orphans[0]));
  gw.stop();

  // Older than storage.temp_max_age_hours (24 h by default): the start-up sweep removes it.
  fs::last_write_time(orphans[0], fs::file_time_type::clock::now() - std::chrono::hours(25));
  gw.start();
  for (int i = 0; i < 100 && fs::exists(orphans[0]); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  BOOST_TEST(!fs::exists(orphans[0]));
  BOOST_TEST(tempFiles().empty());
  // One structured line says so, with counts and bytes but no file name (the key is in it).
  const std::string key = orphans[0].filename().string().substr(5, 32);
  bool logged = false;
  std::ifstream log(fs::path(gw.storageRoot()).parent_path() / "gatewayd.log");
  for (std::string line; std::getline(log, line);) {
    if (line.find("\"event\":\"storage.temp_sweep\"") == std::string::npos) continue;
    BOOST_TEST(line.find(key) == std::string::npos, line);
    if (line.find("\"file_store_removed\":\"1\"") != std::string::npos) logged = true;
  }
  BOOST_TEST(logged);
  BOOST_TEST((blobs() == blobs_before));  // no blob lost, none changed size
  BOOST_TEST(gw.sql("SELECT COUNT(*) FROM submission_attachment WHERE file_name = 'drept.bin'") == "0\n");
  BOOST_TEST(gw.sql("SELECT size FROM submission_attachment WHERE file_name = 'beholdt.bin'") == "307200\n");

  // The gateway still stores uploads after the sweep.
  auto up = client<InboundStreamedProxy>(kInboundStreamedPath, "enduser");
  GeneratedBytes source(100 * 1024, 23);
  UploadHeaders headers;
  headers.reportee_element_id = newFormTask("sweep-after");
  headers.file_name = "etterpaa.bin";
  _iibs__ReceiptExternalStreamedBE receipt;
  BOOST_TEST(uploadStreamed(up, gw.identity("enduser"), headers, source, receipt) == SOAP_OK);
}
