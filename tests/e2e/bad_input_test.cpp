#define BOOST_TEST_MODULE e2e_bad_input
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "raw_https.h"
#include "submissions.h"

namespace bdata = boost::unit_test::data;
using namespace gateway::testing;

namespace {

const std::string kEnvelopeStart =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>";
const std::string kEnvelopeEnd = "</s:Body></s:Envelope>";
const std::string kDq = "http://www.altinn.no/services/Archive/DownloadQueue/2012/08";

std::string queueItems(const std::string& inner, const std::string& ns = kDq) {
  return kEnvelopeStart + "<GetDownloadQueueItems xmlns=\"" + ns + "\">" + inner + "</GetDownloadQueueItems>" +
         kEnvelopeEnd;
}

std::string deepBody(int depth) {
  std::string open, close;
  for (int i = 0; i < depth; ++i) {
    open += "<x>";
    close += "</x>";
  }
  return queueItems("<systemUserName>" + open + close + "</systemUserName>");
}

struct Case {
  const char* name;
  std::string body;
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

std::vector<Case> badBodies() {
  return {
      {"malformed XML", kEnvelopeStart + "<GetDownloadQueueItems xmlns=\"" + kDq + "\"><systemUserName>x" + kEnvelopeEnd},
      {"not XML at all", "this is not a SOAP request"},
      {"wrong namespace", queueItems("<systemUserName>x</systemUserName>", "urn:wrong")},
      {"unknown operation", kEnvelopeStart + "<StealEverything xmlns=\"" + kDq + "\"/>" + kEnvelopeEnd},
      {"too deep", deepBody(200)},
      {"too large", queueItems("<systemUserName>" + std::string(3 * 1024 * 1024, 'a') + "</systemUserName>")},
      {"bad enum", kEnvelopeStart +
                       "<GetReceiptListBasicV2 xmlns=\"http://www.altinn.no/services/Intermediary/Receipt/2009/10\">"
                       "<systemUserName>u</systemUserName><systemPassword>p</systemPassword>"
                       "<receiptTypeName>NoSuchType</receiptTypeName></GetReceiptListBasicV2>" +
                       kEnvelopeEnd},
  };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(BadInput)

BOOST_DATA_TEST_CASE(EachGetsAnAltinnFaultAndTheServerStaysUp, bdata::make(badBodies()), bad) {
  const std::string path = std::string(bad.name) == std::string("bad enum") ? kReceiptAgencyPath : kQueuePath;
  RawResponse r = rawRequest("POST", path, bad.body, "agency");
  BOOST_TEST(r.connected);
  BOOST_TEST((r.status == 500 || r.status == 413 || r.status == 400), "HTTP " << r.status);
  if (r.status == 500) {
    BOOST_TEST(r.body.find("AltinnFault") != std::string::npos, r.body.substr(0, 400));
    BOOST_TEST(r.body.find("ErrorGuid") != std::string::npos);
  }
  // The server still serves a good request afterwards.
  RawResponse health = rawRequest("GET", "/health", "", "agency");
  BOOST_TEST(health.status == 200);
  BOOST_TEST(gatewayUnderTest().running());
}

BOOST_AUTO_TEST_CASE(ASlowClientIsCutOffAtTheRequestTimeout) {
  // Each byte arrives well within the per-read timeout (5 s), the whole request never does: the
  // gateway closes at limits.request_timeout_seconds (3 s in the test configuration).
  TrickleResult r = trickleRequest(kQueuePath, 100000, std::chrono::milliseconds(200), std::chrono::seconds(15), "agency");
  BOOST_TEST(r.connected);
  BOOST_TEST(r.server_closed);
  BOOST_TEST(r.seconds >= 2.5);
  BOOST_TEST(r.seconds < 8.0);
  BOOST_TEST(rawRequest("GET", "/health", "", "agency").status == 200);
}

BOOST_AUTO_TEST_CASE(UnknownPathIsAFault) {
  RawResponse r = rawRequest("POST", "/NoSuchService.svc", queueItems(""), "agency");
  BOOST_TEST(r.status == 500);
  BOOST_TEST(r.body.find("AltinnFault") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(Soap12EnvelopeIsAccepted) {
  const std::string body =
      "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>"
      "<Test xmlns=\"http://www.altinn.no/services/2009/10\"/></s:Body></s:Envelope>";
  RawResponse r = rawRequest("POST", kQueuePath, body, "agency", "application/soap+xml; charset=utf-8");
  BOOST_TEST(r.status == 200, r.body.substr(0, 400));
  BOOST_TEST(r.body.find("TestResponse") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(MtomRequestAsWcfSendsItIsUnderstood) {
  // WCF clients built from the DownloadQueue reference binding send MTOM (multipart/related, XOP).
  const std::string boundary = "uuid:4f2a-mtom-boundary";
  const std::string envelope =
      kEnvelopeStart + "<Test xmlns=\"http://www.altinn.no/services/2009/10\"/>" + kEnvelopeEnd;
  const std::string body = "--" + boundary +
                           "\r\nContent-ID: <http://tempuri.org/0>\r\nContent-Transfer-Encoding: 8bit\r\n"
                           "Content-Type: application/xop+xml;charset=utf-8;type=\"text/xml\"\r\n\r\n" +
                           envelope + "\r\n--" + boundary + "--\r\n";
  const std::string content_type = "multipart/related; type=\"application/xop+xml\"; start=\"<http://tempuri.org/0>\"; "
                                   "boundary=\"" + boundary + "\"; start-info=\"text/xml\"";
  RawResponse r = rawRequest("POST", kQueuePath, body, "agency", content_type,
                             "http://www.altinn.no/services/2009/10/IAltinnContractBase/Test");
  BOOST_TEST(r.status == 200, r.body.substr(0, 400));
  BOOST_TEST(r.body.find("TestResponse") != std::string::npos);
  // ... and answered in MTOM, as WCF's MTOM encoder insists on.
  BOOST_TEST(r.headers.find("multipart/related") != std::string::npos, r.headers);
  BOOST_TEST(r.headers.find("application/xop+xml") != std::string::npos, r.headers);
}

BOOST_AUTO_TEST_CASE(EveryServiceServesItsWsdl) {
  for (const char* path : {kInboundPath, kReceiptAgencyPath, kReceiptExternalPath, kQueuePath, kArchivePath,
                           kPreFillPath, kSubscriptionPath, kIntermediaryPrefillPath}) {
    RawResponse r = rawRequest("GET", std::string(path) + "?wsdl", "", "agency");
    BOOST_TEST(r.status == 200, path);
    BOOST_TEST(r.body.find("wsdl:definitions") != std::string::npos, path);
    BOOST_TEST(r.body.find(gatewayUnderTest().baseUrl() + path) != std::string::npos, path);
  }
}

BOOST_AUTO_TEST_CASE(FailedSubmissionLeavesNoRows) {
  auto& gw = gatewayUnderTest();
  auto inbound = client<InboundProxy>(kInboundPath, "enduser");
  SubmissionSpec spec;
  spec.end_user_reference = "malformed-form";
  spec.form_data = "<Skjema><Ikke lukket>";
  spec.attachment = "bytes that must not stay on disk";
  const std::string submissions = gw.sql("SELECT COUNT(*) FROM submission");
  const std::string receipts = gw.sql("SELECT COUNT(*) FROM receipt");
  BOOST_TEST(submit(inbound, gw.identity("enduser"), spec, nullptr) != SOAP_OK);
  BOOST_TEST(altinnFault(inbound->soap) != nullptr);
  BOOST_TEST(gw.sql("SELECT COUNT(*) FROM submission") == submissions);
  BOOST_TEST(gw.sql("SELECT COUNT(*) FROM receipt") == receipts);
}

BOOST_AUTO_TEST_SUITE_END()
