#define BOOST_TEST_MODULE sms_sender
#include <boost/test/unit_test.hpp>

#include "delivery/sms_sender.h"

using namespace gateway;
using gateway::delivery::smsJson;

BOOST_AUTO_TEST_SUITE(SmsSenderTests)

BOOST_AUTO_TEST_CASE(BodyIsTheDocumentedJson) {
  BOOST_TEST(smsJson("+4791234567", "Etat", "Hei \"Ola\"\næøå\\") ==
             R"({"to":"+4791234567","from":"Etat","text":"Hei \"Ola\"\næøå\\"})");
}

BOOST_AUTO_TEST_CASE(ControlCharactersAreEscaped) {
  BOOST_TEST(smsJson("1", "2", std::string("a\x01") + "b") == R"({"to":"1","from":"2","text":"a\u0001b"})");
}

BOOST_AUTO_TEST_CASE(WithoutAGatewayUrlSendingFailsTemporarily) {
  delivery::SmsSender sender(config::SmsConfig{});
  persistence::OutboxMessage m;
  const Status s = sender.send(m);
  BOOST_TEST((s.code() == StatusCode::kUnavailable));
}

BOOST_AUTO_TEST_SUITE_END()
