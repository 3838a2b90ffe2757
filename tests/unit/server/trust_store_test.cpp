// server/trust_store.h: the store client certificates are verified against, and replacing its CRLs.
#define BOOST_TEST_MODULE trust_store
#include <boost/test/unit_test.hpp>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <ctime>
#include <memory>

#include "server/trust_store.h"
#include "test_pki.h"

using namespace gateway;
using namespace gateway::server;

namespace {

const test_pki::Pki& pki() {
  static test_pki::Pki instance;
  return instance;
}

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr certificate(const std::string& name) {
  FILE* f = std::fopen(pki().pem(name).c_str(), "r");
  X509* x = f ? PEM_read_X509(f, nullptr, nullptr, nullptr) : nullptr;
  if (f) std::fclose(f);
  return X509Ptr(x, X509_free);
}

CrlSet crls(const std::vector<long>& revoked) { return CrlSet::parse(pki().crlPem(revoked)).value(); }

std::unique_ptr<TrustStore> makeStore(const std::vector<long>& revoked) {
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> params(X509_STORE_new(), X509_STORE_free);
  auto store = TrustStore::create(pki().pem("ca"), crls(revoked), params.get());
  BOOST_REQUIRE_MESSAGE(store.ok(), store.status().message());
  return std::move(store).value();
}

Status verify(const TrustStore& store, const std::string& name) {
  return store.verifyClientCertificate(certificate(name).get(), nullptr);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(TrustStoreTest)

BOOST_AUTO_TEST_CASE(VerifiesAgainstTheCaBundleAndTheCrls) {
  auto store = makeStore({6});
  BOOST_TEST(verify(*store, "agency").ok());
  BOOST_TEST(verify(*store, "revoked").message() == "certificate revoked");
  BOOST_TEST((verify(*store, "untrusted").code() == StatusCode::kPermissionDenied));
  BOOST_TEST(!verify(*store, "expired").ok());
  BOOST_TEST(!store->verifyClientCertificate(nullptr, nullptr).ok());
}

BOOST_AUTO_TEST_CASE(InstalledCrlsTakeEffectAndCountAGeneration) {
  auto store = makeStore({6});
  const auto first = store->generation();
  BOOST_REQUIRE(store->install(crls({3, 6})).ok());  // agency (serial 3) revoked
  BOOST_TEST(store->generation() == first + 1);
  BOOST_TEST(verify(*store, "agency").message() == "certificate revoked");
  BOOST_TEST(verify(*store, "agency2").ok());
  BOOST_REQUIRE(store->install(crls({})).ok());  // and un-revoked (e.g. a hold lifted)
  BOOST_TEST(verify(*store, "agency").ok());
  BOOST_TEST(verify(*store, "revoked").ok());
}

BOOST_AUTO_TEST_CASE(KeepsTheVerifyParametersOfTheTemplate) {
  // The template's parameters (the SSL context's store, as gSOAP configured it) apply to every
  // generation of the store; here a verification time ten days back, before agency was issued.
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> params(X509_STORE_new(), X509_STORE_free);
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(params.get()), std::time(nullptr) - 10 * 86400);
  auto store = TrustStore::create(pki().pem("ca"), crls({}), params.get());
  BOOST_REQUIRE(store.ok());
  BOOST_TEST(!verify(*store.value(), "agency").ok());
  BOOST_REQUIRE(store.value()->install(crls({})).ok());
  BOOST_TEST(!verify(*store.value(), "agency").ok());
}

BOOST_AUTO_TEST_CASE(RefusesACaBundleWithoutCertificates) {
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> params(X509_STORE_new(), X509_STORE_free);
  BOOST_TEST(!TrustStore::create(pki().crl(), crls({}), params.get()).ok());
  BOOST_TEST(!TrustStore::create(pki().dir() + "/missing.pem", crls({}), params.get()).ok());
}

BOOST_AUTO_TEST_SUITE_END()
