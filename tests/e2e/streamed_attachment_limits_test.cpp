// SubmitAttachmentStreamedBasic at its limits, against a gateway whose streamed attachment limit is
// 1 MiB: an oversize attachment is refused with a fault, an upload cut off half way leaves neither
// a row nor a file, and a hand-written MTOM message (WCF's framing, no gSOAP on the client) works.
#define BOOST_TEST_MODULE streamed_attachment_limits
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "gateway_under_test.h"
#include "raw_https.h"
#include "streamed_attachments.h"
#include "submissions.h"

using namespace gateway::testing;

namespace {

constexpr long kLimit = 1024 * 1024;
const bool kLimitSet = [] {
  return setenv("GATEWAY_LIMITS_MAX_STREAMED_ATTACHMENT_BYTES", std::to_string(kLimit).c_str(), 1) == 0;
}();

constexpr const char* kNs = "http://www.altinn.no/services/Intermediary/Shipment/IntermediaryInbound/2013/06";
constexpr const char* kBoundary = "uuid:6b62cda9-stream-test";

int newFormTask(const std::string& reference) {
  auto c = client<InboundProxy>(kInboundPath, "enduser");
  SubmissionSpec spec;
  spec.end_user_reference = reference;
  iib__ReceiptExternalBE* receipt = nullptr;
  BOOST_REQUIRE_EQUAL(submit(c, gatewayUnderTest().identity("enduser"), spec, &receipt), SOAP_OK);
  return std::stoi(archiveReferenceOf(receipt).substr(2));
}

// Every regular file under the storage root, temp files included.
int filesInStorage() {
  int n = 0;
  const std::filesystem::path root = gatewayUnderTest().storageRoot();
  if (!std::filesystem::exists(root)) return 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) n += entry.is_regular_file() ? 1 : 0;
  return n;
}

std::string mtomContentType() {
  return std::string("multipart/related; type=\"application/xop+xml\"; boundary=\"") + kBoundary +
         "\"; start=\"<root@test>\"; start-info=\"text/xml\"";
}

// The start of an MTOM request as WCF frames it, up to the first byte of the attachment part.
std::string mtomHead(int element, const std::string& file_name) {
  const Identity me = gatewayUnderTest().identity("enduser");
  auto header = [](const std::string& name, const std::string& value) {
    return "<h:" + name + " xmlns:h=\"" + kNs + "\">" + value + "</h:" + name + ">";
  };
  const std::string envelope =
      "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>" +
      header("FileName", file_name) + header("Name", "rå fil") +
      header("ReporteeElementId", std::to_string(element)) + header("password", me.system_password) +
      header("userName", me.system_user) + "</s:Header><s:Body><StreamedAttachmentBasicBE xmlns=\"" + kNs +
      "\"><dataStream><xop:Include href=\"cid:part1@test\" xmlns:xop=\"http://www.w3.org/2004/08/xop/include\"/>"
      "</dataStream></StreamedAttachmentBasicBE></s:Body></s:Envelope>";
  return std::string("--") + kBoundary +
         "\r\nContent-ID: <root@test>\r\nContent-Transfer-Encoding: 8bit\r\n"
         "Content-Type: application/xop+xml;charset=utf-8;type=\"text/xml\"\r\n\r\n" +
         envelope + "\r\n--" + kBoundary +
         "\r\nContent-ID: <part1@test>\r\nContent-Transfer-Encoding: binary\r\n"
         "Content-Type: application/octet-stream\r\n\r\n";
}

