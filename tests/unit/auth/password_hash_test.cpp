#define BOOST_TEST_MODULE password_hash
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "auth/password_hash.h"

namespace bdata = boost::unit_test::data;
using namespace gateway::auth;

namespace {
constexpr int kFast = kMinPbkdf2Iterations;  // keeps the suite quick; the format is the same
}

BOOST_AUTO_TEST_SUITE(PasswordHash)

BOOST_AUTO_TEST_CASE(RoundTripsWithDefaultIterations) {
  auto encoded = hashPassword("correct horse battery staple");
  BOOST_REQUIRE(encoded.ok());
  BOOST_TEST(encoded->rfind("pbkdf2-sha256$210000$", 0) == 0u);
  BOOST_TEST(verifyPassword("correct horse battery staple", encoded.value()));
}

BOOST_AUTO_TEST_CASE(RejectsWrongPassword) {
  auto encoded = hashPassword("secret", kFast);
  BOOST_REQUIRE(encoded.ok());
  BOOST_TEST(!verifyPassword("Secret", encoded.value()));
  BOOST_TEST(!verifyPassword("", encoded.value()));
  BOOST_TEST(!verifyPassword("secret ", encoded.value()));
}

BOOST_AUTO_TEST_CASE(SaltsEveryHash) {
  auto a = hashPassword("same", kFast);
  auto b = hashPassword("same", kFast);
  BOOST_REQUIRE(a.ok() && b.ok());
  BOOST_TEST(a.value() != b.value());
  BOOST_TEST(verifyPassword("same", a.value()));
  BOOST_TEST(verifyPassword("same", b.value()));
}

BOOST_AUTO_TEST_CASE(HandlesNonAsciiAndNulBytes) {
  const std::string password = std::string("bl\xc3\xa5" "b\xc3\xa6r\0x", 10);
  auto encoded = hashPassword(password, kFast);
  BOOST_REQUIRE(encoded.ok());
  BOOST_TEST(verifyPassword(password, encoded.value()));
  BOOST_TEST(!verifyPassword(password.substr(0, 8), encoded.value()));
}

BOOST_AUTO_TEST_CASE(RefusesIterationCountsOutOfBounds) {
  BOOST_TEST(!hashPassword("x", kMinPbkdf2Iterations - 1).ok());
  BOOST_TEST(!hashPassword("x", kMaxPbkdf2Iterations + 1).ok());
}

// A valid hash of "pw" with 1000 iterations, taken apart and broken one way at a time.
std::string validHash() {
  static const std::string hash = hashPassword("pw", kFast).value();
  return hash;
}

std::string replaceField(int index, const std::string& value) {
  std::string h = validHash();
  std::size_t begin = 0;
  for (int i = 0; i < index; ++i) begin = h.find('$', begin) + 1;
  std::size_t end = h.find('$', begin);
  return h.substr(0, begin) + value + (end == std::string::npos ? "" : h.substr(end));
}

BOOST_AUTO_TEST_CASE(TheUnbrokenHashVerifies) { BOOST_TEST(verifyPassword("pw", validHash())); }

BOOST_DATA_TEST_CASE(RejectsMalformedEncodings,
                     bdata::make({std::string(""), std::string("pw"), std::string("$$$"),
                                  replaceField(0, "pbkdf2-sha1"),     // other scheme
                                  replaceField(1, "01000"),           // leading zero
                                  replaceField(1, "999"),             // below the floor
                                  replaceField(1, "100000000"),       // above the ceiling
                                  replaceField(1, "1e3"),             // not a number
                                  replaceField(1, ""),                // empty count
                                  replaceField(2, "AAAA"),            // salt of 3 bytes
                                  replaceField(2, "!!!!!!!!!!!!!!!!!!!!!!!!"),  // not base64
                                  replaceField(3, "AAAA"),            // hash too short
                                  replaceField(3, validHash().substr(validHash().rfind('$') + 1, 40)),  // bad length
                                  validHash() + "$extra",             // extra field
                                  validHash().substr(0, validHash().rfind('$')),  // missing hash
                                  validHash() + "=",                  // bad padding
                                  validHash() + "\n"}),
                     encoded) {
  BOOST_TEST(!verifyPassword("pw", encoded));
}

BOOST_AUTO_TEST_CASE(RejectsNonCanonicalBase64) {
  // Same bytes except stray low bits in the final base64 character of the salt.
  std::string h = validHash();
  std::size_t salt_end = h.rfind('$');
  std::size_t pad = salt_end - 3;  // "xx==" ends the 16-byte salt: the char before "==" carries 4 spare bits
  BOOST_REQUIRE_EQUAL(h.substr(salt_end - 2, 2), "==");
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t value = alphabet.find(h[pad]);
  h[pad] = alphabet[value ^ 1];
  BOOST_TEST(!verifyPassword("pw", h));
}

BOOST_AUTO_TEST_SUITE_END()
