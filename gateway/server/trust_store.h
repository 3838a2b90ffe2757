#pragma once
// The X509_STORE that client certificates are verified against: the CA bundle (tls.client_ca, read
// once at start-up) plus the current CRLs (tls.crl, replaceable while the server runs).
//
// How a new store reaches handshakes: install() builds a complete new X509_STORE and swaps the
// pointer under a mutex; a ClientHello callback on the SSL_CTX (attach()) gives every new handshake
// its own reference with SSL_set1_verify_cert_store. Why not SSL_CTX_set1_cert_store: OpenSSL's
// verifier uses the SSL_CTX's store without taking a reference, so replacing it would free it under
// handshakes in flight unless a lock were held across every handshake (inside gSOAP's accept). With
// a reference per SSL, a handshake keeps the store it started with, the old store is freed when its
// last handshake ends, and the lock is held only to copy a pointer and bump its count.
//
// Thread safety: every method may be called from any thread at any time.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "server/crl_set.h"

typedef struct x509_st X509;
typedef struct x509_store_st X509_STORE;
typedef struct X509_VERIFY_PARAM_st X509_VERIFY_PARAM;
typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;
struct stack_st_X509;

namespace gateway::server {

class TrustStore {
 public:
  // Builds the first store from the certificates in the PEM file `ca_bundle`, the CRLs in `crls` and
  // the verification parameters (flags, depth, purpose) of `template_store`, plus CRL checking of the
  // whole chain (X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL). kInvalidArgument when the
  // bundle cannot be read or holds no certificate.
  static Result<std::unique_ptr<TrustStore>> create(const std::string& ca_bundle, const CrlSet& crls,
                                                    const X509_STORE* template_store);
  ~TrustStore();
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  // Makes a store with the same CA certificates and `crls` the current one. kInternal when OpenSSL
  // cannot build it (the current store then stays). Handshakes already started keep their store.
  Status install(const CrlSet& crls);

  // Makes `ctx` verify every new handshake against the current store (a ClientHello callback), and
  // sets the current store as `ctx`'s own store too. Call before the first handshake; this object
  // must outlive `ctx`'s handshakes.
  void attach(SSL_CTX* ctx);

  // Counts install() calls; lets a connection notice that the store changed since it was verified.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Verifies `leaf` (with the untrusted intermediates `chain`, may be null) as a TLS client
  // certificate against the current store, CRLs included, as OpenSSL's server side does: purpose
  // "ssl_client", then `overrides` (the SSL's own parameters, may be null) on top. kPermissionDenied
  // with OpenSSL's reason ("certificate revoked", ...) when it fails.
  Status verifyClientCertificate(X509* leaf, struct stack_st_X509* chain,
                                 const X509_VERIFY_PARAM* overrides = nullptr) const;
  // The same for the peer of an established connection (a resumed session carries the certificate
  // of its original handshake). kPermissionDenied when there is no peer certificate. A certificate
  // that passed against the current generation is remembered for kVerifiedFor (by its SHA-1
  // fingerprint, which OpenSSL keeps with the certificate), so a client resuming often costs one
  // lookup, not a chain verification, per handshake; install() forgets them all.
  Status verifyPeer(SSL* ssl) const;

  static constexpr std::chrono::seconds kVerifiedFor{60};
  static constexpr std::size_t kMaxRemembered = 10000;  // then the memory starts over

 private:
  TrustStore() = default;
  // A new store with certificates_, `crls` and params_from's parameters; null on failure.
  X509_STORE* build(const CrlSet& crls, const X509_STORE* params_from) const;
  // The current store with one more reference (the caller frees it).
  X509_STORE* acquire() const;
  static int onClientHello(SSL* ssl, int* alert, void* arg);

  struct Verified {
    std::uint64_t generation;
    std::chrono::steady_clock::time_point at;
  };
  struct FingerprintHash {
    std::size_t operator()(const std::string& fingerprint) const;
  };

  std::vector<X509*> certificates_;  // owned; read-only after create()
  mutable std::mutex verified_mutex_;
  mutable std::unordered_map<std::string, Verified, FingerprintHash> verified_;  // guarded by verified_mutex_
  mutable std::mutex mutex_;
  X509_STORE* current_ = nullptr;  // guarded by mutex_; owns one reference
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace gateway::server
