#pragma once
// The server's TLS settings, applied to the master gSOAP context before workers copy it (the
// SSL_CTX is shared by every copy; OpenSSL 3 makes that safe).
//
// - TLS 1.2 and 1.3 only. A client certificate is required on every connection and must chain to
//   tls.client_ca (and only to it: the system trust store is not used). With tls.crl set, every
//   certificate in the chain is checked against the CRLs in that file (CRL_CHECK | CRL_CHECK_ALL),
//   through a TrustStore whose CRLs the returned CrlReloader replaces while the server runs
//   (SIGHUP, tls.crl_reload_seconds); tls.client_ca and the rest are read at start-up only.
// - TLS 1.2 suites are ECDHE with AES-GCM or ChaCha20-Poly1305, server order preferred.
// - Session resumption, so repeat clients skip the full handshake: stateless session tickets
//   (TLS 1.3 PSK tickets and RFC 5077 tickets for TLS 1.2; ticket keys are random per process),
//   and a server-side session-ID cache for TLS 1.2 clients without ticket support. Resumed
//   sessions keep the verified client certificate; their lifetime is kSessionLifetime. OpenSSL does
//   not verify the certificate again on resumption, so the connection code re-checks a resumed
//   session's certificate against the current store (TrustStore::verifyPeer) and refuses a revoked one.

#include <chrono>
#include <memory>

#include "common/status.h"
#include "config/gateway_config.h"
#include "server/crl_reloader.h"
#include "server/trust_store.h"

struct soap;

namespace gateway::server {

inline constexpr std::chrono::seconds kSessionLifetime{300};

// What client certificates are checked against once tls.crl is set; both null without it (no CRLs,
// nothing to reload). The store must outlive every handshake on `master`'s SSL context.
struct ServerTrust {
  std::unique_ptr<TrustStore> store;
  std::unique_ptr<CrlReloader> reloader;  // installs into `store`
};

// Configures `master` (no SSL context yet) from `tls`. kInvalidArgument, naming the file and the
// OpenSSL reason, when a certificate, key, CA bundle or CRL cannot be loaded or do not match. A CRL
// file that parses but is out of date (past nextUpdate) is used anyway, with a tls.crl.out_of_date
// warning: at start-up there are no older CRLs to keep, and refusing to start would also shut out
// the clients of every other CA.
Result<ServerTrust> configureServerTls(struct soap* master, const config::TlsConfig& tls);

}  // namespace gateway::server
