#include "server/trust_store.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cstring>

namespace gateway::server {
namespace {

constexpr unsigned long kCrlFlags = X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;

Result<std::vector<X509*>> readCertificates(const std::string& path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), BIO_free);
  if (!bio) {
    ERR_clear_error();
    return Status::InvalidArgument("TLS: cannot read client CA bundle " + path);
  }
  STACK_OF(X509_INFO)* infos = PEM_X509_INFO_read_bio(bio.get(), nullptr, nullptr, nullptr);
  ERR_clear_error();
  std::vector<X509*> certificates;
  for (int i = 0; infos && i < sk_X509_INFO_num(infos); ++i) {
    X509_INFO* info = sk_X509_INFO_value(infos, i);
    if (info->x509 && X509_up_ref(info->x509) == 1) certificates.push_back(info->x509);
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  if (certificates.empty()) return Status::InvalidArgument("TLS: no certificate in client CA bundle " + path);
  return certificates;
}

}  // namespace

Result<std::unique_ptr<TrustStore>> TrustStore::create(const std::string& ca_bundle, const CrlSet& crls,
                                                       const X509_STORE* template_store) {
  auto certificates = readCertificates(ca_bundle);
  if (!certificates.ok()) return certificates.status();
  std::unique_ptr<TrustStore> store(new TrustStore());
  store->certificates_ = std::move(certificates).value();
  store->current_ = store->build(crls, template_store);
  if (!store->current_) return Status::Internal("TLS: cannot build the certificate store");
  return store;
}

TrustStore::~TrustStore() {
  X509_STORE_free(current_);
  for (X509* certificate : certificates_) X509_free(certificate);
}

X509_STORE* TrustStore::build(const CrlSet& crls, const X509_STORE* params_from) const {
  X509_STORE* store = X509_STORE_new();
  if (!store) return nullptr;
  bool ok = X509_VERIFY_PARAM_set1(X509_STORE_get0_param(store), X509_STORE_get0_param(params_from)) == 1;
  for (X509* certificate : certificates_) ok = ok && X509_STORE_add_cert(store, certificate) == 1;
  for (X509_CRL* crl : crls.crls()) ok = ok && X509_STORE_add_crl(store, crl) == 1;
  ok = ok && X509_STORE_set_flags(store, kCrlFlags) == 1;
  if (!ok) {
    ERR_clear_error();
    X509_STORE_free(store);
    return nullptr;
  }
  return store;
}

Status TrustStore::install(const CrlSet& crls) {
  // The parameters come from the current store, so every generation verifies the same way.
  X509_STORE* previous = acquire();
  X509_STORE* next = build(crls, previous);
  X509_STORE_free(previous);
  if (!next) return Status::Internal("TLS: cannot build the certificate store");
  {
    std::lock_guard lock(mutex_);
    previous = current_;
    current_ = next;
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  X509_STORE_free(previous);  // handshakes still using it hold their own reference
  {
    std::lock_guard lock(verified_mutex_);
    verified_.clear();
  }
  return Status::Ok();
}

X509_STORE* TrustStore::acquire() const {
  std::lock_guard lock(mutex_);
  X509_STORE_up_ref(current_);
  return current_;
}

void TrustStore::attach(SSL_CTX* ctx) {
  X509_STORE* store = acquire();
  SSL_CTX_set1_cert_store(ctx, store);
  X509_STORE_free(store);
  SSL_CTX_set_client_hello_cb(ctx, &TrustStore::onClientHello, this);
}

int TrustStore::onClientHello(SSL* ssl, int* alert, void* arg) {
  X509_STORE* store = static_cast<TrustStore*>(arg)->acquire();
  const long ok = SSL_set1_verify_cert_store(ssl, store);
  X509_STORE_free(store);
  if (ok != 1) {
    *alert = SSL_AD_INTERNAL_ERROR;
    return SSL_CLIENT_HELLO_ERROR;
  }
  return SSL_CLIENT_HELLO_SUCCESS;
}

Status TrustStore::verifyClientCertificate(X509* leaf, STACK_OF(X509)* chain,
                                           const X509_VERIFY_PARAM* overrides) const {
  if (!leaf) return Status::PermissionDenied("no client certificate");
  X509_STORE* store = acquire();
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  int result = 0;
  int error = X509_V_ERR_UNSPECIFIED;
  if (ctx && X509_STORE_CTX_init(ctx, store, leaf, chain) == 1) {
    X509_STORE_CTX_set_default(ctx, "ssl_client");  // what OpenSSL's server side uses for a client's chain
    if (overrides) X509_VERIFY_PARAM_set1(X509_STORE_CTX_get0_param(ctx), overrides);
    result = X509_verify_cert(ctx);
    error = X509_STORE_CTX_get_error(ctx);
  }
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  ERR_clear_error();
  if (result == 1) return Status::Ok();
  return Status::PermissionDenied(X509_verify_cert_error_string(error));
}

std::size_t TrustStore::FingerprintHash::operator()(const std::string& fingerprint) const {
  std::size_t h = 0;
  std::memcpy(&h, fingerprint.data(), std::min(sizeof h, fingerprint.size()));  // already uniformly spread
  return h;
}

Status TrustStore::verifyPeer(SSL* ssl) const {
  X509* leaf = SSL_get0_peer_certificate(ssl);
  if (!leaf) return Status::PermissionDenied("no client certificate");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  std::string fingerprint;
  if (X509_digest(leaf, EVP_sha1(), digest, &length) == 1) fingerprint.assign(reinterpret_cast<char*>(digest), length);
  const std::uint64_t generation = this->generation();  // before verifying: never newer than the store used
  const auto now = std::chrono::steady_clock::now();
  if (!fingerprint.empty()) {
    std::lock_guard lock(verified_mutex_);
    auto it = verified_.find(fingerprint);
    if (it != verified_.end() && it->second.generation == generation && now - it->second.at < kVerifiedFor) {
      return Status::Ok();
    }
  }
  Status status = verifyClientCertificate(leaf, SSL_get_peer_cert_chain(ssl), SSL_get0_param(ssl));
  if (status.ok() && !fingerprint.empty()) {
    std::lock_guard lock(verified_mutex_);
    if (verified_.size() >= kMaxRemembered) verified_.clear();
    verified_[fingerprint] = Verified{generation, now};
  }
  return status;
}

}  // namespace gateway::server
