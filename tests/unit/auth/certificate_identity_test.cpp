#define BOOST_TEST_MODULE certificate_identity
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <utility>
#include <vector>

#include "auth/certificate_identity.h"

using namespace gateway::auth;

namespace {

using Attributes = std::vector<std::pair<int, std::string>>;  // NID, value

struct CertFree {
  void operator()(X509* x) const { X509_free(x); }
};
using CertPtr = std::unique_ptr<X509, CertFree>;

EVP_PKEY* testKey() {
  static EVP_PKEY* key = EVP_EC_gen("P-256");  // one key for every test certificate
  return key;
}

// A self-signed certificate whose subject has exactly `attributes`, in order.
CertPtr makeCertificate(const Attributes& attributes) {
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& [nid, value] : attributes) {
    X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()), -1,
                               -1, 0);
  }
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), testKey());
  BOOST_REQUIRE(X509_sign(cert.get(), testKey(), EVP_sha256()) > 0);
  return cert;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(CertificateIdentityFromSubject)

BOOST_AUTO_TEST_CASE(ReadsOrgNumberFromSerialNumber) {
  auto cert = makeCertificate({{NID_countryName, "NO"}, {NID_organizationName, "ETAT"}, {NID_serialNumber, "910000004"}});
  auto id = identityFromCertificate(cert.get());
  BOOST_REQUIRE(id.org_number.has_value());
  BOOST_TEST(*id.org_number == "910000004");
}

BOOST_AUTO_TEST_CASE(ReadsOrgNumberFromOrganizationIdentifier) {
  auto cert = makeCertificate({{NID_organizationName, "ETAT2"}, {NID_organizationIdentifier, "NTRNO-910000101"}});
  auto id = identityFromCertificate(cert.get());
  BOOST_REQUIRE(id.org_number.has_value());
  BOOST_TEST(*id.org_number == "910000101");
}

BOOST_AUTO_TEST_CASE(HasNoOrgNumberWhenSubjectCarriesNeither) {
  auto cert = makeCertificate({{NID_commonName, "noorg"}, {NID_organizationName, "Nobody"}});
  BOOST_TEST(!identityFromCertificate(cert.get()).org_number.has_value());
}

BOOST_AUTO_TEST_CASE(IgnoresValuesThatAreNotNineDigits) {
  for (const char* bad : {"91000000", "9100000044", "91000000a", " 910000004", "NTRNO-910000004"}) {
    auto cert = makeCertificate({{NID_serialNumber, bad}});
    BOOST_TEST(!identityFromCertificate(cert.get()).org_number.has_value(), bad);
  }
  for (const char* bad : {"910000004", "NTRSE-910000004", "NTRNO-91000000", "NTRNO-9100000044", "ntrno-910000004"}) {
    auto cert = makeCertificate({{NID_organizationIdentifier, bad}});
    BOOST_TEST(!identityFromCertificate(cert.get()).org_number.has_value(), bad);
  }
}

BOOST_AUTO_TEST_CASE(AcceptsBothAttributesWhenTheyAgree) {
  auto cert = makeCertificate({{NID_serialNumber, "910000004"}, {NID_organizationIdentifier, "NTRNO-910000004"}});
  auto id = identityFromCertificate(cert.get());
  BOOST_REQUIRE(id.org_number.has_value());
  BOOST_TEST(*id.org_number == "910000004");
}

BOOST_AUTO_TEST_CASE(RefusesTwoDifferentOrgNumbers) {
  auto cert = makeCertificate({{NID_serialNumber, "910000004"}, {NID_organizationIdentifier, "NTRNO-910000101"}});
  BOOST_TEST(!identityFromCertificate(cert.get()).org_number.has_value());
  auto twice = makeCertificate({{NID_serialNumber, "910000004"}, {NID_serialNumber, "910000101"}});
  BOOST_TEST(!identityFromCertificate(twice.get()).org_number.has_value());
}

BOOST_AUTO_TEST_CASE(FormatsSubjectAsRfc2253) {
  auto cert = makeCertificate({{NID_countryName, "NO"}, {NID_organizationName, "Etat, avd. \"A\""},
                               {NID_serialNumber, "910000004"}});
  // RFC 2253 lists the most specific attribute first and escapes ',' and '"'.
  BOOST_TEST(identityFromCertificate(cert.get()).subject == "serialNumber=910000004,O=Etat\\, avd. \\\"A\\\",C=NO");
}

BOOST_AUTO_TEST_CASE(FingerprintIsLowerCaseSha256OfDer) {
  auto cert = makeCertificate({{NID_serialNumber, "910000004"}});
  unsigned char* der = nullptr;
  int size = i2d_X509(cert.get(), &der);
  BOOST_REQUIRE(size > 0);
  unsigned char md[32];
  unsigned int md_size = 0;
  EVP_Digest(der, static_cast<std::size_t>(size), md, &md_size, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < md_size; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", md[i]);
    hex += buf;
  }
  BOOST_TEST(identityFromCertificate(cert.get()).sha256_fingerprint == hex);
  BOOST_TEST(hex.size() == 64u);
}

BOOST_AUTO_TEST_CASE(NullCertificateGivesEmptyIdentity) {
  auto id = identityFromCertificate(nullptr);
  BOOST_TEST(!id.org_number.has_value());
  BOOST_TEST(id.subject.empty());
  BOOST_TEST(id.sha256_fingerprint.empty());
}

BOOST_AUTO_TEST_SUITE_END()
