#pragma once
// Salted slow hashes for system passwords: PBKDF2-HMAC-SHA256 with a per-password random salt.
// Encoded form (stored in the database): "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>".

#include <string>

#include "common/status.h"

namespace gateway::auth {

inline constexpr int kDefaultPbkdf2Iterations = 210000;  // OWASP 2023 figure for PBKDF2-SHA256
// Bounds accepted by both functions: the floor stops a weakened hash from being stored or accepted,
// the ceiling stops a corrupt row from pinning a worker for minutes.
inline constexpr int kMinPbkdf2Iterations = 1000;
inline constexpr int kMaxPbkdf2Iterations = 10000000;

// A new encoded hash of `password` with a fresh 16-byte salt (RAND_bytes) and a 32-byte key.
// kInvalidArgument when `iterations` is outside the bounds; kInternal when OpenSSL fails.
Result<std::string> hashPassword(const std::string& password, int iterations = kDefaultPbkdf2Iterations);

// Constant-time (CRYPTO_memcmp) check of `password` against an encoded hash. False for malformed
// encodings: another scheme, extra or missing fields, iterations out of bounds or with a leading
// zero, non-canonical base64, a salt under 8 bytes or a hash that is not 32 bytes. Thread-safe.
bool verifyPassword(const std::string& password, const std::string& encoded);

}  // namespace gateway::auth
