// core/broker_manifest: the manifest and recipient-list documents, written and validated against
// the project's schemas; every problem is named.
#define BOOST_TEST_MODULE broker_manifest_test
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "core/broker_manifest.h"

using namespace gateway;
using namespace gateway::core;

namespace {

BrokerManifest sample() {
  BrokerManifest m;
  m.service_code = "4800";
  m.service_edition = 2;
  m.senders_reference = "Ref <1> & \"2\"";
  m.reportee = "910000306";
  m.files = {{"a.pdf", "abc"}, {"b.xml", ""}};
  m.properties = {{"key", "verdi æøå"}};
  return m;
}

const std::string kNs = "xmlns=\"http://schema.altinn.no/services/ServiceEngine/Broker/2015/06\"";

struct BadManifest {
  const char* name;
  std::string xml;
  const char* expected;  // in the message
};
std::ostream& operator<<(std::ostream& out, const BadManifest& b) { return out << b.name; }

const BadManifest kBadManifests[] = {
    {"not xml", "<BrokerServiceManifest", "not well-formed"},
    {"empty", "", "empty"},
    {"wrong root", "<Other " + kNs + "/>", "Other"},
    {"missing reportee",
     "<BrokerServiceManifest " + kNs +
         "><ExternalServiceCode>1</ExternalServiceCode><ExternalServiceEditionCode>1</ExternalServiceEditionCode>"
         "<SendersReference>r</SendersReference></BrokerServiceManifest>",
     "Reportee"},
    {"bad edition",
     "<BrokerServiceManifest " + kNs +
         "><ExternalServiceCode>1</ExternalServiceCode><ExternalServiceEditionCode>zero</ExternalServiceEditionCode>"
         "<SendersReference>r</SendersReference><Reportee>910000306</Reportee></BrokerServiceManifest>",
     "ExternalServiceEditionCode"},
    {"reportee check digit",
     "<BrokerServiceManifest " + kNs +
         "><ExternalServiceCode>1</ExternalServiceCode><ExternalServiceEditionCode>1</ExternalServiceEditionCode>"
         "<SendersReference>r</SendersReference><Reportee>910000307</Reportee></BrokerServiceManifest>",
     "Reportee"},
    {"doctype",
     "<!DOCTYPE x [<!ENTITY e \"e\">]><BrokerServiceManifest " + kNs + "/>", "DOCTYPE"},
    {"wrong namespace",
     "<BrokerServiceManifest xmlns=\"http://schemas.altinn.no/services/ServiceEngine/Broker/2015/06\"/>",
     "BrokerServiceManifest"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(BrokerManifestTests)

BOOST_AUTO_TEST_CASE(WrittenManifestValidatesAndReadsBack) {
  const std::string xml = manifestXml(sample());
  BOOST_TEST(xml.find("&lt;1&gt; &amp; &quot;2&quot;") != std::string::npos);
  auto parsed = parseManifest(xml);
  BOOST_TEST_REQUIRE(parsed.ok(), parsed.status().message());
  BOOST_TEST(parsed->service_code == "4800");
  BOOST_TEST(parsed->service_edition == 2);
  BOOST_TEST(parsed->senders_reference == "Ref <1> & \"2\"");
  BOOST_TEST(parsed->reportee == "910000306");
  BOOST_TEST_REQUIRE(parsed->files.size() == 2u);
  BOOST_TEST(parsed->files[0].checksum == "abc");
  BOOST_TEST(parsed->files[1].file_name == "b.xml");
  BOOST_TEST_REQUIRE(parsed->properties.size() == 1u);
  BOOST_TEST(parsed->properties[0].value == "verdi æøå");
}

BOOST_DATA_TEST_CASE(InvalidManifestIsRefusedNamingTheProblem, boost::unit_test::data::make(kBadManifests), bad) {
  auto parsed = parseManifest(bad.xml);
  BOOST_TEST_REQUIRE(!parsed.ok());
  BOOST_TEST((parsed.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(parsed.status().message().find(bad.expected) != std::string::npos, parsed.status().message());
}

BOOST_AUTO_TEST_CASE(EmptyRequiredValuesAreRefused) {
  BrokerManifest m = sample();
  m.service_code.clear();
  auto parsed = parseManifest(manifestXml(m));
  BOOST_TEST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.status().message().find("ExternalServiceCode") != std::string::npos, parsed.status().message());
}

BOOST_AUTO_TEST_CASE(RecipientListRoundTripsAndRefusesBadEntries) {
  auto ok = parseRecipientList(recipientListXml({"910000306", "01019010046"}));
  BOOST_TEST_REQUIRE(ok.ok(), ok.status().message());
  BOOST_TEST(ok.value() == (std::vector<std::string>{"910000306", "01019010046"}), boost::test_tools::per_element());

  auto none = parseRecipientList(recipientListXml({}));
  BOOST_TEST(none.status().message().find("recipient list is invalid") != std::string::npos, none.status().message());
  auto pattern = parseRecipientList(recipientListXml({"12"}));
  BOOST_TEST(pattern.status().message().find("PartyNumber") != std::string::npos, pattern.status().message());
  auto digits = parseRecipientList(recipientListXml({"910000306", "910000307"}));
  BOOST_TEST(digits.status().message().find("Recipient 2: PartyNumber is not a valid") != std::string::npos,
             digits.status().message());
  auto twice = parseRecipientList(recipientListXml({"910000306", "910000306"}));
  BOOST_TEST(twice.status().message().find("Recipient 2: PartyNumber is listed twice") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(MessagesNeverRepeatTheOffendingNumber) {
  // A national identity number with a typo must not travel into the fault (and the log).
  BrokerManifest m = sample();
  m.reportee = "0101901004";
  auto bad = parseManifest(manifestXml(m));
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.status().message().find("Reportee") != std::string::npos, bad.status().message());
  BOOST_TEST(bad.status().message().find("0101901004") == std::string::npos, bad.status().message());
  auto list = parseRecipientList(recipientListXml({"0101901004"}));
  BOOST_TEST(list.status().message().find("0101901004") == std::string::npos, list.status().message());
}

BOOST_AUTO_TEST_SUITE_END()
