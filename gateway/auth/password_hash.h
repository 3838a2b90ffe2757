#pragma once
// Salted slow hashes for system passwords: PBKDF2-HMAC-SHA256 with a per-password random salt.
// Encoded form (stored in the database): "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>".

#include <string>

#include "common/status.h"

namespace gateway::auth {

inline constexpr int kDefaultPbkdf2Iterations = 210000;  // OWASP 2023 figure for PBKDF2-SHA256

// A new encoded hash of `password` with a fresh 16-byte salt.
Result<std::string> hashPassword(const std::string& password, int iterations = kDefaultPbkdf2Iterations);

// Constant-time check of `password` against an encoded hash. False for malformed encodings.
bool verifyPassword(const std::string& password, const std::string& encoded);

}  // namespace gateway::auth
