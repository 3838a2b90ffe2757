#pragma once
// The server's TLS settings, applied to the master gSOAP context before workers copy it (the
// SSL_CTX is shared by every copy; OpenSSL 3 makes that safe).
//
// - TLS 1.2 and 1.3 only. A client certificate is required on every connection and must chain to
//   tls.client_ca (and only to it: the system trust store is not used). With tls.crl set, every
//   certificate in the chain is checked against the CRLs in that file (CRL_CHECK | CRL_CHECK_ALL).
// - TLS 1.2 suites are ECDHE with AES-GCM or ChaCha20-Poly1305, server order preferred.
// - Session resumption, so repeat clients skip the full handshake: stateless session tickets
//   (TLS 1.3 PSK tickets and RFC 5077 tickets for TLS 1.2; ticket keys are random per process),
//   and a server-side session-ID cache for TLS 1.2 clients without ticket support. Resumed
//   sessions keep the verified client certificate; their lifetime is kSessionLifetime, which
//   also bounds how long a certificate revoked after its last full handshake can resume.

#include <chrono>

#include "common/status.h"
#include "config/gateway_config.h"

struct soap;

namespace gateway::server {

inline constexpr std::chrono::seconds kSessionLifetime{300};

// Configures `master` (no SSL context yet) from `tls`. kInvalidArgument, naming the file and the
// OpenSSL reason, when a certificate, key, CA bundle or CRL cannot be loaded or do not match.
Status configureServerTls(struct soap* master, const config::TlsConfig& tls);

}  // namespace gateway::server
