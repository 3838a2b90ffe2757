#pragma once
// Checks the system credentials carried in a request body against the registered system and the
// organisation number of the caller's certificate.
//
// A slow hash on every request would cap throughput far below the target, so a successful check is
// remembered for a short time as HMAC-SHA256(process-random key, username \0 password \0 version \0
// stored hash): the cache holds no password and no reusable hash, the stored hash stays slow, and a
// password change (credential_version bump, or any change of the stored hash) or the TTL ends the
// entry. Failed checks are never cached.
//
// The system record itself is read from the repository at most once per `record_ttl` per user
// name (0: on every call), so deactivating a system or changing its password or organisation takes
// effect within record_ttl (default 1 s in the gateway). Without that cache the read is one database
// round trip per request, as costly as the rest of a submission's database work together.
//
// Thread-safe: the cache is split into shards, each behind its own mutex, so concurrent workers
// rarely contend; no lock is held during the repository call or the slow hash.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "persistence/records.h"
#include "persistence/repositories.h"

namespace gateway::auth {

class CredentialVerifier {
 public:
  // The slow comparison (default: verifyPassword from password_hash.h) and the clock; replaceable
  // so tests can count slow checks and move time.
  using PasswordCheck = std::function<bool(const std::string& password, const std::string& encoded_hash)>;
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `systems` must outlive the verifier. cache_ttl <= 0 disables the credential cache, record_ttl
  // <= 0 the system-record cache.
  CredentialVerifier(persistence::SystemRepository& systems, std::chrono::seconds cache_ttl,
                     std::chrono::milliseconds record_ttl = std::chrono::milliseconds(0));
  CredentialVerifier(persistence::SystemRepository& systems, std::chrono::seconds cache_ttl, PasswordCheck check,
                     Clock clock, std::chrono::milliseconds record_ttl = std::chrono::milliseconds(0));
  ~CredentialVerifier();

  // The system when: username and password are present and non-empty (else kUnauthenticated,
  // ErrorID 989), the system exists, is active and the password matches (else kUnauthenticated,
  // 989, with one message for all three so callers cannot probe which usernames exist), and its org
  // number equals `certificate_org_number` (else kPermissionDenied, ErrorID 5). The organisation is
  // compared only after the password matched, so a wrong-org caller learns nothing about other
  // organisations' systems. Repository failures pass through (e.g. kUnavailable).
  Result<persistence::SystemRecord> verify(const std::string* username, const std::string* password,
                                           const std::string& certificate_org_number);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gateway::auth
