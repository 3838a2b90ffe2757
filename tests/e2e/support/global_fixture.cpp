// Starts the gateway once per test binary, before the first test case, and stops it after the last.
#include <boost/test/unit_test.hpp>

#include "gateway_under_test.h"

namespace {
struct StartGateway {
  StartGateway() { gateway::testing::gatewayUnderTest(); }
};
}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(StartGateway);
