#define BOOST_TEST_MODULE e2e_certificate_matrix
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "raw_https.h"
#include "submissions.h"

namespace bdata = boost::unit_test::data;
using namespace gateway::testing;

BOOST_AUTO_TEST_SUITE(CertificateMatrix)

// The TLS layer refuses these: no HTTP response is ever read.
BOOST_DATA_TEST_CASE(RefusesConnectionsWithoutAGoodCertificate, bdata::make({"", "untrusted", "expired", "revoked"}),
                     identity) {
  RawResponse r = rawRequest("GET", "/health", "", identity);
  BOOST_TEST(!r.connected, "identity '" << identity << "' got HTTP " << r.status);
  BOOST_TEST(gatewayUnderTest().running());
}

BOOST_AUTO_TEST_CASE(AcceptsAValidCertificate) {
  RawResponse r = rawRequest("GET", "/health", "", "agency");
  BOOST_TEST(r.connected);
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body.find("\"ok\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(CertificateWithoutOrganisationNumberGetsFault5) {
  auto& gw = gatewayUnderTest();
  auto queue = client<QueueProxy>(kQueuePath, "noorg");
  Identity agency = gw.identity("agency");
  _dq__GetDownloadQueueItems req;
  _dq__GetDownloadQueueItemsResponse resp;
  req.systemUserName = &agency.system_user;
  req.systemPassword = &agency.system_password;
  BOOST_TEST(queue->GetDownloadQueueItems(&req, resp) != SOAP_OK);
  BOOST_TEST(altinnErrorId(queue->soap).value_or(-1) == 5);
}

BOOST_AUTO_TEST_CASE(ValidCertificateWithAnotherOrganisationsCredentialsGetsFault5) {
  auto& gw = gatewayUnderTest();
  auto queue = client<QueueProxy>(kQueuePath, "agency");
  Identity agency2 = gw.identity("agency2");
  _dq__GetDownloadQueueItems req;
  _dq__GetDownloadQueueItemsResponse resp;
  req.systemUserName = &agency2.system_user;
  req.systemPassword = &agency2.system_password;
  BOOST_TEST(queue->GetDownloadQueueItems(&req, resp) != SOAP_OK);
  BOOST_TEST(altinnErrorId(queue->soap).value_or(-1) == 5);
}

BOOST_AUTO_TEST_CASE(WrongPasswordGetsFault989) {
  auto& gw = gatewayUnderTest();
  auto queue = client<QueueProxy>(kQueuePath, "agency");
  Identity agency = gw.identity("agency");
  std::string wrong = "not-the-password";
  _dq__GetDownloadQueueItems req;
  _dq__GetDownloadQueueItemsResponse resp;
  req.systemUserName = &agency.system_user;
  req.systemPassword = &wrong;
  BOOST_TEST(queue->GetDownloadQueueItems(&req, resp) != SOAP_OK);
  BOOST_TEST(altinnErrorId(queue->soap).value_or(-1) == 989);
  req.systemPassword = nullptr;
  BOOST_TEST(queue->GetDownloadQueueItems(&req, resp) != SOAP_OK);
  BOOST_TEST(altinnErrorId(queue->soap).value_or(-1) == 989);
}

BOOST_AUTO_TEST_CASE(EndUserSystemCannotUseServiceOwnerOperations) {
  auto& gw = gatewayUnderTest();
  auto queue = client<QueueProxy>(kQueuePath, "enduser");
  Identity enduser = gw.identity("enduser");
  _dq__GetDownloadQueueItems req;
  _dq__GetDownloadQueueItemsResponse resp;
  req.systemUserName = &enduser.system_user;
  req.systemPassword = &enduser.system_password;
  BOOST_TEST(queue->GetDownloadQueueItems(&req, resp) != SOAP_OK);
  BOOST_TEST(altinnErrorId(queue->soap).value_or(-1) == 5);
}

BOOST_AUTO_TEST_SUITE_END()
