#define BOOST_TEST_MODULE backoff
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "delivery/backoff.h"

namespace bdata = boost::unit_test::data;
using gateway::delivery::retryDelay;

BOOST_AUTO_TEST_SUITE(Backoff)

BOOST_DATA_TEST_CASE(DoublesFromTheBaseUpToTheCap,
                     bdata::make({1, 2, 3, 4, 5, 6, 7, 100, 100000}) ^ bdata::make({30, 60, 120, 240, 480, 960, 1800, 1800, 1800}),
                     attempts, expected) {
  BOOST_TEST(retryDelay(attempts, 30, 1800).count() == expected);
}

BOOST_AUTO_TEST_CASE(ZeroBaseRetriesAtOnce) { BOOST_TEST(retryDelay(5, 0, 10).count() == 0); }

BOOST_AUTO_TEST_SUITE_END()
