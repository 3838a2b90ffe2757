// SubmitAttachmentStreamedBasic and GetAttachmentDataStreamedBasic end to end over mTLS, with gSOAP
// proxies generated from wsdl/: a 200 MB attachment streamed in and out with the gateway's memory
// watched, and who may upload and download what.
#define BOOST_TEST_MODULE streamed_attachment
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "gateway_under_test.h"
#include "raw_https.h"
#include "streamed_attachments.h"
#include "submissions.h"

using namespace gateway::testing;

namespace {

// Before the gateway starts (the global fixture runs after static initialisation): room for the
// 200 MB upload (the default is 1 GiB; this shows the key reaches gatewayd).
const bool kLimitSet = [] {
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer keeps freed memory in a quarantine (256 MB by default), so the small buffers
  // OpenSSL and gSOAP allocate and free per piece would pile up as RSS that an ordinary build never
  // has. A small quarantine keeps the memory bound below meaningful for gatewayd under ASan too.
  const char* asan = std::getenv("ASAN_OPTIONS");
  const std::string options = std::string(asan && *asan ? std::string(asan) + ":" : "") + "quarantine_size_mb=1";
  setenv("ASAN_OPTIONS", options.c_str(), 1);
#endif
  return setenv("GATEWAY_LIMITS_MAX_STREAMED_ATTACHMENT_BYTES", "268435456", 1) == 0;
}();

constexpr std::uint64_t kBigBytes = 200ull * 1000 * 1000;
constexpr long kMaxRssGrowthKb = 32 * 1024;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// A fresh form task of `identity` for reportee 910000306; its ReporteeElementId.
int newFormTask(const std::string& identity, const std::string& reference) {
  auto c = client<InboundProxy>(kInboundPath, identity);
  SubmissionSpec spec;
  spec.end_user_reference = reference;
  iib__ReceiptExternalBE* receipt = nullptr;
  BOOST_REQUIRE_EQUAL(submit(c, gatewayUnderTest().identity(identity), spec, &receipt), SOAP_OK);
  const std::string ar = archiveReferenceOf(receipt);
  BOOST_REQUIRE(ar.rfind("AR", 0) == 0);
  return std::stoi(ar.substr(2));
}

// The id of the attachment `file_name` of form task `element`, from the database.
int attachmentId(int element, const std::string& file_name) {
  const std::string id = trimmed(gatewayUnderTest().sql("SELECT id FROM submission_attachment WHERE submission_id = " +
                                                        std::to_string(element) + " AND file_name = '" + file_name +
                                                        "'"));
  BOOST_REQUIRE(!id.empty());
  return std::stoi(id);
}

std::string faultString(struct soap* soap) {
  const char* s = *soap_faultstring(soap);
  return s ? s : "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(StreamedAttachment)

BOOST_AUTO_TEST_CASE(TwoHundredMegabytesGoInAndOutWithBoundedGatewayMemory) {
  BOOST_REQUIRE(kLimitSet);
  auto& gw = gatewayUnderTest();
  const int element = newFormTask("enduser", "stream-big");

  const long rss_before = procStatusKb(gw.pid(), "VmRSS");
  BOOST_REQUIRE_GT(rss_before, 0);
  std::atomic<bool> sampling{true};
  std::atomic<long> rss_peak{rss_before};
  std::thread sampler([&] {
    while (sampling) {
      const long rss = procStatusKb(gw.pid(), "VmRSS");
      if (rss > rss_peak) rss_peak = rss;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  const auto start = std::chrono::steady_clock::now();

  auto up = client<InboundStreamedProxy>(kInboundStreamedPath, "enduser");
  up->soap->send_timeout = up->soap->recv_timeout = 60;
  GeneratedBytes source(kBigBytes, 20261123);
  UploadHeaders headers;
  headers.reportee_element_id = element;
  headers.file_name = "stor-200mb.bin";
  _iibs__ReceiptExternalStreamedBE receipt;
  const int up_rc = uploadStreamed(up, gw.identity("enduser"), headers, source, receipt);
  const auto uploaded = std::chrono::steady_clock::now();
  BOOST_TEST(up_rc == SOAP_OK, "upload: " << faultString(up->soap));
  BOOST_TEST(source.produced == kBigBytes);
  const std::string sent_sha = source.sha.hex();
  if (up_rc == SOAP_OK) {
    BOOST_TEST((receipt.ReceiptStatusCode && *receipt.ReceiptStatusCode == "OK"));
    BOOST_TEST((receipt.ReceiptText && receipt.ReceiptText->find(sent_sha) != std::string::npos));
  }

  const int id = attachmentId(element, "stor-200mb.bin");
  BOOST_TEST(trimmed(gw.sql("SELECT CONCAT(size, ' ', sha256) FROM submission_attachment WHERE id = " +
                            std::to_string(id))) == std::to_string(kBigBytes) + " " + sent_sha);

  auto down = client<ArchiveStreamedProxy>(kArchiveStreamedPath, "agency");
  down->soap->send_timeout = down->soap->recv_timeout = 60;
  DownloadSink sink;
  const int down_rc = downloadStreamed(down, gw.identity("agency"), id, sink);
  const auto downloaded = std::chrono::steady_clock::now();
  sampling = false;
  sampler.join();
  BOOST_TEST(down_rc == SOAP_OK, "download: " << faultString(down->soap));
  BOOST_TEST(sink.bytes == kBigBytes);
  BOOST_TEST(sink.sha.hex() == sent_sha);

  const long hwm_after = procStatusKb(gw.pid(), "VmHWM");
  const long peak = std::max(hwm_after, rss_peak.load());
  using ms = std::chrono::milliseconds;
  BOOST_TEST_MESSAGE("200 MB: upload " << std::chrono::duration_cast<ms>(uploaded - start).count()
                                       << " ms, download " << std::chrono::duration_cast<ms>(downloaded - uploaded).count()
                                       << " ms; gateway VmRSS before " << rss_before << " kB, sampled peak "
                                       << rss_peak.load() << " kB, VmHWM after " << hwm_after << " kB");
  // VmHWM may come from before the transfer; growth over the starting RSS bounds it from above.
  BOOST_TEST(peak - rss_before < kMaxRssGrowthKb);
}

BOOST_AUTO_TEST_CASE(ConcurrentUploadsEachCostTheGatewayLittleMemory) {
  auto& gw = gatewayUnderTest();
  constexpr int kUploads = 4;
  constexpr std::uint64_t kBytes = 30ull * 1000 * 1000;
  std::vector<int> elements;
  for (int i = 0; i < kUploads; ++i) elements.push_back(newFormTask("enduser", "stream-parallel-" + std::to_string(i)));

  const long rss_before = procStatusKb(gw.pid(), "VmRSS");
  std::atomic<bool> sampling{true};
  std::atomic<long> rss_peak{rss_before};
  std::thread sampler([&] {
    while (sampling) {
      const long rss = procStatusKb(gw.pid(), "VmRSS");
      if (rss > rss_peak) rss_peak = rss;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  std::vector<int> results(kUploads, -1);
  std::vector<std::thread> uploads;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kUploads; ++i) {
    uploads.emplace_back([&, i] {
      auto up = client<InboundStreamedProxy>(kInboundStreamedPath, "enduser");
      up->soap->send_timeout = up->soap->recv_timeout = 60;
      GeneratedBytes source(kBytes, 100 + i);
      UploadHeaders headers;
      headers.reportee_element_id = elements[i];
      headers.file_name = "parallell.bin";
      _iibs__ReceiptExternalStreamedBE receipt;
      results[i] = uploadStreamed(up, gw.identity("enduser"), headers, source, receipt);
    });
  }
  for (auto& t : uploads) t.join();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  sampling = false;
  sampler.join();
  for (int i = 0; i < kUploads; ++i) BOOST_TEST(results[i] == SOAP_OK, "upload " << i);
  const long growth = std::max(procStatusKb(gw.pid(), "VmHWM"), rss_peak.load()) - rss_before;
  BOOST_TEST_MESSAGE(kUploads << " x 30 MB at once: " << ms.count() << " ms ("
                              << (kUploads * kBytes / 1000) / std::max<long>(1, ms.count()) << " MB/s aggregate), gateway RSS growth "
                              << growth << " kB");
  BOOST_TEST(growth < kUploads * 4 * 1024);  // at most 4 MB per upload in flight
}

BOOST_AUTO_TEST_CASE(AnotherOwnerGetsTheFaultOfAnUnknownAttachment) {
  auto& gw = gatewayUnderTest();
  const int element = newFormTask("enduser", "stream-isolation");
  auto up = client<InboundStreamedProxy>(kInboundStreamedPath, "enduser");
  GeneratedBytes source(100000, 7);
  UploadHeaders headers;
  headers.reportee_element_id = element;
  headers.file_name = "isolert.bin";
  _iibs__ReceiptExternalStreamedBE receipt;
  BOOST_REQUIRE_EQUAL(uploadStreamed(up, gw.identity("enduser"), headers, source, receipt), SOAP_OK);
  const int id = attachmentId(element, "isolert.bin");
  // A second upload on the same kept-alive connection.
  GeneratedBytes again(5000, 8);
  headers.file_name = "isolert-2.bin";
  _iibs__ReceiptExternalStreamedBE second;
  BOOST_TEST(uploadStreamed(up, gw.identity("enduser"), headers, again, second) == SOAP_OK);
  BOOST_TEST(attachmentId(element, "isolert-2.bin") > id);

  auto own = client<ArchiveStreamedProxy>(kArchiveStreamedPath, "agency");
  DownloadSink mine;
  BOOST_TEST(downloadStreamed(own, gw.identity("agency"), id, mine) == SOAP_OK);
  BOOST_TEST(mine.bytes == 100000u);

  auto other = client<ArchiveStreamedProxy>(kArchiveStreamedPath, "agency2");
  DownloadSink theirs;
  BOOST_TEST(downloadStreamed(other, gw.identity("agency2"), id, theirs) != SOAP_OK);
  BOOST_TEST(theirs.bytes == 0u);
  const auto foreign_id = altinnErrorId(other->soap);
  const std::string foreign_text = faultString(other->soap);

  auto unknown = client<ArchiveStreamedProxy>(kArchiveStreamedPath, "agency2");
  DownloadSink none;
  BOOST_TEST(downloadStreamed(unknown, gw.identity("agency2"), 999999999, none) != SOAP_OK);
  BOOST_TEST(foreign_id.has_value());
  BOOST_TEST((foreign_id == altinnErrorId(unknown->soap)));
  BOOST_TEST(foreign_text == faultString(unknown->soap));
}

BOOST_AUTO_TEST_CASE(AnEndUserSystemUploadsOnlyToItsOwnFormTasksOfReporteesItMayActFor) {
  auto& gw = gatewayUnderTest();
  const int element = newFormTask("enduser", "stream-not-yours");
  const std::string rows_before = gw.sql("SELECT COUNT(*) FROM submission_attachment");

  // Another system's form task: the answer of an unknown one.
  {
    auto up = client<InboundStreamedProxy>(kInboundStreamedPath, "enduser2");
    GeneratedBytes source(1000, 1);
    UploadHeaders headers;
    headers.reportee_element_id = element;
    _iibs__ReceiptExternalStreamedBE receipt;
    BOOST_TEST(uploadStreamed(up, gw.identity("enduser2"), headers, source, receipt) != SOAP_OK);
    BOOST_TEST(altinnErrorId(up->soap).has_value());
  }
  // Its own form task, but the reportee grant is gone.
  const int own = newFormTask("enduser2", "stream-revoked");
  BOOST_REQUIRE_EQUAL(gw.gatewayctl("reportee revoke --system regnskap2 --reportee 910000306"), 0);
  {
    auto up = client<InboundStreamedProxy>(kInboundStreamedPath, "enduser2");
    GeneratedBytes source(1000, 2);
    UploadHeaders headers;
    headers.reportee_element_id = own;
    _iibs__ReceiptExternalStreamedBE receipt;
    BOOST_TEST(uploadStreamed(up, gw.identity("enduser2"), headers, source, receipt) != SOAP_OK);
    BOOST_TEST(faultString(up->soap).find("may not act for this reportee") != std::string::npos);
  }
  BOOST_REQUIRE_EQUAL(gw.gatewayctl("reportee grant --system regnskap2 --reportee 910000306"), 0);
  // Wrong password: ErrorID 989, nothing read.
  {
    auto up = client<InboundStreamedProxy>(kInboundStreamedPath, "enduser");
    GeneratedBytes source(1000, 3);
    UploadHeaders headers;
    headers.reportee_element_id = element;
    Identity wrong = gw.identity("enduser");
    wrong.system_password += "x";
    _iibs__ReceiptExternalStreamedBE receipt;
    BOOST_TEST(uploadStreamed(up, wrong, headers, source, receipt) != SOAP_OK);
    BOOST_TEST((altinnErrorId(up->soap) == 989));
  }
  BOOST_TEST(gw.sql("SELECT COUNT(*) FROM submission_attachment") == rows_before);
}

BOOST_AUTO_TEST_CASE(AChecksumThatDoesNotMatchKeepsNothing) {
  auto& gw = gatewayUnderTest();
  const int element = newFormTask("enduser", "stream-checksum");
  const std::string rows_before = gw.sql("SELECT COUNT(*) FROM submission_attachment");
  auto up = client<InboundStreamedProxy>(kInboundStreamedPath, "enduser");
  GeneratedBytes source(50000, 4);
  UploadHeaders headers;
  headers.reportee_element_id = element;
  headers.checksum = std::string(64, 'a');
  _iibs__ReceiptExternalStreamedBE receipt;
  BOOST_TEST(uploadStreamed(up, gw.identity("enduser"), headers, source, receipt) != SOAP_OK);
  BOOST_TEST(faultString(up->soap).find("CheckSum") != std::string::npos);
  BOOST_TEST(gw.sql("SELECT COUNT(*) FROM submission_attachment") == rows_before);
}

BOOST_AUTO_TEST_CASE(DownloadQueueAnswersAnMtomRequestWithXopParts) {
  auto& gw = gatewayUnderTest();
  auto inbound = client<InboundProxy>(kInboundPath, "enduser");
  SubmissionSpec spec;
  spec.end_user_reference = "dq-mtom";
  spec.attachment = "vedlegg som egen MTOM-del æøå";
  iib__ReceiptExternalBE* receipt = nullptr;
  BOOST_REQUIRE_EQUAL(submit(inbound, gw.identity("enduser"), spec, &receipt), SOAP_OK);
  std::string ar = archiveReferenceOf(receipt);
  const Identity agency = gw.identity("agency");

  auto queue = client<QueueProxy>(kQueuePath, "agency");
  soap_set_omode(queue->soap, SOAP_ENC_MTOM);
  _dq__GetArchivedFormTaskBasicDQ get;
  _dq__GetArchivedFormTaskBasicDQResponse got;
  get.systemUserName = const_cast<std::string*>(&agency.system_user);
  get.systemPassword = const_cast<std::string*>(&agency.system_password);
  get.archiveReference = &ar;
  BOOST_REQUIRE_EQUAL(queue->GetArchivedFormTaskBasicDQ(&get, got), SOAP_OK);
  auto* task = got.GetArchivedFormTaskBasicDQResult;
  BOOST_REQUIRE((task && task->Attachments && task->Attachments->ArchivedAttachmentDQBE.size() == 1u));
  const auto* data = task->Attachments->ArchivedAttachmentDQBE[0]->AttachmentData;
  BOOST_REQUIRE(data);
  BOOST_TEST(std::string(reinterpret_cast<const char*>(data->__ptr), data->__size) == spec.attachment);
  // On the wire: an xop:Include in the envelope and the bytes as their own part (WCF's framing).
  const std::string boundary = "uuid:dq-mtom";
  const std::string envelope =
      "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><GetArchivedFormTaskBasicDQ "
      "xmlns=\"http://www.altinn.no/services/Archive/DownloadQueue/2012/08\"><systemUserName>" +
      agency.system_user + "</systemUserName><systemPassword>" + agency.system_password +
      "</systemPassword><archiveReference>" + ar + "</archiveReference></GetArchivedFormTaskBasicDQ></s:Body></s:Envelope>";
  const std::string body = "--" + boundary +
                           "\r\nContent-ID: <root>\r\nContent-Type: application/xop+xml;charset=utf-8;type=\"text/xml\"\r\n\r\n" +
                           envelope + "\r\n--" + boundary + "--\r\n";
  auto raw = rawRequest("POST", kQueuePath, body, "agency",
                        "multipart/related; type=\"application/xop+xml\"; start=\"<root>\"; boundary=\"" + boundary +
                            "\"; start-info=\"text/xml\"");
  BOOST_TEST(raw.status == 200);
  const auto include = raw.body.find("<xop:Include");
  BOOST_TEST(include != std::string::npos, raw.body.substr(0, 3000));
  const auto href = raw.body.find("href=\"cid:", include);
  BOOST_TEST((include != std::string::npos && href != std::string::npos));
  if (href != std::string::npos) {
    const auto start = href + 10;
    const std::string cid = raw.body.substr(start, raw.body.find('"', start) - start);
    BOOST_TEST(raw.body.find("Content-ID: <" + cid + ">") != std::string::npos, cid);
  }
  BOOST_TEST(raw.body.find(spec.attachment) != std::string::npos);  // raw bytes, not base64
}

BOOST_AUTO_TEST_CASE(BothStreamedServicesServeTheirWsdl) {
  for (const char* path : {kInboundStreamedPath, kArchiveStreamedPath}) {
    auto reply = rawRequest("GET", std::string(path) + "?wsdl", "", "agency");
    BOOST_TEST(reply.status == 200);
    BOOST_TEST(reply.body.find(gatewayUnderTest().url(path)) != std::string::npos);
    BOOST_TEST(reply.body.find("OptimizedMimeSerialization") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
