#define BOOST_TEST_MODULE party_numbers
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "core/party_numbers.h"

namespace bdata = boost::unit_test::data;
using namespace gateway::core;

BOOST_AUTO_TEST_SUITE(PartyNumbers)

BOOST_DATA_TEST_CASE(AcceptsValidOrganisationNumbers, bdata::make({"910000004", "910000101", "910000209", "974760673"}),
                     number) {
  BOOST_TEST(isValidOrganisationNumber(number));
  BOOST_TEST(isValidReportee(number));
}

BOOST_DATA_TEST_CASE(RejectsInvalidOrganisationNumbers,
                     bdata::make({"910000005", "91000000", "9100000044", "91000000a", "", "000000000x"}), number) {
  BOOST_TEST(!isValidOrganisationNumber(number));
}

BOOST_DATA_TEST_CASE(AcceptsValidNationalIdentityNumbers, bdata::make({"01019010046", "01019010127"}), number) {
  BOOST_TEST(isValidNationalIdentityNumber(number));
  BOOST_TEST(isValidReportee(number));
}

BOOST_DATA_TEST_CASE(RejectsInvalidNationalIdentityNumbers,
                     bdata::make({"01019010047", "0101901004", "010190100466", "0101901004x"}), number) {
  BOOST_TEST(!isValidNationalIdentityNumber(number));
  BOOST_TEST(!isValidReportee(number));
}

BOOST_AUTO_TEST_SUITE_END()
