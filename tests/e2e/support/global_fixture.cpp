// Starts the gateway once per test binary, before the first test case, and stops it after the last.
#include <boost/test/unit_test.hpp>

#include <csignal>

#include "gateway_under_test.h"

namespace {
struct StartGateway {
  StartGateway() {
    // A client still writing when the gateway refuses and closes (an oversize upload) must see an
    // error, not die of SIGPIPE: TLS writes go through OpenSSL's socket BIO, which MSG_NOSIGNAL
    // does not reach.
    std::signal(SIGPIPE, SIG_IGN);
    gateway::testing::gatewayUnderTest();
  }
};
}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(StartGateway);
