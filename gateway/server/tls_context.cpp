#include "server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <mutex>

#include "common/log.h"
#include "stdsoap2.h"

namespace gateway::server {
namespace {

constexpr char kSessionIdContext[] = "gatewayd";
constexpr long kSessionCacheSize = 20000;  // ~ a few MB; far above the connections we keep open
// TLS 1.2: forward secrecy and AEAD only. (TLS 1.3 suites are all ECDHE/AEAD already.)
constexpr char kCipherList[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr char kGroups[] = "X25519:P-256:P-384";

std::string opensslErrors() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

Status fail(const std::string& what) { return Status::InvalidArgument("TLS: " + what + ": " + opensslErrors()); }

// The first CRLs, read the way a reload reads them (server/crl_reloader.h), into a TrustStore that
// `ctx` verifies new handshakes against from now on.
Result<ServerTrust> loadCrls(SSL_CTX* ctx, const config::TlsConfig& tls) {
  std::unique_ptr<CrlSource> source = crlFile(tls.crl);
  const FileStamp stamp = source->stamp();  // before reading: a change after it is noticed later
  auto text = source->read();
  if (!text.ok()) return Status::InvalidArgument("TLS: cannot read CRL file " + tls.crl + ": " + text.status().message());
  auto crls = CrlSet::parse(text.value());
  if (!crls.ok()) return Status::InvalidArgument("TLS: cannot read CRL file " + tls.crl + ": " + crls.status().message());
  if (Status current = crls.value().checkCurrent(std::chrono::system_clock::now()); !current.ok()) {
    log::warn("tls.crl.out_of_date", {{"file", tls.crl}, {"reason", current.message()}});
  }
  auto store = TrustStore::create(tls.client_ca, crls.value(), SSL_CTX_get_cert_store(ctx));
  if (!store.ok()) return store.status();
  ServerTrust trust;
  trust.store = std::move(store).value();
  trust.store->attach(ctx);
  TrustStore* target = trust.store.get();
  trust.reloader = std::make_unique<CrlReloader>(std::move(source), stamp,
                                                 [target](const CrlSet& next) { return target->install(next); });
  log::info("tls.crl.loaded", {{"file", tls.crl},
                               {"crls", std::to_string(crls.value().size())},
                               {"next_update", crls.value().nextUpdates()}});
  return Result<ServerTrust>(std::move(trust));
}

}  // namespace

Result<ServerTrust> configureServerTls(struct soap* master, const config::TlsConfig& tls) {
  if (tls.certificate.empty() || tls.key.empty() || tls.client_ca.empty()) {
    return Status::InvalidArgument("TLS: tls.certificate, tls.key and tls.client_ca are required");
  }
  static std::once_flag init_once;
  std::call_once(init_once, [] { soap_ssl_init(); });
  ERR_clear_error();

  // The key file goes in separately below: gSOAP's keyfile argument expects key and chain in one PEM.
  const unsigned short flags = SOAP_SSL_REQUIRE_CLIENT_AUTHENTICATION | SOAP_SSL_NO_DEFAULT_CA_PATH | SOAP_TLSv1_2 |
                               SOAP_TLSv1_3;
  if (soap_ssl_server_context(master, flags, nullptr, nullptr, tls.client_ca.c_str(), nullptr, nullptr, nullptr,
                              kSessionIdContext) != SOAP_OK) {
    const char* why = *soap_faultstring(master);
    const char* detail = *soap_faultdetail(master);
    return Status::InvalidArgument(std::string("TLS: cannot use client CA bundle ") + tls.client_ca + ": " +
                                   (why ? why : "") + (detail ? std::string(" (") + detail + ")" : ""));
  }
  SSL_CTX* ctx = master->ctx;
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.certificate.c_str()) != 1) {
    return fail("cannot read certificate chain " + tls.certificate);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, tls.key.c_str(), SSL_FILETYPE_PEM) != 1) {
    return fail("cannot use private key " + tls.key + " (unreadable, or not the key of the certificate)");
  }
  if (SSL_CTX_check_private_key(ctx) != 1) return fail("private key does not match certificate " + tls.certificate);
  ServerTrust trust;
  if (!tls.crl.empty()) {
    auto loaded = loadCrls(ctx, tls);
    if (!loaded.ok()) return loaded.status();
    trust = std::move(loaded).value();
  }
  if (SSL_CTX_set_cipher_list(ctx, kCipherList) != 1) return fail("cipher list");
  if (SSL_CTX_set1_groups_list(ctx, kGroups) != 1) return fail("key exchange groups");
  SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  // gSOAP turns tickets off; we want them (stateless resumption scales across workers).
  SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
  SSL_CTX_sess_set_cache_size(ctx, kSessionCacheSize);
  SSL_CTX_set_timeout(ctx, static_cast<long>(kSessionLifetime.count()));
  SSL_CTX_set_num_tickets(ctx, 1);  // one ticket per full handshake is enough for a reconnecting client
  return Result<ServerTrust>(std::move(trust));
}

}  // namespace gateway::server