std::string bytes(std::size_t n, std::uint64_t seed) {
  GeneratedBytes g(n, seed);
  std::string out(n, '\0');
  g.fill(out.data(), n);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(StreamedAttachmentLimits)

BOOST_AUTO_TEST_CASE(AnAttachmentOverTheLimitIsRefusedAndKeepsNothing) {
  BOOST_REQUIRE(kLimitSet);
  auto& gw = gatewayUnderTest();
  const int element = newFormTask("limit-over");
  const std::string rows_before = gw.sql("SELECT COUNT(*) FROM submission_attachment");
  const int files_before = filesInStorage();
  auto up = client<InboundStreamedProxy>(kInboundStreamedPath, "enduser");
  GeneratedBytes source(kLimit + 64 * 1024, 11);
  UploadHeaders headers;
  headers.reportee_element_id = element;
  _iibs__ReceiptExternalStreamedBE receipt;
  BOOST_TEST(uploadStreamed(up, gw.identity("enduser"), headers, source, receipt) != SOAP_OK);
  const char* text = *soap_faultstring(up->soap);
  BOOST_TEST_MESSAGE("oversize answer: " << (text ? text : "(no fault)"));
  BOOST_TEST((text && std::string(text).find("larger than") != std::string::npos));
  BOOST_TEST(gw.sql("SELECT COUNT(*) FROM submission_attachment") == rows_before);
  BOOST_TEST(filesInStorage() == files_before);
}

BOOST_AUTO_TEST_CASE(AnAttachmentAtTheLimitIsStored) {
  auto& gw = gatewayUnderTest();
  const int element = newFormTask("limit-at");
  auto up = client<InboundStreamedProxy>(kInboundStreamedPath, "enduser");
  GeneratedBytes source(kLimit, 12);
  UploadHeaders headers;
  headers.reportee_element_id = element;
  headers.file_name = "akkurat.bin";
  _iibs__ReceiptExternalStreamedBE receipt;
  BOOST_TEST(uploadStreamed(up, gw.identity("enduser"), headers, source, receipt) == SOAP_OK);
  BOOST_TEST(gw.sql("SELECT size FROM submission_attachment WHERE file_name = 'akkurat.bin'") ==
             std::to_string(kLimit) + "\n");
}

BOOST_AUTO_TEST_CASE(AnUploadCutOffHalfWayLeavesNoRowAndNoFile) {
  auto& gw = gatewayUnderTest();
  const int element = newFormTask("limit-cut");
  const std::string rows_before = gw.sql("SELECT COUNT(*) FROM submission_attachment");
  const int files_before = filesInStorage();
  const std::string head = mtomHead(element, "avbrutt.bin");
  const std::string half = bytes(600 * 1024, 13);
  const std::size_t announced = head.size() + 900 * 1024 + 40;
  // While the connection is open the gateway holds a temp file for the part it is receiving.
  BOOST_REQUIRE(rawPostAndDrop(kInboundStreamedPath, mtomContentType(), announced, head + half, "enduser", 500));
  int files_after = -1;
  for (int i = 0; i < 50; ++i) {  // the worker notices the broken connection and cleans up
    files_after = filesInStorage();
    if (files_after == files_before) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_TEST(files_after == files_before);
  BOOST_TEST(gw.sql("SELECT COUNT(*) FROM submission_attachment") == rows_before);
  BOOST_TEST(gw.running());
}

BOOST_AUTO_TEST_CASE(AWcfFramedMtomRequestIsStored) {
  auto& gw = gatewayUnderTest();
  const int element = newFormTask("limit-wcf");
  const std::string data = bytes(300 * 1024, 14);
  const std::string body = mtomHead(element, "wcf.bin") + data + "\r\n--" + kBoundary + "--\r\n";
  auto reply = rawRequest("POST", kInboundStreamedPath, body, "enduser", mtomContentType(),
                          std::string(kNs) + "/IIntermediaryInboundExternalBasicStreamed/SubmitAttachmentStreamedBasic");
  BOOST_TEST(reply.status == 200, reply.body.substr(0, 2000));
  BOOST_TEST(reply.headers.find("multipart/related") != std::string::npos);  // answered in kind
  Sha256 sha;
  sha.add(data.data(), data.size());
  BOOST_TEST(gw.sql("SELECT CONCAT(size, ' ', sha256, ' ', name) FROM submission_attachment WHERE file_name = 'wcf.bin'") ==
             std::to_string(data.size()) + " " + sha.hex() + " rå fil\n");
}

// WCF's streamed transfer mode sends chunked: the part reader refills through gSOAP's chunked
// decoding, where a receive buffer's bytes start after the chunk-size line (bufidx > 0).
BOOST_AUTO_TEST_CASE(AChunkedUploadIsStoredIntact) {
  auto& gw = gatewayUnderTest();
  const int element = newFormTask("limit-chunked");
  auto up = client<InboundStreamedProxy>(kInboundStreamedPath, "enduser");
  soap_set_omode(up->soap, SOAP_IO_CHUNK);
  GeneratedBytes source(kLimit - 4096, 19);
  UploadHeaders headers;
  headers.reportee_element_id = element;
  headers.file_name = "chunked.bin";
  _iibs__ReceiptExternalStreamedBE receipt;
  BOOST_TEST(uploadStreamed(up, gw.identity("enduser"), headers, source, receipt) == SOAP_OK);
  BOOST_TEST(source.produced == source.total);
  BOOST_TEST(gw.sql("SELECT CONCAT(size, ' ', sha256) FROM submission_attachment WHERE file_name = 'chunked.bin'") ==
             std::to_string(source.total) + " " + source.sha.hex() + "\n");
}

// The part's end is found a receive buffer at a time (gateway/mime): bytes that look like the boundary
// inside the file stay in the file, and transport padding after the close delimiter is allowed.
BOOST_AUTO_TEST_CASE(BoundaryLikeBytesInTheFileAndPaddingAfterTheCloseKeepTheFileIntact) {
  auto& gw = gatewayUnderTest();
  const int element = newFormTask("limit-lookalike");
  const std::string delimiter = std::string("\r\n--") + kBoundary;
  std::string data = bytes(200 * 1024, 15);
  for (std::size_t at : {std::size_t{0}, std::size_t{65530}, std::size_t{131071}}) {
    data.insert(at, delimiter.substr(0, delimiter.size() - 1) + "X");  // one byte short of it: file bytes
  }
  data += std::string("--") + kBoundary + "\r\n" + delimiter.substr(0, 5) + "\r\n";
  const std::string body = mtomHead(element, "lookalike.bin") + data + delimiter + "-- \t \r\n";
  auto reply = rawRequest("POST", kInboundStreamedPath, body, "enduser", mtomContentType(),
                          std::string(kNs) + "/IIntermediaryInboundExternalBasicStreamed/SubmitAttachmentStreamedBasic");
  BOOST_TEST(reply.status == 200, reply.body.substr(reply.body.size() > 1500 ? reply.body.size() - 1500 : 0));
  Sha256 sha;
  sha.add(data.data(), data.size());
  BOOST_TEST(gw.sql("SELECT CONCAT(size, ' ', sha256) FROM submission_attachment WHERE file_name = 'lookalike.bin'") ==
             std::to_string(data.size()) + " " + sha.hex() + "\n");
}

BOOST_AUTO_TEST_CASE(ASecondPartIsRefusedAndKeepsNothing) {
  auto& gw = gatewayUnderTest();
  const int element = newFormTask("limit-two-parts");
  const std::string rows_before = gw.sql("SELECT COUNT(*) FROM submission_attachment");
  const std::string body = mtomHead(element, "two.bin") + bytes(1000, 16) + "\r\n--" + kBoundary +
                           "\r\nContent-ID: <part2@test>\r\nContent-Type: application/octet-stream\r\n\r\n" +
                           bytes(1000, 17) + "\r\n--" + kBoundary + "--\r\n";
  auto reply = rawRequest("POST", kInboundStreamedPath, body, "enduser", mtomContentType());
  BOOST_TEST(reply.status == 500);
  BOOST_TEST(reply.body.find("exactly one attachment part") != std::string::npos, reply.body.substr(0, 2000));
  BOOST_TEST(gw.sql("SELECT COUNT(*) FROM submission_attachment") == rows_before);
}

// Neither "--" nor CRLF after the boundary: a fault. A body that ends before the closing boundary:
// as with gSOAP's own reader, the gateway closes the connection (end of input, no answer). Neither
// keeps anything.
BOOST_AUTO_TEST_CASE(BadFramingGetsTheFaultAndAMissingCloseTheConnectionClosedAndNeitherKeepsAnything) {
  auto& gw = gatewayUnderTest();
  const int element = newFormTask("limit-framing");
  const std::string rows_before = gw.sql("SELECT COUNT(*) FROM submission_attachment");
  const int files_before = filesInStorage();
  const std::string head = mtomHead(element, "framing.bin") + bytes(70 * 1024, 18);
  auto bad = rawRequest("POST", kInboundStreamedPath, head + "\r\n--" + kBoundary + "junk\r\n", "enduser",
                        mtomContentType());
  BOOST_TEST(bad.status == 500);
  BOOST_TEST(bad.body.find("not well-formed") != std::string::npos, bad.body.substr(0, 2000));
  auto unclosed = rawRequest("POST", kInboundStreamedPath, head + "\r\n--" + std::string(kBoundary).substr(0, 8),
                             "enduser", mtomContentType());
  BOOST_TEST(unclosed.status == 0);  // no answer: the connection was closed
  BOOST_TEST(gw.sql("SELECT COUNT(*) FROM submission_attachment") == rows_before);
  BOOST_TEST(filesInStorage() == files_before);
  BOOST_TEST(gw.running());
}

BOOST_AUTO_TEST_CASE(AnMtomTestRequestIsAnsweredInMtom) {
  const std::string envelope =
      "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
      "<Test xmlns=\"http://www.altinn.no/services/2009/10\"/></s:Body></s:Envelope>";
  const std::string body = std::string("--") + kBoundary +
                           "\r\nContent-ID: <root@test>\r\nContent-Transfer-Encoding: 8bit\r\n"
                           "Content-Type: application/xop+xml;charset=utf-8;type=\"text/xml\"\r\n\r\n" +
                           envelope + "\r\n--" + kBoundary + "--\r\n";
  auto reply = rawRequest("POST", kInboundStreamedPath, body, "enduser", mtomContentType(),
                          "http://www.altinn.no/services/2009/10/IAltinnContractBase/Test");
  BOOST_TEST(reply.status == 200, reply.body.substr(0, 1000));
  BOOST_TEST(reply.body.find("TestResponse") != std::string::npos);
  BOOST_TEST(reply.headers.find("multipart/related") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(AnEnvelopeOverTheMessageLimitIsRefusedEvenOnAStreamedRoute) {
  auto& gw = gatewayUnderTest();
  const int element = newFormTask("limit-envelope");
  // 3 MB of header text: more than limits.max_message_bytes (2 MiB in these tests), within the
  // route's allowance for the attachment.
  std::string head = mtomHead(element, std::string(3 * 1024 * 1024, 'x'));
  auto reply = rawRequest("POST", kInboundStreamedPath, head + "abc\r\n--" + kBoundary + "--\r\n", "enduser",
                          mtomContentType());
  BOOST_TEST(reply.status == 500);
  BOOST_TEST(reply.body.find("larger than the gateway accepts") != std::string::npos, reply.body.substr(0, 2000));
  BOOST_TEST(gw.running());
}

BOOST_AUTO_TEST_SUITE_END()
