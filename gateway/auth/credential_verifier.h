#pragma once
// Checks the system credentials carried in a request body against the registered system and the
// organisation number of the caller's certificate.
//
// A slow hash on every request would cap throughput far below the target, so a successful check is
// remembered for a short time as HMAC-SHA256(process-random key, username \0 password \0 version):
// the cache holds no password and no reusable hash, the stored hash stays slow, and a password change
// (credential_version bump) or the TTL ends the entry. Failed checks are never cached. Thread-safe.

#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"
#include "persistence/records.h"
#include "persistence/repositories.h"

namespace gateway::auth {

class CredentialVerifier {
 public:
  CredentialVerifier(persistence::SystemRepository& systems, std::chrono::seconds cache_ttl);
  ~CredentialVerifier();

  // The system when: username and password are present (else kUnauthenticated, ErrorID 989), the
  // system exists, is active and the password matches (else kUnauthenticated, 989), and its org
  // number equals `certificate_org_number` (else kPermissionDenied, ErrorID 5).
  Result<persistence::SystemRecord> verify(const std::string* username, const std::string* password,
                                           const std::string& certificate_org_number);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gateway::auth
