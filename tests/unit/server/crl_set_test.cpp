// server/crl_set.h: parsing a tls.crl file's text and checking that its CRLs are current.
#define BOOST_TEST_MODULE crl_set
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>
#include <iterator>

#include "server/crl_set.h"
#include "test_pki.h"

using gateway::server::CrlSet;
using namespace std::chrono_literals;

namespace {

const test_pki::Pki& pki() {
  static test_pki::Pki instance;
  return instance;
}

const auto kNow = [] { return std::chrono::system_clock::now(); };

}  // namespace

BOOST_AUTO_TEST_SUITE(CrlSetTest)

BOOST_AUTO_TEST_CASE(ParsesEveryCrlInTheText) {
  const std::string text = "leading text is ignored\n" + pki().crlPem({6}) + pki().crlPem({3, 6}, -60, 7200);
  auto set = CrlSet::parse(text);
  BOOST_REQUIRE_MESSAGE(set.ok(), set.status().message());
  BOOST_TEST(set.value().size() == 2u);
  BOOST_TEST(set.value().crls().size() == 2u);
  BOOST_TEST(set.value().info()[0].issuer.find("Test Root CA") != std::string::npos);
  BOOST_REQUIRE(set.value().info()[1].next_update.has_value());
  const auto in_two_hours = *set.value().info()[1].next_update - kNow();
  BOOST_TEST(std::chrono::duration_cast<std::chrono::minutes>(in_two_hours).count() >= 118);
  BOOST_TEST(set.value().nextUpdates().find(',') != std::string::npos);
  BOOST_TEST(set.value().checkCurrent(kNow()).ok());
}

BOOST_AUTO_TEST_CASE(RefusesTextWithoutACrl) {
  BOOST_TEST(!CrlSet::parse("").ok());
  BOOST_TEST(!CrlSet::parse("not a CRL at all\n").ok());
  BOOST_TEST(CrlSet::parse("").status().message() == "no CRL in the file");
}

BOOST_AUTO_TEST_CASE(RefusesABlockCutShort) {
  const std::string whole = pki().crlPem({6});
  auto half = CrlSet::parse(whole + whole.substr(0, whole.size() / 2));
  BOOST_REQUIRE(!half.ok());
  BOOST_TEST(half.status().message().find("block 2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RefusesABlockThatIsNotACrl) {
  std::ifstream in(pki().pem("agency"));
  const std::string certificate((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto mixed = CrlSet::parse(pki().crlPem({6}) + certificate);
  BOOST_REQUIRE(!mixed.ok());
  BOOST_TEST(mixed.status().message().find("not a CRL") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RefusesABlockWhoseContentIsNotACrl) {
  auto garbled = CrlSet::parse("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
  BOOST_REQUIRE(!garbled.ok());
  BOOST_TEST(garbled.status().message().find("does not decode") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ACrlPastItsNextUpdateIsNotCurrent) {
  auto set = CrlSet::parse(pki().crlPem({6}) + pki().crlPem({6}, -7200, -3600));
  BOOST_REQUIRE(set.ok());  // it parses; whether it may be used is checkCurrent's call
  const auto status = set.value().checkCurrent(kNow());
  BOOST_TEST(!status.ok());
  BOOST_TEST(status.message().find("expired") != std::string::npos);
  auto expired = CrlSet::parse(pki().crlPem({6}, -7200, -3600));
  BOOST_REQUIRE(expired.ok());
  BOOST_TEST(!expired.value().checkCurrent(kNow()).ok());
  BOOST_TEST(expired.value().checkCurrent(kNow() - 90min).ok());  // it was current then
}

BOOST_AUTO_TEST_CASE(ACrlNotValidYetIsNotCurrent) {
  auto set = CrlSet::parse(pki().crlPem({6}, 3600, 7200));
  BOOST_REQUIRE(set.ok());
  BOOST_TEST(set.value().checkCurrent(kNow()).message().find("not valid yet") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(FormatsTimesAsUtc) {
  BOOST_TEST(gateway::server::formatUtc(std::chrono::system_clock::from_time_t(0)) == "1970-01-01T00:00:00Z");
}

BOOST_AUTO_TEST_SUITE_END()
